"""Script Room: write Fountain beside its printed pages, with live page count, eighths, stats and versions.

    from studio_kit.ui.script_room import ScriptRoom
    room = ScriptRoom()            # opens the settings' project store for versions
    room                           # in a notebook; dashboards/script_room.py serves it

The editor is plain Fountain. While you type, the draft is laid out again after
a short pause (the editor's ``input_delay_ms``; it sends only the splice typed,
see :class:`~studio_kit.ui.fountain_editor.FountainEditor`) by an
incremental layout (:class:`~studio_kit.engines.writing.incremental.ScriptLayout`:
only the scenes and pages an edit touched are redone), and the preview
(:class:`~studio_kit.ui.paged_preview.PagedPreview`) gets only the pages whose
HTML changed, so a keystroke in a 120-page feature costs a few ms of layout and
a few KB to the browser. The scene list, stats and index cards follow once
typing pauses (``PANES_DELAY_MS``), also sending only their changed rows.
"""
from __future__ import annotations

import datetime as dt
import io
import tempfile
import time
from pathlib import Path

import panel as pn
import param

from studio_kit.config import get_settings
from studio_kit.engines.writing.generation import generate_script
from studio_kit.engines.writing.incremental import ScriptLayout
from studio_kit.engines.writing.pagination import format_eighths, paginate
from studio_kit.engines.writing.pdf import render_pdf
from studio_kit.engines.writing.revisions import Revision, revision_colour
from studio_kit.engines.writing.stats import script_stats
from studio_kit.engines.writing.structures import get_structure
from studio_kit.engines.writing.versions import diff_versions, list_versions, load_version, save_version
from studio_kit.exceptions import StudioError
from studio_kit.store import open_store
from studio_kit.store.edits import StaleEditError
from studio_kit.templating import render_macro
from studio_kit.ui import fountain_editor as fe
from studio_kit.ui import screenplay_html as views
from studio_kit.ui.fountain_editor import FountainEditor, SceneCards
from studio_kit.ui.paged_preview import PagedPreview, PatchedHTML
from studio_kit.ui.project_picker import latest_asset
from studio_kit.ui.screenplay_html import script_file_name

FORMATS = {"Short film": "short", "Feature (three acts)": "film", "Feature (Save the Cat)": "save_the_cat",
           "TV episode": "episode", "Ad, 15 s": "ad15", "Ad, 30 s": "ad30", "Ad, 60 s": "ad60"}
GENRES = ["drama", "thriller", "comedy", "horror", "sci-fi", "romance", "crime", "fantasy"]
TONES = ["grounded", "dark", "comic", "whimsical", "tense", "warm"]
PANES_DELAY_MS = 400              # the scene list, stats and cards follow typing after this pause
PAGE_TEMPLATE = "script_room/page.html.j2"
STATS_TAB = 1                     # the Stats tab's index in ScriptRoom.tabs
NOTICE_STYLES = {"background": "#fff3cd", "color": "#664d03", "border": "1px solid #ffecb5",
                 "border-radius": "6px", "padding": "8px 12px", "font-size": "14px"}


def starter_draft(today: dt.date | None = None) -> str:
    """The page a new writer sees first: a title page and two short scenes that show the format."""
    today = today or dt.date.today()
    return f"""Title: Untitled Screenplay
Credit: Written by
Author: Your Name
Draft date: {today.isoformat()}

FADE IN:

INT. WRITERS' ROOM - NIGHT

A single desk lamp. Index cards cover one wall. MAYA OKAFOR (30s), pencil behind her ear, stares at a blank page.

MAYA
(to herself)
Start with a place. Then a time.

She types a line. Deletes it. Types it again.

EXT. CITY ROOFTOP - DAWN

The sun edges over the water towers. Maya reads her first page aloud to the pigeons.

MAYA
Not bad. Not bad at all.

> FADE OUT.
"""


class ScriptRoom(pn.viewable.Viewer):
    """The writing desk: Fountain editor, paged preview, scene lengths, stats, generator and versions."""

    text = param.String(default="", doc="The Fountain source being written.")
    paper: param.Selector[str] = param.Selector(default="letter", objects=["letter", "a4"], doc="Paper profile for pages and eighths.")
    script_name = param.String(default="draft.fountain", doc="Name the versions are stored under in the project.")
    debounce_ms = param.Integer(default=0, bounds=(0, 5000),
                                doc="Pause (ms) after the editor's own (``input_delay_ms``) before the preview "
                                    "follows; 0: the next turn of the server loop (edits that arrive together "
                                    "are still laid out once).")
    show_title_page = param.Boolean(default=False, doc="Draw the title page in the preview (the PDF always has it).")

    def __init__(self, text: str | None = None, context=None, **params):
        super().__init__(**params)
        self._context = context           # a ProjectContext; opened from settings on first use when None
        self._pending: str | None = None
        self._typed_at = 0.0
        self._timer = False               # a pause timer is pending (server sessions only)
        self._doc = None
        self._loading = False              # True while load_text writes the editor (its echoes are ignored)
        self.revision = None               # revision of the stored version on screen (header + asterisks)
        self._revision_text: str | None = None
        self.script = None
        self.pagination = None
        self.stats = None
        self._layout = None                # the incremental layout of the text (ScriptLayout)
        self._body_pages: list[str] = []   # HTML of each body page as last drawn
        self._drawn_key: tuple | None = None
        self._sent: dict[int, str] = {}    # pages the last refresh sent to the browser
        self._panes_timer = False
        self._panes_due = 0.0
        self.timing: dict = {}             # the last refresh: layout and preview time (ms), pages and bytes sent

        self.editor = FountainEditor(sizing_mode="stretch_width", height=650)
        self.editor.param.watch(self._on_typing, "value_input")
        self.editor.param.watch(self._on_value, "value")
        self.summary = pn.pane.HTML(sizing_mode="stretch_width", min_height=60)
        self.notice = pn.pane.HTML("", visible=False, sizing_mode="stretch_width", styles=NOTICE_STYLES)
        self.preview = PagedPreview(sizing_mode="stretch_width", height=650)
        self.scenes = PatchedHTML(sizing_mode="stretch_width")
        self.stats_view = PatchedHTML(sizing_mode="stretch_width")
        self.diff = pn.pane.HTML("<p class='sr-muted'>Save two versions, then compare them in the sidebar.</p>",
                                 sizing_mode="stretch_width")
        self.cards = SceneCards(sizing_mode="stretch_width", min_height=120)
        self.cards.param.watch(lambda event: self.move_scenes(event.new), "order")
        self.cards.param.watch(lambda event: self._goto(event.new), "open_line")
        self.cards_status = pn.pane.Markdown("Drag a card onto another to move the scene there (the script is "
                                             "saved as a new version); double-click a card to go to its scene.",
                                             sizing_mode="stretch_width", styles={"font-size": "12px"})
        self.notes = NotesPanel(room=self)
        self.tabs = pn.Tabs(("Scenes & eighths", self.scenes), ("Stats", self.stats_view), ("Revision diff", self.diff),
                            ("Index cards", pn.Column(self.cards_status, self.cards, sizing_mode="stretch_width")),
                            ("Notes", self.notes),
                            # not dynamic: in Panel 1.9.4 a pane updated inside a hidden dynamic tab (detached
                            # model, no document) rewrites the session's shared loading.css to the CDN
                            sizing_mode="stretch_width", dynamic=False)
        self._stats_stale = False
        self.tabs.param.watch(lambda event: self._show_stats() if event.new == STATS_TAB else None, "active")
        self.pdf_download = pn.widgets.FileDownload(callback=self._pdf_download, label="PDF", color="primary",
                                                    width=80, icon="download")
        self.fountain_download = pn.widgets.FileDownload(callback=self._fountain_download, label="Fountain",
                                                         variant="outline", width=100, icon="download")
        self.form = LoglineForm(room=self)
        self.shelf = VersionShelf(room=self)
        self._name_downloads()

        if text is None:
            latest = self._latest_script()
            if latest is not None and latest.name != self.script_name:
                self.script_name = latest.name      # the shelf follows the name: versions of that script
            text = self.shelf.latest_text() or starter_draft()
        self.load_text(text)
        doc = pn.state.curdoc
        self._doc = doc if doc is not None and doc.session_context is not None else None

    # ------------------------------------------------------------ text flow
    def load_text(self, text: str, revision=None) -> None:
        """Put ``text`` in the editor and refresh everything; ``revision`` marks a stored version's pages."""
        self.revision = revision
        self._revision_text = text if revision is not None else None
        self._loading = True
        try:   # value_input too: the browser only reports a later edit if it differs from what we hold
            self.editor.param.update(value=text, value_input=text)
        finally:
            self._loading = False
        self._pending = None
        if self.text == text:
            self.refresh()
        else:
            self.text = text

    def _on_typing(self, event) -> None:
        if self._loading:
            return
        self._pending = event.new
        self._typed_at = time.monotonic()
        doc = self._doc
        if doc is None:                   # no server loop (notebook, tests): follow at once
            self._flush(force=True)
        elif not self._timer:             # one timer per pause in typing, no polling while idle
            self._timer = True
            doc.add_timeout_callback(self._tick, self.debounce_ms)

    def _on_value(self, event) -> None:
        # committed value (blur, or set from Python): no reason to wait
        if self._loading:
            return
        self._pending = event.new
        self._flush(force=True)

    def _tick(self) -> None:
        """The pause timer: re-lay the pages once typing has paused for ``debounce_ms``."""
        from panel.io.state import set_curdoc

        self._timer = False
        doc = self._doc
        if self._pending is None or doc is None:
            return
        wait = self.debounce_ms - (time.monotonic() - self._typed_at) * 1000
        if wait > 5:                      # still typing: wait for the rest of the pause
            self._timer = True
            doc.add_timeout_callback(self._tick, int(wait))
            return
        with set_curdoc(doc):
            self._flush(force=True)

    def _latest_script(self):
        """The project's most recently saved script version (any name), or None."""
        try:
            return latest_asset(self.context(), "script")
        except StudioError:
            return None

    def _flush(self, force: bool = False) -> None:
        if self._pending is None:
            return
        if not force and (time.monotonic() - self._typed_at) * 1000 < self.debounce_ms:
            return
        text, self._pending = self._pending, None
        self.text = text

    @param.depends("text", "paper", "show_title_page", watch=True)
    def refresh(self) -> None:
        """Lay the draft out again (only what the edit touched); update preview, figures, scenes and stats."""
        started = time.perf_counter()
        if self._revision_text is not None and self.text != self._revision_text:
            self.revision = None           # the marks belong to the stored text, not to new edits
            self._revision_text = None
        try:
            layout, change = self._lay_out()
            script, pagination = layout.script, layout.pagination
            marks = self.revision.changed_lines if self.revision is not None and self.revision.is_revision else ()
            if marks:                      # a stored revision on screen: its changed lines get asterisks
                pagination = paginate(script, self.paper, revised_lines=marks)
                change = None
        except StudioError as err:
            self._layout = None            # start the next layout afresh
            self.notice.object = render_macro(PAGE_TEMPLATE, "notice", "This draft cannot be laid out:",
                                              err.message, err.hint)
            self.notice.visible = True
            return
        self.script, self.pagination = script, pagination
        laid_out = time.perf_counter()
        warnings = script.warnings[:3]
        self.notice.object = render_macro(PAGE_TEMPLATE, "warnings", warnings)
        self.notice.visible = bool(warnings)
        self.summary.object = views.summary_html(script, pagination)
        self._draw_pages(script, pagination, change)
        self.timing = {"layout_ms": (laid_out - started) * 1000,
                       "preview_ms": (time.perf_counter() - laid_out) * 1000,
                       "pages_sent": len(self._sent), "bytes_sent": self.preview.sent_bytes,
                       "mode": change.mode if change is not None else "revision"}
        doc = self._doc
        if doc is None:                    # no server loop (notebook, tests): the rest at once
            self._refresh_panes()
        else:                              # the tables follow once typing pauses (they are not in the way)
            self._panes_due = time.monotonic() + PANES_DELAY_MS / 1000
            if not self._panes_timer:
                self._panes_timer = True
                doc.add_timeout_callback(self._panes_tick, PANES_DELAY_MS)

    def _lay_out(self):
        """The incremental layout of the current text (a new one for a new paper): (layout, change or None)."""
        layout = self._layout
        if layout is None or layout.profile.name != self.paper:
            self._layout = layout = ScriptLayout(self.text, self.paper)
            return layout, None
        return layout, layout.edit(self.text)

    def _draw_pages(self, script, pagination, change) -> None:
        """Draw the pages an edit changed (all of them after a reset) and send the browser those that differ."""
        drawer = views.PageDrawer(pagination.paper, self.revision)
        old = self._body_pages
        if change is None or drawer.key != self._drawn_key:
            body = [drawer.page(page, n) for n, page in enumerate(pagination.pages, start=1)]
        else:
            redo = set(change.changed_pages)
            body = [old[i] if i < len(old) and i not in redo else drawer.page(page, i + 1)
                    for i, page in enumerate(pagination.pages)]
        self._body_pages, self._drawn_key = body, drawer.key
        front = drawer.title_page(script) if self.show_title_page else None
        tail = views.empty_notice() if not pagination.pages and not script.title_page else ""
        self._sent = self.preview.show_pages(([front] if front else []) + body, drawer.box, tail)

    def _panes_tick(self) -> None:
        from panel.io.state import set_curdoc

        self._panes_timer = False
        doc = self._doc
        if doc is None:
            return
        wait = (self._panes_due - time.monotonic()) * 1000
        if wait > 5:                       # typed again since: wait for the pause
            self._panes_timer = True
            doc.add_timeout_callback(self._panes_tick, int(wait))
            return
        with set_curdoc(doc):
            self._refresh_panes()

    def _refresh_panes(self) -> None:
        """Scene list, stats, cards, autocomplete lists and note anchors of the current layout."""
        script, pagination = self.script, self.pagination
        if script is None or pagination is None:
            return
        self._stats_stale = True
        if self._doc is None or self.tabs.active == STATS_TAB:
            self._show_stats()
        self.scenes.show_rows(*views.scene_list_parts(script, pagination))
        self.editor.param.update(characters=fe.character_names(script), locations=fe.locations(script))
        self.cards.put(fe.scene_cards(script, pagination))
        self.notes.anchor()

    def _show_stats(self) -> None:
        """The Stats tab's figures of the current script. In a server session they are worked out only
        while that tab is shown (and when it is opened): they cost as much as the rest of the panes
        together, for every pause in typing of every session."""
        if not self._stats_stale or self.script is None:
            return
        self._stats_stale = False
        try:
            stats = script_stats(self.script)
        except StudioError:
            stats = None
        self.stats = stats
        if stats is not None:
            self.stats_view.show_html(views.stats_html(stats))

    def show_diff(self, html: str) -> None:
        self.diff.object = html
        self.tabs.active = 2

    def _goto(self, line: int) -> None:
        if line > 0:
            self.editor.goto_line = 0
            self.editor.goto_line = line

    def move_scenes(self, order: list[int]):
        """Put the scenes in ``order`` (indices of the current scenes), rewrite the Fountain text and save it
        as the next version (the versioned save refuses it when someone else saved in between)."""
        if not order or self.script is None:
            return None
        self._flush(force=True)
        try:
            text = fe.reorder_scenes(self.text, self.script, list(order))
        except StudioError as err:
            self.cards_status.object = f"**Not moved:** {err.message} {err.hint or ''}"
            return None
        before = [s.heading for s in self.script.scenes]
        self.load_text(text)
        version = self.shelf.save()
        moved = [before[i] for i in order]
        if version is None:
            self.cards_status.object = ("**Scenes moved in the editor but not saved** — see Versions. "
                                        + " → ".join(moved[:6]))
        else:
            self.cards_status.object = (f"Moved scenes and saved **v{version.version}**: "
                                        + " → ".join(moved[:8]) + (" …" if len(moved) > 8 else ""))
        return version

    # ------------------------------------------------------------ store
    def context(self):
        """The project (settings' org/project) the versions are stored in; opened on first use."""
        if self._context is None:
            settings = get_settings()
            self._context = open_store().project(settings.org, settings.project, user=settings.user)
        return self._context

    # ------------------------------------------------------------ exports
    def pdf_bytes(self) -> bytes:
        """The draft as an industry-format PDF (title page, revision header and asterisks when revised)."""
        if self.script is None:
            raise StudioError("This draft cannot be laid out, so it has no PDF", hint="See the notice above the pages.")
        with tempfile.TemporaryDirectory(prefix="script-room-") as tmp:
            path = Path(tmp) / "draft.pdf"
            render_pdf(self.script, path, paper=self.paper, revision=self.revision)
            return path.read_bytes()

    @param.depends("script_name", watch=True)
    def _name_downloads(self) -> None:
        stem = self.script_name.rsplit(".", 1)[0] or "draft"
        self.pdf_download.filename = f"{stem}.pdf"
        self.fountain_download.filename = f"{stem}.fountain"

    def _pdf_download(self):
        return io.BytesIO(self.pdf_bytes())

    def _fountain_download(self):
        return io.BytesIO(self.text.encode("utf-8"))

    # ------------------------------------------------------------ layout
    def sidebar_panel(self) -> pn.viewable.Viewable:
        return pn.Column(self.form, pn.layout.Divider(), self.shelf, sizing_mode="stretch_width")

    def main_panel(self) -> pn.viewable.Viewable:
        paper = pn.widgets.RadioButtonGroup.from_param(self.param.paper, options={"US Letter": "letter", "A4": "a4"},
                                                       color="default", width=160)
        title_page = pn.widgets.Checkbox.from_param(self.param.show_title_page, label="Title page", width=90)
        editor_bar = pn.Row(pn.pane.HTML("<b>Fountain</b>", width=90), pn.HSpacer(), self.fountain_download, height=42)
        preview_bar = pn.Row(pn.pane.HTML("<b>Pages</b>", width=60), title_page, pn.HSpacer(), paper,
                             self.pdf_download, height=42)
        editor = pn.Column(editor_bar, self.editor, sizing_mode="stretch_width", min_width=360, max_width=460)
        preview = pn.Column(preview_bar, self.preview, sizing_mode="stretch_width", min_width=480)
        return pn.Column(self.summary, self.notice, pn.Row(editor, preview, sizing_mode="stretch_width"),
                         self.tabs, sizing_mode="stretch_width")

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Row(pn.Column(self.sidebar_panel(), width=340), self.main_panel(), sizing_mode="stretch_width")


class LoglineForm(pn.viewable.Viewer):
    """Write a first draft from a logline with :func:`generate_script` and put it in the editor."""

    logline = param.String(default="A lighthouse keeper finds a message in a bottle that predicts the next storm.",
                           doc="The story in one sentence.")
    format: param.Selector[str] = param.Selector(default="short", objects=list(FORMATS.values()), doc="Structure of the draft.")
    genre: param.Selector[str] = param.Selector(default="drama", objects=GENRES)
    tone: param.Selector[str] = param.Selector(default="grounded", objects=TONES)
    pages = param.Number(default=5, bounds=(0.25, 180), doc="Target length in pages (ads: seconds).")
    seed = param.Integer(default=1, bounds=(0, None), doc="Same seed, same draft.")

    def __init__(self, room: ScriptRoom, **params):
        super().__init__(**params)
        self.room = room
        self.button = pn.widgets.Button(label="Write draft", color="primary", sizing_mode="stretch_width",
                                        icon="pencil")
        self.button.on_click(lambda event: self.generate())
        self.status = pn.pane.Markdown("", sizing_mode="stretch_width", styles={"font-size": "12px"})

    @param.depends("format", watch=True)
    def _default_length(self) -> None:
        structure = get_structure(self.format)
        self.pages = 5 if self.format == "short" else structure.default_length

    def generate(self):
        """Generate the draft; on success it replaces the editor text. Returns the GeneratedScript or None."""
        self.button.loading = True
        try:
            result = generate_script(logline=self.logline, format=self.format, genre=self.genre, tone=self.tone,
                                     pages=self.pages, seed=self.seed)
        except StudioError as err:
            self.status.object = f"**Could not write the draft:** {err.message}" + (f" {err.hint}" if err.hint else "")
            return None
        finally:
            self.button.loading = False
        self.room.script_name = script_file_name(result.script.title)
        self.room.load_text(result.fountain)
        length = format_eighths(round(paginate(result.script, self.room.paper).fractional_pages * 8))
        self.status.object = (f"Wrote **{result.script.title}**: {len(result.script.scenes)} scenes, "
                              f"{length} pages ({result.backend} writer, seed {self.seed}).")
        return result

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.Markdown("### Write from a logline", margin=(0, 5)),
            pn.widgets.TextAreaInput.from_param(self.param.logline, label="Logline", height=90,
                                                sizing_mode="stretch_width"),
            pn.widgets.Select.from_param(self.param.format, label="Format", options=FORMATS,
                                         sizing_mode="stretch_width"),
            pn.Row(pn.widgets.Select.from_param(self.param.genre, label="Genre"),
                   pn.widgets.Select.from_param(self.param.tone, label="Tone"), sizing_mode="stretch_width"),
            pn.Row(pn.widgets.FloatInput.from_param(self.param.pages, label="Length (pages; ads: s)", step=1),
                   pn.widgets.IntInput.from_param(self.param.seed, label="Seed"), sizing_mode="stretch_width"),
            self.button, self.status, sizing_mode="stretch_width")


class VersionShelf(pn.viewable.Viewer):
    """Stored versions of the script: save (or start the next revision colour), list, compare, reopen."""

    def __init__(self, room: ScriptRoom, **params):
        super().__init__(**params)
        self.room = room
        self.versions: list = []
        self.name_input = pn.widgets.TextInput.from_param(room.param.script_name, label="Script name",
                                                          sizing_mode="stretch_width")
        self.save_button = pn.widgets.Button(label="Save version", color="success", icon="device-floppy",
                                             sizing_mode="stretch_width")
        self.save_button.on_click(lambda event: self.save())
        # a new colour is a production decision, so it gets its own button naming the colour it starts
        self.revise_button = pn.widgets.Button(label="Save as next revision", color="warning",
                                               icon="palette", sizing_mode="stretch_width", visible=False)
        self.revise_button.on_click(lambda event: self.save(revise=True))
        self.table = pn.pane.HTML(sizing_mode="stretch_width")
        self.old = pn.widgets.Select(label="From", options={}, sizing_mode="stretch_width")
        self.new = pn.widgets.Select(label="To", options={}, sizing_mode="stretch_width")
        self.compare_button = pn.widgets.Button(label="Compare", color="primary", sizing_mode="stretch_width")
        self.compare_button.on_click(lambda event: self.compare())
        self.open_button = pn.widgets.Button(label="Open “To” in editor", sizing_mode="stretch_width")
        self.open_button.on_click(lambda event: self.open_selected())
        self.status = pn.pane.Markdown("", sizing_mode="stretch_width", styles={"font-size": "12px"})
        self.base_version: int | None = None     # the stored version the editor's text was opened from
        self.reload_button = pn.widgets.Button(label="Open the latest version", color="warning", visible=False,
                                               sizing_mode="stretch_width")
        self.reload_button.on_click(lambda event: self.open_latest())
        room.param.watch(lambda event: self.reload(), "script_name")
        self.reload()

    def _ctx(self):
        try:
            return self.room.context()
        except StudioError as err:
            self.status.object = f"**The project store is not available:** {err.message}"
            return None

    def _project_label(self) -> str:
        ctx = self.room._context
        return f"in {ctx.org_slug}/{ctx.project_slug}" if ctx is not None else ""

    def latest_text(self) -> str | None:
        """The newest stored version's Fountain text, or None when this script was never saved."""
        if not self.versions:
            return None
        ctx = self._ctx()
        return ctx.read_text(self.versions[-1].asset_id) if ctx is not None else None

    def reload(self) -> None:
        """Re-read the versions of the current script name from the store."""
        ctx = self._ctx()
        self.versions = list_versions(ctx, self.room.script_name) if ctx is not None else []
        self.base_version = self.versions[-1].version if self.versions else None
        self.table.object = views.versions_html(self.versions)
        options = {f"v{v.version} · {v.colour}": v.asset_id for v in self.versions}
        self.old.options = options
        self.new.options = options
        self.revise_button.visible = bool(self.versions)
        if self.versions:
            self.revise_button.label = f"Save as {revision_colour(self.versions[-1].revision.number + 1)} revision"
            self.new.value = self.versions[-1].asset_id
            self.old.value = self.versions[-2].asset_id if len(self.versions) > 1 else self.versions[-1].asset_id

    def save(self, revise: bool = False):
        """Store the editor's draft as the next version; the editor then shows it with locked scene numbers.

        ``revise=True`` starts the next revision colour (White → Blue → Pink …); changed lines get asterisks.
        """
        ctx = self._ctx()
        if ctx is None:
            return None
        self.room._flush(force=True)
        latest = ctx.latest("script", self.room.script_name)
        if latest is not None and self.base_version is not None and latest.version != self.base_version:
            stale = StaleEditError(f"`{self.room.script_name}`", self.base_version, latest)
            self.status.object = f"**Not saved:** {stale.message} {stale.hint}"
            self.reload_button.visible = True
            return None                      # the writer's text stays in the editor
        try:
            version = save_version(ctx, self.room.text, name=self.room.script_name, revise=revise,
                                   provenance={"ui": "script_room"})
        except StudioError as err:
            self.status.object = f"**Not saved:** {err.message}" + (f" {err.hint}" if err.hint else "")
            return None
        self.reload()

        stored = load_version(ctx, version.asset_id)
        self.room.load_text(ctx.read_text(version.asset_id),
                            revision=Revision.from_meta(stored.metadata.get("revision") or {}))
        changes = ", ".join(f"{n} {k}" for k, n in version.summary.items() if n and k != "unchanged")
        self.status.object = (f"Saved **v{version.version}** ({version.colour}) of `{version.name}`"
                              f"{': ' + changes if changes else ''}. Scene numbers are locked.")
        return version

    def open_latest(self) -> None:
        """After a refused save: load the latest stored version (someone else's) into the editor."""
        self.reload()
        if self.versions:
            self.new.value = self.versions[-1].asset_id
            self.open_selected()
        self.reload_button.visible = False
        self.status.object = "Opened the latest version; your refused text is gone from the editor — " \
                             "copy it first if you need it."

    def compare(self) -> None:
        """Show the scene-by-scene diff between the From and To versions."""
        ctx = self._ctx()
        if ctx is None or self.old.value is None or self.new.value is None:
            self.status.object = "Save at least one version to compare."
            return
        labels = {v: k for k, v in self.old.options.items()}
        try:
            diff = diff_versions(ctx, self.old.value, self.new.value)
        except StudioError as err:
            self.status.object = f"**Cannot compare:** {err.message}"
            return
        self.room.show_diff(views.diff_html(diff, labels[self.old.value], labels[self.new.value]))

    def open_selected(self) -> None:
        """Load the To version into the editor, with its revision header and asterisks."""
        ctx = self._ctx()
        if ctx is None or self.new.value is None:
            return
        stored = load_version(ctx, self.new.value)
        self.room.load_text(ctx.read_text(self.new.value),
                            revision=Revision.from_meta(stored.metadata.get("revision") or {}))

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.HTML(render_macro(PAGE_TEMPLATE, "heading", "Versions", self._project_label()),
                         sizing_mode="stretch_width"),
            self.name_input,
            self.save_button, self.revise_button,
            self.status, self.reload_button, self.table,
            pn.Row(self.old, self.new, sizing_mode="stretch_width"),
            pn.Row(self.compare_button, self.open_button, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")


class NotesPanel(pn.viewable.Viewer):
    """Notes anchored to script lines, appended to the project's edit stream (no session loses one)."""

    def __init__(self, room: ScriptRoom, **params):
        super().__init__(**params)
        self.room = room
        self.input = pn.widgets.TextAreaInput(label="Note on the cursor's line", placeholder="Note for this line",
                                              height=70, sizing_mode="stretch_width")
        self.add_button = pn.widgets.Button(label="Add note", color="primary", icon="message-plus", width=120)
        self.add_button.on_click(lambda event: self.add())
        self.refresh_button = pn.widgets.Button(label="Refresh notes", variant="outline", width=130)
        self.refresh_button.on_click(lambda event: self.anchor(reload=True))
        self.status = pn.pane.Markdown("", sizing_mode="stretch_width", styles={"font-size": "12px"})
        self.listing = pn.pane.HTML(sizing_mode="stretch_width")
        # edit / delete: pick a note (its text fills the box), change the text, save it or delete the note
        self.choice = pn.widgets.Select(label="Edit or delete a note", options={}, sizing_mode="stretch_width")
        self.choice.param.watch(lambda event: self._picked(), "value")
        self.edit_button = pn.widgets.Button(label="Save note edit", variant="outline", icon="pencil", width=140)
        self.edit_button.on_click(lambda event: None if self.edit() else None)
        self.delete_button = pn.widgets.Button(label="Delete note", color="danger", variant="outline", icon="trash",
                                               width=130)
        self.delete_button.on_click(lambda event: None if self.delete() else None)
        self.entries: list = []
        self._loaded_for: str | None = None

    def add(self, line: int | None = None, text: str | None = None):
        """Append a note on ``line`` (default: the editor's cursor line) and show every note again."""
        line = line or self.room.editor.cursor_line
        text = (self.input.value or "") if text is None else text
        lines = self.room.text.split("\n")
        try:
            ctx = self.room.context()
            fe.add_note(ctx, self.room.script_name, line, text, lines[line - 1] if line <= len(lines) else "")
        except StudioError as err:
            self.status.object = f"**Note not added:** {err.message}" + (f" {err.hint}" if err.hint else "")
            return None
        self.input.value = ""
        self.status.object = f"Added a note on line {line}."
        self.anchor(reload=True)
        return line

    def anchor(self, reload: bool = False) -> None:
        """Re-read (when asked, or for another script) and re-anchor the notes to the current text."""
        if reload or self._loaded_for != self.room.script_name:
            try:
                self.entries = fe.notes_for(self.room.context(), self.room.script_name, self.room.text)
            except StudioError as err:
                self.status.object = f"**Notes unavailable:** {err.message}"
                self.entries = []
            self._loaded_for = self.room.script_name
        else:
            self.entries = fe.reanchor(self.entries, self.room.text)
        self.room.editor.notes = [{"line": n.line, "text": n.text, "author": n.author} for n in self.entries]
        self.listing.object = views.notes_html(self.entries)
        options = {"(choose a note)": 0}
        for n in sorted(self.entries, key=lambda n: n.line):
            short = n.text if len(n.text) <= 50 else n.text[:49] + "…"
            options[f"line {n.line} · {n.author}: {short} (#{n.seq})"] = n.seq
        self.choice.options = options
        if self.choice.value not in options.values():
            self.choice.value = 0

    def _picked(self) -> None:
        note = next((n for n in self.entries if n.seq == self.choice.value), None)
        if note is not None:
            self.input.value = note.text

    def edit(self, seq: int | None = None, text: str | None = None) -> bool:
        """Replace the text of note ``seq`` (default: the chosen one) by ``text`` (default: the box's)."""
        return self._change("edit", seq, text)

    def delete(self, seq: int | None = None) -> bool:
        """Delete note ``seq`` (default: the chosen one)."""
        return self._change("delete", seq, None)

    def _change(self, op: str, seq: int | None, text: str | None) -> bool:
        seq, verb = seq or self.choice.value, "edited" if op == "edit" else "deleted"
        if not seq:
            self.status.object = f"**Note not {verb}:** choose a note first."
            return False
        try:
            if op == "edit":
                fe.edit_note(self.room.context(), self.room.script_name, seq,
                             (self.input.value or "") if text is None else text)
            else:
                fe.delete_note(self.room.context(), self.room.script_name, seq)
        except StudioError as err:
            self.status.object = f"**Note not {verb}:** {err.message}" + (f" {err.hint}" if err.hint else "")
            return False
        self.input.value = ""
        self.choice.value = 0
        self.status.object = "Edited the note." if op == "edit" else "Deleted the note."
        self.anchor(reload=True)
        return True

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self.input, pn.Row(self.add_button, self.refresh_button), self.status, self.listing,
                         self.choice, pn.Row(self.edit_button, self.delete_button),
                         sizing_mode="stretch_width")
