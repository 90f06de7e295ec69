"""The Backend contract shared by every modality (text, image, voice, music, translate).

A subclass overrides exactly these:

* class attributes ``name``, ``modality``, ``capabilities`` (and ``extra`` when it
  needs an optional dependency group, ``unit`` for usage metering);
* ``availability(settings)`` when it can be unavailable (no local model, missing extra);
* ``from_pretrained(path, **options)`` when it loads weights from a local folder;
* ``model_id`` when it has one (recorded in provenance).

The modality's own methods (``generate``, ``render`` ...) are declared by the
modality base classes in ``backends/text`` and ``backends/image``. Engines call them
through :func:`studio_kit.registry.invoke`, the one place that records usage and
provenance.
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from studio_kit.exceptions import BackendUnavailableError


@dataclass(frozen=True)
class Availability:
    """Whether a backend can run here, and why not."""

    ok: bool
    reason: str = "ready"


def missing_module(*modules: str, extra: str = "ml") -> Availability | None:
    """``Availability(False, …)`` naming the first of ``modules`` not installed (and the extra that has
    it), or None when all are there. Looks only, imports nothing."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            return Availability(False, f"needs '{module}': pip install 'studio_kit[{extra}]'")
    return None


def local_pipeline_availability(settings: Any, setting: str, no_model: str, check_folder: Any) -> Availability:
    """Availability of a diffusers-style backend: torch/diffusers/transformers installed and the folder
    named by ``settings.<setting>`` passing ``check_folder`` (which raises BackendUnavailableError)."""
    missing = missing_module("torch", "diffusers", "transformers")
    if missing is not None:
        return missing
    path = getattr(settings, setting, None) if settings is not None else None
    if not path:
        return Availability(False, no_model)
    try:
        check_folder(Path(path).expanduser())
    except BackendUnavailableError as exc:
        return Availability(False, exc.message)
    return Availability(True, f"local pipeline {path}")


class Backend:
    """Base class of every backend plugin."""

    name: ClassVar[str] = ""
    modality: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: optional-dependency group that must be installed (e.g. "ml"), named in errors
    extra: ClassVar[str | None] = None
    #: usage unit recorded per call ("calls", "images", "tokens", "seconds")
    unit: ClassVar[str] = "calls"

    def __init__(self, model_path: str | Path | None = None, **options: Any):
        self.model_path = Path(model_path) if model_path else None
        self.options = options

    # -- overridable -------------------------------------------------------
    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        """Can this backend run with these settings? Default: yes."""
        return Availability(True)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> Backend:
        """Load a backend from a local model folder. Fails clearly when the folder is missing."""
        path = Path(path).expanduser()
        if not path.exists():
            raise BackendUnavailableError(
                f"{cls.modality} backend '{cls.name}': model folder {path} does not exist.",
                hint="Point the setting at a local model folder (weights cannot be downloaded here).",
            )
        return cls(model_path=path, **options)

    @property
    def model_id(self) -> str | None:
        """Model identity recorded in provenance (a local path or a built-in name)."""
        return str(self.model_path) if self.model_path else None

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "modality": self.modality, "model": self.model_id,
                "capabilities": sorted(self.capabilities)}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.modality}.{self.name} model={self.model_id!r}>"


def require_extra(module: str, extra: str, backend: str):
    """Import an optional heavy module or raise an error naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise BackendUnavailableError(
            f"Backend '{backend}' needs the Python package '{module}', which is not installed.",
            hint=f"pip install 'studio_kit[{extra}]'",
        ) from exc
