"""The diffusers backend takes the 3D previz passes as ControlNet conditioning when a local ControlNet
folder is configured (a tiny random ControlNet built here, saved and loaded back like a user's folder)."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.backends.image.blender3d.backend import bpy_installed
from studio_kit.domain.requests import ImageRequest

pytest.importorskip("diffusers")
pytestmark = pytest.mark.skipif(not bpy_installed(), reason="bpy (extra previz3d) is not installed")

MAYA = {"name": "MAYA", "seed": 11, "age": 34, "appearance": {"hair": "long", "hair_color": "black"}}
RAFA = {"name": "RAFA", "seed": 22, "age": 40, "appearance": {"hair": "short", "build": "stocky"}}


def build_tiny_controlnet(folder, sd_folder):
    """A ControlNet shaped for the tiny SD pipeline; its zero convolutions get random weights so the
    conditioning image really changes the result (a freshly made ControlNet has no effect by design)."""
    import torch
    from diffusers import ControlNetModel, UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(sd_folder / "unet")
    net = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 16))
    torch.manual_seed(1)
    with torch.no_grad():
        for module in [*net.controlnet_down_blocks, net.controlnet_mid_block, net.controlnet_cond_embedding.conv_out]:
            module.weight.normal_(0, 0.3)
    net.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def passes():
    from studio_kit.backends.image.blender3d.backend import Blender3DImageBackend
    from studio_kit.backends.image.blender3d.worker import RenderWorker

    worker = RenderWorker()
    b = Blender3DImageBackend(worker=worker)
    scene = {"int_ext": "INT", "location": "KITCHEN", "time_of_day": "DAY", "characters": ["MAYA", "RAFA"]}
    out = {}
    for size in ("WS", "CU"):
        out[size] = b.render_passes(ImageRequest(kind="frame", identities=[MAYA, RAFA], scene=scene, width=64, height=64,
                                                 shot={"size": size, "subjects": ["MAYA"]}),
                                    outputs=("picture", "depth", "pose"))
    worker.close()
    return out


@pytest.mark.slow
def test_depth_controlnet_conditions_the_render_on_the_staging(passes, tmp_path):
    from studio_kit.backends.image.diffusers_sd import DiffusersImageBackend
    from tests.backends.tiny_models import build_tiny_sd

    sd = build_tiny_sd(tmp_path / "sd")
    cn = build_tiny_controlnet(tmp_path / "controlnet-depth", sd)
    plain = DiffusersImageBackend.from_pretrained(sd, device="cpu")
    backend = DiffusersImageBackend.from_pretrained(sd, device="cpu", controlnet_path=cn)

    def render(engine, frame):
        req = ImageRequest(kind="frame", prompt="two people in a kitchen", width=64, height=64, steps=2, seed=4,
                           control_images={"depth": frame.control_depth(), "openpose": frame.pose} if frame else {})
        return np.asarray(engine.render(req), dtype=np.int16)

    wide, close = render(backend, passes["WS"]), render(backend, passes["CU"])
    assert any("controlnet: depth" in n for n in backend.last_render["notes"])
    assert np.abs(wide - close).mean() > 1.0          # another staging, another picture
    assert np.array_equal(wide, render(backend, passes["WS"]))  # same staging + seed: same picture
    assert np.abs(wide - render(plain, None)).mean() > 1.0      # the ControlNet changed the render
    render(plain, passes["WS"])  # passes given without a ControlNet: skipped with a note
    assert any("controlnet: skipped" in n for n in plain.last_render["notes"])
