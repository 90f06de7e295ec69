"""``file`` translate backend: translations delivered by people, as CSV or gettext .po, keyed by line id.

CSV: a header with ``line_id`` and either ``translation`` or the target
language code (``es``, ``ar`` …) as the column of translated text (other columns,
such as the source text, the character and the slot length, are ignored).
PO: ``msgctxt`` is the line id, ``msgid`` the source text, ``msgstr`` the
translation. Missing, extra and duplicate ids are named in the error.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio_kit.backends.translate.base import TranslateBackend, check_ids
from studio_kit.exceptions import TranslationError


def read_csv(text: str, target: str | None = None) -> tuple[dict[str, str], list[str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    if "line_id" not in fields:
        raise TranslationError("The translation CSV has no line_id column.",
                               hint="Use the sheet `studio dub --export-lines` writes (columns line_id, …, translation).")
    column = "translation" if "translation" in fields else target if target and target in fields else None
    if column is None:
        raise TranslationError(f"The translation CSV has no 'translation' or '{target}' column.",
                               hint="Put the translated text in a column named translation.")
    out: dict[str, str] = {}
    dup: list[str] = []
    for row in reader:
        row = {(k or "").strip(): v for k, v in row.items()}
        lid = (row.get("line_id") or "").strip()
        if not lid:
            continue
        if lid in out:
            dup.append(lid)
        out[lid] = (row.get(column) or "").strip()
    return out, dup


def _po_string(chunks: list[str]) -> str:
    """Join a PO string's quoted pieces and undo its escapes (\\n, \\", \\\\)."""
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), "".join(chunks))


def read_po(text: str) -> tuple[dict[str, str], list[str]]:
    out: dict[str, str] = {}
    dup: list[str] = []
    for entry in re.split(r"\n\s*\n", text):
        fields: dict[str, list[str]] = {}
        current = None
        for line in entry.splitlines():
            line = line.strip()
            m = re.match(r'(msgctxt|msgid|msgstr)\s+"(.*)"$', line)
            if m:
                current = m.group(1)
                fields[current] = [m.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line[1:-1])
        if "msgctxt" in fields:
            lid = _po_string(fields["msgctxt"])
            if lid in out:
                dup.append(lid)
            out[lid] = _po_string(fields.get("msgstr", [""])).strip()
    return out, dup


class FileTranslateBackend(TranslateBackend):
    """Reads the translators' delivery: a CSV or .po file per language."""

    name = "file"
    capabilities = frozenset({"translate", "human"})

    def __init__(self, model_path: str | Path | None = None, **options: Any):
        super().__init__(model_path, **options)

    @property
    def model_id(self) -> str | None:
        return f"file:{self.model_path.name}" if self.model_path else "file"

    def _file(self, target: str) -> Path:
        if self.model_path is None or not self.model_path.is_file():
            raise TranslationError(f"No translation file for {target!r}: {self.model_path}.",
                                   hint="Give --translations FILE.csv (or .po), e.g. the filled-in export sheet.")
        return self.model_path

    def load(self, target: str) -> tuple[dict[str, str], list[str]]:
        path = self._file(target)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".po":
            return read_po(text)
        return read_csv(text, target)

    def translate(self, lines: Mapping[str, str], *, source: str = "en", target: str) -> dict[str, str]:
        path = self._file(target)
        got, dup = self.load(target)
        check_ids(list(lines), got, dup, where=f"Translation file {path.name}")
        return {k: got[k] for k in lines}
