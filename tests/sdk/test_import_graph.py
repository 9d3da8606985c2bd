"""The SDK's modules import each other without cycles (imports inside functions included) and never the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import all_imports, cycles, from_ancestors, import_graph

SDK = "barcode_cloud"


@pytest.mark.parametrize("depth", [None, 2])
def test_sdk_modules_import_each_other_without_cycles(depth: int | None) -> None:
    assert cycles(import_graph(SDK, depth)) == []


def test_sdk_modules_do_not_import_through_their_package() -> None:
    assert from_ancestors(SDK) == []


def test_sdk_imports_nothing_of_the_server() -> None:
    server = {
        f"{module} -> {name}"
        for module, names in all_imports(SDK).items()
        for name in names
        if name == "barcode_cloud_server" or name.startswith("barcode_cloud_server.")
    }
    assert server == set()


def test_the_graph_sees_imports_in_functions_and_through_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from pkg.a import A\n")
    (pkg / "a.py").write_text("A = 1\ndef f():\n    from pkg.sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("from .. import a\nfrom pkg import A\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert import_graph("pkg") == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.sub.b"},
        "pkg.sub": set(),
        "pkg.sub.b": {"pkg", "pkg.a"},  # "from pkg import A": the package; "from .. import a": the module
    }
    assert cycles(import_graph("pkg")) == [["pkg", "pkg.a", "pkg.sub.b"]]
    assert cycles(import_graph("pkg", depth=2)) == [["pkg", "pkg.a", "pkg.sub"]]
    assert from_ancestors("pkg") == ["pkg.sub.b: from .. import ...", "pkg.sub.b: from pkg import ..."]
