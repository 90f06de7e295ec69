"""Marketing operations: the only entry points the CLI, dashboards, templates and API call.

    edl = cut(script, 60, ctx=ctx)                     # the trailer's EDL, stored (editable, versioned)
    result = trailer(script, 60, "trailer.mp4", ctx=ctx)   # cut + render + QC
    update_edl(edl_edited, ctx=ctx); trailer(script, 60, out, edl=edl_edited, ctx=ctx)  # re-render an edit
    poster(script, "one-sheet", "poster.pdf", ctx=ctx)

Timing comes only from the film's Timeline (the post engine's voiced timeline, or
the production engine's film timeline); sound from the post engine (voices,
score, mix, loudness QC); the film's picture from the production engine's
animatic renderer. Every output is stored as an Asset (kind ``marketing.*``).
"""
from __future__ import annotations

import hashlib
import io
import io as _io
import json
import logging
import re
import tempfile
from dataclasses import dataclass, field
from math import gcd
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit import media
from studio_kit.config import get_settings
from studio_kit.domain.marketing import Credits, PlatformPreset, QCLine, TrailerEDL
from studio_kit.domain.timeline import Timeline
from studio_kit.engines.characters.cast import cast_list
from studio_kit.engines.characters.service import list_characters
from studio_kit.engines.marketing import platforms
from studio_kit.engines.marketing import poster as poster_art
from studio_kit.engines.marketing import press_kit as K
from studio_kit.engines.marketing import social as S
from studio_kit.engines.marketing.trailer import (
    assemble,
    candidates,
    cut_trailer,
    fit_length,
    trailer_timeline,
    validate_edl,
)
from studio_kit.engines.post import service as post
from studio_kit.engines.post.audio import write_wav
from studio_kit.engines.post.loudness import get_spec
from studio_kit.engines.post.service import load_script
from studio_kit.engines.post.subtitles import export_srt, export_vtt
from studio_kit.engines.production import service as production
from studio_kit.engines.production.service import film_timeline, render_animatic
from studio_kit.engines.production.service import project_context as pc
from studio_kit.exceptions import MarketingError
from studio_kit.platform import permissions
from studio_kit.store.files import atomic_open

log = logging.getLogger(__name__)
EDL_KIND = "marketing.trailer-edl"
CREDITS_KIND = "marketing.credits"
CREDITS_NAME = "credits.json"
RENDER_KIND = "character_render"      # the character engine's stored renders (characters.versions.RENDER_KIND)


def project_context(ctx: Any = None) -> Any:
    return pc(ctx)


def _allowed(ctx: Any, *permissions_: str) -> Any:
    """:func:`project_context`, refused unless the user's project role has every one of ``permissions_``
    (``render`` to make pictures and sound, ``export`` to write deliverables); checked before any work."""
    ctx = project_context(ctx)
    permissions.require_in_project(ctx, *permissions_)
    return ctx


def spot_length(f: Any, length: int) -> int:
    """``length``, or for 0 the longest spot (60, 30, 15 s) the film ``f`` gives (names the files)."""
    return int(length) or fit_length(f.timeline.duration_seconds)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in (text or "untitled").lower()).strip("-") or "untitled"


# -- the film -------------------------------------------------------------------
@dataclass
class Film:
    """What marketing cuts from: the parsed script, its timing, and its voiced lines (if any)."""

    script: Any
    timeline: Timeline
    track: Any = None            # post VoiceTrack (None: no dialogue)


_FILMS: dict[tuple[Any, ...], Film] = {}


def film(script: Any, *, ctx: Any = None, voice: bool = True) -> Film:
    """The film's script, timeline and voices (the post engine voices every line; cached per process)."""
    ctx = project_context(ctx)
    parsed = post.load_script(script)
    key = (parsed.model_dump_json(), voice, getattr(ctx, "project_id", None))
    if key not in _FILMS:
        track = post.voice(parsed, ctx=ctx) if (voice and parsed.dialogue_block_count) else None
        if track is not None:
            timeline = track.timeline
        else:
            timeline = film_timeline(parsed, ctx=ctx)
        _FILMS[key] = Film(parsed, timeline, track)
    return _FILMS[key]


# -- trailers -------------------------------------------------------------------
def cut(script: Any, length: int = 60, *, ctx: Any = None, release: str | None = None,
        store: bool = True, voice: bool = True) -> TrailerEDL:
    """The trailer's EDL cut from the film's beats (stored as a new version unless ``store=False``).

    ``voice=False`` cuts on the script's estimated timing without voicing the lines (a quick look; the
    rendered trailer always uses the voiced timeline)."""
    ctx = project_context(ctx)
    f = film(script, ctx=ctx, voice=voice)
    creds = credits(ctx=ctx, script=f.script)
    edl = cut_trailer(f.timeline, length, script=f.script, title=f.script.title,
                      release=release or creds.release or "COMING SOON")
    if store:
        save_edl(edl, ctx=ctx)
    return edl


def edl_name(edl: TrailerEDL) -> str:
    return f"{_slug(edl.title)}-trailer-{edl.length}.json"


def save_edl(edl: TrailerEDL, *, ctx: Any = None, note: str = "") -> int:
    ctx = project_context(ctx)
    rec = ctx.put_asset(edl.model_dump_json(indent=1), EDL_KIND, edl_name(edl),
                        meta={"length": edl.length, "entries": len(edl.entries), "note": note,
                              "seconds": round(edl.duration_seconds, 3)})
    return rec.id


def load_edl(title: str, length: int, *, ctx: Any = None) -> TrailerEDL:
    """The newest stored EDL of the ``length`` s trailer of ``title``."""
    ctx = project_context(ctx)
    rec = ctx.latest(EDL_KIND, f"{_slug(title)}-trailer-{length}.json")
    if rec is None:
        raise MarketingError(f"No {length} s trailer of {title} has been cut yet.",
                             hint=f"Run `studio trailer SCRIPT --length {length}` first.")
    return TrailerEDL.model_validate_json(ctx.read_bytes(rec.id))


def update_edl(edl: TrailerEDL | dict | str | Path, script: Any, *, ctx: Any = None) -> tuple[TrailerEDL, list[str]]:
    """Check an edited EDL against the film (complete lines, no final scene, inside the film) and store it."""
    ctx = project_context(ctx)
    if isinstance(edl, Path) or (isinstance(edl, str) and edl.endswith(".otio")):
        edl = TrailerEDL.from_otio(str(edl))
    elif isinstance(edl, (str, bytes)):
        edl = TrailerEDL.model_validate_json(edl)
    elif isinstance(edl, dict):
        edl = TrailerEDL.model_validate(edl)
    warnings = validate_edl(edl, film(script, ctx=ctx).timeline)
    save_edl(edl, ctx=ctx, note="edited")
    return edl, warnings


def export_edl_otio(edl: TrailerEDL, out: str | Path, *, source_url: str | None = None) -> Path:
    """The EDL as an OpenTimelineIO file (opens in Resolve / Premiere through the OTIO adapters)."""
    import opentimelineio as otio


    out = Path(out)
    with atomic_open(out, "w") as fh:
        fh.write(otio.adapters.write_to_string(edl.to_otio(source_url), "otio_json"))
    return out


@dataclass
class TrailerResult:
    path: Path
    edl: TrailerEDL
    qc: QCLine
    mix_qc: Any
    film_video: Path
    warnings: list[str] = field(default_factory=list)
    otio: Path | None = None


def film_video(script: Any, *, ctx: Any = None, progress: Any = None, settings: Any = None) -> Path:
    """The film's picture (the production engine's animatic, no cards), frame 0 = timeline frame 0; cached."""
    ctx = project_context(ctx)
    f = film(script, ctx=ctx)
    # one picture per film and timeline under STUDIO_HOME/cache (a stable key, so every process reuses it);
    # a new cut of the same film replaces the old picture instead of piling up
    work = Path((settings or get_settings()).home) / "cache" / "marketing" / str(getattr(ctx, "project_id", "p"))
    work.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(f.timeline.model_dump_json().encode()).hexdigest()[:16]
    out = work / f"{_slug(f.script.title)}-{key}.mp4"
    if not out.is_file():
        render_animatic(f.script, out, ctx=ctx, timeline=f.timeline, use_stored_mix=False, title_card=False,
                        end_card=False, settings=settings, progress=progress)

        earlier = re.compile(re.escape(_slug(f.script.title)) + r"-[0-9a-f]{16}\.mp4")
        for old in work.iterdir():
            if old != out and earlier.fullmatch(old.name):
                old.unlink(missing_ok=True)
    return out


def trailer_mix(edl: TrailerEDL, script: Any, *, ctx: Any = None) -> tuple[Any, Timeline]:
    """The trailer's sound: chosen lines on its own timeline, its own score, ducked and normalised to the spec."""
    f = film(script, ctx=ctx)
    tl = trailer_timeline(edl, f.timeline)
    track = None
    if f.track is not None and any(e.line_ids for e in edl.moments()):
        chars, dialogue = post.place_lines(tl, f.track.lines)
        track = post.VoiceTrack(f.script, tl, f.track.profiles, f.track.lines, chars, dialogue,
                                f.track.language, f.track.texts)
    score_ = post.score(f.script, tl) if edl.music else None
    result = post.mix_film(track, score_, None, post.MixSettings(spec=edl.spec), tl)
    return result, tl


def trailer(script: Any, length: int = 60, out: str | Path = "trailer.mp4", *, ctx: Any = None,
            edl: TrailerEDL | None = None, size: tuple[int, int] | None = None, otio_out: str | Path | None = None,
            progress: Any = None, settings: Any = None) -> TrailerResult:
    """Cut (or take ``edl``), render, self-QC and store a trailer. A failed QC raises MarketingError."""
    ctx = _allowed(ctx, "render")
    f = film(script, ctx=ctx)
    edl = edl if edl is not None else cut(f.script, length, ctx=ctx)
    warnings = validate_edl(edl, f.timeline) + list(edl.notes)
    video = film_video(f.script, ctx=ctx, progress=progress, settings=settings)
    vinfo = media.probe(video)
    size = size or (vinfo.width, vinfo.height)
    mix, _tl = trailer_mix(edl, f.script, ctx=ctx)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="studio-trailer-mix-") as work:
        # AAC overshoots the true peak a little: keep the lossy headroom below the spec's ceiling

        room = get_spec(edl.spec).true_peak_dbtp - platforms.LOSSY_HEADROOM_DB - float(mix.loudness.true_peak_dbtp)
        wav = write_wav(Path(work) / "mix.wav", mix.mix * np.float32(10 ** (min(0.0, room) / 20)))
        assemble(edl, video, wav, out, size)
    preset = platforms.trailer_preset(size, edl.fps, edl.spec, edl.duration_seconds)
    qc = platforms.check(out, preset, frames=edl.duration_frames)
    if not qc.passed:
        out.unlink(missing_ok=True)
        raise MarketingError(f"The {edl.length} s trailer failed its QC: {'; '.join(qc.problems)}.",
                             hint="Nothing was stored; see the QC line for the figures.")
    otio_path = export_edl_otio(edl, otio_out, source_url=str(video)) if otio_out else None
    ctx.put_asset(out, "marketing.trailer", out.name if out.name.startswith(_slug(edl.title)) else
                  f"{_slug(edl.title)}-trailer-{edl.length}.mp4",
                  provenance={"renderer": "marketing.trailer-1", "params": {"length": edl.length, "spec": edl.spec}},
                  meta={"qc": qc.model_dump(), "mix_qc": mix.qc.to_dict(), "edl": edl_name(edl),
                        "warnings": warnings})
    return TrailerResult(out, edl, qc, mix.qc, video, warnings, otio_path)


# -- credits and posters ----------------------------------------------------------
def credits(*, ctx: Any = None, script: Any = None) -> Credits:
    """The project's stored credits, filled from the script (writer, title page) and cast where empty."""
    ctx = project_context(ctx)
    rec = ctx.latest(CREDITS_KIND, CREDITS_NAME)
    creds = Credits.model_validate_json(ctx.read_bytes(rec.id)) if rec else Credits()
    if script is not None:
        parsed = load_script(script)
        tp = {k.lower(): v for k, v in parsed.title_page.items()}
        author = tp.get("author") or tp.get("authors") or tp.get("written by") or ""
        if not creds.writers and author:
            creds.writers = [a.strip() for a in author.replace("&", "\n").splitlines() if a.strip()]
        if not creds.cast:
            creds.cast = [p.name for p in cast_list(parsed)][:6]
    return creds


def set_credits(changes: dict[str, Any] | Credits, *, ctx: Any = None) -> Credits:
    """Store the project's credits (a new version; unknown fields are an error)."""
    ctx = project_context(ctx)
    rec = ctx.latest(CREDITS_KIND, CREDITS_NAME)
    base = Credits.model_validate_json(ctx.read_bytes(rec.id)) if rec else Credits()
    if isinstance(changes, Credits):
        new = changes
    else:
        unknown = sorted(set(changes) - set(Credits.model_fields))
        if unknown:
            raise MarketingError(f"Unknown credit field(s): {', '.join(unknown)}.",
                                 hint=f"Use: {', '.join(Credits.model_fields)}.")
        new = base.model_copy(update=dict(changes))
        new = Credits.model_validate(new.model_dump())
    ctx.put_asset(new.model_dump_json(indent=1), CREDITS_KIND, CREDITS_NAME)
    return new


def key_art(script: Any, *, ctx: Any = None, shot: str | None = None) -> tuple[Any, list[Any], list[str]]:
    """(key art frame, locked character renders, warnings): the chosen shot's frame (default: the shot with
    the most characters outside the final scene) and each locked character's first reference render."""
    from PIL import Image


    ctx = project_context(ctx)
    parsed = load_script(script)
    warnings: list[str] = []
    art = None
    plan = production.shot_plan_or_none(ctx=ctx)
    if plan is not None and plan.shots:
        last_scene = max(s.scene_index for s in plan.shots)
        drawn = [s for s in plan.shots if s.asset_id is not None]
        pool = [s for s in drawn if s.scene_index != last_scene] or drawn
        if shot:
            pool = [s for s in drawn if s.number == shot]
            if not pool:
                raise MarketingError(f"No drawn shot {shot!r} for the key art.",
                                     hint=f"Drawn shots: {', '.join(s.number for s in drawn) or 'none'}.")
        if pool:
            best = max(pool, key=lambda s: (len(s.subjects), -abs(s.scene_index - last_scene * 0.7)))
            art = production.frame_image(best, ctx=ctx)
    if art is None:
        warnings.append("no drawn shot frame: key art is a plain background (render shots first)")
    portraits = []
    speaking = {n.upper() for n in parsed.speaking_characters}
    renders = {a.meta.get("character_id"): a for a in ctx.list_assets(kind=RENDER_KIND)
               if (a.meta or {}).get("locked") and (a.meta or {}).get("view", "front") == "front"}
    for bible in list_characters(ctx):
        if bible.identity is None:
            continue
        if speaking and bible.name.upper() not in speaking and not any(a.upper() in speaking for a in bible.aliases):
            continue
        rec = renders.get(bible.character_id)
        if rec is None:
            warnings.append(f"{bible.name} is locked but has no render yet (`studio character render {bible.name}`)")
            continue
        if rec.meta.get("identity_hash") not in (None, bible.identity.hash):
            warnings.append(f"the newest render of {bible.name} is of an older identity: skipped")
            continue
        portraits.append(Image.open(io.BytesIO(ctx.read_bytes(rec.id))).convert("RGB"))
    if not portraits:
        warnings.append("no locked character renders: poster made from frames only")
    for w in warnings:
        log.warning("poster: %s", w)
    return art, portraits, warnings


def poster(script: Any, layout: str = "one-sheet", out: str | Path = "poster.png", *, ctx: Any = None,
           tagline: str | None = None, title: str | None = None, dpi: int = 300, scale: float = 1.0,
           shot: str | None = None) -> Any:
    """Compose, write (PNG + PDF) and store a poster of ``layout``."""
    ctx = _allowed(ctx, "render")

    poster_art.get_layout(layout)
    parsed = load_script(script)
    creds = credits(ctx=ctx, script=parsed)
    art, portraits, warnings = key_art(parsed, ctx=ctx, shot=shot)
    result = poster_art.compose(layout, title=title or parsed.title, key_art=art, portraits=portraits, credits=creds,
                       tagline=tagline if tagline is not None else creds.tagline, release=creds.release,
                       dpi=dpi, scale=scale)
    result.warnings = warnings + result.warnings
    poster_art.write(result, out)
    for path in (result.png, result.pdf):
        if path is not None:
            ctx.put_asset(path, "marketing.poster", f"{_slug(parsed.title)}-{result.layout}{path.suffix}",
                          meta={"layout": result.layout, "size": list(result.size), "dpi": result.dpi,
                                "warnings": result.warnings, "boxes": {k: list(v) for k, v in result.boxes.items()}})
    return result


def summary(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=1, default=str)


# -- deliverables -----------------------------------------------------------------
@dataclass
class Delivery:
    files: dict[str, Path]
    qc: list[QCLine]
    report: Path

    @property
    def passed(self) -> bool:
        return all(q.passed for q in self.qc)


def export_platforms(source: str | Path, platforms_: str | list[str], out_dir: str | Path, *, ctx: Any = None,
                     scale: float = 1.0, stem: str = "trailer") -> Delivery:
    """The full-frame (16:9) deliverables of a finished video — YouTube, X, H.264 master, ProRes screener —
    encoded in one ffmpeg run from one decode, each QC'd against its preset (a failed QC raises)."""
    chosen = platforms.select(platforms_)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    targets: list[tuple[PlatformPreset, Path, str | None]] = [
        (platforms.scaled(p, scale), out / f"{stem}-{p.key}.{p.container}", None) for p in chosen]
    lines = platforms.export(source, targets, what=f"{len(targets)} platform exports")
    report = out / f"{stem}-qc.json"
    with atomic_open(report, "w") as fh:
        json.dump([q.model_dump() for q in lines], fh, indent=1, default=str)
    files = {p.key: path for p, path, _vf in targets}
    if ctx is not None:
        ctx = project_context(ctx)
        for (p, path, _vf), q in zip(targets, lines, strict=True):
            ctx.put_asset(path, "marketing.export", path.name, meta={"preset": p.key, "qc": q.model_dump()})
    return Delivery(files, lines, report)


# -- social clips -----------------------------------------------------------------
@dataclass
class SocialClip:
    edl: TrailerEDL
    source: Path                          # the 16:9 clip with its mix
    files: dict[str, Path]                # platform → video; "srt"/"vtt" → sidecars
    qc: list[QCLine]
    track: Any                            # social.Track of the subject


def social(script: Any, platforms_: str | list[str] = "tiktok,instagram-feed,youtube", out_dir: str | Path = "social",
           *, ctx: Any = None, count: int = 1, min_seconds: float = 15, max_seconds: float = 60,
           scale: float = 1.0, captions: bool = True, progress: Any = None, settings: Any = None) -> list[SocialClip]:
    """The best ``count`` clips, each reframed to every platform (subject-tracked), captioned, QC'd and stored."""
    presets = platforms.select(platforms_)
    ctx = _allowed(ctx, "render")
    f = film(script, ctx=ctx)
    clips = S.pick_clips(f.timeline, count=count, min_seconds=min_seconds, max_seconds=max_seconds,
                         title=f.script.title)
    video = film_video(f.script, ctx=ctx, progress=progress, settings=settings)
    info = media.probe(video)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made: list[SocialClip] = []
    for k, edl in enumerate(clips, start=1):
        stem = f"{_slug(f.script.title)}-clip{k}"
        mix, tl = trailer_mix(edl, f.script, ctx=ctx)
        with tempfile.TemporaryDirectory(prefix="studio-social-") as work:
            room = get_spec(edl.spec).true_peak_dbtp - platforms.LOSSY_HEADROOM_DB - float(mix.loudness.true_peak_dbtp)
            wav = write_wav(Path(work) / "mix.wav", mix.mix * np.float32(10 ** (min(0.0, room) / 20)))
            source = out / f"{stem}-16x9-source.mp4"
            assemble(edl, video, wav, source, (info.width, info.height))
            track = S.track_subject(source, cuts=S.cuts_of(edl), fps=edl.fps)
            targets, post = [], {}
            for p in presets:
                ps = platforms.scaled(p, scale)
                targets.append((ps, out / f"{stem}-{p.key}.{p.container}",
                                S.crop_filter(track, ps.aspect, info.width, info.height) or None))
                if captions:
                    ass = Path(work) / f"{p.key}.ass"
                    ass.write_text(S.captions_ass(tl, ps, f.track.texts if f.track else None), encoding="utf-8")
                    post[ps.key] = S.ass_filter(ass)
            lines = platforms.export(source, targets, post_filters=post, what=f"social clip {k}")
        files = {p.key: path for p, path, _vf in targets}
        for ext, fn in (("srt", export_srt), ("vtt", export_vtt)):
            path = out / f"{stem}.{ext}"
            with atomic_open(path, "w") as fh:
                fh.write(fn(tl, f.track.texts if f.track else None, "en"))
            files[ext] = path
        for (p, path, _vf), q in zip(targets, lines, strict=True):
            ctx.put_asset(path, "marketing.social", path.name,
                          meta={"preset": p.key, "qc": q.model_dump(), "clip": k, "edl": edl.model_dump(),
                                "track": track.report()})
        made.append(SocialClip(edl, source, files, lines, track))
    return made


def deliver(script: Any, platforms_: str | list[str] = "all", out_dir: str | Path = "deliver", *, ctx: Any = None,
            length: int = 30, scale: float = 1.0, progress: Any = None, settings: Any = None) -> Delivery:
    """Every deliverable with one QC report: the trailer on the full-frame presets (YouTube, X, master,
    screener), a social clip on each social preset, and the one-sheet poster."""
    chosen = platforms.select(platforms_)
    ctx = _allowed(ctx, "render", "export")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    full = [p.key for p in chosen if not p.social]
    social_keys = [p.key for p in chosen if p.social]
    size = None
    if scale != 1:
        info = media.probe(film_video(script, ctx=ctx, progress=progress, settings=settings))
        size = (max(16, round(info.width * scale / 2) * 2), max(16, round(info.height * scale / 2) * 2))
    length = spot_length(film(script, ctx=ctx), length)
    t = trailer(script, length, out / f"trailer-{length}.mp4", ctx=ctx, otio_out=out / f"trailer-{length}.otio",
                size=size, progress=progress, settings=settings)
    if t.otio is None:
        raise MarketingError("The trailer's OpenTimelineIO file was not written.",
                             hint="trailer() writes it whenever otio_out is given; this is a bug.")
    files: dict[str, Path] = {"trailer": t.path, "trailer_otio": t.otio}
    qc = [t.qc]
    if full:
        d = export_platforms(t.path, full, out, ctx=ctx, scale=scale, stem=f"trailer-{length}")
        files.update({f"trailer:{k}": v for k, v in d.files.items()})
        qc += d.qc
    if social_keys:
        for clip in social(script, social_keys, out / "social", ctx=ctx, scale=scale, progress=progress,
                           settings=settings):
            files.update({f"social:{k}": v for k, v in clip.files.items()})
            qc += clip.qc
    p = poster(script, "one-sheet", out / "poster-one-sheet.pdf", ctx=ctx, dpi=max(30, int(300 * min(1.0, scale))))
    files.update({"poster_png": p.png, "poster_pdf": p.pdf})
    report = out / "qc_report.json"
    with atomic_open(report, "w") as fh:
        json.dump({"passed": all(q.passed for q in qc), "lines": [q.line() for q in qc],
                   "qc": [q.model_dump() for q in qc], "poster_warnings": p.warnings}, fh, indent=1, default=str)
    return Delivery(files, qc, report)


# -- press kit --------------------------------------------------------------------
def press_kit(script: Any, out: str | Path = "press_kit.pdf", *, ctx: Any = None,
              platforms_: str | list[str] = "all", stills: int = 4, backend: Any = None) -> dict[str, Path]:
    """The press kit PDF and ``<out>.platforms.json`` (title, description and tags per platform); both stored.
    The synopses are written by the text ``backend`` (default: the configured one; see press_kit.write_synopses)."""
    from PIL import Image

    ctx = _allowed(ctx, "export")
    parsed = load_script(script)
    creds = credits(ctx=ctx, script=parsed)
    art, _portraits, _warnings = key_art(parsed, ctx=ctx)
    renders = {a.meta.get("character_id"): a for a in ctx.list_assets(kind=RENDER_KIND) if (a.meta or {}).get("locked")}

    bibles = list_characters(ctx)
    cast = []
    for part in cast_list(parsed):      # the script's cast in billing order; bible and render where there is one
        bible = next((b for b in bibles if b.answers_to(part.name)), None)
        rec = renders.get(bible.character_id) if bible else None
        portrait = Image.open(io.BytesIO(ctx.read_bytes(rec.id))).convert("RGB") if rec else None
        cast.append((bible.name if bible else part.name, bible.description if bible else "", portrait))
    timeline = film_timeline(parsed, ctx=ctx)
    plan = production.shot_plan_or_none(ctx=ctx)
    frames: list[tuple[str, Any]] = []     # (shot number, its frame image)
    if plan is not None:
        by_scene = plan.scenes()
        for c in sorted(candidates(timeline, parsed), key=lambda c: -c.score):
            shots = by_scene.get(c.scene_index, [])
            index = int(c.shot_id.split("-")[-1]) - 1
            shot = shots[min(index, len(shots) - 1)] if shots else None
            if shot is not None and shot.asset_id is not None and shot.number not in [n for n, _ in frames]:
                frames.append((shot.number, production.frame_image(shot, ctx=ctx)))
            if len(frames) == stills:
                break
    width, height = (plan.width, plan.height) if plan is not None else (1280, 720)

    g = gcd(width, height)
    specs = {"Running time": f"{timeline.duration_seconds / 60:.0f} min {timeline.duration_seconds % 60:02.0f} s "
                             f"({timeline.timecode(timeline.duration_frames)})",
             "Aspect ratio": f"{width / height:.2f}:1 ({width // g}:{height // g})",
             "Frame rate": f"{timeline.fps} fps", "Sound": "Stereo, 48 kHz 24-bit; −14 LUFS streaming / −23 LUFS "
                                                         "EBU R128 screener",
             "Language": "English", "Scenes": str(len(timeline.scenes))}
    with ctx.recording():
        syn = K.write_synopses(parsed, backend)
    out = Path(out)
    pdf = K.export_press_kit_pdf(out, script=parsed, credits=creds, cast=cast, stills=[f for _, f in frames],
                                 key_art=art, specs=specs, synopses_=syn)
    meta_path = out.with_suffix(".platforms.json")
    with atomic_open(meta_path, "w") as fh:
        json.dump(K.platform_metadata(parsed, creds, [p.key for p in platforms.select(platforms_)], synopses_=syn), fh,
                  indent=1, ensure_ascii=False)
    for path in (pdf, meta_path):
        ctx.put_asset(path, "marketing.press-kit", f"{_slug(parsed.title)}-{path.name.split('.', 1)[-1]}",
                      meta={"stills": len(frames), "cast": len(cast), "synopsis": syn.record()})
    return {"pdf": pdf, "platforms": meta_path}


def marketing_kit(script: Any, out_dir: str | Path, *, ctx: Any = None, length: int = 30,
                  layout: str = "one-sheet", platforms_: str | list[str] = "tiktok,instagram-feed,youtube",
                  scale: float = 1.0, dpi: int = 300, progress: Any = None, settings: Any = None) -> dict[str, Any]:
    """Trailer, poster and social clips in one call (the template's and the demo's step); every QC line."""
    ctx = _allowed(ctx, "render", "export")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    f = film(script, ctx=ctx)
    parsed = f.script
    length = spot_length(f, length)
    size = None
    if scale != 1:
        info = media.probe(film_video(parsed, ctx=ctx, progress=progress, settings=settings))
        size = (max(16, round(info.width * scale / 2) * 2), max(16, round(info.height * scale / 2) * 2))
    t = trailer(parsed, length, out / f"{_slug(parsed.title)}-trailer-{length}.mp4", ctx=ctx, size=size,
                otio_out=out / f"{_slug(parsed.title)}-trailer-{length}.otio", progress=progress, settings=settings)
    p = poster(parsed, layout, out / f"{_slug(parsed.title)}-{layout}.pdf", ctx=ctx, dpi=dpi)
    clips = social(parsed, platforms_, out / "social", ctx=ctx, scale=scale, progress=progress, settings=settings)
    qc = [t.qc, *[q for c in clips for q in c.qc]]
    return {"trailer": t.path, "trailer_otio": t.otio, "trailer_mix_qc": t.mix_qc.line(), "poster_png": p.png,
            "poster_pdf": p.pdf, "poster_warnings": p.warnings,
            "social": {k: str(v) for c in clips for k, v in c.files.items()},
            "qc": [q.line() for q in qc], "passed": all(q.passed for q in qc)}


# -- for the Marketing Kit dashboard ---------------------------------------------------
def poster_preview(script: Any, layout: str = "one-sheet", *, ctx: Any = None, width: int = 480,
                   tagline: str | None = None) -> tuple[bytes, list[str]]:
    """A poster of ``layout`` about ``width`` px wide as PNG bytes (nothing written or stored), and its warnings."""
    ctx = project_context(ctx)
    lay = poster_art.get_layout(layout)
    parsed = load_script(script)
    creds = credits(ctx=ctx, script=parsed)
    art, portraits, warnings = key_art(parsed, ctx=ctx)
    full_w = lay.size(300)[0]
    result = poster_art.compose(layout, title=parsed.title, key_art=art, portraits=portraits, credits=creds,
                       tagline=tagline if tagline is not None else creds.tagline, release=creds.release,
                       dpi=300, scale=width / full_w)
    buf = _io.BytesIO()
    result.image.save(buf, "PNG")
    return buf.getvalue(), warnings


def latest_trailer(*, ctx: Any = None) -> tuple[Path | None, TrailerEDL | None, dict[str, Any]]:
    """The newest stored trailer (file), the EDL it was cut from and its stored meta (QC)."""
    ctx = project_context(ctx)
    recs = ctx.list_assets(kind="marketing.trailer")
    if not recs:
        return None, None, {}
    rec = max(recs, key=lambda a: a.id)
    edl = None
    name = (rec.meta or {}).get("edl")
    if name and ctx.latest(EDL_KIND, name) is not None:
        edl = TrailerEDL.model_validate_json(ctx.read_bytes(ctx.latest(EDL_KIND, name).id))
    return ctx.asset_path(rec.id), edl, dict(rec.meta or {})


def list_exports(*, ctx: Any = None) -> list[dict[str, Any]]:
    """Every stored social clip and platform export with its QC verdict (newest first)."""
    ctx = project_context(ctx)
    rows = []
    for kind in ("marketing.social", "marketing.export"):
        for a in ctx.list_assets(kind=kind):
            qc = (a.meta or {}).get("qc") or {}
            rows.append({"id": a.id, "kind": kind.split(".")[-1], "name": a.name, "preset": (a.meta or {}).get("preset"),
                         "passed": bool(qc.get("passed")), "problems": "; ".join(qc.get("problems") or []),
                         "path": str(ctx.asset_path(a.id))})
    return sorted(rows, key=lambda r: -r["id"])
