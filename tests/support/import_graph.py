"""The import graph of a package, read from its source with ``ast`` (nothing is imported).

Every ``import`` counts, also those inside functions and under ``if TYPE_CHECKING:``: a cycle hidden in a
function is still a cycle, only deferred to the first call. ``from pkg import name`` imports ``pkg.name`` when
that is a module of the package, else ``pkg`` (its ``__init__``). Run ``python -m tests.support.import_graph ROOT
[DEPTH]`` to print a graph.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

Graph = dict[str, set[str]]


def module_files(root: str) -> dict[str, Path]:
    """Every module of the package ``root`` (``__init__`` as the package's name) and its source file."""
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{root!r} is not a package")
    out: dict[str, Path] = {}
    for base in map(Path, spec.submodule_search_locations):
        for path in sorted(base.rglob("*.py")):
            parts = [root, *path.relative_to(base).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _imported(module: str, is_package: bool, tree: ast.AST, modules: set[str]) -> Iterator[str]:
    """The absolute names of what ``module``'s source imports, anywhere in it."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                yield f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source


def all_imports(root: str) -> dict[str, set[str]]:
    """Module of ``root`` -> every module name it imports (the package's own and others)."""
    files = module_files(root)
    modules = set(files)
    out: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        out[module] = set(_imported(module, path.name == "__init__.py", tree, modules))
    return out


def from_ancestors(root: str) -> list[str]:
    """``module: from package import ...`` for each import of ``root`` that goes through an enclosing package's
    ``__init__`` (``from barcode_cloud import _fork`` in ``barcode_cloud._client``): that ``__init__`` imports
    the module, so the module runs while it is half done."""
    found = []
    for module, path in module_files(root).items():
        parts = module.split(".")
        enclosing = {".".join(parts[:n]) for n in range(1, len(parts))}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.level or node.module in enclosing):
                found.append(f"{module}: from {'.' * node.level}{node.module or ''} import ...")
    return found


def group(module: str, depth: int | None) -> str:
    """The node of ``module`` when modules are grouped by their first ``depth`` dotted parts (``None``: none)."""
    return module if depth is None else ".".join(module.split(".")[:depth])


def import_graph(root: str, depth: int | None = None) -> Graph:
    """Node -> the nodes it imports, among ``root``'s modules grouped by ``depth``; imports inside a node are
    left out (a package importing its own modules is no cycle at that grain)."""
    imports = all_imports(root)
    graph: Graph = {}
    for module, names in imports.items():
        node = group(module, depth)
        edges = graph.setdefault(node, set())
        edges.update(group(n, depth) for n in names if n in imports and group(n, depth) != node)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted; none: no cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def render(graph: Graph) -> str:
    """One line per node: ``node -> imported, ...``."""
    return "\n".join(f"{node} -> {', '.join(sorted(graph[node])) or '-'}" for node in sorted(graph))


if __name__ == "__main__":
    root_arg = sys.argv[1] if len(sys.argv) > 1 else "barcode_cloud"
    depth_arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    shown = import_graph(root_arg, depth_arg)
    print(render(shown))
    print("cycles:", cycles(shown) or "none")
