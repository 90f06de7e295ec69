"""The writing engine's modules import each other without cycles and without private names (issue 9).

Every import counts, including those inside functions (a cycle hidden in a
function still couples the modules), and no module reaches for another
module's ``_private`` names.
"""
from __future__ import annotations

import ast
from pathlib import Path

from studio_kit.engines import writing

ENGINE = Path(writing.__file__).resolve().parent
PREFIX = "studio_kit.engines.writing."


def _imports() -> dict[str, list[tuple[str, list[str]]]]:
    """module -> [(sibling module, names imported)] for every import statement in it."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for path in sorted(ENGINE.glob("*.py")):
        edges = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
                edges.append((node.module[len(PREFIX):].split(".")[0], [a.name for a in node.names]))
            elif isinstance(node, ast.Import):
                edges.extend((a.name[len(PREFIX):].split(".")[0], []) for a in node.names if a.name.startswith(PREFIX))
        out[path.stem] = edges
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_writing_engine_has_no_import_cycles_even_inside_functions():
    imports = _imports()
    graph = {mod: {dep for dep, _ in edges if dep != mod} for mod, edges in imports.items()}
    assert {"fountain", "scenes", "fdx", "fdx_title", "io"} <= set(graph)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])
    # the cycles issue 9 named are gone in both directions
    assert "fountain" not in graph["scenes"] and "scenes" in graph["fountain"]
    assert "fdx" not in graph["fdx_title"] and "io" not in graph["fdx"] and "fdx" in graph["io"]


def test_no_module_imports_another_modules_private_names():
    leaks = [(mod, dep, name) for mod, edges in _imports().items() for dep, names in edges
             for name in names if name.startswith("_") and dep != mod]
    assert leaks == []


def test_a_cycle_would_be_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_parsing_modules_import_cleanly_each_in_a_fresh_interpreter():
    import subprocess
    import sys

    modules = ["fountain", "fountain_markup", "fountain_writer", "scenes", "layout", "pagination", "print_tokens",
               "fdx", "fdx_title", "fdx_text", "io", "script_bytes", "pdf"]
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)"
    for name in modules:    # alone, first: an import cycle would fail on whichever module comes first
        run = subprocess.run([sys.executable, "-c", code, PREFIX + name], capture_output=True, text=True, timeout=60,
                             check=False)
        assert run.returncode == 0, (name, run.stderr[-2000:])
