"""Camera plan: a top-down diagram of one scene, what Shot Designer users draw by hand.

The set outline follows the location type (an interior is a walled room with a
door and a window; an exterior an open lot with a street edge, or trees for a
park). Characters stand on marks (a circle with their initial); the line of
action joins the first two, and every camera is placed on one side of it (the
180° rule). Each shot gets a numbered camera at a distance set by its size,
aimed at its subjects, with its lens and the lens's horizontal field of view
(Super 35, 24.89 mm wide) drawn as a wedge, and an arrow for its move.

The diagram is built once as primitives and written both as SVG and PNG.

The 180° line decisions come from the 3D previz's staging (pure Python, no Blender needed): for each
shot, which side of the line between the scene's two principals its camera stands on and whether it
crosses the side the scene established. :func:`camera_plan_record` stores them with the scene's camera
plan as a versioned ``camera_plan`` asset (a new version only when a shot's camera changed), and the
diagram's legend shows them. :func:`nudge_shot` is the previz dashboards' nudge: a character's mark, the
camera's orbit or its lens, stored on the shot and re-rendered with the 3D previz.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.domain.production import ShotFrame, ShotPlan
from studio_kit.engines.production.shots import render_shot, require_plan, save_plan, shot_request
from studio_kit.exceptions import BackendUnavailableError, ProductionError
from studio_kit.fonts import font as _font
from studio_kit.registry import get_backend_class, load_backend, resolve_name
from studio_kit.store.files import atomic_open, atomic_path
from studio_kit.templating import render_html

#: lens by shot size (mm, spherical, Super 35)
LENSES = {"wide": 24, "medium": 50, "over-the-shoulder": 50, "close-up": 85, "insert": 100}
#: camera distance from its subject by shot size (metres)
DISTANCES = {"wide": 6.0, "medium": 3.0, "over-the-shoulder": 2.4, "close-up": 1.6, "insert": 0.8}
SENSOR_WIDTH_MM = 24.89
SCALE = 60  # pixels a metre
ROOM = (10.0, 8.0)  # set size in metres
KIND = "camera_plan"


def lens_of(shot: ShotFrame) -> float:
    """The shot's lens in mm: a user's lens nudge, else the lens of its size."""
    return float(shot.previz.get("lens") or LENSES.get(shot.size, 50))


def horizontal_fov(lens_mm: float) -> float:
    """Horizontal angle of view in degrees of a spherical lens on a Super 35 sensor."""
    return math.degrees(2 * math.atan(SENSOR_WIDTH_MM / (2 * lens_mm)))


@dataclass
class Diagram:
    width: int
    height: int
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, kind: str, **attrs: Any) -> None:
        self.items.append((kind, attrs))

    def svg(self) -> str:
        """The diagram as SVG (template camera_plan.svg.j2; labels escaped there)."""
        items = []
        for kind, a in self.items:
            style = {"stroke": a.get("stroke", "#222"), "width": a.get("width", 2), "fill": a.get("fill", "none"),
                     "dash": bool(a.get("dash"))}
            if kind == "line":
                (x0, y0), (x1, y1) = a["points"]
                shape = {"x1": f"{x0:.1f}", "y1": f"{y0:.1f}", "x2": f"{x1:.1f}", "y2": f"{y1:.1f}"}
            elif kind == "polygon":
                shape = {"points": " ".join(f"{x:.1f},{y:.1f}" for x, y in a["points"])}
            elif kind == "circle":
                x, y = a["center"]
                shape = {"x": f"{x:.1f}", "y": f"{y:.1f}", "r": f"{a['r']:.1f}"}
            elif kind == "text":
                x, y = a["at"]
                shape = {"x": f"{x:.1f}", "y": f"{y:.1f}", "size": a.get("size", 13), "fill": a.get("fill", "#222"),
                         "anchor": a.get("anchor", "start"), "text": a["text"]}
            else:
                continue
            items.append((kind, shape, style))
        return render_html("camera_plan.svg.j2", d=self, items=items)

    def png(self) -> Any:
        from PIL import Image, ImageDraw


        img = Image.new("RGB", (self.width, self.height), (251, 250, 246))
        d = ImageDraw.Draw(img)
        for kind, a in self.items:
            stroke, fill, w = a.get("stroke", "#222"), a.get("fill", "none"), int(a.get("width", 2))
            fill = None if fill == "none" else fill
            if kind == "line":
                d.line(a["points"], fill=stroke, width=w)
            elif kind == "polygon":
                d.polygon(a["points"], fill=fill, outline=stroke, width=w)
            elif kind == "circle":
                (x, y), r = a["center"], a["r"]
                d.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=stroke, width=w)
            elif kind == "text":
                size = int(a.get("size", 13))
                x, y = a["at"]
                font = _font(size)
                tw = d.textlength(a["text"], font=font)
                x -= {"middle": tw / 2, "end": tw}.get(a.get("anchor", "start"), 0)
                d.text((x, y - size), a["text"], fill=a.get("fill", "#222"), font=font)
        return img


def _marks(people: list[str]) -> dict[str, tuple[float, float]]:
    """Where each character stands (metres in the set): facing each other across the middle."""
    cx, cy = ROOM[0] / 2, ROOM[1] * 0.42
    if len(people) == 1:
        return {people[0]: (cx, cy)}
    spread = 2.2
    return {p: (cx - spread / 2 + spread * i / (len(people) - 1), cy + (0.6 if i >= 2 else 0) * (i % 2))
            for i, p in enumerate(people)}


def scene_shots(plan: ShotPlan, scene: str) -> list[ShotFrame]:
    """The active shots of ``scene`` (its number, or its 1-based position), in order."""
    shots = [s for s in plan.active if s.scene_label == scene or str(s.scene_index + 1) == scene]
    if not shots:
        labels = sorted({s.scene_label for s in plan.active}, key=lambda x: (len(x), x))
        raise ProductionError(f"No scene {scene!r} in the shot plan of {plan.title!r}.",
                              hint=f"Scenes: {', '.join(labels)}.")
    return shots


def camera_plan(plan: ShotPlan, scene: str, flags: list[dict[str, Any]] | None = None) -> Diagram:
    """The diagram of ``scene`` (its number, or its 1-based position) from the plan's shots; ``flags`` (from
    :func:`line_flags`) add each shot's side of the 180° line to the legend, crossings in red."""
    shots = scene_shots(plan, scene)
    by_shot = {f["shot"]: f for f in flags or []}
    first = shots[0]
    w, h = int(ROOM[0] * SCALE + 300), int(ROOM[1] * SCALE + 140)
    d = Diagram(w, h)
    ox, oy = 40, 70

    def px(p: tuple[float, float]) -> tuple[float, float]:
        return ox + p[0] * SCALE, oy + p[1] * SCALE

    d.add("text", at=(ox, 30), text=f"{plan.title} — camera plan, scene {first.scene_label}", size=18)
    d.add("text", at=(ox, 52), text=first.heading, size=13, fill="#555")
    x0, y0 = px((0, 0))
    x1, y1 = px(ROOM)
    exterior = first.int_ext.upper().startswith(("EXT", "EST"))
    if exterior:
        d.add("polygon", points=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], stroke="#888", width=2, dash=True,
              fill="#eef2e6")
        loc = first.location.lower()
        if any(k in loc for k in ("park", "forest", "garden", "wood", "field")):
            for i in range(6):
                tx, ty = px((0.8 + i * 1.7, 0.7 + (i % 2) * 0.5))
                d.add("circle", center=(tx, ty), r=18, fill="#b9d3a5", stroke="#5a7a4a", width=2)
        else:
            d.add("line", points=[px((0, ROOM[1] * 0.12)), px((ROOM[0], ROOM[1] * 0.12))], stroke="#777", width=3)
            d.add("text", at=px((0.2, ROOM[1] * 0.1)), text="street edge", size=11, fill="#777")
    else:
        d.add("polygon", points=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], stroke="#222", width=6, fill="#f3efe6")
        dx, _ = px((ROOM[0] * 0.75, 0))
        d.add("line", points=[(dx, y0), (dx + 0.9 * SCALE, y0)], stroke="#f3efe6", width=8)  # door gap
        d.add("line", points=[(dx, y0), (dx + 0.9 * SCALE * 0.7, y0 + 0.9 * SCALE * 0.7)], stroke="#222", width=2)
        wx, _ = px((ROOM[0] * 0.2, 0))
        d.add("line", points=[(wx, y0), (wx + 1.6 * SCALE, y0)], stroke="#6a9ccf", width=6)  # window
        d.add("text", at=(wx, y0 - 8), text="window", size=11, fill="#6a9ccf")
        d.add("text", at=(dx, y0 - 8), text="door", size=11, fill="#555")
    people: list[str] = []
    for s in shots:
        for p in s.subjects:
            if p not in people and (p in s.characters or p.upper() == p):
                people.append(p)
    people = [p for p in people if not any(s.size == "insert" and p in s.subjects and len(s.subjects) == 1
                                           for s in shots)] or people[:1]
    marks = _marks(people) if people else {"": (ROOM[0] / 2, ROOM[1] * 0.42)}
    if len(people) >= 2:  # the line of action, across the set through the first two characters
        (ax, ay), (bx, by) = marks[people[0]], marks[people[1]]
        d.add("line", points=[px((ax - 2.5, ay)), px((bx + 2.5, by))], stroke="#c33", width=1, dash=True)
        d.add("text", at=px((bx + 2.6, by + 0.1)), text="180° line", size=11, fill="#c33")
    legend_x = x1 + 24
    d.add("text", at=(legend_x, oy + 4), text="Cameras", size=14)
    for k, shot in enumerate(shots):
        _camera(d, px, shot, k, len(shots), marks)
    for name, pos in marks.items():  # marks on top of the cameras' fields of view
        if not name:
            continue
        cx, cy = px(pos)
        d.add("circle", center=(cx, cy), r=16, fill="#ffe8a8", stroke="#222", width=2)
        d.add("text", at=(cx, cy + 5), text=name[:1], size=14, anchor="middle")
        d.add("text", at=(cx, cy + 34), text=name.title(), size=11, anchor="middle")
    for k, shot in enumerate(shots):
        lens = lens_of(shot)
        d.add("text", at=(legend_x, oy + 26 + k * 34), text=f"{k + 1}  shot {shot.number}", size=12)
        flag = by_shot.get(shot.number)
        side = ""
        if flag and flag["between"]:
            side = " · CROSSES THE LINE" if flag["crosses_line"] else (
                " · on the line" if not flag["side"] else f" · side {'A' if flag['side'] > 0 else 'B'}")
        d.add("text", at=(legend_x, oy + 42 + k * 34),
              text=f"   {shot.size}, {lens:g} mm ({horizontal_fov(lens):.0f}°), {shot.movement}{side}", size=10,
              fill="#c33" if flag and flag["crosses_line"] else "#555")
    return d


def line_flags(ctx: Any, plan: ShotPlan, scene: str) -> list[dict[str, Any]]:
    """Each shot of ``scene`` with its 180° line decision (see
    :meth:`~studio_kit.backends.image.blender3d.backend.Blender3DImageBackend.line_flags`): staged exactly as the
    3D previz draws it, nudges included; no Blender needed."""
    stager: Any = load_backend("image", "blender3d", stage_only=True)
    requests = [(s.number, shot_request(ctx, s, plan)[0]) for s in scene_shots(plan, scene)]
    return stager.line_flags(requests)


def record_name(plan: ShotPlan, scene: str) -> str:
    return f"{plan.script_name.removesuffix('.json')}-scene-{scene_shots(plan, scene)[0].scene_label}.json"


def camera_plan_record(ctx: Any, plan: ShotPlan, scene: str) -> dict[str, Any]:
    """The scene's camera plan as stored: each shot's size, angle, movement, nudges and line decision, the line
    flags and the crossings. Stored as a new version of the ``camera_plan`` asset only when something changed
    since the last one, so every change of a camera is in the history and a reload shows the same flags."""
    shots = scene_shots(plan, scene)
    flags = line_flags(ctx, plan, scene)
    record = {"plan": plan.script_name, "title": plan.title, "scene": shots[0].scene_label,
              "heading": shots[0].heading,
              "shots": [{"number": s.number, "size": s.size, "angle": s.angle, "movement": s.movement,
                         "previz": s.previz, "frame": s.asset_id, "line": f} for s, f in zip(shots, flags)],
              "line_flags": flags, "crossings": [f["shot"] for f in flags if f["crosses_line"]]}
    name = record_name(plan, scene)
    stored = ctx.latest(KIND, name)
    if stored is not None:
        old = json.loads(ctx.read_bytes(stored.id))
        if {k: v for k, v in old.items() if k != "version"} == record:
            return {**old, "version": stored.version}
    asset = ctx.put_asset(json.dumps(record, indent=1), kind=KIND, name=name,
                          meta={"scene": record["scene"], "shots": len(shots), "crossings": record["crossings"]})
    return {**record, "version": asset.version}


def stored_camera_plan(ctx: Any, plan: ShotPlan, scene: str) -> dict[str, Any] | None:
    """The newest stored camera plan record of ``scene`` (None before the first one is stored)."""
    stored = ctx.latest(KIND, record_name(plan, scene))
    return {**json.loads(ctx.read_bytes(stored.id)), "version": stored.version} if stored else None


def nudge_shot(ctx: Any, number: str, *, mark: str | None = None, direction: str | None = None, orbit: float = 0.0,
               lens: float | None = None, reset: bool = False, name: str | None = None,
               settings: Any = None) -> ShotPlan:
    """Nudge a staged shot and redraw it with the 3D previz: move ``mark`` (a character of the shot's scene) a step
    ``direction`` (left, right, forward, back), orbit the camera ``orbit`` degrees, change the ``lens`` (mm), or
    ``reset`` every nudge. The nudge is stored on the shot in the plan (a new plan version) and the frame is a new
    variant; the same nudges always draw the same picture. The scene's camera plan is stored again with its new
    line flags. ``ctx`` is a rendering context: call it through ``service.nudge_shot``, which checks the role."""
    plan = require_plan(ctx, name)
    shot = plan.shot(number)
    if shot.status == "omitted":
        raise ProductionError(f"Shot {number} was omitted from the script.", hint="Nudge a shot that is in the cut.")
    stager: Any = get_backend_class("image", "blender3d")
    available = stager.availability(settings)
    if not available.ok:
        raise BackendUnavailableError(f"{available.reason} A nudge moves a mark or a camera in 3D, so it needs it.",
                                      hint="Install the 3D previz, or nudge the shot where it is installed.")
    if mark is not None:
        cast = shot_request(ctx, shot, plan)[0].scene["characters"]
        if mark.upper() not in {c.upper() for c in cast}:
            raise ProductionError(f"{mark} is not in scene {shot.scene_label} (it has {', '.join(cast) or 'nobody'}).",
                                  hint="Nudge the mark of a character of the shot's scene.")
    previz = {} if reset else stager.nudged(shot.previz, mark=mark, direction=direction, orbit=orbit, lens=lens)
    index = plan.shots.index(shot)
    plan.shots[index] = render_shot(ctx, shot.model_copy(update={"previz": previz}), plan=plan,
                                    backend=stager.name, settings=settings)
    what = "reset" if reset else ", ".join(x for x in (f"{mark} {direction}" if mark else "",
                                                       f"orbit {orbit:+g}°" if orbit else "",
                                                       f"lens {lens:g} mm" if lens else "") if x)
    save_plan(ctx, plan, note=f"nudged {number}: {what}")
    camera_plan_record(ctx, plan, shot.scene_label)
    return plan


def _camera(d: Diagram, px: Any, shot: ShotFrame, k: int, n: int,
            marks: dict[str, tuple[float, float]]) -> None:
    targets = [marks[p] for p in shot.subjects if p in marks] or list(marks.values())
    tx = sum(t[0] for t in targets) / len(targets)
    ty = sum(t[1] for t in targets) / len(targets)
    if shot.size == "over-the-shoulder" and len(targets) >= 2:
        tx, ty = targets[0]  # onto the speaker, from behind the listener
        lx, ly = targets[1]
        base = math.atan2(ly - ty, lx - tx) + 0.25
    else:
        # every camera on the audience side of the line (y grows toward the camera side), fanned by order
        base = math.pi / 2 + (k - (n - 1) / 2) * (0.9 / max(1, n - 1) if n > 1 else 0)
    dist = DISTANCES.get(shot.size, 3.0)
    cam = (min(ROOM[0] - 0.3, max(0.3, tx + dist * math.cos(base))),
           min(ROOM[1] - 0.3, max(0.3, ty + dist * math.sin(base))))
    aim = math.atan2(ty - cam[1], tx - cam[0])
    cx, cy = px(cam)
    half = math.radians(horizontal_fov(lens_of(shot)) / 2)
    reach = min(dist, 4.0) * SCALE
    wedge = [(cx, cy), (cx + reach * math.cos(aim - half), cy + reach * math.sin(aim - half)),
             (cx + reach * math.cos(aim + half), cy + reach * math.sin(aim + half))]
    d.add("polygon", points=wedge, fill="#dfe9f5", stroke="#8aa8c8", width=1)
    body = [(cx + 14 * math.cos(aim + a), cy + 14 * math.sin(aim + a)) for a in (0.6, math.pi - 0.6, math.pi + 0.6,
                                                                                   -0.6)]
    d.add("polygon", points=body, fill="#334", stroke="#111", width=1)
    d.add("text", at=(cx - 22 * math.cos(aim), cy - 22 * math.sin(aim) + 5), text=str(k + 1), size=14,
          anchor="middle", fill="#1a3d7a")
    move = shot.movement.lower()
    if move in ("dolly in", "push in", "dolly out", "pull out", "tracking", "pan", "crane", "handheld"):
        sign = -1 if move in ("dolly out", "pull out") else 1
        if move in ("dolly in", "push in", "dolly out", "pull out"):
            ang = aim if sign > 0 else aim + math.pi
        else:
            ang = aim + math.pi / 2
        ex, ey = cx + 46 * math.cos(ang), cy + 46 * math.sin(ang)
        d.add("line", points=[(cx, cy), (ex, ey)], stroke="#d62828", width=3)
        d.add("polygon", points=[(ex, ey), (ex - 10 * math.cos(ang - 0.5), ey - 10 * math.sin(ang - 0.5)),
                                 (ex - 10 * math.cos(ang + 0.5), ey - 10 * math.sin(ang + 0.5))],
              fill="#d62828", stroke="#d62828", width=1)


def top_view(ctx: Any, plan: ShotPlan, scene: str, size: tuple[int, int] = (1280, 720)) -> Any:
    """The 3D previz's top view of ``scene`` (its set from above, the marks, the 180° line, each shot's camera and
    frustum, numbered), staged as the 3D frames are (nudges included); None when the configured image backend
    is not the 3D previz (``STUDIO_IMAGE_BACKEND=auto`` picks it when bpy is installed)."""
    settings = get_settings()
    if resolve_name("image", settings.image_backend, settings) != "blender3d":
        return None
    requests = [shot_request(ctx, s, plan)[0] for s in scene_shots(plan, scene)]
    cast: dict[str, dict[str, Any]] = {}
    for r in requests:
        for ident in r.identities:
            cast.setdefault(str(ident.get("name", "")).upper(), ident)
    backend: Any = load_backend("image", "blender3d", settings=settings)
    if "camera-plan" not in backend.capabilities:  # another plugin took the name: it draws no camera plan
        raise ProductionError(f"The image backend 'blender3d' here is {type(backend).__name__}, which draws no "
                              "camera plan.", hint="Uninstall the plugin that replaces studio_kit's blender3d backend.")
    image, _report = backend.camera_plan(requests[0].scene, [r.shot for r in requests], list(cast.values()),
                                         width=size[0], height=size[1])
    return image


def export_camera_plan(plan: ShotPlan, scene: str, out_dir: str | Path, ctx: Any = None) -> dict[str, Path]:
    """Write ``camera-plan-scene-N.svg`` and ``.png`` into ``out_dir``; returns the paths. With the project
    ``ctx`` the scene's camera plan is stored (:func:`camera_plan_record`) and its 180° line flags are drawn, and
    when the 3D previz draws the pictures its top view of the set is written too (``…-3d.png``, :func:`top_view`)."""
    flags = camera_plan_record(ctx, plan, scene)["line_flags"] if ctx is not None else None
    diagram = camera_plan(plan, scene, flags)
    out_dir = Path(out_dir)
    label = next(s.scene_label for s in plan.active if s.scene_label == scene or str(s.scene_index + 1) == scene)
    svg, png = out_dir / f"camera-plan-scene-{label}.svg", out_dir / f"camera-plan-scene-{label}.png"
    with atomic_open(svg, "w") as fh:
        fh.write(diagram.svg())
    with atomic_path(png) as tmp:
        diagram.png().save(tmp, format="PNG")
    paths = {"svg": svg, "png": png}
    top = top_view(ctx, plan, scene) if ctx is not None else None
    if top is not None:
        paths["top_view"] = out_dir / f"camera-plan-scene-{label}-3d.png"
        with atomic_path(paths["top_view"]) as tmp:
            top.save(tmp, format="PNG")
    return paths
