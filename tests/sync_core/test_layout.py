"""The sync core's layout: no import circles, and one module per Procore tool.

The scenario player (``sync_core.replay``) sits on top of the core and is checked on its own terms elsewhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sync_core

ROOT = Path(sync_core.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every sync_core module this file imports, wherever the import sits (type-checking and
    function-level imports count: a circle hidden in a function is still a circle)."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n in modules)
    found.discard(module_name(path))
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in ROOT.rglob("*.py") if "replay" not in p.parts}
    modules = set(files)
    edges = {name: imports_of(path, modules) for name, path in files.items()}
    # A package's __init__ re-exporting its submodules is not a circle with them.
    for name in edges:
        edges[name] = {t for t in edges[name] if not (name.startswith(t + ".") and files[t].name == "__init__.py")}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_sync_core_has_no_import_circles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_the_circle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_each_procore_tool_has_its_own_module_and_none_is_two_rooms() -> None:
    tools = ["directory", "cost_codes", "projects", "budget", "commitments", "change_orders", "prime_contract",
             "invoices", "direct_costs", "payments"]
    for tool in tools:
        path = ROOT / "objects" / f"{tool}.py"
        assert path.exists(), tool
    for path in [*ROOT.glob("*.py"), *ROOT.glob("objects/*.py")]:
        assert len(path.read_text().splitlines()) <= 800, path
