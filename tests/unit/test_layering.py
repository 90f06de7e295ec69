"""The layers of studio_kit depend one way only (docs/ARCHITECTURE.md, "One engine pattern").

Every module's imports are read with :mod:`ast`, including the ones inside
functions (a lazy import is still a dependency), and checked against the rules:

* ``studio_kit.domain`` is the bottom layer: it imports nothing from engines,
  backends, UI or CLI, nor the media prober;
* ``studio_kit.media`` (the one media prober and reader) sits just above it: it
  imports nothing from engines, backends, UI or CLI, so every one of them may use it;
* engines import no UI or CLI, and no backend: they reach backends only through ``studio_kit.registry``;
* the frame font loader (``studio_kit.fonts``) sits below engines and backends, as the media prober does;
* UI components and the shipped templates import no CLI;
* engine packages do not import each other in a cycle, and no two modules of the package import each other,
  directly or round a loop, even through imports inside functions.
"""
from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "studio_kit"
TEMPLATE_DIRS = (ROOT / "templates", PACKAGE / "templates")

#: Known exceptions, each with its reason. The list may only shrink: a new violation fails the test.
ALLOWED: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module a syntax tree imports, anywhere in it, with relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            yield stem
            for alias in node.names:  # "from studio_kit.engines import writing" imports a module too
                yield f"{stem}.{alias.name}"


def python_modules() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {m for m in imports_of(tree, name, path.name == "__init__.py") if m.startswith("studio_kit")}
    return graph


def template_imports() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for folder in TEMPLATE_DIRS:
        for nb in sorted(folder.glob("*.ipynb")):
            cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
            found: set[str] = set()
            for cell in cells:
                if cell.get("cell_type") != "code":
                    continue
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
                tree = ast.parse("\n".join(lines))
                found |= {m for m in imports_of(tree, "template", False) if m.startswith("studio_kit")}
            out[str(nb.relative_to(ROOT))] = found
    return out


GRAPH = python_modules()


def _in(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def violations(sources: dict[str, set[str]], layer: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for module, targets in sources.items():
        if not _in(module, layer) and layer != "*":
            continue
        for target in sorted(targets):
            allowed = any(m == module and _in(target, t) for m, t in ALLOWED)
            if any(_in(target, f) for f in forbidden) and not allowed:
                bad.append(f"{module} imports {target}")
    return bad


def test_the_import_reader_sees_imports_inside_functions_and_relative_ones():
    tree = ast.parse("def f():\n    from ..cli import app\n    import studio_kit.ui.board_state\n")
    found = set(imports_of(tree, "studio_kit.engines.x", False))
    assert "studio_kit.cli.app" in found and "studio_kit.ui.board_state" in found


def test_domain_models_import_no_engine_backend_ui_or_cli():
    bad = violations(GRAPH, "studio_kit.domain",
                     ("studio_kit.engines", "studio_kit.backends", "studio_kit.ui", "studio_kit.cli",
                      "studio_kit.media"))
    assert not bad, "domain/ must stay the bottom layer:\n" + "\n".join(bad)


def test_the_media_prober_imports_no_engine_backend_ui_or_cli():
    assert "studio_kit.media" in GRAPH, "studio_kit/media.py moved? update this layer"
    bad = violations(GRAPH, "studio_kit.media",
                     ("studio_kit.engines", "studio_kit.backends", "studio_kit.ui", "studio_kit.cli"))
    assert not bad, "media.py sits below every engine, backend and front end:\n" + "\n".join(bad)


def test_the_font_loader_imports_no_engine_backend_ui_or_cli():
    assert "studio_kit.fonts" in GRAPH, "studio_kit/fonts.py moved? update this layer"
    bad = violations(GRAPH, "studio_kit.fonts",
                     ("studio_kit.engines", "studio_kit.backends", "studio_kit.ui", "studio_kit.cli"))
    assert not bad, "fonts.py sits below every engine and backend:\n" + "\n".join(bad)


def test_engines_reach_backends_only_through_the_registry():
    bad = violations(GRAPH, "studio_kit.engines", ("studio_kit.backends",))
    assert not bad, ("engines ask for a backend by name through studio_kit.registry (load_backend, invoke, "
                     "get_backend_class) and pass domain values (domain/requests.py):\n" + "\n".join(bad))


def test_engines_import_no_front_end():
    """Engines sit on domain, store, registry and platform (and the shared config, exceptions, media prober, font
    loader and HTML templating below them); the front ends — UI, CLI, REST API, template runner, hub, demo — call
    the engines, never the other way."""
    bad = violations(GRAPH, "studio_kit.engines", ("studio_kit.ui", "studio_kit.cli", "studio_kit.api",
                                                   "studio_kit.runs", "studio_kit.hub", "studio_kit.demo"))
    assert not bad, "engines are called by front ends, never the other way:\n" + "\n".join(bad)


def test_ui_components_import_no_cli():
    bad = violations(GRAPH, "studio_kit.ui", ("studio_kit.cli",))
    assert not bad, "UI components call services, not the CLI:\n" + "\n".join(bad)


def test_templates_import_no_cli():
    found = template_imports()
    assert found, "no templates found: the template folders moved?"
    bad = violations(found, "*", ("studio_kit.cli",))
    assert not bad, "templates call services, not the CLI:\n" + "\n".join(bad)


def engine_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["studio_kit", "engines"] else None


def engine_graph() -> dict[str, set[str]]:
    deps: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        source = engine_of(module)
        if source is None:
            continue
        deps.setdefault(source, set())
        for target in targets:
            dest = engine_of(target)
            if dest is not None and dest != source and (PACKAGE / "engines" / dest).is_dir():
                deps[source].add(dest)
    return deps


def find_cycle(deps: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(deps.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(deps):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_engine_packages_do_not_import_each_other_in_a_cycle():
    deps = engine_graph()
    assert {"writing", "preproduction", "characters"} <= set(deps)
    cycle = find_cycle(deps)
    assert cycle is None, "engine packages import each other: " + " -> ".join(cycle or [])


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    for node in ast.iter_child_nodes(tree):
        typing_only = isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for kept in node.orelse if typing_only else [node]:
            yield kept
            yield from _runtime_nodes(kept)


def module_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports, anywhere in it. ``from pkg import mod`` is an edge to
    ``pkg.mod`` (Python runs ``pkg/__init__`` first, but a package's own submodules importing each other through
    it is not a loop of theirs); ``from mod import name`` and ``import mod.sub`` are edges to the module named.
    Imports under ``if TYPE_CHECKING:`` are left out: they name a type for the checker and never run."""
    modules = set(GRAPH)

    def nearest(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = module_name(path)
        edges: set[str | None] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {nearest(a.name) for a in node.names if a.name.startswith("studio_kit")}
            elif isinstance(node, ast.ImportFrom):
                stem = next(iter(imports_of(ast.Module(body=[node], type_ignores=[]), module,
                                            path.name == "__init__.py")))
                if not stem.startswith("studio_kit"):
                    continue
                for alias in node.names:
                    full = f"{stem}.{alias.name}"
                    edges.add(full if full in modules else nearest(stem))
        out[module] = {e for e in edges if e and e != module}
    return out


def test_no_two_modules_import_each_other():
    graph = module_graph()
    assert "studio_kit.engines.writing.scenes" in graph["studio_kit.engines.writing.fountain"]
    cycle = find_cycle(graph)
    assert cycle is None, ("an import cycle between modules (imports inside functions count): "
                           + " -> ".join(cycle or []) + "; move what both need into a module below them")


#: where an import inside a function is the point: the CLI imports each command's engine when the command runs, so
#: `studio --help` stays light (tests/unit/test_lazy_imports.py); packages export lazily through studio_kit.lazy
LAZY_BY_DESIGN = ("studio_kit/cli/",
                  # the Blender worker imports its bpy scene in the child, after redirecting the output bpy prints
                  "studio_kit/backends/image/blender3d/worker.py")
STDLIB = set(sys.stdlib_module_names)


def imports_inside_functions(path: Path) -> list[str]:
    """The studio_kit and standard-library imports inside a function or class of ``path`` (not in a try block,
    which marks an optional import, nor under TYPE_CHECKING)."""
    found: list[str] = []

    def walk(node: ast.AST, inside: bool, in_try: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                name = (child.module or "") if isinstance(child, ast.ImportFrom) else child.names[0].name
                top = name.split(".")[0]
                if inside and not in_try and (top == "studio_kit" or top in STDLIB):
                    found.append(f"{path.relative_to(ROOT)}:{child.lineno}: {ast.unparse(child)}")
                continue
            walk(child, inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                     ast.Lambda)), in_try or isinstance(child, ast.Try))

    walk(ast.parse(path.read_text(encoding="utf-8")), False, False)
    return found


def test_imports_of_the_package_and_the_standard_library_sit_at_module_top():
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in path.parts
             and not path.is_symlink() and not str(path.relative_to(ROOT)).startswith(LAZY_BY_DESIGN)
             for hit in imports_inside_functions(path)]
    assert not found, ("import these at the top of the module (no two modules import each other, so nothing needs "
                       "hiding in a function; heavy third-party libraries may stay where they are used):\n"
                       + "\n".join(found))


def test_every_allowed_exception_is_still_needed():
    # one test over the whole list (not parametrized): an empty list runs and passes instead of being skipped
    stale = [f"{module} no longer imports {target}: drop it from ALLOWED"
             for module, target in sorted(ALLOWED) if target not in GRAPH.get(module, set())]
    assert not stale, "\n".join(stale)
