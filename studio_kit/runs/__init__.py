"""Template runs with papermill: discovery, parameter validation, execution, history."""
from __future__ import annotations

import json
from typing import Any

from studio_kit.lazy import lazy_exports


def publish(**values: Any) -> None:
    """Publish result values from inside a template; ``run_template`` returns them in ``RunResult.outputs``."""
    from IPython.display import display

    display({"application/vnd.studio-kit+json": json.loads(json.dumps(values, default=str)),
             "text/plain": ", ".join(f"{k}={v}" for k, v in values.items())}, raw=True)


__getattr__, __dir__ = lazy_exports(__name__, {
    "run_template": "studio_kit.runs.runner", "RunResult": "studio_kit.runs.runner",
    "list_templates": "studio_kit.runs.templates", "find_template": "studio_kit.runs.templates",
    "Template": "studio_kit.runs.templates",
    "runner": ("studio_kit.runs.runner", None), "templates": ("studio_kit.runs.templates", None),
})
