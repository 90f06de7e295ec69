"""Text modality contract.

Two kinds of text backend exist:

* structured writers (capability ``"screenplay"``): the offline ``procedural``
  writer, which turns a scene plan into Fountain directly and deterministically;
* language models (capability ``"complete"``): ``transformers`` and ``openai``,
  which complete prompts; the writing engine builds the prompts and validates
  the output into the scene model.

Engines call these through :func:`studio_kit.registry.invoke`.
"""
from __future__ import annotations

from studio_kit.backends.base import Backend


class TextBackend(Backend):
    modality = "text"
    unit = "tokens"

    def complete(self, prompt: str, *, system: str | None = None, max_tokens: int = 256,
                 temperature: float = 0.8, seed: int | None = None, stop: list[str] | None = None) -> str:
        """Return the model's continuation/answer for ``prompt`` (plain text)."""
        raise NotImplementedError(f"text backend '{self.name}' does not complete free prompts")
