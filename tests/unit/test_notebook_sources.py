"""Every notebook in templates/ and notebooks/ has a jupytext py:percent source that says the same thing.

The .py files under notebook_sources/ are the reviewable form of the notebooks (no outputs, no JSON).
Edit either file, then run `jupytext --sync <file>`; this test fails when the two drift apart.
The sources live outside templates/ because templates/ is package data (studio_kit/templates).
"""
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.paired_paths import paired_paths

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("templates", "notebooks")
SOURCES = REPO / "notebook_sources"
NOTEBOOKS = sorted(p for folder in FOLDERS for p in (REPO / folder).glob("*.ipynb"))


def expected_source(notebook: Path) -> Path:
    return SOURCES / notebook.parent.name / f"{notebook.stem}.py"


def cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def show(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def drift(notebook: Path, source: Path) -> list[str]:
    """Human-readable differences between a notebook's cells and its paired source's cells."""
    fix = f"Fix: edit one of them, then run `jupytext --sync {show(source)}` (or the .ipynb)."
    if not source.exists():
        return [(f"{show(notebook)} has no paired source {show(source)}. "
                 f"Fix: `jupytext --set-formats '{notebook.parent.name}///ipynb,notebook_sources/"
                 f"{notebook.parent.name}///py:percent' {show(notebook)}`.")]
    ours = cells(nbformat.read(notebook, as_version=4))
    theirs = cells(jupytext.read(source))
    problems = []
    if len(ours) != len(theirs):
        problems.append(f"{notebook.name} has {len(ours)} cells, {source.name} has {len(theirs)}.")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            problems.append(f"cell {i} differs:\n  .ipynb: {a!r}\n  .py:    {b!r}")
            break
    return [f"{show(notebook)} and {show(source)} have drifted apart: {p} {fix}"
            for p in problems]


def test_every_folder_has_notebooks():
    for folder in FOLDERS:
        assert list((REPO / folder).glob("*.ipynb")), f"no notebooks found in {folder}/"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_paired_with_its_percent_source(notebook):
    formats = nbformat.read(notebook, as_version=4).metadata.get("jupytext", {}).get("formats", "")
    assert "py:percent" in formats, (
        f"{notebook.relative_to(REPO)} is not paired with a py:percent source (metadata.jupytext.formats={formats!r}).")
    paired = [Path(p) for p, fmt in paired_paths(str(notebook), "ipynb", formats) if fmt["extension"] == ".py"]
    assert paired == [expected_source(notebook)], (
        f"{notebook.relative_to(REPO)} pairs with {paired}, expected {expected_source(notebook)}.")
    assert expected_source(notebook).exists(), f"{show(expected_source(notebook))} is missing"
    source_header = jupytext.read(expected_source(notebook)).metadata.get("jupytext", {}).get("formats")
    assert source_header == formats, f"{expected_source(notebook).name} pairs differently ({source_header!r})."


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_and_source_have_the_same_cells(notebook):
    problems = drift(notebook, expected_source(notebook))
    assert not problems, "\n".join(problems)


def test_every_source_has_its_notebook():
    orphans = [p.relative_to(REPO) for folder in FOLDERS for p in sorted((SOURCES / folder).glob("*.py"))
               if not (REPO / folder / f"{p.stem}.ipynb").exists()]
    assert not orphans, f"sources without a notebook: {orphans}. Fix: delete them or restore the notebook."


@pytest.mark.parametrize("notebook", sorted((REPO / "templates").glob("*.ipynb")), ids=lambda p: p.name)
def test_templates_keep_the_parameters_tag_in_the_source(notebook):
    source = expected_source(notebook)
    assert source.exists(), f"{show(source)} is missing"
    assert source.read_text(encoding="utf-8").count('# %% tags=["parameters"]') == 1, (
        f"{show(source)} should have exactly one `# %% tags=[\"parameters\"]` cell (papermill reads it)")


def test_drift_is_reported_with_the_sync_command(tmp_path):
    """An edit to one file only is caught: a changed code line, a lost tag, an extra cell."""
    notebook = REPO / "templates" / "hello_project.ipynb"
    source = expected_source(notebook)
    assert drift(notebook, source) == []
    text = source.read_text(encoding="utf-8")

    edited = tmp_path / "edited.py"
    edited.write_text(text.replace('project_title: str = "', 'project_title: str = "Edited '), encoding="utf-8")
    problems = drift(notebook, edited)
    assert problems and "cell 1 differs" in problems[0] and f"jupytext --sync {edited}" in problems[0]

    edited.write_text(text.replace('# %% tags=["parameters"]', "# %%"), encoding="utf-8")
    assert "cell 1 differs" in drift(notebook, edited)[0]

    edited.write_text(text + "\n# %%\nprint('extra')\n", encoding="utf-8")
    assert "has 5 cells, edited.py has 6" in drift(notebook, edited)[0]

    assert "has no paired source" in drift(notebook, tmp_path / "missing.py")[0]
