"""Previz nudges: move a character's mark, orbit the camera, change the lens of one staged shot and redraw it
with the 3D previz. One component, mounted by the Shot Generator (the shot on screen) and by Character Lab
(the shots of the character on screen).

    from studio_kit.ui.previz_nudges import PrevizNudges
    nudges = PrevizNudges(context=ctx, on_change=lambda plan: ...)
    nudges.show("1.2")                         # the shot to nudge
    nudges.nudge(mark="MARA", direction="left")  # what the buttons do (also orbit=±15, lens=35, reset=True)

Every nudge goes through :func:`studio_kit.engines.production.service.nudge_shot`: stored on the shot
in the shot plan (so a reload shows it), the frame redrawn as a new variant (the same nudges always draw the
same picture) and the scene's camera plan with its 180° line flags stored again. Under a server the render
runs in a worker thread, so the dashboard keeps serving while Blender draws.
"""
from __future__ import annotations

import asyncio
import functools
import io
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import panel as pn
import param

from studio_kit.backends.image.blender3d import staging
from studio_kit.engines.production import camera_plan, service
from studio_kit.engines.production.shots import shot_request
from studio_kit.exceptions import StudioError
from studio_kit.templating import render_macro
from studio_kit.ui.feedback import ActionFeedback, data_url

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.domain.production import ShotPlan

log = logging.getLogger(__name__)
PICTURE_W = 640


class PrevizNudges(ActionFeedback, pn.viewable.Viewer):
    """Mark (left/right/forward/back), orbit (±15°) and lens nudges of one staged shot, with its redrawn frame."""

    action_owner = "Previz nudges"
    shot = param.String(default="", doc="Number of the shot being nudged.")

    def __init__(self, context: Any = None, *, on_change: Callable[[Any], None] | None = None,
                 character: str | None = None, **params):
        super().__init__(**params)

        self._service, self._camera_plan, self._staging = service, camera_plan, staging
        self.ctx = service.project_context(context)
        self.on_change = on_change
        self.character = character          # Character Lab: only the shots this character is in
        self.plan: ShotPlan | None = None
        w = pn.widgets
        self.shots = w.Select(label="Shot to nudge", options={}, sizing_mode="stretch_width")
        self.shots.param.watch(self._shot_picked, "value")
        self.mark = w.Select(label="Character's mark", options=[], width=180)
        self.mark_buttons = {d: w.Button(label=label, color="default", width=80)
                             for d, label in (("left", "◀ Left"), ("right", "Right ▶"), ("forward", "▼ Forward"),
                                              ("back", "▲ Back"))}
        for direction, button in self.mark_buttons.items():
            button.on_click(functools.partial(self._mark_clicked, direction, button))
        step = staging.ORBIT_STEP
        self.orbit_left = w.Button(label=f"⟲ Orbit −{step:g}°", color="default", width=120)
        self.orbit_right = w.Button(label=f"Orbit +{step:g}° ⟳", color="default", width=120)
        self.orbit_left.on_click(lambda _e: self._run({"orbit": -step}, self.orbit_left))
        self.orbit_right.on_click(lambda _e: self._run({"orbit": step}, self.orbit_right))
        self.lens = w.RadioButtonGroup(label="Lens", options={f"{mm} mm": mm for mm in staging.NUDGE_LENSES},
                                       value=None, color="default")
        self._showing = False
        self.lens.param.watch(self._lens_picked, "value")
        self.reset_button = w.Button(label="Reset nudges", color="warning", width=120)
        self.reset_button.on_click(lambda _e: self._run({"reset": True}, self.reset_button))
        self.alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width")
        self.picture = pn.pane.HTML("", sizing_mode="stretch_width")
        self.flags = pn.pane.HTML("", sizing_mode="stretch_width")

    # ------------------------------------------------------------ widget callbacks
    def _shot_picked(self, event: param.parameterized.Event) -> None:
        if event.new and event.new != self.shot:
            self.show(event.new)

    def _mark_clicked(self, direction: str, button: Any, _event: Any) -> None:
        self._run({"mark": self.mark.value, "direction": direction}, button)

    def _lens_picked(self, event: param.parameterized.Event) -> None:
        if not self._showing and event.new and event.new != event.old:
            self._run({"lens": event.new}, self.lens)

    # ------------------------------------------------------------ actions
    # picks the shot to nudge (the Shot Generator and Character Lab call it so); it replaces Viewer.show (serve the
    # component on its own in a browser tab), which this mounted component never needs: the signatures differ
    def show(self, number: str | None = None, plan: Any = None) -> None:  # type: ignore[override]
        """Put shot ``number`` (default: the first the component offers) in the nudge controls."""
        self.plan = plan or self._service.shot_plan_or_none(ctx=self.ctx)
        if self.plan is None:
            self.picture.object = "<p>No shots yet: render the shots of a script first.</p>"
            return
        shots = [s for s in self.plan.active
                 if not self.character or self.character.upper() in {n.upper() for n in s.subjects}]
        self.shots.options = {f"Sc {s.scene_label} · {s.number} {s.size}": s.number for s in shots}
        numbers = [s.number for s in shots]
        if number not in numbers:
            number = self.shot if self.shot in numbers else (numbers[0] if numbers else "")
        self.shot = number or ""
        self.shots.value = self.shot or None
        self._show_shot()

    def show_character(self, name: str | None) -> None:
        """Character Lab: offer only the shots ``name`` is in (None: every shot)."""
        self.character = name
        self.show(None)

    def nudge(self, **step: Any) -> str:
        """One nudge (``mark``+``direction``, ``orbit``, ``lens`` or ``reset``) of the shot on screen, redrawn and
        shown; returns what the alert says."""
        return self._after(self._nudged_plan(step))

    def _nudged_plan(self, step: dict[str, Any]) -> Any:
        """Store the nudge and redraw the shot (no view update: this part may run in a worker thread)."""
        if not self.shot:
            raise StudioError("No shot to nudge.", hint="Render the shots of a script, then pick one.")
        if step.get("direction") and not step.get("mark"):
            raise StudioError("Whose mark?", hint="Pick the character in 'Character's mark'.")
        return self._service.nudge_shot(self.shot, ctx=self.ctx, **step)

    def _after(self, plan: Any) -> str:
        self.plan = plan
        self._show_shot()
        if self.on_change is not None:
            self.on_change(plan)
        shot = plan.shot(self.shot)
        return f"Shot {shot.number} redrawn in 3D: {self._describe(shot.previz)} (variant {len(shot.variants)})."

    def _run(self, step: dict[str, Any], busy: Any) -> None:
        """A button's nudge: straight away without a server; under one, the render (Blender in its worker
        process) is waited for in a thread, so the server's loop keeps serving, and the view updates after."""
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self._act(lambda: self.nudge(**step))
            return

        async def go() -> None:
            busy.loading = True
            try:
                plan = await asyncio.to_thread(self._nudged_plan, step)
                message = self._after(plan)
            except Exception as exc:
                self.failed(exc)
            else:
                self.notify(message, "success")
            finally:
                busy.loading = False
        pn.state.execute(go)

    # ------------------------------------------------------------ views
    @staticmethod
    def _describe(previz: dict[str, Any]) -> str:
        if not previz:
            return "no nudges (the staging as planned)"
        parts = [f"{name} {dx:+.2f} m across, {dy:+.2f} m deep" for name, (dx, dy) in previz.get("marks", {}).items()]
        if previz.get("orbit"):
            parts.append(f"orbit {previz['orbit']:+g}°")
        if previz.get("lens"):
            parts.append(f"{previz['lens']:g} mm lens")
        return ", ".join(parts)

    def _show_shot(self) -> None:
        if self.plan is None or not self.shot:
            self.picture.object = "<p>No shot to nudge here.</p>"
            self.flags.object = ""
            return

        shot = self.plan.shot(self.shot)
        request, _ = shot_request(self.ctx, shot, self.plan)
        cast = list(request.scene.get("characters") or [])
        self.mark.options = cast
        if self.mark.value not in cast:
            self.mark.value = cast[0] if cast else None
        self._showing = True
        try:
            lens = shot.previz.get("lens")
            self.lens.value = int(lens) if lens and int(lens) in self.lens.options.values() else None
        finally:
            self._showing = False
        src = ""
        if shot.asset_id:
            from PIL import Image

            img = Image.open(io.BytesIO(self.ctx.read_bytes(shot.asset_id))).convert("RGB")
            img.thumbnail((PICTURE_W, PICTURE_W))
            buf = io.BytesIO()
            img.save(buf, format="PNG")
            src = data_url(buf.getvalue(), "image/png")
        self.picture.object = _view("picture", shot, json.dumps(shot.previz, sort_keys=True), src,
                                    self._describe(shot.previz), PICTURE_W)
        self.flags.object = line_flags_html(self._camera_plan.camera_plan_record(self.ctx, self.plan, shot.scene_label),
                                            highlight=shot.number)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self.alert, self.shots, self.picture,
            pn.Row(self.mark, *self.mark_buttons.values()),
            pn.Row(self.orbit_left, self.orbit_right, self.reset_button),
            pn.Row(pn.pane.Markdown("Lens", width=50), self.lens),
            self.flags, sizing_mode="stretch_width")


def line_flags_html(record: dict[str, Any], highlight: str | None = None) -> str:
    """The stored camera plan's 180° line flags as a table: each shot's side of the line, crossings in red."""
    flags = record.get("line_flags", [])
    between: list[str] = next((f["between"] for f in flags if f["between"]), [])
    return _view("line_flags", record, flags, between, highlight)


def _view(name: str, *args: Any) -> str:
    """One of the nudges' HTML pieces (template previz_nudges/views.html.j2)."""
    return render_macro("previz_nudges/views.html.j2", name, *args)
