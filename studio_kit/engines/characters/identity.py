"""Identity lock: freeze a character's look into an immutable, hashed record.

Locking takes the bible's appearance descriptors, seed, palette, wardrobe,
brand rules and reference images (files the art department approved, or — when
none are given — a previz front view rendered now) and stores them in an
:class:`IdentityRecord` with a content hash. Every later render of the
character is made from that record. Changing the look of a locked character
needs a new version (:func:`studio_kit.engines.characters.versions.new_version`).
"""
from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from studio_kit.domain.character import APPEARANCE_FIELDS, CharacterBible, IdentityRecord, _now, identity_from_bible
from studio_kit.domain.requests import ImageRequest
from studio_kit.domain.voice import derive_voice_profile
from studio_kit.engines.characters.consistency import (
    _configured_encoder,
    _face_encoder,
    embed,
    encoder_model,
    perceptual_signature,
)
from studio_kit.exceptions import CharacterError, ImageError
from studio_kit.registry import get_backend_class, invoke, load_backend

#: bible fields that make up "the look"; changing one after the lock needs a new version
LOOK_FIELDS = ("appearance", "palette", "wardrobe", "default_look", "seed", "style", "species", "age", "brand",
               "mode")

MAX_REFERENCE_BYTES = 40 * 1024 * 1024


def load_reference_image(source: Any) -> tuple[Any, bytes, str]:
    """Open one reference image (path, bytes or PIL image) → (RGB image, encoded bytes, label).

    Raises :class:`ImageError` naming the file when it is missing, too large or not an image.
    """
    from PIL import Image, UnidentifiedImageError

    if hasattr(source, "convert") and hasattr(source, "size"):  # already a PIL image
        buf = io.BytesIO()
        source.convert("RGB").save(buf, format="PNG")
        return source.convert("RGB"), buf.getvalue(), "image"
    if isinstance(source, (bytes, bytearray)):
        data, label = bytes(source), "bytes"
    else:
        path = Path(source).expanduser()
        label = str(path)
        if not path.is_file():
            raise ImageError(f"Reference image {path} does not exist.", hint="Pass the path of a PNG or JPEG file.")
        if path.stat().st_size > MAX_REFERENCE_BYTES:
            raise ImageError(f"Reference image {path} is larger than {MAX_REFERENCE_BYTES // 2**20} MB.",
                             hint="Downscale it first; references only need ~1024 px.")
        data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # catches truncated files that open() alone accepts
        image = Image.open(io.BytesIO(data)).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"Reference {label} is not an image Pillow can read ({type(exc).__name__}).",
                         hint="Use a PNG, JPEG or WebP file as the character reference.") from exc
    return image, data, label


def look_changes(bible: CharacterBible, identity: IdentityRecord) -> list[str]:
    """Names of look fields where the bible now differs from its locked identity."""
    current = identity_from_bible(bible)
    frozen = identity.to_identity()
    changed = [f"appearance.{k}" for k in APPEARANCE_FIELDS
               if current["appearance"].get(k, "") != frozen["appearance"].get(k, "")]
    for key in ("palette", "wardrobe", "seed", "style", "species", "age", "brand", "mode"):
        if current[key] != frozen[key]:
            changed.append(key)
    if (bible.default_look or None) != (identity.default_look or None):
        changed.append("default_look")
    return changed


def build_identity(bible: CharacterBible, *, user: str, references: Iterable[Any] = (), settings: Any = None,
                   encoder: Any = None, face_encoder: Any = None) -> tuple[IdentityRecord, list[tuple[bytes, str]]]:
    """The identity record for ``bible`` plus the reference image bytes to store with it.

    Every reference is opened and checked before anything is built, so a bad file
    fails the whole lock (nothing half-locked). With the ``faces`` extra, the mean face
    descriptor of the references that show a face is frozen too (``face_encoder=False`` skips it).
    """
    loaded = [load_reference_image(src) for src in references]
    if not loaded:  # no approved art yet: the reference is the previz front view of this bible

        request = ImageRequest(kind="character", identities=[identity_from_bible(bible)], wardrobe=bible.default_look,
                               width=512, height=768)
        img = invoke(load_backend("image", "previz", settings=settings), "render", request)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        loaded = [(img, buf.getvalue(), "previz-front")]
    hashes = tuple("sha256:" + hashlib.sha256(data).hexdigest() for _, data, _ in loaded)

    embedding: tuple[float, ...] = ()
    model = None
    if encoder is None:
        encoder = _configured_encoder(settings)
    if encoder is not None:
        import numpy as np


        vecs = np.asarray([embed(encoder, img) for img, _, _ in loaded], dtype=np.float64)
        embedding = tuple(float(x) for x in vecs.mean(axis=0))
        model = encoder_model(encoder)
    signature = perceptual_signature(loaded[0][0])
    face: tuple[float, ...] = ()
    if face_encoder is not False and any(label != "previz-front" for _, _, label in loaded):
        faces = face_encoder or _face_encoder()
        found = [v for v in (embed(faces, img) for img, _, _ in loaded) if v] if faces is not None else []
        if found:  # the mean descriptor of every reference that shows a face
            import numpy as np

            face = tuple(float(x) for x in np.asarray(found, dtype=np.float64).mean(axis=0))

    record = IdentityRecord(
        character_id=bible.character_id, name=bible.name, version=bible.version, seed=bible.seed,
        mode=bible.mode, style=bible.style, species=bible.species, age=bible.age, pronouns=bible.pronouns, description=bible.description,
        appearance=bible.appearance, palette=tuple(bible.palette),
        wardrobe=tuple(bible.wardrobe[k] for k in sorted(bible.wardrobe)), default_look=bible.default_look,
        brand=bible.brand, reference_hashes=hashes, embedding=embedding, embedding_model=model, face_embedding=face,
        perceptual=tuple(sorted(signature.items())), locked_at=_now(), locked_by=user,
        voice=bible.voice or derive_voice_profile(bible),
        mannequin=_mannequin(bible),
    )
    record = record.model_copy(update={"hash": record.content_hash()})
    return record, [(data, label) for _, data, label in loaded]


def _mannequin(bible: CharacterBible) -> tuple[tuple[str, Any], ...]:
    """The 3D previz body of the bible, frozen by the lock (pure Python; no Blender needed)."""
    stager: Any = get_backend_class("image", "blender3d")  # its staging, pure Python: no Blender needed
    return tuple(sorted(stager.body_params(identity_from_bible(bible)).items()))


def lock(bible: CharacterBible, *, user: str, references: Iterable[Any] = (), settings: Any = None,
         encoder: Any = None, face_encoder: Any = None) -> tuple[CharacterBible, list[tuple[bytes, str]]]:
    """Lock ``bible``: returns a copy carrying its identity record, and the reference bytes.

    Locking an already-locked bible whose look is unchanged is a no-op; a changed look
    raises :class:`CharacterError` (start a new version first).
    """
    if bible.identity is not None:
        changed = look_changes(bible, bible.identity)
        if not changed:
            return bible, []
        raise CharacterError(
            f"{bible.name} v{bible.version} is already locked and its look changed ({', '.join(changed)}).",
            hint=f"Start a new version to change the look: `studio character version {bible.character_id}`.")
    record, refs = build_identity(bible, user=user, references=references, settings=settings, encoder=encoder,
                                  face_encoder=face_encoder)
    return bible.model_copy(update={"identity": record}), refs


def require_unchanged(bible: CharacterBible) -> None:
    """Raise when a locked bible's look was edited in place (the lock forbids it)."""
    if bible.identity is not None:
        changed = look_changes(bible, bible.identity)
        if changed:
            raise CharacterError(
                f"{bible.name} is locked (identity {bible.identity.hash[:19]}); its look cannot change "
                f"({', '.join(changed)}).",
                hint=f"Start a new version: `studio character version {bible.character_id}`, then edit and lock it.")
