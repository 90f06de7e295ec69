"""The Breakdown & Budget Board: breakdown sheets, stripboard, DOOD, budget and call sheets.

:class:`BreakdownBoard` is a ``pn.viewable.Viewer`` built fresh for every
browser session around one :class:`~studio_kit.ui.board_state.BoardState`.
Every change (a tag edit, a dragged strip, a re-optimise, a budget edit)
goes through the state, then :meth:`BreakdownBoard.refresh` redraws the tabs
that depend on it. Errors from the engines (``StudioError``) are shown in a
red banner at the top, never as a traceback, and leave the board as it was.

Budget figures are confidential: a user whose project role lacks ``see_budget``
(viewers, artists ...) gets the board without them (the Budget tab says why);
without ``edit_budget`` the budget is read-only. Locking the cast numbers needs
``edit_schedule`` and, for a stored script version, the ``breakdown.lock`` gate.
"""
from __future__ import annotations

import functools
import io
import os
import re
from pathlib import Path

import panel as pn
import param

from studio_kit.domain.budget import TopSheetGroup
from studio_kit.domain.callsheet import CallSheetSettings
from studio_kit.domain.preproduction import (
    BreakdownCategory,
    ScheduleLimits,
    format_eighths,
    parse_eighths,
)
from studio_kit.engines.preproduction.budget import detail_rows, format_money, preset_names
from studio_kit.engines.preproduction.callsheet import render_html
from studio_kit.engines.preproduction.daytimes import next_monday
from studio_kit.engines.preproduction.service import (
    can_see_budget,
    require_breakdown_lock,
    require_budget,
)
from studio_kit.exceptions import ScheduleError, StudioError
from studio_kit.platform import permissions
from studio_kit.templating import render_macro
from studio_kit.ui import board_views as views
from studio_kit.ui.board_state import SAMPLE_SCRIPT as _SAMPLE
from studio_kit.ui.board_state import BoardError, BoardState, download_name, latest_script
from studio_kit.ui.feedback import one_update
from studio_kit.ui.project_picker import current_context
from studio_kit.ui.stripboard_widget import StripboardBoard, board_rows

CATEGORY_OPTIONS = {c.label: c.value for c in BreakdownCategory}
GROUP_COLOURS = {"atl": "#8b1e3f", "btl": "#1565c0", "post": "#2e7d32", "other": "#6d4c41"}
COST_CSS = """
.cost { font: 14px/1.5 sans-serif; padding: 6px 10px; background: #f5f1ea; border-left: 4px solid #8b1e3f;
        overflow-wrap: anywhere; }
.note, .published { font: 13px sans-serif; margin: 4px 0; color: #6d4c00; }
"""
BUDGET_TAB = 4
CALLS_TAB = 5
EAGER_TABS = (0,)      # Breakdown: on the page from the first render (every other tab when first opened)
MONEY = {"type": "money", "symbol": "$", "precision": 2, "thousand": ","}


def _view(name: str, *args) -> str:
    """One of the board's HTML pieces (template breakdown_board/views.html.j2)."""
    return render_macro("breakdown_board/views.html.j2", name, *args)


def guarded(method):
    """Run a UI callback as one update of the page (``one_update``); a StudioError becomes the red banner
    instead of a traceback."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with one_update():
            try:
                result = method(self, *args, **kwargs)
            except StudioError as exc:
                hint = f" — {exc.hint}" if getattr(exc, "hint", None) else ""
                stale = self.state is not None and self.state.stale is not None
                if stale:                    # the producer's change stays on screen, unsaved, until they reload
                    self.refresh()
                self._alert.object = f"**{'Not saved' if stale else type(exc).__name__}:** " \
                                     f"{getattr(exc, 'message', str(exc))}{hint}"
                self._alert.visible = True
                self.reload_button.visible = stale
                return None
            self._alert.visible = False
            self.reload_button.visible = False
            return result
    return wrapper


class BreakdownBoard(pn.viewable.Viewer):
    """A producer's pre-production board for one script (state per session)."""

    script_path = param.String(default="", doc="Fountain file to open (default: the built-in sample short).")
    time_limit = param.Number(default=3.0, bounds=(0.5, 60), doc="Solver time limit for Re-optimise, seconds.")

    def __init__(self, ctx=None, **params):
        super().__init__(**params)

        self.ctx = ctx or current_context()
        self._alert = pn.pane.Alert("", alert_type="danger", visible=False, sizing_mode="stretch_width")
        self.reload_button = pn.widgets.Button(label="Reload board", color="warning", icon="refresh",
                                               visible=False, width=150)
        self.reload_button.on_click(self._on_reload)
        self._build_source_widgets()
        self._main = pn.Column(sizing_mode="stretch_width")
        self._side = pn.Column(sizing_mode="stretch_width")
        self.state = None
        self._chart_data: tuple[tuple[str, float, str], ...] | None = None    # top-sheet totals to chart
        self._chart_drawn: tuple[tuple[str, float, str], ...] | None = None   # ... and those on the chart
        self._tab_slots: list[pn.Column] = []
        self._budget_drawn = self._budget_stale = False     # budget tab drawn once / behind the board since
        self._calls_stale = False                           # call sheet behind the board (its tab not open yet)
        wanted = self.script_path or os.environ.get("STUDIO_BOARD_SCRIPT") or None
        problem = None
        try:
            if wanted or latest_script(self.ctx) is not None:
                self._set_state(BoardState(wanted, ctx=self.ctx, time_limit=self.time_limit,
                                           start_date=next_monday()))
        except StudioError as exc:      # a bad STUDIO_BOARD_SCRIPT: say why; the producer opens another
            problem = exc
        if self.state is None:
            self._empty_state()
        if problem is not None:
            self._alert.object = (f"**Could not open {wanted}:** {getattr(problem, 'message', problem)} "
                                  "— open the project's script, upload one or open the sample.")
            self._alert.visible = True

    def _build_source_widgets(self) -> None:
        w = pn.widgets
        self.script_info = pn.pane.Markdown(sizing_mode="stretch_width")
        self.file_input = w.FileInput(accept=".fountain,.spmd,.txt,.fdx", label="Fountain file")
        self.file_input.param.watch(self._on_file, "value")
        self.paste = w.TextAreaInput(label="…or paste Fountain", height=140, placeholder="INT. KITCHEN - DAY\n\n…")
        self.paste_button = w.Button(label="Load pasted script", color="default")
        self.paste_button.on_click(self._on_paste)
        self.sample_button = w.Button(label="Open sample short", icon="file-text", color="default")
        self.sample_button.on_click(self._on_sample)
        self.latest_button = w.Button(label="Open project's latest script", icon="file-check", color="default")
        self.latest_button.on_click(self._on_latest)

    def _empty_state(self) -> None:
        self.script_info.object = (f"**Project {self.ctx.scope_name} has no script yet.** Write one in the Script "
                                   "Room, upload or paste one here, or open the bundled sample short.")
        self._main.objects = [self._alert, pn.pane.Markdown(
            f"### No script in {self.ctx.scope_name} yet\nThe board breaks down, schedules and prices the project's "
            "latest script. Save one in the **Script Room**, upload or paste a Fountain file in the sidebar, or "
            "**Open sample short** to try the board.", sizing_mode="stretch_width"), self.sample_button]
        self._side.objects = self._source_panel()

    def _set_state(self, state: BoardState) -> None:
        first = self.state is None
        self.state = state
        if first:
            self._read_access()
            self._build_widgets()
            self._main.objects = [self._layout()]
            self._side.objects = self._source_panel() + self._limits_panel()
        else:
            self._sync_limit_widgets()
        self.refresh()

    def _read_access(self) -> None:
        """What this user's project role lets the board show: budget figures (see_budget; rates and fees
        are confidential) and budget edits (edit_budget). The engines refuse the rest themselves."""
        self.see_budget = can_see_budget(self.ctx)
        self.edit_budget = self.see_budget and permissions.allows(self.ctx, "edit_budget")
        role = permissions.role_of(self.ctx) if getattr(self.ctx, "project_id", None) is not None else None
        self.budget_notice = (f"**Budget hidden.** {self.ctx.user} is {role or 'not a member'} on "
                              f"{self.ctx.scope_name}, without the see_budget permission: rates and fees are "
                              "confidential. An owner or producer can change your role.")

    # -- widgets -------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        w = pn.widgets
        lim = self.state.limits
        # sidebar: day limits
        self.pages_per_day = w.TextInput(label="Pages per day", value=format_eighths(lim.eighths_per_day))
        self.hours_per_day = w.FloatInput(label="Shooting hours per day", value=lim.hours_per_day, step=0.5, start=1)
        self.moves_per_day = w.IntInput(label="Company moves per day (max)", value=lim.company_moves_per_day, start=0)
        self.start_date = w.DatePicker(label="First shoot day", value=self.state.start_date or next_monday())
        self.apply_limits = w.Button(label="Apply limits & re-optimise", color="primary")
        self.apply_limits.on_click(self._on_limits)
        # breakdown
        self.scene_select = w.Select(label="Scenes", size=16, sizing_mode="stretch_width",
                                     stylesheets=["select { font-size: 12px; font-family: monospace; }"])
        self.scene_select.param.watch(lambda e: self._draw_sheet(), "value")
        self.sheet_pane = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.SHEET_CSS])
        self.elements_pane = pn.pane.HTML(sizing_mode="stretch_width",
                                          stylesheets=[views.SHEET_CSS, views.ELEMENTS_CSS])
        self.tag_category = w.Select(label="Category", options=CATEGORY_OPTIONS, value="props", width=170)
        self.tag_name = w.TextInput(label="Element", placeholder="e.g. FILM REEL", width=220)
        self.add_button = w.Button(label="Add tag", color="primary", width=110, align="end")
        self.add_button.on_click(self._on_add)
        self.tag_pick = w.Select(label="Tag in this scene", width=230)
        self.new_category = w.Select(label="Move to category", options=CATEGORY_OPTIONS, value="vehicles", width=170)
        self.recat_button = w.Button(label="Recategorise", width=110, align="end")
        self.recat_button.on_click(self._on_recategorise)
        self.remove_button = w.Button(label="Remove", color="danger", width=90, align="end")
        self.remove_button.on_click(self._on_remove)
        self.merge_category = w.Select(label="Merge in", options=CATEGORY_OPTIONS, value="props", width=170)
        self.merge_category.param.watch(lambda e: self._merge_options(), "value")
        self.merge_sources = w.MultiChoice(label="Duplicates", width=220)
        self.merge_into = w.TextInput(label="Keep as", placeholder="FILM REEL", width=150)
        self.merge_button = w.Button(label="Merge", width=90, align="end")
        self.merge_button.on_click(self._on_merge)
        # Merging duplicates is an occasional clean-up, in its own card, closed at first. Its list follows
        # the breakdown only while the card is open: a MultiChoice rebuilds its whole drop-down in the
        # browser when its options change, and that was ~40 % of the browser's work for every tag added
        self.merge_card = pn.Card(
            pn.FlexBox(self.merge_category, self.merge_sources, self.merge_into, self.merge_button,
                       align_items="flex-end"),
            title="Merge duplicate elements (FILM REEL and REEL OF FILM become one)", collapsed=True,
            sizing_mode="stretch_width", margin=(10, 5))
        self.merge_card.param.watch(lambda e: self._merge_options(), "collapsed")
        self.lock_button = w.Button(label="Lock cast numbers", icon="lock", width=190, align="end")
        self.lock_button.on_click(self._on_lock_cast)
        self.cast_info = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.SHEET_CSS])
        # stripboard
        self.board = StripboardBoard(sizing_mode="stretch_width")
        self.board.param.watch(self._on_board_order, "order")
        self.reoptimise = w.Button(label="Re-optimise (CP-SAT)", color="primary", width=200)
        self.reoptimise.on_click(self._on_reoptimise)
        self.solver_limit = w.FloatInput(label="Time limit (s)", value=self.time_limit, start=0.5, end=60, width=110)
        self.keep_limits = w.Checkbox(label="Move day breaks by themselves to keep day limits",
                                      value=self.state.keep_limits, align="end")
        self.keep_limits.param.watch(self._on_keep_limits, "value")
        self.rebreak = w.Button(label="Re-break days to limits", width=190)
        self.rebreak.on_click(self._on_rebreak)
        self.publish_button = w.Button(label="Publish schedule", color="success", icon="send", width=170)
        self.publish_button.on_click(self._on_publish)
        self.cost_pane = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[COST_CSS])
        self.save_budget = w.Button(label="Save budget version", icon="device-floppy", width=190, align="end")
        self.save_budget.on_click(self._on_save_budget)
        self.compare_old = w.Select(label="Compare budget version", width=200)
        self.compare_new = w.Select(label="with", width=200)
        self.compare_button = w.Button(label="Compare", width=110, align="end")
        self.compare_button.on_click(self._on_compare)
        self.compare_table = w.Tabulator(show_index=False, disabled=True, sizing_mode="stretch_width", height=320,
                                         layout="fit_data_stretch")
        self.solver_info = pn.pane.Markdown(sizing_mode="stretch_width")
        # DOOD, budget, call sheets
        self.dood_pane = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.DOOD_CSS])
        self.kpis = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[views.KPI_CSS])

        self.preset = w.Select(label="Budget preset", options=preset_names(), value=self.state.preset_name, width=220)
        self.rebudget = w.Button(label="Rebuild budget from boards", width=220, align="end")
        self.rebudget.on_click(self._on_rebudget)
        self.top_pane = pn.pane.HTML(width=430)
        self.budget_info = pn.pane.Markdown(sizing_mode="stretch_width")
        self.chart = pn.pane.HoloViews(sizing_mode="stretch_width", height=300)
        self.detail = w.Tabulator(show_index=False, sizing_mode="stretch_width", height=420, layout="fit_data_stretch",
                                  groupby=["account_title"], hidden_columns=["account_title", "account"],
                                  titles={"line": "#", "unit_label": "per", "multiplier": "x", "fringe_total": "fringes $"},
                                  formatters={c: MONEY for c in ("rate", "subtotal", "fringe_total", "total")},
                                  widths={"fringes": 150, "total": 120})   # the fringe codes must not hide the total
        self.detail.on_edit(self._on_budget_edit)
        self.day_select = w.Select(label="Shoot day", width=160)
        self.day_select.param.watch(self._on_day, "value")
        self.callsheet_pane = pn.pane.HTML(sizing_mode="stretch_width", height=900)

        here = CallSheetSettings()
        self.location_name = w.TextInput(label="Location", value=here.location_name, width=170)
        self.lat = w.FloatInput(label="Latitude", value=here.lat, start=-90, end=90, step=0.01, width=110)
        self.lon = w.FloatInput(label="Longitude", value=here.lon, start=-180, end=180, step=0.01, width=110)
        self.timezone = w.TextInput(label="Time zone", value=here.timezone, width=170)
        self.apply_location = w.Button(label="Update call sheets", width=160, align="end")
        self.apply_location.on_click(self._on_location)
        self.downloads = {
            "callsheet_pdf": w.FileDownload(callback=lambda: self._download("callsheet_pdf"), filename="callsheet.pdf",
                                            label="Call sheet PDF", color="success", width=200),
            "budget_xlsx": w.FileDownload(callback=lambda: self._download("budget_xlsx"), filename="budget.xlsx",
                                          label="Budget XLSX", color="success", width=200),
            "stripboard_pdf": w.FileDownload(callback=lambda: self._download("stripboard_pdf"),
                                             filename="stripboard.pdf", label="Stripboard PDF", color="success",
                                             width=200),
            "dood_xlsx": w.FileDownload(callback=lambda: self._download("dood_xlsx"), filename="dood.xlsx",
                                        label="DOOD XLSX", color="success", width=200),
        }

    # -- drawing -------------------------------------------------------------------------
    def refresh(self, board_only: bool = False) -> None:
        """Redraw from the state. After a load or a tag edit everything; after a new board order
        (``board_only``) only what follows the schedule: header, stripboard, DOOD, budget, call sheets."""
        st = self.state
        self._draw_kpis()
        saved = (f"board v{st.board_version} saved by {st.board_saved.created_by} "
                 f"{st.board_saved.created_at:%d %b %H:%M} UTC" if st.board_saved else "board not saved yet")
        self.script_info.object = (f"**{st.title}**  \n{st.source_label}  \n{len(st.log.edits)} tag edit(s) "
                                   f"from every session · {saved}"
                                   + (" · cast numbers locked" if st.cast_locked else ""))
        if not board_only:
            self._draw_breakdown()
        self._draw_board()
        self.dood_pane.object = views.dood_html(st.dood)
        if self._budget_drawn and self._tab_slots and not self._tab_slots[BUDGET_TAB].objects:
            self._budget_stale = True      # the Budget tab is not open yet: redrawn when it opens
        else:
            self._draw_budget()
        days = {f"Day {d.number}" + (f" · {d.date:%a %d %b}" if d.date else ""): d.number for d in st.call_days}
        keep_day = self.day_select.value
        self.day_select.options = days
        self.day_select.value = keep_day if keep_day in days.values() else 1
        self._call_sheet_follows()
        self._name_downloads()

    def _draw_kpis(self) -> None:
        """The header cards; without see_budget the budget card says it is hidden, and why."""
        html = views.kpi_html(self.state.summary())
        if not self.see_budget:
            html = re.sub(r'(data-kpi="budget">.*?<div class="kv">).*?(</div><div class="ks">).*?(</div>)',
                          r"\1hidden\2no see_budget permission\3", html, count=1, flags=re.DOTALL)
        self.kpis.object = html

    def _draw_breakdown(self) -> None:
        st = self.state
        options = {f"{s.scene_number:>3}  {s.heading}  ({s.pages})": s.scene_index for s in st.breakdown.sheets}
        keep = self.scene_select.value
        self.scene_select.options = options
        self.scene_select.value = keep if keep in options.values() else next(iter(options.values()))
        self._draw_sheet()
        self.elements_pane.object = views.elements_html(st.breakdown)
        self._merge_options()
        self.cast_info.object = views.cast_html(st.breakdown, st.log.cast_numbers)
        self.lock_button.name = "Lock new cast numbers" if st.cast_locked else "Lock cast numbers"

    def _name_downloads(self) -> None:
        """File names the browser saves under (title, and the day for the call sheet)."""
        for kind, button in self.downloads.items():
            button.filename = download_name(self.state.title, kind, self.day_select.value or 1)

    def _draw_sheet(self) -> None:
        idx = self.scene_select.value
        if idx is None:
            return
        sheet = self.state.breakdown.sheet(idx)
        self.sheet_pane.object = views.sheet_html(sheet, self.state.breakdown)
        picks = {f"{t.category.label}: {t.name}": f"{t.category.value}|{t.name}" for t in sheet.tags}
        self.tag_pick.options = picks
        self.tag_pick.value = next(iter(picks.values()), None)

    def _merge_options(self) -> None:
        """The duplicates list of the merge card: the chosen category's elements (while the card is open;
        opening it fills the list)."""
        if self.merge_card.collapsed:
            return
        names = sorted(self.state.breakdown.elements(BreakdownCategory(self.merge_category.value)))
        self.merge_sources.options = names
        self.merge_sources.value = [v for v in self.merge_sources.value if v in names]

    def _draw_cost(self) -> None:
        """What the last drag / re-optimise / re-break cost, beside the day totals; the published board."""
        st = self.state
        budget = None
        if self.see_budget:
            top = st.top_sheet()
            budget = format_money(top.grand_total, top.currency)
        change = st.last_change if self.see_budget else None
        accounts = [] if change is None else [
            f"{code} {change.account_names.get(code, '')} {'+' if v > 0 else ''}{format_money(v, change.currency)}"
            for code, v in list(change.accounts.items())[:6]]
        days = len(st.published.days) if st.published_record is not None else 0
        self.cost_pane.object = _view("cost", budget, change, accounts, st.published_record, days, st.change_notes)

    def _draw_board(self) -> None:
        st = self.state
        self._draw_cost()
        self.board.rows = board_rows(st.schedule)
        sched, opt = st.schedule, st.optimised
        base = ", ".join(f"{b.name}: {b.company_moves} moves / {b.days} days" for b in opt.baselines)
        self.solver_info.object = (
            f"**{len(sched.days)} shoot days · {sched.company_moves} company moves · {sched.cast_days} cast days · "
            f"{sched.day_night_flips} day/night flips** ({'hand-ordered' if sched.status == 'MANUAL' else sched.status})"
            f"  \nLast optimisation: {opt.status} in {opt.solve_seconds:.2f} s, objective {opt.objective:g}, "
            f"lower bound {opt.lower_bound:g}, gap {opt.gap:.1%}. Baselines — {base}.  \n"
            + "".join(f"⚠ {w}  \n" for w in st.split_notes)
            + "Drag strips (or the black day breaks) to reorder; drop after the last day break to add a day. A strip "
              "dropped into a full day stays there and the day is flagged; “Re-break days to limits” moves the breaks.")

    def _draw_budget(self) -> None:
        import pandas as pd


        st = self.state
        self._budget_drawn, self._budget_stale = True, False
        if not self.see_budget:                       # nothing priced reaches this browser
            return
        self.preset.value = st.budget.preset          # "auto" shows the preset it chose for this script
        top = st.top_sheet()
        shares = top.shares()
        days = len(st.schedule.days)
        self.budget_info.object = (
            f"Priced from the board as it stands: **{days} shoot day{'s' * (days != 1)}**"
            f"{' (hand-ordered)' if st.schedule.status == 'MANUAL' else ''}, cast days from its DOOD, location "
            f"days from its strips. {len(st.budget_edits)} hand edit(s) re-applied."
            + "".join(f"  \n⚠ {n}" for n in st.budget_notes))
        rows = [(g.label, format_money(top.group_total(g), top.currency), f"{shares[g]:.1%}") for g in TopSheetGroup]
        self.top_pane.object = _view("top_sheet", self.state.budget.preset, rows,
                                     f"{top.contingency_percent.normalize():f}", top.grand_total,
                                     format_money(top.grand_total, top.currency))
        self._chart_data = tuple((g.short, float(top.group_total(g)), g.value) for g in TopSheetGroup)
        self._draw_chart()
        df = pd.DataFrame(detail_rows(self.state.budget))
        for c in ("amount", "units", "rate", "multiplier", "subtotal", "fringe_total", "total"):
            df[c] = df[c].astype(float)
        df["account_title"] = df["account"] + " " + df["account_name"]
        df = df[["account_title", "account", "line", "description", "amount", "units", "unit_label", "rate",
                 "multiplier", "fringes", "subtotal", "fringe_total", "total"]]
        self.detail.editors = {c: None for c in df.columns
                               if not self.edit_budget or c not in ("amount", "units", "rate", "multiplier")}
        if self.detail.value is None or not df.equals(self.detail.value):    # unchanged: nothing to send
            self.detail.value = df
        self._draw_budget_versions()

    def _draw_chart(self) -> None:
        """The bar chart of the top sheet, made (HoloViews) only once the Budget tab is on the page and
        only when the group totals changed."""
        data = self._chart_data
        if data is None or not self._tab_slots or not self._tab_slots[BUDGET_TAB].objects or data == self._chart_drawn:
            return
        import holoviews as hv
        import pandas as pd

        hv.extension("bokeh", logo=False)
        frame = pd.DataFrame([{"Group": short, "Total": total, "key": key} for short, total, key in data])
        self.chart.object = hv.Bars(frame, "Group", ["Total", "key"]).opts(
            color="key", cmap=GROUP_COLOURS, responsive=True, height=300, yformatter="$%d", tools=["hover"],
            title="Budget by top-sheet group", show_legend=False, toolbar=None)
        self._chart_drawn = data

    def _draw_budget_versions(self) -> None:
        versions = self.state.budget_versions()
        options = {f"v{r.version} · {r.created_by} {r.created_at:%d %b %H:%M}"
                   + (f" · {r.meta.get('note')}" if r.meta.get("note") else ""): r.version for r in versions}
        self.compare_old.options = options
        self.compare_new.options = options
        if versions:
            self.compare_new.value = versions[-1].version
            self.compare_old.value = versions[-2].version if len(versions) > 1 else versions[-1].version

    def _call_sheet_follows(self) -> None:
        """Redraw the call sheet, or (its tab not open yet) when the tab opens: a tag edit or a new board
        order then costs no call sheet nobody looks at."""
        if self._tab_slots and not self._tab_slots[CALLS_TAB].objects:
            self._calls_stale = True
        else:
            self._draw_call_sheet()

    def _draw_call_sheet(self) -> None:
        self._calls_stale = False
        day = self.day_select.value or 1
        try:
            page = render_html(self.state.call_sheet(day))
        except StudioError as exc:
            page = _view("message", str(exc))
        self.callsheet_pane.object = _view("call_sheet_frame", day, page)

    def _download(self, kind: str):
        if kind.startswith("budget"):
            require_budget(self.ctx)
        data, _ = self.state.file_bytes(kind, day=self.day_select.value or 1)
        return io.BytesIO(data)

    # -- callbacks -----------------------------------------------------------------------
    def _open(self, **kw) -> None:
        state = BoardState(ctx=self.ctx, time_limit=self.time_limit, start_date=next_monday(), **kw)
        self._set_state(state)

    @guarded
    def _on_file(self, event) -> None:
        if event.new:
            text = event.new.decode("utf-8-sig", errors="replace")
            name = Path(self.file_input.filename or "uploaded").stem
            if self.state is None:
                self._open(script_path=_SAMPLE)            # a board to load into; replaced at once
            self.state.load_text(text, name)
            self.refresh()

    @guarded
    def _on_paste(self, event) -> None:
        if self.state is None:
            if not (self.paste.value or "").strip():
                raise BoardError("The pasted script is empty.", hint="Paste a Fountain screenplay with scene headings.")
            self._open(script_path=_SAMPLE)
        self.state.load_text(self.paste.value, "pasted")
        self.refresh()

    @guarded
    def _on_sample(self, event) -> None:
        if self.state is None:
            self._open(script_path=_SAMPLE)
        else:
            self.state.load(_SAMPLE)
            self._sync_limit_widgets()
            self.refresh()

    @guarded
    def _on_latest(self, event) -> None:
        record = latest_script(self.ctx)
        if record is None:
            raise BoardError(f"Project {self.ctx.scope_name} has no script yet.",
                             hint="Save one in the Script Room, or upload / paste one here.")
        if self.state is None:
            self._open(script_record=record)
        else:
            self.state.load_asset(record)
            self._sync_limit_widgets()
            self.refresh()

    @guarded
    def _on_reload(self, event) -> None:
        self.state.refresh_edits()
        self.state.reload_board()
        self._sync_limit_widgets()
        self.refresh()

    def _on_day(self, event) -> None:
        self._call_sheet_follows()
        self._name_downloads()

    @guarded
    def _on_rebreak(self, event) -> None:
        self.state.rebreak_days()
        self.refresh(board_only=True)

    @guarded
    def _on_publish(self, event) -> None:
        record = self.state.publish()
        self.refresh(board_only=True)
        self._alert.visible = False
        self.cost_pane.object += _view("published", record.version, len(self.state.schedule.days))

    @guarded
    def _on_save_budget(self, event) -> None:
        require_budget(self.ctx, edit=True)
        self.state.save_budget_version(note="saved on the board")
        self._draw_budget_versions()

    @guarded
    def _on_compare(self, event) -> None:
        import pandas as pd


        if self.compare_old.value is None or self.compare_new.value is None:
            raise BoardError("Save at least one budget version to compare.", hint="Use “Save budget version”.")
        require_budget(self.ctx)
        rows = self.state.compare_budget_versions(self.compare_old.value, self.compare_new.value)
        df = pd.DataFrame(rows)
        for c in df.columns[2:]:
            df[c] = df[c].astype(float)
        self.compare_table.formatters = {c: MONEY for c in df.columns[2:]}
        self.compare_table.value = df

    @guarded
    def _on_limits(self, event) -> None:
        try:
            eighths = parse_eighths(self.pages_per_day.value or "", allow_decimal=True)
        except StudioError:
            raise ScheduleError(f"Pages per day {self.pages_per_day.value!r} is not a page count.",
                                hint="Write it the trade's way, e.g. 5 4/8, or as 5.5.") from None
        if eighths < 1:
            raise ScheduleError("Pages per day must be at least 1/8.", hint="e.g. 5 4/8")
        limits = ScheduleLimits(eighths_per_day=eighths, hours_per_day=self.hours_per_day.value,
                                company_moves_per_day=self.moves_per_day.value)
        self.state.set_limits(limits, self.start_date.value, self.solver_limit.value)
        self.refresh()

    @guarded
    def _on_board_order(self, event) -> None:
        if event.new:
            self.state.set_board(list(event.new))
        self.refresh(board_only=True)

    @guarded
    def _on_reoptimise(self, event) -> None:
        self.reoptimise.loading = True
        try:
            self.state.optimise(self.solver_limit.value)
        finally:
            self.reoptimise.loading = False
        self.refresh(board_only=True)

    @guarded
    def _on_keep_limits(self, event) -> None:
        if event.new != self.state.keep_limits:
            self.state.set_keep_limits(event.new)
            self.refresh(board_only=True)

    def _picked(self) -> tuple[str, str]:
        if not self.tag_pick.value:
            raise BoardError("Pick a tag of this scene first.")
        category, name = self.tag_pick.value.split("|", 1)
        return category, name

    @guarded
    def _on_add(self, event) -> None:
        self.state.add_tag(self.scene_select.value, self.tag_category.value, self.tag_name.value)
        self.tag_name.value = ""
        self.refresh()

    @guarded
    def _on_remove(self, event) -> None:
        self.state.remove_tag(self.scene_select.value, *self._picked())
        self.refresh()

    @guarded
    def _on_recategorise(self, event) -> None:
        self.state.recategorise_tag(self.scene_select.value, *self._picked(), self.new_category.value)
        self.refresh()

    @guarded
    def _on_merge(self, event) -> None:
        self.state.merge_tags(self.merge_category.value, list(self.merge_sources.value), self.merge_into.value)
        self.merge_into.value = ""
        self.merge_sources.value = []          # merged: the next merge starts from an empty pick
        self.refresh()

    @guarded
    def _on_lock_cast(self, event) -> None:
        require_breakdown_lock(self.ctx, self.state.script_record)   # edit_schedule; the breakdown.lock gate
        self.state.lock_cast()
        self.refresh()

    @guarded
    def _on_location(self, event) -> None:
        self.state.set_callsheet(location_name=self.location_name.value, lat=self.lat.value, lon=self.lon.value,
                                 timezone=self.timezone.value)
        self._draw_call_sheet()

    @guarded
    def _on_rebudget(self, event) -> None:
        require_budget(self.ctx, edit=True)
        self.state.derive_budget(self.preset.value, persist=True)
        self.refresh()

    @guarded
    def _on_budget_edit(self, event) -> None:
        row = self.detail.value.iloc[event.row]
        try:
            require_budget(self.ctx, edit=True)
            self.state.edit_budget_line(str(row["account"]), int(row["line"]), event.column, event.value)
        finally:
            self._draw_kpis()
            # the table ignores new values while it is still handling the browser's edit: redraw on the next tick
            doc = pn.state.curdoc
            if doc is not None and doc.session_context is not None:
                doc.add_next_tick_callback(self._draw_budget)
            else:
                self._draw_budget()

    # -- layout --------------------------------------------------------------------------
    def _source_panel(self) -> list:
        return [pn.pane.Markdown("### Script"), self.script_info, self.latest_button, self.sample_button,
                self.file_input, self.paste, self.paste_button]

    def _limits_panel(self) -> list:
        return [pn.pane.Markdown("### Day limits"), self.pages_per_day, self.hours_per_day, self.moves_per_day,
                self.start_date, self.apply_limits]

    def _sync_limit_widgets(self) -> None:
        lim = self.state.limits
        self.pages_per_day.value = format_eighths(lim.eighths_per_day)
        self.hours_per_day.value = lim.hours_per_day
        self.moves_per_day.value = lim.company_moves_per_day
        self.keep_limits.value = self.state.keep_limits

    def sidebar(self) -> list:
        return [self._side]

    def __panel__(self):
        return self._main

    def _layout(self):
        edit_card = pn.Card(
            pn.FlexBox(self.tag_category, self.tag_name, self.add_button, align_items="flex-end"),
            pn.FlexBox(self.tag_pick, self.new_category, self.recat_button, self.remove_button, align_items="flex-end"),
            title="Edit tags (kept in the edit log, re-applied to every new draft)", sizing_mode="stretch_width",
            margin=(10, 5))
        cast_card = pn.Card(self.cast_info, pn.Row(self.lock_button),
                            title="Cast list (lock the numbers once the board is out)", sizing_mode="stretch_width",
                            margin=(10, 5))
        breakdown = pn.Row(pn.Column(self.scene_select, width=330),
                           pn.Column(self.sheet_pane, edit_card, self.merge_card, cast_card,
                                     sizing_mode="stretch_width"),
                           sizing_mode="stretch_width")
        legend = pn.pane.HTML(_view("strip_legend", (
            ("#FFFFFF", "", "day int"), ("#FFF176", "", "day ext"), ("#64B5F6", "", "night int"),
            ("#81C784", "", "night ext"), ("#000000", "#fff", "day break"), ("#FB8C00", "", "week break"))))
        stripboard = pn.Column(
            pn.FlexBox(self.reoptimise, self.solver_limit, self.rebreak, self.keep_limits, self.publish_button,
                       self.downloads["stripboard_pdf"], align_items="flex-end"),
            self.cost_pane, self.solver_info, legend, self.board, sizing_mode="stretch_width")
        dood = pn.Column(pn.Row(pn.HSpacer(), self.downloads["dood_xlsx"]), self.dood_pane, sizing_mode="stretch_width")
        if not self.see_budget:
            budget = pn.Column(pn.pane.Markdown(self.budget_notice, sizing_mode="stretch_width",
                                                css_classes=["budget-hidden"]), sizing_mode="stretch_width")
        else:
            budget = self._budget_tab()
        self.budget_tab = budget
        calls = pn.Column(pn.FlexBox(self.day_select, self.location_name, self.lat, self.lon, self.timezone,
                                     self.apply_location, self.downloads["callsheet_pdf"], align_items="flex-end"),
                          self.callsheet_pane, sizing_mode="stretch_width")
        # The heavy tabs (stripboard widget, budget chart and table, call sheet page) are sent to the browser
        # the first time they are opened and then stay (not ``dynamic=True``, which drops a tab when another
        # opens and re-sends it on every visit); the light HTML tabs come with the page. Every widget and
        # pane exists (and is drawn) from the start.
        self._tab_content = [breakdown, self.elements_pane, stripboard, dood, budget, calls]
        self._tab_slots = [pn.Column(sizing_mode="stretch_width") for _ in self._tab_content]
        self.tabs = tabs = pn.Tabs(*zip(("Breakdown", "Elements", "Stripboard", "Day out of days", "Budget",
                                         "Call sheets"), self._tab_slots), dynamic=False, sizing_mode="stretch_width")
        for index in EAGER_TABS:
            self._show_tab(index)
        tabs.param.watch(lambda e: self._show_tab(e.new), "active")
        return pn.Column(pn.Row(self._alert, self.reload_button, sizing_mode="stretch_width"), self.kpis, tabs,
                         sizing_mode="stretch_width")

    def _show_tab(self, index: int) -> None:
        """Put a tab's content on the page the first time the tab is opened."""
        slot = self._tab_slots[index]
        if not slot.objects:
            slot.objects = [self._tab_content[index]]
            if index == BUDGET_TAB and self._budget_stale:
                self._draw_budget()
            elif index == BUDGET_TAB and self.see_budget:
                self._draw_chart()
            elif index == CALLS_TAB and self._calls_stale:
                self._draw_call_sheet()

    def _budget_tab(self):
        for button in (self.rebudget, self.save_budget):
            button.disabled = not self.edit_budget
        return pn.Column(pn.FlexBox(self.preset, self.rebudget, self.save_budget, self.downloads["budget_xlsx"],
                                      align_items="flex-end"),
                           self.budget_info, pn.Row(self.top_pane, self.chart, sizing_mode="stretch_width"),
                           pn.pane.Markdown("**Detail** — edit amount, units, rate or multiplier; totals follow."),
                           self.detail,
                           pn.FlexBox(self.compare_old, self.compare_new, self.compare_button, align_items="flex-end"),
                           self.compare_table, sizing_mode="stretch_width")
