"""studio_kit: an AI film studio workbench.

Importing this package is cheap: engines, backends and heavy libraries
(torch, diffusers, transformers, panel) are imported only when used.
"""
from __future__ import annotations

from studio_kit.lazy import lazy_exports

__version__ = "0.1.0"

_LAZY = {
    "settings": ("studio_kit.config", "get_settings"),
    "StudioError": ("studio_kit.exceptions", "StudioError"),
    "registry": ("studio_kit.registry", None),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
__all__ = ["__version__", *_LAZY]
