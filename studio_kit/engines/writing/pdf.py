"""Industry-format screenplay PDF with reportlab and the bundled Courier Prime.

Courier Prime 12 pt on a 10-characters-per-inch, 6-lines-per-inch grid; the
left edges, page numbers and break rules come from :mod:`pagination`
(STANDARDS.md). Scene numbers print on both sides of a heading when the
script has them; revised drafts get a coloured header ("BLUE REVISION –
2026-11-25") and an asterisk in the right margin of every changed line.
Output is byte-identical for the same input on every machine (bundled font,
reportlab ``invariant`` mode).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from studio_kit.domain.script import Script
from studio_kit.engines.writing.layout import (
    CHAR_WIDTH_IN,
    LINE_HEIGHT_IN,
    char_columns,
    columns,
    emphasis_runs,
    paper_profile,
    split_runs,
    wrap,
)
from studio_kit.engines.writing.pagination import Line, Pagination, page_lines, paginate
from studio_kit.engines.writing.revisions import Revision, colour_rgb
from studio_kit.exceptions import ScriptError
from studio_kit.store.files import atomic_path

FONT_SIZE = 12.0
PT = 72.0                                 # points per inch
FONT_FAMILY = "CourierPrime"
_FACES = {"": "Regular", "b": "Bold", "i": "Italic", "bi": "BoldItalic"}
_registered = False


def register_fonts() -> str:
    """Register the bundled Courier Prime faces with reportlab (once); returns the family name."""
    global _registered
    if _registered:
        return FONT_FAMILY
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = resources.files("studio_kit") / "data" / "fonts"
    for style, face in _FACES.items():
        name = _font_name(style)
        with resources.as_file(folder / f"CourierPrime-{face}.ttf") as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(FONT_FAMILY, "b" in style, "i" in style, name)
    _registered = True
    return FONT_FAMILY


def _font_name(style: str) -> str:
    style = "".join(c for c in "bi" if c in style)
    return FONT_FAMILY if not style else f"{FONT_FAMILY}-{_FACES[style]}"


@dataclass
class RenderedPdf:
    """What :func:`render_pdf` wrote: the file, its page count (title page included) and the layout."""

    path: Path
    pdf_pages: int
    pagination: Pagination
    has_title_page: bool
    warnings: list[str] = field(default_factory=list)


# reportlab's built-in Adobe CID fonts (viewers supply the glyphs): the fallback for East Asian text
CID_FONTS = {"zh": "STSong-Light", "ja": "HeiseiMin-W3", "ko": "HYSMyeongJo-Medium"}


def _cid_language(text: str) -> str:
    """Which CID font suits a line: Japanese if it has kana, Korean if hangul, else Chinese."""
    for ch in text:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
            return "ja"
        if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            return "ko"
    return "zh"


def _cid_covers(ch: str) -> bool:
    """Characters the CID fonts draw: CJK, kana, hangul, full-width forms, Greek and Cyrillic."""
    o = ord(ch)
    return (0x0370 <= o <= 0x04FF or 0x1100 <= o <= 0x11FF or 0x2E80 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF)


class _Writer:
    """Draws runs of Courier text on the character grid of one reportlab canvas.

    Courier Prime prints every character it has; others fall back, per run of
    characters, to a CID font (Chinese, Japanese or Korean by the line's
    script) placed cell by cell on the same grid: a CJK character takes two
    cells (0.2"), like Final Draft; Greek and Cyrillic take one, squeezed.
    """

    def __init__(self, canvas, page_height_in: float):
        from reportlab.pdfbase import pdfmetrics

        self.c = canvas
        self.h = page_height_in
        face = pdfmetrics.getFont(FONT_FAMILY).face
        self.ascent_pt = face.ascent * FONT_SIZE / 1000.0
        self.covered = face.charToGlyph
        self.missing: set[str] = set()     # characters no bundled or CID font has a glyph for
        self.cid_used: set[str] = set()    # CID font names used
        # Courier Prime advances 7.19 pt; a little char spacing keeps exactly 10 characters per inch
        self.char_space = CHAR_WIDTH_IN * PT - pdfmetrics.stringWidth("M", FONT_FAMILY, FONT_SIZE)

    def _segments(self, text: str):
        """Split ``text`` into (chunk, is_fallback) pieces by font coverage."""
        covered = self.covered
        out: list[tuple[str, bool]] = []
        for ch in text:
            fb = ord(ch) not in covered and (not ch.isspace() or char_columns(ch) == 2)   # U+3000 is 2 cells
            if fb and not _cid_covers(ch):
                self.missing.add(ch)
                fb = False                 # no font has it: Courier Prime's box, one cell wide
            if out and out[-1][1] == fb:
                out[-1] = (out[-1][0] + ch, fb)
            else:
                out.append((ch, fb))
        return out

    def _draw_cid(self, x_in: float, baseline: float, chunk: str, font: str) -> float:
        """Draw fallback characters one grid cell (or two) each; returns the new x in inches.

        Full-width characters go out as one string with the spacing that puts
        each glyph centred in its two cells (so text extraction keeps words
        together); anything else is placed character by character.
        """
        from reportlab.pdfbase import pdfmetrics

        _register_cid(font)
        wide_pt = 2 * CHAR_WIDTH_IN * PT
        group: list[str] = []

        def flush(x: float) -> float:
            if group:
                text = "".join(group)
                self.c.setFont(font, FONT_SIZE)
                self.c.drawString(x * PT + (wide_pt - FONT_SIZE) / 2.0, baseline, text,
                                  charSpace=wide_pt - FONT_SIZE)
                x += len(group) * 2 * CHAR_WIDTH_IN
                group.clear()
            return x

        for ch in chunk:
            cells = char_columns(ch)
            advance = pdfmetrics.stringWidth(ch, font, FONT_SIZE)
            if cells == 2 and abs(advance - FONT_SIZE) < 0.01:
                group.append(ch)
                continue
            x_in = flush(x_in)
            cell_pt = cells * CHAR_WIDTH_IN * PT
            advance = advance or cell_pt
            t = self.c.beginText()
            t.setFont(font, FONT_SIZE)
            if advance > cell_pt:          # a full-width Greek/Cyrillic glyph in a one-cell slot
                t.setHorizScale(100.0 * cell_pt / advance)
                advance = cell_pt
            t.setTextOrigin(x_in * PT + (cell_pt - advance) / 2.0, baseline)
            t.textOut(ch)
            self.c.drawText(t)
            x_in += cells * CHAR_WIDTH_IN
        return flush(x_in)

    def text(self, x_in: float, top_in: float, runs, colour=(0, 0, 0)) -> None:
        """Draw runs with the text's top at ``top_in`` inches from the page top, left edge ``x_in``."""
        baseline = (self.h - top_in) * PT - self.ascent_pt
        x = x_in
        self.c.setFillColorRGB(*colour)
        self.c.setStrokeColorRGB(*colour)
        language = None
        for text, style in runs:
            if not text:
                continue
            start_x = x
            pieces = [(text, False)] if text.isascii() else self._segments(text)
            for chunk, fallback in pieces:
                if fallback:
                    if language is None:
                        language = _cid_language("".join(t for t, _ in runs))
                    font = CID_FONTS[language]
                    self.cid_used.add(font)
                    x = self._draw_cid(x, baseline, chunk, font)
                    continue
                self.c.setFont(_font_name(style), FONT_SIZE)
                self.c.drawString(x * PT, baseline, chunk, charSpace=self.char_space)
                x += columns(chunk) * CHAR_WIDTH_IN
            if "u" in style:
                self.c.setLineWidth(0.6)
                self.c.line(start_x * PT, baseline - 1.6, x * PT, baseline - 1.6)


_cid_registered: set[str] = set()


def _register_cid(name: str) -> None:
    if name not in _cid_registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(name))
        _cid_registered.add(name)


def render_pdf(script: Script, path: str | os.PathLike, paper: str = "letter",
               revision: Revision | None = None, *, title_page: bool = True,
               pagination: Pagination | None = None, auto_contd: bool = True,
               sentence_splits: bool = True) -> RenderedPdf:
    """Write ``script`` as an industry-format PDF at ``path``.

    ``paper`` is "letter" (55 lines) or "a4" (57). ``revision`` (a
    :class:`Revision` past White) adds the coloured header to every page and
    asterisks beside its ``changed_lines``. A title page is printed first
    when the script has one and ``title_page`` is true. The file is written
    to a temporary name and renamed, so a failure never leaves half a PDF.
    ``auto_contd``: (CONT'D) on a cue whose character resumes after action (Final Draft's default);
    ``sentence_splits``: speeches split across pages at sentence ends, as Final Draft does (on by
    default; see :func:`paginate`).
    """
    from reportlab.pdfgen import canvas as rl_canvas

    profile = paper_profile(paper)
    if revision is None and script.metadata.get("revision"):
        revision = Revision.from_meta(script.metadata["revision"])
    marks = revision.changed_lines if revision is not None and revision.is_revision else set()
    if pagination is None or pagination.paper != profile.name or marks:
        pagination = paginate(script, profile, revised_lines=marks, auto_contd=auto_contd,
                              sentence_splits=sentence_splits)
    register_fonts()

    out = Path(path)
    if out.parent and not out.parent.exists():
        raise ScriptError(f"Folder {out.parent} does not exist.", hint="Create it or pick another -o path.")

    with atomic_path(out) as tmp_path:
        tmp = str(tmp_path)
        # invariant: no timestamps or random ids, so the same script gives the same bytes
        c = rl_canvas.Canvas(tmp, pagesize=(profile.width_in * PT, profile.height_in * PT), invariant=1,
                             initialFontName=FONT_FAMILY, initialFontSize=FONT_SIZE, pageCompression=1)
        c.setTitle(script.title)
        c.setAuthor(_title_value(script, "author", "authors") or "")
        c.setCreator("studio_kit")
        writer = _Writer(c, profile.height_in)
        show_header = revision is not None and revision.is_revision
        printed_title = title_page and bool(script.title_page)
        if printed_title:
            _draw_title_page(writer, script, profile)
            if show_header and revision is not None:
                _draw_revision_header(writer, revision, profile)
            c.showPage()
        for number, page in enumerate(pagination.pages, start=1):
            _draw_page(writer, page, number, profile, revision if show_header else None)
            c.showPage()
        if not pagination.pages and not printed_title:
            c.showPage()                     # an empty script still gives a valid one-page PDF
        c.save()
    pdf_pages = len(pagination.pages) + (1 if printed_title else 0) or 1
    warnings = []
    if writer.missing:
        sample = "".join(sorted(writer.missing)[:12])
        warnings.append(f"{len(writer.missing)} characters have no glyph in Courier Prime or the CJK fonts and "
                        f"print as boxes (e.g. {sample}).")
    return RenderedPdf(path=out, pdf_pages=pdf_pages, pagination=pagination, has_title_page=printed_title,
                       warnings=warnings)


def _draw_page(w: _Writer, page: list[Line], number: int, profile, revision: Revision | None) -> None:
    top = profile.top_margin_in
    if number > 1:                           # no number on the first page
        label = f"{number}."
        w.text(profile.right_edge_in - len(label) * CHAR_WIDTH_IN, profile.page_number_top_in, [(label, "")])
    if revision is not None:
        _draw_revision_header(w, revision, profile)
    for ln in page_lines(page):
        if ln.type in ("separator", "page_break") or not ln.text.strip():
            continue
        y = top + ln.row * LINE_HEIGHT_IN
        w.text(ln.x, y, ln.runs or [(ln.text, "")])
        if ln.type == "scene_heading" and ln.part == 0 and ln.scene_index is not None:
            # a PDF outline entry per scene, like Final Draft's navigator: readers jump scene to scene
            key = f"scene-{ln.scene_index}"
            w.c.bookmarkHorizontal(key, 0, (profile.height_in - y) * PT + LINE_HEIGHT_IN * PT)
            label = f"{ln.scene_number} {ln.text}" if ln.scene_number else ln.text
            w.c.addOutlineEntry(label, key, level=0)
        if ln.type == "scene_heading" and ln.scene_number:
            num = str(ln.scene_number)
            w.text(ln.x - (len(num) + 4) * CHAR_WIDTH_IN, y, [(num, "")])
            w.text(ln.x + (profile.wide_wrap + 1) * CHAR_WIDTH_IN, y, [(num, "")])
        if ln.revised and revision is not None:
            w.text(profile.width_in - 0.45, y, [("*", "")])


def _draw_revision_header(w: _Writer, revision: Revision, profile) -> None:
    w.text(profile.left_margin_in, profile.page_number_top_in, [(revision.header, "b")], colour=colour_rgb(revision.colour))


def _title_value(script: Script, *keys: str) -> str:
    lowered = {k.strip().lower(): v for k, v in script.title_page.items()}
    for key in keys:
        if lowered.get(key):
            return str(lowered[key])
    return ""


def _title_lines(value: str, width: int) -> list[list[tuple[str, str]]]:
    """Title-page value -> printed lines of runs (continuation lines kept, long ones wrapped)."""
    out: list[list[tuple[str, str]]] = []
    for raw in value.split("\n"):
        runs = emphasis_runs(raw.strip())
        text = "".join(t for t, _ in runs)
        if not text:
            out.append([])
            continue
        out.extend(split_runs(runs, wrap(text, width)))
    return out


def _draw_title_page(w: _Writer, script: Script, profile) -> None:
    """Title centred a third down the page, then credit, author(s), source; contact block bottom-left."""
    width = profile.wide_wrap
    row = 0
    top = 3.5                                # inches from the page top, as afterwriting and Final Draft

    def centred(runs) -> None:
        nonlocal row
        n = sum(columns(t) for t, _ in runs)
        w.text((profile.width_in - n * CHAR_WIDTH_IN) / 2.0, top + row * LINE_HEIGHT_IN, runs)
        row += 1

    for names in (("title",), ("credit",), ("author", "authors"), ("source",)):
        value = _title_value(script, *names)
        if not value:
            continue
        for runs in _title_lines(value, width):
            centred(runs)
        row += 1

    # bottom blocks print values only, never their keys ("Copyright:" is not printed): draft date,
    # contact and every other field bottom-left; notes and copyright bottom-right
    shown = {"title", "credit", "author", "authors", "source", "format", "font"}
    left_values = [_title_value(script, "draft date", "date"), _title_value(script, "contact")]
    right_values = [_title_value(script, "notes"), _title_value(script, "copyright")]
    shown |= {"draft date", "date", "contact", "notes", "copyright"}
    for key, value in script.title_page.items():
        k = key.strip().lower()
        if k not in shown and value and str(value).strip():
            (right_values if k.startswith(("notes", "copyright")) else left_values).append(str(value))
    left: list[list[tuple[str, str]]] = []
    for value in filter(None, left_values):
        if left:
            left.append([])
        left.extend(_title_lines(value, 30))
    left_width = max((sum(columns(t) for t, _ in runs) for runs in left), default=0)
    # a right-aligned line stays whole when it fits beside the left block (a short copyright line
    # is never broken in two); only a longer one wraps
    right_width = max(28, width - left_width - 4)
    right: list[list[tuple[str, str]]] = []
    for value in filter(None, right_values):
        if right:
            right.append([])
        right.extend(_title_lines(value, right_width))
    bottom = profile.top_margin_in + (profile.lines_per_page - 1) * LINE_HEIGHT_IN
    for i, runs in enumerate(left):
        w.text(profile.left_margin_in, bottom - (len(left) - 1 - i) * LINE_HEIGHT_IN, runs)
    for i, runs in enumerate(right):
        n = sum(columns(t) for t, _ in runs)
        w.text(profile.right_edge_in - n * CHAR_WIDTH_IN, bottom - (len(right) - 1 - i) * LINE_HEIGHT_IN, runs)
