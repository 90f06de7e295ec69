"""The diffusers image backend on a tiny Stable Diffusion pipeline built, saved and loaded back in the test."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("diffusers")

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import LogTap as _LogTap  # noqa: E402
from tiny_models import build_tiny_ip_adapter, build_tiny_sd, build_tiny_sdxl

from studio_kit.backends.image.diffusers_sd import NO_MODEL, DiffusersImageBackend  # noqa: E402
from studio_kit.domain.requests import ImageRequest
from studio_kit.exceptions import BackendUnavailableError, ImageError  # noqa: E402
from studio_kit.registry import invoke, last_call, load_backend  # noqa: E402

MAYA = {"character_id": "c-maya", "name": "MAYA", "seed": 1234, "mode": "actor", "style": "stylized",
        "age": 34, "pronouns": "she/her", "description": "night-shift paramedic",
        "appearance": {"hair": "short curly", "hair_color": "black"}, "palette": ["#1a2a5e"],
        "wardrobe": {"uniform": {"description": "paramedic uniform", "colors": ["#1b2b5b"]}}, "brand": None}


@pytest.fixture(scope="module")
def sd_dir(tmp_path_factory) -> Path:
    return build_tiny_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture(scope="module")
def backend(sd_dir) -> DiffusersImageBackend:
    return DiffusersImageBackend.from_pretrained(sd_dir, device="cpu")


def req(**kw) -> ImageRequest:
    kw.setdefault("width", 64)
    kw.setdefault("height", 64)
    kw.setdefault("steps", 2)
    return ImageRequest(**kw)


def fast(**kw) -> ImageRequest:
    """One denoising step without classifier-free guidance: half the UNet work, same code path."""
    return req(steps=1, guidance=1.0, **kw)


def one_step(**kw) -> ImageRequest:
    """One denoising step with guidance (CFG magnifies what the conditioning changes)."""
    return req(steps=1, **kw)


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_txt2img_from_a_saved_pipeline_folder(backend, sd_dir):
    image = backend.render(req(identities=[MAYA], prompt="standing in the rain"))
    assert image.size == (64, 64) and image.mode == "RGB"
    assert pixels(image).std() > 1  # not a flat fill
    info = backend.last_render
    assert info["seed"] == 1234 and info["mode"] == "txt2img" and info["steps"] == 2
    # the tiny tokenizer has one token per character: 75 characters of prompt, identity first
    assert "black short curly hair" in info["prompt"] and "34-year-old woman" in info["prompt"]
    assert len(backend.pipeline().tokenizer(info["prompt"])["input_ids"]) <= 77
    assert info["prompt_tokens"] <= 75 and info["max_prompt_tokens"] == 75
    assert "'standing in the rain'" in info["prompt_dropped"]  # what did not fit is named ...
    assert any("standing in the rain" in n and "left out" in n for n in info["notes"])  # ... for the user
    assert image.info["studio_prompt_dropped"] == info["prompt_dropped"]
    assert "blurry" in info["negative_prompt"]
    assert image.info["studio_seed"] == 1234
    assert backend.model_id == str(sd_dir)


def test_same_identity_seed_same_image_other_seed_differs(backend):
    first = backend.render(req(identities=[MAYA]))
    again = backend.render(req(identities=[MAYA]))
    other = backend.render(req(identities=[{**MAYA, "seed": 99}]))
    explicit = backend.render(req(identities=[MAYA], seed=99))
    assert np.array_equal(pixels(first), pixels(again))
    assert np.abs(pixels(first) - pixels(other)).mean() > 1
    assert np.array_equal(pixels(other), pixels(explicit))  # request.seed wins over the identity's


def test_img2img_starts_from_the_init_image(backend):
    from PIL import Image

    red = Image.new("RGB", (64, 64), (220, 30, 30))
    blue = Image.new("RGB", (64, 64), (30, 60, 220))
    a = backend.render(req(identities=[MAYA], init_image=red, strength=0.5))
    assert backend.last_render["mode"] == "img2img"
    assert backend.last_render["pipeline"] == "StableDiffusionImg2ImgPipeline"
    b = backend.render(req(identities=[MAYA], init_image=red, strength=0.5))
    c = backend.render(req(identities=[MAYA], init_image=blue, strength=0.5))
    assert np.array_equal(pixels(a), pixels(b))
    assert np.abs(pixels(a) - pixels(c)).mean() > 1


def test_output_is_resized_to_the_requested_size(backend):
    image = backend.render(req(width=100, height=72, seed=1))
    assert image.size == (100, 72)


def test_non_image_reference_or_init_is_an_image_error(backend, tmp_path):
    from PIL import Image

    fake = tmp_path / "ref.png"
    fake.write_text("this is not a png")
    with pytest.raises(ImageError, match="not a readable image"):
        backend.render(req(reference_images=[fake]))
    with pytest.raises(ImageError, match="must be an image"):
        backend.render(req(init_image=42))
    with pytest.raises(ImageError, match="outside"):
        backend.render(req(width=8))
    with pytest.raises(ImageError, match="strength"):
        backend.render(req(init_image=Image.new("RGB", (64, 64)), strength=0))


def test_references_without_adapter_weights_are_skipped_with_a_note(backend):
    from PIL import Image

    image = backend.render(req(seed=3, reference_images=[Image.new("RGB", (32, 32), "white")]))
    assert image.size == (64, 64)
    assert any("ip_adapter: skipped" in n for n in backend.last_render["notes"])


def test_ip_adapter_reference_images_condition_the_render(sd_dir, tmp_path):
    from PIL import Image

    adapter = build_tiny_ip_adapter(tmp_path / "ip-adapter", sd_dir)
    # a copy of the pipeline folder: the IP-Adapter changes the shared UNet's attention processors
    import shutil

    own = tmp_path / "tiny-sd"
    shutil.copytree(sd_dir, own)
    ip = DiffusersImageBackend.from_pretrained(own, device="cpu", ip_adapter_path=adapter, ip_adapter_scale=1.0)
    plain = ip.render(one_step(seed=5))
    checker = Image.fromarray((np.indices((32, 32)).sum(0) % 2 * 255).astype(np.uint8)).convert("RGB")
    grey = Image.new("RGB", (32, 32), (128, 128, 128))
    with_ref = ip.render(one_step(seed=5, reference_images=[checker]))
    assert [n for n in ip.last_render["notes"] if n.startswith("ip_adapter")] == \
        ["ip_adapter: ip-adapter_sd15.safetensors scale 1"]
    with_ref_again = ip.render(one_step(seed=5, reference_images=[checker]))
    with_other_ref = ip.render(one_step(seed=5, reference_images=[grey]))
    assert np.array_equal(pixels(with_ref), pixels(with_ref_again))
    assert np.abs(pixels(with_ref) - pixels(with_other_ref)).mean() > 0.5
    assert np.abs(pixels(with_ref) - pixels(plain)).mean() > 0.5
    both = ip.render(one_step(seed=5, reference_images=[checker, grey]))
    assert np.abs(pixels(both) - pixels(with_ref)).mean() > 0.01  # the second reference counts too
    img2img = ip.render(one_step(seed=5, reference_images=[checker], init_image=grey.resize((64, 64)), strength=0.8))
    assert img2img.size == (64, 64) and ip.last_render["mode"] == "img2img"
    # a later render without references is the plain render again (adapter unloaded)
    assert np.array_equal(pixels(ip.render(one_step(seed=5))), pixels(plain))


def test_an_sdxl_folder_loads_with_the_same_backend(tmp_path):
    from PIL import Image

    xl = DiffusersImageBackend.from_pretrained(build_tiny_sdxl(tmp_path / "tiny-sdxl"), device="cpu")
    a = xl.render(fast(identities=[MAYA]))
    assert xl.last_render["pipeline"] == "StableDiffusionXLPipeline" and a.size == (64, 64)
    assert np.array_equal(pixels(a), pixels(xl.render(fast(identities=[MAYA]))))
    b = xl.render(fast(identities=[MAYA], init_image=Image.new("RGB", (64, 64), "red"), strength=0.5))
    assert xl.last_render["pipeline"] == "StableDiffusionXLImg2ImgPipeline" and b.size == (64, 64)
    assert xl.last_render["steps"] == 2  # 1 step × strength 0.5 would denoise nothing: raised to 2


def test_adapter_weights_are_matched_to_the_pipeline_family(backend, tmp_path):
    models = tmp_path / "IP-Adapter"
    (models / "models").mkdir(parents=True)
    (models / "sdxl_models").mkdir()
    (models / "models" / "ip-adapter_sd15.safetensors").write_bytes(b"")
    (models / "sdxl_models" / "ip-adapter_sdxl.safetensors").write_bytes(b"")
    finder = DiffusersImageBackend(model_path=backend.model_path, ip_adapter_path=models)
    assert finder._find_ip_adapter(backend.pipeline()) == (models, "models", "ip-adapter_sd15.safetensors")

    class StableDiffusionXLPipeline:  # only the class name and the loader method matter here
        load_ip_adapter = None

    assert finder._find_ip_adapter(StableDiffusionXLPipeline()) == (models, "sdxl_models",
                                                                      "ip-adapter_sdxl.safetensors")
    single = DiffusersImageBackend(ip_adapter_path=models / "models" / "ip-adapter_sd15.safetensors")
    assert single._find_ip_adapter(backend.pipeline()) == (models / "models", "", "ip-adapter_sd15.safetensors")


def test_missing_folder_or_no_model_index_is_unavailable(tmp_path):
    with pytest.raises(BackendUnavailableError) as err:
        DiffusersImageBackend.from_pretrained(tmp_path / "missing")
    assert "does not exist" in err.value.message and "previz" in err.value.hint
    (tmp_path / "unet").mkdir()
    with pytest.raises(BackendUnavailableError, match="no model_index.json"):
        DiffusersImageBackend.from_pretrained(tmp_path)


def test_settings_select_the_pipeline_or_say_none_is_configured(studio_home, monkeypatch, sd_dir, tmp_path):
    from studio_kit.config import get_settings, reset_settings

    monkeypatch.delenv("STUDIO_IMAGE_MODEL_PATH", raising=False)
    reset_settings()
    assert DiffusersImageBackend.availability(get_settings()).reason == NO_MODEL
    with pytest.raises(BackendUnavailableError, match="STUDIO_IMAGE_MODEL_PATH"):
        load_backend("image", "diffusers")
    monkeypatch.setenv("STUDIO_IMAGE_MODEL_PATH", str(tmp_path))
    reset_settings()
    assert "no model_index.json" in DiffusersImageBackend.availability(get_settings()).reason
    monkeypatch.setenv("STUDIO_IMAGE_MODEL_PATH", str(sd_dir))
    monkeypatch.setenv("STUDIO_DEVICE", "cpu")
    reset_settings()
    assert DiffusersImageBackend.availability(get_settings()).ok
    backend = load_backend("image", "diffusers")
    assert backend.model_path == sd_dir and backend.device == "cpu"


def test_invoke_records_the_pipeline_path_and_seed(backend, sd_dir):
    request = req(identities=[MAYA])
    image = invoke(backend, "render", request, seed=MAYA["seed"], params={"steps": 2, "size": "64x64"})
    assert image.size == (64, 64)
    record = last_call()
    assert record.ok and record.backend == "diffusers" and record.modality == "image"
    assert record.model == str(sd_dir) and record.seed == 1234 and record.unit == "images"
    assert record.provenance()["backend"] == "image.diffusers"


@pytest.mark.gpu
def test_renders_on_cuda_in_half_precision(sd_dir):
    import torch

    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    gpu = DiffusersImageBackend.from_pretrained(sd_dir, device="cuda")
    a = gpu.render(req(identities=[MAYA]))
    b = gpu.render(req(identities=[MAYA]))
    assert a.size == (64, 64) and np.array_equal(pixels(a), pixels(b))
    assert gpu.pipeline().unet.dtype == torch.float16


LONG = {**MAYA, "description": "tired night-shift paramedic with a stubborn streak",
        "appearance": {"face": "angular freckled", "hair": "shoulder-length braided", "hair_color": "copper red",
                       "eyes": "grey-green", "skin": "pale olive", "build": "tall", "marks": "scar over left eyebrow"},
        "wardrobe": {"uniform": {"description": "paramedic jacket with reflective stripes",
                                 "colors": ["#1b2b5b", "#d62828", "#f2f2f2"]}}}


def test_long_prompts_are_fitted_so_clip_truncates_nothing(backend):
    request = fast(identities=[LONG], prompt="standing in the rain", style="stylized")
    pipe = backend.pipeline()
    from studio_kit.backends.image.prompts import build_prompt

    unfitted, _ = build_prompt(request, max_tokens=None)
    with _LogTap() as tap:  # the tap hears the warning when a prompt is too long ...
        pipe.encode_prompt(unfitted, "cpu", 1, False)
    assert any("truncated" in m for m in tap.messages)
    with _LogTap() as tap:  # ... and hears nothing from a render through the backend
        image = backend.render(request)
    assert image.size == (64, 64)
    assert not [m for m in tap.messages if "truncated" in m or "longer than" in m], tap.messages
    info = backend.last_render
    assert "copper red shoulder-length braided hair" in info["prompt"]
    assert any("clean linework" in d for d in info["prompt_dropped"])
    assert info["negative_dropped"] and len(pipe.tokenizer(info["negative_prompt"])["input_ids"]) <= 77


def test_sdxl_fits_both_tokenizers(tmp_path):
    xl = DiffusersImageBackend.from_pretrained(build_tiny_sdxl(tmp_path / "tiny-sdxl"), device="cpu")
    with _LogTap() as tap:
        xl.render(fast(identities=[LONG]))
    assert not [m for m in tap.messages if "truncated" in m], tap.messages
    assert xl.last_render["prompt_tokens"] <= 75 and xl.last_render["prompt_dropped"]


class T5TokenizerFast:
    """Stands in for a T5 tokenizer (only its name, window and backend tokenizer are used)."""

    model_max_length = 512

    def __init__(self):
        from tokenizers import Tokenizer, models, pre_tokenizers

        self.backend_tokenizer = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
        self.backend_tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()


class _SD3Like:
    def __init__(self, clip):
        self.tokenizer, self.tokenizer_2, self.tokenizer_3 = clip, clip, T5TokenizerFast()

    def __call__(self, prompt=None, prompt_2=None, prompt_3=None, negative_prompt=None, negative_prompt_2=None,
                 negative_prompt_3=None, max_sequence_length=256):
        raise AssertionError("not rendered here")


class _FluxLike:
    def __init__(self, clip):
        self.tokenizer, self.tokenizer_2 = clip, T5TokenizerFast()

    def __call__(self, prompt=None, prompt_2=None, max_sequence_length=512):
        raise AssertionError("not rendered here")


@pytest.mark.parametrize("kind,arg", [(_SD3Like, "prompt_3"), (_FluxLike, "prompt_2")])
def test_t5_pipelines_get_the_whole_prompt_and_clip_the_fitted_one(kind, arg):
    from tiny_models import tiny_clip_tokenizer

    from studio_kit.backends.image.diffusers_sd import fit_to_pipeline

    clip = tiny_clip_tokenizer()
    fitted, extra = fit_to_pipeline(kind(clip), req(identities=[LONG], prompt="standing in the rain"))
    assert len(clip(fitted.prompt)["input_ids"]) <= 77 and fitted.dropped
    assert set(extra) == ({"prompt_3", "negative_prompt_3"} if arg == "prompt_3" else {"prompt_2"})
    assert "standing in the rain" in extra[arg] and "clean linework" in extra[arg]  # nothing left out for T5
    assert len(extra[arg]) > len(fitted.prompt)
