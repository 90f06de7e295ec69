"""The diffusers image backend on tiny SD3 and Flux pipelines built, saved and loaded back in the test.

Both families read the prompt twice: a CLIP encoder (77 tokens, so the backend fits the prompt) and a
T5 encoder with a long window that must get the whole prompt (SD3: ``prompt_3``, Flux: ``prompt_2``).
Spies on the pipelines' own encoder methods check what actually reached each encoder.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("diffusers")

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import LogTap as _LogTap
from tiny_models_t5 import build_tiny_flux, build_tiny_sd3

from studio_kit.backends.image.diffusers_sd import DiffusersImageBackend
from studio_kit.domain.requests import ImageRequest

MAYA = {"character_id": "c-maya", "name": "MAYA", "seed": 1234, "mode": "actor", "style": "stylized",
        "age": 34, "pronouns": "she/her", "description": "tired night-shift paramedic with a stubborn streak",
        "appearance": {"face": "angular freckled", "hair": "shoulder-length braided", "hair_color": "copper red",
                       "eyes": "grey-green", "skin": "pale olive", "build": "tall", "marks": "scar over left eyebrow"},
        "palette": ["#1a2a5e"],
        "wardrobe": {"uniform": {"description": "paramedic jacket with reflective stripes",
                                 "colors": ["#1b2b5b", "#d62828", "#f2f2f2"]}}, "brand": None}

# family -> (builder, pipeline class, T5 prompt kwarg, T5 negative kwarg or None when it is not used)
FAMILIES = {"sd3": (build_tiny_sd3, "StableDiffusion3Pipeline", "prompt_3", "negative_prompt_3"),
            "flux": (build_tiny_flux, "FluxPipeline", "prompt_2", None)}


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request, tmp_path_factory):
    """(name, backend) for a tiny pipeline of each family, loaded from its saved folder."""
    builder = FAMILIES[request.param][0]
    folder = builder(tmp_path_factory.mktemp("models") / f"tiny-{request.param}")
    return request.param, DiffusersImageBackend.from_pretrained(folder, device="cpu")


def req(**kw) -> ImageRequest:
    kw.setdefault("width", 64)
    kw.setdefault("height", 64)
    kw.setdefault("steps", 2)
    return ImageRequest(**kw)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


class _Spy:
    """Records the prompts a pipeline hands to its CLIP and T5 encoders (wraps its own methods)."""

    def __init__(self, pipe, monkeypatch):
        self.clip: list[str] = []
        self.t5: list[str] = []
        for method, seen in (("_get_clip_prompt_embeds", self.clip), ("_get_t5_prompt_embeds", self.t5)):
            monkeypatch.setattr(pipe, method, self._wrap(getattr(pipe, method), seen))

    @staticmethod
    def _wrap(original, seen):
        def spy(*args, **kwargs):
            prompt = kwargs.get("prompt", args[0] if args else None)
            seen.extend([prompt] if isinstance(prompt, str) else prompt)
            return original(*args, **kwargs)
        return spy


def test_folder_loads_renders_at_size_and_t5_gets_the_whole_prompt(family, monkeypatch):
    name, backend = family
    _, pipeline_class, t5_arg, t5_negative = FAMILIES[name]
    pipe = backend.pipeline()
    assert type(pipe).__name__ == pipeline_class and pipe.vae.config.latent_channels == 16
    spy = _Spy(pipe, monkeypatch)
    with _LogTap() as tap:
        image = backend.render(req(identities=[MAYA], prompt="standing in the rain"))
    assert image.size == (64, 64) and image.mode == "RGB"
    assert pixels(image).std() > 1  # decoded latents, not a flat fill
    info = backend.last_render
    assert info["pipeline"] == pipeline_class and info["seed"] == 1234 and info["steps"] == 2
    # CLIP got the fitted prompt, and had to leave parts out (one token per character, 75 tokens) ...
    assert info["prompt"] in spy.clip and info["prompt_dropped"]
    assert len(pipe.tokenizer(info["prompt"])["input_ids"]) <= 77
    # ... T5 got the whole prompt, including what CLIP could not take, and truncated nothing
    full = info[t5_arg]
    assert full in spy.t5 and full != info["prompt"]
    assert "standing in the rain" in full and "copper red shoulder-length braided hair" in full
    assert all(dropped.strip("'") in full for dropped in info["prompt_dropped"])
    t5_tokenizer = pipe.tokenizer_3 if name == "sd3" else pipe.tokenizer_2
    assert "t5" in type(t5_tokenizer).__name__.lower()
    assert len(pipe.tokenizer(full)["input_ids"]) > 77  # more than CLIP's window could take ...
    window = 256 if name == "sd3" else 512  # ... but within T5's (the pipelines' max_sequence_length)
    assert len(t5_tokenizer(full)["input_ids"]) <= window
    assert not [m for m in tap.messages if "truncated" in m or "longer than" in m], tap.messages
    assert any(n.startswith(f"{t5_arg}: the whole prompt goes to the T5") for n in info["notes"])
    assert image.info[f"studio_{t5_arg}"] == full
    if t5_negative:  # SD3 runs CFG: the full negative prompt reaches T5 as well
        assert info[t5_negative] in spy.t5 and "blurry" in info[t5_negative]
    else:  # Flux reads negatives only with true CFG: the render says they were not used
        assert not any("blurry" in p for p in spy.t5 + spy.clip) and "negative_prompt_2" not in info
        assert any(n.startswith("negative prompt: ignored by FluxPipeline") for n in info["notes"])


def test_same_seed_same_image_other_seed_differs(family):
    _, backend = family
    first = backend.render(req(identities=[MAYA]))
    again = backend.render(req(identities=[MAYA]))
    other = backend.render(req(identities=[MAYA], seed=99))
    assert backend.last_render["seed"] == 99  # request.seed wins over the identity's locked seed
    assert np.array_equal(pixels(first), pixels(again))
    assert np.abs(pixels(first) - pixels(other)).mean() > 1


def test_sizes_are_rounded_to_what_the_pipeline_accepts(family):
    """SD3 refuses sides that are not multiples of 16 (8× VAE × 2 patch); the backend rounds, renders
    and returns exactly the size asked for."""
    _, backend = family
    with _LogTap() as tap:
        image = backend.render(req(identities=[MAYA], width=72, height=64, steps=1))
    assert image.size == (72, 64)
    assert not [m for m in tap.messages if "divisible" in m], tap.messages


def test_img2img_starts_from_the_init_image(family):
    from PIL import Image

    name, backend = family
    red, blue = Image.new("RGB", (64, 64), (220, 30, 30)), Image.new("RGB", (64, 64), (30, 30, 220))
    a = backend.render(req(identities=[MAYA], init_image=red, strength=0.5))
    assert backend.last_render["mode"] == "img2img"
    assert backend.last_render["pipeline"] == FAMILIES[name][1].replace("Pipeline", "Img2ImgPipeline")
    assert FAMILIES[name][2] in backend.last_render  # the T5 prompt goes to img2img too
    b = backend.render(req(identities=[MAYA], init_image=red, strength=0.5))
    c = backend.render(req(identities=[MAYA], init_image=blue, strength=0.5))
    assert a.size == (64, 64) and np.array_equal(pixels(a), pixels(b))
    assert np.abs(pixels(a) - pixels(c)).mean() > 1
