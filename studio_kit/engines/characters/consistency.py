"""Identity drift: how far one render of a character is from its locked identity.

Three measures, best available first:

* **previz parameters** — the previz renderer reports every drawing parameter it
  used (``image.info["previz"]``); the score is the weighted share of them that
  equal the parameters the locked identity gives. Same identity → exactly 1.0.
* **embedding similarity** — when a local image encoder is configured
  (``backends/image/encoders.py``), the cosine similarity between the render's
  embedding and the identity's reference embedding, clipped to 0..1.
* **perceptual fallback** (documented, dependency-free) — no encoder, a model
  render: ``0.5 × colour-histogram intersection + 0.5 × (1 − pHash Hamming / 64)``.
  The histogram is 4×4×4 RGB bins (sums to 1); pHash is the classic 64-bit DCT
  hash: grey 32×32, 2-D DCT-II, the 8×8 lowest frequencies against their median
  (DC excluded). Unrelated images land near 0.5; re-renders of one subject near 0.9+.

Scores and the threshold travel with the render's asset metadata; a render below
its threshold is flagged.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from studio_kit.domain.character import IdentityRecord

#: minimum score per method; below → the render is flagged for review
THRESHOLDS = {"previz-params": 0.999, "embedding": 0.80, "perceptual": 0.78}

# how much each previz parameter matters to "is this the same person"
_PARAM_WEIGHTS = {"skin": 3, "hair": 3, "hair_style": 3, "head_ratio": 2, "jaw": 2, "shoulders": 2, "waist": 2,
                  "height": 2, "eyes": 1, "top": 2, "bottom": 2, "accent": 1, "beard": 2, "moustache": 1,
                  "glasses": 2, "scar": 1, "freckles": 1, "eyepatch": 2, "skirt": 1, "logo": 2, "seed": 1,
                  "parting": 1, "name": 1}


@dataclass
class ConsistencyScore:
    """One render's identity score (0..1), how it was measured, and whether it is flagged."""

    score: float
    method: str          # "previz-params", "embedding:<model>", "perceptual:hist+phash"
    threshold: float
    flagged: bool
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- perceptual fallback -------------------------------------------------------

@lru_cache(maxsize=4)
def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II basis (n × n): row k is cos(pi (2i+1) k / 2n)."""
    i = np.arange(n)
    m = np.cos(np.pi * (2 * i[None, :] + 1) * np.arange(n)[:, None] / (2 * n)) * math.sqrt(2 / n)
    m[0] /= math.sqrt(2)
    return m


def phash(image: Any) -> int:
    """64-bit perceptual hash of a PIL image (DCT of a 32×32 grey thumbnail)."""
    from PIL import Image

    grey = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
    d = _dct_matrix(32)
    coeffs = (d @ grey @ d.T)[:8, :8].flatten()
    median = np.median(coeffs[1:])
    bits = 0
    for value in coeffs:
        bits = (bits << 1) | int(value > median)
    return bits


def colour_histogram(image: Any, bins: int = 4) -> list[float]:
    """Normalised RGB histogram with ``bins``³ cells (sums to 1), from a 64×64 thumbnail."""
    from PIL import Image

    rgb = np.asarray(image.convert("RGB").resize((64, 64), Image.Resampling.BOX), dtype=np.uint16)
    q = (rgb * bins) // 256
    idx = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    hist = np.bincount(idx.ravel(), minlength=bins ** 3).astype(np.float64)
    return (hist / hist.sum()).round(6).tolist()


def perceptual_signature(image: Any) -> dict[str, Any]:
    """The fallback reference stored in an identity record: pHash (hex) and histogram."""
    return {"phash": f"{phash(image):016x}", "histogram": tuple(colour_histogram(image))}


def perceptual_similarity(image: Any, signature: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """0..1 similarity of ``image`` to a stored perceptual signature, with its two parts."""
    hist = np.asarray(colour_histogram(image))
    ref = np.asarray(signature["histogram"], dtype=np.float64)
    hist_sim = float(np.minimum(hist, ref).sum())
    hamming = bin(phash(image) ^ int(signature["phash"], 16)).count("1")
    hash_sim = 1 - hamming / 64
    return 0.5 * hist_sim + 0.5 * hash_sim, {"histogram": round(hist_sim, 4), "phash": round(hash_sim, 4),
                                             "hamming": hamming}


# -- previz parameters -----------------------------------------------------------

def previz_param_similarity(used: dict[str, Any], expected: dict[str, Any]) -> tuple[float, list[str]]:
    """Weighted share of previz drawing parameters that match; also the names that differ."""
    total = matched = 0.0
    differ = []
    for key, weight in _PARAM_WEIGHTS.items():
        total += weight
        a, b = used.get(key), expected.get(key)
        if isinstance(a, float) or isinstance(b, float):
            same = a is not None and b is not None and abs(float(a) - float(b)) < 1e-6
        else:
            same = a == b
        if same:
            matched += weight
        else:
            differ.append(key)
    return matched / total, differ


def score_render(image: Any, identity: IdentityRecord, *, look: str | None = None, settings: Any = None,
                 encoder: Any = None) -> ConsistencyScore:
    """Score one rendered image of a character against its locked identity.

    ``look`` is the wardrobe look the render was asked for (previz compares like with like).
    """
    from studio_kit.backends.image.previz import figure_params_of
    from studio_kit.backends.image.previz_figure import figure_spec

    params = figure_params_of(image)
    if params and params.get("figures"):
        expected = figure_spec(identity.to_identity(), look).as_params()
        # a frame may hold several figures: score the one that is this character
        best, differ = 0.0, list(_PARAM_WEIGHTS)
        for used in params["figures"]:
            s, d = previz_param_similarity(used, expected)
            if s > best:
                best, differ = s, d
        return _scored(best, "previz-params", THRESHOLDS["previz-params"], {"differs": differ})

    if encoder is None:
        encoder = _configured_encoder(settings)
    if encoder is not None and identity.embedding:
        vec = np.asarray(encoder.embed(image), dtype=np.float64)
        ref = np.asarray(identity.embedding, dtype=np.float64)
        cos = float(vec @ ref / ((np.linalg.norm(vec) * np.linalg.norm(ref)) or 1.0))
        model = identity.embedding_model or getattr(encoder, "model_id", type(encoder).__name__)
        return _scored(max(0.0, min(1.0, cos)), f"embedding:{model}", THRESHOLDS["embedding"], {"cosine": cos})

    signature = identity.perceptual_signature
    if not signature:
        return _scored(0.0, "perceptual:hist+phash", THRESHOLDS["perceptual"],
                       {"error": "identity has no reference signature; re-lock the character"})
    value, parts = perceptual_similarity(image, signature)
    return _scored(value, "perceptual:hist+phash", THRESHOLDS["perceptual"], parts)


def _scored(value: float, method: str, threshold: float, details: dict[str, Any]) -> ConsistencyScore:
    value = round(float(value), 4)
    return ConsistencyScore(value, method, threshold, value < threshold, details)


def _configured_encoder(settings: Any) -> Any:
    """The local image encoder from settings, or None (module absent or nothing configured)."""
    try:
        from studio_kit.backends.image.encoders import load_image_encoder
    except ImportError:
        return None
    if settings is None:
        from studio_kit.config import get_settings

        settings = get_settings()
    return load_image_encoder(settings)
