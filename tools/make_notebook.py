"""Write a notebook from a compact Python description (used to author templates/ and notebooks/).

    python tools/make_notebook.py OUT.ipynb SPEC.py

SPEC.py defines CELLS = [("md", "text"), ("params", "code"), ("code", "code"), ...].
"""
from __future__ import annotations

import runpy
import sys

import nbformat


def build(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in cells:
        src = src.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(src))
        elif kind == "params":
            nb.cells.append(nbformat.v4.new_code_cell(src, metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src))
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    return nb


if __name__ == "__main__":
    out, spec = sys.argv[1], sys.argv[2]
    nbformat.write(build(runpy.run_path(spec)["CELLS"]), out)
