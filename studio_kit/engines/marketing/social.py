"""Social clips: the best 15–60 s moments, reframed per platform by following the subject, captioned.

* :func:`pick_clips` — windows of complete dialogue lines from the film's
  timeline (never the final scene): a clip opens a few frames before a line,
  so a hook is heard in its first 3 s, and runs line by line until it is long
  enough (15 s by default) without passing the maximum (60 s); scored by the
  hook's intensity (double weight) and the lines' intensity. A film without
  dialogue gets its first non-final scenes' action.
* :func:`track_subject` — the subject's horizontal centre on frames sampled at
  6 fps, decided shot by shot (the clip's shot boundaries, plus hard cuts found
  by frame difference): a shot where OpenCV's frontal-face detector (Haar
  cascade shipped with opencv-python) finds a face on at least a fifth of its
  frames follows the largest face; a shot without faces follows the centroid
  of its motion energy (the frame difference of the downscaled analysis
  frames, weighted by how much each pixel changed; a change over half the
  picture is a camera move or a flash, not a subject); a shot with neither
  holds the centre. Frames without an observation hold the last position (the
  first one before it). Each shot's centres are smoothed by an exponential
  filter run forwards and backwards (no lag behind a moving subject, which a
  one-way filter has), with a dead zone so the frame does not drift on
  detector jitter. :attr:`Track.methods` says per shot which of ``face``,
  ``motion`` or ``centre`` placed the crop, so the clip's report flags the
  centre-held shots for an editor.
* :func:`crop_filter` — an ffmpeg ``crop`` whose x follows the keyframes
  (piecewise linear in the frame number, clamped inside the picture).
* :func:`captions_ass` — burned-in captions as ASS: one event per word, the
  whole line set in white with the spoken word highlighted; margins are the
  platform's safe zone so no caption pixel leaves it. Word times split each
  line's timeline span in proportion to the words' lengths (the voices give no
  word timestamps).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit import media
from studio_kit.domain.marketing import EDLEntry, PlatformPreset, TrailerEDL
from studio_kit.domain.timeline import Timeline
from studio_kit.engines.marketing.trailer import _intensity as score
from studio_kit.engines.marketing.typography import FONT_DIR
from studio_kit.exceptions import MarketingError

HOOK_SECONDS = 3.0
LEAD = 4
TAIL = 10
ANALYSIS_FPS = 6
SMOOTHING = 0.35          # share of the way towards a new detection per analysis step
DEAD_ZONE = 0.03          # moves smaller than this share of the width are ignored
MIN_FACE_SHARE = 0.2      # a shot is face-tracked when a face is found on this share of its frames
MOTION_WIDTH = 64         # columns of the motion-energy grid (area-averaged analysis frame)
MOTION_LEVEL = 16         # grey levels a grid pixel must change by to count as moving (codec noise is less)
MOTION_SHARE = (0.002, 0.5)  # moving share of the grid that makes a subject: more is a camera move or a flash
HIGHLIGHT = "&H0000D7FF"  # ASS BGR: amber (#FFD700)


def _intensity(text: str) -> float:
    return score(text, max(1.0, len(text.split()) / 2.5))


def pick_clips(timeline: Timeline, *, count: int = 3, min_seconds: float = 15, max_seconds: float = 60,
               title: str = "") -> list[TrailerEDL]:
    """The best non-overlapping clips, each a contiguous EDL of shot entries (see the module doc)."""
    fps = timeline.fps
    if not 1 <= min_seconds <= max_seconds:
        raise MarketingError(f"Clip length {min_seconds}–{max_seconds} s is not a range.",
                             hint="Give 15–60 s (at least 1 s, min ≤ max).")
    final = timeline.scenes[-1].start_frame if len(timeline.scenes) > 1 else timeline.duration_frames
    lo, hi = int(min_seconds * fps), int(max_seconds * fps)
    if final < lo:
        raise MarketingError(f"The film runs {timeline.duration_seconds:.1f} s before its final scene; "
                             f"a {min_seconds:.0f} s clip cannot be cut from it.",
                             hint="Ask for shorter clips (--min-seconds) or use the whole film.")
    lines = [e for e in timeline.dialogue() if e.end_frame <= final and e.duration_frames > 0]
    windows: list[tuple[float, int, int, list[str]]] = []
    for i, first in enumerate(lines):
        start = max(0, first.start_frame - LEAD)
        best = None
        for j in range(i, len(lines)):
            end = min(final, lines[j].end_frame + TAIL)
            if end - start > hi:
                break
            if end - start >= lo:
                ids = [e.line_id or "" for e in lines[i:j + 1]]
                score = 2 * _intensity(first.text) + float(np.mean([_intensity(e.text) for e in lines[i:j + 1]]))
                best = (score, start, end, ids)
        if best is None and lines[i:]:   # too few lines left: pad the last line's shot with picture
            end = min(final, start + lo)
            ids = [e.line_id or "" for e in lines[i:] if e.end_frame <= end]
            if end - start >= lo and ids:
                best = (2 * _intensity(first.text), start, end, ids)
        if best:
            windows.append(best)
    if not windows:   # no dialogue: action from the start of the film
        windows = [(0.0, s.start_frame, min(final, s.start_frame + lo), []) for s in timeline.scenes
                   if min(final, s.start_frame + lo) - s.start_frame >= lo]
    picked: list[tuple[float, int, int, list[str]]] = []
    for w in sorted(windows, key=lambda w: -w[0]):
        if all(w[2] <= p[1] or w[1] >= p[2] for p in picked):
            picked.append(w)
        if len(picked) == count:
            break
    clips = []
    for k, (score, start, end, ids) in enumerate(sorted(picked, key=lambda w: w[1]), start=1):
        entries = []
        for shot in timeline.shots():
            a, b = max(shot.start_frame, start), min(shot.end_frame, end)
            if b <= a:
                continue
            own = [e.line_id or "" for e in shot.events if e.kind == "dialogue" and e.line_id in ids]
            entries.append(EDLEntry(kind="shot", shot_id=shot.shot_id, scene_number=shot.scene_number,
                                    scene_index=timeline.scene(shot.scene_number).scene_index, source_in=a,
                                    duration_frames=b - a, line_ids=own,
                                    reason=f"clip {k}: score {score:.2f}", score=round(score, 3)))
        clips.append(TrailerEDL(title=f"{title or timeline.title} clip {k}", length=round((end - start) / fps),
                                fps=fps, film_frames=timeline.duration_frames, entries=entries,
                                notes=[f"hook: {ids[0]}" if ids else "no dialogue: action clip"]))
    return clips


def cuts_of(edl: TrailerEDL) -> list[int]:
    """Clip frames where a new shot starts (from the EDL)."""
    out, cursor = [], 0
    for e in edl.entries:
        out.append(cursor)
        cursor += e.duration_frames
    return out


@dataclass
class Track:
    """The subject's horizontal centre (share of the width) at analysis frames, smoothed; per shot (the
    analysis frame where it starts) the method that placed the crop: ``face``, ``motion`` or ``centre``."""

    frames: list[int]
    centres: list[float]
    detections: int
    analysed: int
    seconds: float
    shots: list[int] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    moving: int = 0               # analysis frames with a motion-energy centroid

    @property
    def fps(self) -> float:
        return self.analysed / self.seconds if self.seconds else 0.0

    def centre_held(self) -> list[int]:
        """Clip frames where a shot starts whose crop held the centre (no face, no motion): for an editor."""
        return [n for n, m in zip(self.shots, self.methods, strict=True) if m == "centre"]

    def report(self) -> dict[str, Any]:
        """What the clip's stored record and QC report say about the reframing."""
        held = self.centre_held()
        return {"detections": self.detections, "moving": self.moving, "analysed": self.analysed,
                "shots": [{"frame": n, "method": m} for n, m in zip(self.shots, self.methods, strict=True)],
                "centre_held": held,
                "review": (f"{len(held)} of {len(self.shots)} shots held the centre crop (no face or motion "
                           f"found): check the framing from frame(s) {', '.join(map(str, held))}") if held else ""}


def motion_centroid(grid: np.ndarray, prev: np.ndarray) -> float | None:
    """Horizontal centroid (share of the width) of the motion energy between two grey grids, or None when
    nothing moves (or more than half the picture changes: a camera move or a flash is not a subject)."""
    diff = np.abs(grid - prev)
    moving = diff > MOTION_LEVEL
    share = float(moving.mean())
    if not MOTION_SHARE[0] <= share <= MOTION_SHARE[1]:
        return None
    columns = (diff * moving).sum(axis=0)
    return float((columns * (np.arange(grid.shape[1]) + 0.5)).sum() / columns.sum() / grid.shape[1])


def _smooth(targets: list[float]) -> list[float]:
    """Exponential smoothing with a dead zone, run forwards then backwards (zero phase: no lag). The shot is
    padded at both ends with its point reflection (as scipy's ``filtfilt``), so a subject still moving at the
    cut is not pulled back towards where it was."""
    def one_way(xs: list[float]) -> list[float]:
        pos, out = xs[0], []
        for x in xs:
            if abs(x - pos) > DEAD_ZONE:
                pos += SMOOTHING * (x - pos)
            out.append(pos)
        return out

    pad = min(len(targets) - 1, 6)
    padded = ([2 * targets[0] - x for x in targets[pad:0:-1]] + targets
              + [2 * targets[-1] - x for x in targets[-2:-pad - 2:-1]]) if pad else targets
    return one_way(one_way(padded)[::-1])[::-1][pad:pad + len(targets)]


def _place(observed: list[float | None]) -> list[float]:
    """A shot's centres from its observations: held between them, the first one before it, smoothed."""
    first = next(x for x in observed if x is not None)
    held, last = [], first
    for x in observed:
        last = x if x is not None else last
        held.append(last)
    return _smooth(held)


def track_subject(video: str | Path, *, cuts: list[int] | None = None, fps: int = 24,
                  analysis_fps: int = ANALYSIS_FPS, width: int = 320) -> Track:
    """Follow the largest face, else the motion, through ``video`` shot by shot (see the module doc)."""
    import cv2
    import cv2.data  # the bundled Haar cascades: cv2's stubs only know the submodule when it is imported by name


    info = media.probe(video)
    height = max(2, round(width * info.height / max(1, info.width) / 2) * 2)
    grid_size = (MOTION_WIDTH, max(2, round(MOTION_WIDTH * height / width)))
    cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"))
    step = max(1, round(fps / analysis_fps))
    cut_set = sorted(set(cuts or [0]))
    frames: list[int] = []
    faces_seen: list[float | None] = []
    motion: list[float | None] = []
    starts: list[int] = []        # indices into frames where a shot starts
    prev_small = prev_grid = None
    t0 = time.perf_counter()
    for k, frame in enumerate(media.read_frames(video, width, height, fps=fps / step)):
        n = k * step
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        small = cv2.resize(grey, (32, 18)).astype(np.float32)
        grid = cv2.resize(grey, grid_size, interpolation=cv2.INTER_AREA).astype(np.float32)
        hard_cut = prev_small is not None and float(np.abs(small - prev_small).mean()) > 40
        if not frames or hard_cut or any(n - step < c <= n for c in cut_set):
            starts.append(k)
        # motion across a cut is the cut itself, not a subject
        motion.append(motion_centroid(grid, prev_grid) if prev_grid is not None and starts[-1] != k else None)
        prev_small, prev_grid = small, grid
        found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=4, minSize=(max(12, height // 12),) * 2)
        if len(found):
            x, _y, w, _h = max(found, key=lambda f: f[2] * f[3])
            faces_seen.append((x + w / 2) / width)
        else:
            faces_seen.append(None)
        frames.append(n)
    centres: list[float] = []
    methods: list[str] = []
    for a, b in zip(starts, [*starts[1:], len(frames)], strict=True):
        face, moved = faces_seen[a:b], motion[a:b]
        if sum(x is not None for x in face) >= max(1.0, MIN_FACE_SHARE * (b - a)):
            methods.append("face")
            centres += _place(face)
        elif any(x is not None for x in moved):
            methods.append("motion")
            centres += _place(moved)
        else:
            methods.append("centre")
            centres += [0.5] * (b - a)
    return Track(frames, [float(c) for c in centres], sum(x is not None for x in faces_seen), len(frames),
                 time.perf_counter() - t0, [frames[a] for a in starts], methods,
                 sum(x is not None for x in motion))


def crop_filter(track: Track, aspect: float, src_w: int, src_h: int) -> str:
    """ffmpeg crop of the largest ``aspect`` window whose centre follows the track (x piecewise linear in n)."""
    if aspect >= src_w / src_h - 1e-3:
        return ""
    cw = int(round(src_h * aspect / 2) * 2)
    max_x = src_w - cw
    xs = [min(max_x, max(0, c * src_w - cw / 2)) for c in track.centres] or [max_x / 2]
    fr = track.frames or [0]
    terms = [f"{xs[0]:.1f}"]
    for k in range(1, len(xs)):
        span = fr[k] - fr[k - 1]
        slope = (xs[k] - xs[k - 1]) / span if span else 0.0
        if abs(slope) > 1e-4:
            terms.append(f"{slope:+.4f}*clip(n-{fr[k - 1]}\\,0\\,{span})")
    expr = _sum_expr(terms)
    return f"crop={cw}:{src_h}:'min({max_x}\\,max(0\\,{expr}))':0"


def _sum_expr(terms: list[str], group: int = 40) -> str:
    """``terms`` summed as an ffmpeg expression. ffmpeg's parser refuses a flat chain of about 95 terms
    ("Missing ')' or too many args"), which a 60 s spot reaches, so sums are bracketed ``group`` at a time,
    level over level, keeping every bracket short however long the clip."""
    def flat(parts: list[str]) -> str:
        return "+".join(parts).replace("+-", "-").replace("++", "+")
    while len(terms) > group:
        terms = [f"({flat(terms[i:i + group])})" for i in range(0, len(terms), group)]
    return flat(terms)


def _ass_time(seconds: float) -> str:
    cs = round(seconds * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def captions_ass(timeline: Timeline, preset: PlatformPreset, texts: dict[str, str] | None = None) -> str:
    """Word-highlighted captions for ``timeline``'s lines, inside ``preset``'s safe zone (see the module doc)."""
    w, h = preset.width, preset.height
    left, _top, right, bottom = preset.safe_box()
    size = max(8, int(min(w, h) * (0.055 if h > w else 0.06)))
    outline = max(1, size // 12)
    head = ("[Script Info]\nScriptType: v4.00+\nWrapStyle: 0\nScaledBorderAndShadow: yes\n"
            f"PlayResX: {w}\nPlayResY: {h}\n\n[V4+ Styles]\n"
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
            "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
            "MarginL, MarginR, MarginV, Encoding\n"
            f"Style: Caption,Barlow Condensed,{size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,"
            f"1,{outline},0,2,{left + outline * 2},{w - right + outline * 2},{h - bottom + outline * 2},1\n\n"
            "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")
    rows = []
    for e in timeline.dialogue():
        text = (texts or {}).get(e.line_id or "", e.text).replace("\n", " ").replace("{", "(").replace("}", ")")
        words = text.split()
        if not words:
            continue
        a, b = timeline.seconds(e.start_frame), timeline.seconds(e.end_frame)
        weights = np.array([len(x) + 1 for x in words], dtype=float)
        edges = a + (b - a) * np.concatenate([[0], np.cumsum(weights) / weights.sum()])
        for k in range(len(words)):
            body = " ".join(f"{{\\c{HIGHLIGHT}&}}{x}{{\\c&H00FFFFFF&}}" if i == k else x for i, x in enumerate(words))
            rows.append(f"Dialogue: 0,{_ass_time(edges[k])},{_ass_time(edges[k + 1])},Caption,,0,0,0,,{body}")
    return head + "\n".join(rows) + "\n"


def ass_filter(path: Path) -> str:
    def esc(p: Path) -> str:
        return str(p).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")

    return f"ass=filename='{esc(path)}':fontsdir='{esc(FONT_DIR)}'"


def safe_box(preset: PlatformPreset) -> tuple[int, int, int, int]:
    return preset.safe_box()


def frame_at(video: str | Path, seconds: float, size: tuple[int, int]) -> Any:
    return next(media.read_frames(video, size[0], size[1], start_s=seconds, count=1))
