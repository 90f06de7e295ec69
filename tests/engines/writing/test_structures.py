"""Story structures: beats, page targets, scene plans and their lengths."""
from __future__ import annotations

import pytest

from studio_kit.domain.dialogue import CastMember, DialogueVoice
from studio_kit.engines.writing.structures import STRUCTURES, get_structure, plan_story
from studio_kit.exceptions import ScriptError

LOGLINE = "A lighthouse keeper finds a message in a bottle that predicts the next storm."
CAST = [CastMember.parse(c) for c in ["MARA VOSS:protagonist", "JONAH:ally", "VICTOR HALE:antagonist"]]


def test_save_the_cat_has_fifteen_beats_on_their_published_pages():
    beats, plans = plan_story(LOGLINE, "save_the_cat", length=110, cast=CAST, seed=1)
    assert [b.name for b in beats] == [
        "Opening Image", "Theme Stated", "Set-Up", "Catalyst", "Debate", "Break into Two", "B Story",
        "Fun and Games", "Midpoint", "Bad Guys Close In", "All Is Lost", "Dark Night of the Soul",
        "Break into Three", "Finale", "Final Image"]
    page = {b.name: b.page for b in beats}
    assert page["Catalyst"] == 12 and page["Break into Two"] == 25 and page["Midpoint"] == 55
    assert page["All Is Lost"] == 75 and page["Break into Three"] == 85 and page["Final Image"] == 110
    assert sum(p.target_eighths for p in plans) == 110 * 8


def test_save_the_cat_page_targets_scale_with_length():
    beats, _ = plan_story(LOGLINE, "save_the_cat", length=55, cast=CAST, seed=1)
    page = {b.name: b.page for b in beats}
    assert page["Catalyst"] == pytest.approx(6.0) and page["Midpoint"] == pytest.approx(27.5)


@pytest.mark.parametrize("fmt,pages", [("short", 10), ("film", 100), ("episode", 50), ("save_the_cat", 90)])
def test_scene_lengths_add_up_to_the_requested_pages(fmt, pages):
    beats, plans = plan_story(LOGLINE, fmt, "thriller", "tense", pages, CAST, seed=3)
    assert sum(p.target_eighths for p in plans) == pages * 8
    assert all(p.target_eighths >= 1 for p in plans)
    assert sum(b.eighths for b in beats) == pages * 8
    # every plan belongs to exactly one beat, in order
    assert [i for b in beats for i in b.scenes] == list(range(len(plans)))
    # scenes stay a producer-friendly length (short films: about a page and a half at most)
    assert max(p.target_eighths for p in plans) <= get_structure(fmt).max_scene_eighths


def test_episode_is_teaser_four_acts_and_tag():
    beats, _ = plan_story(LOGLINE, "episode", cast=CAST)
    assert [b.act for b in beats] == ["Teaser", "Act One", "Act Two", "Act Three", "Act Four", "Tag"]


def test_three_act_turns_land_on_act_boundaries():
    beats, _ = plan_story(LOGLINE, "film", length=100, cast=CAST)
    acts = {b.name: b.act for b in beats}
    assert acts["Inciting Incident"] == "Act One" and acts["Midpoint"] == "Act Two" and acts["Climax"] == "Act Three"
    assert next(b.page for b in beats if b.name == "Midpoint") == pytest.approx(51.0)


@pytest.mark.parametrize("seconds", [15, 30, 60])
def test_ads_are_hook_problem_product_proof_cta_summing_to_the_spot_length(seconds):
    cast = CAST[:1] + [CastMember(name="ANNOUNCER", role="announcer")]
    beats, plans = plan_story("A smart thermos keeps coffee hot all day.", f"ad{seconds}", cast=cast, seed=2)
    assert [b.kind for b in beats] == ["hook", "problem", "product", "proof", "cta"]
    assert sum(b.seconds for b in beats) == pytest.approx(seconds)
    assert sum(p.seconds for p in plans) == pytest.approx(seconds)
    assert all(b.seconds > 0 for b in beats)
    # the announcer is heard when the product is on screen, not in the hook
    assert "ANNOUNCER" in plans[2].characters and "ANNOUNCER" not in plans[0].characters


def test_plans_are_deterministic_for_a_seed_and_vary_across_seeds():
    a = plan_story(LOGLINE, "short", "drama", "grounded", 10, CAST, seed=5)[1]
    b = plan_story(LOGLINE, "short", "drama", "grounded", 10, CAST, seed=5)[1]
    c = plan_story(LOGLINE, "short", "drama", "grounded", 10, CAST, seed=6)[1]
    assert [p.model_dump() for p in a] == [p.model_dump() for p in b]
    assert [p.model_dump() for p in a] != [p.model_dump() for p in c]


def test_plans_use_the_logline_place_and_only_the_cast():
    _, plans = plan_story(LOGLINE, "short", cast=CAST, seed=0)
    assert any("LIGHTHOUSE" in p.location for p in plans)
    names = {m.name for m in CAST}
    for p in plans:
        assert p.characters and set(p.characters) <= names
        assert "MARA VOSS" in p.characters  # the protagonist carries the short
        assert p.int_ext in {"INT", "EXT"} and p.time_of_day
        assert p.heading == f"{p.int_ext}. {p.location} - {p.time_of_day}"


def test_unknown_format_and_bad_length_are_clear_errors():
    with pytest.raises(ScriptError, match="Unknown script format 'opera'"):
        plan_story(LOGLINE, "opera", cast=CAST)
    with pytest.raises(ScriptError, match="out of range"):
        plan_story(LOGLINE, "short", length=0, cast=CAST)
    with pytest.raises(ScriptError, match="at least one cast member"):
        plan_story(LOGLINE, "short", cast=[])


def test_every_declared_structure_plans():
    for name in STRUCTURES:
        beats, plans = plan_story(LOGLINE, name, cast=CAST, seed=0)
        assert beats and plans


def test_cast_member_parses_name_and_role_and_rejects_bad_cues():
    m = CastMember.parse("mara voss: protagonist")
    assert (m.name, m.role, m.first_name) == ("MARA VOSS", "protagonist", "MARA")
    assert CastMember.parse("JONAH").role == "supporting"
    with pytest.raises(ScriptError):
        CastMember(name="(V.O.)")


def test_voice_profiles_shape_lines():
    formal = DialogueVoice(formality=0.9, sentence_length=12)
    casual = DialogueVoice(formality=0.1, sentence_length=8)
    import random

    line = ["I don't know what it is, but we're going to find out."]
    assert formal.shape(line, random.Random(0)) == "I do not know what it is, but we are going to find out."
    assert casual.shape(line, random.Random(0)) == "I don't know what it is, but we're gonna find out."
    terse = DialogueVoice(sentence_length=3)
    assert terse.shape(["Whatever happens tonight, we stay together and we keep the lamp lit."], random.Random(0)) \
        == "Whatever happens tonight."
    tics = DialogueVoice(verbal_tics=["Look,"], tic_rate=1.0)
    assert tics.shape(["We go now."], random.Random(0)) == "Look, we go now."
    catch = DialogueVoice(catchphrases=["Not today."], catchphrase_rate=1.0)
    assert catch.shape(["Put it down."], random.Random(0)).endswith("Not today.")
