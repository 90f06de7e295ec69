"""``openai`` translate backend: dialogue translated by an OpenAI-compatible chat model, line by line.

Each line is sent with the speaker and the film's previous line for context and a
strict instruction to answer with the translation only; the answers keep the line ids.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio_kit.backends.base import Availability
from studio_kit.backends.text.openai_compat import OpenAITextBackend
from studio_kit.backends.translate.base import TranslateBackend, check_ids
from studio_kit.exceptions import TranslationError

SYSTEM = ("You translate film dialogue. Answer with the translation of the line only: no quotes, no notes, "
          "keep it speakable and about as long as the original.")


class OpenAITranslateBackend(TranslateBackend):
    name = "openai"
    capabilities = frozenset({"translate", "remote"})

    def __init__(self, base_url: str | None = None, **options: Any):
        super().__init__(None)

        self.chat = OpenAITextBackend(base_url, **options)

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        return OpenAITextBackend.availability(settings)

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> OpenAITranslateBackend:
        options.setdefault("model", settings.openai_model)
        options.setdefault("api_key", settings.openai_api_key)
        return cls(settings.openai_base_url, **options)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> OpenAITranslateBackend:
        return cls(str(path), **options)

    @property
    def model_id(self) -> str | None:
        return self.chat.model_id

    def translate(self, lines: Mapping[str, str], *, source: str = "en", target: str) -> dict[str, str]:
        out: dict[str, str] = {}
        previous = ""
        for line_id, text in lines.items():
            prompt = (f"Translate from {source} to {target}." + (f" Previous line: {previous}" if previous else "")
                      + f"\nLine: {text}")
            answer = self.chat.complete(prompt, system=SYSTEM, max_tokens=200, temperature=0.0, seed=0).strip()
            if not answer:
                raise TranslationError(f"The translation server returned nothing for line {line_id}.",
                                       hint="Check the model; try another one.")
            out[line_id] = answer.strip().strip('"“”')
            previous = text
        check_ids(list(lines), out, where="The model's translation")
        return out
