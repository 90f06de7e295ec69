"""The animatic (and the hybrid cut): an H.264/AAC MP4 whose shots last what the film's timeline says.

Timing comes only from :class:`~studio_kit.domain.timeline.Timeline`: each shot
slot plays for its ``duration_frames`` at 24 fps. What plays in a slot is, in
order of preference, the take chosen for it in the cut, the shot's AI video
render, or a camera move over its frame made by the configured video backend
(previz by default). Title and end cards frame the film; timecode (program
start 01:00:00:00 on the first frame of the timeline) and shot labels can be
burned in. The post-production mix is the soundtrack, delayed by the title
card; without a mix the film gets a silent track of the same length and a
warning.

Rendering streams: each segment (a card or a shot) is frames piped raw into
ffmpeg's libx264, never the film in memory. Segments are cached by a content
hash of (picture, timing, movement, preset, overlays, backend), so changing one
shot re-encodes only its segment; the film is re-assembled with ffmpeg's concat
demuxer without re-encoding the picture (every segment has the same encoder
settings, each opens on a key frame) and only the sound is encoded.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit import media
from studio_kit.config import get_settings
from studio_kit.domain.production import CutChoice, ShotFrame, ShotPlan, Take
from studio_kit.domain.requests import VideoRequest
from studio_kit.domain.timeline import Timeline
from studio_kit.engines.production.continuity import match_colour
from studio_kit.engines.production.shots import frame_image, shot_request
from studio_kit.exceptions import ProductionError
from studio_kit.fonts import font as _font
from studio_kit.registry import get_backend_class, invoke, load_backend
from studio_kit.store.files import atomic_path

PRESETS = {"720p": (1280, 720), "1080p": (1920, 1080)}
FPS = 24
TITLE_FRAMES = 3 * FPS
END_FRAMES = 2 * FPS
PROGRAM_START = 3600 * FPS   # 01:00:00:00 on the timeline's first frame
RENDERER = "animatic-2"
#: the same for every segment, so segments concatenate without re-encoding: H.264 High 4:2:0,
#: closed GOP of half the frame rate, no scene-cut key frames, a fixed time base
ENCODER_ARGS = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-profile:v", "high",
                "-g", str(FPS // 2), "-keyint_min", str(FPS // 2), "-sc_threshold", "0", "-flags", "+cgop",
                "-r", str(FPS), "-video_track_timescale", str(FPS * 512)]
Progress = Callable[[int, int, str], None]


@dataclass
class Segment:
    key: str
    frames: int
    label: str
    source: Callable[[], Iterator[np.ndarray]]
    overlay: Callable[[Any, int], None] | None = None


@dataclass
class AnimaticResult:
    path: Path
    preset: str
    width: int
    height: int
    frames: int                       # the whole film, cards included
    timeline_frames: int
    title_frames: int
    end_frames: int
    rendered: int                     # segments encoded this time
    cached: int                       # segments reused from the cache
    seconds: float
    encode_seconds: float
    has_mix: bool
    warnings: list[str] = field(default_factory=list)
    asset: Any = None

    @property
    def duration_s(self) -> float:
        return self.frames / FPS


def preset_size(preset: str) -> tuple[int, int]:
    if preset not in PRESETS:
        raise ProductionError(f"Unknown animatic preset {preset!r}.", hint=f"Use one of: {', '.join(PRESETS)}.")
    return PRESETS[preset]


def slots(plan: ShotPlan, timeline: Timeline) -> list[tuple[Any, ShotFrame]]:
    """Each timeline shot slot with the plan's shot that fills it (same scene, same order)."""
    by_scene = plan.scenes()
    out = []
    for scene in timeline.scenes:
        shots = by_scene.get(scene.scene_index, [])
        for k, slot in enumerate(scene.shots):
            if not shots:
                raise ProductionError(f"Scene {scene.scene_number} is on the timeline but has no shots in the plan.",
                                      hint="Render the shots of the same script draft: `studio shots render SCRIPT`.")
            out.append((slot, shots[min(k, len(shots) - 1)]))
    return out


def timecode(frame: int) -> str:
    ff, s = frame % FPS, frame // FPS
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{ff:02d}"


def _card(size: tuple[int, int], lines: list[tuple[str, float]]):
    from PIL import Image, ImageDraw


    img = Image.new("RGB", size, (12, 12, 14))
    d = ImageDraw.Draw(img)
    w, h = size
    y = h * 0.38
    for text, rel in lines:
        font = _font(max(12, int(h * rel)))
        tw = d.textlength(text, font=font)
        d.text(((w - tw) / 2, y), text, fill=(236, 232, 220), font=font)
        y += h * rel * 1.6
    return img


def _still_source(image: Any, frames: int) -> Callable[[], Iterator[np.ndarray]]:
    def run() -> Iterator[np.ndarray]:
        arr = np.asarray(image.convert("RGB"))
        for _ in range(frames):
            yield arr
    return run


def _padded(frames: Iterator[np.ndarray], count: int, size: tuple[int, int]) -> Iterator[np.ndarray]:
    """Exactly ``count`` frames: a short source holds its last frame (black if it had none)."""
    last = np.zeros((size[1], size[0], 3), np.uint8)
    n = 0
    for n, frame in enumerate(frames, start=1):
        last = frame
        yield frame
        if n >= count:
            return
    for _ in range(count - n):
        yield last


class Overlays:
    """Burned-in timecode and shot labels, drawn on each frame."""

    def __init__(self, size: tuple[int, int], burn_timecode: bool, labels: bool):
        self.size, self.burn_timecode, self.labels = size, burn_timecode, labels
        self.font = _font(max(12, size[1] // 26))

    @property
    def active(self) -> bool:
        return self.burn_timecode or self.labels

    def for_segment(self, first_frame: int, label: str) -> Callable[[Any, int], None] | None:
        if not self.active:
            return None
        w, h = self.size
        pad = h // 60

        def draw(d: Any, i: int) -> None:
            if self.burn_timecode:
                tc = timecode(PROGRAM_START + first_frame + i)
                tw = d.textlength(tc, font=self.font)
                d.rectangle((w - tw - 3 * pad, pad, w - pad, pad + h // 26 + 2 * pad), fill=(0, 0, 0))
                d.text((w - tw - 2 * pad, 1.5 * pad), tc, fill=(255, 255, 255), font=self.font)
            if self.labels and label:
                tw = d.textlength(label, font=self.font)
                d.rectangle((pad, pad, tw + 3 * pad, pad + h // 26 + 2 * pad), fill=(0, 0, 0))
                d.text((2 * pad, 1.5 * pad), label, fill=(255, 230, 120), font=self.font)
        return draw


def encode_segment(segment: Segment, out: Path, size: tuple[int, int]) -> None:
    """Pipe the segment's frames into libx264 (``out`` written atomically)."""
    from PIL import Image, ImageDraw


    w, h = size
    with atomic_path(out) as tmp:
        proc = subprocess.Popen([media.ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                                 "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(FPS), "-i", "-",
                                 *ENCODER_ARGS, "-an", "-f", "mp4", str(tmp)],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdin is not None and proc.stderr is not None  # both opened as pipes just above
        written = 0
        try:
            for i, frame in enumerate(_padded(segment.source(), segment.frames, size)):
                if frame.shape != (h, w, 3):
                    frame = np.asarray(Image.fromarray(frame).resize((w, h)))
                if segment.overlay is not None:
                    img = Image.fromarray(frame)
                    segment.overlay(ImageDraw.Draw(img), i)
                    frame = np.asarray(img)
                proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).data)  # a memoryview: no extra copy
                written += 1
            proc.stdin.close()
        except BrokenPipeError:
            pass
        err = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0 or written != segment.frames:
            raise ProductionError(f"Encoding {segment.label} failed after {written} of {segment.frames} frames: "
                                  f"{err.strip()[-300:]}", hint="Check free disk space; then render again.")


def _hash(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def build_segments(ctx: Any, plan: ShotPlan, timeline: Timeline, size: tuple[int, int], *, preset: str,
                   title_card: bool, end_card: bool, overlays: Overlays, colour_match: bool,
                   choices: dict[str, CutChoice], takes: dict[str, Take], backend: Any,
                   settings: Any = None) -> list[Segment]:
    """The film as segments: title card, one per shot slot, end card."""
    segments: list[Segment] = []
    if title_card:
        title = plan.title or timeline.title or "Untitled"
        card = _card(size, [(title, 0.08), ("Animatic", 0.04),
                            (f"{timecode(timeline.duration_frames)[3:]} · {len(list(timeline.shots()))} shots",
                             0.03)])
        segments.append(Segment(_hash(RENDERER, "title", title, timeline.duration_frames, size,
                                      overlays.burn_timecode), TITLE_FRAMES, "title card",
                                _still_source(card, TITLE_FRAMES), overlays.for_segment(-TITLE_FRAMES, "")))
    references: dict[int, Any] = {}
    for slot, shot in slots(plan, timeline):
        label = f"SC {slot.scene_number} · {shot.number} · {shot.size.upper()} · {shot.movement}"
        choice = choices.get(shot.number)
        take = takes.get(choice.take) if choice and choice.source == "take" and choice.take else None
        over = overlays.for_segment(slot.start_frame, label if overlays.labels else "")
        if choice and choice.source == "take" and take is None:
            raise ProductionError(f"Shot {shot.number} is cut to take {choice.take!r}, which is not ingested.",
                                  hint="Ingest it with `studio footage ingest`, or cut the AI shot instead.")
        if take is not None and choice is not None:  # (a take is only looked up for a choice)
            proxy = ctx.get_asset(take.proxy_asset_id)
            start_s = choice.in_frame / (take.media.fps or FPS)
            grade = (choice.extra.get("colour_match") or {}).get("filter")   # the choice's colour match
            key = _hash(RENDERER, "take", proxy.sha256, choice.in_frame, slot.duration_frames, size, grade,
                        overlays.burn_timecode and slot.start_frame, over is not None and label)
            source = _file_source(ctx.asset_path(proxy.id), slot.duration_frames, size, start_s, grade)
            segments.append(Segment(key, slot.duration_frames, f"shot {shot.number} (take {take.name})", source,
                                    over))
            continue
        if shot.video_asset_id is not None:
            video = ctx.get_asset(shot.video_asset_id)
            key = _hash(RENDERER, "video", video.sha256, slot.duration_frames, size,
                        overlays.burn_timecode and slot.start_frame, over is not None and label)
            source = _file_source(ctx.asset_path(video.id), slot.duration_frames, size)
            segments.append(Segment(key, slot.duration_frames, f"shot {shot.number} (AI video)", source, over))
            continue
        if shot.asset_id is None:
            raise ProductionError(f"Shot {shot.number} has no frame to animate.",
                                  hint="Render the shots first: `studio shots render SCRIPT`.")
        frame_sha = ctx.get_asset(shot.asset_id).sha256
        reference = references.setdefault(slot.scene_number, shot) if colour_match else shot
        reference = None if reference is shot else reference  # the scene's first shot is the colour reference
        ref_sha = ctx.get_asset(reference.asset_id).sha256 if reference is not None else None
        movement = slot.movement or shot.movement
        staged = _staged_move(shot, movement, settings)
        if staged is not None:  # the 3D previz drew the frame: render the move itself, not a crop of the still
            engine3d, move, amount = staged
            key = _hash(RENDERER, "3d-move", frame_sha, ref_sha, slot.duration_frames, movement, size,
                        engine3d.model_id, shot.seed, shot.previz, overlays.burn_timecode and slot.start_frame,
                        over is not None and label)
            segments.append(Segment(key, slot.duration_frames, f"shot {shot.number} (3D {move})",
                                    _staged_move_source(ctx, plan, shot, engine3d, move, amount, slot.duration_frames,
                                                        size, reference, frame_image), over))
            continue
        key = _hash(RENDERER, "shot", frame_sha, ref_sha, slot.duration_frames, movement, size, backend.name,
                    backend.model_id, shot.seed, overlays.burn_timecode and slot.start_frame,
                    over is not None and label)
        segments.append(Segment(key, slot.duration_frames, f"shot {shot.number}",
                                _move_source(ctx, shot, movement, slot.duration_frames, size, backend, reference,
                                             frame_image),
                                over))
    if end_card:
        card = _card(size, [("END", 0.09), (plan.title or timeline.title or "", 0.035),
                            ("animatic · studio_kit", 0.028)])
        segments.append(Segment(_hash(RENDERER, "end", plan.title, size,
                                      overlays.burn_timecode and timeline.duration_frames),
                                END_FRAMES, "end card", _still_source(card, END_FRAMES),
                                overlays.for_segment(timeline.duration_frames, "")))
    return segments


def _file_source(path: Path, frames: int, size: tuple[int, int], start_s: float = 0.0,
                 filters: str | None = None) -> Callable[[], Iterator[np.ndarray]]:
    def run() -> Iterator[np.ndarray]:
        return media.read_frames(path, size[0], size[1], start_s=start_s, count=frames, fps=FPS, fit=True,
                                 filters=filters)
    return run


#: the 3D previz renders a camera move at this fraction of the animatic's size ("preview resolution"); the
#: encoder scales it up. 640×360 for the 720p animatic: ~0.12 s a frame with Workbench on 2 cores (NOTES)
MOVE_SCALE = 0.5


def _staged_move(shot: ShotFrame, movement: str, settings: Any) -> tuple[Any, str, float | None] | None:
    """(the 3D previz backend, its move, amount) when ``shot``'s frame came from the 3D previz, its movement is a
    move of the camera body (push, pull, pan, tilt, tracking, crane) and Blender is installed here; else None
    (the video backend animates the still, as for every other picture-maker)."""
    stager: Any = get_backend_class("image", "blender3d")
    mapped = stager.camera_move(movement)
    if shot.backend != stager.name or mapped is None or not stager.availability(settings).ok:
        return None
    return (load_backend("image", stager.name, settings=settings), *mapped)


def _staged_move_source(ctx: Any, plan: ShotPlan, shot: ShotFrame, engine: Any, move: str, amount: float | None,
                        frames: int, size: tuple[int, int], reference: ShotFrame | None,
                        frame_image: Callable[..., Any]) -> Callable[[], Iterator[np.ndarray]]:
    def run() -> Iterator[np.ndarray]:
        preview = (max(64, round(size[0] * MOVE_SCALE / 2) * 2), max(64, round(size[1] * MOVE_SCALE / 2) * 2))
        request, _ = shot_request(ctx, shot, plan, seed=shot.seed, size=preview)
        rendered = invoke(engine, "render_move", request, move, frames=frames, amount=amount, seed=shot.seed,
                          units=frames, inputs=[shot.asset_id],
                          params={"shot": shot.number, "move": move, "amount": amount, "frames": frames,
                                  "width": preview[0], "height": preview[1], "previz": shot.previz})
        match: Callable[[Any], Any] | None = None
        if reference is not None:
            ref = frame_image(ctx, reference)

            def match_reference(img: Any) -> Any:
                return match_colour(img, ref)

            match = match_reference
        for frame in rendered:
            img = frame.picture.resize(size)
            yield np.asarray(match(img) if match else img)
    return run


def _move_source(ctx: Any, shot: ShotFrame, movement: str, frames: int, size: tuple[int, int], backend: Any,
                 reference: ShotFrame | None, frame_image: Callable[..., Any]) -> Callable[[], Iterator[np.ndarray]]:
    def run() -> Iterator[np.ndarray]:
        still = frame_image(ctx, shot)
        if reference is not None:
            still = match_colour(still, frame_image(ctx, reference))
        request = VideoRequest(frames=frames, fps=FPS, width=size[0], height=size[1], image=still,
                               movement=movement, seed=shot.seed, prompt=shot.description)
        clip = invoke(backend, "generate", request, seed=shot.seed, units=frames / FPS,
                      inputs=[shot.asset_id], params={"shot": shot.number, "movement": movement, "frames": frames,
                                                      "width": size[0], "height": size[1]})
        yield from clip
    return run


def assemble(segment_files: list[Path], out: Path, *, total_frames: int, audio: Path | None,
             audio_delay_frames: int) -> None:
    """Concatenate the segments without re-encoding the picture and lay the soundtrack under them."""
    seconds = total_frames / FPS
    with atomic_path(out) as tmp:
        listing = tmp.with_suffix(".txt")
        listing.write_text("".join(f"file '{p.resolve()}'\n" for p in segment_files))
        try:
            args = ["-f", "concat", "-safe", "0", "-i", str(listing)]
            if audio is not None:
                delay = round(audio_delay_frames * 1000 / FPS)
                args += ["-i", str(audio), "-filter_complex",
                         f"[1:a]aresample=48000,adelay=delays={delay}:all=1,apad,atrim=0:{seconds:.6f}[a]"]
            else:
                args += ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-filter_complex",
                         f"[1:a]atrim=0:{seconds:.6f}[a]"]
            args += ["-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", "-ar", "48000",
                     "-ac", "2", "-t", f"{seconds:.6f}", "-movflags", "+faststart", "-f", "mp4", str(tmp)]
            media.run_ffmpeg(args, "assemble the animatic")
        finally:
            listing.unlink(missing_ok=True)


def render(ctx: Any, plan: ShotPlan, timeline: Timeline, out: str | Path, *, preset: str = "720p",
           mix: str | Path | None = None, title_card: bool = True, end_card: bool = True,
           burn_timecode: bool = False, labels: bool = False, colour_match: bool = False,
           choices: dict[str, CutChoice] | None = None, takes: dict[str, Take] | None = None,
           backend: str | None = None, cache_dir: str | Path | None = None, settings: Any = None,
           progress: Progress | None = None) -> AnimaticResult:
    """Render the film to ``out`` (MP4); see the module doc."""
    if settings is None:
        settings = get_settings()
    size = preset_size(preset)
    if timeline.fps != FPS:
        raise ProductionError(f"The timeline runs at {timeline.fps} fps; the animatic is made at {FPS}.",
                              hint="Build the timeline at 24 fps (the film's rate).")
    if timeline.duration_frames <= 0:
        raise ProductionError("The timeline is empty.", hint="Build it from the script first.")
    warnings: list[str] = []
    mix_path = Path(mix) if mix else None
    if mix_path is not None and not mix_path.is_file():
        raise ProductionError(f"The mix {mix_path} does not exist.", hint="Mix the film first, or leave --mix out.")
    if mix_path is None:
        warnings.append(f"No post-production mix yet: the soundtrack is silent "
                        f"({timeline.duration_seconds:.1f} s). Mix the film, then render again.")
    engine = load_backend("video", backend, settings=settings)
    overlays = Overlays(size, burn_timecode, labels)
    segments = build_segments(ctx, plan, timeline, size, preset=preset, title_card=title_card, end_card=end_card,
                              overlays=overlays, colour_match=colour_match, choices=choices or {},
                              takes=takes or {}, backend=engine, settings=settings)
    cache = Path(cache_dir) if cache_dir else Path(settings.home) / "cache" / "animatic"
    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    files, rendered, cached = [], 0, 0
    encode_seconds = 0.0
    with _recording(ctx):
        for k, segment in enumerate(segments):
            if progress:
                progress(k, len(segments), segment.label)
            path = cache / f"{segment.key}-{segment.frames}.mp4"
            if path.is_file() and path.stat().st_size > 0:
                cached += 1
            else:
                t1 = time.perf_counter()
                encode_segment(segment, path, size)
                encode_seconds += time.perf_counter() - t1
                rendered += 1
            files.append(path)
    total = sum(s.frames for s in segments)
    title_frames = TITLE_FRAMES if title_card else 0
    out = Path(out)
    assemble(files, out, total_frames=total, audio=mix_path, audio_delay_frames=title_frames)
    if progress:
        progress(len(segments), len(segments), "")
    return AnimaticResult(out, preset, size[0], size[1], total, timeline.duration_frames, title_frames,
                          END_FRAMES if end_card else 0, rendered, cached, time.perf_counter() - t0,
                          encode_seconds, mix_path is not None, warnings)


def _recording(ctx: Any):
    return ctx.recording() if hasattr(ctx, "recording") else contextlib.nullcontext()
