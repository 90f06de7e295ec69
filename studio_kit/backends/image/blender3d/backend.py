"""``blender3d``: the 3D previz image backend (Blender as a Python module, extra ``previz3d``).

Same contract as the 2D ``previz`` backend (``render(ImageRequest) -> PIL image``), drawn
in 3D: posable mannequins of the locked characters on a blocked-out set, a real camera
with a real lens. ``"character"`` requests give model-sheet views (front, three-quarter,
profile, back; expressions in close-up); ``"frame"`` requests stage a storyboard shot:

* the scene (``request.scene``: int_ext, location, time_of_day, ``characters`` in the
  scene in order — the first two are the principals of the 180° line — and optional
  ``marks`` nudges) gets a set built once per location / time of day and marks kept
  across all its shots;
* the shot (``request.shot``: size ECU…EWS/OTS/INSERT, angle eye/high/low/overhead/
  Dutch/OTS/POV, ``lens`` in mm, ``subjects``, ``description`` whose verbs choose the poses
  and whose nouns place the props, optional ``camera`` nudge) gets its camera framed by the
  rule of thirds with headroom; a camera across the line is flagged in the notes.

Every frame also has a depth map, an OpenPose skeleton and a part mask
(:meth:`Blender3DImageBackend.render_passes`), camera moves render as frame sequences
(:meth:`render_move`) and the top view of a scene is its camera plan (:meth:`camera_plan`).
Rendering happens in a worker process (:mod:`.worker`). Without ``bpy`` the backend says
which extra to install and draws with the 2D previz instead.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import math
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from PIL import Image, ImageDraw

from studio_kit.backends.base import Availability
from studio_kit.backends.image.base import ImageBackend
from studio_kit.backends.image.blender3d import staging as st
from studio_kit.backends.image.blender3d.mannequin import PART_CLASS, body_params, mannequin_for
from studio_kit.backends.image.blender3d.worker import shared_worker
from studio_kit.backends.image.previz import PrevizImageBackend
from studio_kit.domain.character import seed_for
from studio_kit.domain.requests import ImageRequest
from studio_kit.exceptions import BackendUnavailableError, ImageError
from studio_kit.fonts import font as _font

log = logging.getLogger(__name__)

EXTRA = "previz3d"
MISSING = ("The 3D previz backend 'blender3d' needs Blender's Python module 'bpy', which is not installed; "
           "the 2D previz draws the pictures instead.")
MISSING_HINT = f"pip install 'studio_kit[{EXTRA}]' (bpy ≥ 4.2 for Python 3.11)"
VIEW_FACING = {"front": -90.0, "three-quarter": -45.0, "profile": 0.0, "back": 90.0}
OUTPUTS = ("picture", "depth", "pose", "mask")


def bpy_installed() -> bool:
    """Is ``bpy`` importable here (without importing it)?"""
    if "bpy" in sys.modules and sys.modules["bpy"] is None:  # explicitly blocked
        return False
    try:
        return importlib.util.find_spec("bpy") is not None
    except (ImportError, ValueError):
        return False


@dataclass
class Frame3D:
    """One rendered frame: the picture and the passes from the same camera, plus what was staged."""

    picture: Image.Image
    depth: Image.Image | None = None       # "I;16", millimetres along the view axis (65535 = sky / beyond)
    pose: Image.Image | None = None        # OpenPose COCO-18 skeleton on black
    mask: Image.Image | None = None        # part IDs (see scene.PART_CLASS)
    meta: dict[str, Any] = field(default_factory=dict)

    def depth_metres(self) -> Any:
        import numpy as np

        return np.asarray(self.depth, dtype=np.float64) / 1000.0

    def control_depth(self) -> Image.Image:
        """The depth map as ControlNet depth models take it: near is white, far is black (RGB)."""
        import numpy as np

        z = self.depth_metres()
        finite = z[z < 65.0]
        near, far = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        inv = np.where(z < 65.0, 1.0 - (z - near) / max(far - near, 1e-6), 0.0)
        grey = (np.clip(inv * 0.85 + 0.15 * (z < 65.0), 0, 1) * 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")

    def character_mask(self, index: int, part: str | None = None) -> Any:
        """Boolean mask of the ``index``-th character drawn (the order of ``meta["characters"]``: the scene's
        cast order), optionally of one part class ("body", "arm", "head", "hair")."""
        import numpy as np


        if self.mask is None:
            raise ImageError("This 3D previz frame has no part mask to cut a character from.",
                             hint="Render it with the 'mask' output.")
        a = np.asarray(self.mask.convert("RGB"), dtype=np.int16)
        m = (np.abs(a[..., 0] - (40 + 40 * index)) <= 2) & (a[..., 2] >= 250)
        if part:
            m &= np.abs(a[..., 1] - PART_CLASS[part]) <= 2
        return m


class Blender3DImageBackend(ImageBackend):
    """3D previz with Blender: Workbench by default (``engine="cycles"`` for path tracing)."""

    name: ClassVar[str] = "blender3d"
    extra: ClassVar[str | None] = EXTRA
    capabilities: ClassVar[frozenset[str]] = frozenset({"character", "frame", "turnaround", "expression",
                                                        "deterministic", "depth", "pose", "camera-move",
                                                        "camera-plan", "3d"})
    #: The staging the engines use without Blender, through ``registry.get_backend_class("image", "blender3d")``
    #: (pure Python, the same code the renders stage with): a shot's nudges applied to its frame request, a nudge
    #: edited, the rendered camera move a shot's movement maps to, and the 3D body a character's lock freezes.
    apply_nudge = staticmethod(st.apply_nudge)
    nudged = staticmethod(st.nudged)
    camera_move = staticmethod(st.move_for)
    body_params = staticmethod(body_params)

    def __init__(self, model_path: Any = None, *, engine: str = "workbench", samples: int = 16, antialias: int = 0,
                 fallback: bool = True, worker: Any = None, timeout: float = 600.0, stage_only: bool = False,
                 **options: Any):
        super().__init__(model_path, **options)
        engine = engine.lower()
        if engine not in ("workbench", "cycles"):
            raise ImageError(f"Unknown Blender render engine {engine!r}.", hint="Use 'workbench' or 'cycles'.")
        #: Workbench anti-aliasing samples (0: off — 8 samples cost ~8× on a CPU-only GL; see benchmarks/NOTES.md)
        self.engine, self.samples, self.antialias, self.timeout = engine, int(samples), int(antialias), timeout
        self._worker = worker
        self._fallback = None
        self.last_render: dict[str, Any] = {}
        self.last_frame: Frame3D | None = None
        self._scene_cast: dict[str, list[str]] = {}
        if not stage_only and not bpy_installed():  # staging (marks, cameras, the line) needs no Blender
            if not fallback:
                raise BackendUnavailableError(MISSING, hint=MISSING_HINT)

            log.warning("%s %s", MISSING, MISSING_HINT)
            self._fallback = PrevizImageBackend()

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        if not bpy_installed():
            return Availability(False, f"{MISSING} {MISSING_HINT}")
        return Availability(True)

    @classmethod
    def from_settings(cls, settings: Any = None, **options: Any) -> Blender3DImageBackend:
        for key in ("engine", "samples", "antialias"):
            value = getattr(settings, f"blender3d_{key}", None)
            if value is not None:
                options.setdefault(key, value)
        return cls(**options)

    @property
    def model_id(self) -> str | None:
        return f"blender3d-v1-{self.engine}"

    @property
    def worker(self) -> Any:
        if self._worker is None:
            self._worker = shared_worker()
        return self._worker

    # -- the contract ------------------------------------------------------------------------
    def render(self, request: ImageRequest) -> Image.Image:
        """The picture of ``request`` (the passes of the same frame are in :attr:`last_frame`)."""
        if self._fallback is not None:
            img = self._fallback.render(request)
            self.last_render = {"notes": [f"{MISSING} {MISSING_HINT}"]}
            return img
        return self.render_passes(request, outputs=("picture",)).picture

    async def arender_passes(self, request: ImageRequest, outputs: tuple[str, ...] = OUTPUTS) -> Frame3D:
        """:meth:`render_passes` for an event loop (a Panel / Bokeh server callback): the wait on the Blender
        worker runs in a thread, so the server keeps serving other sessions while the frame renders."""
        return await asyncio.to_thread(self.render_passes, request, outputs)

    def render_passes(self, request: ImageRequest, outputs: tuple[str, ...] = OUTPUTS) -> Frame3D:
        """Picture plus the requested passes (depth, pose, mask) of one frame, from one camera."""
        if self._fallback is not None:
            raise BackendUnavailableError(MISSING, hint=MISSING_HINT)
        frame, notes = self.stage(request)
        return self._render_frame(frame, notes, outputs)

    def render_move(self, request: ImageRequest, move: str, frames: int = 24, amount: float | None = None,
                    outputs: tuple[str, ...] = ("picture",)) -> list[Frame3D]:
        """A camera move (dolly, push, pull, truck, pan, tilt, crane, orbit) as ``frames`` rendered frames."""
        if self._fallback is not None:
            raise BackendUnavailableError(MISSING, hint=MISSING_HINT)
        frame, notes = self.stage(request)
        cams = st.camera_move(st.Camera.from_dict(frame["camera_obj"]), move, frames, amount)
        tmp = Path(tempfile.mkdtemp(prefix="previz3d-"))
        try:
            results = self.worker.call({"op": "sequence", "frame": frame, "cameras": [_cam_msg(c) for c in cams],
                                        "dir": str(tmp), "stem": "move", "outputs": list(outputs)},
                                       timeout=self.timeout)
            return [self._load(r, {**frame["report"], "move": move, "frame": i}, notes) for i, r in enumerate(results)]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def stats(self) -> dict[str, Any]:
        """The worker's peak memory (MB) and how many sets / mannequins it has built."""
        return self.worker.call({"op": "stats"}, timeout=60)

    # -- staging (pure Python; no Blender) ----------------------------------------------------------
    def stage(self, request: ImageRequest) -> tuple[dict[str, Any], list[str]]:
        """The fully resolved frame the worker renders: set, posed characters, props, camera; and notes."""
        if request.width < 64 or request.height < 64 or request.width * request.height > 4096 * 4096:
            raise ImageError(f"The 3D previz cannot render {request.width}×{request.height} px.",
                             hint="Use a size between 64×64 and 4096×4096 pixels.")
        if request.kind == "character":
            return self._stage_character(request)
        if request.kind == "frame":
            return self._stage_frame(request)
        raise ImageError(f"Unknown image request kind {request.kind!r}.", hint="Use 'character' or 'frame'.")

    def _stage_character(self, request: ImageRequest) -> tuple[dict[str, Any], list[str]]:
        if not request.identities:
            raise ImageError("A character render needs the character's identity (ImageRequest.identities).",
                             hint="Render through studio_kit.engines.characters.service.render().")
        if request.view not in VIEW_FACING:
            raise ImageError(f"Unknown view {request.view!r}.", hint="Use front, three-quarter, profile or back.")
        body = mannequin_for(request.identities[0], request.wardrobe)
        name = body["name"] or "character"
        mark = st.Mark(name, 0.0, 0.0, VIEW_FACING[request.view], "stand")
        staging = st.Staging({name: mark}, (name,))
        close = (request.shot or {}).get("size") in ("close-up", "CU", "cu")
        shot = {"size": "CU" if close else "FS", "subjects": [name], "lens": 85 if close else 50}
        cam = st.camera_for_shot(shot, staging, {name: mark}, {name: body}, request.width, request.height)
        plan = st.set_plan({"int_ext": "INT", "location": "", "time_of_day": "DAY"})
        frame = self._frame_msg(plan, [(name, body, mark, request.expression, None)], [], cam, request)
        frame["report"] = {"kind": "character", "view": request.view, "expression": request.expression,
                           "wardrobe": request.wardrobe, "size": cam.size, "lens": cam.lens,
                           "mannequin": {k: v for k, v in body.items() if k != "key"}}
        return frame, []

    def _stage_frame(self, request: ImageRequest) -> tuple[dict[str, Any], list[str]]:
        shot = dict(request.shot or {})
        scene = dict(request.scene or {})
        notes: list[str] = []
        given = {}
        for ident in request.identities:
            body = mannequin_for(ident, request.wardrobe)
            given[body["name"].upper()] = body
        order = [b["name"] for b in given.values()]
        subjects = [str(s) for s in (shot.get("subjects") or order)]
        if scene.get("characters"):
            cast = [str(c) for c in scene["characters"]]
        else:  # no cast list: the scene's cast is everyone its shots have shown so far, so marks carry over
            key = "|".join(str(scene.get(k) or "") for k in ("heading", "int_ext", "location", "time_of_day"))
            seen = self._scene_cast.setdefault(key, [])
            for name in order + subjects:
                if name.upper() not in {x.upper() for x in seen}:
                    seen.append(name)
            cast = list(seen)
        known = {c.upper(): c for c in cast}
        extra = [s for s in subjects if s.upper() not in known] + [n for n in order if n.upper() not in known]
        if extra:
            extra = list(dict.fromkeys(extra))
            raise ImageError(f"The shot asks for {', '.join(extra)}, who {'is' if len(extra) == 1 else 'are'} not in "
                             f"the scene (the scene has {', '.join(cast) or 'nobody'}).",
                             hint="Add them to the scene's characters or take them out of the shot.")
        subjects = [known[s.upper()] for s in subjects]
        bodies = {known[u]: b for u, b in given.items()}
        for name in subjects:  # a subject with no bible yet still stands there, as a stand-in mannequin
            if name not in bodies:
                bodies[name] = mannequin_for({"name": name, "seed": seed_for(name)})
                notes.append(f"{name} has no character bible: a stand-in mannequin was used.")
        plan = st.set_plan(scene)
        if plan.warning:
            notes.append(plan.warning)
        # marks and the line come from the whole scene cast, so they hold across its shots; those whose
        # identity came with the request are drawn
        staging = st.stage_scene(cast, scene)
        action = " ".join(x for x in (str(shot.get("description") or ""), request.caption) if x)
        marks = st.pose_marks(staging, [n for n in staging.marks if n in bodies], action)
        if subjects:
            cam = st.camera_for_shot({**shot, "subjects": subjects}, staging, marks, bodies, request.width,
                                     request.height)
        else:  # nobody in the shot (an establishing shot, an empty room): frame the set around its centre mark
            empty = st.Mark("(set)", 0.0, 0.0, -90.0)
            cam = st.camera_for_shot({**shot, "subjects": ["(set)"]}, st.Staging({"(set)": empty}, ("(set)",)),
                                     {"(set)": empty}, {"(set)": mannequin_for({"name": "(set)", "seed": 1})},
                                     request.width, request.height)
        props = st.place_props(action, marks, plan)
        chars = []
        for name, mark in marks.items():
            look = marks.get(mark.look_at) if mark.look_at else None
            look_pt = None
            if look is not None:
                look_pt = st.body_points(look, bodies[look.name])["eyes"]
            elif mark.look_at in staging.marks:  # someone off this frame: eyes at an average height
                other = staging.marks[mark.look_at]
                look_pt = (other.x, other.y, 1.6)
            chars.append((name, bodies[name], mark, request.expression, look_pt))
        # the 180° line: the audience side of the master is established; a camera across it is flagged
        line = None
        ends = staging.line()
        if ends:
            (ax, ay), (bx, by) = ends
            normal = (by - ay, -(bx - ax))
            ref = ((ax + bx) / 2 + normal[0] * 3, (ay + by) / 2 + normal[1] * 3)
            established = int(scene.get("line_side") or st.line_side(staging, ref))
            side = st.line_side(staging, cam.position)
            crosses = bool(side and side != established)
            line = {"between": list(staging.principals), "side": side, "established": established,
                    "crosses_line": crosses}
            if crosses:
                notes.append(f"Shot {shot.get('number') or ''} crosses the 180° line between {staging.principals[0]} "
                             f"and {staging.principals[1]}: screen direction flips.".replace("Shot  ", "Shot "))
        frame = self._frame_msg(plan, chars, props, cam, request)
        frame["report"] = {"kind": "frame", "size": cam.size, "angle": cam.angle, "lens": cam.lens,
                           "set": plan.key, "features": list(plan.features), "line": line,
                           "staging": staging.to_dict(), "poses": {n: m.pose for n, m in marks.items()},
                           "props": [p["kind"] for p in props], "camera": cam.to_dict(),
                           "mannequins": {n: {k: v for k, v in b.items() if k != "key"} for n, b in bodies.items()}}
        return frame, notes

    def _frame_msg(self, plan: st.SetPlan, chars: list[tuple], props: list[dict[str, Any]], cam: st.Camera,
                   request: ImageRequest) -> dict[str, Any]:
        return {"set": asdict(plan),
                "characters": [{"name": n, "body": b, "mark": (m.x, m.y), "facing": m.facing, "pose": m.pose,
                                "expression": e, "look_at_point": lp} for n, b, m, e, lp in chars],
                "props": props, "camera": _cam_msg(cam), "camera_obj": cam.to_dict(),
                "engine": self.engine, "samples": self.samples, "antialias": self.antialias, "seed": request.seed or 0}

    # -- rendering ------------------------------------------------------------------------------------
    def _render_frame(self, frame: dict[str, Any], notes: list[str], outputs: tuple[str, ...]) -> Frame3D:
        bad = [o for o in outputs if o not in OUTPUTS]
        if bad:
            raise ImageError(f"Unknown 3D previz output {bad[0]!r}.", hint=f"Use {', '.join(OUTPUTS)}.")
        tmp = Path(tempfile.mkdtemp(prefix="previz3d-"))
        try:
            result = self.worker.call({"op": "render", "frame": frame, "dir": str(tmp), "stem": "frame",
                                       "outputs": sorted(set(outputs) | {"picture"})}, timeout=self.timeout)
            return self._load(result, frame["report"], notes)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _load(self, result: dict[str, Any], report: dict[str, Any], notes: list[str]) -> Frame3D:
        def load(key: str) -> Image.Image | None:
            path = result["files"].get(key)
            if not path:
                return None
            with Image.open(path) as im:
                im.load()
                return im.convert("RGB") if key != "depth" else im.copy()

        meta = {**report, "notes": notes, **result["meta"], "engine": self.engine}
        picture = load("picture")
        if picture is None:
            raise ImageError("The Blender worker rendered no picture for this frame.",
                             hint="See the worker's log; the render may have failed inside Blender.")
        out = Frame3D(picture, load("depth"), load("pose"), load("mask"), meta)
        out.picture.info["blender3d"] = json.dumps(_jsonable(meta), sort_keys=True)
        self.last_frame = out
        self.last_render = {"notes": notes} if notes else {}
        return out

    # -- the camera plan ------------------------------------------------------------------------------
    def line_flags(self, requests: list[tuple[str, ImageRequest]]) -> list[dict[str, Any]]:
        """The 180° line decision of each (shot number, frame request) of a scene, staged as :meth:`render` stages
        it (its nudges included) but nothing rendered, so it needs no Blender: which side of the line between the
        scene's principals the camera stands on (+1 / −1, 0 on the line or no line), the side the scene
        established (the audience side of its master), whether the shot crosses, where the camera stands and the
        note the shot list shows."""
        out = []
        for number, request in requests:
            frame, _ = self.stage(request)
            line = frame["report"]["line"] or {}
            cam = frame["report"]["camera"]
            crosses = bool(line.get("crosses_line"))
            between = line.get("between") or []
            out.append({"shot": number, "side": int(line.get("side") or 0),
                        "established": int(line.get("established") or 0), "crosses_line": crosses,
                        "between": between, "camera": [round(float(v), 3) for v in cam["position"]],
                        "lens": cam["lens"], "size": cam["size"],
                        "note": (f"Shot {number} crosses the 180° line between {between[0]} and {between[1]}: "
                                 "screen direction flips.") if crosses else ""})
        return out

    def camera_plan(self, scene: dict[str, Any], shots: list[dict[str, Any]], identities: list[dict[str, Any]],
                    width: int = 1280, height: int = 720, shot_size: tuple[int, int] = (1280, 720)
                    ) -> tuple[Image.Image, list[dict[str, Any]]]:
        """The top view of a scene's set with the marks, the 180° line and each shot's camera (position,
        frustum, number); returns the plan and the line report of the shots in order."""
        if self._fallback is not None:
            raise BackendUnavailableError(MISSING, hint=MISSING_HINT)
        cams: list[tuple[str, st.Camera]] = []
        frame0 = None
        for i, shot in enumerate(shots):
            req = ImageRequest(kind="frame", identities=identities, shot=shot, scene=scene,
                               width=shot_size[0], height=shot_size[1])
            frame, _ = self.stage(req)
            frame0 = frame0 or frame
            cams.append((str(shot.get("number") or i + 1), st.Camera.from_dict(frame["camera_obj"])))
        if frame0 is None:
            raise ImageError("A camera plan needs at least one shot.", hint="Pass the scene's shots in order.")
        staging = _staging_of(frame0["report"]["staging"])
        report = st.line_report(staging, cams)
        xs = [m.x for m in staging.marks.values()] + [c.position[0] for _, c in cams]
        ys = [m.y for m in staging.marks.values()] + [c.position[1] for _, c in cams]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        span = max(max(xs) - min(xs), (max(ys) - min(ys)) * width / height, 4.0) * 1.25
        top = st.Camera((cx, cy, 30.0), (cx, cy, 0.0), 50, width, height, ortho_scale=span, size="PLAN", angle="overhead")
        plan_frame = {**frame0, "camera": _cam_msg(top), "plan": True}  # looks down through the pulled ceiling
        tmp = Path(tempfile.mkdtemp(prefix="previz3d-"))
        try:
            result = self.worker.call({"op": "render", "frame": plan_frame, "dir": str(tmp), "stem": "plan",
                                       "outputs": ["picture"]}, timeout=self.timeout)
            with Image.open(result["files"]["picture"]) as im:
                img = im.convert("RGB")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _draw_plan(img, top, staging, cams, report)
        img.info["blender3d"] = json.dumps(_jsonable({"line_report": report, "plan_camera": top.to_dict()}))
        return img, report


def _cam_msg(cam: st.Camera) -> dict[str, Any]:
    return {"matrix": cam.matrix(), "lens": cam.lens, "width": cam.width, "height": cam.height,
            "ortho_scale": cam.ortho_scale}


def _staging_of(data: dict[str, Any]) -> st.Staging:
    marks = {k: st.Mark(**v) for k, v in data["marks"].items()}
    return st.Staging(marks, tuple(data["principals"]), data.get("props") or [])


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=lambda o: list(o) if hasattr(o, "__iter__") else str(o)))


def _draw_plan(img: Image.Image, top: st.Camera, staging: st.Staging, cams: list[tuple[str, st.Camera]],
               report: list[dict[str, Any]]) -> None:
    """Overlay the camera plan: marks and names, the 180° line, each camera with its frustum and number."""
    w, h = img.size
    d = ImageDraw.Draw(img)

    def px(p: tuple[float, ...]) -> tuple[float, float]:
        x, y, _ = top.project((p[0], p[1], 0.0))
        return x * w, (1 - y) * h

    fs = max(12, h // 40)
    line = staging.line()
    if line:
        a, b = line
        dx, dy = b[0] - a[0], b[1] - a[1]
        p0, p1 = px((a[0] - dx * 4, a[1] - dy * 4)), px((b[0] + dx * 4, b[1] + dy * 4))
        n = 40
        for i in range(0, n, 2):  # dashed
            d.line([(p0[0] + (p1[0] - p0[0]) * i / n, p0[1] + (p1[1] - p0[1]) * i / n),
                    (p0[0] + (p1[0] - p0[0]) * (i + 1) / n, p0[1] + (p1[1] - p0[1]) * (i + 1) / n)],
                   fill=(200, 30, 30), width=3)
        d.text(px((b[0] + dx * 0.8, b[1] + dy * 0.8)), "180° line", fill=(200, 30, 30), font=_font(fs))
    for m in staging.marks.values():
        x, y = px(m.pos())
        r = fs * 0.7
        d.ellipse((x - r, y - r, x + r, y + r), outline=(20, 20, 20), width=3)
        f = math.radians(m.facing)
        tip = px((m.x + 0.45 * math.cos(f), m.y + 0.45 * math.sin(f)))
        d.line([(x, y), tip], fill=(20, 20, 20), width=3)
        d.text((x + r + 3, y - fs), m.name.upper(), fill=(20, 20, 20), font=_font(fs))
    for (number, cam), rep in zip(cams, report):
        colour = (200, 30, 30) if rep["crosses_line"] else (25, 70, 160)
        x, y = px(cam.position)
        _, _, forward = cam.basis()
        half = math.atan(st.SENSOR_W / 2 / cam.lens)
        reach = max(math.dist(cam.position[:2], cam.target[:2]), 1.0)
        yaw = math.atan2(forward[1], forward[0])
        for s in (-1, 1):
            e = px((cam.position[0] + reach * math.cos(yaw + s * half), cam.position[1] + reach * math.sin(yaw + s * half)))
            d.line([(x, y), e], fill=colour, width=2)
        size = fs * 0.8
        d.rectangle((x - size, y - size * 0.6, x + size, y + size * 0.6), fill=colour)
        d.text((x + size + 2, y + size * 0.2), f"{number} {cam.size} {cam.lens:.0f}mm" + (" ✕ LINE" if rep["crosses_line"] else ""),
               fill=colour, font=_font(fs))


__all__ = ["Blender3DImageBackend", "Frame3D", "bpy_installed"]
