"""Script Room: write Fountain beside its printed pages, with live page count, eighths, stats and versions.

    from studio_kit.ui.script_room import ScriptRoom
    room = ScriptRoom()            # opens the settings' project store for versions
    room                           # in a notebook; dashboards/script_room.py serves it

The editor is plain Fountain. While you type, the draft is re-parsed and
re-paginated after a short pause (``debounce_ms``), so the preview pages,
the page count (in eighths) and each scene's length follow the text without
re-laying a 120-page script out on every keystroke.
"""
from __future__ import annotations

import datetime as dt
import time

import panel as pn
import param

from studio_kit.exceptions import StudioError
from studio_kit.ui import screenplay_html as views
from studio_kit.ui.screenplay_html import script_file_name

FORMATS = {"Short film": "short", "Feature (three acts)": "film", "Feature (Save the Cat)": "save_the_cat",
           "TV episode": "episode", "Ad, 15 s": "ad15", "Ad, 30 s": "ad30", "Ad, 60 s": "ad60"}
GENRES = ["drama", "thriller", "comedy", "horror", "sci-fi", "romance", "crime", "fantasy"]
TONES = ["grounded", "dark", "comic", "whimsical", "tense", "warm"]
PREVIEW_MAX_PAGES = 60            # pages drawn while typing; the PDF always has all of them
MAX_SCRIPT_CHARS = 2_000_000      # the textarea's limit; a 120-page feature is about 200 000 characters

EDITOR_CSS = """
textarea.bk-input { font-family: 'Courier Prime', 'Courier New', monospace; font-size: 14px; line-height: 1.5;
  background: #fbfaf6; color: #1d1d1d; padding: 14px 18px; border: 1px solid #cfc9bd; border-radius: 6px;
  resize: none; tab-size: 4; }
textarea.bk-input:focus { border-color: #8b1e3f; box-shadow: 0 0 0 2px rgba(139,30,63,.15); }
"""
SCROLL_CSS = ":host { overflow-y: auto; }"


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
    paper = param.Selector(default="letter", objects=["letter", "a4"], doc="Paper profile for pages and eighths.")
    script_name = param.String(default="draft.fountain", doc="Name the versions are stored under in the project.")
    debounce_ms = param.Integer(default=300, bounds=(0, 5000), doc="Pause in typing (ms) before the preview follows.")
    show_title_page = param.Boolean(default=False, doc="Draw the title page in the preview (the PDF always has it).")

    def __init__(self, text: str | None = None, context=None, **params):
        super().__init__(**params)
        self._context = context           # a ProjectContext; opened from settings on first use when None
        self._pending: str | None = None
        self._typed_at = 0.0
        self._poller = None
        self._loading = False              # True while load_text writes the editor (its echoes are ignored)
        self.revision = None               # revision of the stored version on screen (header + asterisks)
        self._revision_text: str | None = None
        self.script = None
        self.pagination = None
        self.stats = None

        self.editor = pn.widgets.TextAreaInput(sizing_mode="stretch_width", height=650,
                                               max_length=MAX_SCRIPT_CHARS, stylesheets=[EDITOR_CSS],
                                               placeholder="INT. SOMEWHERE - DAY")
        self.editor.param.watch(self._on_typing, "value_input")
        self.editor.param.watch(self._on_value, "value")
        self.summary = pn.pane.HTML(sizing_mode="stretch_width", min_height=60)
        self.notice = pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")
        self.preview = pn.pane.HTML(sizing_mode="stretch_width", height=650, stylesheets=[SCROLL_CSS])
        self.scenes = pn.pane.HTML(sizing_mode="stretch_width")
        self.stats_view = pn.pane.HTML(sizing_mode="stretch_width")
        self.diff = pn.pane.HTML("<p class='sr-muted'>Save two versions, then compare them in the sidebar.</p>",
                                 sizing_mode="stretch_width")
        self.tabs = pn.Tabs(("Scenes & eighths", self.scenes), ("Stats", self.stats_view), ("Revision diff", self.diff),
                            sizing_mode="stretch_width", dynamic=False)
        self.pdf_download = pn.widgets.FileDownload(callback=self._pdf_download, label="PDF", color="primary",
                                                    width=80, icon="download")
        self.fountain_download = pn.widgets.FileDownload(callback=self._fountain_download, label="Fountain",
                                                         variant="outline", width=100, icon="download")
        self.form = LoglineForm(room=self)
        self.shelf = VersionShelf(room=self)
        self._name_downloads()

        if text is None:
            text = self.shelf.latest_text() or starter_draft()
        self.load_text(text)
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.onload(self._start_live)

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
        if self._poller is None:          # no server loop (notebook, tests): follow at once
            self._flush(force=True)

    def _on_value(self, event) -> None:
        # committed value (blur, or set from Python): no reason to wait
        if self._loading:
            return
        self._pending = event.new
        self._flush(force=True)

    def _start_live(self) -> None:
        if self._poller is None:
            self._poller = pn.state.add_periodic_callback(self._flush, period=max(50, self.debounce_ms // 2))

    def _flush(self, force: bool = False) -> None:
        if self._pending is None:
            return
        if not force and (time.monotonic() - self._typed_at) * 1000 < self.debounce_ms:
            return
        text, self._pending = self._pending, None
        self.text = text

    @param.depends("text", "paper", "show_title_page", watch=True)
    def refresh(self) -> None:
        """Re-parse and re-paginate the draft; update preview, figures, scene list and stats."""
        from studio_kit.engines.writing.fountain import parse_fountain
        from studio_kit.engines.writing.pagination import paginate
        from studio_kit.engines.writing.stats import script_stats

        if self._revision_text is not None and self.text != self._revision_text:
            self.revision = None           # the marks belong to the stored text, not to new edits
            self._revision_text = None
        try:
            script = parse_fountain(self.text)
            marks = self.revision.changed_lines if self.revision is not None and self.revision.is_revision else ()
            pagination = paginate(script, self.paper, revised_lines=marks)
            stats = script_stats(script)
        except StudioError as err:
            self.notice.object = f"**This draft cannot be laid out:** {err.message}" + (
                f"<br>{err.hint}" if err.hint else "")
            self.notice.visible = True
            return
        self.script, self.pagination, self.stats = script, pagination, stats
        warnings = script.warnings[:3]
        self.notice.object = "  \n".join(f"⚠ {w}" for w in warnings)
        self.notice.visible = bool(warnings)
        self.summary.object = views.summary_html(script, pagination)
        self.preview.object = views.preview_html(script, pagination, self.revision, title_page=self.show_title_page,
                                                 max_pages=PREVIEW_MAX_PAGES)
        self.scenes.object = views.scenes_html(script, pagination)
        self.stats_view.object = views.stats_html(stats)

    def show_diff(self, html: str) -> None:
        self.diff.object = html
        self.tabs.active = 2

    # ------------------------------------------------------------ store
    def context(self):
        """The project (settings' org/project) the versions are stored in; opened on first use."""
        if self._context is None:
            from studio_kit.config import get_settings
            from studio_kit.store import open_store

            settings = get_settings()
            self._context = open_store().project(settings.org, settings.project, user=settings.user)
        return self._context

    # ------------------------------------------------------------ exports
    def pdf_bytes(self) -> bytes:
        """The draft as an industry-format PDF (title page, revision header and asterisks when revised)."""
        import tempfile
        from pathlib import Path

        from studio_kit.engines.writing.pdf import render_pdf

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
        import io

        return io.BytesIO(self.pdf_bytes())

    def _fountain_download(self):
        import io

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
    format = param.Selector(default="short", objects=list(FORMATS.values()), doc="Structure of the draft.")
    genre = param.Selector(default="drama", objects=GENRES)
    tone = param.Selector(default="grounded", objects=TONES)
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
        from studio_kit.engines.writing.structures import get_structure

        structure = get_structure(self.format)
        self.pages = 5 if self.format == "short" else structure.default_length

    def generate(self):
        """Generate the draft; on success it replaces the editor text. Returns the GeneratedScript or None."""
        from studio_kit.engines.writing.generation import generate_script
        from studio_kit.engines.writing.pagination import format_eighths, paginate

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
        from studio_kit.engines.writing.versions import list_versions

        ctx = self._ctx()
        self.versions = list_versions(ctx, self.room.script_name) if ctx is not None else []
        self.table.object = views.versions_html(self.versions)
        options = {f"v{v.version} · {v.colour}": v.asset_id for v in self.versions}
        self.old.options = options
        self.new.options = options
        self.revise_button.visible = bool(self.versions)
        if self.versions:
            from studio_kit.engines.writing.revisions import revision_colour

            self.revise_button.label = f"Save as {revision_colour(self.versions[-1].revision.number + 1)} revision"
            self.new.value = self.versions[-1].asset_id
            self.old.value = self.versions[-2].asset_id if len(self.versions) > 1 else self.versions[-1].asset_id

    def save(self, revise: bool = False):
        """Store the editor's draft as the next version; the editor then shows it with locked scene numbers.

        ``revise=True`` starts the next revision colour (White → Blue → Pink …); changed lines get asterisks.
        """
        from studio_kit.engines.writing.versions import load_version, save_version

        ctx = self._ctx()
        if ctx is None:
            return None
        self.room._flush(force=True)
        try:
            version = save_version(ctx, self.room.text, name=self.room.script_name, revise=revise,
                                   provenance={"ui": "script_room"})
        except StudioError as err:
            self.status.object = f"**Not saved:** {err.message}" + (f" {err.hint}" if err.hint else "")
            return None
        self.reload()
        from studio_kit.engines.writing.revisions import Revision

        stored = load_version(ctx, version.asset_id)
        self.room.load_text(ctx.read_text(version.asset_id),
                            revision=Revision.from_meta(stored.metadata.get("revision") or {}))
        changes = ", ".join(f"{n} {k}" for k, n in version.summary.items() if n and k != "unchanged")
        self.status.object = (f"Saved **v{version.version}** ({version.colour}) of `{version.name}`"
                              f"{': ' + changes if changes else ''}. Scene numbers are locked.")
        return version

    def compare(self) -> None:
        """Show the scene-by-scene diff between the From and To versions."""
        from studio_kit.engines.writing.versions import diff_versions

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
        from studio_kit.engines.writing.revisions import Revision
        from studio_kit.engines.writing.versions import load_version

        ctx = self._ctx()
        if ctx is None or self.new.value is None:
            return
        stored = load_version(ctx, self.new.value)
        self.room.load_text(ctx.read_text(self.new.value),
                            revision=Revision.from_meta(stored.metadata.get("revision") or {}))

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.Markdown(f"### Versions <small style='color:#777'>{self._project_label()}</small>",
                             margin=(0, 5)),
            self.name_input,
            pn.Row(self.save_button, self.revise_button, sizing_mode="stretch_width"),
            self.status, self.table,
            pn.Row(self.old, self.new, sizing_mode="stretch_width"),
            pn.Row(self.compare_button, self.open_button, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
