"""`studio run`: parameters validated against the template, runs stored, failures keep the partial notebook."""
from pathlib import Path

import jupytext
import nbformat
import pytest
from typer.testing import CliRunner

from studio_kit.cli import app
from studio_kit.exceptions import ParameterError, RunError


def write_template(path: Path, percent_source: str) -> None:
    """Write a notebook from jupytext py:percent text, the form templates/ keeps its sources in."""
    nb = jupytext.reads(percent_source, fmt="py:percent")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(nb, path, fmt="ipynb")


@pytest.fixture
def template_dir(tmp_path, monkeypatch, studio_home):
    folder = tmp_path / "templates"
    folder.mkdir()
    write_template(folder / "square.ipynb", """\
# %% [markdown]
# # Square
# Squares a number and fails on request.

# %% tags=["parameters"]
n: int = 3  # the number to square
label: str = "x"  # a label
fail_at: int = -1  # cell that raises (-1: none)
ratio: float = 0.5  # a ratio

# %%
result = n * n
print(label, result)

# %%
if fail_at == 3:
    raise RuntimeError(f'asked to fail with n={n}')

# %%
from studio_kit.runs import publish
publish(result=result, label=label)
""")
    write_template(folder / "needs_title.ipynb", """\
# %% [markdown]
# # Needs title
# A template with a required parameter.

# %% tags=["parameters"]
title: str = None  # required: the film title

# %%
print(title)
""")
    monkeypatch.setenv("STUDIO_TEMPLATES_DIR", str(folder))
    from studio_kit.config import reset_settings
    reset_settings()
    return folder


def test_good_parameters_are_converted_and_the_run_is_stored(template_dir):
    from studio_kit.runs.runner import run_template
    from studio_kit.store import open_store

    result = run_template("square", {"n": "7", "label": "seven", "ratio": "0.25"}, progress=False)
    assert result.status == "succeeded"
    assert result.outputs == {"result": 49, "label": "seven"}
    assert result.parameters == {"n": 7, "label": "seven", "ratio": 0.25}
    ctx = open_store().project("default", "demo")
    run = ctx.get_run(result.run_id)
    assert run.status == "succeeded" and run.parameters["n"] == 7 and run.duration_s > 0
    nb = nbformat.reads(ctx.read_bytes(run.output_asset_id).decode(), as_version=4)
    assert any("seven 49" in "".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", []))


def test_unknown_parameter_is_rejected_with_the_known_ones(template_dir):
    from studio_kit.runs.runner import run_template

    with pytest.raises(ParameterError) as err:
        run_template("square", {"m": "2"}, progress=False)
    assert "'m'" in err.value.message and "n, label, fail_at, ratio" in err.value.message


def test_wrong_type_names_parameter_and_type(template_dir):
    from studio_kit.runs.runner import run_template

    with pytest.raises(ParameterError) as err:
        run_template("square", {"n": "seven"}, progress=False)
    assert "'n' expects int" in err.value.message


def test_missing_required_parameter_is_named(template_dir):
    from studio_kit.runs.runner import run_template

    with pytest.raises(ParameterError) as err:
        run_template("needs_title", {}, progress=False)
    assert "title" in err.value.message


def test_failing_template_keeps_partial_notebook_and_is_stored_as_failed(template_dir, tmp_path):
    from studio_kit.runs.runner import run_template
    from studio_kit.store import open_store

    out = tmp_path / "failed.ipynb"
    with pytest.raises(RunError) as err:
        run_template("square", {"n": "5", "fail_at": "3"}, out, progress=False)
    assert err.value.ename == "RuntimeError" and "asked to fail with n=5" in err.value.evalue
    nb = nbformat.read(out, as_version=4)
    failing = nb.cells[err.value.cell_index]  # index in the executed notebook (papermill adds a parameters cell)
    assert "fail_at == 3" in failing.source
    assert any(o.get("ename") == "RuntimeError" for o in failing.outputs)
    assert any("print(label" in c.source and c.get("outputs") for c in nb.cells[: err.value.cell_index]), \
        "cells before the failure keep their outputs"
    ctx = open_store().project("default", "demo")
    run = ctx.list_runs(limit=1)[0]
    assert run.status == "failed" and run.error_cell_index == err.value.cell_index and "RuntimeError" in run.error
    assert run.output_asset_id is not None


def test_cli_run_and_history(template_dir):
    runner = CliRunner()
    ok = runner.invoke(app, ["run", "square", "-p", "n", "4", "--no-progress"])
    assert ok.exit_code == 0, ok.output
    assert "succeeded" in ok.output and "result: 16" in ok.output
    bad = runner.invoke(app, ["run", "square", "-p", "nope", "1"])
    assert bad.exit_code != 0
    history = runner.invoke(app, ["runs"])
    assert "square" in history.output and "succeeded" in history.output
    listing = runner.invoke(app, ["templates"])
    assert "the number to square" in listing.output and "needs_title" in listing.output
