"""The hybrid cut: per shot slot a real take or the AI shot, as an OpenTimelineIO timeline.

Slots and their lengths come from the film's timeline; each becomes one clip on
the picture track V1 whose media reference points at the take's proxy (trimmed
from its in-frame) or at the AI render (the shot video when there is one, else
the frame). Scene starts and editor notes are markers; every clip's metadata says
``source: take | ai`` so an NLE or the dashboard can badge it. The mix, when there
is one, sits on A1. The cut exports through OTIO's adapters (``.otio``, Final Cut
Pro X ``.fcpxml``, Final Cut Pro 7 / Premiere ``.xml``, CMX 3600 ``.edl``, Avid
``.aaf`` through ``otio-aaf-adapter``) and renders to MP4 with the animatic's renderer.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from studio_kit import media
from studio_kit.domain.production import CutChoice, ShotPlan, Take
from studio_kit.domain.timeline import Timeline
from studio_kit.engines.production import continuity
from studio_kit.engines.production.animatic import FPS, PROGRAM_START, slots
from studio_kit.engines.production.shots import frame_image
from studio_kit.exceptions import ProductionError
from studio_kit.store.files import atomic_path

CUT_KIND = "cut"
FORMATS = {"otio": ("otio_json", ".otio"), "fcpxml": ("fcpx_xml", ".fcpxml"), "xml": ("fcp_xml", ".xml"),
           "edl": ("cmx_3600", ".edl"), "aaf": ("AAF", ".aaf")}


def load_choices(ctx: Any, name: str) -> dict[str, CutChoice]:
    asset = ctx.latest(CUT_KIND, name)
    if asset is None:
        return {}

    data = json.loads(ctx.read_bytes(asset.id))
    return {k: CutChoice.model_validate(v) for k, v in data.get("choices", {}).items()}


def take_frame(ctx: Any, take: Take, in_frame: int, width: int = 256) -> Any:
    """One decoded frame of a take's proxy (RGB array, ``width`` wide), at ``in_frame``."""
    w, h = take.media.width or 16, take.media.height or 9
    height = max(2, round(width * h / w / 2) * 2)
    frame = next(media.read_frames(ctx.asset_path(take.proxy_asset_id), width, height,
                                   start_s=in_frame / (take.media.fps or FPS), count=1), None)
    if frame is None:
        raise ProductionError(f"Frame {in_frame} of take {take.name} could not be decoded.",
                              hint="Pick an in-frame inside the take, or ingest the clip again.")
    return frame


def colour_reference(plan: ShotPlan, choices: dict[str, CutChoice], number: str,
                     take: str | None) -> tuple[str, CutChoice | None] | None:
    """The neighbouring slot a take cut into ``number`` is matched to: the previous shot of its scene, else
    the next, whose picture comes from elsewhere (its AI shot, or another take: another camera or day).
    ``(shot number, its choice)``, or None when no neighbour differs (nothing to match to)."""
    shot = plan.shot(number)
    scene = [s for s in plan.active if s.scene_label == shot.scene_label]
    at = next(i for i, s in enumerate(scene) if s.number == shot.number)
    for other in [*reversed(scene[:at]), *scene[at + 1:]]:
        choice = choices.get(other.number)
        if choice is not None and choice.source == "take":
            if choice.take != take:
                return other.number, choice
        elif other.asset_id is not None:
            return other.number, None
    return None


def propose_colour_match(ctx: Any, plan: ShotPlan, takes: dict[str, Take], choices: dict[str, CutChoice],
                         number: str, take: str, in_frame: int = 0) -> dict[str, Any] | None:
    """The colour match a take cut into slot ``number`` is offered: tone curves (scikit-image's histogram
    match of the take's in-frame onto the neighbouring slot's picture, :func:`colour_reference`) and the
    ffmpeg filter that applies them at conform. None when there is nothing to match to."""
    found = colour_reference(plan, choices, number, take)
    if found is None:
        return None
    ref_number, ref_choice = found
    if ref_choice is not None and ref_choice.take in takes:
        reference = take_frame(ctx, takes[ref_choice.take], ref_choice.in_frame)
        label = f"take {ref_choice.take} (shot {ref_number})"
    else:
        reference = frame_image(ctx, plan.shot(ref_number))
        label = f"AI shot {ref_number}"
    frame = take_frame(ctx, takes[take], in_frame)
    curves = continuity.colour_curves(frame, reference)
    return {"reference": label, "reference_shot": ref_number, "take": take, "in_frame": in_frame,
            "curves": curves, "filter": continuity.curves_filter(curves),
            "means_before": continuity.channel_means(frame),
            "means_after": continuity.channel_means(continuity.match_colour(frame, reference)),
            "means_reference": continuity.channel_means(reference)}


def choose(ctx: Any, plan: ShotPlan, takes: dict[str, Take], number: str, *, source: str,
           take: str | None = None, in_frame: int = 0, note: str = "",
           colour_match: bool = False) -> dict[str, CutChoice]:
    """Cut shot ``number`` to a take (``source="take"``) or back to its AI shot (``"ai"``); a new cut version.

    ``colour_match``: store the take's colour match to its neighbouring slot with the choice
    (:func:`propose_colour_match`); the animatic renderer applies its filter when it conforms the cut."""
    shot = plan.shot(number)
    if source not in ("ai", "take"):
        raise ProductionError(f"A shot is cut to 'ai' or 'take', not {source!r}.", hint="--source ai|take")
    if source == "take":
        if take not in takes:
            raise ProductionError(f"No ingested take {take!r}.",
                                  hint=f"Takes: {', '.join(sorted(takes)) or 'none: ingest footage first'}.")
        frames = takes[take].media.frames
        if not 0 <= in_frame < max(1, frames):
            raise ProductionError(f"In-frame {in_frame} is outside take {take} ({frames} frames).",
                                  hint=f"Give an in-frame between 0 and {max(0, frames - 1)}.")
    elif shot.asset_id is None and shot.video_asset_id is None:
        raise ProductionError(f"Shot {number} has no AI frame to cut to.", hint="Render it: `studio shots render`.")
    choices = load_choices(ctx, plan.script_name)
    extra: dict[str, Any] = {}
    if colour_match:
        if source != "take" or take is None:  # (a take cut has its take checked above)
            raise ProductionError(f"Shot {number}: only a real take is colour-matched (the AI shots are matched "
                                  "by the animatic's --colour-match).", hint="Cut a take to it first.")
        match = propose_colour_match(ctx, plan, takes, choices, shot.number, take, in_frame)
        if match is None:
            raise ProductionError(f"Shot {number} has no neighbouring shot in its scene to match its colour to.",
                                  hint="Render or cut the other shots of the scene first, or leave colour as shot.")
        extra["colour_match"] = match
    choices[shot.number] = CutChoice(number=shot.number, source=source, take=take if source == "take" else None,
                                     in_frame=in_frame if source == "take" else 0, note=note, extra=extra)
    ctx.put_asset(json.dumps({"choices": {k: v.model_dump() for k, v in choices.items()}}, indent=1),
                  kind=CUT_KIND, name=plan.script_name, meta={"changed": number, "source": source})
    return choices


def build_otio(ctx: Any, plan: ShotPlan, timeline: Timeline, choices: dict[str, CutChoice],
               takes: dict[str, Take], mix: Path | None = None):
    """The cut as an ``opentimelineio.schema.Timeline``: V1 one clip per shot slot, A1 the mix."""
    import opentimelineio as otio

    def rt(frames: float, rate: float = FPS):
        return otio.opentime.RationalTime(frames, rate)

    def rng(start: float, dur: float, rate: float = FPS):
        return otio.opentime.TimeRange(rt(start, rate), rt(dur, rate))

    cut = otio.schema.Timeline(name=f"{plan.title} — hybrid cut")
    cut.global_start_time = rt(PROGRAM_START)
    cut.metadata["studio_kit"] = {"schema": "studio_kit.Cut.1", "title": plan.title, "plan": plan.script_name,
                                  "fps": FPS}
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    cursor = 0
    previous_scene = None
    for slot, shot in slots(plan, timeline):
        if slot.start_frame > cursor:
            video.append(otio.schema.Gap(source_range=rng(0, slot.start_frame - cursor)))
        choice = choices.get(shot.number)
        take = takes.get(choice.take) if choice and choice.source == "take" and choice.take else None
        if take is not None and choice is not None:  # (a take is only looked up for a choice)
            proxy = ctx.asset_path(take.proxy_asset_id)
            rate = take.media.fps or FPS
            ref = otio.schema.ExternalReference(target_url=proxy.as_uri(),
                                                available_range=rng(0, take.media.frames, rate))
            ref.name = take.name
            # the take plays for the slot's length at its own rate, from its in-frame
            source = rng(choice.in_frame, slot.duration_frames * rate / FPS, rate)
            meta: dict[str, Any] = {"source": "take", "take": take.name, "camera_original": take.source, "scene": take.scene,
                    "take_number": take.take}
            match = choice.extra.get("colour_match")
            if match:   # the grade an editor redoes in the NLE: reference, curves and the ffmpeg filter
                meta["colour_match"] = {k: match[k] for k in ("reference", "curves", "filter") if k in match}
            name = f"{shot.number} {take.name}"
        else:
            asset_id = shot.video_asset_id or shot.asset_id
            if asset_id is None:
                raise ProductionError(f"Shot {shot.number} has neither a take nor an AI render.",
                                      hint="Render the shots or cut a take to it.")
            path = ctx.asset_path(asset_id)
            ref = otio.schema.ExternalReference(target_url=path.as_uri())
            ref.name = f"shot {shot.number}"
            ref.available_range = rng(0, slot.duration_frames)  # a still lasts as long as it is used
            source = rng(0, slot.duration_frames)
            meta = {"source": "ai", "kind": "video" if shot.video_asset_id else "frame", "asset_id": asset_id,
                    "backend": shot.backend, "seed": shot.seed}
            name = f"{shot.number} AI {shot.size}"
        clip = otio.schema.Clip(name=name, media_reference=ref, source_range=source)
        reel = take.name if take is not None else f"AI{shot.number.replace('.', '_')}"
        clip.metadata["cmx_3600"] = {"reel": re.sub(r"[^A-Za-z0-9_]", "", reel)[:8]}  # EDL reels: 8 characters
        clip.metadata["studio_kit"] = {**meta, "shot": shot.number, "scene": slot.scene_number,
                                       "size": shot.size, "movement": slot.movement or shot.movement,
                                       "description": shot.description}
        if slot.scene_number != previous_scene:
            clip.markers.append(otio.schema.Marker(name=f"Sc {slot.scene_number}: {shot.heading}",
                                                   marked_range=rng(source.start_time.value, 0,
                                                                    source.start_time.rate),
                                                   color=otio.schema.MarkerColor.RED))
            previous_scene = slot.scene_number
        if choice and choice.note:
            clip.markers.append(otio.schema.Marker(name=choice.note, marked_range=rng(
                source.start_time.value, 0, source.start_time.rate), color=otio.schema.MarkerColor.YELLOW))
        video.append(clip)
        cursor = slot.end_frame
    cut.tracks.append(video)
    if mix is not None:
        audio = otio.schema.Track(name="A1 Mix", kind=otio.schema.TrackKind.Audio)
        ref = otio.schema.ExternalReference(target_url=Path(mix).resolve().as_uri())
        audio.append(otio.schema.Clip(name="Mix", media_reference=ref, source_range=rng(0, timeline.duration_frames)))
        cut.tracks.append(audio)
    return cut


def export(cut: Any, out: str | Path, fmt: str | None = None) -> Path:
    """Write the cut through an OTIO adapter: otio, fcpxml (FCP X), xml (FCP 7 / Premiere), edl (CMX 3600) or
    aaf (Avid Media Composer; the clips link to their media by file name, as an AAF of an offline edit does)."""
    import opentimelineio as otio


    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".") or "otio").lower()
    if fmt not in FORMATS:
        raise ProductionError(f"Unknown cut format {fmt!r}.", hint=f"Use one of: {', '.join(FORMATS)}.")
    adapter, suffix = FORMATS[fmt]
    if out.suffix.lower() != suffix:
        out = out.with_suffix(suffix)
    if fmt == "edl":  # an EDL is one picture track; sound lives in the mix
        cut = copy.deepcopy(cut)
        for track in [t for t in cut.tracks if t.kind != otio.schema.TrackKind.Video]:
            cut.tracks.remove(track)
    if fmt == "aaf" and "AAF" not in otio.adapters.available_adapter_names():
        raise ProductionError("AAF export needs OpenTimelineIO's AAF adapter, which is not installed.",
                              hint="pip install 'studio_kit[video]' (otio-aaf-adapter), or export fcpxml, xml or edl.")
    with atomic_path(out) as tmp:
        if fmt == "edl":
            tmp.write_text(_edl_at_program_start(cut, otio.adapters.write_to_string(cut, adapter_name=adapter)),
                           encoding="utf-8")
        elif fmt == "aaf":   # no Avid master mobs exist for renders: the adapter makes fresh mob ids
            otio.adapters.write_to_file(cut, str(tmp), adapter_name=adapter, use_empty_mob_ids=True)
        else:
            otio.adapters.write_to_file(cut, str(tmp), adapter_name=adapter)
    return out


_EDL_EVENT = re.compile(r"^(\d{3}\s.*?)(\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d)\s*$")


def _edl_at_program_start(cut: Any, text: str) -> str:
    """The CMX 3600 text with record timecodes from the timeline's start (01:00:00:00, as an editor's
    sequence starts; the adapter writes them from zero) and the frame-count mode line after the title."""
    import opentimelineio as otio

    start = cut.global_start_time
    rate = start.rate if start is not None else FPS

    def shift(tc: str) -> str:
        return otio.opentime.to_timecode(otio.opentime.from_timecode(tc, rate) + start, rate)

    lines = []
    for line in text.splitlines():
        m = _EDL_EVENT.match(line) if start is not None else None
        lines.append(f"{m.group(1)}{shift(m.group(2))} {shift(m.group(3))}" if m else line)
        if line.startswith("TITLE:") and "\nFCM:" not in text:
            lines.append("FCM: NON-DROP FRAME")
    return "\n".join(lines) + "\n"
