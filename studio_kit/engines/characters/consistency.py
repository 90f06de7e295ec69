"""Identity drift: how far one render of a character is from its locked identity.

Three measures, best available first:

* **previz parameters** — the previz renderer reports every drawing parameter it
  used (``image.info["previz"]``); the score is the weighted share of them that
  equal the parameters the locked identity gives. Same identity → exactly 1.0.
* **embedding similarity** — when a local image encoder is configured
  (``backends/image/encoders.py``), the cosine similarity between the render's
  embedding and the identity's reference embedding, clipped to 0..1.
* **face identity** — when the optional ``faces`` extra is installed
  (``backends/image/faces.py``: OpenCV Haar detection + dlib's 128-d ResNet
  descriptor) and a face was found in the locked reference *and* in the render
  (photos, diffusers output): ``1 − Euclidean distance`` of the two descriptors.
* **perceptual fallback** (documented, dependency-free) — no encoder, no faces:
  ``0.5 × colour-histogram intersection + 0.5 × (1 − pHash Hamming / 64)``.
  The histogram is 4×4×4 RGB bins (sums to 1); pHash is the classic 64-bit DCT
  hash: grey 32×32, 2-D DCT-II, the 8×8 lowest frequencies against their median
  (DC excluded). So that a subject framed a little differently still matches,
  both parts are also computed on the *subject crop* — the bounding box of the
  pixels that differ from the frame's border colour, squared — and the render's
  crop is tried at a few small shifts and scales; each part takes the best of the
  whole-frame and subject-crop comparisons. For photos without a plain backdrop
  the reference also stores the pHash of its central two-thirds, searched for in
  every two-thirds window of the render (steps of 1/24 frame). Unrelated images land near 0.5–0.6;
  re-renders of one subject, moved or rescaled within the frame, near 0.9.

Scores and the threshold travel with the render's asset metadata; a render below
its threshold is flagged.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from studio_kit.config import get_settings
from studio_kit.domain.character import IdentityRecord
from studio_kit.registry import Backend, get_backend_class, invoke, optional_backend

#: minimum score per method; below → the render is flagged for review
THRESHOLDS = {"previz-params": 0.999, "embedding": 0.80, "perceptual": 0.78, "face": 0.45}

# how much each previz parameter matters to "is this the same person"
_PARAM_WEIGHTS = {"skin": 3, "hair": 3, "hair_style": 3, "head_ratio": 2, "jaw": 2, "shoulders": 2, "waist": 2,
                  "height": 2, "eyes": 1, "top": 2, "bottom": 2, "accent": 1, "beard": 2, "moustache": 1,
                  "glasses": 2, "scar": 1, "freckles": 1, "eyepatch": 2, "skirt": 1, "logo": 2, "seed": 1,
                  "parting": 1, "name": 1, "form": 3, "species": 2}


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


def _hash_grey32(grey: np.ndarray) -> int:
    """64-bit DCT hash of a 32×32 grey array: the 8×8 lowest frequencies against their median."""
    d = _dct_matrix(32)
    coeffs = (d @ grey @ d.T)[:8, :8].flatten()
    median = np.median(coeffs[1:])
    bits = 0
    for value in coeffs:
        bits = (bits << 1) | int(value > median)
    return bits


def phash(image: Any) -> int:
    """64-bit perceptual hash of a PIL image (DCT of a 32×32 grey thumbnail)."""
    from PIL import Image

    return _hash_grey32(np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BOX), dtype=np.float64))


#: sliding-window search: the frame as a 96×96 grey grid, windows of 64×64 (two thirds of it)
_GRID, _WINDOW, _STEP = 96, 64, 4


def _grey_grid(image: Any) -> np.ndarray:
    from PIL import Image

    return np.asarray(image.convert("L").resize((_GRID, _GRID), Image.Resampling.BOX), dtype=np.float64)


def _pool32(window: np.ndarray) -> np.ndarray:
    """64×64 → 32×32 by 2×2 means."""
    return window.reshape(32, 2, 32, 2).mean(axis=(1, 3))


def centre_hash(image: Any) -> int:
    """pHash of the central two-thirds of the frame (the window a moved subject is searched with)."""
    lo = (_GRID - _WINDOW) // 2
    return _hash_grey32(_pool32(_grey_grid(image)[lo:lo + _WINDOW, lo:lo + _WINDOW]))


def best_window_hamming(image: Any, reference_hash: int) -> int:
    """Smallest Hamming distance between ``reference_hash`` (a :func:`centre_hash`) and the pHash of any
    two-thirds window of ``image`` (steps of 1/24 frame): finds a subject moved up to a sixth of the frame."""
    grid = _grey_grid(image)
    best = 64
    for y in range(0, _GRID - _WINDOW + 1, _STEP):
        for x in range(0, _GRID - _WINDOW + 1, _STEP):
            best = min(best, bin(_hash_grey32(_pool32(grid[y:y + _WINDOW, x:x + _WINDOW])) ^ reference_hash).count("1"))
    return best


def colour_histogram(image: Any, bins: int = 4) -> list[float]:
    """Normalised RGB histogram with ``bins``³ cells (sums to 1), from a 64×64 thumbnail."""
    from PIL import Image

    rgb = np.asarray(image.convert("RGB").resize((64, 64), Image.Resampling.BOX), dtype=np.uint16)
    q = (rgb * bins) // 256
    idx = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    hist = np.bincount(idx.ravel(), minlength=bins ** 3).astype(np.float64)
    return (hist / hist.sum()).round(6).tolist()


#: a pixel belongs to the subject when a channel differs from the border colour by more than this
_SUBJECT_DIFF = 40
#: (dx, dy, scale) jitters of the render's subject box, as fractions of the box size
_JITTER = [(0, 0, 1.0)] + [(dx, dy, sc) for dx in (-0.06, 0, 0.06) for dy in (-0.06, 0, 0.06)
                           for sc in (0.94, 1.0, 1.06) if (dx, dy, sc) != (0, 0, 1.0)]


def subject_box(image: Any) -> tuple[float, float, float, float]:
    """The subject's square box (left, top, right, bottom as fractions of the frame).

    The subject is what differs from the frame's border colour (median of the outer ring of a
    64×64 thumbnail), between the 2nd and 98th percentiles of its pixels in each direction. A frame with no clear background (a photo edge to edge) gives the whole frame.
    """
    from PIL import Image

    rgb = np.asarray(image.convert("RGB").resize((64, 64), Image.Resampling.BOX), dtype=np.int16)
    ring = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    mask = (np.abs(rgb - np.median(ring, axis=0)).max(axis=2) > _SUBJECT_DIFF)
    share = mask.mean()
    if share < 0.02 or share > 0.85:
        return 0.0, 0.0, 1.0, 1.0
    # 2nd–98th percentiles, not the extremes: a caption or a stray line must not stretch the box
    ys, xs = np.nonzero(mask)
    top, bottom = np.percentile(ys, 2) / 64, (np.percentile(ys, 98) + 1) / 64
    left, right = np.percentile(xs, 2) / 64, (np.percentile(xs, 98) + 1) / 64
    w, h = image.size
    side = max((right - left) * w, (bottom - top) * h) * 1.05  # square in pixels, 5 % margin
    cx, cy = (left + right) / 2 * w, (top + bottom) / 2 * h
    return (cx - side / 2) / w, (cy - side / 2) / h, (cx + side / 2) / w, (cy + side / 2) / h


def _crop(image: Any, box: tuple[float, float, float, float], dx: float = 0.0, dy: float = 0.0,
          scale: float = 1.0) -> Any:
    """Crop ``box`` (fractions, may reach outside the frame: padded with the border colour), jittered."""
    w, h = image.size
    left, top, right, bottom = box
    bw, bh = (right - left) * scale, (bottom - top) * scale
    cx, cy = (left + right) / 2 + dx * (right - left), (top + bottom) / 2 + dy * (bottom - top)
    return image.convert("RGB").crop((round((cx - bw / 2) * w), round((cy - bh / 2) * h),
                                      round((cx + bw / 2) * w), round((cy + bh / 2) * h)))


def perceptual_signature(image: Any) -> dict[str, Any]:
    """The fallback reference stored in an identity record: pHash (hex) and histogram of the whole
    frame and of the subject crop."""
    crop = _crop(image, subject_box(image))
    return {"phash": f"{phash(image):016x}", "histogram": tuple(colour_histogram(image)),
            "subject_phash": f"{phash(crop):016x}", "subject_histogram": tuple(colour_histogram(crop)),
            "centre_phash": f"{centre_hash(image):016x}"}


def _hist_sim(a: list[float], b: Any) -> float:
    return float(np.minimum(np.asarray(a), np.asarray(b, dtype=np.float64)).sum())


def perceptual_similarity(image: Any, signature: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """0..1 similarity of ``image`` to a stored perceptual signature, with its two parts.

    Signatures stored before subject crops existed (no ``subject_phash``) compare whole frames only.
    """
    hist_sim = _hist_sim(colour_histogram(image), signature["histogram"])
    hamming = bin(phash(image) ^ int(signature["phash"], 16)).count("1")
    details: dict[str, float] = {"histogram_frame": round(hist_sim, 4), "hamming_frame": hamming}
    if signature.get("subject_phash"):
        box = subject_box(image)
        ref = int(signature["subject_phash"], 16)
        crops = [_crop(image, box, dx, dy, sc) for dx, dy, sc in _JITTER]
        sub_hamming = min(bin(phash(c) ^ ref).count("1") for c in crops)
        sub_hist = _hist_sim(colour_histogram(crops[0]), signature["subject_histogram"])
        details.update({"histogram_subject": round(sub_hist, 4), "hamming_subject": sub_hamming})
        hamming, hist_sim = min(hamming, sub_hamming), max(hist_sim, sub_hist)
    if signature.get("centre_phash"):
        window = best_window_hamming(image, int(signature["centre_phash"], 16))
        details["hamming_window"] = window
        hamming = min(hamming, window)
    hash_sim = 1 - hamming / 64
    details.update({"histogram": round(hist_sim, 4), "phash": round(hash_sim, 4), "hamming": hamming})
    return 0.5 * hist_sim + 0.5 * hash_sim, details


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
                 encoder: Any = None, face_encoder: Any = None) -> ConsistencyScore:
    """Score one rendered image of a character against its locked identity.

    ``look`` is the wardrobe look the render was asked for (previz compares like with like).
    Order: previz parameters, image-encoder embedding, face identity (a face in the reference and
    in the render), perceptual fallback. ``face_encoder=False`` skips the face step.
    """
    previz: Any = get_backend_class("image", "previz")  # reads a previz picture's parameters; draws nothing
    params = previz.figure_params_of(image)
    if params and params.get("figures"):
        expected = previz.figure_spec(identity.to_identity(), look).as_params()
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
        vec = np.asarray(embed(encoder, image), dtype=np.float64)
        ref = np.asarray(identity.embedding, dtype=np.float64)
        cos = float(vec @ ref / ((np.linalg.norm(vec) * np.linalg.norm(ref)) or 1.0))
        model = identity.embedding_model or encoder_model(encoder)
        return _scored(max(0.0, min(1.0, cos)), f"embedding:{model}", THRESHOLDS["embedding"], {"cosine": cos})

    face_note = None
    if identity.face_embedding and face_encoder is not False:
        faces = face_encoder or _face_encoder()
        face_vec = embed(faces, image) if faces is not None else None
        if face_vec is not None:
            value, distance = face_similarity(face_vec, identity.face_embedding)
            return _scored(value, "face:dlib-resnet", THRESHOLDS["face"], {"distance": round(distance, 4)})
        face_note = "no face found in the render" if faces is not None else "faces extra not installed"

    signature = identity.perceptual_signature
    if not signature:
        return _scored(0.0, "perceptual:hist+phash", THRESHOLDS["perceptual"],
                       {"error": "identity has no reference signature; re-lock the character"})
    value, found = perceptual_similarity(image, signature)
    # the reference has a face: say why it was not used
    parts: dict[str, Any] = {**found, "face": face_note} if face_note else found
    return _scored(value, "perceptual:hist+phash", THRESHOLDS["perceptual"], parts)


def _scored(value: float, method: str, threshold: float, details: dict[str, Any]) -> ConsistencyScore:
    value = round(float(value), 4)
    return ConsistencyScore(value, method, threshold, value < threshold, details)


def _configured_encoder(settings: Any) -> Any:
    """The registered image encoder (``encoder.clip``) when one is configured, else None."""
    if settings is None:
        settings = get_settings()
    return optional_backend("encoder", "clip", settings=settings)


def _face_encoder() -> Any:
    """The registered face encoder (``encoder.face``), or None without the ``faces`` extra."""
    return optional_backend("encoder", "face")


class _GivenEncoder(Backend):
    """An encoder object the caller handed in (a notebook's or a test's own), wrapped as a backend
    so its calls go through ``invoke`` and are recorded like the registered encoders'."""

    modality = "encoder"
    unit = "images"

    def __init__(self, encoder: Any):
        super().__init__()
        self.encoder = encoder
        self.name = type(encoder).__name__  # type: ignore[misc]  # recorded as the backend name

    @property
    def model_id(self) -> str:
        return str(getattr(self.encoder, "model_id", type(self.encoder).__name__))

    def embed(self, image: Any) -> Any:
        return self.encoder.embed(image)


def face_similarity(a: list[float] | tuple[float, ...], b: list[float] | tuple[float, ...]) -> tuple[float, float]:
    """(score 0..1, Euclidean distance) between two face descriptors; score = 1 − distance, clipped."""
    distance = float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))
    return max(0.0, min(1.0, 1.0 - distance)), distance


def embed(encoder: Any, image: Any) -> Any:
    """``encoder``'s embedding of ``image`` through :func:`~studio_kit.registry.invoke` (usage + provenance)."""
    backend = encoder if isinstance(encoder, Backend) else _GivenEncoder(encoder)
    return invoke(backend, "embed", image, inputs=[image])


def encoder_model(encoder: Any) -> str:
    """The model name an encoder's embeddings are recorded under."""
    return str(getattr(encoder, "model_id", None) or type(encoder).__name__)
