"""Post-production operations: the only entry points the CLI, dashboards, templates and API call.

    track = voice("short.fountain")                 # every line voiced, the film's timeline built
    score_ = score(track.script, track.timeline)    # scene-aware cues on the timeline
    fx = effects(track.script, track.timeline)      # room tone + spot effects
    result = mix_film(track, score_, fx, MixSettings(spec="streaming"))
    files = export_post(result, track, score_, "out/")   # 48 kHz 24-bit WAV masters, stems, SRT/VTT, cue sheet

or all at once: ``produce("short.fountain", spec="streaming", out_dir="out/", ctx=project)``, which
writes the masters as the mix makes them (:func:`mix_film_to_files`, no film-length output held).
Every backend call goes through ``registry.invoke`` (usage + provenance); with a
project context every file is stored as an Asset.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit import registry
from studio_kit.domain.character import CharacterBible, slugify
from studio_kit.domain.requests import chars
from studio_kit.domain.script import ElementType, Script
from studio_kit.domain.timeline import Timeline
from studio_kit.domain.voice import VoiceProfile, derive_voice_profile, spread_profiles
from studio_kit.engines.characters.bible import bibles_from_script
from studio_kit.engines.characters.service import list_characters, update_character
from studio_kit.engines.post.audio import SR, WRITE_BLOCK, fit_length, wav_bytes, write_wav
from studio_kit.engines.post.dubbing import DubPlan, export_lines_csv, export_lines_po, fit_line, place_dub, report_csv
from studio_kit.engines.post.effects import effects_bed, sound_tags
from studio_kit.engines.post.loudness import get_spec, measure_file
from studio_kit.engines.post.mix import DuckSettings, MixResult, MixSettings, mix, mix_files
from studio_kit.engines.post.music import export_cue_sheet_csv, export_cue_sheet_pdf, plan_cues, render_score
from studio_kit.engines.post.subtitles import export_srt, export_vtt
from studio_kit.engines.post.subtitles import qc as subtitle_qc
from studio_kit.engines.post.timeline_build import build_timeline, line_ids
from studio_kit.engines.post.voice import choose_backend, synthesize_line
from studio_kit.engines.writing import load_script as _load
from studio_kit.engines.writing import parse_fountain
from studio_kit.exceptions import AudioError, ScriptError, TranslationError
from studio_kit.platform import permissions
from studio_kit.registry import get_backend_class, load_backend
from studio_kit.store.files import atomic_open, atomic_path

Progress = Callable[[str, int, int], None]   # (what, done, total)

TIMELINE_KIND = "post.timeline"
_LINE_CACHE: dict[str, np.ndarray] = {}
_BACKENDS: dict[str, Any] = {}


# -- inputs -------------------------------------------------------------------
def load_script(script: Script | str | Path) -> Script:
    """A parsed script from a Script, a .fountain/.fdx path or Fountain text."""
    if isinstance(script, Script):
        return script

    if isinstance(script, Path) or (isinstance(script, str) and "\n" not in script and len(script) < 400):
        path = Path(script)
        if not path.is_file():
            raise ScriptError(f"No script file at {path}.", hint="Give a .fountain or .fdx file.")
        return _load(path)
    return parse_fountain(str(script))


def voice_backend(name: str) -> Any:
    """A voice backend by name, loaded once per process (``piper``, ``espeak`` …)."""
    if name not in _BACKENDS:
        _BACKENDS[name] = load_backend("voice", name)
    return _BACKENDS[name]


def music_backend(name: str = "midi") -> Any:
    key = f"music.{name}"
    if key not in _BACKENDS:
        _BACKENDS[key] = load_backend("music", name)
    return _BACKENDS[key]


# -- voices -------------------------------------------------------------------
def cast_profiles(script: Script, ctx: Any = None, language: str = "en") -> dict[str, VoiceProfile]:
    """Voice profile of every speaking character.

    From the project's character bible when there is one (the identity record's frozen
    voice when the character is locked, else the bible's own), else derived from the
    bible mined from the script; derived voices on the same backend voice are kept at
    least two semitones apart.
    """
    stored = []
    if ctx is not None:
        stored = list_characters(ctx)
    try:
        mined = {b.name: b for b in bibles_from_script(script)} if script.speaking_characters else {}
    except ValueError as exc:  # a bible the character engine cannot build: voice from the names alone
        import logging

        logging.getLogger(__name__).warning("character bibles could not be mined (%s); voices derived from names", exc)
        mined = {}
    profiles: dict[str, VoiceProfile] = {}
    for name in script.speaking_characters:
        bible = next((b for b in stored if b.answers_to(name)), None)
        if bible is None:
            bible = mined.get(name) or next((b for b in mined.values() if b.answers_to(name)), None)
        if bible is not None and bible.identity is not None and bible.identity.voice is not None:
            profiles[name] = bible.identity.voice
        elif bible is not None and bible.voice is not None:
            profiles[name] = bible.voice
        elif bible is not None:
            profiles[name] = derive_voice_profile(bible, language=language)
        else:
            profiles[name] = derive_voice_profile(CharacterBible(character_id=slugify(name), name=name),
                                                  language=language)
    return spread_profiles(profiles)


def set_voice_profile(name: str, profile: VoiceProfile | Mapping[str, Any], ctx: Any = None) -> Any:
    """Edit a character's voice in its bible (a locked character keeps its frozen voice until a new version)."""
    p = profile if isinstance(profile, VoiceProfile) else VoiceProfile.model_validate(dict(profile))
    return update_character(name, {"voice": p.edited().model_dump()}, ctx)


def _cache_key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def speak(text: str, profile: VoiceProfile, *, language: str = "en", parenthetical: str | None = None,
          extensions: list[str] | tuple[str, ...] = (), stretch: float = 1.0) -> np.ndarray:
    """One line in a character's voice (48 kHz mono); cached per process on its exact inputs."""
    if not text.strip():
        return np.zeros(0, dtype=np.float32)
    names = dict.fromkeys([profile.backend, "piper", "espeak"])
    backends = {}
    for n in names:
        try:
            backends[n] = voice_backend(n)
        except Exception:  # noqa: BLE001, S112 - an unavailable backend is skipped; choose_backend names what is missing
            continue
    backend = choose_backend(language, profile, backends)
    key = _cache_key(backend.name, backend.model_id, text, profile.model_dump(), language, parenthetical,
                     list(extensions), round(stretch, 4))
    if key not in _LINE_CACHE:
        _LINE_CACHE[key] = synthesize_line(backend, text, profile, language=language, parenthetical=parenthetical,
                                           extensions=extensions, stretch=stretch)
    return _LINE_CACHE[key]


@dataclass
class VoiceTrack:
    """Every line voiced, placed on the film's timeline."""

    script: Script
    timeline: Timeline
    profiles: dict[str, VoiceProfile]
    lines: dict[str, np.ndarray]                  # line id → 48 kHz mono
    characters: Mapping[str, np.ndarray]          # character → mono stem, film length (CharacterStems: on demand)
    dialogue: np.ndarray                          # mono dialogue stem, film length
    language: str = "en"
    texts: dict[str, str] = field(default_factory=dict)   # line id → the text spoken
    fit: dict[str, dict[str, Any]] = field(default_factory=dict)  # dubbing: per line stretch / overrun

    @property
    def samples(self) -> int:
        return len(self.dialogue)


def _place(timeline: Timeline, lines: Mapping[str, np.ndarray], character: str) -> np.ndarray:
    """One character's dialogue stem, film length: each line starts on its event's first frame."""
    spf = SR // timeline.fps
    n = timeline.duration_frames * spf
    stem = np.zeros(n, dtype=np.float32)
    for e in timeline.dialogue():
        audio = lines.get(e.line_id or "")
        if audio is None or not len(audio) or (e.character or "?") != character:
            continue
        a = e.start_frame * spf
        b = min(n, a + len(audio), e.end_frame * spf)
        stem[a:b] += audio[: b - a]
    return stem


def _or_empty(audio: np.ndarray | None) -> np.ndarray:
    return audio if audio is not None else np.zeros(0, dtype=np.float32)


class CharacterStems(Mapping[str, np.ndarray]):
    """Per-character dialogue stems (mono, film length), each placed from the voiced lines when asked
    for and not kept: a 10-minute film with four speakers holds 0.5 GB less. In order of first line."""

    def __init__(self, timeline: Timeline, lines: Mapping[str, np.ndarray]):
        self.timeline, self.lines = timeline, lines
        self.names = list(dict.fromkeys(e.character or "?" for e in timeline.dialogue()
                                        if len(_or_empty(lines.get(e.line_id or "")))))

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise KeyError(name)
        return _place(self.timeline, self.lines, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def place_lines(timeline: Timeline, lines: Mapping[str, np.ndarray]) -> tuple[CharacterStems, np.ndarray]:
    """Per-character stems (made on demand) and the dialogue stem: each line starts on its event's first frame.

    The dialogue stem is the characters' stems added one after another (as ``np.sum`` over them
    adds), one character's stem in memory at a time."""
    chars = CharacterStems(timeline, lines)
    dialogue = np.zeros(timeline.duration_frames * (SR // timeline.fps), dtype=np.float32)
    for name in chars:
        dialogue += chars[name]
    return chars, dialogue


def voice(script: Script | str | Path, *, language: str = "en", ctx: Any = None,
          profiles: Mapping[str, VoiceProfile] | None = None, progress: Progress | None = None) -> VoiceTrack:
    """Voice every dialogue line with its character's profile and build the film's timeline from them."""
    parsed = load_script(script)
    if not parsed.scenes:
        raise ScriptError(f"{parsed.title or 'The script'} has no scenes: there is nothing to voice or score.",
                          hint="Give a screenplay with at least one scene heading (INT./EXT.).")
    cast = dict(profiles or cast_profiles(parsed, ctx, language))
    ids = line_ids(parsed)
    blocks = [(ids[b.line], b, s) for s in parsed.scenes for b in s.dialogue]
    lines: dict[str, np.ndarray] = {}
    texts: dict[str, str] = {}

    for k, (line_id, block, _scene) in enumerate(blocks):
        text = " ".join(e.text.strip() for e in block.lines if e.type in (ElementType.DIALOGUE, ElementType.LYRICS))
        paren = next((e.text for e in block.lines if e.type == ElementType.PARENTHETICAL), None)
        profile = cast.get(block.character) or derive_voice_profile(type("B", (), {"character_id": block.character})())
        lines[line_id] = speak(text, profile, language=language, parenthetical=paren, extensions=block.extensions)
        texts[line_id] = text
        if progress:
            progress("voice", k + 1, len(blocks))
    timeline = build_timeline(parsed, {i: len(a) / SR for i, a in lines.items() if len(a)})
    chars, dialogue = place_lines(timeline, lines)
    return VoiceTrack(parsed, timeline, cast, lines, chars, dialogue, language, texts)


# -- music and effects ----------------------------------------------------------
@dataclass
class Score:
    cues: list[Any]
    stem: np.ndarray          # (n, 2)

    def cue_sheet_csv(self, timeline: Timeline) -> str:
        return export_cue_sheet_csv(self.cues, timeline)


def score(script: Script | str | Path, timeline: Timeline | None = None, *, backend: str = "midi",
          genre: str | None = None, progress: Progress | None = None) -> Score:
    """The scene-aware score for the film (cues on scene boundaries, exact lengths)."""
    parsed = load_script(script)
    if not parsed.scenes:
        raise ScriptError(f"{parsed.title or 'The script'} has no scenes to score.",
                          hint="Give a screenplay with at least one scene heading (INT./EXT.).")
    timeline = timeline or build_timeline(parsed)
    cues = plan_cues(parsed, timeline, genre=genre)
    done = [0]

    def tick(_cue: Any) -> None:
        done[0] += 1
        if progress:
            progress("score", done[0], len(cues))

    stem = render_score(cues, music_backend(backend), timeline.duration_frames * (SR // timeline.fps), tick)
    return Score(cues, stem)


def effects(script: Script | str | Path, timeline: Timeline, *, spots: bool = True) -> tuple[np.ndarray, list[dict]]:
    """Room tone per location and spot effects for the breakdown's sound tags: the effects stem."""
    parsed = load_script(script)
    tags = sound_tags(parsed) if spots else {}
    return effects_bed(timeline, tags)


# -- mix ----------------------------------------------------------------------
def _mix_inputs(track: VoiceTrack | None, score_: Score | None, fx: np.ndarray | None,
                timeline: Timeline | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, Timeline]:
    """The dialogue, music and effects stems at the timeline's length (views where they already fit)."""
    timeline = timeline or (track.timeline if track else None)
    if timeline is None:
        raise AudioError("Nothing to mix: no timeline.", hint="Voice or score the script first.")
    n = timeline.duration_frames * (SR // timeline.fps)
    dialogue = fit_length(track.dialogue, n) if track else np.zeros(n, dtype=np.float32)
    music = fit_length(score_.stem, n) if score_ else np.zeros((n, 2), dtype=np.float32)
    fxs = fit_length(fx, n) if fx is not None else np.zeros((n, 2), dtype=np.float32)
    return dialogue, music, fxs, timeline


def mix_film(track: VoiceTrack | None, score_: Score | None, fx: np.ndarray | None,
             settings: MixSettings | None = None, timeline: Timeline | None = None) -> MixResult:
    """Balance, duck, normalise and limit to the spec; stems equal length and sample-aligned.

    The mix and the stems come back as film-length arrays (for the mixer dashboard and notebooks);
    :func:`mix_film_to_files` writes the same masters without holding them.
    """
    dialogue, music, fxs, timeline = _mix_inputs(track, score_, fx, timeline)
    return mix(dialogue, music, fxs, timeline, settings)


MASTER_STEMS = ("dialogue", "music", "effects", "m&e")


def master_paths(out_dir: str | Path, spec: str, prefix: str = "",
                 stems: tuple[str, ...] = MASTER_STEMS) -> dict[str, Path]:
    """Where :func:`export_post` puts the full mix and the stems: ``files`` key → path."""
    out = Path(out_dir)
    return {"mix": out / f"{prefix}mix_{spec}.wav",
            **{f"stem:{k}": out / f"{prefix}stem_{k.replace('&', 'n')}.wav" for k in stems}}


def mix_film_to_files(track: VoiceTrack | None, score_: Score | None, fx: np.ndarray | None,
                      settings: MixSettings | None, out_dir: str | Path, *, timeline: Timeline | None = None,
                      prefix: str = "", paths: Mapping[str, Path] | None = None) -> MixResult:
    """:func:`mix_film` written straight to 48 kHz 24-bit WAV masters (the files :func:`export_post` names),
    holding no film-length output; the result's ``files`` are keyed as export_post keys them
    (``mix``, ``stem:dialogue`` …) and its ``mix``/``stems`` arrays are empty. Same bytes as
    export_post writes from :func:`mix_film`'s arrays.
    """
    settings = settings or MixSettings()
    dialogue, music, fxs, timeline = _mix_inputs(track, score_, fx, timeline)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    paths = dict(paths or master_paths(out_dir, settings.spec, prefix))
    by_stem = {("mix" if k == "mix" else k.split(":", 1)[1]): p for k, p in paths.items()}
    result = mix_files(dialogue, music, fxs, timeline, by_stem, settings, label="mix")
    result.files = dict(paths)
    return result


def measure_loudness(path: str | Path, spec: str = "ebu-r128") -> Any:
    """QC report of any WAV/FLAC/MP3/MP4/MOV file against a loudness spec."""
    get_spec(spec)
    return measure_file(path, spec)


# -- files and assets ------------------------------------------------------------
def export_post(result: MixResult, track: VoiceTrack | None, score_: Score | None, out_dir: str | Path, *,
                prefix: str = "", ctx: Any = None, fx_log: list[dict] | None = None) -> dict[str, Path]:
    """Write the masters (48 kHz 24-bit WAV), stems, per-character stems, subtitles, cue sheet, timeline, QC.

    The masters come from ``result``'s arrays (:func:`mix_film`), or are the files it already
    wrote (:func:`mix_film_to_files`: ``result.files``). With ``ctx`` every file is also stored as
    an Asset (kind ``post.*``) with its provenance.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timeline = track.timeline if track else None
    tag = f"{prefix}{result.settings.spec}"
    if result.files:
        files: dict[str, Path] = dict(result.files)
    else:
        paths = master_paths(out, result.settings.spec, prefix, tuple(result.stems))
        files = {"mix": write_wav(paths["mix"], result.mix)}
        for name, stem in result.stems.items():
            files[f"stem:{name}"] = write_wav(paths[f"stem:{name}"], stem)
    if track is not None:
        gain = np.float32(result.dialogue_gain / np.sqrt(2))    # the mix's dialogue is mono spread at −3 dB
        for char in track.characters:
            safe = "".join(c if c.isalnum() else "_" for c in char.lower())
            files[f"character:{char}"] = _write_character(out / f"{prefix}dialogue_{safe}.wav", track, char, gain)
        texts = track.texts if track.language != "en" else None
        for ext, fn in (("srt", export_srt), ("vtt", export_vtt)):
            path = out / f"{prefix}subtitles_{track.language}.{ext}"
            with atomic_open(path, "w") as fh:
                fh.write(fn(track.timeline, texts, track.language))
            files[ext] = path
        path = out / f"{prefix}timeline.json"
        with atomic_open(path, "w") as fh:
            fh.write(track.timeline.model_dump_json(indent=1))
        files["timeline"] = path
        import opentimelineio as otio

        path = out / f"{prefix}timeline.otio"
        with atomic_open(path, "w") as fh:
            fh.write(otio.adapters.write_to_string(track.timeline.to_otio(), "otio_json"))
        files["otio"] = path
    if score_ is not None and timeline is not None:
        path = out / f"{prefix}cue_sheet.csv"
        with atomic_open(path, "w") as fh:
            fh.write(score_.cue_sheet_csv(timeline))
        files["cue_sheet_csv"] = path
        files["cue_sheet_pdf"] = export_cue_sheet_pdf(score_.cues, timeline, out / f"{prefix}cue_sheet.pdf")
    path = out / f"{prefix}qc_{result.settings.spec}.json"
    report = {**result.qc.to_dict(), "line": result.qc.line(), "settings": result.settings.to_dict(),
              "effects": fx_log or []}
    if track is not None:               # timed-text rules of the subtitles written above

        report["subtitles"] = subtitle_qc(track.timeline, texts, track.language)
    with atomic_open(path, "w") as fh:
        json.dump(report, fh, indent=1)
    files["qc"] = path
    if ctx is not None:
        store_files(ctx, files, {"spec": result.settings.spec, "qc": result.qc.to_dict(), "tag": tag})
    return files


def _write_character(path: Path, track: VoiceTrack, name: str, gain: np.float32) -> Path:
    """A character's stem × ``gain`` as a 24-bit WAV, a block at a time, as write_wav writes ``stem * gain``.

    With :class:`CharacterStems` (voice's track) each block is placed from the lines itself, so no
    film-length stem is made; a plain array (a dub's stems) is read in blocks."""
    import soundfile as sf


    chars = track.characters
    tl = track.timeline
    spf = SR // tl.fps
    stem: np.ndarray | None = None                        # None: placed from the lines (``spans``)
    spans: list[tuple[int, int, np.ndarray]] = []
    if isinstance(chars, CharacterStems):
        n = tl.duration_frames * spf
        for ev in tl.dialogue():
            audio = chars.lines.get(ev.line_id or "")
            if audio is None or not len(audio) or (ev.character or "?") != name:
                continue
            a = ev.start_frame * spf
            spans.append((a, min(n, a + len(audio), ev.end_frame * spf), audio))
    else:
        stem = chars[name]
        n = len(stem)
    with atomic_path(path) as tmp, sf.SoundFile(str(tmp), "w", SR, 1, subtype="PCM_24", format="WAV") as f:
        for a in range(0, n, WRITE_BLOCK):
            b = min(n, a + WRITE_BLOCK)
            if stem is None:
                block = np.zeros(b - a, dtype=np.float32)
                for s, e, audio in spans:                 # the lines in film order, as _place adds them
                    if s < b and e > a:
                        lo, hi = max(s, a), min(e, b)
                        block[lo - a: hi - a] += audio[lo - s: hi - s]
            else:
                block = stem[a:b]
            f.write(np.clip(block * gain, -1.0, 1.0))
    return path


def store_files(ctx: Any, files: Mapping[str, Path], meta: dict[str, Any]) -> dict[str, int]:
    """Store exported post files as Assets (kind post.<what>), with the last backend call's provenance."""
    call = registry.last_call()
    provenance = call.provenance() if call else {}
    ids = {}
    for key, path in files.items():
        kind = "post." + key.split(":")[0].replace("_", "-")
        ids[key] = ctx.put_asset(Path(path), kind, Path(path).name, provenance=provenance, meta=meta).id
    return ids


def store_timeline(ctx: Any, timeline: Timeline, name: str | None = None) -> int:
    """Store the timeline as an Asset (JSON) — the one source of timing other engines read."""
    record = ctx.put_asset(timeline.model_dump_json(), TIMELINE_KIND, name or f"{_slug(timeline.title)}.timeline.json",
                           meta={"duration_frames": timeline.duration_frames, "fps": timeline.fps,
                                 "scenes": len(timeline.scenes)})
    return record.id


def load_timeline(ctx: Any, name: str | None = None) -> Timeline:
    """The latest stored timeline (of ``name``, or the newest of any)."""
    if name:
        rec = ctx.latest(TIMELINE_KIND, name)
    else:
        recs = ctx.list_assets(kind=TIMELINE_KIND)
        rec = recs[-1] if recs else None
    if rec is None:
        raise AudioError("No timeline stored in this project yet.", hint="Run `studio voice SCRIPT` first.")
    return Timeline.model_validate_json(ctx.read_bytes(rec.id))


def store_lines(ctx: Any, track: VoiceTrack) -> dict[str, str]:
    """Each voiced line as an Asset (48 kHz 24-bit WAV) with its timing; the timeline records their hashes."""
    shas: dict[str, str] = {}
    for e in track.timeline.dialogue():
        audio = track.lines.get(e.line_id or "")
        if audio is None or not len(audio):
            continue
        rec = ctx.put_asset(wav_bytes(audio), "post.line", f"{e.line_id}.{track.language}.wav",
                            meta={"line_id": e.line_id, "character": e.character, "text": track.texts.get(e.line_id or ""),
                                  "start_frame": e.start_frame, "duration_frames": e.duration_frames,
                                  "language": track.language,
                                  "profile": track.profiles.get(e.character or "", VoiceProfile()).model_dump()})
        shas[e.line_id or ""] = rec.sha256
        e.audio_sha256 = rec.sha256
    return shas


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in (text or "untitled").lower()).strip("-") or "untitled"


@dataclass
class PostResult:
    track: VoiceTrack | None
    score: Score | None
    effects_log: list[dict]
    mix: MixResult
    files: dict[str, Path]

    @property
    def qc_line(self) -> str:
        return self.mix.qc.line()


def produce(script: Script | str | Path, *, spec: str = "streaming", out_dir: str | Path | None = None,
            ctx: Any = None, language: str = "en", settings: MixSettings | None = None, music: bool = True,
            spots: bool = True, progress: Progress | None = None, in_memory: bool = False) -> PostResult:
    """Voice, score, effects, mix to ``spec`` and export: the whole sound of the film.

    A script without dialogue gets a score-only mix. With ``out_dir`` the masters and stems are
    written as the mix makes them (``result.mix.mix``/``stems`` empty, ``result.files`` holds
    them); ``in_memory=True`` (or no ``out_dir``) keeps them as arrays in ``result.mix`` too,
    at about 1.1 GB more for a 10-minute film.
    """
    get_spec(spec)
    permissions.require_in_project(ctx, "render", "export")    # voices and music are renders; masters exports
    parsed = load_script(script)
    if not parsed.scenes:
        raise ScriptError(f"{parsed.title or 'The script'} has no scenes: there is nothing to mix.",
                          hint="Give a screenplay with at least one scene heading (INT./EXT.).")
    track = voice(parsed, language=language, ctx=ctx, progress=progress) if parsed.dialogue_block_count else None
    timeline = track.timeline if track else build_timeline(parsed)
    score_ = score(parsed, timeline, progress=progress) if music else None
    fx, log = effects(parsed, timeline, spots=spots)
    settings = settings or MixSettings(spec=spec)
    settings.spec = spec
    if out_dir is not None and not in_memory:     # masters written as they are made: no film-length output held
        result = mix_film_to_files(track, score_, fx, settings, out_dir, timeline=timeline)
    else:
        result = mix_film(track, score_, fx, settings, timeline)
    files: dict[str, Path] = {}
    if ctx is not None and track is not None:
        store_lines(ctx, track)
    if ctx is not None:
        store_timeline(ctx, timeline)
    if out_dir is not None:
        files = export_post(result, track, score_, out_dir, ctx=ctx, fx_log=log)
    return PostResult(track, score_, log, result, files)


__all__ = ["DuckSettings", "MixSettings", "PostResult", "Score", "VoiceTrack", "cast_profiles", "effects",
           "export_post", "load_script", "load_timeline", "master_paths", "measure_loudness", "mix_film",
           "mix_film_to_files", "place_lines", "produce",
           "score", "set_voice_profile", "speak", "store_lines", "store_timeline", "voice"]


# -- dubbing --------------------------------------------------------------------
@dataclass
class DubResult:
    track: VoiceTrack
    plan: Any                     # dubbing.DubPlan
    mix: MixResult
    files: dict[str, Path]

    @property
    def qc_line(self) -> str:
        return self.mix.qc.line()


def translation_backend(name: str = "file", path: str | Path | None = None, **options: Any) -> Any:
    cls = get_backend_class("translate", name)
    if path is not None:
        return cls.from_pretrained(path, **options) if name != "file" else cls(model_path=path, **options)
    return cls(**options)


def export_lines(script: Script | str | Path, language: str, path: str | Path) -> Path:
    """The sheet translators fill in (CSV, or gettext .po by the file's suffix), with each line's slot length."""
    _check_language(language)
    parsed = load_script(script)
    track_timeline = build_timeline(parsed)
    path = Path(path)
    text = export_lines_po(track_timeline, language) if path.suffix.lower() == ".po" else \
        export_lines_csv(track_timeline, language)
    with atomic_open(path, "w") as fh:
        fh.write(text)
    return path


def _check_language(language: str) -> None:
    lang = (language or "").strip()
    ok = False
    for name in ("piper", "espeak"):
        try:
            ok = ok or voice_backend(name).supports(lang)
        except Exception:  # noqa: BLE001, S112 - a backend that cannot load cannot speak it
            continue
    if not lang or not ok:
        raise TranslationError(f"Unknown or unsupported language {language!r}: no installed voice speaks it.",
                               hint="Use an ISO 639-1 code such as es, fr, de, ar, he, ja, zh (see `espeak-ng --voices`).")


def dub(script: Script | str | Path, language: str, *, translations: str | Path | None = None,
        backend: str = "file", original: VoiceTrack | None = None, score_: Score | None = None,
        fx: np.ndarray | None = None, spec: str = "streaming", out_dir: str | Path | None = None, ctx: Any = None,
        progress: Progress | None = None) -> DubResult:
    """Dub the film into ``language``: translate, voice, fit to the original slots, mix over the M&E."""
    _check_language(language)
    parsed = load_script(script)

    # translate first: a bad translation file fails before any audio is made
    source = {e.line_id: e.text for e in (original.timeline if original else build_timeline(parsed)).dialogue()
              if e.line_id}
    tb = translation_backend(backend, translations)
    texts = registry.invoke(tb, "translate", source, source="en", target=language,
                            params={"target": language, "backend": backend}, inputs=[source], units=chars)
    original = original or voice(parsed, ctx=ctx, progress=progress)
    timeline = original.timeline
    plan = DubPlan(language, dict(texts))
    spf = SR // timeline.fps
    lines: dict[str, np.ndarray] = {}
    events = timeline.dialogue()
    for k, e in enumerate(events):
        profile = original.profiles.get(e.character or "", VoiceProfile())
        text = texts[e.line_id]

        def say(stretch: float, text: str = text, e: Any = e, profile: VoiceProfile = profile) -> np.ndarray:
            return speak(text, profile, language=language, parenthetical=e.parenthetical, extensions=e.extensions,
                         stretch=stretch)

        audio, fit = fit_line(say, e.line_id or "", e.duration_frames * spf)
        lines[e.line_id or ""] = audio
        plan.fits.append(fit)
        if progress:
            progress("dub", k + 1, len(events))
    chars_, dialogue = place_dub(timeline, lines)
    track = VoiceTrack(parsed, timeline, original.profiles, lines, chars_, dialogue, language, dict(texts),
                       {f.line_id: f.to_dict() for f in plan.fits})
    score_ = score_ if score_ is not None else score(parsed, timeline, progress=progress)
    if fx is None:
        fx, _ = effects(parsed, timeline)
    files: dict[str, Path] = {}
    if out_dir is None:
        result = mix_film(track, score_, fx, MixSettings(spec=spec), timeline)
    else:                                         # the dub's masters written as they are made
        out = Path(out_dir)
        result = mix_film_to_files(track, score_, fx, MixSettings(spec=spec), out, timeline=timeline,
                                   paths=master_paths(out, spec, f"dub_{language}_", ("dialogue", "m&e")))
        files.update(result.files)
        for ext, fn in (("srt", export_srt), ("vtt", export_vtt)):
            path = out / f"subtitles_{language}.{ext}"
            with atomic_open(path, "w") as fh:
                fh.write(fn(timeline, dict(texts), language))
            files[ext] = path
        path = out / f"dub_{language}_fit.csv"
        with atomic_open(path, "w") as fh:
            fh.write(report_csv(plan))
        files["fit"] = path
        if ctx is not None:
            store_files(ctx, files, {"language": language, "spec": spec, "qc": result.qc.to_dict(),
                                     "flagged": [f.line_id for f in plan.flagged]})
    return DubResult(track, plan, result, files)
