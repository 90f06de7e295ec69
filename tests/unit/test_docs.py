"""Docs are tested code: every ```python block in README.md runs (the generated API client's block needs a
live server and the generated package: tests/api/test_client_example.py runs that one as written)."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_readme_python_blocks_run(studio_home):
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README should show how to use studio_kit from Python"
    for block in blocks:
        if "studio_kit_api_client" in block:
            continue
        exec(compile(block, "README.md", "exec"), {})


def test_readme_opens_with_the_two_commands():
    head = (REPO / "README.md").read_text().split("\n\n", 3)[:3]
    assert "make demo" in "\n".join(head) and "make test" in "\n".join(head)
