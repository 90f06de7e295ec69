"""Staging a scene for the 3D previz: sets, marks, poses, props, cameras, the 180° line (pure Python).

Coordinates are Blender's: metres, Z up, the floor at z = 0. A facing is an angle in
degrees in the floor plane (0° looks along +X, 90° along +Y). The default "audience"
looks from −Y towards +Y, so +X is screen right in the master shot.

Everything here is deterministic: the same scene gives the same marks in every shot
(continuity of staging), the same shot gives the same camera. No ``bpy``: the camera
plan, the line report and the tests of the camera maths run without Blender.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from studio_kit.exceptions import ImageError

# -- shot sizes ------------------------------------------------------------------

#: canonical size → (frame height in heads of the subject, eye line as a fraction of the frame from the top);
#: FS/WS/EWS are framed on the whole body instead (see :func:`_framing`)
SIZE_FRAMES = {"ECU": (0.75, 0.45), "BCU": (1.25, 0.40), "CU": (1.8, 0.36), "MCU": (2.7, 0.33),
               "MS": (4.1, 0.27), "MWS": (5.6, 0.22), "OTS": (2.9, 0.33), "INSERT": (1.0, 0.5)}
#: whole-body sizes: body height as a fraction of the frame height, and where the feet sit (from the bottom)
BODY_FRAMES = {"FS": (0.82, 0.06), "WS": (0.38, 0.26), "EWS": (0.12, 0.3)}
SIZE_ALIASES = {
    "ecu": "ECU", "extreme close-up": "ECU", "extreme close up": "ECU", "xcu": "ECU",
    "bcu": "BCU", "big close-up": "BCU", "big close up": "BCU", "choker": "BCU",
    "cu": "CU", "close-up": "CU", "close up": "CU", "closeup": "CU",
    "mcu": "MCU", "medium close-up": "MCU", "medium close up": "MCU",
    "ms": "MS", "medium": "MS", "medium shot": "MS", "mid shot": "MS", "waist": "MS", "two-shot": "MS",
    "2-shot": "MS", "two shot": "MS",
    "mws": "MWS", "medium wide": "MWS", "medium long shot": "MWS", "mls": "MWS", "cowboy": "MWS",
    "american": "MWS", "medium full": "MWS",
    "fs": "FS", "full": "FS", "full shot": "FS", "full figure": "FS",
    "ws": "WS", "wide": "WS", "wide shot": "WS", "ls": "WS", "long shot": "WS", "long": "WS", "master": "WS",
    "ews": "EWS", "extreme wide": "EWS", "extreme wide shot": "EWS", "els": "EWS", "extreme long shot": "EWS",
    "establishing": "EWS",
    "ots": "OTS", "over-the-shoulder": "OTS", "over the shoulder": "OTS",
    "insert": "INSERT", "cutaway": "INSERT",
}
#: a cinematographer's usual focal length per size (full-frame 36 mm sensor) when the shot names none
DEFAULT_LENS = {"ECU": 100, "BCU": 85, "CU": 85, "MCU": 65, "MS": 50, "MWS": 40, "FS": 35, "WS": 28, "EWS": 18,
                "OTS": 50, "INSERT": 100}
ANGLES = ("eye", "high", "low", "overhead", "dutch", "ots", "pov")
ANGLE_ALIASES = {"eye level": "eye", "eye-level": "eye", "eye": "eye", "neutral": "eye", "high": "high",
                 "high angle": "high", "low": "low", "low angle": "low", "overhead": "overhead",
                 "bird's eye": "overhead", "birds eye": "overhead", "top": "overhead", "top down": "overhead",
                 "dutch": "dutch", "dutch angle": "dutch", "canted": "dutch", "ots": "ots",
                 "over-the-shoulder": "ots", "over the shoulder": "ots", "pov": "pov", "point of view": "pov"}
SENSOR_W = 36.0  # mm, full frame, fitted to the image width


def shot_size(value: Any) -> str:
    """Canonical shot size code (ECU, BCU, CU, MCU, MS, MWS, FS, WS, EWS, OTS, INSERT) for a name or code."""
    key = str(value or "wide").strip().lower()
    if key.upper() in SIZE_FRAMES or key.upper() in BODY_FRAMES:
        return key.upper()
    if key in SIZE_ALIASES:
        return SIZE_ALIASES[key]
    raise ImageError(f"Unknown shot size {value!r}.",
                     hint="Use ECU, BCU, CU, MCU, MS, MWS, FS, WS, EWS, OTS or INSERT (or close-up, medium, wide …).")


def shot_angle(value: Any) -> str:
    key = str(value or "eye").strip().lower()
    if key in ANGLE_ALIASES:
        return ANGLE_ALIASES[key]
    raise ImageError(f"Unknown camera angle {value!r}.",
                     hint="Use eye level, high, low, overhead, dutch, over-the-shoulder or POV.")


# -- poses and props from the action -----------------------------------------------

POSES = ("stand", "walk", "run", "sit", "kneel", "lie", "point", "hold", "reach", "look", "embrace", "fight")
_POSE_WORDS = {
    "run": "run runs running ran sprint sprints sprinting race races racing dash dashes dashing flee flees fleeing "
           "chase chases chasing bolt bolts",
    "walk": "walk walks walking walked stride strides striding pace paces pacing stroll strolls strolling wander "
            "wanders enter enters entering exit exits crosses crossing approach approaches steps limps marches",
    "sit": "sit sits sitting sat seated slumps slumped perches perched",
    "kneel": "kneel kneels kneeling knelt crouch crouches crouching squats squatting",
    "lie": "lie lies lying lay sprawled sprawls sleeps sleeping asleep collapses collapsed unconscious",
    "point": "point points pointing gestures gesturing aims aiming",
    "hold": "hold holds holding clutch clutches clutching grip grips gripping carry carries carrying lift lifts "
            "grab grabs grabbing picks raises raising drinks sips answers",
    "reach": "reach reaches reaching stretches extends offers hands",
    "embrace": "hug hugs hugging embrace embraces embracing kiss kisses kissing cradles",
    "fight": "fight fights fighting punch punches punching swing swings attack attacks block blocks spar "
             "spars squares lunges lunging strikes wrestle wrestles",
    "look": "look looks looking stare stares staring glance glances watch watches watching gaze gazes peer peers "
            "eyes turns",
    "stand": "stand stands standing stood waits waiting",
}
_POSE_OF_WORD = {w: pose for pose, words in _POSE_WORDS.items() for w in words.split()}

#: prop word → primitive kind
PROP_WORDS = {
    "table": "table", "desk": "table", "counter": "table", "bar": "table", "workbench": "table",
    "chair": "chair", "stool": "chair", "bench": "chair", "booth": "chair", "armchair": "chair",
    "door": "door", "doorway": "door", "car": "car", "truck": "car", "van": "car", "taxi": "car", "cab": "car",
    "jeep": "car", "phone": "phone", "cellphone": "phone", "smartphone": "phone", "mobile": "phone",
    "bag": "bag", "backpack": "bag", "purse": "bag", "briefcase": "bag", "suitcase": "bag", "satchel": "bag",
    "cup": "cup", "mug": "cup", "coffee": "cup", "glass": "cup", "teacup": "cup", "bottle": "bottle",
    "book": "book", "notebook": "book", "letter": "book", "envelope": "book", "file": "book", "folder": "book",
    "gun": "gun", "pistol": "gun", "revolver": "gun", "rifle": "gun", "knife": "knife", "blade": "knife",
    "laptop": "laptop", "computer": "laptop", "lamp": "lamp", "bed": "bed", "sofa": "sofa", "couch": "sofa",
    "box": "box", "crate": "box", "package": "box",
}
HAND_PROPS = {"phone", "cup", "bottle", "book", "gun", "knife", "bag"}
#: primitive sizes (x, y, z) in metres
PROP_SIZES = {"table": (1.4, 0.8, 0.75), "chair": (0.45, 0.45, 0.9), "door": (0.9, 0.08, 2.05),
              "car": (4.4, 1.8, 1.45), "phone": (0.075, 0.01, 0.15), "bag": (0.35, 0.15, 0.3),
              "cup": (0.08, 0.08, 0.1), "bottle": (0.07, 0.07, 0.28), "book": (0.16, 0.03, 0.23),
              "gun": (0.2, 0.03, 0.13), "knife": (0.25, 0.02, 0.03), "laptop": (0.33, 0.23, 0.02),
              "lamp": (0.4, 0.4, 1.6), "bed": (1.6, 2.0, 0.55), "sofa": (2.0, 0.9, 0.85), "box": (0.5, 0.4, 0.4)}

_WORD = re.compile(r"[a-z']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s.strip()]


def _mentions(sentence: str, name: str) -> bool:
    words = set(_words(sentence))
    parts = [p for p in _words(name) if len(p) > 1]
    return bool(parts) and any(p in words for p in parts)


def pose_for(name: str, action: str, *, only: bool = False) -> str:
    """The pose of ``name`` in ``action`` text: the first pose verb of the sentences that name them
    (or of the whole action when they are the shot's only character); ``stand`` otherwise."""
    sentences = [s for s in _sentences(action) if _mentions(s, name)] or (_sentences(action) if only else [])
    for sentence in sentences:
        for word in _words(sentence):
            if word in _POSE_OF_WORD:
                return _POSE_OF_WORD[word]
    return "stand"


def props_in(action: str) -> list[tuple[str, str]]:
    """(prop kind, word as written) for each prop the action mentions, in order, each kind once."""
    seen: dict[str, str] = {}
    for word in _words(action):
        stem = word[:-1] if word.endswith("s") and word[:-1] in PROP_WORDS else word
        if stem in PROP_WORDS and PROP_WORDS[stem] not in seen:
            seen[PROP_WORDS[stem]] = stem
    return list(seen.items())


# -- sets -------------------------------------------------------------------------

#: location word → (INT or EXT default, set features)
LOCATION_WORDS = {
    **{w: ("INT", ("room",)) for w in ("room", "apartment", "flat", "house", "home", "kitchen", "bedroom",
                                         "bathroom", "living", "hall", "hallway", "corridor", "office", "studio",
                                         "diner", "restaurant", "cafe", "café", "bar", "pub", "shop", "store",
                                         "hospital", "ward", "clinic", "school", "classroom", "church", "hotel",
                                         "lobby", "station", "precinct", "lab", "laboratory", "warehouse",
                                         "garage", "basement", "attic", "library", "museum", "gym", "theatre",
                                         "theater", "cell", "prison", "courtroom", "motel", "loft", "cabin",
                                         "booth", "elevator", "lift", "stairwell", "barn", "tent")},
    **{w: ("EXT", ("street",)) for w in ("street", "road", "avenue", "alley", "city", "town", "downtown",
                                           "parking", "lot", "sidewalk", "square", "plaza", "bridge", "rooftop",
                                           "roof", "highway", "village", "market", "station", "stadium")},
    **{w: ("EXT", ("trees",)) for w in ("park", "forest", "wood", "woods", "garden", "field", "farm", "yard",
                                          "lawn", "meadow", "orchard", "jungle", "cemetery", "graveyard",
                                          "countryside", "hill", "mountain", "desert", "camp", "campsite")},
    **{w: ("EXT", ("water",)) for w in ("beach", "sea", "ocean", "lake", "river", "harbor", "harbour", "pier",
                                          "dock", "shore", "coast", "bay", "port", "marina", "boat")},
}
#: time of day → (sky / window colour, light level 0..1, sun elevation °)
TIMES = {"DAY": ((0.55, 0.72, 0.92), 1.0, 50), "MORNING": ((0.62, 0.75, 0.9), 0.95, 25),
         "AFTERNOON": ((0.55, 0.7, 0.9), 1.0, 40), "DAWN": ((0.85, 0.62, 0.5), 0.7, 5),
         "SUNRISE": ((0.9, 0.6, 0.45), 0.72, 5), "DUSK": ((0.72, 0.45, 0.42), 0.6, 3),
         "SUNSET": ((0.9, 0.5, 0.3), 0.65, 3), "EVENING": ((0.3, 0.3, 0.45), 0.45, -5),
         "NIGHT": ((0.05, 0.06, 0.12), 0.3, -20), "CONTINUOUS": ((0.55, 0.72, 0.92), 1.0, 50)}


@dataclass(frozen=True)
class SetPlan:
    """What the set builder makes for a location: built once, reused by every shot there."""

    key: str
    int_ext: str                 # INT or EXT
    location: str
    time_of_day: str
    features: tuple[str, ...]    # room | street | trees | water | neutral
    sky: tuple[float, float, float]
    light: float
    sun_elevation: float
    seed: int
    warning: str | None = None


def set_plan(scene: dict[str, Any] | None) -> SetPlan:
    """The set for ``scene`` ({int_ext, location, time_of_day}); an unknown location gets a neutral set
    and a warning saying so."""
    scene = scene or {}
    location = str(scene.get("location") or "").strip()
    int_ext = str(scene.get("int_ext") or "").upper().replace(".", "").strip()
    tod_text = str(scene.get("time_of_day") or "DAY").upper()
    tod = next((k for k in TIMES if k in tod_text), "DAY")
    sky, light, sun = TIMES[tod]
    features: tuple[str, ...] = ()
    default_ie = None
    for word in _words(location):
        if word in LOCATION_WORDS:
            default_ie, feats = LOCATION_WORDS[word]
            features += tuple(f for f in feats if f not in features)
    if int_ext.startswith(("I/E", "INT/EXT", "INT./EXT")):
        int_ext = "INT"
    elif int_ext.startswith("EXT"):
        int_ext = "EXT"
    elif int_ext.startswith("INT"):
        int_ext = "INT"
    else:
        int_ext = default_ie or "INT"
    warning = None
    if int_ext == "INT":
        features = ("room",) + tuple(f for f in features if f in ("water",))
    else:
        features = tuple(f for f in features if f != "room") or (("street",) if default_ie else ())
    if not location or default_ie is None:
        features = ("neutral",)
        warning = (f"Location {location!r} is not one the set builder knows; a neutral set was used."
                   if location else "The scene names no location; a neutral set was used.")
    seed = int.from_bytes(location.lower().encode()[:8].ljust(8, b"\0"), "big") % 100003
    key = f"{int_ext}|{location.upper()}|{tod}"
    return SetPlan(key, int_ext, location, tod, features, sky, light, sun, seed, warning)


# -- marks -------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    name: str
    x: float
    y: float
    facing: float      # degrees
    pose: str = "stand"
    look_at: str | None = None   # name of the character this one looks at

    def pos(self) -> tuple[float, float]:
        return (self.x, self.y)


@dataclass
class Staging:
    """The marks of a scene's characters and its 180° line (kept across all the scene's shots)."""

    marks: dict[str, Mark]
    principals: tuple[str, ...]
    props: list[dict[str, Any]] = field(default_factory=list)

    def line(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        if len(self.principals) < 2:
            return None
        return self.marks[self.principals[0]].pos(), self.marks[self.principals[1]].pos()

    def to_dict(self) -> dict[str, Any]:
        return {"marks": {k: asdict(v) for k, v in self.marks.items()}, "principals": list(self.principals),
                "props": self.props, "line": self.line()}


def _facing_to(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def stage_scene(names: list[str], scene: dict[str, Any] | None = None, action: str = "") -> Staging:
    """Marks and facings for the scene's characters (scene order: the first two are the principals and the
    180° line runs between them). ``scene["marks"]`` ({name: [x, y, facing°]}) overrides a mark (a nudge)."""
    scene = scene or {}
    n = len(names)
    marks: dict[str, Mark] = {}
    if n == 1:
        marks[names[0]] = Mark(names[0], 0.0, 0.0, -90.0)
    elif n == 2:
        gap = 1.3  # social distance of a two-hander
        marks[names[0]] = Mark(names[0], -gap / 2, 0.0, 0.0, look_at=names[1])
        marks[names[1]] = Mark(names[1], gap / 2, 0.0, 180.0, look_at=names[0])
    elif n > 2:  # an arc open towards the audience, everyone facing its centre
        r = 0.55 + 0.3 * n
        centre = (0.0, r * 0.55)
        for i, name in enumerate(names):
            a = math.radians(200 + 140 * i / (n - 1))
            p = (centre[0] + r * math.cos(a) * 1.0, centre[1] + r * math.sin(a) * 0.8 + r * 0.2)
            marks[name] = Mark(name, round(p[0], 3), round(p[1], 3), round(_facing_to(p, centre), 2),
                               look_at=names[1] if i == 0 else names[0])
    for name, value in (scene.get("marks") or {}).items():
        if name in marks and value:
            x, y, *rest = value
            marks[name] = Mark(name, float(x), float(y), float(rest[0]) if rest else marks[name].facing,
                               look_at=marks[name].look_at)
    by_upper = {n.upper(): n for n in marks}
    for name, (dx, dy) in (scene.get("mark_offsets") or {}).items():  # a user's mark nudge (metres)
        if str(name).upper() in by_upper:
            m = marks[by_upper[str(name).upper()]]
            marks[m.name] = replace(m, x=round(m.x + float(dx), 3), y=round(m.y + float(dy), 3))
    return Staging(marks, tuple(names[:2]))


def pose_marks(staging: Staging, names: list[str], action: str) -> dict[str, Mark]:
    """The scene's marks with each named character's pose for this shot's action."""
    out = {}
    for name in names:
        mark = staging.marks[name]
        pose = pose_for(name, action, only=len(names) == 1)
        if pose == "embrace" and mark.look_at in staging.marks:  # an embrace closes the gap
            other = staging.marks[mark.look_at]
            mid = ((mark.x + other.x) / 2, (mark.y + other.y) / 2)
            d = math.dist(mark.pos(), other.pos()) or 1.0
            k = 0.2 / d
            mark = Mark(name, mid[0] + (mark.x - mid[0]) * k * 2, mid[1] + (mark.y - mid[1]) * k * 2, mark.facing,
                        look_at=mark.look_at)
        out[name] = Mark(name, mark.x, mark.y, mark.facing, pose, mark.look_at)
    return out


def place_props(action: str, marks: dict[str, Mark], set_: SetPlan) -> list[dict[str, Any]]:
    """Primitives for the props the action names, placed where it puts them."""
    props: list[dict[str, Any]] = []
    names = list(marks)
    if not names:
        return props
    cx = sum(m.x for m in marks.values()) / len(marks)
    cy = sum(m.y for m in marks.values()) / len(marks)
    kinds = props_in(action)
    has_table = any(k == "table" for k, _ in kinds)
    for kind, word in kinds:
        size = PROP_SIZES[kind]
        if kind == "table":
            if len(names) == 1:
                m = marks[names[0]]
                f = math.radians(m.facing)
                props.append({"kind": kind, "word": word, "at": (m.x + 0.7 * math.cos(f), m.y + 0.7 * math.sin(f), 0),
                              "rot": m.facing + 90, "size": size})
            else:
                props.append({"kind": kind, "word": word, "at": (cx, cy, 0), "rot": 0.0, "size": size})
        elif kind == "chair":
            for m in marks.values():
                if m.pose == "sit" or len(kinds) == 1:
                    f = math.radians(m.facing)
                    props.append({"kind": kind, "word": word, "at": (m.x - 0.12 * math.cos(f), m.y - 0.12 * math.sin(f), 0),
                                  "rot": m.facing + 90, "size": size})
        elif kind in ("door",):
            props.append({"kind": kind, "word": word, "at": (cx + 1.6, cy + 1.6, 0), "rot": 0.0, "size": size})
        elif kind == "car":
            props.append({"kind": kind, "word": word, "at": (cx, cy + 2.4, 0), "rot": 0.0, "size": size})
        elif kind in ("bed", "sofa"):
            props.append({"kind": kind, "word": word, "at": (cx, cy + 1.4, 0), "rot": 0.0, "size": size})
        elif kind == "lamp":
            props.append({"kind": kind, "word": word, "at": (cx - 1.5, cy + 1.2, 0), "rot": 0.0, "size": size})
        elif kind in HAND_PROPS or kind in ("laptop", "box"):
            holder = next((n for n in names if any(_mentions(s, n) and word in _words(s)
                                                   for s in _sentences(action))), names[0])
            m = marks[holder]
            if kind in HAND_PROPS and m.pose in ("hold", "point", "reach", "stand", "walk", "look"):
                props.append({"kind": kind, "word": word, "hand": holder, "size": size})
            elif has_table:
                props.append({"kind": kind, "word": word, "at": (cx + 0.15, cy - 0.1, 0.75), "rot": 0.0, "size": size})
            else:
                f = math.radians(m.facing)
                props.append({"kind": kind, "word": word, "at": (m.x + 0.5 * math.cos(f), m.y + 0.5 * math.sin(f), 0),
                              "rot": 0.0, "size": size})
    return props


# -- cameras ------------------------------------------------------------------------

#: head-top height of a pose as a fraction of the standing height (matches the rig's hip drop in scene.py)
POSE_HEIGHT = {"stand": 1.0, "walk": 0.99, "run": 0.96, "sit": 0.74, "kneel": 0.765, "lie": 0.22, "point": 1.0,
               "hold": 1.0, "reach": 1.0, "look": 1.0, "embrace": 1.0, "fight": 0.96}

Vec = tuple[float, float, float]


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + b[0] * k, a[1] + b[1] * k, a[2] + b[2] * k)


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a: Vec) -> Vec:
    n = math.sqrt(_dot(a, a)) or 1.0
    return (a[0] / n, a[1] / n, a[2] / n)


@dataclass
class Camera:
    """A previz camera: position, aim, roll, lens (mm on a 36 mm-wide sensor), output size."""

    position: Vec
    target: Vec
    lens: float
    width: int
    height: int
    roll: float = 0.0           # degrees, + turns the picture clockwise (Dutch)
    size: str = "WS"
    angle: str = "eye"
    subject: str | None = None
    ortho_scale: float | None = None   # set for the top-view plan camera

    def basis(self) -> tuple[Vec, Vec, Vec]:
        """(right, up, forward) unit vectors."""
        f = _norm(_sub(self.target, self.position))
        world_up = (0.0, 0.0, 1.0) if abs(f[2]) < 0.999 else (0.0, 1.0, 0.0)
        r = _norm(_cross(f, world_up))
        u = _cross(r, f)
        if self.roll:
            a = math.radians(self.roll)
            r, u = (_add(tuple(x * math.cos(a) for x in r), u, -math.sin(a)),   # type: ignore[arg-type]
                    _add(tuple(x * math.cos(a) for x in u), r, math.sin(a)))   # type: ignore[arg-type]
        return r, u, f

    def matrix(self) -> list[list[float]]:
        """4×4 world matrix of a Blender camera (looks down its −Z, +Y up)."""
        r, u, f = self.basis()
        p = self.position
        return [[r[0], u[0], -f[0], p[0]], [r[1], u[1], -f[1], p[1]], [r[2], u[2], -f[2], p[2]], [0, 0, 0, 1]]

    def project(self, point: Vec) -> tuple[float, float, float]:
        """Like ``bpy_extras.object_utils.world_to_camera_view``: (x, y) in 0..1 from the bottom left, depth."""
        r, u, f = self.basis()
        v = _sub(point, self.position)
        x, y, z = _dot(v, r), _dot(v, u), _dot(v, f)
        if self.ortho_scale:
            return (0.5 + x / self.ortho_scale, 0.5 + y / (self.ortho_scale * self.height / self.width), z)
        if z <= 1e-6:
            return (math.nan, math.nan, z)
        sensor_h = SENSOR_W * self.height / self.width
        return (0.5 + x / z * self.lens / SENSOR_W, 0.5 + y / z * self.lens / sensor_h, z)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Camera:
        d = dict(data)
        d["position"], d["target"] = tuple(d["position"]), tuple(d["target"])
        return cls(**d)


def body_points(mark: Mark, body: dict[str, Any]) -> dict[str, Vec]:
    """Head top, eyes, shoulders, hips and feet of a posed mannequin (for framing)."""
    h = body["height_m"] * POSE_HEIGHT.get(mark.pose, 1.0)
    head = body["head_m"]
    if body.get("form") == "quadruped":
        return {"top": (mark.x, mark.y, h + head * 0.6), "eyes": (mark.x, mark.y, h + head * 0.3),
                "shoulders": (mark.x, mark.y, h * 0.8), "feet": (mark.x, mark.y, 0.0)}
    if body.get("form") == "cloud":
        return {"top": (mark.x, mark.y, 2.6), "eyes": (mark.x, mark.y, 2.2), "shoulders": (mark.x, mark.y, 1.9),
                "feet": (mark.x, mark.y, 1.0)}
    return {"top": (mark.x, mark.y, h), "eyes": (mark.x, mark.y, h - head * 0.5),
            "shoulders": (mark.x, mark.y, h - head * 1.3), "feet": (mark.x, mark.y, 0.0)}


def _framing(size: str, pts: dict[str, Vec], head: float) -> tuple[float, float]:
    """(frame height in metres at the subject, height of the frame centre above the floor)."""
    top, feet = pts["top"][2], pts["feet"][2]
    if size in BODY_FRAMES:
        frac, feet_at = BODY_FRAMES[size]
        frame = (top - feet) / frac
        return frame, feet - feet_at * frame + frame / 2
    heads, eye_frac = SIZE_FRAMES[size]
    frame = heads * head
    return frame, pts["eyes"][2] + eye_frac * frame - frame / 2


def camera_for_shot(shot: dict[str, Any], staging: Staging, marks: dict[str, Mark], bodies: dict[str, dict[str, Any]],
                    width: int, height: int) -> Camera:
    """The camera of a shot: framed on its subjects by size, placed by angle, lens in mm.

    The subject (first name of ``shot["subjects"]``) is framed with its eye line near the upper third and
    the headroom of the size; a single subject seen in three-quarter gets looking room (it sits on the
    third away from where it looks). ``shot["camera"]`` nudges: ``orbit`` (degrees around the subject),
    ``distance`` (factor), ``height`` (m), ``side`` (−1 puts the camera across the line).
    """
    size = shot_size(shot.get("size"))
    angle = shot_angle(shot.get("angle"))
    if size == "OTS":
        angle = "ots"
    names = [n for n in (shot.get("subjects") or list(marks)) if n in marks]
    if not names:
        raise ImageError("The shot has no character to frame.", hint="Name the shot's subjects (shot['subjects']).")
    lens = float(shot.get("lens") or DEFAULT_LENS[size])
    if not 8 <= lens <= 600:
        raise ImageError(f"Lens {lens:g} mm is outside what a camera takes.", hint="Use a focal length of 8–600 mm.")
    nudge = shot.get("camera") or {}
    scene_marks = {**staging.marks, **marks}  # everyone on the set, posed where this shot poses them
    subject = names[0]
    group = names if size in ("FS", "WS", "EWS", "MWS", "MS") else [subject]
    if angle in ("ots", "pov"):
        group = [subject]
    pts = {n: body_points(marks[n], bodies[n]) for n in group}
    head = max(bodies[n]["head_m"] for n in group)
    tallest = max(group, key=lambda n: pts[n]["top"][2])  # a group is framed on its highest head
    frame_h, centre_z = _framing(size, pts[tallest], head)
    if len(group) > 1 and size in BODY_FRAMES:
        frame_h, centre_z = max((_framing(size, pts[n], head) for n in group), key=lambda t: t[0])
    cx = sum(marks[n].x for n in group) / len(group)
    cy = sum(marks[n].y for n in group) / len(group)
    spread = max((math.dist(marks[a].pos(), marks[b].pos()) for a in group for b in group), default=0.0)
    aspect = width / height
    if size == "INSERT":  # a detail: the subject's hands and what they hold, not the face
        frame_h = 0.45
        centre_z = pts[subject]["feet"][2] + (pts[subject]["top"][2] - pts[subject]["feet"][2]) * 0.55
    if len(group) > 1:  # both shoulders of the outermost people inside the frame, with air
        wide = (spread + 6.0 * head) / aspect
        if wide > frame_h:
            if size not in BODY_FRAMES:  # keep the headroom: the frame grows downwards
                centre_z -= (wide - frame_h) / 2
            frame_h = wide
    sensor_h = SENSOR_W * height / width
    dist = max(0.35, frame_h * lens / sensor_h) * float(nudge.get("distance") or 1.0)

    # which side: the audience side of the scene's line (−Y in the default staging)
    side = float(nudge.get("side") or 1.0)
    line = staging.line()
    if line:
        (ax, ay), (bx, by) = line
        lx, ly = bx - ax, by - ay
        normal = (ly, -lx)  # right-hand normal of A→B: −Y when A is left of B
        nl = math.hypot(*normal) or 1.0
        normal = (normal[0] / nl * side, normal[1] / nl * side)
    else:
        normal = (0.0, -1.0 * side)
    base = math.atan2(normal[1], normal[0])
    m = marks[subject]
    # a single seen from the side it faces: swing towards its facing by up to 35°, staying on the side
    swing = 0.0
    if len(group) == 1 and len(scene_marks) > 1:
        rel = math.atan2(math.sin(math.radians(m.facing) - base), math.cos(math.radians(m.facing) - base))
        swing = max(-math.radians(35), min(math.radians(35), rel))
    az = base + swing + math.radians(float(nudge.get("orbit") or 0.0))
    elev = {"eye": 0.0, "dutch": 0.0, "high": 30.0, "low": -18.0, "overhead": 88.0}.get(angle, 0.0)
    target = (cx, cy, centre_z)
    if angle == "low":
        target = (cx, cy, centre_z + frame_h * 0.08)
    eye_z = pts[subject]["eyes"][2]
    if angle in ("eye", "dutch"):
        cam_z = eye_z if size not in ("FS", "WS", "EWS", "MWS") else min(eye_z, 1.6)
        horiz = math.sqrt(max(dist ** 2 - (cam_z - centre_z) ** 2, 0.1))
        pos = (cx + horiz * math.cos(az), cy + horiz * math.sin(az), cam_z)
    elif angle == "ots" and len(scene_marks) > 1:
        other = scene_marks.get(m.look_at or "") or next(v for k, v in scene_marks.items() if k != subject)
        away = _norm((other.x - m.x, other.y - m.y, 0.0))
        d = math.dist(m.pos(), other.pos()) + 1.2  # a step behind the foreground shoulder
        pos = (m.x + away[0] * d + normal[0] * 0.7, m.y + away[1] * d + normal[1] * 0.7,
               bodies[other.name]["height_m"] * 0.92 if other.name in bodies else 1.6)
        if not shot.get("lens"):  # the lens does the framing from there
            lens = max(18.0, min(135.0, math.dist(pos[:2], m.pos()) * sensor_h / frame_h))
    elif angle == "pov" and len(scene_marks) > 1:
        viewer = scene_marks.get(m.look_at or "") or next(v for k, v in scene_marks.items() if k != subject)
        vh = bodies.get(viewer.name, {"height_m": 1.7, "head_m": 0.23})
        pos = (viewer.x, viewer.y, vh["height_m"] - vh["head_m"] * 0.5)
        target = (m.x, m.y, eye_z - frame_h * 0.1)
    else:
        e = math.radians(elev)
        pos = (cx + dist * math.cos(e) * math.cos(az), cy + dist * math.cos(e) * math.sin(az),
               centre_z + dist * math.sin(e))
        if angle == "overhead":
            target = (cx, cy, 0.6 * centre_z)
    if nudge.get("height") is not None:
        pos = (pos[0], pos[1], float(nudge["height"]))
    cam = Camera(pos, target, lens, width, height, roll=12.0 if angle == "dutch" else 0.0, size=size, angle=angle,
                 subject=subject)
    # rule of thirds: a single in three-quarter gets looking room (aim past it, towards where it looks)
    if len(group) == 1 and len(scene_marks) > 1 and angle not in ("overhead", "pov"):
        r, _, _ = cam.basis()
        look = (math.cos(math.radians(m.facing)), math.sin(math.radians(m.facing)), 0.0)
        screen_dir = 1.0 if _dot(look, r) > 0 else -1.0
        shift = (0.5 - 1 / 3) * frame_h * aspect * (1 if abs(_dot(look, r)) > 0.2 else 0)
        cam = Camera(pos, _add(target, r, screen_dir * shift), lens, width, height, cam.roll, size, angle, subject)
    return cam


# -- the 180° line --------------------------------------------------------------------

def line_side(staging: Staging, point: tuple[float, ...], tolerance: float = 0.15) -> int:
    """+1 / −1: which side of the scene's 180° line ``point`` is on (0: on the line, or no line)."""
    line = staging.line()
    if not line:
        return 0
    (ax, ay), (bx, by) = line
    length = math.hypot(bx - ax, by - ay) or 1.0
    cross = ((bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)) / length
    return 0 if abs(cross) < tolerance else (1 if cross > 0 else -1)


def line_report(staging: Staging, cameras: list[tuple[str, Camera]]) -> list[dict[str, Any]]:
    """For each (shot number, camera) of a scene in order: its side of the line and whether it crosses.

    The side is set by the first camera that is off the line; a later camera on the other side crosses
    it (screen direction flips between the cuts) and is flagged.
    """
    line = staging.line()
    established = 0
    out = []
    for number, cam in cameras:
        side = line_side(staging, cam.position)
        if established == 0 and side:
            established = side
        crosses = bool(line and side and established and side != established)
        out.append({"shot": number, "side": side, "crosses_line": crosses,
                    "line": list(staging.principals) if line else [],
                    "note": (f"Shot {number} crosses the 180° line between {staging.principals[0]} and "
                             f"{staging.principals[1]}: screen direction flips.") if crosses else ""})
    return out


# -- nudges ---------------------------------------------------------------------------

#: a user's nudges of a staged shot (the previz dashboards): a mark step (m), an orbit step (°), the lenses offered
MARK_STEP = 0.25
ORBIT_STEP = 15.0
NUDGE_LENSES = (24, 35, 50, 85)
#: set axes of a mark step, as the scene's master camera sees them (it stands on −Y, looking +Y)
MARK_DIRECTIONS = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "forward": (0.0, -1.0), "back": (0.0, 1.0)}


def nudged(nudge: dict[str, Any] | None, *, mark: str | None = None, direction: str | None = None,
           orbit: float = 0.0, lens: float | None = None) -> dict[str, Any]:
    """``nudge`` plus one more step: a character's ``mark`` moved one :data:`MARK_STEP` in ``direction``
    (left, right, forward = towards the master camera, back), the camera orbited ``orbit`` degrees around its
    subject, or another ``lens`` (mm). The result is plain JSON ({"marks": {NAME: [dx, dy]}, "orbit": °,
    "lens": mm}, zero steps left out), so the same nudges always give the same dict and the same picture."""
    out: dict[str, Any] = {"marks": {k.upper(): list(v) for k, v in ((nudge or {}).get("marks") or {}).items()},
                           "orbit": float((nudge or {}).get("orbit") or 0.0), "lens": (nudge or {}).get("lens")}
    if mark is not None or direction is not None:
        if direction not in MARK_DIRECTIONS:
            raise ImageError(f"Unknown mark direction {direction!r}.", hint=f"Use {', '.join(MARK_DIRECTIONS)}.")
        if not mark:
            raise ImageError("Which character's mark?", hint="Name a character of the shot.")
        dx, dy = out["marks"].get(mark.upper(), [0.0, 0.0])
        sx, sy = MARK_DIRECTIONS[direction]
        out["marks"][mark.upper()] = [round(dx + sx * MARK_STEP, 3), round(dy + sy * MARK_STEP, 3)]
    if orbit:
        out["orbit"] = round((out["orbit"] + float(orbit) + 180.0) % 360.0 - 180.0, 3)
    if lens is not None:
        lens = float(lens)
        if not 8 <= lens <= 600:
            raise ImageError(f"Lens {lens:g} mm is outside what a camera takes.", hint="Use a focal length of 8–600 mm.")
        out["lens"] = lens
    out["marks"] = {k: v for k, v in sorted(out["marks"].items()) if any(v)}
    return {k: v for k, v in out.items() if v}


def apply_nudge(nudge: dict[str, Any] | None, shot: dict[str, Any], scene: dict[str, Any]
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shot and scene dicts of an :class:`ImageRequest` with a stored nudge (see :func:`nudged`) applied:
    mark offsets on the scene, the orbit as the camera nudge, the lens on the shot."""
    if not nudge:
        return shot, scene
    shot, scene = dict(shot), dict(scene)
    if nudge.get("marks"):
        scene["mark_offsets"] = {k: list(v) for k, v in nudge["marks"].items()}
    if nudge.get("orbit"):
        shot["camera"] = {**(shot.get("camera") or {}), "orbit": float(nudge["orbit"])}
    if nudge.get("lens"):
        shot["lens"] = float(nudge["lens"])
    return shot, scene


# -- moves ----------------------------------------------------------------------------

MOVES = ("static", "dolly", "push", "pull", "pan", "tilt", "crane", "orbit", "truck")


def camera_move(cam: Camera, move: str, frames: int, amount: float | None = None) -> list[Camera]:
    """``frames`` cameras along a move from ``cam``: dolly/push (in), pull (out), truck (sideways), pan and
    tilt (degrees), crane (up, metres), orbit (degrees around the target)."""
    move = (move or "static").lower()
    if move not in MOVES:
        raise ImageError(f"Unknown camera move {move!r}.", hint=f"Use one of: {', '.join(MOVES)}.")
    if frames < 1:
        raise ImageError("A camera move needs at least one frame.", hint="Ask for 1 frame or more.")
    r, u, f = cam.basis()
    dist = math.dist(cam.position, cam.target)
    out = []
    for i in range(frames):
        t = i / max(frames - 1, 1)
        pos, tgt = cam.position, cam.target
        if move in ("dolly", "push"):
            pos = _add(pos, f, t * (amount if amount is not None else 0.35) * dist)
        elif move == "pull":
            pos = _add(pos, f, -t * (amount if amount is not None else 0.5) * dist)
        elif move == "truck":
            k = t * (amount if amount is not None else 1.0)
            pos, tgt = _add(pos, r, k), _add(tgt, r, k)
        elif move == "crane":
            k = t * (amount if amount is not None else 1.5)
            pos = _add(pos, (0.0, 0.0, 1.0), k)
        elif move in ("pan", "tilt", "orbit"):
            a = math.radians(t * (amount if amount is not None else {"pan": 30, "tilt": 15, "orbit": 60}[move]))
            if move == "orbit":
                v = _sub(pos, tgt)
                pos = (tgt[0] + v[0] * math.cos(a) - v[1] * math.sin(a), tgt[1] + v[0] * math.sin(a) + v[1] * math.cos(a),
                       pos[2])
            elif move == "pan":
                v = _sub(tgt, pos)
                tgt = (pos[0] + v[0] * math.cos(a) - v[1] * math.sin(a), pos[1] + v[0] * math.sin(a) + v[1] * math.cos(a),
                       tgt[2])
            else:
                tgt = _add(pos, _add(tuple(x * math.cos(a) for x in f), u, math.sin(a)), dist)  # type: ignore[arg-type]
        out.append(Camera(pos, tgt, cam.lens, cam.width, cam.height, cam.roll, cam.size, cam.angle, cam.subject))
    return out


#: a shot list's camera movement (domain.production.MOVEMENTS) as a 3D move and its amount (None: the default)
SHOT_MOVES = {"push in": ("push", None), "dolly in": ("dolly", None), "pull out": ("pull", None),
              "dolly out": ("pull", None), "pan left": ("pan", 30.0), "pan right": ("pan", -30.0),
              "pan": ("pan", None), "tilt up": ("tilt", 15.0), "tilt down": ("tilt", -15.0), "tilt": ("tilt", None),
              "tracking": ("truck", None), "crane": ("crane", None)}


def move_for(movement: str | None) -> tuple[str, float | None] | None:
    """The 3D camera move of a shot's movement (``"push in"`` → ``("push", None)``), or None when the movement
    is not a move of the camera body (static, handheld, zooms and Ken Burns stay 2D)."""
    return SHOT_MOVES.get((movement or "").strip().lower())


__all__ = [
    "ANGLES",
    "DEFAULT_LENS",
    "MARK_DIRECTIONS",
    "MARK_STEP",
    "MOVES",
    "NUDGE_LENSES",
    "ORBIT_STEP",
    "POSES",
    "SHOT_MOVES",
    "Camera",
    "Mark",
    "SetPlan",
    "Staging",
    "apply_nudge",
    "body_points",
    "camera_for_shot",
    "camera_move",
    "line_report",
    "line_side",
    "move_for",
    "nudged",
    "place_props",
    "pose_for",
    "pose_marks",
    "props_in",
    "set_plan",
    "shot_angle",
    "shot_size",
    "stage_scene",
]
