"""Post-production speed: voices, score, mix + loudness QC, loudness measurement vs ffmpeg, peak memory.

    .venv/bin/python benchmarks/bench_post.py [--cases short,film10]
    .venv/bin/python benchmarks/bench_post.py --mix-minutes 10     # mix + QC only, one table row
    .venv/bin/python benchmarks/bench_post.py --produce-minutes 10  # service.produce, before/after rows

``--mix-minutes M``: the mix + loudness QC of an M-minute film on its own. The stems are made
once and cached under ``benchmarks/_work/`` (the score and the effects bed rendered by the
engine on the timeline of the sample repeated to M minutes; the dialogue stem is speech-like
noise in every line's slot, since voicing 10 minutes takes longer than the mix by 100×);
then a fresh process per row loads them and mixes to spec streaming: ``arrays`` runs
``mix_film`` (mix and stems returned as arrays; the mix then written as 24-bit WAV, "WAV s"),
``files`` runs ``mix.mix_to_files`` (mix and four stems written as 24-bit WAV as they are made;
its seconds include the writing). Each row gives wall seconds, × real time, CPU seconds (the
figure to trust on a shared machine) and peak RSS (``ru_maxrss``) with the RSS after loading
the stems; "working" = peak − inputs − the film-length outputs held (mix, dialogue, music,
effects, M&E: 1.1 GB for 10 minutes, what ``MixResult`` holds). ffmpeg ``ebur128`` measures
the written mix as a cross-check.

2026-12-06, 2 shared CPUs (load average 7–10), same cached stems, one process per row:

    how    film min mix+QC s  ×RT  CPU s peak RSS MB inputs MB outputs MB working MB   LUFS ffmpeg  dBTP
    whole-film arrays (before issue 11):
    arrays    10.03    24.38  24.7  16.21        3022       681       1102       1239 -14.00  -14.0 -1.76
    block-wise:
    arrays    10.03    16.45  36.6   7.89        1927       679       1102        146 -14.00  -14.0 -1.76
    files     10.03    30.44  19.8   9.32         923       679          0        245 -14.00  -14.0 -1.76

Wall seconds wait for the shared cores (CPU time gives 76× real time for ``arrays``). Only
``mix_to_files`` is under 1 GB in all: ``mix_film`` returns five film-length arrays by contract.

``--produce-minutes M``: ``service.produce`` of the sample's paragraphs repeated to an M-minute
*voiced* timeline, spec streaming, every export file written (masters, 4 stems, per-character
stems, SRT/VTT, timeline JSON/OTIO, cue sheet CSV/PDF, QC), one fresh process per row. The voiced
lines come from the engine's line cache (filled once from ``_work``), so the seconds are the
timeline, score (FluidSynth, a subprocess: not in CPU s), effects, mix, QC and export, not Piper.
``arrays`` = ``produce(in_memory=True)`` (mix and stems as arrays, then written); ``files`` =
the default (masters written as the mix makes them, character stems placed block by block).

2026-12-06, 2 shared CPUs (load average 5–15), 118 lines, 600.2 s voiced timeline:

    how    film min lines produce s   ×RT  CPU s RSS before MB peak RSS MB files written MB   LUFS ffmpeg
    before issue 11's file path (commit f8f3941, plain produce, same film and line cache):
    before    10.00   118     83.89   7.2  19.89            79        2657    16          -  -14.1      -
    now:
    arrays    10.00   118     45.49  13.2  18.03            80        2033    16       1155 -14.10  -14.1
    files     10.00   118     30.23  19.9  16.55            80         987    16       1155 -14.10  -14.1

The default path peaks under 1 GB: what is left is the inputs (dialogue 110 MB, music and effects
220 MB each), the Piper model and the mix's 12.8 s working blocks.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "studio_kit" / "data" / "samples" / "the_last_reel.fountain"


def _script(case: str) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    if case == "short":
        return text
    head, _, body = text.partition("\n\n")
    from studio_kit.engines.writing import parse_fountain

    seconds, copies = 0.0, 1
    while seconds < 600:
        copies += 1
        from studio_kit.engines.post.timeline_build import build_timeline

        seconds = build_timeline(parse_fountain(head + "\n\n" + "\n\n".join([body] * copies))).duration_seconds
    return head + "\n\n" + "\n\n".join([body] * copies)


def one(case: str) -> dict:
    from studio_kit.engines.post import service
    from studio_kit.engines.post.audio import write_wav
    from studio_kit.engines.post.loudness import ffmpeg_ebur128, measure
    from studio_kit.engines.post.mix import MixSettings

    script = service.load_script(_script(case))
    service.speak("Warm up.", service.VoiceProfile())        # model load is not part of the rate
    t0 = time.perf_counter()
    track = service.voice(script, progress=lambda *a: service._LINE_CACHE.clear())
    t_voice = time.perf_counter() - t0
    speech = sum(len(a) for a in track.lines.values()) / 48000
    film = track.timeline.duration_seconds
    t0 = time.perf_counter()
    score = service.score(script, track.timeline)
    t_score = time.perf_counter() - t0
    fx, _ = service.effects(script, track.timeline)
    t0 = time.perf_counter()
    result = service.mix_film(track, score, fx, MixSettings(spec="streaming"))
    t_mix = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = write_wav(Path(tmp) / "mix.wav", result.mix)
        t0 = time.perf_counter()
        ours = measure(result.mix, 48000)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = ffmpeg_ebur128(path)
        t_ff = time.perf_counter() - t0
    return {"case": case, "film_s": film, "lines": len(track.lines), "speech_s": speech,
            "voice_rtf": speech / t_voice, "score_rtf": film / t_score, "mix_qc_rtf": film / t_mix,
            "measure_s": t_ours, "ffmpeg_s": t_ff, "lufs": ours.integrated_lufs, "ffmpeg_lufs": ref["integrated_lufs"],
            "qc": result.qc.line(), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


WORK = ROOT / "benchmarks" / "_work"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _mix_stems(minutes: float) -> Path:
    """Cached stems (dialogue mono, music and effects stereo) and the timeline of an ``minutes`` film."""
    import numpy as np

    path = WORK / f"mix_stems_{minutes:g}min.npz"
    if path.is_file():
        return path
    from studio_kit.engines.post import service
    from studio_kit.engines.post.audio import SR
    from studio_kit.engines.post.effects import effects_bed, sound_tags
    from studio_kit.engines.post.timeline_build import build_timeline
    from studio_kit.engines.writing import parse_fountain

    script = parse_fountain(_film_script(minutes))
    timeline = build_timeline(script)
    n = timeline.duration_frames * (SR // timeline.fps)
    rng = np.random.default_rng(7)
    dialogue = np.zeros(n, dtype=np.float32)
    spf = SR // timeline.fps
    for e in timeline.dialogue():                 # speech-like: band noise, 4 Hz syllables, a pitch
        a, b = e.start_frame * spf, min(n, e.end_frame * spf)
        t = np.arange(b - a) / SR
        voice = np.sin(2 * np.pi * (110 + 40 * rng.random()) * t) + 0.3 * rng.standard_normal(b - a)
        dialogue[a:b] = (0.1 * voice * np.abs(np.sin(2 * np.pi * 4.0 * t))).astype(np.float32)
    music = service.score(script, timeline).stem
    fx, _ = effects_bed(timeline, sound_tags(script))
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, dialogue=dialogue, music=music, effects=fx, timeline=timeline.model_dump_json())
    tmp.replace(path)
    return path


def mix_one(minutes: float, how: str = "arrays") -> dict:
    """One mix + QC in this process: seconds, × real time, peak RSS (run it in a fresh process).

    ``how``: ``arrays`` = ``service.mix_film`` (mix and stems returned as arrays, then the mix written);
    ``files`` = ``mix.mix_to_files`` (mix and the four stems written as 24-bit WAV, no array kept), where
    the seconds include writing the five files.
    """
    import gc
    import types

    import numpy as np

    from studio_kit.domain.timeline import Timeline
    from studio_kit.engines.post import service
    from studio_kit.engines.post.audio import write_wav
    from studio_kit.engines.post.loudness import ffmpeg_ebur128, measure
    from studio_kit.engines.post.mix import MixSettings

    with np.load(_mix_stems(minutes)) as z:
        dialogue, music, fx = z["dialogue"], z["music"], z["effects"]
        timeline = Timeline.model_validate_json(str(z["timeline"]))
    track = types.SimpleNamespace(timeline=timeline, dialogue=dialogue)   # what mix_film reads of a VoiceTrack
    import scipy.ndimage  # noqa: F401 - imports and the K-filter design are once per process, not part of the rate

    measure(np.full((48000, 2), 0.1, dtype=np.float32), 48000)
    gc.collect()
    inputs = _rss_mb()
    film = len(dialogue) / 48000
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        if how == "files":
            from studio_kit.engines.post.mix import mix_to_files

            path = Path(tmp) / "mix.wav"
            stems = {k: Path(tmp) / f"stem_{k.replace('&', 'n')}.wav" for k in ("dialogue", "music", "effects", "m&e")}
            lo, report, _ = mix_to_files(dialogue, music, fx, timeline, {"mix": path, **stems},
                                         MixSettings(spec="streaming"))
            outputs, t_write = 0.0, 0.0
        else:
            result = service.mix_film(track, service.Score([], music), fx, MixSettings(spec="streaming"), timeline)
            lo, report = result.loudness, result.qc
            outputs = (result.mix.nbytes + sum(v.nbytes for v in result.stems.values())) / 2 ** 20
        t_mix, c_mix = time.perf_counter() - t0, time.process_time() - c0
        peak_mix = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if how != "files":
            t0 = time.perf_counter()
            path = write_wav(Path(tmp) / "mix.wav", result.mix)
            t_write = time.perf_counter() - t0
        ref = ffmpeg_ebur128(path)
    return {"how": how, "film_s": film, "mix_s": t_mix, "cpu_s": c_mix, "rtf": film / t_mix, "write_s": t_write,
            "inputs_mb": inputs, "peak_mb": peak_mix, "outputs_mb": outputs,
            "lufs": lo.integrated_lufs, "tp": lo.true_peak_dbtp,
            "ff_lufs": ref["integrated_lufs"], "ff_tp": ref["true_peak_dbtp"], "qc": report.line()}


def mix_table(minutes: float, hows: list[str]) -> None:
    _mix_stems(minutes)                                           # made (and cached) outside the measured process
    rows = []
    for how in hows:
        out = subprocess.run([sys.executable, __file__, "--mix-one", str(minutes), "--how", how],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = (f"{'how':6} {'film min':>8} {'mix+QC s':>8} {'×RT':>6} {'CPU s':>6} {'peak RSS MB':>11} {'inputs MB':>9} "
            f"{'outputs MB':>10} {'working MB':>10} {'WAV s':>6} {'LUFS':>6} {'ffmpeg':>6} {'dBTP':>5} {'ffmpeg':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['how']:6} {r['film_s'] / 60:8.2f} {r['mix_s']:8.2f} {r['rtf']:6.1f} {r['cpu_s']:6.2f} "
              f"{r['peak_mb']:11.0f} {r['inputs_mb']:9.0f} {r['outputs_mb']:10.0f} "
              f"{r['peak_mb'] - r['inputs_mb'] - r['outputs_mb']:10.0f} {r['write_s']:6.2f} "
              f"{r['lufs']:6.2f} {r['ff_lufs']:6.1f} {r['tp']:5.2f} {r['ff_tp']:6.1f}")
    for r in rows:
        print(r["how"], r["qc"])


def _film_script(minutes: float) -> str:
    """The sample's paragraphs repeated, the fewest whose timeline lasts ``minutes`` (10 → 10.03 minutes)."""
    from studio_kit.engines.post.timeline_build import build_timeline
    from studio_kit.engines.writing import parse_fountain

    head, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n\n")
    paragraphs = ("\n\n".join([body] * int(minutes // 2 + 2))).split("\n\n")

    def text(count: int) -> str:
        return head + "\n\n" + "\n\n".join(paragraphs[:count])

    lo, hi = 1, len(paragraphs)
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if build_timeline(parse_fountain(text(mid))).duration_seconds < minutes * 60 else (lo, mid)
    return text(lo)


def _voiced_film_script(minutes: float) -> Path:
    """The fewest of the sample's paragraphs whose *voiced* timeline lasts ``minutes`` (lines from the
    cache; voiced lines run shorter than the script's estimate), written once under ``_work``."""
    path = WORK / f"produce_script_{minutes:g}min.fountain"
    if path.is_file():
        return path
    import numpy as np

    from studio_kit.engines.post import service

    with np.load(_line_cache(minutes)) as z:
        service._LINE_CACHE.update({k: z[k] for k in z.files})
    head, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n\n")
    paragraphs = ("\n\n".join([body] * int(minutes // 2 + 4))).split("\n\n")

    def text(count: int) -> str:
        return head + "\n\n" + "\n\n".join(paragraphs[:count])

    lo, hi = 1, len(paragraphs)
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if service.voice(text(mid)).timeline.duration_seconds < minutes * 60 else (lo, mid)
    path.write_text(text(lo), encoding="utf-8")
    return path


def _line_cache(minutes: float) -> Path:
    """Every distinct line of the film voiced once (Piper), cached under ``_work`` by the engine's own cache keys."""
    import numpy as np

    path = WORK / "produce_lines.npz"
    if not path.is_file():
        from studio_kit.engines.post import service

        service.voice(_film_script(minutes))
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **service._LINE_CACHE)
        tmp.replace(path)
    return path


def produce_one(minutes: float, how: str) -> dict:
    """``service.produce`` of an M-minute film to spec streaming, in this process.

    ``files`` = the default (masters written as the mix makes them); ``arrays`` = ``in_memory=True``,
    the path produce took before (mix and stems as arrays, then written). The voiced lines come
    from the cache (the engine's own per-line cache, filled from ``_work``), so the seconds are
    timeline, score, effects, mix, loudness QC and every export file, not Piper.
    """
    import numpy as np

    from studio_kit.engines.post import service

    script = service.load_script(_voiced_film_script(minutes).read_text(encoding="utf-8"))
    with np.load(_line_cache(minutes)) as z:
        service._LINE_CACHE.update({k: z[k] for k in z.files})
    before = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        result = service.produce(script, spec="streaming", out_dir=Path(tmp) / "post", in_memory=how == "arrays")
        t, c = time.perf_counter() - t0, time.process_time() - c0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from studio_kit.engines.post.loudness import ffmpeg_ebur128

        ref = ffmpeg_ebur128(result.files["mix"])
        files, size = len(result.files), sum(p.stat().st_size for p in result.files.values()) / 2 ** 20
    film = result.track.timeline.duration_seconds
    return {"how": how, "film_s": film, "lines": len(result.track.timeline.dialogue()), "s": t, "cpu_s": c,
            "rtf": film / t, "before_mb": before, "peak_mb": peak, "files": files, "out_mb": size,
            "lufs": result.mix.loudness.integrated_lufs, "ff_lufs": ref["integrated_lufs"], "qc": result.qc_line}


def produce_table(minutes: float, hows: list[str]) -> None:
    _voiced_film_script(minutes)                                  # voiced (and cached) outside the measured process
    rows = []
    for how in hows:
        out = subprocess.run([sys.executable, __file__, "--produce-one", str(minutes), "--how", how],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = (f"{'how':6} {'film min':>8} {'lines':>5} {'produce s':>9} {'×RT':>5} {'CPU s':>6} {'RSS before MB':>13} "
            f"{'peak RSS MB':>11} {'files':>5} {'written MB':>10} {'LUFS':>6} {'ffmpeg':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['how']:6} {r['film_s'] / 60:8.2f} {r['lines']:5d} {r['s']:9.2f} {r['rtf']:5.1f} {r['cpu_s']:6.2f} "
              f"{r['before_mb']:13.0f} {r['peak_mb']:11.0f} {r['files']:5d} {r['out_mb']:10.0f} "
              f"{r['lufs']:6.2f} {r['ff_lufs']:6.1f}")
    for r in rows:
        print(r["how"], r["qc"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="short,film10")
    ap.add_argument("--one")
    ap.add_argument("--mix-minutes", type=float, help="only the mix + QC of a film this long (one table row)")
    ap.add_argument("--mix-one", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--produce-minutes", type=float,
                    help="only service.produce of a film this long (voiced lines cached), one row per --how")
    ap.add_argument("--produce-one", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--how", default="arrays,files",
                    help="with --mix-minutes / --produce-minutes: arrays (mix_film / in_memory), files or both")
    args = ap.parse_args()
    if args.produce_one:
        print(json.dumps(produce_one(args.produce_one, args.how)))
        return
    if args.produce_minutes:
        produce_table(args.produce_minutes, args.how.split(","))
        return
    if args.one:
        print(json.dumps(one(args.one)))
        return
    if args.mix_one:
        print(json.dumps(mix_one(args.mix_one, args.how)))
        return
    if args.mix_minutes:
        mix_table(args.mix_minutes, args.how.split(","))
        return
    rows = []
    for case in args.cases.split(","):
        out = subprocess.run([sys.executable, __file__, "--one", case], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = (f"{'case':8} {'film':>7} {'lines':>5} {'voice×RT':>8} {'score×RT':>8} {'mix+QC×RT':>9} "
            f"{'measure s':>9} {'ffmpeg s':>8} {'ratio':>5} {'LUFS':>6} {'ffmpeg':>6} {'peak MB':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['case']:8} {r['film_s']:7.1f} {r['lines']:5d} {r['voice_rtf']:8.1f} {r['score_rtf']:8.1f} "
              f"{r['mix_qc_rtf']:9.1f} {r['measure_s']:9.2f} {r['ffmpeg_s']:8.2f} "
              f"{r['measure_s'] / r['ffmpeg_s']:5.2f} {r['lufs']:6.1f} {r['ffmpeg_lufs']:6.1f} {r['peak_rss_mb']:7.0f}")
    for r in rows:
        print(r["case"], r["qc"])


if __name__ == "__main__":
    main()
