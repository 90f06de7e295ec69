"""Character domain models: the bible, wardrobe looks, the locked identity, versions.

A :class:`CharacterBible` is the editable description of a character (what the
writers' room and the art department agree on). Locking it produces an
:class:`IdentityRecord`: a frozen, hashed snapshot of everything a renderer
needs to draw the same person every time. :class:`CharacterVersion` is one
stage of the look's approval path (concept → casting → final).

Colours are ``#rrggbb`` strings everywhere; ages are in years.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from studio_kit.domain.dialogue import DialogueVoice
from studio_kit.domain.voice import VoiceProfile

#: species word → body form (what a bible's ``species`` becomes in the 2D and 3D previz: human, quadruped or cloud)
SPECIES_FORMS = {
    **{w: "quadruped" for w in ("dog", "puppy", "cat", "kitten", "fox", "wolf", "horse", "pony", "pig", "goat",
                                "sheep", "cow", "bear", "rabbit", "rat", "mouse", "chihuahua", "hound", "lion",
                                "tiger", "deer", "donkey")},
    **{w: "cloud" for w in ("cloud", "ghost", "spirit", "fog", "mist", "smoke", "entity")},
}


_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalize_hex(value: str) -> str:
    """``"#ABC"``/``"aabbcc"`` → ``"#aabbcc"``; raises ValueError for anything else."""
    match = _HEX.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a #rrggbb colour")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def slugify(name: str) -> str:
    """A character id from a name: ``"Cyber Bob"`` → ``"cyber-bob"``."""
    slug = re.sub(r"[^0-9a-zA-Z]+", "-", name.strip().lower()).strip("-")
    return slug or "character"


def seed_for(name: str, salt: str = "") -> int:
    """A stable 31-bit seed from a character name (same name → same seed in every project run)."""
    return int(hashlib.sha256(f"{salt}:{name.strip().upper()}".encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


class CharacterMode(str, Enum):
    ACTOR = "actor"      # a cast character; the look may evolve between versions
    AVATAR = "avatar"    # presenter / spokes-character: identical in every output, must be locked
    BRAND = "brand"      # mascot under brand guidelines: locked palette, forbidden changes, logo


class CharacterStyle(str, Enum):
    PHOTOREALISTIC = "photorealistic"
    STYLIZED = "stylized"
    ANIMATED = "animated"


class VersionStage(str, Enum):
    CONCEPT = "concept"
    CASTING = "casting"
    FINAL = "final"

    @property
    def next(self) -> VersionStage | None:
        order = list(VersionStage)
        i = order.index(self)
        return order[i + 1] if i + 1 < len(order) else None


APPEARANCE_FIELDS = ("face", "hair", "hair_color", "build", "skin", "eyes", "marks")


class Appearance(BaseModel):
    """Physical descriptors, in the words of the script or the art department."""

    model_config = ConfigDict(frozen=True)

    face: str = ""
    hair: str = ""          # cut / shape: "long wavy", "bald", "ponytail"
    hair_color: str = ""
    build: str = ""         # "slim", "stocky", "tall and lanky"
    skin: str = ""
    eyes: str = ""
    marks: str = ""         # distinguishing marks: scar, tattoo, glasses, beard ...


class WardrobeLook(BaseModel):
    """A named costume, assignable per scene."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    colors: tuple[str, ...] = ()

    @field_validator("colors", mode="before")
    @classmethod
    def _hex(cls, value: Any) -> tuple[str, ...]:
        return tuple(normalize_hex(c) for c in (value or ()))


class LogoPlacement(BaseModel):
    """Where a brand mascot must carry its logo (drawn by previz, prompted to models)."""

    model_config = ConfigDict(frozen=True)

    text: str = "LOGO"
    position: str = "chest"          # chest, left-chest, back, hat
    color: str = "#ffffff"
    min_size: float = 0.12           # logo width as a fraction of the torso width, at least

    @field_validator("color", mode="before")
    @classmethod
    def _hex(cls, value: Any) -> str:
        return normalize_hex(value)


class BrandGuidelines(BaseModel):
    """Brand rules for a mascot: only these colours, never these changes, logo always placed."""

    model_config = ConfigDict(frozen=True)

    locked_palette: tuple[str, ...] = ()
    #: things a render may not change: appearance fields ("hair"), "palette", "wardrobe",
    #: "expression:<name>" or "view:<name>" (e.g. "expression:angry" for a friendly mascot)
    forbidden: tuple[str, ...] = ()
    logo: LogoPlacement | None = None

    @field_validator("locked_palette", mode="before")
    @classmethod
    def _hex(cls, value: Any) -> tuple[str, ...]:
        return tuple(normalize_hex(c) for c in (value or ()))


def _now() -> datetime:
    return datetime.now(UTC)


class CharacterBible(BaseModel):
    """Everything the production knows about a character; edited freely until locked."""

    character_id: str
    name: str
    #: other names the script cues this character by ("Bob" for "Cyber Bob"); same person, one bible
    aliases: list[str] = Field(default_factory=list)
    role: str = "supporting"            # lead, supporting, minor, day player, presenter, mascot
    age: int | None = None              # years
    pronouns: str = "they/them"
    description: str = ""
    traits: list[str] = Field(default_factory=list)
    backstory: str = ""
    appearance: Appearance = Field(default_factory=Appearance)
    palette: list[str] = Field(default_factory=list)
    wardrobe: dict[str, WardrobeLook] = Field(default_factory=dict)
    default_look: str | None = None
    #: scene number (or 0-based scene index as text) → wardrobe look name
    scene_looks: dict[str, str] = Field(default_factory=dict)
    style: CharacterStyle = CharacterStyle.STYLIZED
    #: what the character is: "human", or an animal / thing the script casts ("dog", "cloud")
    species: str = "human"
    mode: CharacterMode = CharacterMode.ACTOR
    seed: int = 0
    voice_profile: str | None = None    # voice backend reference, e.g. "piper:joe" or "espeak:en-us+f3"
    voice: VoiceProfile | None = None   # post-production voice (None: derived from the bible when voiced)
    dialogue_voice: Any = None          # a DialogueVoice (or a dict that is not one, kept as it was)
    brand: BrandGuidelines | None = None
    reference_images: list[str] = Field(default_factory=list)  # asset ids or file paths of approved references
    source: dict[str, Any] = Field(default_factory=dict)       # where it was mined from (script, line)
    # lifecycle
    version: int = 1
    stage: VersionStage = VersionStage.CONCEPT
    identity: IdentityRecord | None = None
    created_at: datetime = Field(default_factory=_now)

    @field_validator("palette", mode="before")
    @classmethod
    def _palette(cls, value: Any) -> list[str]:
        return [normalize_hex(c) for c in (value or [])]

    @field_validator("wardrobe", mode="after")
    @classmethod
    def _look_names(cls, value: dict[str, WardrobeLook]) -> dict[str, WardrobeLook]:
        # the dict key is the name scenes refer to; keep the look's own name in step with it
        return {k: (w if w.name == k else w.model_copy(update={"name": k})) for k, w in value.items()}

    @field_validator("dialogue_voice", mode="before")
    @classmethod
    def _voice(cls, value: Any) -> Any:
        if isinstance(value, dict):
            try:
                return DialogueVoice.model_validate(value)
            except Exception:
                return value
        return value

    @property
    def locked(self) -> bool:
        return self.identity is not None

    def answers_to(self, name: str) -> bool:
        """Is ``name`` (a cue, display name or id, any case) this character?"""
        key = name.strip().upper()
        return key in {self.name.upper(), self.character_id.upper(), *(a.upper() for a in self.aliases)} or \
            slugify(name) == self.character_id

    def look_for_scene(self, scene_key: str | int | None) -> str | None:
        """The wardrobe look assigned to a scene (by number or index), else the default look."""
        if scene_key is not None and str(scene_key) in self.scene_looks:
            return self.scene_looks[str(scene_key)]
        return self.default_look

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, data: str | bytes) -> CharacterBible:
        return cls.model_validate_json(data)


class IdentityRecord(BaseModel):
    """The frozen look of one character version. Immutable; ``hash`` covers every field but itself.

    ``embedding`` holds an image-encoder embedding of the reference images when a
    local encoder is configured; ``perceptual`` always holds the documented
    fallback signature (64-bit DCT pHash as hex + a 4×4×4 RGB histogram).
    """

    model_config = ConfigDict(frozen=True)

    character_id: str
    name: str
    version: int
    seed: int
    mode: CharacterMode
    style: CharacterStyle
    species: str = "human"
    age: int | None
    pronouns: str
    description: str
    appearance: Appearance
    palette: tuple[str, ...]
    wardrobe: tuple[WardrobeLook, ...]
    default_look: str | None
    brand: BrandGuidelines | None
    reference_hashes: tuple[str, ...]
    embedding: tuple[float, ...] = ()
    embedding_model: str | None = None
    #: 128-d dlib face descriptor of the main face in the references (empty: no face / no ``faces`` extra)
    face_embedding: tuple[float, ...] = ()
    perceptual: tuple[tuple[str, Any], ...] = ()   # (("phash", "hex"), ("histogram", (floats...)))
    voice: VoiceProfile | None = None   # the voice frozen with the look (post-production reads this when locked)
    #: 3D previz body frozen with the look (height in m, build, hair, face; backends/image/blender3d/mannequin.py)
    mannequin: tuple[tuple[str, Any], ...] = ()
    locked_at: datetime
    locked_by: str
    hash: str = ""

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of every field except ``hash`` (and the lock's who/when)."""
        exclude = {"hash", "locked_at", "locked_by"}
        if not self.face_embedding:  # records locked before face identity existed keep their hash
            exclude.add("face_embedding")
        if self.species == "human":  # likewise records from before species existed
            exclude.add("species")
        if self.voice is None:  # likewise records from before voice profiles existed
            exclude.add("voice")
        if not self.mannequin:  # and from before the 3D previz
            exclude.add("mannequin")
        data = self.model_dump(mode="json", exclude=exclude)
        return "sha256:" + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def verify(self) -> bool:
        """True when the stored hash still matches the content (nothing was tampered with)."""
        return bool(self.hash) and self.hash == self.content_hash()

    def look(self, name: str | None) -> WardrobeLook | None:
        for look in self.wardrobe:
            if look.name == (name or self.default_look):
                return look
        return None

    @property
    def perceptual_signature(self) -> dict[str, Any]:
        return {k: v for k, v in self.perceptual}

    def to_identity(self) -> dict[str, Any]:
        """The identity dict renderers read (``ImageRequest.identities``), keys as agreed with prompts.py."""
        return {
            "character_id": self.character_id, "name": self.name, "version": self.version, "seed": self.seed,
            "mode": self.mode.value, "style": self.style.value, "species": self.species, "age": self.age,
            "pronouns": self.pronouns,
            "description": self.description,
            "appearance": self.appearance.model_dump(),
            "palette": list(self.palette),
            "wardrobe": {w.name: {"description": w.description, "colors": list(w.colors)} for w in self.wardrobe},
            "brand": (None if self.brand is None else {
                "locked_palette": list(self.brand.locked_palette), "forbidden": list(self.brand.forbidden),
                "logo": self.brand.logo.model_dump() if self.brand.logo else {}}),
            "reference_hashes": list(self.reference_hashes),
            "embedding": list(self.embedding),
            **({"mannequin": dict(self.mannequin)} if self.mannequin else {}),
        }


def identity_from_bible(bible: CharacterBible) -> dict[str, Any]:
    """The identity dict of an *unlocked* bible (concept renders): same keys, nothing frozen."""
    return {
        "character_id": bible.character_id, "name": bible.name, "version": bible.version, "seed": bible.seed,
        "mode": bible.mode.value, "style": bible.style.value, "species": bible.species, "age": bible.age,
        "pronouns": bible.pronouns,
        "description": bible.description, "appearance": bible.appearance.model_dump(),
        "palette": list(bible.palette),
        "wardrobe": {w.name: {"description": w.description, "colors": list(w.colors)} for w in bible.wardrobe.values()},
        "brand": (None if bible.brand is None else {
            "locked_palette": list(bible.brand.locked_palette), "forbidden": list(bible.brand.forbidden),
            "logo": bible.brand.logo.model_dump() if bible.brand.logo else {}}),
        "reference_hashes": [], "embedding": [],
    }


class Approval(BaseModel):
    """Someone signed off a stage: who and when (UTC)."""

    stage: VersionStage
    by: str
    at: datetime = Field(default_factory=_now)
    note: str = ""


class CharacterVersion(BaseModel):
    """One stored version of a character: its bible snapshot, identity, renders and approvals."""

    character_id: str
    number: int                          # the bible version this snapshot belongs to
    stage: VersionStage
    bible: CharacterBible
    identity_hash: str | None = None
    render_ids: list[str] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=_now)
    created_by: str = ""
    asset_id: str | None = None          # id of the stored "character" asset


CharacterBible.model_rebuild()
