"""Trailers: cut from the beats, exact length, complete lines, never the ending; EDL editable, OTIO, re-rendered."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.engines.marketing.trailer import cut_trailer
from studio_kit.exceptions import MarketingError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def made(film_ctx, home):
    from studio_kit.engines.marketing import service as mk

    ctx, script = film_ctx
    result = mk.trailer(script, 30, home / "trailer-30.mp4", ctx=ctx, otio_out=home / "trailer-30.otio")
    return ctx, script, result


def test_trailer_is_exactly_thirty_seconds_and_passes_the_streaming_spec(made):
    from studio_kit import media
    from studio_kit.engines.post.service import measure_loudness

    ctx, _script, result = made
    assert result.qc.passed, result.qc.line()
    assert media.video_frames(result.path) == 30 * 24
    info = media.probe(result.path)
    assert (info.width, info.height, round(info.fps)) == (1280, 720, 24)
    assert abs(media.audio_seconds(result.path) - 30) < 0.1
    lo = measure_loudness(result.path, "streaming")
    assert abs(lo.measured_lufs + 14) <= 1 and lo.loudness.true_peak_dbtp <= -1
    frames = list(media.read_frames(result.path, 64, 36, fps=2))
    distinct = {hash(f.tobytes()) for f in frames}
    assert len(distinct) > 10, "a trailer's picture changes"
    assert [a.name for a in ctx.list_assets(kind="marketing.trailer")] == ["harbour-lights-trailer-30.mp4"]


def test_trailer_never_shows_the_final_scene_and_keeps_lines_whole(made):
    from studio_kit.engines.marketing import service as mk

    ctx, script, result = made
    tl = mk.film(script, ctx=ctx).timeline
    final = tl.scenes[-1]
    moments = result.edl.moments()
    assert moments and all(m.scene_number != final.scene_number for m in moments)
    assert all(m.source_out <= final.start_frame for m in moments)
    for m in moments:
        for lid in m.line_ids:
            ev = tl.event(lid)
            assert m.source_in <= ev.start_frame and ev.end_frame <= m.source_out
        assert m.reason and m.movement in {"setup", "inciting", "escalation", "climax"}
    roles = [e.role for e in result.edl.cards()]
    assert roles[-2:] == ["title", "release"] and "movement" in roles
    assert result.edl.entries[-1].text == "COMING SOON"
    assert result.edl.entries[-2].text == "HARBOUR LIGHTS"


def test_music_is_ducked_under_the_chosen_lines(made):
    from studio_kit.engines.marketing import service as mk

    ctx, script, result = made
    mix, tl = mk.trailer_mix(result.edl, script, ctx=ctx)
    assert mix.qc.passed
    line = tl.dialogue()[0]
    mid_ms = int((line.start_frame + line.duration_frames / 2) / 24 * 1000)
    card = next(s for s in tl.scenes if not s.shots)
    card_ms = int((card.start_frame + card.duration_frames - 2) / 24 * 1000)
    assert mix.duck_gain_db[mid_ms] < -6
    assert mix.duck_gain_db[card_ms] > -1


def test_edl_round_trips_through_otio_and_an_edit_re_renders(made, home):
    from studio_kit import media
    from studio_kit.domain.marketing import TrailerEDL
    from studio_kit.engines.marketing import service as mk

    ctx, script, result = made
    back = TrailerEDL.from_otio(str(result.otio))
    assert back == result.edl
    edited = back.model_copy(deep=True)
    dropped = edited.entries.pop(1)
    edited.entries[-1].duration_frames += dropped.duration_frames
    stored, warnings = mk.update_edl(edited, script, ctx=ctx)
    assert warnings == []
    assert mk.load_edl("Harbour Lights", 30, ctx=ctx) == edited
    again = mk.trailer(script, 30, home / "trailer-30-edit.mp4", ctx=ctx, edl=stored)
    assert again.qc.passed and media.video_frames(again.path) == 720
    assert dropped.shot_id not in [m.shot_id for m in again.edl.moments()]


def test_an_edit_that_cuts_a_line_or_shows_the_ending_is_refused(made):
    from studio_kit.engines.marketing import service as mk

    ctx, script, result = made
    before = len(ctx.versions("marketing.trailer-edl", "harbour-lights-trailer-30.json"))
    cut_line = result.edl.model_copy(deep=True)
    m = next(e for e in cut_line.entries if e.line_ids)
    m.source_in += m.duration_frames // 2
    with pytest.raises(MarketingError, match="cut by moment"):
        mk.update_edl(cut_line, script, ctx=ctx)
    tl = mk.film(script, ctx=ctx).timeline
    ending = result.edl.model_copy(deep=True)
    last_shot = tl.scenes[-1].shots[0]
    first = ending.moments()[0]
    first.shot_id, first.line_ids, first.source_in = last_shot.shot_id, [], last_shot.start_frame
    with pytest.raises(MarketingError, match="final scene"):
        mk.update_edl(ending, script, ctx=ctx)
    assert len(ctx.versions("marketing.trailer-edl", "harbour-lights-trailer-30.json")) == before


def test_a_film_shorter_than_the_trailer_says_how_long_it_is(made):
    from studio_kit.engines.marketing import service as mk

    ctx, script, _ = made
    seconds = mk.film(script, ctx=ctx).timeline.duration_seconds
    with pytest.raises(MarketingError, match=f"runs {seconds:.1f} s") as err:
        mk.cut(script, 60, ctx=ctx)
    assert "Ask for a 30 s spot" in err.value.hint and "length 0" in err.value.hint


def test_unknown_trailer_lengths_are_refused():
    from studio_kit.domain.timeline import Timeline

    with pytest.raises(MarketingError, match="45 s is not a trailer length"):
        cut_trailer(Timeline(title="x"), 45)


def _wind(scenes: int = 6):
    """A film without dialogue: six short field scenes (about 37 s)."""
    from studio_kit.engines.post import service as post
    from studio_kit.engines.post.timeline_build import build_timeline

    text = "\n\n".join(f"EXT. FIELD {k} - DAY\n\n" + ("The wind moves through tall grass. A kite rises, dips and "
                                                       "rises again over the hill. " * 6) for k in range(1, scenes + 1))
    script = post.load_script(f"Title: Wind\n\n{text}\n")
    return script, build_timeline(script)


def test_length_zero_cuts_the_longest_spot_the_film_gives_and_15_s_spots_fit():
    from studio_kit.engines.marketing.trailer import fit_length

    script, tl = _wind()
    assert 30 <= tl.duration_seconds < 60
    assert fit_length(tl.duration_seconds) == 30 and fit_length(60.0) == 60 and fit_length(29.9) == 15
    auto = cut_trailer(tl, 0, script=script)
    assert auto.length == 30 and auto.duration_frames == 30 * tl.fps
    spot = cut_trailer(tl, 15, script=script)
    assert spot.length == 15 and spot.duration_frames == 15 * tl.fps
    assert all(e.scene_index != tl.scenes[-1].scene_index for e in spot.moments())   # never the ending
    with pytest.raises(MarketingError, match="even a 15 s spot") as err:
        fit_length(14.0)
    assert "social clip" in err.value.hint


def test_a_film_without_dialogue_gets_a_music_only_trailer():
    from studio_kit.engines.marketing.trailer import trailer_timeline
    from studio_kit.engines.post import service as post

    script, tl = _wind()
    assert tl.duration_seconds > 30
    edl = cut_trailer(tl, 30, script=script)
    assert edl.duration_frames == 720 and not any(e.line_ids for e in edl.entries)
    assert any("music-only" in n for n in edl.notes)
    ttl = trailer_timeline(edl, tl)
    mix = post.mix_film(None, post.score(script, ttl), None, post.MixSettings(spec="streaming"), ttl)
    assert mix.qc.passed
    assert np.abs(mix.stems["music"]).max() > 0.01 and np.abs(mix.stems["dialogue"]).max() == 0


def test_the_film_picture_is_cached_once_per_cut_under_studio_home(made, home):
    """A stable key (not Python's per-process hash): another process finds the same picture; a new cut of
    the film replaces the old picture instead of piling up in the temp folder."""
    import subprocess
    import sys

    from studio_kit.engines.marketing import service as mk

    ctx, script, result = made
    path = mk.film_video(script, ctx=ctx)
    assert path == result.film_video and path.is_relative_to(home / "cache" / "marketing")
    code = ("import sys; from studio_kit.store import open_store; from studio_kit.engines.marketing import service as mk;"
            "ctx = open_store().project('acme', 'harbour', user='ana'); print(mk.film_video(sys.argv[1], ctx=ctx))")
    other = subprocess.run([sys.executable, "-c", code, str(script)], capture_output=True, text=True, check=False,
                           env={**__import__("os").environ, "STUDIO_HOME": str(home)})
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stdout.strip().splitlines()[-1] == str(path)
    stale = path.with_name(path.name[:-len("0123456789abcdef.mp4")] + "0123456789abcdef.mp4")
    stale.write_bytes(b"an older cut")
    path.unlink()
    again = mk.film_video(script, ctx=ctx)       # re-rendered: the older cut of the same film is removed
    assert again == path and again.is_file() and not stale.exists()
