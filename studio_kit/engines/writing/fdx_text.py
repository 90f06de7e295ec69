"""Final Draft ``<Text>`` runs <-> Fountain inline markup (emphasis, inline notes).

Shared by the FDX body (:mod:`fdx`) and title page (:mod:`fdx_title`) readers and writers.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ETree

from studio_kit.engines.writing.layout import emphasis_runs

STYLE_MARK = {"bi": "***", "b": "**", "i": "*", "u": "_"}
XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # not allowed in XML 1.0
CREDIT_RE = re.compile(r"^(written by|screenplay by|teleplay by|story by|by)$", re.IGNORECASE)
SENTINEL = "\ue000"   # marks where an inline note sat, through emphasis parsing


def runs_markup(runs: list[tuple[str, str]], inline: list[tuple[int, str]]) -> str:
    """``<Text>`` runs as Fountain markup, with inline notes put back at their
    printed-text offsets."""
    out: list[str] = []
    printed = 0
    k = 0
    for chunk, style in runs:
        end = printed + len(chunk)
        while k < len(inline) and inline[k][0] <= end and (inline[k][0] < end or not chunk):
            cut = inline[k][0] - printed
            out.append(run_markup(chunk[:cut], style))
            out.append(inline[k][1])
            chunk, printed = chunk[cut:], inline[k][0]
            k += 1
        out.append(run_markup(chunk, style))
        printed = end
    out.extend(raw for _, raw in inline[k:])
    return "".join(out)


def run_markup(raw: str, style: str) -> str:
    """One ``<Text Style="Bold+Underline">`` run as Fountain markup."""
    raw = raw.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
    style = style.lower()
    key = ("b" if "bold" in style else "") + ("i" if "italic" in style else "")
    if not raw.strip():
        return raw
    lead = raw[:len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()):]
    core = raw.strip()
    if key:
        core = f"{STYLE_MARK[key]}{core}{STYLE_MARK[key]}"
    if "underline" in style:
        core = f"_{core}_"
    return lead + core + trail


def text_runs(p: ETree.Element, text: str) -> list[int]:
    """Fountain emphasis → ``<Text Style=…>`` runs. Returns the printed-text
    offsets of the sentinels (inline notes), which are not written."""
    runs = emphasis_runs(text) or [("", "")]
    offsets: list[int] = []
    printed = 0
    for chunk, style in runs:
        if SENTINEL in chunk:
            for piece_index, piece in enumerate(chunk.split(SENTINEL)):
                if piece_index:
                    offsets.append(printed)
                printed += len(piece)
            chunk = chunk.replace(SENTINEL, "")
        else:
            printed += len(chunk)
        if not chunk and len(runs) > 1:
            continue
        t = ETree.SubElement(p, "Text")
        names = [name for flag, name in (("b", "Bold"), ("i", "Italic"), ("u", "Underline")) if flag in style]
        if names:
            t.set("Style", "+".join(names))
        t.text = XML_ILLEGAL_RE.sub("", chunk)
    return offsets
