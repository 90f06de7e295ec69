"""Real footage: ingest (probe, H.264 proxy, thumbnails, shot detection), matching takes to the script.

Ingest never reads a clip into Python: ffmpeg streams the file into an H.264
proxy (same frame rate, so frame numbers agree), PySceneDetect finds the cuts on
the proxy, and the proxy, thumbnails and the take record are stored as Assets
only after everything worked — a broken, truncated or unsupported file raises
a ProductionError and leaves nothing stored. Camera originals stay where they
are; the take record keeps their path (editors relink to them).

Takes are matched to the script by slate metadata (``scene``/``shot``/``take``
tags) or by their names, in the two slating systems crews use:

* ``S12_T3``, ``S12_SH2_T3``, ``SC12-SH2-TK3``: European, scene / shot / take;
* ``12A-3``, ``12A_T3``: US, scene 12, set-up A (the second shot: the master
  is plain ``12``), take 3. When the script itself has a scene ``12A``,
  ``12A-3`` is take 3 of that scene.

A manual assignment overrides both, and is kept when the take is re-ingested.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from studio_kit import media
from studio_kit.domain.production import CoverageReport, CoverageRow, ShotPlan, Take
from studio_kit.exceptions import ProductionError

TAKE_KIND = "footage_take"
PROXY_KIND = "footage_proxy"
THUMB_KIND = "footage_thumbnail"
PROXY_HEIGHT = 540
MAX_THUMBNAILS = 12

_EURO = re.compile(r"(?:^|[^A-Z0-9])S(?:C|CENE)?[_\- ]?(?P<scene>\d+[A-Z]?)"
                   r"(?:[_\- ]?(?:SH|SHOT)[_\- ]?(?P<shot>\d+))?[_\- ]?(?:T|TK|TAKE)[_\- ]?(?P<take>\d+)", re.IGNORECASE)
_US = re.compile(r"(?:^|[^A-Z0-9])(?P<scene>\d+)(?P<setup>[A-Z]{0,2})[_\- ](?:T|TK)?(?P<take>\d+)(?:$|[^0-9])", re.IGNORECASE)


def parse_slate(name: str, scenes: Iterable[str] = ()) -> dict[str, Any] | None:
    """Scene, shot and take from a clip name (see the module doc); None when the name says nothing."""
    stem = Path(name).stem
    known = {s.upper() for s in scenes}
    m = _EURO.search(stem)
    if m:
        scene = m.group("scene").upper()
        shot = f"{scene}.{int(m.group('shot'))}" if m.group("shot") else None
        return {"scene": scene, "shot": shot, "take": int(m.group("take"))}
    m = _US.search(stem)
    if m:
        scene, setup = m.group("scene"), m.group("setup").upper()
        if setup and f"{scene}{setup}" in known:  # the script's own scene 12A
            return {"scene": f"{scene}{setup}", "shot": None, "take": int(m.group("take"))}
        shot_no = 1 + sum((ord(c) - ord("A") + 1) * 26 ** i for i, c in enumerate(reversed(setup))) if setup else 1
        return {"scene": scene, "shot": f"{scene}.{shot_no}", "take": int(m.group("take"))}
    return None


def detect_cuts(path: str | Path, threshold: float = 27.0) -> list[int]:
    """Frame numbers where a new shot starts (the first shot's frame 0 excluded), by PySceneDetect."""
    from scenedetect import ContentDetector, detect

    scenes = detect(str(path), ContentDetector(threshold=threshold, min_scene_len=6))
    return [start.get_frames() for start, _ in scenes[1:]]


def ingest(ctx: Any, paths: Iterable[str | Path], *, plan: ShotPlan | None = None,
           progress: Callable[[int, int, str], None] | None = None) -> list[Take]:
    """Ingest clips; every file is checked and processed before any of its assets is stored."""
    files = [Path(p) for p in paths]
    if not files:
        raise ProductionError("No footage files given.", hint="studio footage ingest CLIP.mov [CLIP2.mov …]")
    scenes = [s.scene_label for s in plan.active] if plan else []
    takes = []
    for k, path in enumerate(files):
        if progress:
            progress(k, len(files), path.name)
        takes.append(_ingest_one(ctx, path, scenes))
    if progress:
        progress(len(files), len(files), "")
    return takes


def _ingest_one(ctx: Any, path: Path, scenes: list[str]) -> Take:
    info = media.probe(path)
    if info.fps <= 0 or info.duration_s <= 0:
        raise ProductionError(f"{path.name} reports no frame rate or duration.",
                              hint="The file is probably truncated: copy it again from the card.")
    work = Path(tempfile.mkdtemp(prefix="studio-ingest-"))
    try:
        proxy = work / f"{path.stem}-proxy.mp4"
        # -xerror: a decoding error (a truncated or damaged clip) fails the ingest instead of a short proxy
        try:
            media.run_ffmpeg(["-xerror", "-i", str(path), "-map", "0:v:0", "-map", "0:a:0?", "-vf",
                              f"scale=-2:{min(PROXY_HEIGHT, info.height or PROXY_HEIGHT)}", "-c:v", "libx264",
                              "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac",
                              "-b:a", "128k", "-movflags", "+faststart", str(proxy)], f"decode {path.name}")
        except ProductionError as exc:
            raise ProductionError(f"{path.name} is damaged or truncated: {exc.message}",
                                  hint="Copy the clip again from the camera card (or re-export it), then ingest "
                                       "again; nothing of it was stored.") from None
        proxy_frames = media.video_frames(proxy)
        if info.frames and proxy_frames < info.frames - max(2, info.fps):
            raise ProductionError(f"{path.name} stops after {proxy_frames} of its {info.frames} frames.",
                                  hint="The file is truncated: copy it again from the card.")
        info.frames = proxy_frames or info.frames
        cuts = detect_cuts(proxy)
        starts = [0, *cuts][:MAX_THUMBNAILS]
        ends = [*cuts, info.frames][:MAX_THUMBNAILS]
        thumbs = []
        for i, (a, b) in enumerate(zip(starts, ends)):
            thumb = work / f"{path.stem}-shot{i + 1}.jpg"
            media.run_ffmpeg(["-ss", f"{(a + b) / 2 / info.fps:.3f}", "-i", str(proxy), "-frames:v", "1",
                              "-vf", "scale=320:-2", str(thumb)], f"make a thumbnail of {path.name}")
            thumbs.append(thumb)
        slate = _slate(path, scenes)
        previous = latest_take(ctx, path.stem)
        slate = slate or {}
        matched_by = slate.pop("matched_by", "")
        take = Take(name=path.stem, source=str(path.resolve()), media=info, cuts=cuts, matched_by=matched_by,
                    **slate)
        if previous and previous.matched_by == "override":  # a manual assignment survives re-ingest
            take.scene, take.shot, take.take, take.matched_by = (previous.scene, previous.shot, previous.take,
                                                                 "override")
        stored: list[Any] = []
        try:
            stored.append(ctx.put_asset(proxy, kind=PROXY_KIND, name=f"{path.stem}-proxy.mp4",
                                        meta={"source": take.source, "frames": info.frames, "fps": info.fps}))
            take.proxy_asset_id = stored[-1].id
            for i, thumb in enumerate(thumbs):
                stored.append(ctx.put_asset(thumb, kind=THUMB_KIND, name=thumb.name,
                                            meta={"take": take.name, "shot_index": i + 1}))
                take.thumbnail_asset_ids.append(stored[-1].id)
            record = save_take(ctx, take)
        except BaseException:
            for asset in stored:  # nothing half-stored
                ctx.delete_asset(asset.id)
            raise
        take.asset_id = record.id
        return take
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _slate(path: Path, scenes: list[str]) -> dict[str, Any] | None:
    tags = media.tags(path)
    if tags.get("scene") and tags.get("take"):
        scene = tags["scene"].upper()
        shot = tags.get("shot")
        return {"scene": scene, "shot": f"{scene}.{shot}" if shot and "." not in shot else shot,
                "take": int(re.sub(r"\D", "", tags["take"]) or 0), "matched_by": "slate"}
    parsed = parse_slate(path.name, scenes)
    return {**parsed, "matched_by": "name"} if parsed else None


def save_take(ctx: Any, take: Take) -> Any:
    return ctx.put_asset(take.model_dump_json(indent=1, exclude={"asset_id"}), kind=TAKE_KIND,
                         name=f"{take.name}.json", parent_id=take.proxy_asset_id,
                         meta={"scene": take.scene, "shot": take.shot, "take": take.take,
                               "matched_by": take.matched_by})


def latest_take(ctx: Any, name: str) -> Take | None:
    asset = ctx.latest(TAKE_KIND, f"{name}.json")
    if asset is None:
        return None
    return Take.model_validate_json(ctx.read_bytes(asset.id)).model_copy(update={"asset_id": asset.id})


def list_takes(ctx: Any) -> list[Take]:
    names: list[str] = []
    for asset in ctx.list_assets(kind=TAKE_KIND):
        if asset.name not in names:
            names.append(asset.name)
    return [t for t in (latest_take(ctx, n.removesuffix(".json")) for n in names) if t]


def assign_take(ctx: Any, name: str, *, shot: str | None = None, scene: str | None = None,
                take_number: int | None = None) -> Take:
    """Manually assign a take to a shot (``12.3``) or a scene; stored as a new version of the take record."""
    take = latest_take(ctx, name)
    if take is None:
        known = ", ".join(t.name for t in list_takes(ctx)) or "none ingested"
        raise ProductionError(f"No take named {name!r}.", hint=f"Takes: {known}.")
    if not scene:
        if not shot:
            raise ProductionError("Say which shot or scene the take belongs to.", hint="--shot 12.3 or --scene 12")
        scene = shot.split(".")[0]
    if shot and not re.fullmatch(r"\d+[A-Z]*\.\d+[A-Z]*", shot.upper()):
        raise ProductionError(f"{shot!r} is not a shot number.", hint="Shots are SCENE.SHOT, e.g. 12.3 or 12A.1.")
    updated = take.model_copy(update={"shot": shot.upper() if shot else None,
                                      "scene": scene.upper(),
                                      "take": take_number if take_number is not None else take.take,
                                      "matched_by": "override"})
    record = save_take(ctx, updated)
    return updated.model_copy(update={"asset_id": record.id})


def takes_for(plan: ShotPlan, takes: list[Take]) -> dict[str, list[Take]]:
    """Takes by shot number: a take naming its shot goes there; a scene-only take covers its scene's master."""
    out: dict[str, list[Take]] = {s.number: [] for s in plan.active}
    for take in takes:
        if take.shot and take.shot in out:
            out[take.shot].append(take)
        elif take.scene:
            first = next((s for s in plan.active if s.scene_label.upper() == take.scene), None)
            if first is not None:
                out[first.number].append(take)
    return out


def coverage(plan: ShotPlan, takes: list[Take]) -> CoverageReport:
    """Every scripted shot with its takes and whether it has an AI frame; ``missing`` has neither."""
    by_shot = takes_for(plan, takes)
    placed = {t.name for ts in by_shot.values() for t in ts}
    rows = [CoverageRow(number=s.number, scene=s.scene_label, description=s.description,
                        takes=[t.name for t in by_shot[s.number]], ai_frame=s.asset_id is not None)
            for s in plan.active]
    return CoverageReport(rows=rows, unmatched_takes=[t.name for t in takes if t.name not in placed])
