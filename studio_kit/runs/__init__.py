"""Template runs with papermill: discovery, parameter validation, execution, history."""
from __future__ import annotations

import json
from typing import Any

from studio_kit.runs import runner, templates


def publish(**values: Any) -> None:
    """Publish result values from inside a template; ``run_template`` returns them in ``RunResult.outputs``."""
    from IPython.display import display

    display({"application/vnd.studio-kit+json": json.loads(json.dumps(values, default=str)),
             "text/plain": ", ".join(f"{k}={v}" for k, v in values.items())}, raw=True)


def __getattr__(name: str):
    if name in {"run_template", "RunResult"}:
        return getattr(runner, name)
    if name in {"list_templates", "find_template", "Template"}:
        return getattr(templates, name)
    raise AttributeError(name)
