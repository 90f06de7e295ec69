"""Take grid: every shot slot of the cut (rows) with its candidates — the AI shot and the real takes
matched to it — as thumbnails, so a director chooses the takes of all slots at once.

Each row keeps a pick (AI or a take), the take's in-frame and, where the take sits next to a picture
from elsewhere (an AI shot, another camera's take), a "match colour" box. **Save choices** stores every
row that changed through ``service.cut_choice`` — what `studio cut choose` and the Shot Generator's
single-slot controls store — so the grid shows the stored cut again after a reload. Mounted as a tab of
the Shot Generator (it uses its project, service and thumbnail cache)::

    gen = ShotGenerator(context=ctx)
    gen.take_grid.pick("1.2", "S1_SH2_T1"); gen.take_grid.save()
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import panel as pn

from studio_kit.domain.production import CutChoice
from studio_kit.engines.production import cut, footage
from studio_kit.exceptions import StudioError
from studio_kit.templating import render_macro
from studio_kit.ui.feedback import ActionFeedback

AI = "__ai__"
THUMB_W = 160


def _view(name: str, *args: Any) -> str:
    """One of the take grid's HTML pieces (template take_grid/views.html.j2)."""
    return render_macro("take_grid/views.html.j2", name, *args)


@dataclass
class Row:
    """One shot slot's widgets and what the cut stores for it."""

    number: str
    pick: Any                     # RadioButtonGroup: AI or a take name
    in_frame: Any                 # IntInput
    match: Any                    # Checkbox: colour-match the take to its neighbour
    pictures: Any                 # HTML: the candidates' thumbnails
    stored: tuple[str, int, bool]  # (pick, in-frame, colour-matched) as stored


class TakeGrid(ActionFeedback, pn.viewable.Viewer):
    action_owner = "Take grid"

    def __init__(self, generator: Any, **params):
        super().__init__(**params)
        self.generator = generator
        self.rows: dict[str, Row] = {}
        self._by_name: dict[str, Any] = {}
        self.alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width")
        self.save_button = pn.widgets.Button(name="Save choices", button_type="primary", width=160)
        self.save_button.on_click(lambda _e: self._act(self.save))
        self.summary = pn.pane.HTML("", sizing_mode="stretch_width")
        self.body = pn.Column(pn.pane.Markdown("No shots yet: render the shots first."), sizing_mode="stretch_width")

    # ------------------------------------------------------------ state
    @property
    def ctx(self) -> Any:
        return self.generator.ctx

    def _candidates(self) -> tuple[dict[str, list[Any]], dict[str, Any], dict[str, Any]]:
        plan = self.generator.plan
        takes = footage.list_takes(self.ctx)
        by_name = {t.name: t for t in takes}
        by_shot = footage.takes_for(plan, takes)
        choices = cut.load_choices(self.ctx, plan.script_name)
        for number, choice in choices.items():   # a take cut into a slot it was not matched to stays a candidate
            if choice.source == "take" and choice.take in by_name and number in by_shot \
                    and all(t.name != choice.take for t in by_shot[number]):
                by_shot[number].append(by_name[choice.take])
        return by_shot, by_name, choices

    def refresh(self) -> None:
        """Rebuild the rows from the plan, the ingested takes and the stored cut."""
        plan = self.generator.plan
        self.rows = {}
        if plan is None:
            self.body.objects = [pn.pane.Markdown("No shots yet: render the shots first.")]
            self.summary.object = ""
            return
        by_shot, by_name, choices = self._candidates()
        self._by_name = by_name
        objects: list[pn.viewable.Viewable] = []
        for shot in plan.active:
            candidates = by_shot.get(shot.number, [])
            choice = choices.get(shot.number)
            real = choice if choice is not None and choice.source == "take" and choice.take in by_name else None
            stored = ((real.take, real.in_frame, bool(real.extra.get("colour_match"))) if real is not None
                      else (AI, 0, False))
            options = {"AI shot": AI, **{t.name: t.name for t in candidates}}
            pick = pn.widgets.RadioButtonGroup(name=f"Shot {shot.number}", options=options, value=stored[0],
                                               button_type="default", css_classes=["tg-pick"])
            in_frame = pn.widgets.IntInput(name="From frame", value=stored[1], start=0, width=100)
            match = pn.widgets.Checkbox(name="Match colour", value=stored[2])
            row = Row(shot.number, pick, in_frame, match, pn.pane.HTML("", sizing_mode="stretch_width"), stored)
            for widget, what in ((pick, "value"), (in_frame, "value"), (match, "value")):
                widget.param.watch(lambda _e, r=row: self._show_row(r), what)
            self.rows[shot.number] = row
            label = pn.pane.HTML(_view("label", shot), width=170)
            objects.append(pn.Row(label, pn.Column(pick, pn.Row(in_frame, match), width=330), row.pictures,
                                  sizing_mode="stretch_width", css_classes=["tg-row"]))
        for row in self.rows.values():    # once every row is there: colour-match offers look at the neighbours
            self._show_row(row)
        self.body.objects = objects or [pn.pane.Markdown("The script has no active shots.")]
        self._summarise()

    def _show_row(self, row: Row) -> None:
        """The row's candidates as thumbnails, the picked one framed; the colour box only where it applies."""
        plan, by_name = self.generator.plan, self._by_name
        shot = plan.shot(row.number)
        take = by_name.get(row.pick.value)
        row.in_frame.disabled = take is None
        if take is not None:
            row.in_frame.end = max(0, take.media.frames - 1)
        offered = take is not None and cut.colour_reference(
            plan, {n: self._pending(r) for n, r in self.rows.items() if n != row.number}, row.number,
            take.name) is not None
        row.match.visible = offered
        if not offered:
            row.match.value = False
        cells = []
        for value, label in row.pick.options.items():
            cand = by_name.get(label)
            asset = (cand.thumbnail_asset_ids[0] if cand is not None and cand.thumbnail_asset_ids
                     else shot.asset_id if label == AI else None)
            src = self.generator._thumb(asset, THUMB_W) if asset else ""
            chosen = label == row.pick.value
            badge = "AI" if label == AI else f"REAL · {cand.media.frames} fr" if cand else "REAL"
            cells.append({"choice": label, "chosen": chosen, "src": src, "name": value, "badge": badge})
        row.pictures.object = _view("candidates", row.number, row.stored[0], cells,
                                    self._pending_tuple(row) != row.stored, THUMB_W)
        if self.rows:
            self._summarise()

    def _pending_tuple(self, row: Row) -> tuple[str, int, bool]:
        real = row.pick.value != AI
        return (row.pick.value, int(row.in_frame.value or 0) if real else 0, bool(real and row.match.value))

    def _pending(self, row: Row) -> Any:
        value, in_frame, _ = self._pending_tuple(row)
        return CutChoice(number=row.number, source="ai" if value == AI else "take",
                         take=None if value == AI else value, in_frame=in_frame)

    def changed(self) -> list[str]:
        """Slots whose pick differs from what the cut stores."""
        return [n for n, r in self.rows.items() if self._pending_tuple(r) != r.stored]

    def _summarise(self) -> None:
        real = sum(1 for r in self.rows.values() if r.pick.value != AI)
        pending = self.changed()
        self.summary.object = _view("summary", len(self.rows), real, pending)

    # ------------------------------------------------------------ actions
    def pick(self, number: str, choice: str = AI, in_frame: int = 0, colour_match: bool = False) -> None:
        """Set a row as a director would click it (``choice``: AI or a take name); stored on :meth:`save`."""
        row = self.rows.get(number)
        if row is None:
            raise StudioError(f"No shot slot {number} in the grid.", hint=f"Slots: {', '.join(self.rows)}.")
        if choice not in row.pick.options.values():
            raise StudioError(f"Take {choice} is not a candidate for shot {number}.",
                              hint="Assign it to the shot first: `studio footage assign`.")
        row.pick.value = choice
        row.in_frame.value = in_frame
        row.match.value = colour_match

    def save(self) -> str:
        """Store every changed row through ``service.cut_choice``, in slot order; stops at the first refusal
        (its message names the slot), keeping the rows stored before it."""
        pending = self.changed()
        if not pending:
            return "Nothing changed: the grid shows the stored cut."
        service = self.generator._service
        done: list[str] = []
        for number in pending:
            row = self.rows[number]
            value, in_frame, match = self._pending_tuple(row)
            try:
                if value == AI:
                    service.cut_choice(number, source="ai", ctx=self.ctx)
                else:
                    service.cut_choice(number, source="take", take=value, in_frame=in_frame, colour_match=match,
                                       ctx=self.ctx)
            except StudioError as exc:
                self._after_save()
                saved = f" ({', '.join(done)} saved)" if done else ""
                raise StudioError(f"Shot {number}: {exc.message}{saved}", hint=exc.hint) from None
            done.append(number)
        self._after_save()
        return f"Saved {len(done)} slot{'s' if len(done) != 1 else ''}: {', '.join(done)}."

    def _after_save(self) -> None:
        """Rows, the Shot Generator's slot controls and its timeline strip show the stored cut."""
        self.refresh()
        gen = self.generator
        if gen.plan is not None and gen.shot:
            gen._refresh_cut()
            gen._refresh_strip()

    # ------------------------------------------------------------ layout
    def __panel__(self):
        return pn.Column(pn.Row(self.save_button, self.summary, sizing_mode="stretch_width"), self.alert,
                         self.body, sizing_mode="stretch_width")
