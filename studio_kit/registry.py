"""Lazy registry of backends (entry-point group ``studio_kit.backends``).

Entry points are named ``<modality>.<name>`` (``text.procedural``,
``image.diffusers``); nothing is imported until a backend is asked for, so
``import studio_kit`` and ``studio --help`` never import torch.

:func:`invoke` is the call boundary: every backend call made by an engine goes
through it, and it alone measures the call and hands one :class:`CallRecord`
(usage + provenance) to the active recorders (the store installs one with
:func:`recording`).
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import importlib
import inspect
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from importlib.metadata import entry_points
from typing import Any

from studio_kit.backends.base import Availability, Backend
from studio_kit.config import get_settings
from studio_kit.exceptions import BackendError, BackendNotFoundError, BackendUnavailableError

GROUP = "studio_kit.backends"
_registered: dict[str, Any] = {}  # "modality.name" -> class or "module:attr" string


def register(key: str, target: Any) -> None:
    """Register a backend class (or a lazy "module:Class" string) under "modality.name"."""
    if "." not in key:
        raise BackendError(f"Backend key {key!r} must look like 'modality.name', e.g. 'text.procedural'.")
    _registered[key] = target


def _entry_points() -> dict[str, Any]:
    found: dict[str, Any] = {ep.name: ep for ep in entry_points(group=GROUP)}
    found.update(_registered)
    return found


def available_names(modality: str | None = None) -> list[str]:
    """Registered backend keys (``modality.name``), optionally for one modality."""
    keys = sorted(_entry_points())
    return [k for k in keys if modality is None or k.split(".", 1)[0] == modality]


def get_backend_class(modality: str, name: str) -> type[Backend]:
    """The backend class for ``modality``/``name``; imports its module now (lazily)."""
    key = f"{modality}.{name}"
    eps = _entry_points()
    if key not in eps:
        known = ", ".join(k.split(".", 1)[1] for k in available_names(modality)) or "none"
        raise BackendNotFoundError(
            f"No {modality} backend named '{name}'. Installed {modality} backends: {known}.",
            hint=f"Use one of: {known} (set STUDIO_{modality.upper()}_BACKEND or pass --backend).",
        )
    target = eps[key]
    if isinstance(target, str):
        module_name, _, attr = target.partition(":")
        target = getattr(importlib.import_module(module_name), attr)
    elif hasattr(target, "load"):
        try:
            target = target.load()
        except ImportError as exc:
            raise BackendUnavailableError(
                f"{modality} backend '{name}' could not be imported: {exc}.",
                hint="pip install 'studio_kit[all]' to get every optional backend dependency.",
            ) from exc
    return target


#: What ``auto`` means per modality: the first of these that can run here.
AUTO: dict[str, tuple[str, ...]] = {"image": ("blender3d", "previz")}


def resolve_name(modality: str, name: str | None, settings: Any = None) -> str | None:
    """``name``, or for ``auto`` the first backend of :data:`AUTO` whose availability says it can run here
    (the 3D previz when bpy is installed, else the 2D previz)."""
    if name != "auto":
        return name
    choices = AUTO.get(modality)
    if not choices:
        raise BackendError(f"'auto' is not a choice for {modality} backends.",
                           hint=f"Set STUDIO_{modality.upper()}_BACKEND to one of: "
                                f"{', '.join(k.split('.', 1)[1] for k in available_names(modality))}.")
    for choice in choices[:-1]:
        try:
            if get_backend_class(modality, choice).availability(settings).ok:
                return choice
        except (BackendNotFoundError, BackendUnavailableError):
            continue
    return choices[-1]


def load_backend(modality: str, name: str | None = None, settings: Any = None, **options: Any) -> Backend:
    """Instantiate a backend; ``name`` defaults to the configured one for the modality."""
    if settings is None:
        settings = get_settings()
    name = resolve_name(modality, name or getattr(settings, f"{modality}_backend", None), settings)
    if not name:
        raise BackendError(f"No {modality} backend configured.", hint=f"Set STUDIO_{modality.upper()}_BACKEND.")
    cls = get_backend_class(modality, name)
    factory = getattr(cls, "from_settings", None)
    return factory(settings, **options) if factory else cls(**options)


def optional_backend(modality: str, name: str, settings: Any = None, **options: Any) -> Backend | None:
    """The backend when it can run here, else None (for optional helpers such as encoders).

    "Cannot run" is what the backend's ``availability`` says (extra not installed, nothing
    configured); a backend that is configured but broken still raises, so a typo is noticed."""
    try:
        cls = get_backend_class(modality, name)
    except (BackendNotFoundError, BackendUnavailableError):  # not installed, or its module cannot import
        return None
    if not cls.availability(settings).ok:
        return None
    return load_backend(modality, name, settings=settings, **options)


@dataclass(frozen=True)
class BackendInfo:
    key: str
    modality: str
    name: str
    available: bool
    reason: str
    capabilities: tuple[str, ...] = ()


def list_backends(settings: Any = None) -> list[BackendInfo]:
    """Every registered backend with whether it can run here (for ``studio backends``)."""
    if settings is None:
        settings = get_settings()
    infos = []
    for key in available_names():
        modality, name = key.split(".", 1)
        try:
            cls = get_backend_class(modality, name)
            avail: Availability = cls.availability(settings)
            caps = tuple(sorted(cls.capabilities))
        except BackendError as exc:
            avail, caps = Availability(False, exc.message), ()
        infos.append(BackendInfo(key, modality, name, avail.ok, avail.reason, caps))
    return infos


# -- the call boundary -------------------------------------------------------

@dataclass
class CallRecord:
    """Usage and provenance of one backend call, recorded once by :func:`invoke`."""

    backend: str
    modality: str
    method: str
    model: str | None
    seed: int | None
    params: dict[str, Any]
    input_hashes: list[str]
    units: float
    unit: str
    seconds: float
    started_at: float
    ok: bool = True
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def provenance(self) -> dict[str, Any]:
        """The provenance JSON stored with an asset made by this call."""
        return {"backend": f"{self.modality}.{self.backend}", "model": self.model, "seed": self.seed,
                "params": self.params, "input_hashes": self.input_hashes,
                "duration_s": round(self.seconds, 6), "method": self.method}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Recorder = Callable[[CallRecord], object]  # what a recorder returns is ignored
_recorders: contextvars.ContextVar[tuple[Recorder, ...]] = contextvars.ContextVar("studio_recorders", default=())
_last_call: contextvars.ContextVar[CallRecord | None] = contextvars.ContextVar("studio_last_call", default=None)


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[None]:
    """Send every :class:`CallRecord` made inside the block to ``recorder`` (e.g. the store)."""
    token = _recorders.set(_recorders.get() + (recorder,))
    try:
        yield
    finally:
        _recorders.reset(token)


def last_call() -> CallRecord | None:
    """The most recent call record in this context (to attach provenance to an asset)."""
    return _last_call.get()


def hash_input(value: Any) -> str:
    """A short stable hash of an input (bytes, str, or JSON-able) for provenance."""
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    elif isinstance(value, str):
        data = value.encode()
    elif hasattr(value, "tobytes") and callable(value.tobytes):  # PIL images, numpy arrays: their pixels
        data = value.tobytes()
    else:
        data = json.dumps(value, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(params, default=str))


def invoke(backend: Backend, method: str, *args: Any, seed: int | None = None,
           params: dict[str, Any] | None = None, inputs: list[Any] | None = None,
           units: float | Callable[[Any], float] = 1.0, **kwargs: Any) -> Any:
    """Call ``backend.method(*args, **kwargs)``, recording usage and provenance once.

    ``seed`` is recorded and passed on to the method when it takes a ``seed`` argument.

    ``units`` is a number or a function of the result (e.g. images made, seconds of audio);
    ``params``/``inputs`` are what provenance should show. Failed calls are recorded too.
    """
    fn = getattr(backend, method, None)
    if fn is None:
        raise BackendError(f"{backend.modality} backend '{backend.name}' has no method {method!r}.")
    if seed is not None and "seed" not in kwargs and _accepts(fn, "seed"):
        kwargs["seed"] = seed  # the recorded seed must be the one the backend used
    started, t0 = time.time(), time.perf_counter()
    record = CallRecord(backend.name, backend.modality, method, backend.model_id, seed,
                        _jsonable(params or {}), [hash_input(i) for i in (inputs or [])], 0.0,
                        backend.unit, 0.0, started)
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:
        record.ok, record.error = False, f"{type(exc).__name__}: {exc}"
        record.seconds = time.perf_counter() - t0
        _emit(record)
        raise
    record.seconds = time.perf_counter() - t0
    record.units = float(units(result) if callable(units) else units)
    _emit(record)
    return result


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _emit(record: CallRecord) -> None:
    _last_call.set(record)
    for recorder in _recorders.get():
        recorder(record)
