"""Translate modality contract: dialogue lines keyed by stable line id, in and out.

A backend gets ``{line_id: text}`` in the source language and returns
``{line_id: text}`` in the target language, the same ids, none missing. Line ids
are the timeline's (``s3-l5``), so a translator's file, a model's output and the
dub's timing all refer to the same speech.
"""
from __future__ import annotations

from collections.abc import Mapping

from studio_kit.backends.base import Backend
from studio_kit.exceptions import TranslationError


class TranslateBackend(Backend):
    modality = "translate"
    unit = "characters"

    def translate(self, lines: Mapping[str, str], *, source: str = "en", target: str) -> dict[str, str]:
        raise NotImplementedError


def check_ids(expected: list[str], got: Mapping[str, str], duplicates: list[str] | None = None,
              where: str = "the translation") -> None:
    """Raise :class:`TranslationError` naming missing, extra and duplicate line ids."""
    missing = [i for i in expected if i not in got or not str(got[i]).strip()]
    extra = [i for i in got if i not in set(expected)]
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if extra:
        problems.append(f"unknown line ids {', '.join(extra)}")
    if duplicates:
        problems.append(f"duplicate line ids {', '.join(duplicates)}")
    if problems:
        raise TranslationError(f"{where} does not match the script: {'; '.join(problems)}.",
                               hint="Export the sheet again with `studio dub SCRIPT --lang LANG --export-lines FILE` "
                                    "and fill in every row's translation, keeping the line_id column as it is.")
