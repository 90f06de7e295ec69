"""Type for key art, cards and captions: the one font loader of the marketing engine, and text that fits.

Faces are found **by name** in :data:`FACES` — the shipped OFL condensed face
(Barlow Condensed, in ``studio_kit/data/fonts`` with its licence) and the system
faces the Makefile's ``APT_PACKAGES`` installs (DejaVu Sans Condensed for Greek,
Cyrillic, Arabic…; WenQuanYi Micro Hei for Chinese, Japanese and Korean). A face
that is not there is a :class:`~studio_kit.exceptions.MarketingError` naming the
font and the package that installs it.

:func:`font` gives a Pillow font that Pillow's ``ImageDraw`` draws, measures
and boxes like any other, but set **per glyph run**: each run of characters goes
to the first face of the chain whose character map has them (the condensed face,
then DejaVu, then the CJK face), so "東京物語" or "기생충" is drawn in real glyphs,
not the .notdef boxes ("tofu") of a Latin-only face.

:func:`fit_text` wraps a text to a width and shrinks the type until every line
fits the width and the block fits the height — text never overflows, whatever
the title's length or script (a single word wider than the box is set smaller
until it fits, and only when even 6 px type would not fit is it broken by
characters, as CJK text is).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from studio_kit.exceptions import MarketingError

FONT_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"


@dataclass(frozen=True)
class Face:
    """A font face by name: a file shipped in :data:`FONT_DIR`, or a system file and the Debian package with it."""

    name: str
    file: str                  # a file name in FONT_DIR (shipped) or an absolute path (system)
    package: str | None = None  # the Debian package that installs a system face (APT_PACKAGES in the Makefile)
    index: int = 0             # the face's index inside a collection (.ttc)

    @property
    def path(self) -> Path:
        return Path(self.file) if self.package else FONT_DIR / self.file


FACES = {f.name: f for f in (
    Face("Barlow Condensed Bold", "BarlowCondensed-Bold.ttf"),
    Face("Barlow Condensed", "BarlowCondensed-Regular.ttf"),
    Face("Barlow Condensed Light", "BarlowCondensed-Light.ttf"),
    Face("DejaVu Sans Condensed Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
         "fonts-dejavu-core"),
    Face("DejaVu Sans Condensed", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", "fonts-dejavu-core"),
    Face("WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
)}
#: weight → the condensed face billing blocks, titles and cards are set in
CONDENSED = {"bold": "Barlow Condensed Bold", "regular": "Barlow Condensed", "light": "Barlow Condensed Light"}
#: weight → the faces tried, in order, for a glyph the condensed face lacks
FALLBACKS = {"bold": ("DejaVu Sans Condensed Bold", "WenQuanYi Micro Hei"),
             "regular": ("DejaVu Sans Condensed", "WenQuanYi Micro Hei"),
             "light": ("DejaVu Sans Condensed", "WenQuanYi Micro Hei")}


def face_path(name: str) -> Path:
    """The file of the face called ``name``; MarketingError naming the font and how to install it when absent."""
    if name not in FACES:
        raise MarketingError(f"Unknown font {name!r}.", hint=f"Known fonts: {', '.join(FACES)}.")
    face = FACES[name]
    if not face.path.is_file():
        fix = (f"Install the Debian package {face.package} (`make system`, or `apt-get install {face.package}`)."
               if face.package else "Reinstall studio_kit: the font ships in its studio_kit/data/fonts.")
        raise MarketingError(f"The font {name!r} is not installed (no {face.path}).", hint=fix)
    return face.path


@lru_cache(maxsize=16)
def charmap(name: str) -> frozenset[int]:
    """The code points the face called ``name`` has glyphs for (its cmap, read by reportlab's TrueType parser)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(face_path(name)), subfontIndex=FACES[name].index).charToGlyph)


@lru_cache(maxsize=512)
def load(name: str, size: int) -> ImageFont.FreeTypeFont:
    """The face called ``name`` at ``size`` px (cached: a poster sets hundreds of words)."""
    return ImageFont.truetype(str(face_path(name)), max(1, int(size)), index=FACES[name].index)


def covered(name: str, ch: str) -> bool:
    """Whether the face has a glyph for ``ch`` (spaces and invisible format characters count as covered)."""
    return ch.isspace() or ord(ch) in charmap(name) or 0x200B <= ord(ch) <= 0x200F


class ChainFont(ImageFont.FreeTypeFont):
    """A FreeType font that sets each run of characters in the first face of its chain that has them.

    It *is* its first face (size, metrics, ``ImageDraw`` drawing), so text the first face covers is set
    exactly as by that face alone; a run it lacks is measured and drawn in the next face that has it,
    on the same baseline. ``ImageDraw.text``, ``textlength`` and ``textbbox`` work unchanged.
    """

    def __init__(self, names: tuple[str, ...], size: int):
        self.names = names
        super().__init__(str(face_path(names[0])), max(1, int(size)), index=FACES[names[0]].index)

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """(run, face) in order; a character no face has stays in the first face (drawn as its .notdef)."""
        out: list[tuple[str, int]] = []
        for ch in text:
            k = next((i for i, n in enumerate(self.names) if covered(n, ch)), 0)
            if ch.isspace() and out:
                k = out[-1][1]
            if out and out[-1][1] == k:
                out[-1] = (out[-1][0] + ch, k)
            else:
                out.append((ch, k))
        return [(run, load(self.names[k], self.size)) for run, k in out]

    def _single(self, text: str) -> bool:
        return all(covered(self.names[0], ch) for ch in text)

    def getlength(self, text: str | bytes, mode: str = "", direction: str | None = None,
                  features: list[str] | None = None, language: str | None = None) -> float:
        if not isinstance(text, str) or self._single(text):    # bytes: Pillow sets them in the first face
            return super().getlength(text, mode, direction, features, language)
        return sum(f.getlength(run, mode, direction, features, language)
                   for run, f in self.runs(text))

    def _baseline_box(self, text: str, mode: str, direction: str | None, features: list[str] | None,
                      language: str | None, stroke_width: float) -> tuple[float, float, float, float]:
        """The ink box of ``text`` from its baseline's left end (runs side by side on one baseline)."""
        x, box = 0.0, None
        for run, f in self.runs(text):
            x0, y0, x1, y1 = f.getbbox(run, mode, direction, features, language, stroke_width, "ls")
            box = (x0 + x, y0, x1 + x, y1) if box is None else \
                (min(box[0], x0 + x), min(box[1], y0), max(box[2], x1 + x), max(box[3], y1))
            x += f.getlength(run, mode, direction, features, language)
        return box or (0, 0, 0, 0)

    def _anchor_shift(self, text: str, anchor: str | None, box: tuple[float, float, float, float],
                      mode: str, direction: str | None, features: list[str] | None, language: str | None
                      ) -> tuple[float, float]:
        """What to add to baseline-origin coordinates for ``anchor`` (Pillow's anchors, horizontal text)."""
        anchor = anchor or "la"
        ascent, descent = self.getmetrics()
        width = self.getlength(text, mode, direction, features, language)
        dx = {"l": 0.0, "m": -width / 2, "r": -width}.get(anchor[0], 0.0)
        dy = {"a": ascent, "s": 0.0, "d": -descent, "t": -box[1], "b": -box[3],
              "m": (ascent - descent) / 2}.get(anchor[1], float(ascent))
        return dx, dy

    def getbbox(self, text: str | bytes | bytearray, mode: str = "", direction: str | None = None,
                features: list[str] | None = None, language: str | None = None, stroke_width: float = 0,
                anchor: str | None = None) -> tuple[float, float, float, float]:
        if not isinstance(text, str) or self._single(text):
            return super().getbbox(text, mode, direction, features, language, stroke_width, anchor)
        box = self._baseline_box(text, mode, direction, features, language, stroke_width)
        dx, dy = self._anchor_shift(text, anchor, box, mode, direction, features, language)
        return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy

    def getmask2(self, text: str | bytes, mode: str = "", direction: str | None = None, features: list[str] | None = None,
                 language: str | None = None, stroke_width: float = 0, anchor: str | None = None, ink: int = 0,
                 start: tuple[float, float] | None = None, *args: Any, **kwargs: Any) -> tuple[Any, tuple[int, int]]:
        if not isinstance(text, str) or self._single(text):
            return super().getmask2(text, mode, direction, features, language, stroke_width, anchor, ink, start,
                                    *args, **kwargs)
        if mode not in ("", "L", "1"):
            mode = "L"     # colour glyphs (embedded_color) are not set through the chain
        box = self._baseline_box(text, mode, direction, features, language, stroke_width)
        dx, dy = self._anchor_shift(text, anchor, box, mode, direction, features, language)
        left, top = int(box[0] + dx) - 1, int(box[1] + dy) - 1
        canvas = Image.new("L", (max(1, int(box[2] - box[0]) + 3), max(1, int(box[3] - box[1]) + 3)), 0)
        d = ImageDraw.Draw(canvas)
        x = dx - left
        for run, f in self.runs(text):
            d.text((x, dy - top), run, font=f, fill=255, anchor="ls",
                   stroke_width=stroke_width, direction=direction, features=features, language=language)
            x += f.getlength(run, mode, direction, features, language)
        if mode == "1":
            canvas = canvas.point(lambda v: 255 if v >= 128 else 0).convert("1")
        return canvas.im, (left, top)

    def getmask(self, text: str | bytes, mode: str = "", *args: Any, **kwargs: Any) -> Any:
        return self.getmask2(text, mode, *args, **kwargs)[0]


def needs_fallback(text: str, weight: str = "bold") -> bool:
    """Whether ``text`` has a character the condensed face has no glyph for."""
    return not all(covered(CONDENSED[weight], ch) for ch in text)


@lru_cache(maxsize=256)
def font(size: int, weight: str = "bold", fallback: bool = False) -> ChainFont:
    """The condensed face of ``weight`` at ``size`` px, set per glyph run with the fallback faces behind it.

    ``fallback``: lead with the fallback face (a title in another script keeps one design for its
    digits and punctuation too); the condensed face and the CJK face stay in the chain.
    """
    if weight not in CONDENSED:
        raise MarketingError(f"Unknown weight {weight!r}.", hint=f"Use one of: {', '.join(CONDENSED)}.")
    rest = FALLBACKS[weight]
    names = (rest[0], CONDENSED[weight], *rest[1:]) if fallback else (CONDENSED[weight], *rest)
    return ChainFont(tuple(n for n in names if FACES[n].package is None or FACES[n].path.is_file()) or names, size)


def title_font(text: str, weight: str = "bold") -> tuple[str, bool]:
    """(weight, fallback) to set ``text`` in: the fallback face leads when the condensed face lacks a letter."""
    return weight, needs_fallback(text, weight)


def wrap(draw: Any, text: str, width: float, face: Any) -> list[str]:
    """Greedy word wrap; words wider than the line are broken by characters (CJK has no spaces)."""
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split() or [""]
        cur = ""
        for word in words:
            trial = f"{cur} {word}".strip()
            if draw.textlength(trial, font=face) <= width:
                cur = trial
                continue
            if cur:
                lines.append(cur)
            cur = ""
            if draw.textlength(word, font=face) <= width:
                cur = word
                continue
            for ch in word:
                if draw.textlength(cur + ch, font=face) > width and cur:
                    lines.append(cur)
                    cur = ""
                cur += ch
        lines.append(cur)
    return [line for line in lines if line] or [""]


def fit_text(draw: Any, text: str, width: float, height: float, *, start: int,
             font: tuple[str, bool] | None = None, leading: float = 1.1, max_lines: int | None = None
             ) -> tuple[list[str], Any]:
    """Lines and face for ``text`` inside width×height: wrap, and shrink until it fits (never overflow)."""
    weight, fb = font or title_font(text)
    size = max(6, int(start))
    while True:
        face = _chain(size, weight, fb)
        words_fit = all(draw.textlength(w, font=face) <= width for w in text.split())
        lines = wrap(draw, text, width, face)
        tall = len(lines) * size * leading
        if (words_fit or size <= 6) and tall <= height and (max_lines is None or len(lines) <= max_lines) \
                and all(draw.textlength(x, font=face) <= width for x in lines):
            return lines, face
        if size <= 6:
            return lines, face
        size = max(6, int(size * 0.92))


_chain = font   # fit_text's parameter shadows the name


def text_box(draw: Any, lines: list[str], face: Any, leading: float = 1.1) -> tuple[float, float]:
    """(width, height) of set lines."""
    return max((draw.textlength(x, font=face) for x in lines), default=0), len(lines) * face.size * leading
