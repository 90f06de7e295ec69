"""3D previz staging without Blender: mannequin bodies from the bible, poses from verbs, props, sets,
cameras from shot size / lens, the 180° line, camera moves, the identity lock's frozen body."""
from __future__ import annotations

import math

import pytest

from studio_kit.backends.image.blender3d import staging as st
from studio_kit.backends.image.blender3d.mannequin import body_params, mannequin_for
from studio_kit.exceptions import ImageError

MAYA = {"name": "MAYA", "seed": 11, "age": 34, "pronouns": "she/her",
        "appearance": {"hair": "long wavy", "hair_color": "black", "build": "slim"}, "palette": ["#8c2f39", "#2f2f38"]}
RAFA = {"name": "RAFA", "seed": 22, "age": 40, "pronouns": "he/him",
        "appearance": {"hair": "short", "hair_color": "brown", "build": "tall and stocky", "marks": "beard"}}


def test_bodies_follow_age_build_and_species():
    child = body_params({"name": "LILY", "seed": 3, "age": 7})
    elder = body_params({"name": "ED", "seed": 3, "age": 82, "pronouns": "he/him"})
    tall = body_params(RAFA)
    dog = body_params({"name": "REX", "seed": 3, "species": "dog"})
    assert 1.1 < child["height_m"] < 1.3 and child["heads"] < 6
    assert elder["stoop_deg"] > 0 and elder["hair"] == [150, 150, 150]
    assert tall["height_m"] > 1.85 and tall["beard"] and tall["shoulders_m"] > body_params(MAYA)["shoulders_m"]
    assert dog["form"] == "quadruped" and dog["height_m"] < 1.0
    assert mannequin_for(MAYA)["top"] == [0x8c, 0x2f, 0x39]  # wardrobe colour from the palette


def test_poses_come_from_each_characters_verbs():
    action = "Maya sits at the table. Rafa points at the door, then runs."
    assert st.pose_for("MAYA", action) == "sit"
    assert st.pose_for("RAFA", action) == "point"
    assert st.pose_for("BOB", action) == "stand"
    assert st.pose_for("BOB", "He kneels by the bed.", only=True) == "kneel"
    assert [k for k, _ in st.props_in(action)] == ["table", "door"]


def test_unknown_location_gets_a_neutral_set_with_a_warning():
    known = st.set_plan({"int_ext": "EXT", "location": "CITY PARK", "time_of_day": "DUSK"})
    assert "trees" in known.features and known.warning is None and known.light < 1
    odd = st.set_plan({"int_ext": "INT", "location": "THE ZORBLAX", "time_of_day": "DAY"})
    assert odd.features == ("neutral",) and "ZORBLAX" in odd.warning


def _two_hander():
    staging = st.stage_scene(["MAYA", "RAFA"])
    bodies = {"MAYA": body_params(MAYA), "RAFA": body_params(RAFA)}
    return staging, staging.marks, bodies


@pytest.mark.parametrize("size,lo,hi", [("CU", 0.6, 0.9), ("MCU", 0.4, 0.6)])
def test_camera_frames_head_and_shoulders_by_size(size, lo, hi):
    staging, marks, bodies = _two_hander()
    cam = st.camera_for_shot({"size": size, "subjects": ["MAYA"]}, staging, marks, bodies, 640, 360)
    pts = st.body_points(marks["MAYA"], bodies["MAYA"])
    top = cam.project(pts["top"])[1]
    shoulders = cam.project(pts["shoulders"])[1]
    assert lo <= top - shoulders <= hi
    assert 0.85 <= top <= 0.97  # headroom, not cut


def test_single_gets_looking_room_on_the_third():
    staging, marks, bodies = _two_hander()
    cam = st.camera_for_shot({"size": "CU", "subjects": ["MAYA"]}, staging, marks, bodies, 640, 360)
    x = cam.project(st.body_points(marks["MAYA"], bodies["MAYA"])["eyes"])[0]
    assert abs(x - 1 / 3) < 0.06  # Maya looks screen-right at Rafa: she sits on the left third


def test_longer_lens_moves_the_camera_back_for_the_same_size():
    staging, marks, bodies = _two_hander()
    near = st.camera_for_shot({"size": "MS", "subjects": ["MAYA"], "lens": 35}, staging, marks, bodies, 640, 360)
    far = st.camera_for_shot({"size": "MS", "subjects": ["MAYA"], "lens": 85}, staging, marks, bodies, 640, 360)
    def d(c):
        return math.dist(c.position[:2], marks["MAYA"].pos())

    assert d(far) / d(near) == pytest.approx(85 / 35, rel=0.1)


def test_coverage_stays_on_one_side_and_a_crossed_camera_is_flagged():
    staging, marks, bodies = _two_hander()
    shots = [{"number": "1", "size": "WS", "subjects": ["MAYA", "RAFA"]},
             {"number": "2", "size": "CU", "subjects": ["MAYA"]}, {"number": "3", "size": "OTS", "subjects": ["RAFA"]},
             {"number": "4", "size": "CU", "subjects": ["RAFA"], "camera": {"side": -1}}]
    cams = [(s["number"], st.camera_for_shot(s, staging, marks, bodies, 640, 360)) for s in shots]
    report = st.line_report(staging, cams)
    assert [r["crosses_line"] for r in report] == [False, False, False, True]
    assert "180° line between MAYA and RAFA" in report[3]["note"]


def test_bad_shot_values_are_refused():
    staging, marks, bodies = _two_hander()
    with pytest.raises(ImageError, match="Unknown shot size"):
        st.shot_size("gigantic")
    with pytest.raises(ImageError, match="Lens 2 mm"):
        st.camera_for_shot({"size": "CU", "lens": 2, "subjects": ["MAYA"]}, staging, marks, bodies, 64, 64)
    with pytest.raises(ImageError, match="Unknown camera move"):
        st.camera_move(st.Camera((0, -3, 1.6), (0, 0, 1.6), 50, 64, 64), "zoomzoom", 3)


def test_dolly_in_brings_the_camera_closer_each_frame():
    cam = st.Camera((0.0, -4.0, 1.6), (0.0, 0.0, 1.6), 50, 64, 64)
    frames = st.camera_move(cam, "dolly", 5)
    dists = [math.dist(c.position, c.target) for c in frames]
    assert dists == sorted(dists, reverse=True) and dists[0] == pytest.approx(4.0) and dists[-1] < 3.0
    orbit = st.camera_move(cam, "orbit", 3, amount=90)
    assert orbit[-1].position[0] == pytest.approx(4.0, abs=1e-6)


def test_the_identity_lock_freezes_the_3d_body():
    from studio_kit.domain.character import (
        Appearance,
        CharacterBible,
        identity_from_bible,
    )
    from studio_kit.engines.characters import identity

    bible = CharacterBible(character_id="maya", name="MAYA", age=34, pronouns="she/her", seed=11,
                           appearance=Appearance(hair="long wavy", hair_color="black", build="slim"))
    locked, _ = identity.lock(bible, user="ana")
    identity_dict = locked.identity.to_identity()
    frozen = identity_dict["mannequin"]
    assert frozen == body_params(identity_from_bible(bible)) and 1.55 < frozen["height_m"] < 1.75
    assert locked.identity.verify()
    # the renderer uses the frozen body as it was locked, even if the derivation changes later
    edited = {**identity_dict, "mannequin": {**frozen, "height_m": 1.99}}
    assert mannequin_for(edited)["height_m"] == 1.99
