"""What every backend that loads a local transformers model folder shares (voice, music, translate).

A subclass sets ``folder_what`` ("VITS/MMS-TTS model") and ``folder_hint``; it gets the folder check with
a clear error, an availability that says a folder is needed, and a ``(model, processor)`` load from the
folder only (``local_files_only``: nothing is downloaded), kept in the process-wide model cache
(``backends.cache.MODELS``), so two backends on the same folder share one loaded model.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from studio_kit.backends.base import Availability, require_extra
from studio_kit.backends.cache import MODELS
from studio_kit.exceptions import BackendUnavailableError


class LocalModelFolder:
    folder_what: ClassVar[str] = "model"
    folder_hint: ClassVar[str] = "Save the model with save_pretrained() into a local folder and pass it."

    def _require_folder(self) -> Path:
        """The backend's model folder; BackendUnavailableError when it has no config.json."""
        path: Path | None = getattr(self, "model_path", None)
        if path is None or not (path / "config.json").is_file():
            raise BackendUnavailableError(
                f"{self.modality.title()} backend '{self.name}': no {self.folder_what} folder with config.json "  # type: ignore[attr-defined]
                f"at {path}.", hint=self.folder_hint + " (Weights cannot be downloaded here.)")
        return path

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        return Availability(False, f"needs a local {cls.folder_what} folder (from_pretrained(path))")

    def _load_pair(self, model_class: str, processor_class: str) -> tuple[Any, Any]:
        """``transformers.<model_class>`` and ``<processor_class>`` from the folder, loaded once per process."""
        backend = f"{self.modality}.{self.name}"  # type: ignore[attr-defined]
        folder = str(Path(self.model_path).resolve())  # type: ignore[attr-defined]

        def load() -> tuple[Any, Any]:
            transformers = require_extra("transformers", "ml", backend)
            processor = getattr(transformers, processor_class).from_pretrained(folder, local_files_only=True)
            model = getattr(transformers, model_class).from_pretrained(folder, local_files_only=True).eval()
            return model, processor

        loaded: tuple[Any, Any] = MODELS.get_or_load((backend, folder, model_class, processor_class), load)
        return loaded
