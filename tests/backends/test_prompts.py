"""Prompt building from a character identity + shot + style (backends/image/prompts.py)."""
from __future__ import annotations

import pytest

from studio_kit.backends.image.prompts import (
    build_prompt,
    colour_name,
    describe_identity,
    estimate_clip_tokens,
    fit_prompt,
)
from studio_kit.domain.requests import ImageRequest


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
    request = ImageRequest(identities=[maya()], view="profile", expression="sad")
    prompt, negative = build_prompt(request, max_tokens=None)  # no budget: every phrase, in reading order
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
    prompt, negative = build_prompt(ImageRequest(identities=[mascot], negative_prompt="hat"), max_tokens=None)
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


# -- fitting the 77-token CLIP window -----------------------------------------------------------

def caption_corpus() -> list[str]:
    """Everyday caption English: the prompt builder's own phrase tables and the words of a character
    description. The published CLIP vocabulary (trained on web-scale captions) has such words whole;
    the screenplays alone are too small to teach them."""
    from studio_kit.backends.image import prompts

    tables = [*prompts.VIEW_TERMS.values(), *prompts.EXPRESSION_TERMS.values(), *prompts.SHOT_TERMS.values(),
              *prompts.ANGLE_TERMS.values(), *prompts.TIME_TERMS.values(), *prompts.MODE_TERMS.values(),
              *prompts.BASE_NEGATIVE, *prompts._COLOUR_NAMES, "year old woman man girl boy person"]
    for pos, neg in prompts.STYLE_TERMS.values():
        tables += [*pos, *neg]
    captions = ["a tall athletic woman with an angular freckled face and copper red braided hair to the shoulder",
                "length of the hair, pale olive skin, grey green eyes, a scar over her left eyebrow",
                "a compass tattoo on her right forearm, wearing a paramedic jacket with reflective stripes",
                "cargo trousers, a logo on the chest, strictly brand colours, a mascot, the patient kneels",
                "a stretcher dragged through flooded traffic in a motorway underpass, hands shaking",
                "a tired but stubborn night shift paramedic who has seen too much, crowd, umbrellas",
                "extra people, motion blur, a sequinned cocktail dress, uniform, wiry build, hazel eyes",
                "short curly black hair, deep brown skin, oval face, sad downcast eyes, standing in the rain"]
    return tables + captions


def english_clip_tokenizer(samples_dir, vocab_size: int = 8000):
    """A real CLIPTokenizer (CLIP's lowercasing, word split and byte-level BPE with ``</w>``) whose
    merges are trained on the English screenplays in the samples: common words are whole tokens,
    rare ones split into pieces, like the published CLIP vocabulary (which cannot be downloaded here)."""
    import json

    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import CLIPTokenizer

    specials = ["<|startoftext|>", "<|endoftext|>"]
    template = CLIPTokenizer(vocab={specials[0]: 0, specials[1]: 1}, merges=[]).backend_tokenizer
    bpe = Tokenizer(models.BPE(end_of_word_suffix="</w>", unk_token=specials[1]))
    bpe.normalizer, bpe.pre_tokenizer = template.normalizer, template.pre_tokenizer
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, end_of_word_suffix="</w>",
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    lines = [line for path in sorted((samples_dir / "fountain").glob("*.fountain")) if "chinese" not in path.name
             for line in path.read_text(encoding="utf-8").splitlines()]
    bpe.train_from_iterator(lines + caption_corpus(), trainer=trainer)
    model = json.loads(bpe.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    return CLIPTokenizer(vocab=model["vocab"], merges=merges, model_max_length=77)


def long_identity():
    """Every appearance field, three wardrobe colours and brand items: far more than 77 tokens."""
    return maya(mode="brand", style="photorealistic",
                description="tired but stubborn night-shift paramedic who has seen too much",
                appearance={"face": "angular freckled", "hair": "shoulder-length braided", "hair_color": "copper red",
                            "build": "tall athletic", "skin": "pale olive", "eyes": "grey-green",
                            "marks": ["scar over left eyebrow", "compass tattoo on right forearm"]},
                wardrobe={"uniform": {"description": "paramedic jacket with reflective stripes and cargo trousers",
                                      "colors": ["#1b2b5b", "#d62828", "#f2f2f2"]}},
                brand={"locked_palette": ["#1b2b5b", "#d62828"], "forbidden": ["sunglasses", "expression:angry"],
                       "logo": {"text": "RESCUE", "position": "left-chest", "color": "#ffffff"}})


def long_frame():
    return ImageRequest(kind="frame", identities=[long_identity()], style="photorealistic",
                        prompt="hands shaking as she kneels over the patient",
                        negative_prompt="crowd, umbrellas, extra people, daylight, motion blur",
                        shot={"size": "medium", "angle": "low", "subjects": ["MAYA"],
                              "description": "Maya drags the stretcher through flooded traffic"},
                        scene={"int_ext": "EXT", "location": "FLOODED MOTORWAY UNDERPASS", "time_of_day": "NIGHT"})


#: the phrases that make this character recognisable: none of them may be cut
IDENTITY_TERMS = ("woman", "angular freckled face", "copper red shoulder-length braided hair", "grey-green eyes",
                  "pale olive skin", "tall athletic build", "scar over left eyebrow",
                  "compass tattoo on right forearm", "navy", "red", "white", '"RESCUE" logo')


@pytest.fixture
def english_tokenizer(samples_dir):
    return english_clip_tokenizer(samples_dir)  # trained in a fraction of a second


def clip_count(tokenizer, text: str) -> int:
    """Tokens the text encoder sees, start and end markers included (CLIP reads 77)."""
    return len(tokenizer(text, truncation=False)["input_ids"])


def test_long_identity_frame_keeps_every_identity_term_within_77_clip_tokens(english_tokenizer):
    request = long_frame()
    full, _ = build_prompt(request, max_tokens=None)
    assert clip_count(english_tokenizer, full) > 77  # the problem: the unfitted prompt would be cut

    fitted = fit_prompt(request, lambda text: len(english_tokenizer.tokenize(text)))
    assert clip_count(english_tokenizer, fitted.prompt) <= 77
    assert clip_count(english_tokenizer, fitted.negative) <= 77
    for term in IDENTITY_TERMS:
        assert term in fitted.prompt, term
    # style/quality terms went first, and what went is named for the render notes
    assert "35mm film still" not in fitted.prompt and fitted.dropped
    assert any("35mm film still" in d for d in fitted.dropped)
    assert any("night-shift paramedic" in d for d in fitted.dropped)  # free-text description gives way
    notes = " ".join(fitted.notes())
    assert "left out to fit 75 text-encoder tokens" in notes and "35mm film still" in notes


def test_default_estimate_fits_without_a_tokenizer(english_tokenizer):
    prompt, negative = build_prompt(long_frame())  # no counter: the conservative estimate
    assert clip_count(english_tokenizer, prompt) <= 77 and clip_count(english_tokenizer, negative) <= 77
    for term in IDENTITY_TERMS:
        assert term in prompt, term
    assert estimate_clip_tokens(prompt) <= 75


def test_estimate_over_counts_english_bpe_and_whitespace_words(english_tokenizer):
    texts = [build_prompt(r, max_tokens=None)[0] for r in (
        long_frame(), ImageRequest(identities=[long_identity()], view="three-quarter", expression="surprised"),
        ImageRequest(identities=[maya()], wardrobe="party", style="animated"),
        ImageRequest(kind="frame", identities=[maya()], style="storyboard", shot={"size": "wide"},
                     scene={"int_ext": "INT", "location": "DINER", "time_of_day": "DUSK"}))]
    texts += ["34-year-old, grey-green eyes (left); 1920s", "naïve café scène"]
    for text in texts:
        estimate = estimate_clip_tokens(text)
        assert estimate >= len(english_tokenizer.tokenize(text)), text
        assert estimate > len(text.split()), text


def test_priorities_drop_style_then_scene_and_keep_the_identity():
    request = long_frame()
    counts = {}
    for budget in (300, 120, 75):
        fitted = fit_prompt(request, max_tokens=budget)
        assert estimate_clip_tokens(fitted.prompt) <= budget
        counts[budget] = fitted
    assert not counts[300].dropped and "photorealistic" in counts[300].prompt
    roomy = counts[120]  # style goes before the scene, the scene before the identity
    assert "photorealistic" not in roomy.prompt and "flooded motorway" in roomy.prompt
    assert "copper red" in roomy.prompt and "wearing paramedic jacket" in roomy.prompt
    tight = counts[75]
    assert "flooded motorway" not in tight.prompt and "copper red shoulder-length braided hair" in tight.prompt
    # the wardrobe look keeps its colours when the whole description no longer fits
    assert "navy and red and white outfit" in tight.prompt
    assert any("shortened to 'navy and red and white outfit'" in d for d in tight.dropped)


def test_negative_prompt_gets_the_same_budget_and_keeps_brand_and_request_terms():
    fitted = fit_prompt(long_frame(), max_tokens=30)
    assert estimate_clip_tokens(fitted.negative) <= 30
    terms = [t.strip() for t in fitted.negative.split(",")]
    for term in ("sunglasses", "angry expression", "crowd", "umbrellas"):
        assert term in terms, term
    assert "jpeg artifacts" not in terms and any("jpeg artifacts" in d for d in fitted.dropped_negative)
    assert "negative prompt: left out" in " ".join(fitted.notes())


def test_a_token_counter_is_used_as_given():
    def words(text: str) -> int:  # a word-and-comma counter
        return len(text.replace(",", " , ").split())

    prompt, _ = build_prompt(ImageRequest(identities=[maya()]), token_counter=words, max_tokens=12)
    assert words(prompt) <= 12 and prompt.startswith("34-year-old woman, oval face")
