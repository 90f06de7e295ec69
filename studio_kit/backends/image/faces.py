"""Offline face identity for consistency scores: OpenCV Haar face detection + dlib's ResNet embedding.

Optional extra ``faces``: PyPI ``dlib-bin`` (dlib's compiled wheel), ``face-recognition-models``
(the model files: 5-point shape predictor, 128-d ResNet face descriptor) and
``opencv-python-headless<5`` (OpenCV 5 dropped ``CascadeClassifier``). No model hub is
involved: the model files ship inside the ``face_recognition_models`` package and are
found with :func:`importlib.util.find_spec` (importing that package needs
``pkg_resources``, so it is never imported).

The descriptor is dlib's: two photos of the same person are usually within a Euclidean
distance of 0.6, different people beyond it. The character engine's consistency check maps the distance
to a 0..1 score as ``1 − distance`` (clipped), so the conventional 0.6 cut-off is a score
of 0.4; :data:`FACE_THRESHOLD` is a little stricter.

:func:`load_face_encoder` returns ``None`` when the packages are missing; the character
engine then uses its perceptual fallback.
"""
from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from studio_kit.backends.base import Availability, Backend
from studio_kit.backends.cache import MODELS
from studio_kit.exceptions import BackendUnavailableError

#: minimum face score (1 − dlib distance) for "same person": distance ≤ 0.55
FACE_THRESHOLD = 0.45
#: the longest image side face detection runs at (pixels); larger images are scaled down first
DETECT_MAX_SIDE = 640
#: a detected face must be at least this many pixels wide (at detection scale) to be embedded
MIN_FACE_PX = 32



def _model_dir() -> Path | None:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    return folder if folder.is_dir() else None


class FaceEncoder:
    """Find the main face in an image and describe it with dlib's 128-d face descriptor."""

    model_id = "dlib-resnet-face-v1"

    def __init__(self) -> None:
        import cv2
        import cv2.data
        import dlib

        models = _model_dir()
        if models is None:
            raise ImportError("face_recognition_models is not installed")
        self._cv2 = cv2
        self._cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"))
        if self._cascade.empty():
            raise ImportError("OpenCV ships no Haar face cascade")
        self._shape = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
        self._net = dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat"))
        self._dlib = dlib
        self._run = threading.Lock()   # dlib models are not documented as thread-safe

    def detect(self, image: Any) -> tuple[int, int, int, int] | None:
        """The largest frontal face as (x, y, w, h) in image pixels, or None."""
        rgb = _rgb_array(image)
        h, w = rgb.shape[:2]
        scale = min(1.0, DETECT_MAX_SIDE / max(h, w))
        small = rgb if scale == 1.0 else self._cv2.resize(rgb, (int(w * scale), int(h * scale)),
                                                          interpolation=self._cv2.INTER_AREA)
        grey = self._cv2.cvtColor(small, self._cv2.COLOR_RGB2GRAY)
        faces = self._cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5,
                                               minSize=(MIN_FACE_PX, MIN_FACE_PX))
        if len(faces) == 0:
            return None
        x, y, fw, fh = max(faces, key=lambda f: int(f[2]) * int(f[3]))
        return int(x / scale), int(y / scale), int(fw / scale), int(fh / scale)

    def embed(self, image: Any) -> list[float] | None:
        """The 128-d descriptor of the largest face, or None when no face is found."""
        rgb = _rgb_array(image)
        box = self.detect(rgb)
        if box is None:
            return None
        x, y, w, h = box
        with self._run:
            shape = self._shape(rgb, self._dlib.rectangle(x, y, x + w, y + h))
            vector = self._net.compute_face_descriptor(rgb, shape)
        return [float(v) for v in vector]


def _rgb_array(image: Any) -> np.ndarray:
    if isinstance(image, np.ndarray):
        return np.ascontiguousarray(image[..., :3].astype(np.uint8))
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def faces_available() -> bool:
    """Are the optional face packages importable (without loading the models)?"""
    return all(importlib.util.find_spec(m) is not None for m in ("dlib", "cv2")) and _model_dir() is not None


def _try_face_encoder() -> FaceEncoder | None:
    try:
        return FaceEncoder() if faces_available() else None
    except (ImportError, RuntimeError, AttributeError):
        return None


def load_face_encoder() -> FaceEncoder | None:
    """The process-wide face encoder, or None when the ``faces`` extra is not installed."""
    return MODELS.get_or_load(("encoder.face",), _try_face_encoder)


class FaceEncoderBackend(Backend):
    """The dlib face encoder as a registered backend (``encoder.face``).

    Engines call ``registry.invoke(backend, "embed", image)``: each descriptor is
    recorded in usage and provenance like any other model call.
    """

    name: ClassVar[str] = "face"
    modality: ClassVar[str] = "encoder"
    capabilities: ClassVar[frozenset[str]] = frozenset({"embed-face", "detect-face"})
    extra: ClassVar[str | None] = "faces"
    unit: ClassVar[str] = "images"

    def __init__(self, model_path: Any = None, **options: Any):
        super().__init__(None, **options)
        encoder = load_face_encoder()
        if encoder is None:
            raise BackendUnavailableError("Encoder backend 'face': the faces extra is not installed.",
                                          hint="pip install 'studio_kit[faces]' (dlib-bin, face-recognition-models, "
                                          "opencv-python<5).")
        self.encoder: FaceEncoder = encoder

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        if not faces_available():
            return Availability(False, "faces extra not installed (dlib, OpenCV, face-recognition-models)")
        return Availability(True, FaceEncoder.model_id)

    @property
    def model_id(self) -> str:
        return FaceEncoder.model_id

    def detect(self, image: Any) -> tuple[int, int, int, int] | None:
        return self.encoder.detect(image)

    def embed(self, image: Any) -> list[float] | None:
        """The 128-d descriptor of the largest face, or None when no face is found."""
        return self.encoder.embed(image)
