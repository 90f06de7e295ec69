"""The production engine's front door: what the CLI, dashboards, templates and the API call.

Every function works on the current project of the store unless a
:class:`~studio_kit.store.ProjectContext` is passed as ``ctx``. What renders (shots, shot
videos, the animatic, the cut) needs the ``render`` permission of the user's project role. Scripts are a
path, Fountain/FDX text or a parsed :class:`~studio_kit.domain.script.Script`.
"""
from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.domain.production import ShotPlan
from studio_kit.domain.requests import VideoRequest
from studio_kit.engines.post import service as post
from studio_kit.engines.post.timeline_build import build_timeline
from studio_kit.engines.production import animatic, continuity, cut, footage
from studio_kit.engines.production import shots as _shots
from studio_kit.engines.production.camera_plan import export_camera_plan as export
from studio_kit.engines.production.camera_plan import nudge_shot as nudge
from studio_kit.engines.production.storyboard import export_contact_sheet, export_storyboard_pdf
from studio_kit.exceptions import ProductionError, StudioError
from studio_kit.platform import permissions
from studio_kit.registry import invoke, last_call, load_backend
from studio_kit.store import open_store


def project_context(ctx: Any = None) -> Any:
    """``ctx`` itself, or the settings' current project opened in the store."""
    if ctx is not None:
        return ctx

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=settings.user)


def rendering_context(ctx: Any = None) -> Any:
    """:func:`project_context`, refused unless its user's project role has the ``render`` permission
    (runs renders and model backends: permissions.yaml). Checked before anything is drawn or stored."""
    ctx = project_context(ctx)
    permissions.require_in_project(ctx, "render")
    return ctx


# -- shots -------------------------------------------------------------------------

def render_shots(script: Any, *, ctx: Any = None, backend: str | None = None, width: int = 1280,
                 height: int = 720, only: Iterable[str] | None = None, settings: Any = None,
                 progress: Any = None) -> ShotPlan:
    """Draw every shot of ``script`` that has no frame yet (a revision re-flows the stored plan first)."""
    return _shots.render_shots(script, rendering_context(ctx), backend=backend, width=width, height=height,
                               only=only, settings=settings, progress=progress)


def rerender_shot(number: str, *, ctx: Any = None, seed: int | None = None, new_seed: bool = False,
                  prompt_tweak: str | None = None, backend: str | None = None, plan: str | None = None,
                  settings: Any = None) -> ShotPlan:
    """Redraw one shot as a new variant (new seed and/or prompt tweak); the other shots keep their frames."""
    return _shots.rerender_shot(rendering_context(ctx), number, name=plan, seed=seed, new_seed=new_seed,
                                prompt_tweak=prompt_tweak, backend=backend, settings=settings)


def pick_variant(number: str, asset_id: int, *, ctx: Any = None, plan: str | None = None) -> ShotPlan:
    """Choose which rendered variant a shot uses."""
    return _shots.pick_variant(project_context(ctx), number, asset_id, name=plan)


def shot_plan(*, ctx: Any = None, plan: str | None = None) -> ShotPlan:
    """The stored shot plan (the newest, or the one named ``plan``); ProductionError when none exists."""
    return _shots.require_plan(project_context(ctx), plan)


def shot_plan_or_none(name: str | None = None, *, ctx: Any = None) -> ShotPlan | None:
    """The stored shot plan (named, else the newest), or None when no shot was rendered yet."""
    return _shots.latest_plan(project_context(ctx), name)


def frame_image(shot: Any, *, ctx: Any = None):
    return _shots.frame_image(project_context(ctx), shot)


# -- storyboards and camera plans -------------------------------------------------

def export_storyboard(out: str | Path, *, ctx: Any = None, plan: ShotPlan | None = None, paper: str = "letter",
                      panels: int = 6, contact_sheet: str | Path | None = None) -> dict[str, Path]:
    """Storyboard PDF (and a contact sheet PNG when asked) of the stored plan."""
    ctx = project_context(ctx)
    plan = plan or _shots.require_plan(ctx, None)
    out_paths = {"pdf": export_storyboard_pdf(ctx, plan, out, paper=paper, panels=panels)}
    if contact_sheet:
        out_paths["contact_sheet"] = export_contact_sheet(ctx, plan, contact_sheet)
    return out_paths


def export_camera_plan(scene: str, out_dir: str | Path, *, ctx: Any = None,
                       plan: ShotPlan | None = None) -> dict[str, Path]:
    """Top-down camera plan of one scene as SVG and PNG."""
    ctx = project_context(ctx)
    plan = plan or _shots.require_plan(ctx, None)
    return export(plan, str(scene), out_dir, ctx=ctx)  # stores the camera plan with its 180° line flags


def nudge_shot(number: str, *, ctx: Any = None, mark: str | None = None, direction: str | None = None,
               orbit: float = 0.0, lens: float | None = None, reset: bool = False, name: str | None = None,
               settings: Any = None) -> ShotPlan:
    """Nudge a staged shot and redraw it with the 3D previz (see :func:`.camera_plan.nudge_shot`). A nudge renders,
    so the user's role needs the render permission, as for a re-render."""
    return nudge(rendering_context(ctx), number, mark=mark, direction=direction, orbit=orbit, lens=lens, reset=reset,
                 name=name, settings=settings)


# -- footage -----------------------------------------------------------------------

def ingest_footage(paths: Iterable[str | Path], *, ctx: Any = None, progress: Any = None) -> list[Any]:
    """Probe, proxy, thumbnail and shot-detect clips; each stored only when all of it worked."""
    ctx = project_context(ctx)
    return footage.ingest(ctx, paths, plan=_shots.latest_plan(ctx), progress=progress)


def list_takes(*, ctx: Any = None) -> list[Any]:
    return footage.list_takes(project_context(ctx))


def assign_take(name: str, *, shot: str | None = None, scene: str | None = None, take: int | None = None,
                ctx: Any = None) -> Any:
    """Override which shot (or scene) a take belongs to."""
    return footage.assign_take(project_context(ctx), name, shot=shot, scene=scene, take_number=take)


def coverage_report(*, ctx: Any = None, plan: ShotPlan | None = None) -> Any:
    """Scripted shots with their takes and AI frames; ``.missing`` lists those with neither."""
    ctx = project_context(ctx)
    plan = plan or _shots.require_plan(ctx, None)
    return footage.coverage(plan, footage.list_takes(ctx))


def slot_picture(ctx: Any, shot: Any, take: Any | None):
    """The still that stands for a shot slot: the take's first thumbnail, else the AI frame."""
    from PIL import Image

    if take is not None and take.thumbnail_asset_ids:
        return Image.open(io.BytesIO(ctx.read_bytes(take.thumbnail_asset_ids[0]))).convert("RGB")
    return _shots.frame_image(ctx, shot)


def continuity_report(*, ctx: Any = None, plan: ShotPlan | None = None, use_takes: bool = True) -> list[Any]:
    """Consecutive shots of every scene compared (exposure, white balance, colour, faces); jumps flagged."""
    ctx = project_context(ctx)
    plan = plan or _shots.require_plan(ctx, None)
    by_shot = footage.takes_for(plan, footage.list_takes(ctx)) if use_takes else {}
    checks = []
    for shots in plan.scenes().values():
        pictures = {s.number: slot_picture(ctx, s, next(iter(by_shot.get(s.number) or []), None))
                    for s in shots if s.asset_id is not None or by_shot.get(s.number)}
        vectors = continuity.face_vectors(pictures) if pictures else {}
        for a, b in itertools.pairwise(shots):
            if a.number not in pictures or b.number not in pictures:
                continue
            same = [c for c in a.characters if c in b.characters and len(a.characters) == len(b.characters) == 1]
            faces = {c: (vectors.get(a.number), vectors.get(b.number)) for c in same}
            checks.append(continuity.compare(a.scene_label, a.number, pictures[a.number], b.number,
                                             pictures[b.number], faces=faces))
    return checks


def render_shot_video(script: Any, number: str, *, ctx: Any = None, backend: str | None = None,
                      steps: int | None = None, settings: Any = None) -> ShotPlan:
    """An AI video of one shot (the video backend, image-to-video from its frame when it can), as long as
    the film's timeline makes the shot; stored as a ``shot_video`` asset that the animatic then plays."""
    ctx = rendering_context(ctx)
    plan = _current_plan(script, ctx, None, settings)
    shot = plan.shot(number)
    slot = next((s for s, p in animatic.slots(plan, film_timeline(script, ctx=ctx)) if p.number == number), None)
    if slot is None:
        raise ProductionError(f"Shot {number} is not on the film's timeline.", hint="Render a shot that is in the cut.")
    engine = load_backend("video", backend, settings=settings)
    idents = [b.identity.to_identity() for b in _shots._bibles(ctx, shot.subjects) if b.identity]
    # the video backend adds each identity's description (it has the locked identities) to this prompt
    prompt = ", ".join([shot.description, f"{shot.size} shot", f"{shot.movement} camera", shot.heading,
                        shot.prompt_tweak])
    size = (plan.width, plan.height)
    request = VideoRequest(frames=slot.duration_frames, fps=animatic.FPS, width=size[0], height=size[1],
                           image=_shots.frame_image(ctx, shot), prompt=prompt.strip(", "), movement=shot.movement,
                           seed=shot.seed, identities=idents, **({"steps": steps} if steps else {}))
    with ctx.recording():
        clip = invoke(engine, "generate", request, seed=shot.seed, units=slot.duration_frames / animatic.FPS,
                      inputs=[shot.asset_id, *idents], params={"shot": number, "frames": slot.duration_frames,
                                                               "prompt": request.prompt, "steps": request.steps})
    call = last_call()
    segment = animatic.Segment("", slot.duration_frames, f"shot {number}", lambda: iter(clip))
    stem = plan.script_name.removesuffix(".json")
    with tempfile.TemporaryDirectory(prefix="studio-shot-video-") as work:
        tmp = Path(work) / f"{stem}-{number}.mp4"
        animatic.encode_segment(segment, tmp, size)
        asset = ctx.put_asset(tmp, kind="shot_video", name=f"{stem}-shot-{number}.mp4",
                              provenance=call.provenance() if call else {},
                              meta={"shot": number, "frames": slot.duration_frames, "backend": engine.name,
                                    "render": getattr(engine, "last_render", {})})
    plan.shots[plan.shots.index(shot)] = shot.model_copy(update={"video_asset_id": asset.id})
    _shots.save_plan(ctx, plan, note=f"video for {number}")
    return plan


# -- the film: timeline, mix, animatic ---------------------------------------------

MIX_KINDS = ("post.mix", "mix")


def film_timeline(script: Any, *, ctx: Any = None) -> Any:
    """The film's timing for ``script``: the post engine's stored timeline of this script when there is
    one (voiced line lengths), else the post engine's timeline built from the script (estimated lengths)."""
    ctx = project_context(ctx)
    parsed = _shots.load(script)
    try:
        stored = post.load_timeline(ctx)
    except StudioError:  # nothing voiced yet
        stored = None
    if stored is not None and stored.title == parsed.title and \
            [s.scene_index for s in stored.scenes] == [s.index for s in parsed.scenes]:
        return stored
    return build_timeline(parsed)


def find_mix(*, ctx: Any = None) -> Path | None:
    """The newest post-production mix (a WAV asset) of the project, or None."""
    ctx = project_context(ctx)
    found = [a for kind in MIX_KINDS for a in ctx.list_assets(kind=kind)
             if (a.mime or "").startswith("audio") or a.name.lower().endswith((".wav", ".flac"))]
    if not found:
        return None
    return ctx.asset_path(max(found, key=lambda a: a.id).id)


def render_animatic(script: Any, out: str | Path, *, ctx: Any = None, preset: str = "720p",
                    mix: str | Path | None = None, use_stored_mix: bool = True, title_card: bool = True,
                    end_card: bool = True, burn_timecode: bool = False, labels: bool = False,
                    colour_match: bool = False, backend: str | None = None, image_backend: str | None = None,
                    timeline: Any = None, settings: Any = None, progress: Any = None) -> Any:
    """The animatic MP4 of ``script``: shots drawn if missing, timed by the film's timeline, the mix under it.

    The MP4 is written to ``out`` and stored as an ``animatic`` asset; the result says how many
    segments were re-encoded and how many came from the cache.
    """
    ctx = rendering_context(ctx)
    width, height = animatic.preset_size(preset)
    plan = _current_plan(script, ctx, image_backend, settings)
    timeline = timeline or film_timeline(script, ctx=ctx)
    mix_path = Path(mix) if mix else (find_mix(ctx=ctx) if use_stored_mix else None)
    result = animatic.render(ctx, plan, timeline, out, preset=preset, mix=mix_path, title_card=title_card,
                             end_card=end_card, burn_timecode=burn_timecode, labels=labels,
                             colour_match=colour_match, backend=backend, settings=settings, progress=progress)
    result.asset = ctx.put_asset(Path(out), kind="animatic", name=f"{plan.script_name.removesuffix('.json')}-"
                                 f"animatic-{preset}.mp4",
                                 provenance={"renderer": animatic.RENDERER, "params": {
                                     "preset": preset, "title_card": title_card, "end_card": end_card,
                                     "burn_timecode": burn_timecode, "labels": labels,
                                     "colour_match": colour_match, "backend": backend or "configured"},
                                     "input_hashes": [f"plan:{plan.script_sha256[:16]}"]},
                                 meta={"frames": result.frames, "timeline_frames": result.timeline_frames,
                                       "fps": animatic.FPS, "width": width, "height": height,
                                       "has_mix": result.has_mix, "warnings": result.warnings,
                                       "rendered_segments": result.rendered, "cached_segments": result.cached})
    return result


def _current_plan(script: Any, ctx: Any, image_backend: str | None, settings: Any) -> ShotPlan:
    """The stored plan, with any shot of ``script`` still missing a frame drawn now (at the plan's size)."""
    parsed = _shots.load(script)
    stored = _shots.latest_plan(ctx, _shots.plan_name(parsed))
    width, height = (stored.width, stored.height) if stored else (1280, 720)
    return _shots.render_shots(parsed, ctx, backend=image_backend, width=width, height=height, settings=settings)


def storyboard_and_animatic(script: Any, output_dir: str | Path, *, ctx: Any = None, paper: str = "letter",
                            panels: int = 6, preset: str = "720p", mix: str | Path | None = None,
                            burn_timecode: bool = False, labels: bool = False, image_backend: str | None = None,
                            progress: Any = None, settings: Any = None) -> dict[str, Any]:
    """Shots drawn, then the storyboard PDF, contact sheet and the animatic (with the mix) into ``output_dir``."""
    ctx = rendering_context(ctx)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = _current_plan(script, ctx, image_backend, settings)
    stem = plan.script_name.removesuffix(".json")
    board = export_storyboard(out / f"{stem}-storyboard.pdf", ctx=ctx, plan=plan, paper=paper, panels=panels,
                              contact_sheet=out / f"{stem}-contact-sheet.png")
    for path, kind in ((board["pdf"], "storyboard_pdf"), (board["contact_sheet"], "contact_sheet")):
        ctx.put_asset(path, kind=kind, name=path.name, meta={"revision": plan.revision, "shots": len(plan.active)})
    result = render_animatic(script, out / f"{stem}-animatic-{preset}.mp4", ctx=ctx, preset=preset, mix=mix,
                             burn_timecode=burn_timecode, labels=labels, settings=settings, progress=progress)
    return {"plan": plan, "storyboard_pdf": board["pdf"], "contact_sheet": board["contact_sheet"],
            "animatic": result.path, "animatic_result": result}


# -- the hybrid cut ----------------------------------------------------------------

def _script_of(script: Any, plan: ShotPlan) -> Any:
    if script is not None:
        return script
    if not plan.source:
        raise ProductionError("Which script is this cut of?", hint="Pass the script: `--script draft.fountain`.")
    return plan.source


def cut_choice(number: str, *, source: str, take: str | None = None, in_frame: int = 0, note: str = "",
               colour_match: bool = False, ctx: Any = None) -> dict[str, Any]:
    """Cut one shot slot to a real take (from ``in_frame``) or back to its AI shot; returns every choice.
    ``colour_match``: store the take's colour match to its neighbouring slot, applied when the cut renders."""
    ctx = project_context(ctx)
    plan = _shots.require_plan(ctx, None)
    takes = {t.name: t for t in footage.list_takes(ctx)}
    return cut.choose(ctx, plan, takes, number, source=source, take=take, in_frame=in_frame, note=note,
                      colour_match=colour_match)


def build_cut(script: Any = None, *, ctx: Any = None) -> Any:
    """The hybrid cut as an OpenTimelineIO timeline (one clip per shot slot, markers, the mix on A1)."""
    ctx = project_context(ctx)
    plan = _shots.require_plan(ctx, None)
    script = _script_of(script, plan)
    takes = {t.name: t for t in footage.list_takes(ctx)}
    return cut.build_otio(ctx, plan, film_timeline(script, ctx=ctx), cut.load_choices(ctx, plan.script_name),
                          takes, find_mix(ctx=ctx))


def export_cut(out: str | Path, *, fmt: str | None = None, script: Any = None, ctx: Any = None) -> Path:
    """Write the cut as .otio, .fcpxml (FCP X), .xml (FCP 7 / Premiere) or .edl (CMX 3600); stored too."""
    ctx = project_context(ctx)
    permissions.require_in_project(ctx, "export")
    path = cut.export(build_cut(script, ctx=ctx), out, fmt)
    ctx.put_asset(path, kind="cut_export", name=path.name, meta={"format": path.suffix.lstrip(".")})
    return path


def render_cut(out: str | Path, *, script: Any = None, ctx: Any = None, preset: str = "720p",
               burn_timecode: bool = False, labels: bool = False, colour_match: bool = False,
               progress: Any = None, settings: Any = None) -> Any:
    """The hybrid cut rendered to MP4 by the animatic renderer (takes where chosen, AI shots elsewhere)."""
    ctx = rendering_context(ctx)
    plan = _shots.require_plan(ctx, None)
    script = _script_of(script, plan)
    takes = {t.name: t for t in footage.list_takes(ctx)}
    result = animatic.render(ctx, plan, film_timeline(script, ctx=ctx), out, preset=preset, mix=find_mix(ctx=ctx),
                             burn_timecode=burn_timecode, labels=labels, colour_match=colour_match,
                             choices=cut.load_choices(ctx, plan.script_name), takes=takes, settings=settings,
                             progress=progress)
    result.asset = ctx.put_asset(Path(out), kind="cut_render", name=Path(out).name,
                                 meta={"frames": result.frames, "warnings": result.warnings})
    return result


__all__ = [
    "ProductionError",
    "assign_take",
    "build_cut",
    "continuity_report",
    "coverage_report",
    "cut_choice",
    "export_camera_plan",
    "nudge_shot",
    "export_cut",
    "export_storyboard",
    "film_timeline",
    "find_mix",
    "frame_image",
    "ingest_footage",
    "list_takes",
    "pick_variant",
    "project_context",
    "render_animatic",
    "render_cut",
    "render_shot_video",
    "render_shots",
    "rerender_shot",
    "shot_plan",
    "slot_picture",
]
