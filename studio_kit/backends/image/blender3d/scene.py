"""Builds and renders previz scenes with ``bpy`` (imported only inside the render worker).

A :class:`Stage` holds one Blender scene for the life of the worker: every set
(per location / int-ext / time of day) and every mannequin (per identity and look)
is built once into its own collection and only shown or hidden afterwards, so the
shots of a location reuse its set and light, and a locked character is the same
mesh in every frame. A shot poses the mannequins on their marks, drops in the
props, places the camera and renders:

* ``picture`` — Workbench (studio light, shadows, outlines) or Cycles on request;
* ``depth`` — 16-bit PNG, millimetres along the view axis (compositor Z pass);
* ``mask`` — flat ID colours (set black; each character's body, arms, head, hair
  coded), for silhouettes and the visibility of limbs;
* ``pose`` — an OpenPose-style 18-keypoint skeleton drawn from the posed bones.

The mannequin is a home-made armature (hips, spine, chest, neck, head, arms, legs with
the metarig's ``.L``/``.R`` names) with a primitive part parented to each bone, so the
figure is posable and its parts stay separate objects (colours, masks).
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import bpy  # isort: skip - first: bmesh, bpy_extras and mathutils exist only once bpy is loaded
import bmesh  # isort: skip
from bpy_extras.object_utils import world_to_camera_view  # isort: skip
from mathutils import Matrix, Quaternion, Vector  # isort: skip

from studio_kit.backends.image.blender3d.mannequin import PART_CLASS

OPENPOSE_LIMBS = [(1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11), (11, 12),
                  (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17)]
OPENPOSE_COLOURS = [(255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
                    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
                    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85)]


def _lin(c: Any) -> tuple[float, float, float]:
    """0–255 sRGB → linear 0–1 (Blender's colours are scene-linear)."""
    def f(v: float) -> float:
        v = v / 255.0
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return (f(c[0]), f(c[1]), f(c[2]))


class Stage:
    """The worker's one Blender scene, with cached sets and mannequins."""

    def __init__(self) -> None:
        bpy.ops.wm.read_factory_settings(use_empty=True)
        self.scene = bpy.context.scene
        self.sets: dict[str, Any] = {}
        self.figures: dict[str, dict[str, Any]] = {}
        self.materials: dict[tuple, Any] = {}
        self.meshes: dict[str, Any] = {}
        self.builds = {"sets": 0, "figures": 0}
        sc = self.scene
        sc.render.resolution_percentage = 100
        sc.render.film_transparent = False
        sc.render.dither_intensity = 0.0
        sc.render.image_settings.file_format = "PNG"
        sc.render.image_settings.color_mode = "RGB"
        sc.render.use_compositing = True
        self.world = bpy.data.worlds.new("previz-world")
        self.world.use_nodes = True
        sc.world = self.world
        cam = bpy.data.cameras.new("previz-camera")
        cam.sensor_fit = "HORIZONTAL"
        cam.sensor_width = 36.0
        cam.clip_start, cam.clip_end = 0.05, 500.0
        self.camera = bpy.data.objects.new("previz-camera", cam)
        sc.collection.objects.link(self.camera)
        sc.camera = self.camera
        self.props = bpy.data.collections.new("props")
        sc.collection.children.link(self.props)
        self.lights = bpy.data.collections.new("lights")
        sc.collection.children.link(self.lights)
        sc.view_layers[0].use_pass_z = True
        self._compositor()

    # -- materials and meshes ---------------------------------------------------
    def material(self, rgb: Any, name: str = "m") -> Any:
        key = (name, tuple(round(float(c), 4) for c in rgb))
        if key not in self.materials:
            mat = bpy.data.materials.new(f"{name}-{len(self.materials)}")
            lin = _lin(rgb)
            mat.diffuse_color = (*lin, 1.0)
            mat.use_nodes = True
            bsdf = mat.node_tree.nodes.get("Principled BSDF")
            if bsdf is not None:
                bsdf.inputs["Base Color"].default_value = (*lin, 1.0)
                bsdf.inputs["Roughness"].default_value = 0.7
            self.materials[key] = mat
        return self.materials[key]

    def mesh(self, kind: str) -> Any:
        """Shared unit meshes: sphere (radius 1), cube (size 2), cylinder / cone (radius 1, depth 2)."""
        if kind not in self.meshes:
            me = bpy.data.meshes.new(kind)
            bm = bmesh.new()
            if kind == "sphere":
                bmesh.ops.create_uvsphere(bm, u_segments=20, v_segments=12, radius=1.0)
            elif kind == "cube":
                bmesh.ops.create_cube(bm, size=2.0)
            elif kind == "cylinder":
                bmesh.ops.create_cone(bm, cap_ends=True, segments=16, radius1=1.0, radius2=1.0, depth=2.0)
            elif kind == "cone":
                bmesh.ops.create_cone(bm, cap_ends=True, segments=16, radius1=1.0, radius2=0.0, depth=2.0)
            elif kind == "plane":
                bmesh.ops.create_grid(bm, x_segments=1, y_segments=1, size=1.0)
            for f in bm.faces:
                f.smooth = kind in ("sphere", "cylinder", "cone")
            bm.to_mesh(me)
            bm.free()
            me.materials.append(None)  # one slot, linked per object so shared meshes take their own colours
            self.meshes[kind] = me
        return self.meshes[kind]

    def solid(self, collection: Any, kind: str, loc: Any, scale: Any, rgb: Any, rot: Any = (0, 0, 0),
              name: str = "part", mat: Any = None) -> Any:
        ob = bpy.data.objects.new(name, self.mesh(kind))
        ob.location, ob.scale, ob.rotation_euler = loc, scale, rot
        collection.objects.link(ob)
        ob.material_slots[0].link = "OBJECT"
        ob.material_slots[0].material = mat or self.material(rgb)
        ob.color = (0, 0, 0, 1)
        return ob

    # -- sets ------------------------------------------------------------------------
    def show_set(self, plan: dict[str, Any]) -> dict[str, Any]:
        key = plan["key"]
        if key not in self.sets:
            self.sets[key] = self._build_set(plan)
            self.builds["sets"] += 1
        for k, coll in self.sets.items():
            coll["collection"].hide_render = k != key
        self._world(plan)
        return self.sets[key]

    def _build_set(self, plan: dict[str, Any]) -> dict[str, Any]:
        coll = bpy.data.collections.new(f"set:{plan['key']}")
        self.scene.collection.children.link(coll)
        light = plan["light"]
        rng = plan["seed"]
        feats = plan["features"]
        def dim(c: tuple, k: float = 1.0) -> tuple:  # a colour in this time of day's light
            return tuple(v * (0.45 + 0.55 * light * k) for v in c)

        if "neutral" in feats:  # a grey cyclorama: floor and a curved-looking back wall
            self.solid(coll, "cube", (0, 0, -0.05), (30, 30, 0.05), dim((150, 150, 150)), name="floor")
            self.solid(coll, "cube", (0, 9, 6), (30, 0.05, 6), dim((185, 185, 185)), name="cyc")
        elif plan["int_ext"] == "INT":
            w, d, h = 9.0, 7.0, 2.9
            wall, floor = dim((214, 206, 190), 0.6), dim((150, 118, 92), 0.6)
            self.solid(coll, "cube", (0, -5.0, -0.05), (w / 2 + 8, d / 2 + 6.5, 0.05), floor, name="floor")
            back = self.solid(coll, "cube", (0, 1.5 + d / 2, h / 2), (w / 2, 0.06, h / 2), wall, name="wall-back")
            left = self.solid(coll, "cube", (-w / 2, 1.5, h / 2), (0.06, d / 2, h / 2), dim((200, 192, 176), 0.6),
                              name="wall-left")
            right = self.solid(coll, "cube", (w / 2, 1.5, h / 2), (0.06, d / 2, h / 2), dim((200, 192, 176), 0.6),
                               name="wall-right")
            ceiling = self.solid(coll, "cube", (0, 1.5, h + 0.05), (w / 2, d / 2, 0.05), dim((230, 228, 222), 0.6),
                                 name="ceiling")
            # wild walls: a wall between the camera and the room is pulled, as on a stage
            back["wild"], left["wild"], right["wild"] = (0, 1, 1.5 + d / 2), (-1, 0, w / 2), (1, 0, w / 2)
            ceiling["wild"] = (0, 0, 0)
            wx = -2.2 if rng % 2 else 2.2
            sky = tuple(int(c * 255) for c in plan["sky"])
            self.solid(coll, "cube", (wx, 1.5 + d / 2 - 0.07, 1.6), (0.9, 0.02, 0.65), sky, name="window")
            self.solid(coll, "cube", (wx, 1.5 + d / 2 - 0.1, 1.6), (0.03, 0.02, 0.65), (60, 55, 50), name="mullion")
            self.solid(coll, "cube", (wx, 1.5 + d / 2 - 0.1, 1.6), (0.9, 0.02, 0.03), (60, 55, 50), name="transom")
            dx = -wx * 0.9
            self.solid(coll, "cube", (dx, 1.5 + d / 2 - 0.08, 1.025), (0.45, 0.03, 1.025), (110, 80, 58), name="door")
            self.solid(coll, "sphere", (dx + 0.33, 1.5 + d / 2 - 0.13, 1.0), (0.04, 0.04, 0.04), (200, 180, 90), name="knob")
            lamp = self.solid(coll, "cylinder", (0, 1.5, h - 0.04), (0.25, 0.25, 0.03),
                              (255, 240, 200) if light < 0.7 else (235, 235, 230), name="ceiling-light")
            lamp["wild"] = (0, 0, 0)
            self.solid(coll, "cube", (0, 1.5 + d / 2 - 0.08, 0.06), (w / 2, 0.02, 0.06), (90, 80, 70), name="skirting")
        else:
            ground = dim((120, 128, 108) if "trees" in feats else (112, 112, 116), 0.9)
            self.solid(coll, "cube", (0, 0, -0.05), (250, 250, 0.05), ground, name="ground")
            if "street" in feats:
                self.solid(coll, "cube", (0, 4.0, -0.02), (250, 3.0, 0.03), dim((70, 70, 76), 0.9), name="road")
                self.solid(coll, "cube", (0, 0.2, 0.0), (250, 0.1, 0.08), dim((160, 160, 160), 0.9), name="kerb")
                for i in range(14):
                    bw, bh = 4 + (rng >> (i % 13)) % 5, 6 + ((rng * (i + 3)) >> 3) % 22
                    x = -45 + i * 7.2
                    col = dim((150 + (i * 23) % 60, 140 + (i * 37) % 50, 135 + (i * 11) % 40), 0.8)
                    self.solid(coll, "cube", (x, 14 + (i % 3), bh / 2), (bw / 2, 3, bh / 2), col, name=f"building{i}")
                    lit = (250, 220, 130) if light < 0.6 else dim((90, 110, 130), 0.8)
                    for fl in range(1, int(bh / 3)):
                        self.solid(coll, "cube", (x, 14 + (i % 3) - 3.02, fl * 3.0), (bw / 2 * 0.7, 0.02, 0.6),
                                   lit, name="windows")
            if "trees" in feats:
                for i in range(18):
                    x = -30 + i * 3.6 + ((rng >> (i % 11)) % 7) * 0.3
                    y = 8 + ((rng * (i + 1)) >> 2) % 9
                    th = 3 + ((rng >> (i % 7)) % 4)
                    self.solid(coll, "cylinder", (x, y, th / 2), (0.18, 0.18, th / 2), dim((90, 66, 44), 0.8), name="trunk")
                    self.solid(coll, "sphere", (x, y, th + 1.0), (1.6, 1.6, 1.9), dim((70, 120, 64), 0.8), name="crown")
            if "water" in feats:
                self.solid(coll, "cube", (0, 60, -0.02), (250, 52, 0.03), dim((70, 110, 150), 0.9), name="water")
                self.solid(coll, "cube", (0, 7.5, -0.03), (250, 0.5, 0.03), dim((200, 190, 150), 0.9), name="shoreline")
        return {"collection": coll, "plan": plan}

    def _world(self, plan: dict[str, Any]) -> None:
        sky = tuple(plan["sky"]) if plan["int_ext"] == "EXT" else tuple(c * 0.3 for c in plan["sky"])
        if "neutral" in plan["features"]:
            sky = (0.45, 0.45, 0.47)
        self.world.color = sky
        bg = self.world.node_tree.nodes.get("Background")
        if bg is not None:
            bg.inputs["Color"].default_value = (*sky, 1.0)
            bg.inputs["Strength"].default_value = 0.4 + 0.8 * plan["light"]
        for ob in list(self.lights.objects):
            bpy.data.objects.remove(ob, do_unlink=True)
        sun = bpy.data.lights.new("sun", "SUN")
        elev = max(plan["sun_elevation"], 8.0)
        warm = plan["time_of_day"] in ("DAWN", "SUNRISE", "DUSK", "SUNSET")
        sun.color = (1.0, 0.75, 0.55) if warm else (1.0, 0.97, 0.92) if plan["light"] > 0.5 else (0.6, 0.7, 1.0)
        sun.energy = 1.0 + 3.0 * plan["light"]
        ob = bpy.data.objects.new("sun", sun)
        ob.rotation_euler = (math.radians(90 - elev), 0, math.radians(35))
        self.lights.objects.link(ob)
        if plan["int_ext"] == "INT":
            lamp = bpy.data.lights.new("practical", "POINT")
            lamp.energy = 300 if plan["light"] < 0.7 else 150
            lamp.color = (1.0, 0.85, 0.65)
            lo = bpy.data.objects.new("practical", lamp)
            lo.location = (0, 1.5, 2.6)
            self.lights.objects.link(lo)

    # -- mannequins -------------------------------------------------------------------
    def figure(self, body: dict[str, Any]) -> dict[str, Any]:
        key = body["key"]
        if key not in self.figures:
            self.figures[key] = build_mannequin(self, body)
            self.builds["figures"] += 1
        return self.figures[key]

    # -- compositor (depth) --------------------------------------------------------------
    def _compositor(self) -> None:
        sc = self.scene
        sc.use_nodes = True
        nt = sc.node_tree
        for n in list(nt.nodes):
            nt.nodes.remove(n)
        rl = nt.nodes.new("CompositorNodeRLayers")
        comp = nt.nodes.new("CompositorNodeComposite")
        nt.links.new(rl.outputs["Image"], comp.inputs["Image"])
        mr = nt.nodes.new("CompositorNodeMapRange")
        mr.inputs[1].default_value, mr.inputs[2].default_value = 0.0, 65.535
        mr.inputs[3].default_value, mr.inputs[4].default_value = 0.0, 1.0
        mr.use_clamp = True
        nt.links.new(rl.outputs["Depth"], mr.inputs[0])
        fo = nt.nodes.new("CompositorNodeOutputFile")
        fo.format.file_format, fo.format.color_depth, fo.format.color_mode = "PNG", "16", "BW"
        fo.file_slots[0].path = "depth_"
        nt.links.new(mr.outputs[0], fo.inputs[0])
        self.depth_node = fo

    # -- a shot ------------------------------------------------------------------------------
    def stage_shot(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Show the set, pose and place the mannequins, build the props. Returns {name: figure}."""
        self.show_set(frame["set"])
        shown: dict[str, Any] = {}
        wanted = {c["body"]["key"]: c for c in frame["characters"]}
        for key, fig in self.figures.items():
            fig["collection"].hide_render = key not in wanted
        for i, c in enumerate(frame["characters"]):
            fig = self.figure(c["body"])
            fig["collection"].hide_render = False
            fig["index"] = i
            pose_figure(fig, c)
            shown[c["name"]] = fig
        bpy.context.view_layer.update()
        for c in frame["characters"]:  # heads turn to whom they look at, once everyone stands on a mark
            if c.get("look_at_point"):
                turn_head(shown[c["name"]], Vector(c["look_at_point"]))
        for ob in list(self.props.objects):
            bpy.data.objects.remove(ob, do_unlink=True)
        bpy.context.view_layer.update()
        for prop in frame.get("props", []):
            build_prop(self, prop, shown)
        bpy.context.view_layer.update()
        return shown

    def set_camera(self, cam: dict[str, Any]) -> None:
        data = self.camera.data
        if cam.get("ortho_scale"):
            data.type, data.ortho_scale = "ORTHO", cam["ortho_scale"]
        else:
            data.type, data.lens = "PERSP", cam["lens"]
        self.camera.matrix_world = Matrix(cam["matrix"])
        self.scene.render.resolution_x, self.scene.render.resolution_y = cam["width"], cam["height"]

    def pull_wild_walls(self, frame: dict[str, Any]) -> None:
        """Hide the walls the camera is behind (and the ceiling for a view from above it)."""
        coll = self.sets[frame["set"]["key"]]["collection"]
        x, y, z = self.camera.matrix_world.translation
        for ob in coll.objects:
            wild = ob.get("wild")
            if wild is None:
                continue
            nx, ny, off = wild
            if nx == 0 and ny == 0:  # ceiling and its fitting: pulled when the camera is above the room
                ob.hide_render = z > 2.85 or bool(frame.get("plan"))
            else:
                ob.hide_render = nx * x + ny * y > off - 0.05

    def render(self, frame: dict[str, Any], out_dir: str, stem: str, outputs: list[str]) -> dict[str, Any]:
        shown = self.stage_shot(frame)
        self.set_camera(frame["camera"])
        self.pull_wild_walls(frame)
        bpy.context.view_layer.update()
        files: dict[str, str] = {}
        sc = self.scene
        if "picture" in outputs or "depth" in outputs:
            self._picture_settings(frame)
            sc.render.use_compositing = "depth" in outputs
            self.depth_node.base_path = os.path.join(out_dir, f"{stem}-z")
            sc.render.filepath = os.path.join(out_dir, f"{stem}-picture.png")
            bpy.ops.render.render(write_still=True)
            files["picture"] = sc.render.filepath
            if "depth" in outputs:
                depth = Path(out_dir) / f"{stem}-z" / f"depth_{sc.frame_current:04d}.png"
                target = Path(out_dir) / f"{stem}-depth.png"
                os.replace(depth, target)
                files["depth"] = str(target)
        if "mask" in outputs:
            self._mask_settings(shown)
            sc.render.use_compositing = False
            sc.render.filepath = os.path.join(out_dir, f"{stem}-mask.png")
            bpy.ops.render.render(write_still=True)
            files["mask"] = sc.render.filepath
            self._world(frame["set"])
        meta: dict[str, Any] = {"characters": {name: figure_report(fig, sc) for name, fig in shown.items()},
                "builds": dict(self.builds)}
        if "pose" in outputs:
            files["pose"] = os.path.join(out_dir, f"{stem}-pose.png")
            draw_openpose([m["keypoints"] for m in meta["characters"].values()], frame["camera"]["width"],
                          frame["camera"]["height"], files["pose"])
        return {"files": files, "meta": meta}

    def _picture_settings(self, frame: dict[str, Any]) -> None:
        sc = self.scene
        engine = frame.get("engine", "workbench")
        sc.view_settings.view_transform = "Standard"
        sc.view_settings.look = "None"
        if engine == "cycles":
            sc.render.engine = "CYCLES"
            sc.cycles.device = "CPU"
            sc.cycles.samples = int(frame.get("samples") or 16)
            sc.cycles.seed = int(frame.get("seed") or 0)
            sc.cycles.use_denoising = False
            sc.cycles.use_adaptive_sampling = False
            # previz light: one diffuse bounce is enough to read the room (about 12 % faster than 4)
            sc.cycles.max_bounces, sc.cycles.diffuse_bounces, sc.cycles.glossy_bounces = 2, 1, 1
            sc.cycles.caustics_reflective = sc.cycles.caustics_refractive = False
            sc.render.threads_mode = "FIXED"
            sc.render.threads = max(1, min(os.cpu_count() or 1, 8))
        else:
            sc.render.engine = "BLENDER_WORKBENCH"
            sh = sc.display.shading
            sh.light, sh.color_type = "STUDIO", "MATERIAL"
            sh.show_shadows, sh.shadow_intensity = True, 0.35
            sh.show_cavity = False
            sh.show_object_outline, sh.object_outline_color = True, (0.08, 0.08, 0.1)
            sh.show_backface_culling = True
            sc.display.shadow_shift = 0.1
            sc.display.light_direction = (0.25, -0.35, 0.9)  # high key: shadows fall on the floor
            aa = int(frame.get("antialias") or 0)
            sc.display.render_aa = "OFF" if aa <= 1 else str(min((5, 8, 11, 16, 32), key=lambda n: abs(n - aa)))

    def _mask_settings(self, shown: dict[str, Any]) -> None:
        sc = self.scene
        sc.render.engine = "BLENDER_WORKBENCH"
        sh = sc.display.shading
        sh.light, sh.color_type = "FLAT", "OBJECT"
        sh.show_shadows = sh.show_cavity = sh.show_object_outline = False
        sh.show_backface_culling = True
        sc.display.render_aa = "OFF"
        sc.view_settings.view_transform = "Raw"
        self.world.color = (0, 0, 0)
        for ob in bpy.data.objects:
            ob.color = (0, 0, 0, 1)
        for fig in shown.values():
            r = (40 + 40 * fig["index"]) / 255
            for ob in fig["parts"]:
                ob.color = (r, PART_CLASS[ob["part_class"]] / 255, 1.0, 1.0)

    def restore_world(self, plan: dict[str, Any]) -> None:
        self._world(plan)


# -- the mannequin -----------------------------------------------------------------------

def _bone_layout(body: dict[str, Any]) -> dict[str, tuple[tuple[float, float, float], tuple[float, float, float], str | None]]:
    """Rest positions (armature space, facing −Y, left side +X) of a human mannequin's bones."""
    H, h = body["height_m"], body["head_m"]
    sw = body["shoulders_m"] / 2
    hip_w = max(body["waist_m"] * 0.36, 0.06)
    top = H
    neck_top = top - h
    shoulder_z = top - 1.3 * h
    hip_z = H * 0.52
    knee_z = hip_z * 0.52
    ankle_z = H * 0.045
    chest_z = shoulder_z - 0.05 * H
    arm = 0.19 * H
    fore = 0.155 * H
    hand = 0.1 * H
    L: dict[str, tuple[tuple[float, float, float], tuple[float, float, float], str | None]] = {
        "hips": ((0, 0, hip_z), (0, 0, hip_z + 0.1 * H), None),
        "spine": ((0, 0, hip_z + 0.1 * H), (0, 0, chest_z - 0.08 * H), "hips"),
        "chest": ((0, 0, chest_z - 0.08 * H), (0, 0, neck_top - 0.03 * H), "spine"),
        "neck": ((0, 0, neck_top - 0.03 * H), (0, 0, neck_top + 0.02 * H), "chest"),
        "head": ((0, 0, neck_top + 0.02 * H), (0, 0, top), "neck"),
    }
    for s, side in ((1, "L"), (-1, "R")):
        L[f"shoulder.{side}"] = ((s * 0.02 * H, 0, shoulder_z + 0.01), (s * sw, 0, shoulder_z), "chest")
        L[f"upper_arm.{side}"] = ((s * sw, 0, shoulder_z), (s * (sw + 0.01), 0, shoulder_z - arm), f"shoulder.{side}")
        L[f"forearm.{side}"] = ((s * (sw + 0.01), 0, shoulder_z - arm), (s * (sw + 0.015), -0.01, shoulder_z - arm - fore),
                                f"upper_arm.{side}")
        L[f"hand.{side}"] = ((s * (sw + 0.015), -0.01, shoulder_z - arm - fore),
                             (s * (sw + 0.015), -0.015, shoulder_z - arm - fore - hand), f"forearm.{side}")
        L[f"thigh.{side}"] = ((s * hip_w, 0, hip_z), (s * hip_w, -0.01, knee_z), "hips")
        L[f"shin.{side}"] = ((s * hip_w, -0.01, knee_z), (s * hip_w, 0.0, ankle_z), f"thigh.{side}")
        L[f"foot.{side}"] = ((s * hip_w, 0.0, ankle_z), (s * hip_w, -0.14 * H / 1.75, 0.02), f"shin.{side}")
    return L


def _animal_layout(body: dict[str, Any]) -> dict[str, tuple[tuple[float, float, float], tuple[float, float, float], str | None]]:
    H, h = body["height_m"], body["head_m"]
    length = H * 1.3
    return {
        "hips": ((0, length / 2, H * 0.85), (0, 0, H * 0.9), None),
        "chest": ((0, 0, H * 0.9), (0, -length / 2, H * 0.92), "hips"),
        "neck": ((0, -length / 2, H * 0.92), (0, -length / 2 - h * 0.3, H + h * 0.2), "chest"),
        "head": ((0, -length / 2 - h * 0.3, H + h * 0.2), (0, -length / 2 - h * 0.5, H + h * 0.8), "neck"),
        **{f"{leg}.{side}": ((s * H * 0.18, y, H * 0.82), (s * H * 0.18, y, 0.0), "hips" if leg == "thigh" else "chest")
           for side, s in (("L", 1), ("R", -1)) for leg, y in (("thigh", length / 2 - 0.05 * H), ("upper_arm", -length / 2 + 0.05 * H))},
        "tail": ((0, length / 2, H * 0.9), (0, length / 2 + H * 0.5, H * 1.1), "hips"),
    }


def build_mannequin(stage: Stage, body: dict[str, Any]) -> dict[str, Any]:
    coll = bpy.data.collections.new(f"char:{body['name']}:{body['key']}")
    stage.scene.collection.children.link(coll)
    arm_data = bpy.data.armatures.new(f"rig-{body['key']}")
    rig = bpy.data.objects.new(f"rig:{body['name']}", arm_data)
    coll.objects.link(rig)
    form = body.get("form", "human")
    layout = _animal_layout(body) if form == "quadruped" else _bone_layout(body) if form == "human" else {
        "hips": ((0, 0, 1.2), (0, 0, 1.8), None), "head": ((0, 0, 1.8), (0, 0, 2.6), "hips")}
    # edit bones need the rig to be the active object in edit mode
    bpy.context.view_layer.update()
    for ob in bpy.context.view_layer.objects:
        ob.select_set(False)
    bpy.context.view_layer.objects.active = rig
    bpy.ops.object.mode_set(mode="EDIT")
    for name, (head, tail, parent) in layout.items():
        eb = arm_data.edit_bones.new(name)
        eb.head, eb.tail = head, tail
        eb.roll = 0.0
        if parent:
            eb.parent = arm_data.edit_bones[parent]
            eb.use_connect = False
    bpy.ops.object.mode_set(mode="OBJECT")
    fig = {"rig": rig, "collection": coll, "parts": [], "body": body, "keypoints_rest": {}}
    skin, hair, top, bottom, accent = body["skin"], body["hair"], body["top"], body["bottom"], body["accent"]
    if form == "human":
        _human_parts(stage, fig, coll, layout, body)
    elif form == "quadruped":
        _animal_parts(stage, fig, coll, layout, body)
    else:
        for x, z, r in ((0, 2.0, 0.55), (-0.45, 1.85, 0.4), (0.45, 1.9, 0.42), (0.1, 2.35, 0.38),
                        (-0.2, 1.6, 0.35), (0.3, 1.55, 0.3)):
            _part(stage, fig, coll, "hips", "sphere", (x, 0, z), (r, r * 0.8, r * 0.85), (236, 238, 244), "body")
        fig["keypoints_rest"] = {}
    del skin, hair, top, bottom, accent
    return fig


def _part(stage: Stage, fig: dict[str, Any], coll: Any, bone: str, kind: str, loc: Any, scale: Any, rgb: Any,
          cls: str, rot: Any = (0, 0, 0)) -> Any:
    """A primitive at rest position ``loc`` (armature space), parented to ``bone`` so it follows the pose."""
    ob = stage.solid(coll, kind, loc, scale, rgb, rot=rot, name=f"{fig['body']['name']}:{bone}:{cls}")
    rig = fig["rig"]
    ob.parent = rig
    ob.parent_type = "BONE"
    ob.parent_bone = bone
    bone_obj = rig.data.bones[bone]
    # rest: child world = rig @ bone tail frame @ inverse @ basis → keep the rest placement
    ob.matrix_parent_inverse = (bone_obj.matrix_local @ Matrix.Translation((0, bone_obj.length, 0))).inverted()
    ob["part_class"] = cls
    fig["parts"].append(ob)
    return ob


def _along(layout: dict, bone: str, t: float = 0.5) -> tuple[float, float, float]:
    a, b, _ = layout[bone]
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(3))  # type: ignore[return-value]


def _seg(stage: Stage, fig: dict, coll: Any, layout: dict, bone: str, radius: float, rgb: Any, cls: str,
         kind: str = "sphere", r2: float | None = None) -> Any:
    """An ellipsoid (or cylinder) filling a bone segment."""
    a, b, _ = layout[bone]
    va, vb = Vector(a), Vector(b)
    length = (vb - va).length
    quat = Vector((0, 0, 1)).rotation_difference((vb - va).normalized())
    ob = _part(stage, fig, coll, bone, kind, tuple((va + vb) / 2), (radius, r2 or radius, length / 2 * 1.08), rgb, cls,
               rot=quat.to_euler())
    return ob


def _human_parts(stage: Stage, fig: dict, coll: Any, L: dict, body: dict[str, Any]) -> None:
    H, h = body["height_m"], body["head_m"]
    skin, hair, top, bottom, accent = body["skin"], body["hair"], body["top"], body["bottom"], body["accent"]
    sw, wa = body["shoulders_m"] / 2, body["waist_m"] / 2
    depth = 0.1 * H / 1.75
    # torso: chest block, waist, pelvis
    _part(stage, fig, coll, "chest", "sphere", _along(L, "chest", 0.45), (sw * 0.92, depth * 1.25, 0.15 * H), top, "body")
    _part(stage, fig, coll, "spine", "sphere", _along(L, "spine", 0.5), (wa * 0.95, depth * 1.1, 0.11 * H), top, "body")
    _part(stage, fig, coll, "hips", "sphere", _along(L, "hips", 0.3), (wa * 1.08, depth * 1.15, 0.075 * H), bottom, "body")
    _seg(stage, fig, coll, L, "neck", 0.03 * H, skin, "body", kind="cylinder")
    # head and face
    hc = Vector(_along(L, "head", 0.5))
    hw = h * body["head_ratio"] / 2
    _part(stage, fig, coll, "head", "sphere", tuple(hc), (hw, hw * 1.08, h / 2), skin, "head")
    jaw = body.get("jaw", 0.45)
    _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((0, -0.1 * h, -0.22 * h))),
          (hw * (0.7 + 0.25 * jaw), hw * 0.8, h * 0.28), skin, "head")
    fig["face"] = {}
    eye_z = hc.z + 0.02 * h
    front = -hw * 1.0
    if not body.get("faceless"):
        for s, side in ((1, "L"), (-1, "R")):
            eye = _part(stage, fig, coll, "head", "sphere", (s * hw * 0.38, front * 0.98, eye_z),
                        (h * 0.06, h * 0.035, h * 0.06 if not body.get("eyepatch") or s > 0 else h * 0.09),
                        (25, 25, 30) if not (body.get("eyepatch") and s < 0) else (10, 10, 10), "head")
            fig["face"][f"eye.{side}"] = eye
            brow = _part(stage, fig, coll, "head", "cube", (s * hw * 0.38, front * 0.97, eye_z + 0.13 * h),
                         (h * 0.09, h * 0.02, h * 0.018), hair, "head")
            fig["face"][f"brow.{side}"] = brow
            _part(stage, fig, coll, "head", "sphere", (s * hw * 1.0, 0, eye_z - 0.04 * h), (h * 0.06, h * 0.09, h * 0.12),
                  skin, "head")
        _part(stage, fig, coll, "head", "cone", (0, front * 1.06, eye_z - 0.12 * h), (h * 0.055, h * 0.055, h * 0.08),
              tuple(c * 0.92 for c in skin), "head", rot=(math.radians(-70), 0, 0))
        # the mouth sits on the front of the jaw, where the camera sees it
        mouth_y = -(0.1 * h + hw * 0.8) - 0.004
        fig["face"]["mouth"] = _part(stage, fig, coll, "head", "sphere", (0, mouth_y, eye_z - 0.3 * h),
                                     (h * 0.13, h * 0.04, h * 0.025), (150, 60, 60), "head")
        if body.get("glasses"):
            for s in (1, -1):  # dark rims, pale lenses, the pupils seen through them
                _part(stage, fig, coll, "head", "cylinder", (s * hw * 0.38, front * 1.04, eye_z), (h * 0.1, h * 0.1, h * 0.01),
                      (30, 30, 30), "head", rot=(math.radians(90), 0, 0))
                _part(stage, fig, coll, "head", "cylinder", (s * hw * 0.38, front * 1.04 - h * 0.008, eye_z),
                      (h * 0.082, h * 0.082, h * 0.006), (205, 218, 226), "head", rot=(math.radians(90), 0, 0))
                _part(stage, fig, coll, "head", "sphere", (s * hw * 0.38, front * 1.04 - h * 0.016, eye_z),
                      (h * 0.035, h * 0.008, h * 0.035), (25, 25, 30), "head")
            _part(stage, fig, coll, "head", "cube", (0, front * 1.05, eye_z), (hw * 0.15, h * 0.01, h * 0.012), (30, 30, 30), "head")
        if body.get("beard"):
            _part(stage, fig, coll, "head", "sphere", (0, front * 0.78, hc.z - 0.32 * h), (hw * 0.8, hw * 0.55, h * 0.25),
                  hair, "hair")
        if body.get("moustache"):
            _part(stage, fig, coll, "head", "cube", (0, front * 1.0, eye_z - 0.21 * h), (h * 0.12, h * 0.03, h * 0.025), hair, "hair")
    _hair(stage, fig, coll, hc, hw, h, body)
    # arms: sleeves in the top colour, hands in skin
    for side in ("L", "R"):
        _part(stage, fig, coll, f"shoulder.{side}", "sphere", _along(L, f"shoulder.{side}", 0.8),
              (0.055 * H, 0.055 * H, 0.045 * H), top, "body")
        _seg(stage, fig, coll, L, f"upper_arm.{side}", 0.036 * H, top, "arm")
        _seg(stage, fig, coll, L, f"forearm.{side}", 0.03 * H, top if not body.get("skirt") else skin, "arm")
        _seg(stage, fig, coll, L, f"hand.{side}", 0.024 * H, skin, "arm", r2=0.013 * H)
        leg = skin if body.get("skirt") else bottom
        _seg(stage, fig, coll, L, f"thigh.{side}", 0.058 * H, leg, "body")
        _seg(stage, fig, coll, L, f"shin.{side}", 0.042 * H, leg, "body")
        a, b, _ = L[f"foot.{side}"]
        _part(stage, fig, coll, f"foot.{side}", "sphere", ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 - 0.01, 0.035 * H / 1.75),
              (0.045 * H / 1.75, 0.13 * H / 1.75, 0.04 * H / 1.75), tuple(c * 0.5 for c in accent), "body")
    if body.get("skirt"):
        _part(stage, fig, coll, "hips", "cone", (0, 0, L["hips"][0][2] - 0.1 * H), (wa * 1.7, wa * 1.4, 0.16 * H), bottom,
              "body")
    # the keypoints OpenPose needs that are not bone ends (armature rest space)
    fig["keypoints_rest"] = {
        "nose": ("head", (0, front * 1.1, eye_z - 0.12 * h)),
        "eye.R": ("head", (-hw * 0.38, front, eye_z)), "eye.L": ("head", (hw * 0.38, front, eye_z)),
        "ear.R": ("head", (-hw, 0, eye_z - 0.04 * h)), "ear.L": ("head", (hw, 0, eye_z - 0.04 * h)),
    }


def _hair(stage: Stage, fig: dict, coll: Any, hc: Vector, hw: float, h: float, body: dict[str, Any]) -> None:
    style, hair = body.get("hair_style", "short"), body["hair"]
    if style == "bald":
        return
    part = body.get("parting", 1)
    cap_scale = {"buzz": 1.03, "afro": 1.45, "curly": 1.16, "spiky": 1.06}.get(style, 1.1)
    cap = (hw * cap_scale, hw * 1.08 * cap_scale, h / 2 * (cap_scale if style != "afro" else 1.25))
    # a cap over the skull, set back so the face stays clear
    _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((0, 0.05 * h, 0.07 * h if style != "afro" else 0.15 * h))),
          cap, hair, "hair")
    if style in ("long", "wavy"):
        drop = 0.95 * h if style == "long" else 0.6 * h
        _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((0, 0.18 * h, -drop * 0.5))),
              (hw * 1.05, hw * 0.55, drop * 0.75), hair, "hair")
    elif style == "bob":
        _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((0, 0.06 * h, -0.12 * h))),
              (hw * 1.16, hw * 1.05, h * 0.42), hair, "hair")
    elif style == "ponytail":
        _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((part * 0.05 * h, hw * 1.25, -0.25 * h))),
              (h * 0.12, h * 0.14, h * 0.45), hair, "hair")
    elif style == "bun":
        _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((0, hw * 0.9, 0.35 * h))), (h * 0.2,) * 3, hair, "hair")
    elif style == "spiky":
        for i in range(5):
            a = math.radians(-60 + i * 30)
            _part(stage, fig, coll, "head", "cone", tuple(hc + Vector((math.sin(a) * hw * 0.6, 0.05 * h, 0.52 * h))),
                  (h * 0.1, h * 0.1, h * 0.16), hair, "hair", rot=(0, a * 0.6, 0))
    elif style == "curly":
        for i in range(6):
            a = math.radians(i * 60)
            _part(stage, fig, coll, "head", "sphere",
                  tuple(hc + Vector((math.cos(a) * hw * 0.9, math.sin(a) * hw * 0.7 + 0.1 * h, 0.2 * h))),
                  (h * 0.2,) * 3, hair, "hair")


def _animal_parts(stage: Stage, fig: dict, coll: Any, L: dict, body: dict[str, Any]) -> None:
    H, h = body["height_m"], body["head_m"]
    fur = body["hair"]
    _seg(stage, fig, coll, L, "chest", 0.24 * H, fur, "body")
    _seg(stage, fig, coll, L, "hips", 0.22 * H, fur, "body")
    _seg(stage, fig, coll, L, "neck", 0.12 * H, fur, "body")
    hc = Vector(_along(L, "head", 0.4))
    _part(stage, fig, coll, "head", "sphere", tuple(hc), (h * 0.42, h * 0.5, h * 0.42), fur, "head")
    _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((0, -h * 0.45, -h * 0.12))), (h * 0.2, h * 0.3, h * 0.18),
          tuple(c * 0.85 for c in fur), "head")
    for s in (1, -1):
        _part(stage, fig, coll, "head", "sphere", tuple(hc + Vector((s * h * 0.18, -h * 0.42, h * 0.08))), (h * 0.05,) * 3,
              (20, 20, 20), "head")
        _part(stage, fig, coll, "head", "cone", tuple(hc + Vector((s * h * 0.28, 0, h * 0.45))), (h * 0.1, h * 0.06, h * 0.16),
              fur, "head")
    for key in ("thigh.L", "thigh.R", "upper_arm.L", "upper_arm.R"):
        _seg(stage, fig, coll, L, key, 0.06 * H, fur, "arm" if "arm" in key else "body", kind="cylinder")
    _seg(stage, fig, coll, L, "tail", 0.04 * H, fur, "body")
    fig["keypoints_rest"] = {"nose": ("head", tuple(hc + Vector((0, -h * 0.7, -h * 0.12))))}


# -- poses --------------------------------------------------------------------------------

#: limb directions (character space: front −Y, left +X) per pose; missing bones keep the rest pose
def _pose_dirs(pose: str) -> dict[str, tuple[float, float, float]]:
    down = (0, 0, -1)
    d: dict[str, tuple[float, float, float]] = {
        "upper_arm.L": (0.1, 0.02, -1), "upper_arm.R": (-0.1, 0.02, -1), "forearm.L": (0.05, -0.12, -1),
        "forearm.R": (-0.05, -0.12, -1), "hand.L": (0.03, -0.1, -1), "hand.R": (-0.03, -0.1, -1),
        "thigh.L": down, "thigh.R": down, "shin.L": down, "shin.R": down, "foot.L": (0, -1, -0.25), "foot.R": (0, -1, -0.25)}
    if pose == "walk":
        d.update({"thigh.L": (0, -0.4, -1), "shin.L": (0, -0.15, -1), "thigh.R": (0, 0.35, -1), "shin.R": (0, 0.6, -1),
                  "upper_arm.L": (0.08, 0.35, -1), "forearm.L": (0.05, 0.1, -1),
                  "upper_arm.R": (-0.08, -0.4, -1), "forearm.R": (-0.05, -0.7, -1)})
    elif pose == "run":
        d.update({"thigh.L": (0, -1, -0.55), "shin.L": (0, 0.1, -1), "thigh.R": (0, 0.55, -1), "shin.R": (0, 1, -0.3),
                  "upper_arm.L": (0.1, 0.7, -1), "forearm.L": (0.05, -0.3, -1),
                  "upper_arm.R": (-0.1, -0.7, -1), "forearm.R": (-0.05, -1, 0.6), "spine": (0, -0.25, 1),
                  "chest": (0, -0.25, 1)})
    elif pose == "sit":
        d.update({"thigh.L": (0.08, -1, 0), "thigh.R": (-0.08, -1, 0), "shin.L": (0, -0.12, -1), "shin.R": (0, -0.12, -1),
                  "upper_arm.L": (0.1, -0.35, -1), "upper_arm.R": (-0.1, -0.35, -1),
                  "forearm.L": (0.02, -1, -0.35), "forearm.R": (-0.02, -1, -0.35)})
    elif pose == "kneel":
        d.update({"thigh.L": (0.05, -1, -0.05), "shin.L": (0, 0, -1), "thigh.R": (-0.05, -0.05, -1), "shin.R": (0, 1, -0.05),
                  "foot.R": (0, 0.3, -1)})
    elif pose == "point":
        d.update({"upper_arm.R": (-0.15, -1, 0.2), "forearm.R": (-0.15, -1, 0.22), "hand.R": (-0.15, -1, 0.22)})
    elif pose == "hold":
        d.update({"upper_arm.R": (-0.12, -0.25, -1), "forearm.R": (0.05, -1, 0.15), "hand.R": (0.05, -1, 0.1)})
    elif pose == "reach":
        d.update({"upper_arm.R": (-0.1, -1, 0.45), "forearm.R": (-0.05, -1, 0.5), "hand.R": (-0.05, -1, 0.5)})
    elif pose == "embrace":
        d.update({"upper_arm.L": (0.35, -1, -0.25), "upper_arm.R": (-0.35, -1, -0.25),
                  "forearm.L": (-0.9, -0.45, 0), "forearm.R": (0.9, -0.45, 0.05),
                  "hand.L": (-1, 0.1, 0), "hand.R": (1, 0.1, 0.05)})
    elif pose == "fight":
        d.update({"thigh.L": (0.3, -0.3, -1), "thigh.R": (-0.3, 0.25, -1), "shin.L": (0.1, 0.1, -1), "shin.R": (-0.1, 0.1, -1),
                  "upper_arm.L": (0.35, -0.75, -0.7), "upper_arm.R": (-0.35, -0.55, -0.8),
                  "forearm.L": (-0.1, -0.5, 1), "forearm.R": (0.1, -0.35, 1), "chest": (0, -0.1, 1)})
    return d


def _drop(pose: str, body: dict[str, Any]) -> float:
    """How far the hips drop in a pose (metres), so the feet / knees / seat touch the floor."""
    H = body["height_m"]
    hip_z = H * 0.52
    if pose == "sit":
        return hip_z - 0.46 * H / 1.75
    if pose == "kneel":
        return hip_z - (hip_z * 0.52 + 0.03)
    if pose == "fight":
        return 0.04 * H
    return 0.0


def pose_figure(fig: dict[str, Any], c: dict[str, Any]) -> None:
    """Pose a mannequin for a shot: reset, aim each limb, stand it on its mark facing its way."""
    rig = fig["rig"]
    body = fig["body"]
    pose = c.get("pose", "stand")
    for pb in rig.pose.bones:
        pb.rotation_mode = "QUATERNION"
        pb.rotation_quaternion = Quaternion()
        pb.location = (0, 0, 0)
    if body.get("form") == "human":
        dirs = _pose_dirs(pose)
        if body.get("stoop_deg"):
            t = math.radians(body["stoop_deg"])
            dirs.setdefault("chest", (0, -math.sin(t), math.cos(t)))
            dirs.setdefault("neck", (0, -math.sin(t * 1.4), math.cos(t * 1.4)))
        aim_bones(rig, dirs)
    lie = pose == "lie"
    x, y = c["mark"]
    face = math.radians(c["facing"] + 90)
    if lie and body.get("form") == "human":  # on the back, head away from the facing direction
        rig.rotation_euler = (math.radians(-90), 0, face)
        rig.location = (x, y, 0.11 * body["height_m"] / 1.75)
    else:
        rig.rotation_euler = (0, 0, face)
        rig.location = (x, y, -_drop(pose, body) if body.get("form") == "human" else c.get("hover", 0.0))
    if body.get("form") == "cloud":
        rig.location = (x, y, 0.4)
    _expression(fig, c.get("expression", "neutral"))


def aim_bones(rig: Any, dirs: dict[str, tuple[float, float, float]]) -> None:
    """Rotate pose bones so each named bone points along its direction (armature rest space)."""
    bones = rig.data.bones
    posed: dict[str, Matrix] = {}

    def orient(bone: Any) -> Matrix:
        if bone.name in posed:
            return posed[bone.name]
        rest = bone.matrix_local.to_3x3()
        if bone.parent:
            parent_rest = bone.parent.matrix_local.to_3x3()
            r0 = orient(bone.parent) @ (parent_rest.inverted() @ rest)
        else:
            r0 = rest.copy()
        if bone.name in dirs:
            cur = r0 @ Vector((0, 1, 0))
            rot = cur.rotation_difference(Vector(dirs[bone.name]).normalized()).to_matrix()
            new = rot @ r0
            rig.pose.bones[bone.name].rotation_quaternion = (r0.inverted() @ new).to_quaternion()
        else:
            new = r0
        posed[bone.name] = new
        return new

    for bone in bones:
        orient(bone)


def turn_head(fig: dict[str, Any], point: Vector) -> None:
    """Turn the head (and a little of the chest) towards ``point``, at most 70° from the body's facing."""
    rig = fig["rig"]
    if "head" not in rig.pose.bones or fig["body"].get("form") != "human":
        return
    pb = rig.pose.bones["head"]
    head_world = rig.matrix_world @ pb.head
    to = rig.matrix_world.inverted().to_3x3() @ (point - head_world)
    yaw = math.atan2(to.x, -to.y)  # 0 = straight ahead (−Y in rig space); + turns to the figure's left
    yaw = max(-math.radians(70), min(math.radians(70), yaw))
    pitch = math.atan2(to.z, math.hypot(to.x, to.y))
    pitch = max(-math.radians(25), min(math.radians(25), pitch))
    rest = pb.bone.matrix_local.to_3x3()
    # rotate about the rig's Z (turn) and X (nod), expressed in the head bone's local frame
    world_rot = Matrix.Rotation(yaw, 3, "Z") @ Matrix.Rotation(-pitch, 3, "X")  # +X rotation nods down
    local = rest.inverted() @ world_rot @ rest
    pb.rotation_quaternion = local.to_quaternion() @ pb.rotation_quaternion
    fig["head_yaw"] = math.degrees(yaw)
    bpy.context.view_layer.update()


def _expression(fig: dict[str, Any], expression: str) -> None:
    face = fig.get("face") or {}
    if "mouth" not in face:
        return
    h = fig["body"]["head_m"]
    mouth = face["mouth"]
    mouth.scale = {"happy": (h * 0.17, h * 0.03, h * 0.035), "sad": (h * 0.09, h * 0.03, h * 0.018),
                   "surprised": (h * 0.065, h * 0.03, h * 0.075), "angry": (h * 0.12, h * 0.03, h * 0.015)}.get(
        expression, (h * 0.13, h * 0.03, h * 0.025))
    for side, s in (("L", 1), ("R", -1)):
        brow = face.get(f"brow.{side}")
        if brow is None:
            continue
        tilt = {"angry": -0.45, "sad": 0.4, "surprised": 0.0}.get(expression, 0.0)
        brow.rotation_euler = (0, s * tilt, 0)
        base = brow.get("z0", brow.location.z)
        brow["z0"] = base
        brow.location.z = base + (0.05 * h if expression == "surprised" else 0.0)


# -- props ------------------------------------------------------------------------------------

def build_prop(stage: Stage, prop: dict[str, Any], shown: dict[str, Any]) -> None:
    coll = stage.props
    kind = prop["kind"]
    sx, sy, sz = prop["size"]
    if prop.get("hand") in shown:
        fig = shown[prop["hand"]]
        rig = fig["rig"]
        bone = "hand.R" if "hand.R" in rig.pose.bones else "head"
        pb = rig.pose.bones[bone]
        at = rig.matrix_world @ pb.tail
        ob = stage.solid(coll, "cube", tuple(at), (sx / 2, sy / 2, sz / 2), (40, 40, 45) if kind in ("phone", "gun") else
                         (150, 120, 80) if kind in ("bag", "book") else (220, 220, 225), name=f"prop:{kind}")
        ob.rotation_euler = rig.matrix_world.to_euler()
        return
    x, y, z = prop["at"]
    rot = (0, 0, math.radians(prop.get("rot", 0.0)))
    wood, dark, metal = (130, 95, 62), (50, 50, 55), (160, 165, 175)
    if kind == "table":
        stage.solid(coll, "cube", (x, y, sz - 0.03), (sx / 2, sy / 2, 0.03), wood, rot=rot, name="prop:table")
        for dx in (-1, 1):
            for dy in (-1, 1):
                c, s = math.cos(rot[2]), math.sin(rot[2])
                lx, ly = dx * (sx / 2 - 0.06), dy * (sy / 2 - 0.06)
                stage.solid(coll, "cube", (x + lx * c - ly * s, y + lx * s + ly * c, (sz - 0.06) / 2),
                            (0.03, 0.03, (sz - 0.06) / 2), wood, rot=rot, name="prop:table-leg")
    elif kind == "chair":
        stage.solid(coll, "cube", (x, y, 0.45), (sx / 2, sy / 2, 0.03), wood, rot=rot, name="prop:chair")
        c, s = math.cos(rot[2]), math.sin(rot[2])
        bx, by = 0.0, sy / 2  # back rest behind the sitter (local +Y)
        stage.solid(coll, "cube", (x + bx * c - by * s, y + bx * s + by * c, 0.7), (sx / 2, 0.02, 0.22), wood, rot=rot,
                    name="prop:chair-back")
        stage.solid(coll, "cube", (x, y, 0.22), (sx / 2 * 0.9, sy / 2 * 0.9, 0.22), tuple(v * 0.8 for v in wood), rot=rot,
                    name="prop:chair-base")
    elif kind == "car":
        stage.solid(coll, "cube", (x, y, 0.55), (sx / 2, sy / 2, 0.38), (120, 30, 35), rot=rot, name="prop:car")
        stage.solid(coll, "cube", (x - 0.2, y, 1.15), (sx / 2 * 0.55, sy / 2 * 0.92, 0.28), (150, 170, 190), rot=rot,
                    name="prop:car-cabin")
        for wx in (-1.4, 1.4):
            for wy in (-0.85, 0.85):
                stage.solid(coll, "cylinder", (x + wx, y + wy, 0.33), (0.33, 0.33, 0.1), dark,
                            rot=(math.radians(90), 0, 0), name="prop:wheel")
    elif kind == "door":
        stage.solid(coll, "cube", (x, y, sz / 2), (sx / 2 + 0.06, sy / 2, sz / 2 + 0.04), (230, 226, 218), rot=rot,
                    name="prop:door-frame")
        stage.solid(coll, "cube", (x, y - 0.02, sz / 2), (sx / 2, sy / 2, sz / 2), (110, 80, 58), rot=rot, name="prop:door")
    elif kind == "lamp":
        stage.solid(coll, "cylinder", (x, y, 0.8), (0.02, 0.02, 0.8), metal, name="prop:lamp")
        stage.solid(coll, "cone", (x, y, 1.6), (0.2, 0.2, 0.18), (240, 220, 170), name="prop:lamp-shade")
    elif kind in ("bed", "sofa"):
        stage.solid(coll, "cube", (x, y, sz / 2), (sx / 2, sy / 2, sz / 2 * 0.6), (120, 110, 140), rot=rot, name=f"prop:{kind}")
        stage.solid(coll, "cube", (x, y + sy / 2 - 0.1, sz * 0.8), (sx / 2, 0.1, sz * 0.3), (100, 90, 120), rot=rot,
                    name=f"prop:{kind}-back")
    else:
        stage.solid(coll, "cube", (x, y, z + sz / 2), (sx / 2, sy / 2, sz / 2), metal if kind in ("laptop",) else (150, 120, 80),
                    rot=rot, name=f"prop:{kind}")


# -- reports: keypoints, framing -----------------------------------------------------------------

COCO = ["nose", "neck", "shoulder.R", "elbow.R", "wrist.R", "shoulder.L", "elbow.L", "wrist.L", "hip.R", "knee.R",
        "ankle.R", "hip.L", "knee.L", "ankle.L", "eye.R", "eye.L", "ear.R", "ear.L"]


def _world_point(rig: Any, bone: str, rest_point: Any) -> Vector:
    pb = rig.pose.bones[bone]
    return rig.matrix_world @ pb.matrix @ pb.bone.matrix_local.inverted() @ Vector(rest_point)


def figure_report(fig: dict[str, Any], scene: Any) -> dict[str, Any]:
    """World positions of the head top, chin, shoulders and feet, and their camera projections
    (``world_to_camera_view``: x, y in 0..1 from the bottom left, depth), plus OpenPose keypoints."""
    rig = fig["rig"]
    cam = scene.camera
    pbs = rig.pose.bones
    pts: dict[str, Vector] = {}
    def w(b: str, end: str = "head") -> Vector:  # a pose bone's head (or tail) in world space
        return rig.matrix_world @ getattr(pbs[b], end)

    if fig["body"].get("form") == "human":
        pts = {"head_top": w("head", "tail"), "chin": w("head"), "neck": w("neck"),
               "shoulder.L": w("upper_arm.L"), "shoulder.R": w("upper_arm.R"),
               "elbow.L": w("forearm.L"), "elbow.R": w("forearm.R"), "wrist.L": w("hand.L"), "wrist.R": w("hand.R"),
               "hip.L": w("thigh.L"), "hip.R": w("thigh.R"), "knee.L": w("shin.L"), "knee.R": w("shin.R"),
               "ankle.L": w("foot.L"), "ankle.R": w("foot.R"), "foot.L": w("foot.L", "tail"), "foot.R": w("foot.R", "tail")}
        pts["neck"] = (pts["shoulder.L"] + pts["shoulder.R"]) / 2
    else:
        pts = {"head_top": w("head", "tail"), "chin": w("head"), "neck": w("head"),
               "foot.L": Vector((rig.location.x, rig.location.y, 0.0)), "foot.R": Vector((rig.location.x, rig.location.y, 0.0))}
    for key, (bone, rest) in (fig.get("keypoints_rest") or {}).items():
        if isinstance(rest, tuple) and bone in pbs:
            pts[key] = _world_point(rig, bone, rest)
    projected = {k: tuple(world_to_camera_view(scene, cam, v)) for k, v in pts.items()}
    keypoints = [projected.get(name) for name in COCO]
    return {"world": {k: tuple(v) for k, v in pts.items()}, "projected": projected, "keypoints": keypoints,
            "head_yaw": fig.get("head_yaw", 0.0)}


def draw_openpose(people: list[list[Any]], width: int, height: int, path: str) -> None:
    """The OpenPose (COCO-18) skeleton image ControlNet openpose models take: coloured limbs on black."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (0, 0, 0))
    d = ImageDraw.Draw(img)
    stick = max(2, round(min(width, height) / 120))

    def px(p: Any) -> tuple[float, float] | None:
        if p is None or p[2] <= 0 or not (-0.2 <= p[0] <= 1.2 and -0.2 <= p[1] <= 1.2):
            return None
        return p[0] * width, (1 - p[1]) * height

    for kps in people:
        pts = [px(p) for p in kps]
        for i, (a, b) in enumerate(OPENPOSE_LIMBS):
            pa, pb = pts[a], pts[b]
            if pa and pb:
                colour = tuple(int(c * 0.6) for c in OPENPOSE_COLOURS[i % 18])
                d.line([pa, pb], fill=colour, width=stick * 2)
        for i, p in enumerate(pts):
            if p:
                d.ellipse((p[0] - stick, p[1] - stick, p[0] + stick, p[1] + stick), fill=OPENPOSE_COLOURS[i])
    img.save(path)
