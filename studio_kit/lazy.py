"""The one lazy-export helper: a package names what it exports and where each name lives, and a name's module is
imported the first time it is used (the way diffusers' ``_LazyModule`` keeps ``import diffusers`` cheap).

    __getattr__, __dir__ = lazy_exports(__name__, {"parse_fountain": "studio_kit.engines.writing.fountain"})

A value of ``(module, None)`` exports the module itself; ``(module, attr)`` exports ``attr`` under another name.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

Target = str | tuple[str, str | None]


def lazy_exports(package: str, exports: Mapping[str, Target]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each exported name imports its module on first use."""
    table = {name: (target, name) if isinstance(target, str) else target for name, target in exports.items()}

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, attr = table[name]
        module = importlib.import_module(module_name)
        return module if attr is None else getattr(module, attr)

    def __dir__() -> list[str]:
        return sorted(table)

    return __getattr__, __dir__
