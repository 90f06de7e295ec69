"""Shot Generator: the script's shots with their frames, one-shot re-render, variants, camera plan,
which real take (or the AI shot) each slot of the cut uses, the cut's timeline strip and the animatic
playing in the page.

    from studio_kit.ui.shot_generator import ShotGenerator
    ShotGenerator()                 # the settings' project; or ShotGenerator(context=ctx)

Every action goes through :mod:`studio_kit.engines.production.service`, so what it
stores is what the CLI stores. Refused actions show their message and fix in an alert.

Under ``studio serve`` the animatic is a file the browser fetches (with range requests) from the
``/studio-media/`` static route: a copy under a content-hashed name in :func:`media_dir`, a folder of
rendered previews only. Without that route (a notebook) it is embedded as a data URL.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import panel as pn
import param

from studio_kit.config import get_settings
from studio_kit.engines.production import animatic, cut, footage, service
from studio_kit.exceptions import StudioError
from studio_kit.templating import render_macro
from studio_kit.ui.feedback import ActionFeedback, data_url
from studio_kit.ui.media_route import MEDIA_ENV, MEDIA_ROUTE, SECRET_ENV, media_url  # noqa: F401 (re-exported)
from studio_kit.ui.previz_nudges import PrevizNudges
from studio_kit.ui.take_grid import TakeGrid

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.domain.production import ShotPlan

log = logging.getLogger(__name__)
THUMB_W = 240
FRAME_W = 880
AI = "__ai__"


def _view(name: str, *args: Any) -> str:
    """One of the Shot Generator's HTML pieces (template shot_generator/views.html.j2)."""
    return render_macro("shot_generator/views.html.j2", name, *args)


def media_dir(home: str | Path | None = None) -> Path:
    """The folder of rendered previews the server may hand out: ``<STUDIO_HOME>/previews``, never the whole home."""
    if home is None:
        home = get_settings().home
    return (Path(home) / "previews").resolve()


def media_serve_options(home: str | Path | None = None) -> tuple[list[str], dict[str, str]]:
    """``panel serve`` arguments and environment that serve :func:`media_dir` at ``/studio-media/``, each
    request checked against its project (:mod:`studio_kit.ui.media_route`); used by `studio serve` and by
    the browser-test harness, so both serve the same route. The link-signing secret is made once per
    server unless STUDIO_MEDIA_SECRET is set."""
    folder = media_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    return (["--plugins", "studio_kit.ui.media_route"],
            {MEDIA_ENV: str(folder), SECRET_ENV: os.environ.get(SECRET_ENV) or secrets.token_hex(32)})


def served_media_dir() -> Path | None:
    """The previews folder when this session runs in a server that serves ``/studio-media/``, else ``None``."""
    import panel as pn

    folder = os.environ.get(MEDIA_ENV)
    doc = pn.state.curdoc
    if not folder or doc is None or doc.session_context is None:
        return None
    return Path(folder)


#: a preview nobody has opened for this long is removed when another is published
MEDIA_MAX_AGE_S = 7 * 24 * 3600


def publish_media(data: bytes, folder: Path, stem: str, suffix: str) -> str:
    """Write ``data`` into ``folder`` under a content-hashed name (once); returns the file name.

    Publishing touches the file; previews not published (opened) for :data:`MEDIA_MAX_AGE_S` are
    removed then, so the folder holds what pages show, not every animatic ever rendered."""
    name = f"{stem}-{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    target = folder / name
    if target.exists():
        target.touch()
    else:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + f".{os.getpid()}.part")
        tmp.write_bytes(data)
        tmp.replace(target)      # atomic: the server never hands out half a file
        cutoff = time.time() - MEDIA_MAX_AGE_S
        for old in folder.iterdir():
            try:
                if old != target and old.is_file() and old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:      # another server removed it first
                continue
    return name


class ShotGenerator(ActionFeedback, pn.viewable.Viewer):
    action_owner = "Shot Generator"
    """Scenes and shots, frame + re-render + variants, camera plan, timeline strip, animatic."""

    shot = param.String(default="", doc="Number of the shot on screen.")

    def __init__(self, context: Any = None, **params):
        super().__init__(**params)

        self._service = service
        self.ctx = service.project_context(context)
        self.plan = service.shot_plan_or_none(ctx=self.ctx)
        self._thumbs: dict[int, str] = {}
        w = pn.widgets
        self.script_path = w.TextInput(name="Script", placeholder="path/to/draft.fountain",
                                       value=self.plan.source if self.plan else "")
        self.render_button = w.Button(name="Render shots", button_type="primary", sizing_mode="stretch_width")
        self.render_button.on_click(lambda _e: self._act(self.render_all))
        self.shots = w.Select(name="Shot", options=[], size=14, sizing_mode="stretch_width")
        self.shots.param.watch(self._shot_picked, "value")
        self.prompt = w.TextInput(name="Prompt tweak", placeholder="e.g. tighter on her hands, rain on the glass")
        self.rerender_button = w.Button(name="Re-render", button_type="primary")
        self.rerender_button.on_click(lambda _e: self._act(self.rerender))
        self.seed_button = w.Button(name="New seed", button_type="default")
        self.seed_button.on_click(lambda _e: self._act(lambda: self.rerender(new_seed=True)))
        self.variants = w.Select(name="Variant", options={})
        self.pick_button = w.Button(name="Use this variant", button_type="default")
        self.pick_button.on_click(lambda _e: self._act(self.pick))
        self.animatic_button = w.Button(name="Render animatic", button_type="primary")
        self.animatic_button.on_click(lambda _e: self._act(self.render_animatic))
        self.timecode = w.Checkbox(name="Burn in timecode", value=False)
        self.cut_source = w.Select(name="Cut to", options={"AI shot": AI}, value=AI, sizing_mode="stretch_width")
        self.cut_source.param.watch(lambda _e: self._show_take(), "value")
        self.in_frame = w.IntInput(name="In-frame", value=0, width=110)
        self.cut_note = w.TextInput(name="Cut note", placeholder="e.g. best performance, soft focus at the end")
        self.cut_button = w.Button(name="Use in cut", button_type="primary")
        self.cut_button.on_click(lambda _e: self._act(self.choose_from_widgets))
        self.cut_info = pn.pane.HTML("", sizing_mode="stretch_width")
        self._takes: dict[str, Any] = {}
        self._published: dict[int, str] = {}     # animatic asset id -> its file name under /studio-media/
        self.alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width")
        self.header = pn.pane.HTML("", sizing_mode="stretch_width")
        self.frame = pn.pane.HTML("", sizing_mode="stretch_width")
        self.info = pn.pane.HTML("", sizing_mode="stretch_width")
        self.board = pn.pane.HTML("", sizing_mode="stretch_width")
        self.camera = pn.pane.HTML("", sizing_mode="stretch_width")
        self.strip = pn.pane.HTML("", sizing_mode="stretch_width")
        self.video = pn.pane.HTML("<p>No animatic rendered yet.</p>", sizing_mode="stretch_width")

        self.nudges = PrevizNudges(self.ctx, on_change=self._nudged)   # mark / orbit / lens of the shot, in 3D

        self.take_grid = TakeGrid(self)          # every slot's candidate takes at once (refreshed by refresh())
        self.tabs = pn.Tabs(("Storyboard", self.board), ("Camera plan", self.camera), ("Timeline", self.strip),
                            ("Take grid", self.take_grid),
                            ("Animatic", pn.Column(pn.Row(self.animatic_button, self.timecode), self.video)),
                            ("3D nudges", self.nudges),
                            dynamic=False, sizing_mode="stretch_width")
        self.refresh()

    # ------------------------------------------------------------ plumbing
    def _script(self) -> str:
        path = (self.script_path.value or "").strip()
        if not path:
            raise StudioError("Which script?", hint="Type the path of a Fountain or FDX screenplay in the sidebar.")
        return path

    # ------------------------------------------------------------ actions
    def render_all(self) -> str:
        self.plan = self._service.render_shots(self._script(), ctx=self.ctx)
        self.refresh()
        return f"{len(self.plan.active)} shots of {self.plan.title} have frames."

    def rerender(self, new_seed: bool = False) -> str:
        number = self.shot
        if not number:
            raise StudioError("No shot selected.", hint="Pick a shot in the sidebar.")
        text = self.prompt.value or ""
        tweak = text if text.strip() else None
        self.plan = self._service.rerender_shot(number, ctx=self.ctx, new_seed=new_seed, prompt_tweak=tweak)
        self.refresh()
        shot = self.plan.shot(number)
        note = self.ctx.get_asset(shot.asset_id).meta.get("note")
        return f"Re-rendered {number}: variant {len(shot.variants)} (seed {shot.seed})." + (f" {note}." if note else "")

    def pick(self) -> str:
        if not self.variants.value:
            raise StudioError("No variant selected.", hint="Pick one in the Variant list.")
        self.plan = self._service.pick_variant(self.shot, int(self.variants.value), ctx=self.ctx)
        self.refresh()
        return f"Shot {self.shot} uses frame {self.variants.value}."

    def render_animatic(self) -> str:
        if self.plan is None:
            raise StudioError("No shots yet.", hint="Render the shots first.")
        with tempfile.TemporaryDirectory() as tmp:
            result = self._service.render_animatic(self._script(), Path(tmp) / "animatic.mp4", ctx=self.ctx,
                                                   burn_timecode=self.timecode.value)
        self._show_video()
        warn = f" {result.warnings[0]}" if result.warnings else ""
        return (f"Animatic: {result.frames} frames ({result.duration_s:.2f} s), {result.rendered} segments encoded, "
                f"{result.cached} from cache.{warn}")

    def choose_cut(self, source: str, take: str | None = None, in_frame: int = 0, note: str = "") -> str:
        """Cut the selected shot slot to a take from ``in_frame``, or back to its AI shot (``source="ai"``);
        stored by the service (what `studio cut choose` stores), so it is there after a reload."""
        number = self.shot
        if not number:
            raise StudioError("No shot selected.", hint="Pick a shot in the sidebar.")
        self._service.cut_choice(number, source=source, take=take, in_frame=int(in_frame or 0), note=note,
                                 ctx=self.ctx)
        self._refresh_cut()
        if self.plan is not None:
            self._refresh_strip()
            self.take_grid.refresh()
        if source == "take":
            return f"Shot {number} is cut to take {take} from frame {int(in_frame or 0)}."
        return f"Shot {number} is cut to its AI shot."

    def choose_from_widgets(self) -> str:
        value = self.cut_source.value
        if value == AI or not value:
            return self.choose_cut("ai", note=self.cut_note.value or "")
        return self.choose_cut("take", take=value, in_frame=self.in_frame.value or 0, note=self.cut_note.value or "")

    def _shot_picked(self, event: param.parameterized.Event) -> None:
        if event.new:
            self.select(event.new)

    def select(self, number: str) -> None:
        self.shot = number
        self._refresh_shot()
        self._refresh_cut()

    def _nudged(self, plan: Any) -> None:
        """A 3D nudge redrew the shot: show the new plan (frame, variants, camera plan)."""
        self.plan = plan
        self.refresh()

    # ------------------------------------------------------------ views
    def _thumb(self, asset_id: int, width: int) -> str:
        key = asset_id * 10_000 + width
        if key not in self._thumbs:
            from PIL import Image

            img = Image.open(io.BytesIO(self.ctx.read_bytes(asset_id))).convert("RGB")
            img.thumbnail((width, width))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=85)
            self._thumbs[key] = data_url(buf.getvalue(), "image/jpeg")
        return self._thumbs[key]

    def refresh(self) -> None:
        plan = self.plan
        if plan is None:
            self.header.object = _view("header", None)
            return
        self.header.object = _view("header", plan)
        options = {}
        for s in plan.shots:
            badge = {"new": " · NEW", "omitted": " · OMITTED"}.get(s.status, "")
            options[f"Sc {s.scene_label} · {s.number} {s.size}{badge}"] = s.number
        self.shots.options = options
        if not self.shot or self.shot not in options.values():
            self.shot = plan.active[0].number if plan.active else ""
        self.shots.value = self.shot
        self._refresh_shot()
        self._refresh_cut()
        self._refresh_board(plan)
        self._refresh_strip()
        self._show_video()
        self.take_grid.refresh()

    def _refresh_shot(self) -> None:
        if self.plan is None or not self.shot:
            return
        shot = self.plan.shot(self.shot)
        src = self._thumb(shot.asset_id, FRAME_W) if shot.asset_id else ""
        self.frame.object = _view("frame", shot.asset_id, src, FRAME_W)
        scores = ", ".join(f"{k} {v:.3f}" for k, v in shot.consistency.items()) or "no locked character"
        self.info.object = _view("info", shot, scores)
        self.variants.options = {f"variant {i + 1} (frame {a})": str(a) for i, a in enumerate(shot.variants)}
        self.variants.value = str(shot.asset_id) if shot.asset_id else None
        scene = shot.scene_label
        try:
            from studio_kit.engines.production.camera_plan import camera_plan, camera_plan_record
            from studio_kit.ui.previz_nudges import line_flags_html

            record = camera_plan_record(self.ctx, self.plan, scene)   # stored, with each shot's 180° line flags
            self.camera.object = (camera_plan(self.plan, scene, record["line_flags"]).svg()
                                  + line_flags_html(record, highlight=shot.number))
            self.nudges.show(self.shot, self.plan)
        except StudioError as exc:
            self.camera.object = _view("message", exc.message)

    def _refresh_cut(self) -> None:
        """The selected slot's cut choice in the widgets; takes matched to this shot listed first."""
        if self.plan is None or not self.shot:
            return

        takes = footage.list_takes(self.ctx)
        self._takes = {t.name: t for t in takes}
        mine = {t.name for t in footage.takes_for(self.plan, takes).get(self.shot, [])}
        ordered = sorted(takes, key=lambda t: (t.name not in mine, t.name))
        options = {"AI shot": AI}
        for t in ordered:
            options[f"{t.name} · {t.media.frames} frames" + (" · this shot" if t.name in mine else "")] = t.name
        choice = cut.load_choices(self.ctx, self.plan.script_name).get(self.shot)
        self.cut_source.options = options
        if choice is not None and choice.source == "take" and choice.take in self._takes:
            self.cut_source.value = choice.take
            self.in_frame.value = choice.in_frame
        else:
            self.cut_source.value = AI
            self.in_frame.value = 0
        self.cut_note.value = choice.note if choice is not None else ""
        self._show_take(choice)

    def _show_take(self, choice: Any = None) -> None:
        """The chosen take's first thumbnail and length, and what the cut stores for this slot."""
        if choice is None and self.plan is not None and self.shot:
            choice = cut.load_choices(self.ctx, self.plan.script_name).get(self.shot)
        take = self._takes.get(self.cut_source.value)
        thumb = self._thumb(take.thumbnail_asset_ids[0], THUMB_W) if take is not None and take.thumbnail_asset_ids else ""
        self.cut_info.object = _view("cut_info", self.shot, choice, take, thumb, THUMB_W)

    def _refresh_board(self, plan: ShotPlan) -> None:
        panels = [(s, self._thumb(s.asset_id, THUMB_W) if s.asset_id else "") for s in plan.shots]
        self.board.object = _view("board", panels, THUMB_W)

    def _refresh_strip(self) -> None:
        """The cut's timeline strip: one block per shot slot, as wide as it lasts, badged AI or REAL."""
        plan = self.plan
        if plan is None:                      # no shots yet: refresh() shows the empty header instead
            return
        if not plan.source:
            self.strip.object = _view("message", "The timeline appears once the shots come from a script file.")
            return

        try:
            timeline = self._service.film_timeline(plan.source, ctx=self.ctx)
            slots = animatic.slots(plan, timeline)
        except StudioError as exc:
            self.strip.object = _view("message", exc.message)
            return
        choices = cut.load_choices(self.ctx, plan.script_name)
        total = max(1, timeline.duration_frames)
        blocks = []
        for slot, shot in slots:
            choice = choices.get(shot.number)
            real = choice is not None and choice.source == "take"
            label = f"REAL {choice.take}" if choice is not None and real else "AI"
            blocks.append((shot.number, slot.duration_frames, f"{100 * slot.duration_frames / total:.3f}", real, label))
        takes = len(footage.list_takes(self.ctx))
        self.strip.object = _view("strip", blocks, timeline.timecode(timeline.duration_frames), len(slots), takes)

    def _show_video(self) -> None:
        assets = self.ctx.list_assets(kind="animatic")
        if not assets:
            return
        newest = max(assets, key=lambda a: a.id)
        folder = served_media_dir()
        if folder is not None:   # a file the browser fetches with range requests, relative to the app (--prefix)
            org, project = self.ctx.org_slug, self.ctx.project_slug
            folder = folder / org / project      # the route checks the reader against this project
            name = self._published.get(newest.id)
            if name is None or not (folder / name).is_file():
                name = self._published[newest.id] = publish_media(self.ctx.read_bytes(newest.id), folder,
                                                                  "animatic", ".mp4")
            url = media_url(org, project, name, self.ctx.user)
        else:                    # a notebook: no server route, so embed it
            url = data_url(self.ctx.read_bytes(newest.id), "video/mp4")
        frames = newest.meta.get("frames", 0)
        warning = newest.meta["warnings"][0] if newest.meta.get("warnings") else ""
        self.video.object = _view("video", url, frames, FRAME_W, warning)

    # ------------------------------------------------------------ layout
    def sidebar_panel(self) -> pn.viewable.Viewable:
        return pn.Column(pn.pane.Markdown("### Script"), self.script_path, self.render_button,
                         pn.pane.Markdown("### Shots"), self.shots, sizing_mode="stretch_width")

    def main_panel(self) -> pn.viewable.Viewable:
        controls = pn.Column(self.info, pn.Row(self.prompt, self.rerender_button, self.seed_button),
                             pn.Row(self.variants, self.pick_button),
                             pn.pane.Markdown("**Cut**: this slot uses a real take or the AI shot"),
                             pn.Row(self.cut_source, self.in_frame), pn.Row(self.cut_note, self.cut_button),
                             self.cut_info, sizing_mode="stretch_width")
        return pn.Column(self.header, self.alert, pn.Row(self.frame, controls, sizing_mode="stretch_width"),
                         self.tabs, sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(pn.Column(self.sidebar_panel(), width=300), self.main_panel(), sizing_mode="stretch_width")
