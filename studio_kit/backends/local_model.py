"""What every backend that loads a local transformers model folder shares (voice, music, translate).

A subclass sets ``folder_what`` ("VITS/MMS-TTS model") and ``folder_hint``; it gets the folder check with
a clear error, an availability that says a folder is needed, and a cached ``(model, processor)`` load from
the folder only (``local_files_only``: nothing is downloaded).
"""
from __future__ import annotations

from typing import Any, ClassVar

from studio_kit.backends.base import Availability, require_extra
from studio_kit.exceptions import BackendUnavailableError


class LocalModelFolder:
    folder_what: ClassVar[str] = "model"
    folder_hint: ClassVar[str] = "Save the model with save_pretrained() into a local folder and pass it."

    def _require_folder(self) -> None:
        path = getattr(self, "model_path", None)
        if path is None or not (path / "config.json").is_file():
            raise BackendUnavailableError(
                f"{self.modality.title()} backend '{self.name}': no {self.folder_what} folder with config.json "  # type: ignore[attr-defined]
                f"at {path}.", hint=self.folder_hint + " (Weights cannot be downloaded here.)")
        self._loaded: tuple[Any, Any] | None = None

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        return Availability(False, f"needs a local {cls.folder_what} folder (from_pretrained(path))")

    def _load_pair(self, model_class: str, processor_class: str) -> tuple[Any, Any]:
        """``transformers.<model_class>`` and ``<processor_class>`` from the folder, loaded once."""
        if self._loaded is None:
            transformers = require_extra("transformers", "ml", f"{self.modality}.{self.name}")  # type: ignore[attr-defined]
            folder = str(self.model_path)  # type: ignore[attr-defined]
            processor = getattr(transformers, processor_class).from_pretrained(folder, local_files_only=True)
            model = getattr(transformers, model_class).from_pretrained(folder, local_files_only=True).eval()
            self._loaded = (model, processor)
        return self._loaded
