"""``transformers`` translate backend: a local sequence-to-sequence model folder (MarianMT, NLLB, M2M, T5 …).

Loads ``AutoModelForSeq2SeqLM`` + ``AutoTokenizer`` from a local folder only (nothing is downloaded). For
NLLB/M2M-style multilingual models the target language is forced as the first generated token when the
tokenizer knows it (``--lang`` codes are mapped through ``lang_code_to_id`` / ``convert_tokens_to_ids``);
for T5-style models the prompt is "translate English to <target>: …". Greedy decoding: deterministic.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio_kit.backends.local_model import LocalModelFolder
from studio_kit.backends.translate.base import TranslateBackend, check_ids

NLLB_CODES = {"es": "spa_Latn", "fr": "fra_Latn", "de": "deu_Latn", "ar": "arb_Arab", "he": "heb_Hebr",
              "ja": "jpn_Jpan", "zh": "zho_Hans", "it": "ita_Latn", "pt": "por_Latn", "ru": "rus_Cyrl"}


class TransformersTranslateBackend(LocalModelFolder, TranslateBackend):
    name = "transformers"
    capabilities = frozenset({"translate", "local-model"})
    extra = "ml"
    folder_what = "translation model"
    folder_hint = "Save a MarianMT/NLLB model with save_pretrained() into a local folder and pass it."

    def __init__(self, model_path: str | Path | None = None, *, max_new_tokens: int = 128, **options: Any):
        super().__init__(model_path, **options)
        self._require_folder()
        self.max_new_tokens = int(max_new_tokens)

    def translate(self, lines: Mapping[str, str], *, source: str = "en", target: str) -> dict[str, str]:
        import torch

        model, tok = self._load_pair("AutoModelForSeq2SeqLM", "AutoTokenizer")
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "do_sample": False, "num_beams": 1}
        code = NLLB_CODES.get(target, target)
        forced = tok.convert_tokens_to_ids(code) if hasattr(tok, "convert_tokens_to_ids") else None
        prefix = ""
        if forced is not None and forced != tok.unk_token_id and code in getattr(tok, "additional_special_tokens", []):
            kwargs["forced_bos_token_id"] = forced
        elif model.config.model_type == "t5":
            prefix = f"translate {source} to {target}: "
        out: dict[str, str] = {}
        with torch.no_grad():
            for line_id, text in lines.items():
                batch = tok(prefix + text, return_tensors="pt")
                ids = model.generate(**batch, **kwargs)
                out[line_id] = tok.decode(ids[0], skip_special_tokens=True).strip() or text
        check_ids(list(lines), out, where="The model's translation")
        return out
