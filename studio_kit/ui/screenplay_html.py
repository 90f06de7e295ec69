"""HTML views of a screenplay for the Script Room: paged preview, scene list, stats, revision diff.

Pure functions from the writing engine's objects to HTML strings, so they can
be checked without a browser. The preview draws the pages exactly as
:func:`~studio_kit.engines.writing.pagination.paginate` laid them out (the
same lines the PDF prints): Courier 12 pt on a 10-characters-per-inch,
6-lines-per-inch grid, so ``1em`` is one line (1/6") and ``0.6em`` is one
character (0.1"). Positions below are written in ``em`` from inches (x 6).
"""
from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from typing import TYPE_CHECKING

from studio_kit.engines.writing.layout import CHAR_WIDTH_IN, LINE_HEIGHT_IN, emphasis_runs, paper_profile, runs_text
from studio_kit.engines.writing.pagination import format_eighths, page_lines
from studio_kit.engines.writing.revisions import colour_rgb
from studio_kit.templating import Markup, render_html, render_macro

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.domain.script import Script
    from studio_kit.engines.writing.pagination import Pagination
    from studio_kit.engines.writing.script_diff import ScriptDiff
    from studio_kit.engines.writing.stats import ScriptStats

EM_PER_INCH = 6.0                 # 1em = one 12 pt line = 1/6 inch
FONT_STACK = "'Courier Prime', 'Courier New', Courier, monospace"
STATUS_LABELS = {"added": "New", "changed": "Revised", "omitted": "Omitted", "unchanged": "Unchanged"}


@functools.cache
def font_face_css() -> str:
    """@font-face rules for the bundled Courier Prime (OFL), inlined so the page needs no font server.

    Goes in the document head (``pn.extension(raw_css=...)``): fonts declared
    inside a widget's shadow root are ignored by browsers.
    """
    folder = resources.files("studio_kit") / "data" / "fonts"
    rules = []
    for face, weight, style in (("Regular", 400, "normal"), ("Bold", 700, "normal"), ("Italic", 400, "italic")):
        data = base64.b64encode((folder / f"CourierPrime-{face}.ttf").read_bytes()).decode()
        rules.append(f"@font-face {{ font-family: 'Courier Prime'; font-weight: {weight}; font-style: {style}; "
                     f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}")
    return "\n".join(rules)


PREVIEW_CSS = f"""
.sr-desk {{ background: #d9d6cf; padding: 18px 0; border-radius: 6px; container-type: inline-size; }}
/* a page is 51em wide (8.5"): scale the type so the whole page fits the column, 12 px at most */
.sr-page {{ position: relative; margin: 0 auto 18px auto; background: #fffdf8; color: #111;
  font-family: {FONT_STACK}; font-size: min(12px, calc(100cqw / 55)); line-height: 1em;
  box-shadow: 0 2px 10px rgba(0,0,0,.28); overflow: hidden; }}
.sr-line {{ position: absolute; white-space: pre; }}
.sr-heading {{ font-weight: bold; }}
.sr-pageno, .sr-revhead {{ position: absolute; white-space: pre; }}
.sr-revhead {{ font-weight: bold; }}
.sr-title {{ position: absolute; left: 0; right: 0; text-align: center; white-space: pre; }}
.sr-contact {{ position: absolute; white-space: pre; }}
.sr-empty {{ color: #777; font-family: sans-serif; padding: 40px; text-align: center; }}
"""

PANEL_CSS = """
.sr-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.sr-table th { text-align: left; font-weight: 600; color: #555; border-bottom: 2px solid #ddd; padding: 4px 6px; }
.sr-table td { border-bottom: 1px solid #eee; padding: 4px 6px; vertical-align: top; }
.sr-num { font-family: 'Courier Prime', monospace; font-weight: bold; }
.sr-eighths { font-family: 'Courier Prime', monospace; white-space: nowrap; text-align: right; }
.sr-strip { display: inline-block; width: 10px; height: 14px; border: 1px solid #999; vertical-align: middle; }
.sr-bar { display: inline-block; height: 10px; background: #8b1e3f; border-radius: 2px; vertical-align: middle; }
.sr-kpis { display: flex; gap: 10px; flex-wrap: wrap; }
.sr-kpi { background: #f6f3ee; border-radius: 6px; padding: 8px 14px; min-width: 90px; }
.sr-kpi b { display: block; font-size: 22px; color: #222; }
.sr-kpi span { color: #666; font-size: 12px; }
.sr-swatch { display: inline-block; border-radius: 10px; border: 1px solid rgba(0,0,0,.25); padding: 0 8px;
  font-size: 12px; color: #222; }
.sr-badge { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 11px; color: white; }
.sr-added { background: #2e7d32; } .sr-changed { background: #b26a00; } .sr-omitted { background: #b00020; }
.sr-unchanged { background: #888; }
.sr-diffline { font-family: 'Courier Prime', monospace; white-space: pre-wrap; margin: 0; padding: 1px 6px; }
.sr-minus { background: #fde7e9; color: #8a1020; text-decoration: line-through; }
.sr-plus { background: #e6f4ea; color: #0f5323; }
.sr-scene-diff { margin: 10px 0; }
.sr-muted { color: #777; font-size: 12px; }
"""

# Paper colours of revision pages, as printed on set (the ink colours of the engine are darker).
PAPER_COLOURS = {"White": "#ffffff", "Blue": "#a9c8f5", "Pink": "#f7b6cf", "Yellow": "#fbee8c", "Green": "#a6dca8",
                 "Goldenrod": "#e6b84a", "Buff": "#eedcb3", "Salmon": "#f9a48e", "Cherry": "#e0475f"}


def script_file_name(title: str) -> str:
    """The name a script's versions are stored under: "The Last Reel" -> "the-last-reel.fountain"."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"{slug or 'draft'}.fountain"


def paper_colour(colour: str) -> str:
    """CSS colour of a revision's paper ("Double Blue" prints on blue paper)."""
    return PAPER_COLOURS.get(colour.split()[-1] if colour else "White", "#ffffff")


def _render(name: str, **context) -> str:
    return render_html(f"script_room/{name}.html.j2", css=Markup(PANEL_CSS), **context)


def _pos(x_in: float, top_in: float) -> str:
    return f"left:{x_in * EM_PER_INCH:.3f}em;top:{top_in * EM_PER_INCH:.3f}em"


def _page_box(profile) -> str:
    return f"width:{profile.width_in * EM_PER_INCH:.2f}em;height:{profile.height_in * EM_PER_INCH:.2f}em"


def _title_page_lines(script: Script, profile) -> list[dict]:
    """Title centred a third down the page, draft date and contact bottom-left (as the PDF)."""
    lines = []
    row = 0.0
    top_in = 3.5
    page = {k.strip().lower(): v for k, v in script.title_page.items()}
    for keys in (("title",), ("credit",), ("author", "authors"), ("source",)):
        value = next((page[k] for k in keys if page.get(k)), "")
        if not value:
            continue
        for part in str(value).split("\n"):
            weight = "font-weight:bold;" if keys == ("title",) else ""
            lines.append({"cls": "sr-title", "style": f"top:{(top_in + row / 6) * EM_PER_INCH:.2f}em;{weight}",
                          "text": runs_text(emphasis_runs(part.strip()))})
            row += 1
        row += 1
    bottom = []
    for keys in (("draft date", "date"), ("contact",)):
        value = next((page[k] for k in keys if page.get(k)), "")
        bottom += [p.strip() for p in str(value).split("\n")] if value else []
    for k, text in enumerate(bottom):
        top = profile.height_in - 1.0 - (len(bottom) - k) / 6
        lines.append({"cls": "sr-contact", "style": _pos(profile.left_margin_in, top), "text": text})
    return lines


class PageDrawer:
    """Draws single preview pages for one paper and revision (the coloured header, the asterisks).

    Each page is a standalone ``<div class="sr-page">`` (``page.html.j2``), so the Script Room can
    send only the pages an edit changed and the browser can patch them in place.
    """

    def __init__(self, paper: str, revision=None) -> None:
        self.profile = profile = paper_profile(paper)
        self.box = _page_box(profile)
        self.show_rev = revision is not None and revision.is_revision
        self.head: list[dict] = []
        if self.show_rev:
            r, g, b = (int(255 * c) for c in colour_rgb(revision.colour))
            style = f"{_pos(profile.left_margin_in, profile.page_number_top_in)};color:rgb({r},{g},{b})"
            self.head = [_plain("sr-revhead", style, revision.header)]
        # pages drawn by two drawers with the same key are the same HTML
        self.key = (profile.name, self.head[0]["style"] + revision.header if self.show_rev else "")

    def page(self, page, number: int) -> str:
        """Page ``number`` (1-based) of a pagination: indents, scene numbers both sides, page number."""
        profile = self.profile
        body = list(self.head)
        if number > 1:
            label = f"{number}."
            where = _pos(profile.right_edge_in - len(label) * CHAR_WIDTH_IN, profile.page_number_top_in)
            body.append(_plain("sr-pageno", where, label))
        for ln in page_lines(page):
            if ln.type in ("separator", "page_break", "dual_pad") or not ln.text.strip():
                continue
            top = profile.top_margin_in + ln.row * LINE_HEIGHT_IN
            cls = "sr-line sr-heading" if ln.type == "scene_heading" else "sr-line"
            body.append({"cls": cls, "kind": ln.type, "style": _pos(ln.x, top), "runs": ln.runs or [(ln.text, "")]})
            if ln.type == "scene_heading" and ln.scene_number:
                num = str(ln.scene_number)
                left = ln.x - (len(num) + 4) * CHAR_WIDTH_IN
                right = ln.x + (profile.wide_wrap + 1) * CHAR_WIDTH_IN
                body += [_plain("sr-line sr-heading", _pos(left, top), num),
                         _plain("sr-line sr-heading", _pos(right, top), num)]
            if ln.revised and self.show_rev:
                body.append(_plain("sr-line", _pos(profile.width_in - 0.45, top), "*"))
        return render_macro("script_room/page.html.j2", "page", self.box, number, body)

    def title_page(self, script: Script) -> str | None:
        """The title page (title, credit, author centred; date and contact bottom-left), or None without one."""
        if not script.title_page:
            return None
        return render_macro("script_room/page.html.j2", "title_page", self.box,
                            _title_page_lines(script, self.profile))


def _plain(cls: str, style: str, text: str, kind: str = "") -> dict:
    return {"cls": cls, "kind": kind, "style": style, "runs": [(text, "")]}


def preview_pages(script: Script, pagination: Pagination, revision=None, *, title_page: bool = False,
                  max_pages: int | None = None) -> list[str]:
    """Each drawn page's HTML in order (the title page first when asked for and the script has one)."""
    drawer = PageDrawer(pagination.paper, revision)
    pages = pagination.pages if max_pages is None else pagination.pages[:max_pages]
    front = drawer.title_page(script) if title_page else None
    return ([front] if front else []) + [drawer.page(page, number) for number, page in enumerate(pages, start=1)]


def empty_notice() -> str:
    """What the preview shows for a draft with nothing to print."""
    return render_macro("script_room/page.html.j2", "empty")


def preview_html(script: Script, pagination: Pagination, revision=None, *, title_page: bool = False,
                 max_pages: int | None = None) -> str:
    """The script as printed pages: indents, scene numbers both sides, (MORE)/(CONT'D), page numbers.

    ``revision`` (an engine ``Revision`` past White) adds the coloured header
    and the asterisks on changed lines. ``max_pages`` caps how many body
    pages are drawn (the Script Room itself draws every page, see ``PagedPreview``).
    """
    pages = preview_pages(script, pagination, revision, title_page=title_page, max_pages=max_pages)
    more = len(pagination.pages) - max_pages if max_pages is not None and len(pagination.pages) > max_pages else 0
    return render_html("script_room/preview.html.j2", css=Markup(PREVIEW_CSS), pages=[Markup(p) for p in pages],
                       more=more,
                       tail=Markup(empty_notice()) if not pagination.pages and not script.title_page else None)


def _scene_rows(script: Script, pagination: Pagination) -> list[dict]:
    rows = []
    for i, scene in enumerate(script.scenes):
        eighths = pagination.scene_eighths[i] if i < len(pagination.scene_eighths) else (scene.eighths or 1)
        page = pagination.scene_pages[i] if i < len(pagination.scene_pages) else ""
        rows.append({"number": scene.number or str(i + 1), "colour": strip_colour(scene), "heading": scene.heading,
                     "length": format_eighths(eighths), "page": page,
                     "speaking": ", ".join(scene.speaking_characters)})
    return rows


def scenes_html(script: Script, pagination: Pagination) -> str:
    """Scene list: number, strip colour, heading, length in eighths, page, who speaks."""
    return _render("scenes", rows=_scene_rows(script, pagination))


def scene_list_parts(script: Script, pagination: Pagination) -> tuple[str, list[str], str]:
    """The scene list as (head, one HTML row per scene, foot), for a view that patches changed rows."""
    name = "script_room/scene_rows.html.j2"
    rows = _scene_rows(script, pagination)
    if not rows:
        return render_macro(name, "no_scenes"), [], ""
    return (render_macro(name, "head", Markup(PANEL_CSS)), [render_macro(name, "row", r) for r in rows],
            render_macro(name, "foot"))


def strip_colour(scene) -> str:
    """Stripboard colour (STANDARDS.md): day int white, day ext yellow, night int blue, night ext green."""
    night = scene.is_night
    exterior = scene.int_ext.upper().startswith("EXT")
    if exterior:
        return "#9bd49b" if night else "#f5e663"
    return "#8fb1e8" if night else "#ffffff"


def summary_html(script: Script, pagination: Pagination) -> str:
    """Headline figures: length in pages and eighths, scenes, speaking roles, estimated screen time."""
    total = round(pagination.fractional_pages * 8)
    scenes = len(script.scenes)
    roles = len(script.speaking_characters)
    minutes = pagination.fractional_pages      # one page is about one minute of screen time
    kpis = [
        (f"{format_eighths(total)}", "pages", "page-count"),
        (f"{scenes}", "scene" if scenes == 1 else "scenes", "scene-count"),
        (f"{roles}", "speaking role" if roles == 1 else "speaking roles", "role-count"),
        (f"{pagination.page_count}", "printed page" if pagination.page_count == 1 else "printed pages", "sheet-count"),
        (f"≈ {minutes:.0f} min" if minutes >= 1 else "< 1 min", "screen time", "screen-time"),
    ]
    return _render("summary", paper=pagination.paper.upper(), lines_per_page=pagination.lines_per_page,
                   title=script.title, kpis=kpis)


def _bar_rows(counts: dict[str, int]) -> list[tuple[str, int, str]]:
    top = max(counts.values(), default=0) or 1
    return [(k, v, f"{100 * v / top:.0f}") for k, v in counts.items()]


def stats_html(stats: ScriptStats) -> str:
    """Scenes by INT/EXT and day/night, locations, and each speaking character's dialogue."""
    most = max(1, stats.characters[0].dialogue_blocks) if stats.characters else 1
    characters = [{"name": c.name, "width": f"{100 * c.dialogue_blocks / most:.0f}", "speeches": c.dialogue_blocks,
                   "words": c.words, "scenes": c.scenes} for c in stats.characters]
    return _render("stats", words=stats.words, dialogue_blocks=stats.dialogue_blocks,
                   location_count=len(stats.locations), int_ext=_bar_rows(stats.int_ext),
                   day_night=_bar_rows(stats.day_night), characters=characters, locations=stats.locations[:12])


def versions_html(versions: list) -> str:
    """Stored versions, newest first: number, revision colour swatch, date, scenes, changes."""
    rows = []
    for v in reversed(versions):
        s = v.summary or {}
        changes = ", ".join(f"{s[k]} {label}" for k, label in (("added", "new"), ("changed", "revised"),
                                                               ("omitted", "cut")) if s.get(k))
        date = v.revision.date.isoformat() if getattr(v.revision, "date", None) else ""
        rows.append({"version": v.version, "paper": paper_colour(v.colour), "colour": v.colour, "date": date,
                     "scenes": len(v.scene_numbers), "changes": changes or "—"})
    return _render("versions", rows=rows)


def diff_html(diff: ScriptDiff, old_label: str, new_label: str) -> str:
    """Scene-by-scene differences: each scene that changed with its struck and added lines."""
    summary = [(k, n, STATUS_LABELS[k].lower()) for k, n in diff.summary().items()]
    scenes = []
    for change in diff.scenes:
        if change.status == "unchanged":
            continue
        heading = change.new_heading or change.old_heading
        if change.status == "changed" and change.old_heading and change.old_heading != change.new_heading:
            heading = f"{change.old_heading} → {change.new_heading}"
        scenes.append({"status": change.status, "label": STATUS_LABELS[change.status], "number": change.number or "",
                       "heading": heading, "lines": change.lines[:80]})
    return _render("diff", old_label=old_label, new_label=new_label, summary=summary, empty=diff.is_empty,
                   scenes=scenes)


def notes_html(notes: list) -> str:
    """Notes on the script, in line order: line number, the line's text, the note, who and when."""
    return _render("notes", notes=sorted(notes, key=lambda n: n.line))
