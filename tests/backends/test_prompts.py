"""Prompt building from a character identity + shot + style (backends/image/prompts.py)."""
from __future__ import annotations

import pytest

from studio_kit.backends.image.base import ImageRequest
from studio_kit.backends.image.prompts import build_prompt, colour_name, describe_identity


def maya(**over):
    identity = {
        "character_id": "c-maya", "name": "MAYA", "version": 2, "seed": 1234, "mode": "actor",
        "style": "photorealistic", "age": 34, "pronouns": "she/her",
        "description": "tired night-shift paramedic",
        "appearance": {"face": "oval", "hair": "short curly", "hair_color": "black", "build": "wiry",
                       "skin": "deep brown", "eyes": "hazel", "marks": "scar over left eyebrow"},
        "palette": ["#1a2a5e", "#d62828"],
        "wardrobe": {"uniform": {"description": "paramedic uniform with reflective stripes",
                                 "colors": ["#1b2b5b", "#f2f2f2"]},
                     "party": {"description": "sequinned cocktail dress", "colors": ["#c2185b"]}},
        "brand": None, "reference_hashes": [], "embedding": None,
    }
    identity.update(over)
    return identity


def test_portrait_prompt_describes_the_locked_identity_in_order():
    prompt, negative = build_prompt(ImageRequest(identities=[maya()], view="profile", expression="sad"))
    assert prompt.startswith("character portrait, 34-year-old woman, tired night-shift paramedic, oval face")
    for term in ("black short curly hair", "hazel eyes", "deep brown skin", "wiry build",
                 "scar over left eyebrow", "side profile view", "sad, downcast eyes", "photorealistic"):
        assert term in prompt, term
    # identity style (photorealistic) wins over the request default (stylized)
    assert "concept art" not in prompt and "cartoon" in negative


def test_wardrobe_look_is_picked_by_name_and_hex_becomes_colour_words():
    prompt, _ = build_prompt(ImageRequest(identities=[maya()], wardrobe="party"))
    assert "wearing sequinned cocktail dress in" in prompt
    assert "paramedic uniform" not in prompt
    default_prompt, _ = build_prompt(ImageRequest(identities=[maya()]))
    assert "wearing paramedic uniform with reflective stripes in navy and white" in default_prompt
    assert "#" not in default_prompt
    per_subject, _ = build_prompt(ImageRequest(identities=[{**maya(), "look": "party"}], wardrobe="uniform"))
    assert "cocktail dress" in per_subject and "paramedic uniform" not in per_subject


@pytest.mark.parametrize("hex_colour,name", [("#ff0000", "red"), ("#000", "black"), ("#FFFFFF", "white"),
                                             ("#1b2b5b", "navy"), ("#2e8b57", "green"),
                                             ("#ffd700", "gold"), ("not-a-colour", "not-a-colour")])
def test_colour_name(hex_colour, name):
    assert colour_name(hex_colour) == name


def test_brand_rules_shape_both_prompts():
    # the character engine's brand dict: rule tokens, locked palette, logo placement
    mascot = maya(mode="brand", style="animated", name="BOLT",
                  brand={"locked_palette": ["#ffd700", "#1a2a5e"],
                         "forbidden": ["hair", "palette", "expression:angry", "view:profile", "sunglasses"],
                         "logo": {"text": "BOLT", "position": "left-chest", "color": "#ffffff"}})
    prompt, negative = build_prompt(ImageRequest(identities=[mascot], negative_prompt="hat"))
    neg_terms = [t.strip() for t in negative.split(",")]
    for term in ("sunglasses", "angry expression", "side profile view", "off-brand colours", "off-model", "hat"):
        assert term in neg_terms, term
    assert "hair" not in neg_terms  # a locked field is not a thing to leave out of the picture
    assert "sunglasses" not in prompt
    assert '"BOLT" logo on the left chest in white' in prompt
    assert "strictly gold, navy brand colours" in prompt
    assert "brand mascot" in prompt and "3d animated" in prompt


def test_storyboard_frame_uses_shot_scene_and_only_the_shot_subjects():
    other = maya(name="RAFA", pronouns="he/him", age=41, description="retired boxer",
                 appearance={"hair": "shaved"}, wardrobe={}, palette=[])
    request = ImageRequest(kind="frame", identities=[maya(), other], style="storyboard",
                           shot={"size": "wide", "angle": "low", "subjects": ["RAFA"],
                                 "description": "Rafa blocks the doorway"},
                           scene={"int_ext": "EXT", "location": "HOSPITAL ROOF", "time_of_day": "NIGHT"})
    prompt, _ = build_prompt(request)
    assert prompt.startswith("wide shot, full body, environment visible, low angle, Rafa blocks the doorway, "
                             "exterior hospital roof, night, moonlight and practical lights, 41-year-old man")
    assert "paramedic" not in prompt
    for term in ("Rafa blocks the doorway", "exterior hospital roof", "night, moonlight", "pencil sketch"):
        assert term in prompt, term


def test_two_subjects_are_both_described_and_no_term_repeats():
    other = maya(name="RAFA", pronouns="he/him", age=8, description="", appearance={}, wardrobe={},
                 palette=["#1a2a5e"])
    prompt, negative = build_prompt(ImageRequest(identities=[maya(), other], prompt="hugging"))
    assert "2 people:" in prompt and "8-year-old boy" in prompt and "hugging" in prompt
    terms = [t.strip().lower() for t in negative.split(",")]
    assert len(terms) == len(set(terms))


def test_identity_with_missing_keys_still_gives_a_prompt():
    text = describe_identity({"name": "X"})
    assert text == "person"
    prompt, negative = build_prompt(ImageRequest(prompt="a quiet harbour at dawn"))
    assert "a quiet harbour at dawn" in prompt and "blurry" in negative
