"""Picture continuity between consecutive shots of a scene, and the colour match that fixes a jump.

Measures (on images scaled to 256 px wide):

* exposure — mean Rec. 709 luma, 0..1;
* white balance — the red/blue cast ``(R − B) / (R + G + B)`` of the mid-tones;
* colour histograms — OpenCV's Bhattacharyya distance of 2-D hue/saturation histograms (0 same, 1 disjoint);
* dominant colours — OpenCV k-means (k = 3) centres, as hex;
* face identity — for characters whose face is found in both shots, the dlib face distance
  (``backends/image/faces``, when the ``faces`` extra is installed).

A jump is flagged past :data:`THRESHOLDS`. The proposed fix is scikit-image's
``match_histograms`` of the later shot onto the first shot of its scene, applied
when the animatic or the cut is rendered with colour matching on.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from studio_kit.domain.production import ContinuityCheck
from studio_kit.registry import invoke, optional_backend

THRESHOLDS = {"exposure": 0.12, "white_balance": 0.06, "histogram": 0.55, "face": 0.6}


def _small(image: Any) -> np.ndarray:
    from PIL import Image

    img = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    img = img.convert("RGB")
    w, h = img.size
    return np.asarray(img.resize((256, max(1, round(256 * h / w)))), dtype=np.uint8)


def measures(image: Any) -> dict[str, Any]:
    import cv2

    rgb = _small(image)
    f = rgb.astype(np.float32) / 255.0
    luma = 0.2126 * f[..., 0] + 0.7152 * f[..., 1] + 0.0722 * f[..., 2]
    mid = (luma > 0.15) & (luma < 0.85)
    px = f[mid] if mid.any() else f.reshape(-1, 3)
    cast = float((px[:, 0].mean() - px[:, 2].mean()) / max(1e-6, px.sum(axis=1).mean()))
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [30, 32], [0, 180, 0, 256])
    cv2.normalize(hist, hist)
    data = rgb.reshape(-1, 3).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    cv2.setRNGSeed(7)
    no_labels: Any = None  # OpenCV's stubs want an array for bestLabels; kmeans takes None (no initial labels)
    _, labels, centres = cv2.kmeans(data, 3, no_labels, criteria, 2, cv2.KMEANS_PP_CENTERS)
    order = np.argsort(-np.bincount(labels.ravel(), minlength=3))
    dominant = ["#" + "".join(f"{int(c):02x}" for c in centres[i]) for i in order]
    return {"exposure": float(luma.mean()), "cast": cast, "hist": hist, "dominant": dominant}


def compare(scene: str, a_name: str, a_image: Any, b_name: str, b_image: Any, *,
            faces: dict[str, tuple[Any, Any]] | None = None) -> ContinuityCheck:
    """Compare two consecutive shots; ``faces`` maps a character to (face vector in a, in b)."""
    import cv2

    ma, mb = measures(a_image), measures(b_image)
    check = ContinuityCheck(scene=scene, a=a_name, b=b_name,
                            exposure_delta=round(abs(ma["exposure"] - mb["exposure"]), 4),
                            white_balance_delta=round(abs(ma["cast"] - mb["cast"]), 4),
                            histogram_distance=round(float(cv2.compareHist(ma["hist"], mb["hist"],
                                                                           cv2.HISTCMP_BHATTACHARYYA)), 4),
                            dominant_a=ma["dominant"], dominant_b=mb["dominant"])
    if check.exposure_delta > THRESHOLDS["exposure"]:
        brighter = b_name if mb["exposure"] > ma["exposure"] else a_name
        check.flags.append(f"exposure jump: {b_name} is {check.exposure_delta * 100:.0f}% "
                           f"{'brighter' if brighter == b_name else 'darker'} than {a_name}")
    if check.white_balance_delta > THRESHOLDS["white_balance"]:
        warmer = "warmer" if mb["cast"] > ma["cast"] else "cooler"
        check.flags.append(f"white balance: {b_name} is {warmer} than {a_name}")
    if check.histogram_distance > THRESHOLDS["histogram"]:
        check.flags.append(f"colour: {b_name}'s palette differs from {a_name} "
                           f"(histogram distance {check.histogram_distance:.2f})")
    for name, (va, vb) in (faces or {}).items():
        if va is None or vb is None:
            continue
        distance = float(np.linalg.norm(np.asarray(va) - np.asarray(vb)))
        check.face_distance[name] = round(distance, 4)
        if distance > THRESHOLDS["face"]:
            check.flags.append(f"face: {name} does not look like the same person in {a_name} and {b_name}")
    return check


def match_colour(image: Any, reference: Any) -> Any:
    """``image`` with its colour histograms matched to ``reference`` (scikit-image), as a PIL image."""
    from PIL import Image
    from skimage.exposure import match_histograms

    src = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)
    ref = np.asarray(reference.convert("RGB") if isinstance(reference, Image.Image) else reference)
    out = match_histograms(src, ref, channel_axis=-1)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


#: knots per channel of a colour-match curve (ffmpeg's ``curves`` filter interpolates between them)
CURVE_POINTS = 17


def colour_curves(image: Any, reference: Any, points: int = CURVE_POINTS) -> dict[str, list[list[float]]]:
    """The colour match of ``image`` onto ``reference`` as three monotone tone curves (R, G, B), read off
    scikit-image's ``match_histograms`` of the two frames: for each input level, the level the match gives
    it. ``points`` knots per channel in 0..1, ready for :func:`curves_filter`."""
    from PIL import Image

    src = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)[..., :3]
    matched = np.asarray(match_colour(src, reference), dtype=np.float64)
    knots = np.linspace(0, 255, points)
    out: dict[str, list[list[float]]] = {}
    for c, name in enumerate("rgb"):
        levels = src[..., c].ravel()
        sums = np.bincount(levels, weights=matched[..., c].ravel(), minlength=256)
        counts = np.bincount(levels, minlength=256)
        present = np.flatnonzero(counts)
        mapped = np.maximum.accumulate(sums[present] / counts[present])     # the match is monotone; keep it so
        ys = np.interp(knots, present, mapped)                              # flat past the frame's own range
        out[name] = [[round(float(x) / 255, 4), round(float(y) / 255, 4)] for x, y in zip(knots, ys)]
    return out


def curves_filter(curves: dict[str, list[list[float]]]) -> str:
    """The ffmpeg ``curves`` filter (monotone cubic between the knots) that applies ``curves`` at conform."""
    def channel(name: str) -> str:
        return " ".join(f"{x:.4f}/{min(1.0, max(0.0, y)):.4f}" for x, y in curves[name])
    return f"curves=interp=pchip:r='{channel('r')}':g='{channel('g')}':b='{channel('b')}'"


def channel_means(image: Any) -> list[float]:
    """Mean R, G, B (0..255) of an image: what a colour match moves toward its reference."""
    from PIL import Image

    rgb = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image, dtype=np.float64)
    return [round(float(v), 2) for v in rgb[..., :3].reshape(-1, 3).mean(axis=0)]


def face_vectors(images: dict[str, Any]) -> dict[str, Any]:
    """Face descriptors of the main face in each image (None where none is found or faces are not installed)."""
    encoder = optional_backend("encoder", "face")
    if encoder is None:
        return {k: None for k in images}
    out = {}
    for k, v in images.items():
        rgb = np.asarray(v.convert("RGB"))
        out[k] = invoke(encoder, "embed", rgb, inputs=[rgb])
    return out
