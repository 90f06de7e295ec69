"""Papermill templates: discovery and parameter inspection.

A template is a notebook in the templates folder with one cell tagged
``parameters``. Each parameter line reads ``name: type = default  # help``.
A parameter is *required* when its help text starts with ``required``
(its default is then only a placeholder, usually ``None``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio_kit.config import get_settings
from studio_kit.exceptions import ParameterError


@dataclass(frozen=True)
class TemplateParameter:
    name: str
    type_name: str      # as papermill infers it: int, float, bool, str, list, dict, None
    default: str        # source text of the default value
    help: str

    @property
    def required(self) -> bool:
        return self.help.strip().lower().startswith("required")


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    parameters: tuple[TemplateParameter, ...]
    description: str

    def parameter(self, name: str) -> TemplateParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def templates_dir() -> Path:
    return get_settings().resolved_templates_dir


def _description(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = [ln.strip("# ").strip() for ln in cell.source.splitlines() if ln.strip()]
            return lines[1] if len(lines) > 1 else (lines[0] if lines else "")
    return ""


def inspect_template(path: Path) -> Template:
    """Read a template's parameters with ``papermill.inspect_notebook``."""
    import papermill

    if not path.exists():
        raise ParameterError(f"Template file {path} does not exist.", hint="Run `studio templates` to list templates.")
    if not path.is_file():
        raise ParameterError(f"Template {path} is not a file.", hint="Pass a .ipynb notebook file.")
    try:
        raw = papermill.inspect_notebook(str(path))
    except ValueError as exc:  # nbformat's NotJSONError and papermill's "no kernel name" are ValueErrors
        what = "has no kernel name in its metadata" if "kernel name" in str(exc) else "is not a readable notebook"
        raise ParameterError(f"Template {path} {what} ({str(exc).splitlines()[0][:120]}).",
                             hint="Save it from Jupyter (it records metadata.kernelspec.name), or pick a "
                                  "template from `studio templates`.") from exc
    except (KeyError, AttributeError, TypeError, RecursionError, UnicodeDecodeError) as exc:
        raise ParameterError(f"Template {path} is not a valid notebook: {type(exc).__name__}: {exc}.",
                             hint="Open and save it in Jupyter, or pick a template from `studio templates`.") from exc
    params = tuple(
        TemplateParameter(name=p["name"], type_name=str(p.get("inferred_type_name") or "None"),
                          default=str(p.get("default")), help=str(p.get("help") or ""))
        for p in raw.values()
    )
    return Template(path.stem, path, params, _description(path))


def list_templates(folder: Path | None = None) -> list[Template]:
    folder = folder or templates_dir()
    return [inspect_template(p) for p in sorted(folder.glob("*.ipynb"))]


def find_template(name: str, folder: Path | None = None) -> Template:
    """A template by name (``hello_project``) or by path to a notebook."""
    candidate = Path(name)
    if candidate.suffix == ".ipynb" and candidate.exists():
        return inspect_template(candidate)
    folder = folder or templates_dir()
    path = folder / f"{candidate.stem}.ipynb"
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(folder.glob("*.ipynb"))) or "none"
        raise ParameterError(f"No template named '{name}' in {folder}. Known templates: {known}.",
                             hint="Run `studio templates` to see every template and its parameters.")
    return inspect_template(path)
