"""The diffusers video backend on a tiny random-weight LTX-Video pipeline built here (no hub):
text-to-video, image-to-video from a shot's frame, seed per shot, frames from the shot length."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("diffusers")
sys.path.insert(0, str(Path(__file__).parent))


def build_tiny_ltx(folder):
    """LTX-Video with one transformer layer, an 8-channel video VAE and a 2-layer T5 (diffusers' test sizes)."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from tiny_models_t5 import T5_DIM, tiny_t5_encoder, tiny_t5_tokenizer

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8,
                                             cross_attention_dim=T5_DIM, num_layers=1, caption_channels=T5_DIM)
    vae = AutoencoderKLLTXVideo(in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                decoder_layers_per_block=(1, 1, 1, 1, 1),
                                spatio_temporal_scaling=(True, True, False, False),
                                decoder_spatio_temporal_scaling=(True, True, False, False),
                                decoder_inject_noise=(False, False, False, False, False),
                                upsample_residual=(False, False, False, False), upsample_factor=(1, 1, 1, 1),
                                timestep_conditioning=False, patch_size=1, patch_size_t=1, encoder_causal=True,
                                decoder_causal=False)
    tokenizer = tiny_t5_tokenizer()
    pipe = LTXPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=tiny_t5_encoder(len(tokenizer)),
                       tokenizer=tokenizer, transformer=transformer)
    pipe.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def ltx_folder(tmp_path_factory):
    return build_tiny_ltx(tmp_path_factory.mktemp("tiny-ltx"))


def test_text_and_image_to_video_with_the_shot_length_and_seed(ltx_folder):
    from PIL import Image

    from studio_kit.backends.video.diffusers_video import (
        DiffusersVideoBackend,
        clip_frames,
    )
    from studio_kit.domain.requests import VideoRequest

    backend = DiffusersVideoBackend.from_pretrained(ltx_folder, device="cpu", max_frames=9, max_side=64)
    request = VideoRequest(frames=30, fps=24, width=64, height=36, prompt="a woman in the rain", seed=3, steps=2)
    clip = backend.generate(request)
    assert len(clip) == 30 and clip.frame(0).shape == (36, 64, 3)
    assert backend.last_render["frames_generated"] == 9 and backend.last_render["family"] == "LTX"
    assert backend.last_render["frame_rate"] == round(9 / (30 / 24))        # motion at the shot's speed
    again = backend.generate(request)
    assert np.array_equal(clip.frame(29), again.frame(29))                  # same seed, same shot
    other = backend.generate(request.model_copy(update={"seed": 4}))
    assert not np.array_equal(clip.frame(29), other.frame(29))
    still = Image.new("RGB", (64, 36), (200, 30, 30))
    i2v = backend.generate(request.model_copy(update={"image": still}))
    assert backend.last_render["image_to_video"] is True and len(i2v) == 30
    assert clip_frames(120, "LTX", 121) == 121 and clip_frames(30, "LTX", 121) == 33 and clip_frames(30, "Wan", 121) == 29


def test_missing_or_wrong_folder_says_what_to_do(tmp_path):
    from studio_kit.backends.video.diffusers_video import DiffusersVideoBackend
    from studio_kit.config import StudioSettings
    from studio_kit.exceptions import BackendUnavailableError

    with pytest.raises(BackendUnavailableError, match="no model_index.json"):
        DiffusersVideoBackend.from_pretrained(tmp_path)
    with pytest.raises(BackendUnavailableError, match="STUDIO_VIDEO_MODEL_PATH"):
        DiffusersVideoBackend.from_settings(StudioSettings(home=tmp_path))
    assert not DiffusersVideoBackend.availability(StudioSettings(home=tmp_path)).ok
