"""Trailers cut from the film's timeline: moments chosen from the beat structure, never the ending.

Selection (:func:`cut_trailer`) reads only the film's
:class:`~studio_kit.domain.timeline.Timeline` and the script's beat labels:

* every scene gets a trailer *movement* — setup, inciting, escalation, climax —
  from the writing engine's scene kinds (``script.metadata["scene_kinds"]``) or,
  without them, its position in the film; the final scene and any resolution /
  final-image scene are never used;
* every shot slot is a candidate moment: its dialogue lines, complete (a
  moment starts a few frames before a line and ends a few frames after the last
  line it keeps, never inside one), or for a shot without dialogue its first
  seconds;
* a moment scores on dialogue intensity (exclamations, questions, short
  punchy words per second), character presence (how many of the cast are in
  shot) and the movement's weight; variety is enforced while picking (a second
  moment from the same scene or of the same shot size as the previous pick is
  penalised);
* each movement gets a share of the running time; moments are picked best
  first inside it and played in film order; a title card opens every movement
  after the first; the film's title and the release card close the trailer,
  the release card taking whatever frames are left, so the cut is exactly the
  asked length.

Rendering (:func:`render_trailer`) builds the trailer's own Timeline from the
EDL (the moments' events moved to their trailer frames), lays the voiced lines
on it (post engine ``place_lines``), scores it with the music engine and mixes
to the loudness spec with the music ducked under the chosen lines (post engine
``mix_film``), then cuts the picture from the film's rendered animatic with one
ffmpeg run (frame-accurate input seeks, cards as stills).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from studio_kit import media
from studio_kit.domain.marketing import EDLEntry, TrailerEDL
from studio_kit.domain.timeline import SceneSlot, Timeline
from studio_kit.engines.marketing.typography import fit_text, title_font
from studio_kit.exceptions import MarketingError
from studio_kit.store.files import atomic_path

MOVEMENTS = ("setup", "inciting", "escalation", "climax")
MOVEMENT_SHARE = {"setup": 0.2, "inciting": 0.25, "escalation": 0.3, "climax": 0.25}
MOVEMENT_WEIGHT = {"setup": 0.8, "inciting": 1.0, "escalation": 1.05, "climax": 1.25}
MOVEMENT_CARDS = {"inciting": "ONE NIGHT", "escalation": "EVERYTHING CHANGES", "climax": "NO WAY BACK"}
CARD_INDEX = 1_000_000            # trailer scene_index of cards: no script scene
LEAD_FRAMES = 6                   # picture before the first line of a moment
TAIL_FRAMES = 8                   # picture after its last line
ACTION_SECONDS = 2.5              # a shot without dialogue plays this long


#: the broadcast spot lengths (:15, :30, :60), longest first; theatrical trailers run 90–150 s
SPOT_LENGTHS = (60, 30, 15)


def allowed_length(length: int) -> int:
    """15, 30 or 60 seconds (the TV/online spot lengths) or 90–150 seconds (a theatrical trailer)."""
    if length in SPOT_LENGTHS or 90 <= length <= 150:
        return int(length)
    raise MarketingError(f"A trailer of {length} s is not a trailer length.",
                         hint="Cut 15, 30 or 60 s spots, or a theatrical trailer of 90–150 s (e.g. 120).")


def fit_length(film_seconds: float) -> int:
    """The longest spot (60, 30 or 15 s) the film is long enough to give: ``length=0`` asks for this."""
    for length in SPOT_LENGTHS:
        if film_seconds >= length:
            return length
    raise MarketingError(f"The film runs {film_seconds:.1f} s; even a 15 s spot cannot be cut from it.",
                         hint="Cut a social clip instead (studio social), or lengthen the film.")


def _card_frames(length: int, fps: int) -> dict[str, int]:
    scale = 0.75 if length <= 15 else 1.0 if length <= 30 else 1.25 if length <= 60 else 1.5
    return {"movement": int(1.5 * scale * fps), "title": int(3 * scale * fps),
            "release": int(2 * min(1.0, scale) * fps)}


def movement_of(kind: str | None, position: float) -> str | None:
    """The trailer movement of a scene (None: a resolution the trailer never shows)."""
    k = (kind or "").lower()
    if any(w in k for w in ("resolution", "final image", "denouement", "tag", "final")):
        return None
    for words, movement in ((("setup", "opening", "teaser", "ordinary", "hook"), "setup"),
                            (("inciting", "catalyst", "break into", "plot point one", "debate"), "inciting"),
                            (("climax", "crisis", "all is lost", "finale", "turn", "dark night"), "climax"),
                            (("rising", "complication", "midpoint", "fun and games", "escalat", "problem",
                              "bad guys", "act"), "escalation")):
        if any(w in k for w in words):
            return movement
    if position >= 0.92:
        return None
    return "setup" if position < 0.2 else "inciting" if position < 0.4 else "escalation" if position < 0.75 \
        else "climax"


def _intensity(text: str, seconds: float) -> float:
    words = re.findall(r"[\w']+", text)
    if not words:
        return 0.0
    punch = text.count("!") * 0.6 + text.count("?") * 0.35 + sum(w.isupper() and len(w) > 1 for w in words) * 0.3
    rate = min(3.5, len(words) / max(0.5, seconds)) / 3.5
    short = 1.0 if len(words) <= 8 else 0.6
    return punch + rate + short


def candidates(timeline: Timeline, script: Any = None, max_moment_frames: int | None = None) -> list[EDLEntry]:
    """Every usable moment of the film (shot slots of non-final, non-resolution scenes), scored."""
    fps = timeline.fps
    max_moment = max_moment_frames or 8 * fps
    kinds = list((getattr(script, "metadata", None) or {}).get("scene_kinds") or [])
    total = max(1, timeline.duration_frames)
    cast_size = max(1, len({c for s in timeline.shots() for c in s.subjects}))
    out: list[EDLEntry] = []
    for n, scene in enumerate(timeline.scenes):
        if n == len(timeline.scenes) - 1:
            continue   # the final scene: never in a trailer
        kind = kinds[scene.scene_index] if 0 <= scene.scene_index < len(kinds) else None
        movement = movement_of(kind, (scene.start_frame + scene.duration_frames / 2) / total)
        if movement is None:
            continue
        for shot in scene.shots:
            lines = [e for e in shot.events if e.kind == "dialogue" and e.duration_frames > 0]
            presence = len(set(shot.subjects)) / cast_size
            if lines:
                keep = [lines[0]]
                for e in lines[1:]:
                    if e.end_frame - lines[0].start_frame + LEAD_FRAMES + TAIL_FRAMES > max_moment:
                        break
                    keep.append(e)
                start = max(shot.start_frame, keep[0].start_frame - LEAD_FRAMES)
                end = min(shot.end_frame, max(e.end_frame for e in keep) + TAIL_FRAMES)
                end = max(end, max(e.end_frame for e in keep))
                text = " ".join(e.text for e in keep)
                intensity = _intensity(text, (end - start) / fps)
                why = (f"{movement}: {len(keep)} complete line{'s' * (len(keep) > 1)} "
                       f"({', '.join(dict.fromkeys(e.character or '?' for e in keep))}), intensity {intensity:.2f}")
                ids = [e.line_id or "" for e in keep]
            else:
                start = shot.start_frame
                end = min(shot.end_frame, start + int(ACTION_SECONDS * fps))
                intensity = 0.4 + (0.3 if shot.movement not in ("static", "") else 0.0)
                why = f"{movement}: action, {shot.size} {shot.movement}"
                ids = []
            score = MOVEMENT_WEIGHT[movement] * (1.0 + intensity + 0.8 * presence)
            out.append(EDLEntry(kind="shot", duration_frames=max(1, end - start), shot_id=shot.shot_id,
                                scene_number=scene.scene_number, scene_index=scene.scene_index, source_in=start,
                                line_ids=ids, movement=movement, score=round(score, 3),
                                reason=f"{why}; cast {len(set(shot.subjects))}; size {shot.size}"))
    return out


def cut_trailer(timeline: Timeline, length: int, *, script: Any = None, title: str | None = None,
                release: str = "COMING SOON", spec: str = "streaming", cards: dict[str, str] | None = None
                ) -> TrailerEDL:
    """The trailer's EDL, exactly ``length`` seconds (0: the longest spot the film gives; see the module doc)."""
    length = allowed_length(length or fit_length(timeline.duration_seconds))
    fps = timeline.fps
    total = length * fps
    title = title or timeline.title or "Untitled"
    if timeline.duration_frames < total:
        gives = fit_length(timeline.duration_seconds) if timeline.duration_seconds >= SPOT_LENGTHS[-1] else 0
        raise MarketingError(f"The film runs {timeline.duration_seconds:.1f} s ({timeline.timecode(timeline.duration_frames)}); "
                             f"a {length} s trailer cannot be cut from it.",
                             hint=(f"Ask for a {gives} s spot (length 0 picks the longest the film gives) "
                                   "or cut a social clip instead." if gives else
                                   "Cut a social clip instead (studio social), or lengthen the film."))
    card_len = _card_frames(length, fps)
    pool = candidates(timeline, script, max_moment_frames=(4 if length <= 15 else 6 if length <= 30 else 9) * fps)
    if not pool:
        raise MarketingError(f"{title} has no scene a trailer may show (only its final scene / resolution).",
                             hint="A trailer needs at least two scenes: it never shows the ending.")
    present = [m for m in MOVEMENTS if any(c.movement == m for c in pool)]
    card_names = {**MOVEMENT_CARDS, **(cards or {})}
    n_cards = sum(1 for m in present[1:] if card_names.get(m))
    budget = total - n_cards * card_len["movement"] - card_len["title"] - card_len["release"]
    share_sum = sum(MOVEMENT_SHARE[m] for m in present)
    chosen: list[EDLEntry] = []
    used = 0

    def fits(c: EDLEntry) -> bool:
        return used + c.duration_frames <= budget and not any(
            c.shot_id == p.shot_id or (c.source_in < p.source_out and p.source_in < c.source_out) for p in chosen)

    def value(c: EDLEntry) -> float:
        last = chosen[-1] if chosen else None
        v = c.score
        if any(p.scene_number == c.scene_number for p in chosen):
            v *= 0.7
        if last is not None and last.reason.rsplit("size ", 1)[-1] == c.reason.rsplit("size ", 1)[-1]:
            v *= 0.85
        return v

    for m in present:
        quota = budget * MOVEMENT_SHARE[m] / share_sum
        got = 0
        own = [c for c in pool if c.movement == m]
        while own:
            own.sort(key=value, reverse=True)
            c = own.pop(0)
            if got and got + c.duration_frames > quota * 1.15:
                continue
            if fits(c):
                chosen.append(c)
                used += c.duration_frames
                got += c.duration_frames
    for c in sorted(pool, key=value, reverse=True):   # fill what the quotas left
        if fits(c):
            chosen.append(c)
            used += c.duration_frames
    if not chosen:
        raise MarketingError(f"No moment of {title} fits a {length} s trailer.",
                             hint="Every candidate line is longer than the trailer; ask for a longer one.")
    entries: list[EDLEntry] = []
    for m in present:
        picks = sorted((c for c in chosen if c.movement == m), key=lambda c: c.source_in)
        if not picks:
            continue
        if entries and card_names.get(m):
            entries.append(EDLEntry(kind="card", role="movement", text=card_names[m], movement=m,
                                    duration_frames=card_len["movement"], reason=f"opens the {m}"))
        entries.extend(picks)
    entries.append(EDLEntry(kind="card", role="title", text=title.upper(), duration_frames=card_len["title"],
                            reason="the film's title"))
    rest = total - sum(e.duration_frames for e in entries)
    entries.append(EDLEntry(kind="card", role="release", text=release, duration_frames=rest,
                            reason="release card (takes the frames left)"))
    notes = [] if any(e.line_ids for e in entries) else ["no dialogue in the chosen moments: a music-only trailer"]
    return TrailerEDL(title=title, length=length, fps=fps, film_frames=timeline.duration_frames, spec=spec,
                      entries=entries, notes=notes)


def validate_edl(edl: TrailerEDL, timeline: Timeline) -> list[str]:
    """MarketingError for an EDL the film cannot play; returns warnings (e.g. length changed)."""
    final = timeline.scenes[-1].scene_number if timeline.scenes else None
    for e in edl.moments():
        shot = timeline.shot(e.shot_id)
        if e.scene_number != shot.scene_number:
            e.scene_number = shot.scene_number
        if shot.scene_number == final:
            raise MarketingError(f"Shot {e.shot_id} is in the final scene ({final}): a trailer never shows the ending.",
                                 hint="Pick a moment from an earlier scene.")
        if e.source_in < 0 or e.source_out > timeline.duration_frames:
            raise MarketingError(f"Moment {e.shot_id} runs outside the film ({e.source_in}–{e.source_out}, "
                                 f"film {timeline.duration_frames} frames).", hint="Keep in/out inside the film.")
        for lid in e.line_ids:
            ev = timeline.event(lid)
            if ev.start_frame < e.source_in or ev.end_frame > e.source_out:
                raise MarketingError(f"Line {lid} ({ev.text[:40]!r}) is cut by moment {e.shot_id} "
                                     f"({timeline.timecode(e.source_in)}–{timeline.timecode(e.source_out)}).",
                                     hint=f"Complete lines only: in ≤ {ev.start_frame}, out ≥ {ev.end_frame}, "
                                          "or drop the line from line_ids.")
    warnings = []
    if edl.duration_frames != edl.length * edl.fps:
        warnings.append(f"the EDL runs {edl.duration_seconds:.2f} s, not the {edl.length} s asked")
    return warnings


def trailer_timeline(edl: TrailerEDL, film: Timeline) -> Timeline:
    """The trailer's own timing: one scene per EDL entry, the moments' events moved to trailer frames."""
    scenes: list[SceneSlot] = []
    cursor = 0
    for k, e in enumerate(edl.entries):
        if e.kind == "card":
            scenes.append(SceneSlot(scene_number=f"T{k + 1}", heading=e.text, start_frame=cursor,
                                    duration_frames=e.duration_frames, scene_index=CARD_INDEX))
        else:
            src = film.shot(e.shot_id)
            delta = cursor - e.source_in
            events = []
            for ev in src.events:
                if ev.kind == "dialogue" and ev.line_id not in e.line_ids:
                    continue
                a, b = max(ev.start_frame, e.source_in), min(ev.end_frame, e.source_out)
                if b <= a and ev.duration_frames:
                    continue
                events.append(ev.model_copy(update={"start_frame": a + delta, "duration_frames": max(0, b - a)}))
            heading = film.scene(src.scene_number).heading
            shot = src.model_copy(update={"start_frame": cursor, "duration_frames": e.duration_frames,
                                          "events": events})
            scenes.append(SceneSlot(scene_number=f"T{k + 1}", heading=heading, start_frame=cursor,
                                    duration_frames=e.duration_frames, scene_index=e.scene_index, shots=[shot]))
        cursor += e.duration_frames
    return Timeline(fps=film.fps, title=f"{edl.title} – trailer {edl.length}s", scenes=scenes,
                    metadata={"trailer_of": film.title, "length": edl.length})


def card_image(text: str, size: tuple[int, int], *, role: str = "movement", subtitle: str = "") -> Any:
    """A trailer card: white condensed type on black, inside the 10 % title-safe area."""
    from PIL import Image, ImageDraw


    w, h = size
    img = Image.new("RGB", size, (0, 0, 0))
    d = ImageDraw.Draw(img)
    box = (int(w * 0.1), int(h * 0.1), int(w * 0.9), int(h * 0.9))
    max_h = h * (0.22 if role == "title" else 0.12)
    lines, font = fit_text(d, text, box[2] - box[0], max_h * 2.2, start=int(max_h), font=title_font(text))
    line_h = font.size * 1.1
    y = (h - line_h * len(lines)) / 2 - (h * 0.04 if subtitle else 0)
    for line in lines:
        tw = d.textlength(line, font=font)
        d.text(((w - tw) / 2, y), line, font=font, fill=(245, 242, 235))
        y += line_h
    if subtitle:
        sub_lines, sfont = fit_text(d, subtitle, box[2] - box[0], h * 0.08, start=max(8, int(h * 0.05)))
        for line in sub_lines:
            tw = d.textlength(line, font=sfont)
            d.text(((w - tw) / 2, y + h * 0.02), line, font=sfont, fill=(200, 196, 188))
            y += sfont.size * 1.1
    return img


def assemble(edl: TrailerEDL, film_video: str | Path, mix_wav: str | Path, out: str | Path,
             size: tuple[int, int]) -> Path:
    """Picture cut from the film's video by the EDL (one ffmpeg run), cards as stills, the trailer mix under it."""
    fps = edl.fps
    w, h = size
    with tempfile.TemporaryDirectory(prefix="studio-trailer-") as work:
        args: list[str] = []
        chains = []
        for k, e in enumerate(edl.entries):
            if e.kind == "card":
                png = Path(work) / f"card{k}.png"
                card_image(e.text, size, role=e.role or "movement").save(png)
                args += ["-loop", "1", "-framerate", str(fps), "-t", f"{e.duration_frames / fps:.6f}", "-i", str(png)]
            else:
                args += ["-ss", f"{e.source_in / fps:.6f}", "-t", f"{(e.duration_frames + 2) / fps:.6f}",
                         "-i", str(film_video)]
            chains.append(f"[{k}:v]fps={fps},scale={w}:{h},setsar=1,format=yuv420p,"
                          f"trim=end_frame={e.duration_frames},setpts=PTS-STARTPTS[v{k}]")
        n = len(edl.entries)
        graph = ";".join(chains) + ";" + "".join(f"[v{k}]" for k in range(n)) + f"concat=n={n}:v=1:a=0[v]"
        with atomic_path(Path(out)) as tmp:
            media.run_ffmpeg([*args, "-i", str(mix_wav), "-filter_complex", graph, "-map", "[v]", "-map", f"{n}:a",
                              "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-profile:v", "high",
                              "-pix_fmt", "yuv420p", "-r", str(fps), "-g", str(fps // 2), "-c:a", "aac",
                              "-b:a", "256k", "-ar", "48000", "-frames:v", str(edl.duration_frames),
                              "-movflags", "+faststart", "-f", "mp4", str(tmp)], "trailer assembly")
    return Path(out)
