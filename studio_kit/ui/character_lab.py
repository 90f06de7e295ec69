"""Character Lab: design a character, render it, lock its identity, approve its versions.

    from studio_kit.ui.character_lab import CharacterLab
    lab = CharacterLab()           # the settings' project; or CharacterLab(context=ctx)
    lab                            # in a notebook; dashboards/character_lab.py serves it

Every action goes through :mod:`studio_kit.engines.characters.service`, so what
the lab stores is exactly what the CLI and the templates store. Refused actions
(an unlocked avatar render, an off-brand palette, a final approval before the
lock) show their message and fix in an alert; nothing is half-stored.
"""
from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import panel as pn
import param

from studio_kit.config import get_settings, sample_path
from studio_kit.domain.character import CharacterBible, CharacterMode, seed_for, slugify
from studio_kit.engines.characters import modes, service
from studio_kit.engines.characters.versions import RENDER_KIND, diff_bibles
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.exceptions import CharacterError, StudioError
from studio_kit.registry import resolve_name
from studio_kit.ui import character_views as views
from studio_kit.ui.character_bible_editor import BibleEditor
from studio_kit.ui.feedback import ActionFeedback, one_update
from studio_kit.ui.previz_nudges import PrevizNudges
from studio_kit.ui.project_picker import shared_thumb

log = logging.getLogger(__name__)

VIEWS = ["front", "three-quarter", "profile"]
EXPRESSIONS = ["neutral", "happy", "angry", "sad", "surprised"]
GALLERY_LIMIT = 12            # newest renders shown per character (older ones stay in the store)
FRAME_LIMIT = 8               # stored storyboard frames listed under the newest one
FRAME_WIDTH = 960             # px, the newest frame on screen (rendered 1280 × 720, stored full size)
SHOT_SIZES = ["wide", "medium", "close-up", "over-the-shoulder", "insert"]   # previz.SHOT_SIZES, without importing it
SAMPLE_SCRIPT = sample_path("the_last_reel.fountain")


@dataclass
class _Snapshot:
    """What the lab shows of one character, as read from the store (see ``CharacterLab._read``)."""

    bible: CharacterBible | None
    bibles: list[CharacterBible] | None = None
    load_sheet: bool = False
    portrait: str | None = None
    cards: list[str] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)
    frames_html: str = ""
    sheet: bytes | None = None
    thumbs_pending: bool = False      # some pictures are placeholders (made after the page is up)


def _cast_label(bible: CharacterBible) -> str:
    """A character's line in the cast list: name, size of the part, mode (unless actor), version, stage."""
    return (f"{bible.name}  ·  {bible.role}{'  ·  ' + bible.mode.value if bible.mode != CharacterMode.ACTOR else ''}"
            f"  ·  v{bible.version} {bible.stage.value}{'  · locked' if bible.locked else ''}")


_BACKENDS_SEEN: dict[int, tuple[Any, list[str]]] = {}


def image_backends(settings: Any = None) -> list[str]:
    """Image backends the lab offers: previz always; blender3d when bpy is installed; diffusers when a local
    pipeline folder is configured. The configured one (``auto`` resolved) comes first. Worked out once per
    settings object (every session of a server shares it; probing the backends reads the entry points)."""
    if settings is None:
        settings = get_settings()
    seen = _BACKENDS_SEEN.get(id(settings))
    if seen is not None and seen[0] is settings:
        return list(seen[1])
    names = ["previz"]
    if resolve_name("image", "auto", settings) == "blender3d":
        names.append("blender3d")
    if getattr(settings, "image_model_path", None):
        names.append("diffusers")
    preferred = resolve_name("image", getattr(settings, "image_backend", "previz"), settings)
    names = sorted(names, key=lambda n: n != preferred)
    _BACKENDS_SEEN.clear()                      # one settings object at a time (tests reset them)
    _BACKENDS_SEEN[id(settings)] = (settings, names)
    return list(names)


class CharacterLab(ActionFeedback, pn.viewable.Viewer):
    """Cast list, bible editor, render gallery with identity scores, lock / version / approve, turnaround sheet."""

    action_owner = "Character Lab"
    #: only a failure pops up as a toast too: every other message is in the alert under the header, and what
    #: the action did is on the page. A toast's animation costs each browser about as much as the rest of the
    #: update (a create with the toasts "Creating…" and "Created": 220–290 ms of Chromium CPU, 80–160 without)
    toast_kinds = frozenset({"danger"})

    character_id = param.String(default="", doc="Id of the character on screen ('' = none yet).")

    def __init__(self, context: Any = None, **params):
        super().__init__(**params)

        self._service = service
        self.ctx = service.project_context(context)
        self.bible: CharacterBible | None = None
        self._thumbs: dict[int, str] = {}          # asset id → thumbnail data URL
        self._defer_thumbs = False
        w = pn.widgets

        # sidebar: cast, new character, cast from a screenplay
        self.cast = w.RadioButtonGroup(options={}, orientation="vertical", color="primary",
                                       variant="outline", sizing_mode="stretch_width")
        self._selecting = False                     # select() is setting the cast's value: its watcher waits
        self.cast.param.watch(self._on_cast, "value")
        self.new_name = w.TextInput(label="Character name", placeholder="e.g. Nova Reyes")
        self.new_mode = w.Select(label="Mode", options=[m.value for m in CharacterMode])
        self.create_button = w.Button(label="Create character", color="primary", sizing_mode="stretch_width")
        self.create_button.on_click(self._on_create)
        self.script_file = w.FileInput(accept=".fountain,.spmd,.txt,.fdx", sizing_mode="stretch_width")
        self.script_button = w.Button(label="Cast from script", color="default", sizing_mode="stretch_width")
        self.script_button.on_click(lambda _e: self._act(self.cast_from_upload))
        self.sample_button = w.Button(label="Cast the sample script (The Last Reel)", color="light",
                                      sizing_mode="stretch_width")
        self.sample_button.on_click(lambda _e: self._act(lambda: self.cast_from_script(SAMPLE_SCRIPT)))

        # main: header, alert, editor, lifecycle, renders, sheet, versions
        self.header = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.LAB_CSS])
        self.alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width")
        self.editor = BibleEditor()
        self.save_button = w.Button(label="Save bible", color="primary", width=140)
        self.locked_note = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width",
                                         margin=(0, 5))
        self.locked_version_button = w.Button(label="New version", color="warning", width=140)
        self.locked_version_button.on_click(lambda _e: self._act(self.new_version))
        self.save_button.on_click(lambda _e: self._act(self.save))

        self.lock_refs = w.FileInput(accept=".png,.jpg,.jpeg,.webp", multiple=True, sizing_mode="stretch_width")
        self.lock_button = w.Button(label="Lock identity", color="success", width=130, margin=(22, 5, 5, 5))
        self.lock_button.on_click(lambda _e: self._act(self.lock))
        self.version_button = w.Button(label="New version", color="warning", width=120, margin=(22, 5, 5, 5))
        self.version_button.on_click(lambda _e: self._act(self.new_version))
        self.approve_stage = w.Select(label="Approve stage", options=["casting", "final"], width=110)
        self.approve_by = w.TextInput(label="Approved by", value=self.ctx.user or "", width=120)
        self.approve_note = w.TextInput(label="Note", placeholder="optional", width=150)
        self.approve_button = w.Button(label="Approve", color="primary", width=110, margin=(22, 5, 5, 5))

        self.approve_button.on_click(lambda _e: self._act(self.approve))

        self.backend = w.Select(label="Backend", options=image_backends(), width=120)
        self.view = w.Select(label="View", options=VIEWS, width=130)
        self.expression = w.Select(label="Expression", options=EXPRESSIONS, width=130)
        self.look = w.Select(label="Wardrobe look", options=[""], width=150)
        self.render_button = w.Button(label="Render", color="primary", width=110, margin=(22, 5, 5, 5))
        self.render_button.on_click(self._on_render)
        self.gallery = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.LAB_CSS], min_height=200)

        self.sheet_button = w.Button(label="Build turnaround sheet", color="primary", width=220)
        self.sheet_button.on_click(lambda _e: self._act(self.build_sheet))
        self.sheet_image = pn.pane.PNG(None, sizing_mode="stretch_width", max_width=1100)
        self.sheet_caption = pn.pane.HTML("<p class='cl-muted'>Front, three-quarter and profile, plus five "
                                          "expressions, from the current identity.</p>", stylesheets=[views.LAB_CSS])
        self.continuity_script = w.Select(label="Screenplay", options=self._script_options(), width=280)
        self.continuity_button = w.Button(label="Check continuity", color="primary", width=160, margin=(22, 5, 5, 5))
        self.continuity_button.on_click(lambda _e: self._act(self.check_continuity))
        self.continuity = pn.pane.HTML("<p class='cl-muted'>Which look each character wears in each scene, and "
                                       "where it changes without a wardrobe change in the script.</p>",
                                       sizing_mode="stretch_width", stylesheets=[views.LAB_CSS])
        # storyboard frame: characters in the shot, framing, scene heading, caption
        self.frame_cast = w.MultiChoice(label="Characters in the shot", options={}, sizing_mode="stretch_width",
                                        placeholder="none picked: the character on screen")
        self.frame_size = w.Select(label="Shot size", options=SHOT_SIZES, width=170)
        self.frame_heading = w.TextInput(label="Scene heading", value="EXT. PARK - DUSK",
                                         sizing_mode="stretch_width", min_width=220)
        self.frame_caption = w.TextInput(label="Caption", placeholder="What happens in the shot",
                                         sizing_mode="stretch_width")
        self.frame_button = w.Button(label="Render frame", color="primary", width=130, margin=(22, 5, 5, 5))
        self.frame_button.on_click(lambda _e: self._act(self.render_frame))
        self.frame_view = pn.pane.HTML("<p class='cl-muted'>Pick the characters in the shot (locked ones are drawn "
                                       "from their identity and scored), a shot size and a scene heading.</p>",
                                       sizing_mode="stretch_width", stylesheets=[views.LAB_CSS], min_height=120)
        self.frames = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.LAB_CSS])
        self.history = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.LAB_CSS])
        self.diff = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.LAB_CSS])

        # the shot plan's shots of the character on screen, staged in 3D: nudge a mark, the orbit, the lens
        # (made when its tab is first opened, or `nudges` first read: it reads the shot plan on every select)
        self._nudges: PrevizNudges | None = None
        self._nudges_slot = pn.Column(sizing_mode="stretch_width", margin=0)
        self.tabs = pn.Tabs(
            ("Renders", pn.Column(pn.FlexBox(self.backend, self.view, self.expression, self.look, self.render_button),
                                  self.gallery, sizing_mode="stretch_width")),
            ("Turnaround sheet", pn.Column(self.sheet_button, self.sheet_caption, self.sheet_image,
                                           sizing_mode="stretch_width")),
            ("Storyboard frame", pn.Column(
                self.frame_cast, pn.Row(self.frame_size, self.frame_heading, self.frame_button,
                                        sizing_mode="stretch_width"),
                self.frame_caption, self.frame_view, pn.pane.Markdown("#### Stored frames"), self.frames,
                sizing_mode="stretch_width")),
            ("Continuity", pn.Column(pn.Row(self.continuity_script, self.continuity_button), self.continuity,
                                     sizing_mode="stretch_width")),
            ("3D previz", self._nudges_slot),
            ("Versions", pn.Column(self.history, pn.pane.Markdown("#### What changed since the previous version"),
                                   self.diff, sizing_mode="stretch_width")),
            # only the open tab is built and sent to the browser; the others when first opened
            sizing_mode="stretch_width", dynamic=True)
        self.tabs.param.watch(self._on_tab, "active")

        # under a server the first page goes out without its pictures (shrinking stored renders is the slow
        # part of a first view); they are made in a worker thread once the page is up, and drawn then
        doc = pn.state.curdoc
        self._defer_thumbs = doc is not None and doc.session_context is not None
        bibles = self._service.list_characters(self.ctx)
        self._refresh_cast(bibles)
        if bibles:
            self.select(bibles[0].character_id, bibles)
        else:
            self.refresh(bibles=bibles)
        self._defer_thumbs = False

    # ------------------------------------------------------------ plumbing
    def _on_cast(self, event: Any) -> None:
        """A character clicked in the cast list (not select() setting the list's value)."""
        if event.new and not self._selecting:
            self.select(event.new)

    def _on_tab(self, event: Any) -> None:
        if 0 <= event.new < len(self.tabs) and self.tabs[event.new] is self._nudges_slot:
            _ = self.nudges                       # made on first sight

    @property
    def nudges(self) -> PrevizNudges:
        """The 3D previz nudges of the character on screen (made on first use)."""
        if self._nudges is None:
            self._nudges = PrevizNudges(self.ctx, character="")
            if self.bible is not None:
                self._nudges.show_character(self.bible.name)
            self._nudges_slot.objects = [self._nudges]
        return self._nudges

    def _require(self) -> CharacterBible:
        if self.bible is None:
            raise CharacterError("No character selected.", hint="Create one in the sidebar first.")
        return self.bible

    # ------------------------------------------------------------ actions
    def _new_bible(self) -> CharacterBible:
        """The bible the sidebar's name and mode make (not stored yet)."""
        name = (self.new_name.value or "").strip()
        if not name:
            raise CharacterError("Give the new character a name.", hint="Type it in 'Character name'.")
        return CharacterBible(character_id=slugify(name), name=name, mode=self.new_mode.value, seed=seed_for(name),
                              role="presenter" if self.new_mode.value == "avatar" else
                              "mascot" if self.new_mode.value == "brand" else "supporting")

    @staticmethod
    def _created(bible: CharacterBible) -> str:
        return f"Created {bible.name} (v1, concept). Describe them, then press Render."

    def create(self) -> str:
        """A new bible from the sidebar's name and mode (a fresh concept version)."""
        bible = self._new_bible()
        self._service.create_character(bible, self.ctx)
        self.new_name.value = ""
        self.select(bible.character_id)          # redraws the cast list too
        return self._created(bible)

    def _on_create(self, _event: Any = None) -> None:
        """The Create button. Without a server's loop in this thread (a notebook, a test, a server that runs
        callbacks in worker threads) it creates straight away; under the loop the new character is listed at
        once, and the store write and the read-back run in a worker thread so the loop keeps serving the
        other sessions, then the page shows the stored character."""
        if not self._under_loop():
            self._act(self.create)
            return
        pn.state.execute(self.create_async)

    @staticmethod
    def _under_loop() -> bool:
        """Whether this runs on a server session's event loop (not a notebook, a test, or a worker thread)."""
        doc = pn.state.curdoc
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return doc is not None and doc.session_context is not None

    async def create_async(self) -> None:
        """:meth:`create` for a server: listed at once (marked "saving…"), stored and read back off the loop,
        then drawn; a refusal or a failure takes the entry back out and says why (nothing is half-stored:
        the service stores the bible or raises)."""
        try:
            bible = self._new_bible()
        except StudioError as exc:
            self.failed(exc)
            return
        with one_update():                       # listed at once, in one update of the page
            before, typed = dict(self.cast.options), self.new_name.value
            self.create_button.disabled = True
            self._selecting = True               # the list follows; the form waits for the stored bible
            try:
                if bible.character_id not in before.values():
                    self.cast.options = {**before, f"{_cast_label(bible)}  · saving…": bible.character_id}
                    self.cast.value = bible.character_id
            finally:
                self._selecting = False
            self.new_name.value = ""
            self.notify(f"Creating {bible.name}…", "info")
        try:
            snap = await asyncio.to_thread(self._store_new, bible)
        except Exception as exc:
            with one_update():
                self._selecting = True
                try:
                    self.cast.options = before
                    self.cast.value = self.character_id or None
                finally:
                    self._selecting = False
                self.new_name.value = typed
                self.failed(exc)
        else:
            with one_update():                   # the stored character drawn, the button back: one update
                self.character_id = bible.character_id
                self.sheet_image.object = None
                self._apply(snap)
                self._show_in_cast(bible.character_id)
                self.notify(self._created(bible), "success")
                self.create_button.disabled = False
        finally:
            self.create_button.disabled = False  # a refusal, or drawing failed (a no-op after the draw)

    def _store_new(self, bible: CharacterBible) -> _Snapshot:
        """Store a new bible and read back what the page shows of it (in a worker thread: no widgets); the
        stored bible is read with the cast, not once more on its own."""
        self._service.create_character(bible, self.ctx)
        return self._read(bible.character_id, load_sheet=True, bibles=self._service.list_characters(self.ctx))

    def cast_from_script(self, path: str | Path) -> str:
        created, skipped = self._service.create_from_script(path, None, self.ctx)
        self._refresh_cast()
        if created:
            self.select(created[0].character_id)
        kept = f"; kept {', '.join(skipped)} (already here)" if skipped else ""
        return f"Cast {len(created)} character(s) from {Path(path).name}: " \
               f"{', '.join(b.name for b in created) or 'none new'}{kept}."

    def cast_from_upload(self) -> str:
        if not self.script_file.value:
            raise CharacterError("Choose a screenplay file first.", hint="Fountain (.fountain) or Final Draft (.fdx).")
        name = Path(self.script_file.filename or "script.fountain").name
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(self.script_file.value)
            return self.cast_from_script(path)

    def save(self) -> str:
        bible = self._require()
        changes = self.editor.changes(bible)
        if not changes:
            return "Nothing changed."
        if bible.locked:
            raise CharacterError(f"{bible.name} v{bible.version} is locked; its bible is not changed in place.",
                                 hint="Press “New version” beside the fields, then edit the new version.")
        if not changes.get("name", bible.name):
            raise CharacterError("A character needs a name.", hint="Type one in 'Name'.")
        self._service.update_character(bible.character_id, changes, self.ctx)
        self.refresh()
        return f"Saved {', '.join(sorted(changes))} of {self._require().name}."

    def render(self) -> str:
        """Render the character as the form shows it: unsaved edits are saved first, unless the render
        would be refused anyway (an off-brand palette is not stored just to fail)."""
        bible, args = self._render_request()
        result = self._service.render(bible.character_id, ctx=self.ctx, **args)
        self.refresh()
        return self._rendered(bible, args, result)

    def _render_request(self) -> tuple[CharacterBible, dict[str, Any]]:
        """The character to render (form edits saved first) and the render's options, as the form holds them."""
        bible = self._require()
        changes = self.editor.changes(bible)
        if changes and bible.locked:          # a locked look renders as locked; the edit is refused, not the render
            self.editor.load(bible)
            changes = {}
        if changes:
            try:
                edited = CharacterBible.model_validate({**bible.model_dump(), **changes})
            except ValueError as exc:
                raise CharacterError(f"Invalid change to {bible.name}: {exc}") from exc
            modes.enforce(edited, view=self.view.value, expression=self.expression.value,
                          wardrobe=self.look.value or None)
            self.save()
            bible = self._require()
        return bible, {"backend": self.backend.value, "view": self.view.value, "expression": self.expression.value,
                       "wardrobe": self.look.value or None}

    @staticmethod
    def _rendered(bible: CharacterBible, args: dict[str, Any], result: Any) -> str:
        score = result.score
        scorer = views.scorer_summary(score.to_dict())[0] if score else ""
        scored = (f" Identity score {score.score:.3f} ({scorer}, {score.method})" +
                  (" — FLAGGED for drift." if score.flagged else ".")) if score else \
            " Concept render (lock the identity to score renders)."
        warn = "".join(f"\n\n⚠ {v.message}" for v in result.warnings)
        return f"Rendered {bible.name} {args['view']} / {args['expression']}.{scored}{warn}"

    def _on_render(self, _event: Any = None) -> None:
        """The Render button: as :meth:`_on_create`, the picture is drawn (and scored) off the server's loop."""
        if not self._under_loop():
            self._act(self.render)
            return
        pn.state.execute(self.render_async)

    async def render_async(self) -> None:
        """:meth:`render` for a server: the form is read and saved on the loop, the render and the read-back
        run in a worker thread (other sessions keep being served), then the gallery and header are drawn."""
        self.gallery.loading = True
        self.render_button.disabled = True
        try:
            bible, args = self._render_request()

            def work() -> tuple[Any, _Snapshot]:
                result = self._service.render(bible.character_id, ctx=self.ctx, **args)
                return result, self._read(bible.character_id)

            result, snap = await asyncio.to_thread(work)
        except Exception as exc:
            self.failed(exc)
        else:
            if self.character_id == bible.character_id:       # still the one on screen
                self._apply(snap)
            self.notify(self._rendered(bible, args, result), "success")
        finally:
            self.gallery.loading = False
            self.render_button.disabled = self.bible is None

    def lock(self) -> str:
        bible = self._require()
        if self.editor.changes(bible):
            self.save()
            bible = self._require()
        refs = list(self.lock_refs.value or [])
        locked = self._service.lock(bible.character_id, references=refs, ctx=self.ctx)
        self.lock_refs.value = None
        self.refresh()
        if locked is bible:
            return f"{bible.name} v{bible.version} was already locked."
        assert locked.identity is not None           # the service locks by freezing an identity
        return (f"Locked {locked.name} v{locked.version}: seed {locked.identity.seed}, identity "
                f"{locked.identity.hash[7:19]}, {len(refs)} reference image(s).")

    def new_version(self) -> str:
        bible = self._service.new_version(self._require().character_id, self.ctx)
        self.refresh()
        return f"Started {bible.name} v{bible.version} (concept, unlocked): the look may change again."

    def approve(self) -> str:
        bible = self._service.approve(self._require().character_id, self.approve_stage.value,
                                      by=(self.approve_by.value or "").strip() or None,
                                      note=(self.approve_note.value or "").strip(),
                                      ctx=self.ctx)
        self.approve_note.value = ""
        self.refresh()
        return f"{bible.name} v{bible.version} approved for {bible.stage.value} by " \
               f"{(self.approve_by.value or '').strip() or self.ctx.user}."

    def build_sheet(self) -> str:
        bible = self._require()
        out_dir = get_settings().home / "outputs" / "characters" / bible.character_id
        paths = self._service.sheet(bible.character_id, out_dir, backend=self.backend.value, ctx=self.ctx)
        self.sheet_image.object = paths["sheet"].read_bytes()
        self.sheet_caption.object = views.muted_html(f"Saved to {paths['sheet']}")
        self.refresh()
        return f"Built the character sheet of {bible.name} ({len(paths) - 1} panels)."

    def render_frame(self) -> str:
        """A storyboard frame of the chosen characters (default: the one on screen), scored and stored."""
        chosen = list(self.frame_cast.value) or ([self.bible.character_id] if self.bible else [])
        if not chosen:
            raise CharacterError("Pick at least one character for the frame.",
                                 hint="Choose them in 'Characters in the shot'.")
        heading = (self.frame_heading.value or "").strip() or "INT. STUDIO - DAY"
        result = self._service.render_frame(chosen, size=self.frame_size.value, scene=heading,
                                            description=(self.frame_caption.value or "").strip(),
                                            backend=self.backend.value, ctx=self.ctx)
        names = self._names()
        url = views.png_data_url(result.image, FRAME_WIDTH)
        self.frame_view.object = views.frame_card(result.asset.meta, url, result.asset.id, names,
                                                  result.asset.created_at)
        self._refresh_frames(names)
        scores = ", ".join(f"{names.get(k, k)} {v.score:.3f}{' (DRIFT)' if v.flagged else ''}"
                           for k, v in result.scores.items())
        warn = "".join(f"\n\n⚠ {v.message}" for v in result.warnings)
        return (f"Rendered a {self.frame_size.value} frame of {', '.join(names.get(c, c) for c in result.asset.meta['characters'])}"
                f" — {heading}. " + (f"Identity scores: {scores}." if scores else "No locked character: not scored.")
                + warn)

    def _names(self) -> dict[str, str]:
        return {b.character_id: b.name for b in self._service.list_characters(self.ctx)}

    def _refresh_frames(self, names: dict[str, str] | None = None) -> None:
        """The stored storyboard frames of the project, newest first (thumbnails, scores by character);
        ``names``: character id → name, when the caller has just read the cast."""
        self.frames.object = self._frames_html(self._names if names is None else (lambda: names))

    def _frames_html(self, names: Callable[[], dict[str, str]], snap: _Snapshot | None = None,
                     thumbs: bool = True) -> str:
        """The stored frames list (``names`` is called only when there are frames to name)."""
        assets = sorted(self.ctx.list_assets(kind="storyboard_frame"), key=lambda a: a.id, reverse=True)
        if not assets:
            return "<p class='cl-muted'>No stored frames yet.</p>"
        named, cards = names(), []
        for a in assets[:FRAME_LIMIT]:
            if a.id not in self._thumbs and not thumbs and snap is not None:
                snap.thumbs_pending = True
            elif a.id not in self._thumbs:
                self._thumbs[a.id] = shared_thumb(a, "character-lab-frame300",
                                                  lambda a=a: views.png_data_url(self.ctx.read_bytes(a.id), 300))
            cards.append(views.frame_card(a.meta, self._thumbs.get(a.id, views.PENDING_IMAGE), a.id, named,
                                          a.created_at, detail=False))
        return views.frames_html(cards, max(0, len(assets) - FRAME_LIMIT))

    def check_continuity(self) -> str:
        """Wardrobe continuity of the chosen screenplay against the project's bibles."""
        choice = self.continuity_script.value
        script: Any
        if choice == "sample":
            script, title = SAMPLE_SCRIPT, SAMPLE_SCRIPT.name
        else:
            asset = self.ctx.get_asset(int(choice))
            script, title = parse_fountain(self.ctx.read_text(asset.id)), f"{asset.name} v{asset.version}"
        report = self._service.continuity_report(script, self.ctx)
        self.continuity.object = views.continuity_html(report, self.bible.name if self.bible else None)
        n = len(report.issues)
        return f"Continuity of {title}: {n or 'no'} issue{'' if n == 1 else 's'}."

    def _script_options(self) -> dict[str, str]:
        """The newest stored version of each screenplay in the project, then the shipped sample."""
        newest: dict[str, Any] = {}
        for asset in self.ctx.list_assets(kind="script"):
            if asset.name not in newest or asset.version > newest[asset.name].version:
                newest[asset.name] = asset
        options = {f"{a.name} (v{a.version})": str(a.id) for a in newest.values()}
        options["Sample: The Last Reel"] = "sample"
        return options

    # ------------------------------------------------------------ views
    def select(self, character_id: str, bibles: list[CharacterBible] | None = None) -> None:
        """Put a character on screen (bible in the form, its renders, sheet and versions); drawn once, also
        when the cast list's value follows (its watcher would draw it a second time)."""
        self.character_id = character_id
        self.sheet_image.object = None
        self.refresh(load_sheet=True, bibles=bibles)     # lists the character in the cast first
        self._show_in_cast(character_id)

    def _show_in_cast(self, character_id: str) -> None:
        if self.cast.value != character_id:
            self._selecting = True
            try:
                self.cast.value = character_id
            finally:
                self._selecting = False

    def _refresh_cast(self, bibles: list[CharacterBible] | None = None) -> None:
        bibles = self._service.list_characters(self.ctx) if bibles is None else bibles
        # the role is the cast list's size of the part (lead / supporting / minor / day player, cast.py)
        self.cast.options = {_cast_label(b): b.character_id for b in bibles}
        chosen = [c for c in self.frame_cast.value if c in {b.character_id for b in bibles}]
        self.frame_cast.options = {f"{b.name}{' (locked)' if b.locked else ''}": b.character_id for b in bibles}
        self.frame_cast.value = chosen

    def refresh(self, load_sheet: bool = False, bibles: list[CharacterBible] | None = None) -> None:
        """Re-read the character from the store and redraw everything that shows it (the cast is read once:
        ``bibles`` when the caller has just read it)."""
        snap = self._read(self.character_id, load_sheet, bibles, thumbs=not self._defer_thumbs)
        self._apply(snap)
        if snap.thumbs_pending:
            pn.state.onload(self._draw_pictures)

    async def _draw_pictures(self) -> None:
        """The pictures a first page went out without: made off the loop, then drawn (unless the user has
        moved on to another character meanwhile, whose pictures select() drew)."""
        character_id = self.character_id
        try:
            snap = await asyncio.to_thread(self._read, character_id)
        except Exception:  # a bug must not take the session down; the page keeps its placeholders
            log.exception("%s: pictures failed", self.action_owner)
            return
        if self.character_id == character_id:
            self.header.object = views.header_html(snap.bible, snap.portrait)
            self.gallery.object = views.gallery_html(snap.cards)
        self.frames.object = snap.frames_html

    def _read(self, character_id: str, load_sheet: bool = False, bibles: list[CharacterBible] | None = None,
              thumbs: bool = True) -> _Snapshot:
        """Everything the page shows of ``character_id``, read from the store (and thumbnails made): no widget
        is touched, so a server runs this in a worker thread while its loop keeps serving. ``thumbs=False``:
        pictures this page has not shown yet are placeholders (``thumbs_pending``)."""
        # the caller's fresh read of the cast holds the bible already (a page's first view): not read twice
        bible = next((b for b in bibles or () if b.character_id == character_id), None)
        if bible is None and character_id:
            bible = self._service.get_character(character_id, self.ctx)
        if bible is not None and bibles is None:
            bibles = self._service.list_characters(self.ctx)
        snap = _Snapshot(bible=bible, bibles=bibles, load_sheet=load_sheet)
        cast = bibles
        snap.frames_html = self._frames_html(self._names if cast is None else
                                             (lambda: {b.character_id: b.name for b in cast}), snap, thumbs)
        if bible is None:
            return snap
        renders = [a for a in self.ctx.list_assets(kind=RENDER_KIND) if a.meta.get("character_id") == bible.character_id]
        renders.sort(key=lambda a: a.id, reverse=True)
        snap.portrait = self._portrait(bible, renders, snap, thumbs)
        snap.cards = self._cards(bible, renders, snap, thumbs)
        snap.records = self._service.history(bible.character_id, self.ctx)
        if load_sheet:
            sheets = [a for a in self.ctx.list_assets(kind="character_sheet")
                      if a.meta.get("character_id") == bible.character_id and a.meta.get("version") == bible.version]
            if sheets:
                snap.sheet = self.ctx.read_bytes(max(sheets, key=lambda a: a.id).id)
        return snap

    def _apply(self, snap: _Snapshot) -> None:
        """Draw a snapshot made by :meth:`_read` (on the server's loop: widgets only, no store access)."""
        self.bible = bible = snap.bible
        self.header.object = views.header_html(bible, snap.portrait)
        for widget in (self.save_button, self.lock_button, self.version_button, self.approve_button,
                       self.render_button, self.sheet_button, self.frame_button):
            widget.disabled = bible is None
        self.frames.object = snap.frames_html
        if bible is None:
            self.gallery.object = views.gallery_html([])
            return
        self._refresh_cast(snap.bibles)
        self.editor.load(bible)
        self.editor.set_read_only(bible.locked)
        self.save_button.disabled = bible.locked
        self.locked_note.visible = bible.locked
        self.locked_note.object = (f"🔒 **{bible.name} v{bible.version} is locked**: its fields are read-only so every "
                                   "render keeps this identity. Press **New version** to change the look "
                                   "(the locked version stays as it is).")
        self.lock_button.disabled = bible.locked
        self.lock_button.label = "Locked" if bible.locked else "Lock identity"
        nxt = bible.stage.next
        self.approve_stage.options = [nxt.value] if nxt else ["final"]
        self.approve_stage.value = self.approve_stage.options[0]
        self.approve_button.disabled = nxt is None
        self.look.options = [""] + [w.name for w in (bible.identity.wardrobe if bible.identity else
                                                      bible.wardrobe.values())]
        self.gallery.object = views.gallery_html(snap.cards)
        records = snap.records
        self.history.object = views.history_html(records)
        # the bible on screen against the last stored snapshot of the previous version (how the look evolved);
        # within version 1, against its first snapshot (what changed since the concept)
        older = [r for r in records if r.number < bible.version] or records[:1]
        if older:
            old = older[-1]
            self.diff.object = views.diff_html(diff_bibles(old.bible, bible), f"v{old.number} {old.stage.value}",
                                               f"v{bible.version} {bible.stage.value} (current)")
        else:
            self.diff.object = "<p class='cl-muted'>No stored version yet.</p>"
        if snap.load_sheet:
            if snap.sheet is not None:
                self.sheet_image.object = snap.sheet
            if self._nudges is not None:
                self._nudges.show_character(bible.name)

    def _cards(self, bible: CharacterBible, renders: list[Any] | None = None, snap: _Snapshot | None = None,
               thumbs: bool = True) -> list[str]:
        """Gallery cards of the character's newest renders (``renders``: its render assets, newest first)."""
        if renders is None:
            renders = sorted((a for a in self.ctx.list_assets(kind=RENDER_KIND)
                              if a.meta.get("character_id") == bible.character_id), key=lambda a: a.id, reverse=True)
        cards = []
        for a in renders[:GALLERY_LIMIT]:
            if a.id not in self._thumbs and not thumbs and snap is not None:
                snap.thumbs_pending = True
            elif a.id not in self._thumbs:  # stored renders never change: shrink each one once per server
                self._thumbs[a.id] = shared_thumb(a, "character-lab-render", lambda a=a: views.png_data_url(
                    self.ctx.read_bytes(a.id), views.THUMB_WIDTH))
            cards.append(views.render_card(a.meta, self._thumbs.get(a.id, views.PENDING_IMAGE), a.id, a.created_at))
        return cards

    def _portrait(self, bible: CharacterBible | None, renders: list[Any] | None = None,
                  snap: _Snapshot | None = None, thumbs: bool = True) -> str | None:
        """The face from the newest front render of the character's current version, if there is one."""
        if bible is None:
            return None
        if renders is None:
            renders = [a for a in self.ctx.list_assets(kind=RENDER_KIND) if a.meta.get("character_id") == bible.character_id]
        fronts = [a for a in renders if a.meta.get("character_id") == bible.character_id
                  and a.meta.get("version") == bible.version
                  and a.meta.get("view") == "front" and not a.name.endswith("-cu.png")]
        if not fronts:
            return None
        newest = max(fronts, key=lambda a: a.id)
        key = -newest.id                      # portraits share the thumbnail cache under negative ids
        if key not in self._thumbs and not thumbs and snap is not None:
            snap.thumbs_pending = True
            return None
        if key not in self._thumbs:
            self._thumbs[key] = shared_thumb(newest, "character-lab-portrait",
                                             lambda: views.portrait_url(self.ctx.read_bytes(newest.id)))
        return self._thumbs[key]

    # ------------------------------------------------------------ layout
    def sidebar_panel(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.Markdown("### Cast"), self.cast,
            pn.pane.Markdown("### New character"), self.new_name, self.new_mode, self.create_button,
            pn.pane.Markdown("### Cast from a screenplay"), self.script_file, self.script_button, self.sample_button,
            sizing_mode="stretch_width")

    def main_panel(self) -> pn.viewable.Viewable:
        refs = pn.Card(pn.pane.Markdown("Approved reference photos or drawings are frozen into the identity "
                                        "record when you lock (PNG, JPEG or WebP).", margin=(0, 5)),
                       self.lock_refs, title="Reference images", collapsed=True, sizing_mode="stretch_width",
                       margin=(4, 0), header_background="#f6f7f7")
        lifecycle = pn.Card(
            pn.FlexBox(self.lock_button, self.version_button, self.approve_stage, self.approve_by, self.approve_note,
                       self.approve_button),
            refs, title="Identity & approvals", sizing_mode="stretch_width", collapsible=False,
            header_background="#eef1f0", margin=(4, 0))
        locked = pn.Row(self.locked_note, self.locked_version_button, sizing_mode="stretch_width")
        locked.visible = self.locked_note.visible
        self.locked_note.param.watch(lambda e: setattr(locked, "visible", e.new), "visible")
        left = pn.Column(locked, self.editor, self.save_button, width=470, margin=(0, 16, 0, 0))
        right = pn.Column(lifecycle, self.tabs, sizing_mode="stretch_width")
        return pn.Column(self.header, self.alert, pn.Row(left, right, sizing_mode="stretch_width"),
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(pn.Column(self.sidebar_panel(), width=300), self.main_panel(), sizing_mode="stretch_width")
