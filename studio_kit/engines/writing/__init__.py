"""Writing engine: Fountain/FDX screenplays, scenes, stats, pagination and PDF.

Exports are lazy so that ``import studio_kit.engines.writing`` stays cheap
(polars, reportlab and XML parsing load only when used).
"""
from __future__ import annotations

from studio_kit.engines.writing import speedups
from studio_kit.lazy import lazy_exports

# compiled layout modules run only when they were built from the current source (see speedups)
speedups.guard()

_LAZY = {
    "parse_fountain": "studio_kit.engines.writing.fountain",
    "plain_text": "studio_kit.engines.writing.fountain",
    "strip_notes": "studio_kit.engines.writing.fountain",
    "write_fountain": "studio_kit.engines.writing.fountain_writer",
    "read_fdx": "studio_kit.engines.writing.fdx",
    "write_fdx": "studio_kit.engines.writing.fdx",
    "load_script": "studio_kit.engines.writing.io",
    "script_stats": "studio_kit.engines.writing.stats",
    "split_heading": "studio_kit.engines.writing.scenes",
    "normalise_character": "studio_kit.engines.writing.scenes",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
__all__ = list(_LAZY)
