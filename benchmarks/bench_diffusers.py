"""Diffusers image backend speed.

Default mode: the tiny random-weight Stable Diffusion pipeline the tests use, rendered end to end
through :class:`DiffusersImageBackend` (prompt building, seeded generator, resize) on CPU;
prints seconds per image.

``--full-unet``: a full-size SD 1.5-shaped ``UNet2DConditionModel`` (860 M parameters, random
weights) in a bare denoising loop — 512×512 images = 64×64 latents, classifier-free guidance
(two UNet passes per step, batched), DDIM ``--steps`` steps — reporting images/s with and without
batching and ``torch.compile``. Meant for a GPU machine (fp16 there); on CPU it runs but slowly.

    .venv/bin/python benchmarks/bench_diffusers.py
    .venv/bin/python benchmarks/bench_diffusers.py --full-unet --batches 1 4 8 --steps 20
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "backends"))  # tiny_models: the tests' own model builders

SD15_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=768, attention_head_dim=8,
)


def table(rows: list[dict], columns: list[str]) -> str:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    line = "  ".join(c.ljust(widths[c]) for c in columns)
    sep = "  ".join("-" * widths[c] for c in columns)
    body = ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join([line, sep, *body])


def bench_tiny(repeats: int) -> list[dict]:
    from tiny_models import build_tiny_sd

    from studio_kit.backends.image.diffusers_sd import DiffusersImageBackend
    from studio_kit.domain.requests import ImageRequest

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        folder = build_tiny_sd(Path(tmp) / "tiny-sd")
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        backend = DiffusersImageBackend.from_pretrained(folder, device="cpu")
        load_s = time.perf_counter() - t0
        rows.append({"case": "tiny SD: build + save", "size": "", "steps": "", "s/image": f"{build_s:.3f}"})
        rows.append({"case": "tiny SD: load folder", "size": "", "steps": "", "s/image": f"{load_s:.3f}"})
        for size, steps, init in ((64, 2, False), (64, 20, False), (128, 2, False), (64, 2, True)):
            from PIL import Image

            request = ImageRequest(prompt="a paramedic on a hospital roof at dawn", width=size, height=size,
                                   steps=steps, seed=1,
                                   init_image=Image.new("RGB", (size, size), "gray") if init else None)
            backend.render(request)  # warm-up (first call builds the img2img pipe, allocates)
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                backend.render(request)
                times.append(time.perf_counter() - t0)
            rows.append({"case": f"tiny SD {'img2img' if init else 'txt2img'}", "size": f"{size}x{size}",
                         "steps": steps, "s/image": f"{statistics.median(times):.3f}"})
    return rows


def bench_full_unet(batches: list[int], steps: int, compile_modes: list[bool], device: str) -> list[dict]:
    import torch
    from diffusers import DDIMScheduler, UNet2DConditionModel

    dtype = torch.float16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    unet = UNet2DConditionModel(**SD15_UNET).to(device, dtype).eval()
    params_m = sum(p.numel() for p in unet.parameters()) / 1e6
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    rows = []
    for compiled in compile_modes:
        model = torch.compile(unet, mode="max-autotune-no-cudagraphs") if compiled else unet
        for batch in batches:
            text = torch.randn(2 * batch, 77, 768, device=device, dtype=dtype)  # CFG: uncond + cond

            def denoise(model=model, batch=batch, text=text):
                latents = torch.randn(batch, 4, 64, 64, device=device, dtype=dtype)
                scheduler.set_timesteps(steps)
                for t in scheduler.timesteps:
                    noise = model(torch.cat([latents] * 2), t, encoder_hidden_states=text).sample
                    uncond, cond = noise.chunk(2)
                    latents = scheduler.step(uncond + 7.5 * (cond - uncond), t, latents).prev_sample
                return latents

            def sync():
                if device == "cuda":
                    torch.cuda.synchronize()

            with torch.inference_mode():
                t0 = time.perf_counter()
                denoise()  # warm-up; with torch.compile this is the compilation
                sync()
                warm_s = time.perf_counter() - t0
                runs = 3 if device == "cuda" else 1
                t0 = time.perf_counter()
                for _ in range(runs):
                    denoise()
                sync()
                per_batch = (time.perf_counter() - t0) / runs
            rows.append({"unet": f"SD1.5 ({params_m:.0f} M)", "device": f"{device} {str(dtype)[6:]}",
                         "compile": "yes" if compiled else "no", "batch": batch, "steps": steps,
                         "first call s": f"{warm_s:.1f}", "s/batch": f"{per_batch:.2f}",
                         "images/s": f"{batch / per_batch:.3f}"})
            print(table(rows[-1:], list(rows[-1])), flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full-unet", action="store_true", help="full-size SD 1.5 UNet loop (GPU)")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile rows")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=5, help="timed renders per tiny case (median)")
    args = parser.parse_args(argv)

    import torch

    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    if not args.full_unet:
        torch.set_num_threads(min(2, torch.get_num_threads()))
        rows = bench_tiny(args.repeats)
        print(f"\nDiffusers backend, tiny random-weight SD pipeline, CPU ({torch.get_num_threads()} threads)")
        print(table(rows, ["case", "size", "steps", "s/image"]))
        return
    modes = [False] if args.no_compile else [False, True]
    rows = bench_full_unet(args.batches, args.steps, modes, device)
    print(f"\nFull-size SD 1.5 UNet, random weights, 512x512 (64x64 latents), CFG 7.5, {args.steps} DDIM steps")
    if device == "cuda":
        print(f"GPU: {torch.cuda.get_device_name(0)}; torch {torch.__version__}")
    print(table(rows, list(rows[0])))


if __name__ == "__main__":
    main()
