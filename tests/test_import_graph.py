"""Which parts import which, read from the source (imports inside functions included): the SDK's modules without
cycles and never the server; the server's parts in layers, each importing only those below it; test modules sharing
helpers only through tests/support."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.import_graph import all_imports, cycles, from_ancestors, import_graph

SDK = "barcode_cloud"
SERVER = "barcode_cloud_server"
# Each part of the server and the parts it may import: the architecture, bottom up. The engine knows nothing of
# HTTP, databases, tokens or the SDK; identity nothing of the Barcode API; web nothing of barcodes or tokens.
LAYERS: dict[str, set[str]] = {
    "engine": set(),
    "storage": set(),
    "settings": set(),
    "observability": set(),
    "web": {"observability"},
    "identity": {"observability", "settings", "storage", "web"},
    "api": {"engine", "identity", "web"},
    "tools": {"api", "engine", "identity", "web"},
    "dashboard": {"engine", "identity", "observability", "settings", "storage", "web"},
    "cli": {"dashboard", "identity", "observability", "settings", "storage", "tools", "web"},
    "app": {"api", "dashboard", "identity", "observability", "settings", "storage", "tools", "web"},
}
# Outside the server, what a part may import of the SDK (the wire models) or of web frameworks and databases.
OUTSIDE: dict[str, tuple[str, ...]] = {
    "engine": ("barcode_cloud", "fastapi", "starlette", "uvicorn", "sqlalchemy", "httpx", "jwt"),
    "identity": ("barcode_cloud",),
    "web": ("barcode_cloud",),
    "storage": ("barcode_cloud", "fastapi", "starlette"),
}


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_server_parts_import_only_the_layers_below_them() -> None:
    graph = import_graph(SERVER, depth=2)
    assert {_part(node) for node in graph} - {""} == set(LAYERS), "a new part: give it its place in LAYERS"
    wrong = {
        node: sorted(_part(n) for n in imported if _part(n) not in LAYERS[_part(node)] | {""})
        for node, imported in graph.items()
        if _part(node)
    }
    assert {node: parts for node, parts in wrong.items() if parts} == {}
    assert cycles(graph) == []


@pytest.mark.parametrize("part", sorted(OUTSIDE))
def test_server_parts_import_nothing_forbidden_from_outside(part: str) -> None:
    forbidden = OUTSIDE[part]
    found = {
        f"{module} -> {name}"
        for module, names in all_imports(SERVER).items()
        if _part(module) == part
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    }
    assert found == set()


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


def test_test_modules_share_helpers_only_through_tests_support() -> None:
    tests = Path(__file__).parent
    found = [
        f"{path.relative_to(tests)}: from {'.' * node.level}{node.module or ''}"
        for path in sorted(tests.rglob("*.py"))
        if "support" not in path.relative_to(tests).parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.level or ((node.module or "").startswith("tests.") and not node.module.startswith("tests.support")))
    ]
    assert found == []
