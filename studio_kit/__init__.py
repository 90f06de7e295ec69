"""studio_kit: an AI film studio workbench.

Importing this package is cheap: engines, backends and heavy libraries
(torch, diffusers, transformers, panel) are imported only when used.
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "settings": ("studio_kit.config", "get_settings"),
    "StudioError": ("studio_kit.exceptions", "StudioError"),
    "registry": ("studio_kit.registry", None),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'studio_kit' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
