"""Breakdown: sheets per scene, automatic tags with source lines, verified LLM proposals, manual edits."""
from __future__ import annotations

import pytest

from studio_kit.domain.preproduction import CATEGORY_TABLE, TagOrigin
from studio_kit.domain.preproduction import BreakdownCategory as Cat
from studio_kit.engines.preproduction.breakdown import BreakdownError, break_down
from studio_kit.engines.preproduction.edits import EditError, EditLog


def _names(sheet, cat):
    return [t.name for t in sheet.tags_in(cat)]


def test_breakdown_has_one_sheet_per_scene_with_heading_parts(reel_script):
    bd = break_down(reel_script)
    assert [s.heading for s in bd.sheets] == [s.heading for s in reel_script.scenes]
    first = bd.sheets[0]
    assert (first.int_ext, first.time_of_day, first.location) == ("INT", "NIGHT", "BOB'S APARTMENT - KITCHEN")
    assert first.scene_number == "1" and first.is_night
    assert all(s.eighths >= 1 for s in bd.sheets)
    assert first.synopsis.startswith("BOB (40s) paces")


def test_breakdown_tags_every_speaking_character_with_cast_list_numbers(reel_script):
    bd = break_down(reel_script)
    # BOB is in 3 scenes, ALICE in 2, CARL in 1: numbered like a cast list
    assert [(c.id, c.name, c.scenes) for c in bd.cast] == [(1, "BOB", 3), (2, "ALICE", 2), (3, "CARL", 1)]
    for scene, sheet in zip(reel_script.scenes, bd.sheets):
        tagged = set(_names(sheet, Cat.CAST))
        assert set(scene.speaking_characters) <= tagged
    # ids are stable across scenes
    ids = {t.name: t.cast_id for s in bd.sheets for t in s.tags_in(Cat.CAST)}
    assert ids == {"BOB": 1, "ALICE": 2, "CARL": 3}
    carl = bd.sheets[2].tags_in(Cat.CAST)
    assert any(t.matched == "CARL (O.S.)" and t.confidence == 1.0 for t in carl)


def test_every_auto_tag_points_at_the_source_line_it_was_found_on(reel_script, reel_text):
    bd = break_down(reel_script)
    lines = reel_text.splitlines()
    checked = 0
    for sheet in bd.sheets:
        for t in sheet.tags:
            assert 0.0 < t.confidence <= 1.0
            assert t.uci == CATEGORY_TABLE[t.category].uci
            if t.line:
                assert t.matched.lower() in lines[t.line - 1].lower(), (t, lines[t.line - 1])
                checked += 1
    assert checked >= 20


def test_lexicons_and_caps_words_find_props_vehicles_animals_extras_stunts(reel_script):
    bd = break_down(reel_script)
    kitchen, station, bedroom, diner = bd.sheets
    assert "FILM REEL" in _names(kitchen, Cat.PROPS)
    assert "RAINCOAT" in _names(kitchen, Cat.WARDROBE)
    assert "POLICE CAR" in _names(station, Cat.VEHICLES)
    assert "DOG" in _names(station, Cat.ANIMALS)
    cops = next(t for t in station.tags_in(Cat.EXTRAS_ATMOSPHERE) if t.name == "Cops")
    assert cops.count == 2 and cops.matched == "COPS"
    assert "Commuters" in _names(station, Cat.EXTRAS_ATMOSPHERE)
    assert {"Stunt: tackle", "Stunt: punches"} <= set(_names(station, Cat.STUNTS))
    assert "BLOOD" in _names(bedroom, Cat.MAKEUP_HAIR)
    assert _names(bedroom, Cat.NOTES) == ["Need a breakaway door."]
    assert "Waitress" in _names(diner, Cat.EXTRAS_SILENT)
    # a kitchen with no stunt verbs gets no stunt tags
    assert kitchen.tags_in(Cat.STUNTS) == []


def test_script_without_scene_headings_is_a_clear_error():
    from studio_kit.engines.writing.fountain import parse_fountain

    with pytest.raises(BreakdownError, match="no scene headings"):
        break_down(parse_fountain("Just some action.\n\nAnd more action.\n"))


class _FakeLM:
    """A text backend that proposes a mix of true, invented and forbidden tags."""

    def __new__(cls, answer: str):
        from studio_kit.backends.text.base import TextBackend

        class Fake(TextBackend):
            name = "fake"
            capabilities = frozenset({"complete"})

            def complete(self, prompt, **kw):
                self.prompts.append(prompt)
                return answer

        b = Fake()
        b.prompts = []
        return b


def test_text_backend_proposals_are_verified_against_the_scene(reel_script):
    from studio_kit.registry import last_call

    lm = _FakeLM("props: newsstand\nprops: unicorn\ncast: ZED\nvehicles: police car\nsquirrels: dog")
    bd = break_down(reel_script, backend=lm)
    station = bd.sheets[1]
    llm = [t for t in station.tags if t.origin == TagOrigin.LLM]
    assert [t.name for t in llm] == ["NEWSSTAND"]            # occurs in the scene, not tagged before
    assert llm[0].line == 18 and 0 < llm[0].confidence < 0.75
    names = {t.name for s in bd.sheets for t in s.tags}
    assert "UNICORN" not in names and "ZED" not in names     # invented / cast proposals refused
    assert any("not in the scene text" in w for w in bd.warnings)
    assert len(lm.prompts) == len(reel_script.scenes)
    assert last_call().method == "complete" and last_call().backend == "fake"


def test_manual_edits_survive_retagging_a_revised_script(reel_text, tmp_path):
    from studio_kit.engines.writing.fountain import parse_fountain

    bd = break_down(parse_fountain(reel_text))
    log = EditLog()
    log.merge(Cat.PROPS, ["REEL"], into="FILM REEL")
    log.remove(Cat.ANIMALS, "DOG")
    log.add(Cat.PROPS, "UMBRELLA", 1, breakdown=bd)                 # scene index 1: the train station
    log.recategorise(Cat.SET_DRESSING, "BOOTH", Cat.PROPS)
    log.add(Cat.CAST, "PICKPOCKET", "2", breakdown=bd)              # scene number 2
    path = log.save(tmp_path / "edits.json")

    revised = reel_text.replace("Title: The Reel\nAuthor: Test Writer\n",
                                "Title: The Reel\nAuthor: Test Writer\n\nEXT. ROOFTOP - NIGHT\n\nBOB smokes alone.\n")
    bd2 = break_down(parse_fountain(revised), edits=path)
    rooftop, kitchen, station, bedroom, diner = bd2.sheets
    assert "FILM REEL" in _names(bedroom, Cat.PROPS) and "REEL" not in _names(bedroom, Cat.PROPS)
    assert _names(station, Cat.ANIMALS) == []
    assert "UMBRELLA" in _names(station, Cat.PROPS) and "UMBRELLA" not in _names(rooftop, Cat.PROPS)
    assert "BOOTH" in _names(diner, Cat.PROPS) and "BOOTH" not in _names(diner, Cat.SET_DRESSING)
    pick = next(c for c in bd2.cast if c.name == "PICKPOCKET")
    assert pick.scenes == 1 and station.scene_index in pick.scene_indices
    assert all(t.origin == TagOrigin.MANUAL for t in station.tags if t.name in {"UMBRELLA", "PICKPOCKET"})
    # the log round-trips through JSON unchanged
    assert EditLog.load(path).to_json() == log.to_json()


def test_edit_log_errors_name_the_problem(reel_script, tmp_path):
    bd = break_down(reel_script)
    with pytest.raises(EditError, match="No scene '99'"):
        EditLog().add(Cat.PROPS, "HAT", "99", breakdown=bd)
    bad = tmp_path / "bad.json"
    bad.write_text('{"edits": [{"op": "explode", "category": "props", "name": "x"}]}')
    with pytest.raises(EditError, match="not valid"):
        EditLog.load(bad)


def test_shipped_lexicons_are_rich_data_files():
    from studio_kit.engines.preproduction import tagging

    sizes = {lex.category: len(set(lex.canonical.values())) for lex in tagging.lexicons()}
    assert set(sizes) >= {Cat.PROPS, Cat.VEHICLES, Cat.ANIMALS, Cat.WARDROBE, Cat.SPECIAL_EFFECTS, Cat.VFX,
                          Cat.MAKEUP_HAIR, Cat.SOUND_MUSIC, Cat.SET_DRESSING, Cat.GREENERY,
                          Cat.SPECIAL_EQUIPMENT, Cat.SECURITY}
    assert sizes[Cat.PROPS] > 200 and min(sizes.values()) >= 25
    assert len(tagging.stunt_lexicon().canonical) > 100


def test_breakdown_of_a_sample_script(samples_dir):
    from studio_kit.engines.writing.io import load_script

    script = load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain")
    bd = break_down(script)
    assert len(bd.sheets) == 3
    assert {"CYBER BOB", "MARGARET"} <= {c.name for c in bd.cast} and "BOB" not in {c.name for c in bd.cast}
    assert "PHONE" in bd.elements(Cat.PROPS)


def test_edit_log_is_stored_as_a_versioned_asset(reel_script, studio_home):
    from studio_kit.store import open_store

    ctx = open_store().project("acme", "reel", user="ana")
    bd = break_down(reel_script)
    log = EditLog()
    log.remove(Cat.PROPS, "BRIEFCASE", user="ana")
    first = log.save_to_store(ctx)
    log.add(Cat.PROPS, "UMBRELLA", 3, breakdown=bd, user="ana")
    second = log.save_to_store(ctx, parent_id=first.id)
    assert second.kind == "breakdown-edits" and second.parent_id == first.id
    again = EditLog.load_from_store(ctx, second.id)
    applied = again.apply(bd)
    assert "BRIEFCASE" not in _names(applied.sheets[0], Cat.PROPS)
    assert "UMBRELLA" in _names(applied.sheets[3], Cat.PROPS)
    assert len(EditLog.load_from_store(ctx, first.id).edits) == 1


def test_everyday_verbs_and_modifiers_are_not_tagged_as_elements():
    """A 1st AD tags WATCH in "checks his watch", not CHECK; an oak table is a TABLE, not greenery."""
    from studio_kit.engines.writing.fountain import parse_fountain

    text = ("INT. ARCHIVE - DAY\n\nDEVLIN (50s) checks his watch. Otto tears the notice and lifts out a key. "
            "A cat watches from the fridge. She lays the tin on a long oak table under a red LED clock. "
            "A yellow EXCAVATOR idles outside.\n\nDEVLIN\nThe tape. Check it.\n")
    sheet = break_down(parse_fountain(text)).sheets[0]
    names = {t.name: t.category for t in sheet.tags}
    assert names.get("WATCH") == Cat.PROPS and names.get("KEY") == Cat.PROPS
    for verb in ("CHECK", "TEARS", "TEAR", "LIFT"):
        assert verb not in names, f"{verb} is an action here, not an element"
    assert "OAK" not in names and names.get("TABLE") == Cat.SET_DRESSING
    assert "LED" not in names and any(n.startswith("LED CLOCK") for n in names)
    assert names.get("EXCAVATOR") == Cat.VEHICLES
    # "watches" after a determiner is the plural noun: still a prop
    plural = break_down(parse_fountain("INT. SHOP - DAY\n\nThe watches tick on the counter.\n")).sheets[0]
    assert "WATCH" in _names(plural, Cat.PROPS)


def test_a_pagination_failure_falls_back_to_estimated_lengths_with_a_warning(reel_script, monkeypatch):
    from studio_kit.engines.writing import pagination

    def broken(script, *a, **k):
        raise AttributeError("simulated pagination bug")

    monkeypatch.setattr(pagination, "paginate", broken)
    for scene in reel_script.scenes:
        scene.eighths = None
    bd = break_down(reel_script)
    assert all(s.eighths >= 1 for s in bd.sheets)
    assert any("pagination failed" in w and "simulated" in w for w in bd.warnings)


def test_caps_lexicon_terms_and_modal_can_are_classified_like_a_1st_ad_would():
    from studio_kit.engines.writing.fountain import parse_fountain

    text = ("INT. FLAT - NIGHT\n\nBea twists her WEDDING RING. Only her memory can hear it. "
            "A soda can rolls away. The PHONE RINGS.\n")
    sheet = break_down(parse_fountain(text)).sheets[0]
    names = {t.name: t.category for t in sheet.tags}
    assert names.get("WEDDING RING") == Cat.PROPS
    assert names.get("PHONE RINGS") == Cat.SOUND_MUSIC
    cans = [t for t in sheet.tags if t.name == "CAN"]
    assert [t.matched for t in cans] == ["can"] and cans[0].line == sheet.line + 2
    assert sheet.synopsis  # the scene still reads normally
    modal = break_down(parse_fountain("INT. FLAT - NIGHT\n\nOnly her memory can hear it.\n")).sheets[0]
    assert "CAN" not in _names(modal, Cat.PROPS)


def test_locked_cast_numbers_survive_a_revision_that_reorders_the_cast(reel_text, tmp_path):
    """Once the cast list is locked, a revision where CARL outgrows ALICE keeps every number."""
    from studio_kit.engines.writing.fountain import parse_fountain

    first = break_down(parse_fountain(reel_text))
    assert [(c.id, c.name) for c in first.cast] == [(1, "BOB"), (2, "ALICE"), (3, "CARL")]
    log = EditLog()
    assert log.lock_cast(first) == {"BOB": 1, "ALICE": 2, "CARL": 3}
    path = log.save(tmp_path / "edits.json")
    extra = "".join(f"\nINT. CARL'S VAN - NIGHT {i}\n\nCARL\nStill here.\n\nDORA\nMe too.\n" for i in range(3))
    revised = parse_fountain(reel_text + extra)
    unlocked = break_down(revised)
    assert {c.name: c.id for c in unlocked.cast}["CARL"] != 3      # the tagger alone would renumber him
    locked = break_down(parse_fountain(reel_text + extra), edits=path)
    ids = {c.name: c.id for c in locked.cast}
    assert (ids["BOB"], ids["ALICE"], ids["CARL"]) == (1, 2, 3) and ids["DORA"] == 4
    assert {t.name: t.cast_id for s in locked.sheets for t in s.tags_in(Cat.CAST)}["CARL"] == 3
    assert locked.metadata["cast_locked"] is True
    # a cut character's number is retired, not handed to the next newcomer
    cut = parse_fountain(reel_text.replace("CARL (O.S.)\nOpen up!", "") + extra.replace("CARL", "EVE"))
    again = {c.name: c.id for c in break_down(cut, edits=path).cast}
    assert "CARL" not in again and 3 not in again.values() and again["EVE"] >= 4


def test_animals_and_vehicles_carry_a_head_count_like_extras():
    from studio_kit.engines.writing.fountain import parse_fountain

    text = "EXT. RANCH - DAY\n\nThree horses graze by 2 pickup trucks. A dozen commuters wait. A dog sleeps.\n"
    sheet = break_down(parse_fountain(text)).sheets[0]
    counts = {t.name: t.count for t in sheet.tags}
    assert counts["HORSE"] == 3 and counts["PICKUP TRUCK"] == 2 and counts["Commuters"] == 12 and counts["DOG"] == 1


def test_breakdown_sheets_carry_the_script_page_each_scene_starts_on(reel_text):
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate

    long_text = reel_text + "".join(f"\nINT. CORRIDOR {i} - DAY\n\n" + "BOB walks and walks. " * 40 + "\n"
                                    for i in range(12))
    expected = paginate(parse_fountain(long_text)).scene_pages
    bd = break_down(parse_fountain(long_text))
    assert [s.page for s in bd.sheets] == expected and bd.sheets[0].page == 1 and bd.sheets[-1].page > 2
    # lengths given beforehand are kept; the page numbers still come from a laid-out copy
    script = parse_fountain(long_text)
    for scene in script.scenes:
        scene.eighths = 3
    kept = break_down(script)
    assert {s.eighths for s in kept.sheets} == {3} and [s.page for s in kept.sheets] == expected


def test_an_actor_cued_under_two_names_gets_one_cast_number(samples_dir):
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.writing.io import load_script

    breakdown = break_down(load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"))
    names = [m.name for m in breakdown.cast]
    assert "BOB" not in names and "BOSS" not in names          # folded into their parts
    assert names[0] == "CYBER BOB"                             # the lead is number 1
    bob_tags = [t for s in breakdown.sheets for t in s.tags if t.cast_id == 1]
    assert {t.matched for t in bob_tags} >= {"BOB"}            # the cue as written stays traceable
    assert len({t.cast_id for t in breakdown.sheets[0].tags if t.cast_id}) == \
        len([t for t in breakdown.sheets[0].tags if t.cast_id])  # one tag per actor per scene
