"""Tiny random-weight SD3 and Flux pipelines built offline (no hub): hand-written configs, a T5
tokenizer built from a hand-made Unigram vocabulary, saved with save_pretrained into a folder that
the diffusers backend loads back, exactly like a user's local pipeline folder.

Shapes follow the real families where it matters to the pipeline code: a 16-channel latent VAE with
an 8× spatial factor, SD3's two projected CLIP encoders + T5 (``prompt_3``), Flux's CLIP + T5
(``prompt_2``) and its 2×2 latent packing. Widths are tiny so a 64×64 render takes a fraction of a second.
"""
from __future__ import annotations

import string
from pathlib import Path

from tiny_models import tiny_clip_tokenizer

LATENT_CHANNELS = 16   # SD3 / Flux VAEs: 16 latent channels (SD 1.5 / SDXL: 4)
T5_DIM = 32            # T5 d_model = the transformer's joint_attention_dim
CLIP_DIM = 16          # each CLIP encoder's hidden size (SD3 concatenates two: 32 = T5_DIM)
# whole words of the character prompts (real T5 vocabularies hold 32k pieces): a prompt then counts
# about one token per word, as with a real T5, instead of one per letter
WORDS = ("character", "portrait", "standing", "in", "the", "rain", "year", "old", "woman", "man", "person",
         "angular", "freckled", "face", "copper", "red", "shoulder", "length", "braided", "short", "curly",
         "black", "hair", "grey", "green", "eyes", "pale", "olive", "skin", "tall", "build", "scar", "over",
         "left", "eyebrow", "wearing", "paramedic", "jacket", "uniform", "with", "reflective", "stripes", "navy",
         "and", "white", "colour", "palette", "of", "front", "view", "facing", "camera", "neutral", "expression",
         "stylized", "concept", "art", "clean", "linework", "painterly", "shading", "blurry", "lowres", "jpeg",
         "artifacts", "watermark", "text", "signature", "deformed", "hands", "extra", "fingers", "limbs",
         "disfigured", "photograph", "photorealistic", "night", "shift", "tired", "stubborn", "streak", "a")


def tiny_t5_tokenizer(model_max_length: int = 512):
    """A T5 tokenizer (Unigram) with single letters, digits, punctuation and the prompt words above,
    so any English prompt tokenizes without a sentencepiece file; built entirely offline."""
    from transformers import T5Tokenizer

    pieces = ["▁"] + list(string.ascii_letters + string.digits + string.punctuation)
    pieces += ["▁" + c for c in string.ascii_letters + string.digits]
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [(p, -5.0) for p in pieces] + [("▁" + w, -2.0) for w in WORDS]
    return T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=model_max_length)


def tiny_t5_encoder(vocab_size: int):
    """A 2-layer T5 encoder, d_model 32."""
    from transformers import T5Config, T5EncoderModel

    return T5EncoderModel(T5Config(vocab_size=vocab_size, d_model=T5_DIM, d_ff=37, d_kv=8, num_layers=2,
                                   num_heads=4, relative_attention_num_buckets=8, pad_token_id=0,
                                   eos_token_id=1, decoder_start_token_id=0))


def tiny_flow_vae():
    """A 16-latent-channel AutoencoderKL with an 8× spatial factor (4 levels), no quant convs."""
    from diffusers import AutoencoderKL

    return AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=[8, 8, 8, 8], layers_per_block=1,
                         down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
                         latent_channels=LATENT_CHANNELS, norm_num_groups=4, sample_size=64,
                         use_quant_conv=False, use_post_quant_conv=False,
                         scaling_factor=1.5305, shift_factor=0.0609)


def _clip_config(tokenizer, *, projection_dim: int = CLIP_DIM):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=CLIP_DIM, intermediate_size=37,
                          num_attention_heads=4, num_hidden_layers=2, vocab_size=len(tokenizer) + 8,
                          max_position_embeddings=77, projection_dim=projection_dim)


def build_tiny_sd3(folder: Path) -> Path:
    """A random-weight SD3-shaped pipeline: MMDiT (patch 2), two projected CLIPs, T5, 16-channel VAE."""
    import torch
    from diffusers import (
        FlowMatchEulerDiscreteScheduler,
        SD3Transformer2DModel,
        StableDiffusion3Pipeline,
    )
    from transformers import CLIPTextModelWithProjection

    torch.manual_seed(0)
    transformer = SD3Transformer2DModel(
        sample_size=8, patch_size=2, in_channels=LATENT_CHANNELS, out_channels=LATENT_CHANNELS, num_layers=2,
        attention_head_dim=8, num_attention_heads=4, joint_attention_dim=T5_DIM, caption_projection_dim=32,
        pooled_projection_dim=2 * CLIP_DIM, pos_embed_max_size=16)
    tokenizer, tokenizer_2, tokenizer_3 = tiny_clip_tokenizer(), tiny_clip_tokenizer(), tiny_t5_tokenizer(256)
    pipe = StableDiffusion3Pipeline(
        transformer=transformer, scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0), vae=tiny_flow_vae(),
        text_encoder=CLIPTextModelWithProjection(_clip_config(tokenizer)), tokenizer=tokenizer,
        text_encoder_2=CLIPTextModelWithProjection(_clip_config(tokenizer_2)), tokenizer_2=tokenizer_2,
        text_encoder_3=tiny_t5_encoder(len(tokenizer_3)), tokenizer_3=tokenizer_3)
    folder.mkdir(parents=True, exist_ok=True)
    pipe.save_pretrained(folder)
    return folder


def build_tiny_flux(folder: Path) -> Path:
    """A random-weight Flux-shaped pipeline: double + single stream blocks, CLIP (pooled) + T5,
    16-channel VAE whose latents are packed 2×2 (transformer in_channels 64), dynamic shifting."""
    import torch
    from diffusers import (
        FlowMatchEulerDiscreteScheduler,
        FluxPipeline,
        FluxTransformer2DModel,
    )
    from transformers import CLIPTextModel

    torch.manual_seed(0)
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=4 * LATENT_CHANNELS, num_layers=1, num_single_layers=1, attention_head_dim=16,
        num_attention_heads=2, joint_attention_dim=T5_DIM, pooled_projection_dim=CLIP_DIM,
        guidance_embeds=True, axes_dims_rope=(4, 4, 8))
    scheduler = FlowMatchEulerDiscreteScheduler(shift=3.0, use_dynamic_shifting=True, base_shift=0.5,
                                                max_shift=1.15, base_image_seq_len=256, max_image_seq_len=4096)
    tokenizer, tokenizer_2 = tiny_clip_tokenizer(), tiny_t5_tokenizer(512)
    pipe = FluxPipeline(transformer=transformer, scheduler=scheduler, vae=tiny_flow_vae(),
                        text_encoder=CLIPTextModel(_clip_config(tokenizer)), tokenizer=tokenizer,
                        text_encoder_2=tiny_t5_encoder(len(tokenizer_2)), tokenizer_2=tokenizer_2)
    folder.mkdir(parents=True, exist_ok=True)
    pipe.save_pretrained(folder)
    return folder
