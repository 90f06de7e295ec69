"""Tiny random-weight audio models built offline for the backend tests: a VITS text-to-speech model with
a character tokenizer, a MusicGen (T5 text encoder + EnCodec + decoder) and a T5 translation model, each
saved with save_pretrained into a folder the backends load back, as a user's local model folder."""
from __future__ import annotations

import json
import string
from pathlib import Path

from tiny_models_t5 import tiny_t5_tokenizer


def tiny_vits(folder: Path, language: str = "en") -> Path:
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    chars = list(" " + string.ascii_lowercase + "'.,!?")
    (folder / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}), encoding="utf-8")
    tok = VitsTokenizer(str(folder / "vocab.json"), add_blank=False, normalize=True, phonemize=False)
    cfg = VitsConfig(vocab_size=len(chars), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=16,
                     flow_size=16, spectrogram_bins=17, upsample_initial_channel=16, upsample_rates=[8, 8],
                     upsample_kernel_sizes=[16, 16], resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
                     prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1,
                     posterior_encoder_num_wavenet_layers=1, duration_predictor_num_flows=1,
                     duration_predictor_filter_channels=16, depth_separable_num_layers=1, sampling_rate=16000)
    cfg.language = language
    VitsModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def tiny_musicgen(folder: Path) -> Path:
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
    )

    tok = tiny_t5_tokenizer()
    t5 = T5Config(vocab_size=len(tok), d_model=16, d_ff=32, d_kv=8, num_layers=1, num_heads=2,
                  relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    enc = EncodecConfig(sampling_rate=8000, num_filters=4, codebook_size=32, codebook_dim=8, hidden_size=8,
                        upsampling_ratios=[8, 8, 4], num_residual_layers=1, num_lstm_layers=1,
                        target_bandwidths=[0.7], audio_channels=1)
    dec = MusicgenDecoderConfig(vocab_size=32, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=32,
                                num_codebooks=enc.num_quantizers, max_position_embeddings=512, pad_token_id=32,
                                bos_token_id=32)
    model = MusicgenForConditionalGeneration(MusicgenConfig(text_encoder=t5.to_dict(), audio_encoder=enc.to_dict(),
                                                            decoder=dec.to_dict()))
    model.generation_config.decoder_start_token_id = 32
    model.generation_config.pad_token_id = 32
    model.save_pretrained(folder)
    MusicgenProcessor(feature_extractor=EncodecFeatureExtractor(feature_size=1, sampling_rate=8000),
                      tokenizer=tok).save_pretrained(folder)
    return folder


def tiny_t5_translator(folder: Path) -> Path:
    from transformers import T5Config, T5ForConditionalGeneration

    tok = tiny_t5_tokenizer()
    model = T5ForConditionalGeneration(T5Config(vocab_size=len(tok), d_model=16, d_ff=32, d_kv=8, num_layers=1,
                                                num_heads=2, relative_attention_num_buckets=8, pad_token_id=0,
                                                eos_token_id=1, decoder_start_token_id=0))
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
