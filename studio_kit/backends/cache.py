"""The one process-wide cache of loaded models (diffusers pipelines, encoders, voices).

Loading weights is the slow part of every model backend, so each loaded model is
kept for the life of the process under a key naming what was loaded (backend,
folder, device, dtype). Loads of the same key are serialised (a second thread
waits for the first load instead of loading the weights again); loads of
different keys run side by side. A load that raises is not cached, so the next
call tries again (after the user fixed the folder).

Dashboards cache per session with Panel's ``pn.state.as_cached``; this cache is
for the backends underneath them.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from studio_kit.backends.base import require_extra
from studio_kit.exceptions import BackendUnavailableError

T = TypeVar("T")


class ModelCache:
    """Loaded models by key; thread-safe, one load per key."""

    def __init__(self) -> None:
        self._items: dict[Hashable, Any] = {}
        self._loading: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get_or_load(self, key: Hashable, load: Callable[[], T]) -> T:
        """The model under ``key``, calling ``load()`` the first time (once, even under threads)."""
        with self._lock:
            if key in self._items:
                return self._items[key]
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = load()
            with self._lock:
                self._items[key] = value
                self._loading.pop(key, None)
            return value

    def get(self, key: Hashable) -> Any:
        """The model already loaded under ``key``; KeyError when it was never loaded."""
        with self._lock:
            return self._items[key]

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def evict(self, key: Hashable) -> None:
        """Drop one model (frees its memory once no caller holds it)."""
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


#: the process-wide model cache every backend uses
MODELS = ModelCache()


def cached_model(key: Hashable, load: Callable[[], T]) -> T:
    """``MODELS.get_or_load(key, load)``: the one way a backend keeps a loaded model."""
    return MODELS.get_or_load(key, load)


def cached_diffusers_pipeline(modality: str, path: Path, device: str, dtype: Any, *,
                              check: Callable[[Any], Any] | None = None) -> Any:
    """A diffusers pipeline from a local folder, on ``device`` in ``dtype``, loaded once per process.

    ``modality`` ("image", "video") names the backend in the error; ``check`` may refuse a
    pipeline of the wrong family before it is moved to the device (and is then not cached).
    """
    def load() -> Any:
        diffusers = require_extra("diffusers", "ml", f"{modality}.diffusers")
        try:
            pipe = diffusers.DiffusionPipeline.from_pretrained(path, local_files_only=True, dtype=dtype)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackendUnavailableError(
                f"{modality.capitalize()} backend 'diffusers' could not load the pipeline in {path}: {exc}",
                hint="The folder must be a complete diffusers pipeline saved with save_pretrained.") from exc
        if check is not None:
            check(pipe)
        pipe.to(device)
        pipe.set_progress_bar_config(disable=True)
        return pipe

    return MODELS.get_or_load((f"{modality}.diffusers", str(Path(path).resolve()), device, str(dtype)), load)
