"""Which packages may import which: identity knows nothing of the Barcode API, the engine nothing of HTTP, the
database or the SDK (imports inside functions included)."""

from __future__ import annotations

import ast
from importlib.util import resolve_name
from pathlib import Path

import pytest

import barcode_cloud_server

SERVER = Path(barcode_cloud_server.__file__).parent


def _imports(package: Path) -> dict[str, set[str]]:
    """Every name a package's files import, as ``module.name`` (relative imports resolved), by file."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(SERVER.parent).with_suffix("").parts
        here = ".".join(parts if parts[-1] == "__init__" else parts[:-1]).removesuffix(".__init__")
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                module = resolve_name("." * node.level + (node.module or ""), here) if node.level else node.module
                names.update(f"{module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(SERVER))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("identity", ("barcode_cloud_server.api",)),
        (
            "engine",
            (
                "barcode_cloud_server.api",
                "barcode_cloud_server.identity",
                "barcode_cloud",
                "fastapi",
                "starlette",
                "sqlalchemy",
            ),
        ),
    ],
)
def test_package_imports_nothing_forbidden(package: str, forbidden: tuple[str, ...]) -> None:
    files = _imports(SERVER / package)
    assert files, package
    bad = {
        file: sorted(name for name in names if any(name == f or name.startswith(f + ".") for f in forbidden))
        for file, names in files.items()
    }
    assert not {file: names for file, names in bad.items() if names}
