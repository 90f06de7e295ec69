"""The pre-production engine's operations: the one place the CLI, the board, templates and the API call.

``plan_package`` runs the whole chain — script → breakdown → schedule → DOOD →
budget → call sheets — with the checks a 1st AD and a line producer make on the
way: day limits that make sense, the budget preset chosen by length, a
published schedule checked against the draft it is applied to, and optional
re-dating of that board. ``budget_difference`` prices two boards of the same
breakdown and says what a drag or a re-optimise costs or saves.

Scripts are read by the writing engine's one loader
(:func:`studio_kit.engines.writing.io.load_script`), so Fountain and Final
Draft (.fdx) work everywhere.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings, sample_path
from studio_kit.domain.budget import Budget, TopSheet
from studio_kit.domain.callsheet import CallSheetSettings
from studio_kit.domain.preproduction import (
    Breakdown,
    DayOutOfDays,
    Schedule,
    ScheduleLimits,
    format_eighths,
    parse_eighths,
)
from studio_kit.domain.script import Script
from studio_kit.engines.preproduction.breakdown import BreakdownError, break_down
from studio_kit.engines.preproduction.budget import compute, load_budget_data, resolve_preset, update_line
from studio_kit.engines.preproduction.budget_derive import derive_budget
from studio_kit.engines.preproduction.budget_export import export_budget
from studio_kit.engines.preproduction.callsheet import build_call_sheet, write_html, write_pdf
from studio_kit.engines.preproduction.daytimes import time_days
from studio_kit.engines.preproduction.dood import day_out_of_days
from studio_kit.engines.preproduction.exports import export_breakdown, export_schedule
from studio_kit.engines.preproduction.schedule import load_constraints, reschedule, schedule_breakdown
from studio_kit.engines.preproduction.stripboard import shoot_dates
from studio_kit.engines.writing.io import load_script
from studio_kit.exceptions import BudgetError, CallSheetError, ScheduleError, StudioError
from studio_kit.platform import permissions, reviews
from studio_kit.store.files import sha256_of_file

#: The sample short shipped with the package (planned when no script is given).
SAMPLE_SCRIPT = sample_path("the_last_reel.fountain")

#: from this many pages up, ``preset="auto"`` budgets a feature rather than a short
AUTO_FEATURE_PAGES = 40
SHORT_PRESET = "micro-short-medium"
FEATURE_PRESET = "indie-feature-medium"


@dataclass
class PreproductionPackage:
    """Everything ``plan_package`` made, in memory (and the files it wrote when given ``out_dir``)."""

    script: Script
    breakdown: Breakdown
    schedule: Schedule
    dood: DayOutOfDays
    budget: Budget | None
    top_sheet: TopSheet | None
    preset: str
    call_sheets: list[Any] = field(default_factory=list)        # CallSheet per requested day
    files: dict[str, Any] = field(default_factory=dict)          # "breakdown"/"schedule"/"budget": {name: Path}, "callsheets": [Path]
    assets: list[Any] = field(default_factory=list)              # stored assets (with ``ctx``)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        s, b = self.schedule, self.breakdown
        line = (f"{len(b.sheets)} scenes, {format_eighths(b.total_eighths)} pages, {len(b.cast)} cast, "
                f"{len(s.days)} shoot days, {s.company_moves} company moves")
        if self.top_sheet is not None:
            line += f", budget {self.top_sheet.grand_total:,.2f} {self.top_sheet.currency} ({self.preset})"
        return line


# -- who may (permissions.yaml, through studio_kit.platform.permissions) ---------------------

def require_budget(ctx: Any, *, edit: bool = False) -> str | None:
    """Refuse budget figures (``see_budget``; rates and fees are confidential) and budget changes
    (``edit_budget`` as well) to a project role without them: PermissionDenied names user, role and
    permission. Offline work (``ctx`` None: files, no project) is not checked."""
    return permissions.require_in_project(ctx, "see_budget", *(("edit_budget",) if edit else ()))


def can_see_budget(ctx: Any) -> bool:
    """Whether ``ctx``'s user may see budget figures (dashboards hide them otherwise)."""
    return permissions.allows(ctx, "see_budget")


def edit_budget_line(ctx: Any, budget: Budget, account: str, index: int, **changes: Any) -> Budget:
    """One hand edit of a budget line (rate, amount, units ...), refused without ``edit_budget``
    before the budget is touched."""
    require_budget(ctx, edit=True)
    return update_line(budget, account, index, **changes)


def require_breakdown_lock(ctx: Any, script_record: Any = None) -> Any:
    """May ``ctx``'s user lock this breakdown (its cast numbers)? ``edit_schedule`` (the breakdown is
    the schedule's), and, for a stored script version, the ``breakdown.lock`` gate: only an approved
    script version feeds the breakdown lock while the project keeps the gate on (ApprovalGateError
    otherwise). A script that is not stored in the project (a file, the sample) has no review to pass.
    Returns the review item (None when the gate is off or there is no stored version)."""
    if ctx is None or getattr(ctx, "project_id", None) is None:
        return None
    permissions.require_in_project(ctx, "edit_schedule")
    asset_id = getattr(script_record, "id", None)
    if asset_id is None:
        return None
    return reviews.require_gate(ctx, "breakdown.lock", asset_id)


# -- inputs ----------------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "script"


def edit_log_path(home: str | Path, script_path: str | Path) -> Path:
    """Where the Breakdown & Budget Board keeps a script's edit log: STUDIO_HOME/boards/<script>.edits.json.

    Templates and the CLI apply the same log (``plan_package(board_edits=True)``), so corrections made
    on the board carry into every package built from that script.
    """
    return Path(home) / "boards" / f"{_slug(Path(script_path).stem)}.edits.json"


def resolve_script_path(path: str | Path | None, home: str | Path | None = None) -> Path:
    """A script path as a user typed it: absolute, relative to where they ran ``studio`` (a template's
    kernel runs in the templates folder, so the shell's ``PWD`` is tried too), or relative to STUDIO_HOME.
    ``None`` is the built-in sample short."""
    if path is None or str(path) == "":
        return SAMPLE_SCRIPT
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    tried = [Path.cwd() / p, Path(os.environ.get("PWD", ".")) / p] + ([Path(home) / p] if home else [])
    return next((t for t in tried if t.exists()), tried[0])


def read_script(path: str | Path | Script) -> Script:
    """A parsed screenplay from a Fountain or Final Draft file (the writing engine's loader)."""
    if isinstance(path, Script):
        return path

    p = Path(path)
    if not p.is_file():
        raise BreakdownError(f"Script file {p} does not exist.", hint="Pass the path of a .fountain or .fdx file.")
    script = load_script(p)
    script.metadata.setdefault("source_path", str(p))
    return script


def day_limits(pages_per_day: str | float | int | None = None, *, hours_per_day: float = 12.0,
               moves_per_day: int = 2, base: ScheduleLimits | None = None) -> ScheduleLimits:
    """Day limits from what a 1st AD types ("5 4/8" or 5.5 pages, hours, moves), checked."""
    limits = base or ScheduleLimits()
    eighths = limits.eighths_per_day
    if pages_per_day is not None and pages_per_day != "":
        try:
            eighths = parse_eighths(str(pages_per_day), allow_decimal=True)
        except StudioError:
            raise ScheduleError(f"Pages per day (--pages-per-day) {pages_per_day!r} is not a page count.",
                                hint="Use 5.5 or '5 4/8'.") from None
    if eighths < 1 or hours_per_day <= 0 or moves_per_day < 0:
        raise ScheduleError("Day limits must be positive (pages, hours) and moves at least 0.",
                            hint="e.g. --pages-per-day 5.5 --hours-per-day 12 --moves-per-day 2")
    return limits.model_copy(update={"eighths_per_day": eighths, "hours_per_day": float(hours_per_day),
                                     "company_moves_per_day": int(moves_per_day)})


def choose_preset(breakdown: Breakdown, preset: str = "auto", data: Mapping[str, Any] | None = None) -> str:
    """The budget preset: ``auto`` prices a script under 40 pages as a short, longer ones as a feature."""
    if preset == "auto":
        return SHORT_PRESET if breakdown.total_eighths < AUTO_FEATURE_PAGES * 8 else FEATURE_PRESET

    return resolve_preset(preset, data)


def _read_schedule(path: str | Path | Schedule) -> tuple[Schedule, str]:
    """(schedule, where) from a schedule.json written by ``studio schedule`` (or its folder)."""
    if isinstance(path, Schedule):
        return path, "The schedule"
    p = Path(path)
    if p.is_dir():
        p = p / "schedule.json"
    if not p.is_file():
        raise ScheduleError(f"Schedule file {p} does not exist.",
                            hint="Pass the schedule.json written by `studio schedule SCRIPT -o DIR`.")
    try:
        return Schedule.model_validate_json(p.read_text(encoding="utf-8")), str(p)
    except ValueError as exc:
        raise ScheduleError(f"{p} is not a studio schedule: {str(exc).splitlines()[0]}.",
                            hint="Pass the schedule.json written by `studio schedule`.") from None


def load_published_schedule(path: str | Path | Schedule, breakdown: Breakdown) -> Schedule:
    """The schedule ``studio schedule`` wrote (schedule.json or its folder), checked against this draft's scenes.

    A board made from another draft (scenes added, cut, renumbered or re-headed) is refused:
    the budget and call sheets must follow the stripboard the crew has, for the script they have.
    """
    sched, where = _read_schedule(path)
    board = {(s.scene_index, s.scene_number, s.heading) for s in sched.strips}
    draft = {(s.scene_index, s.scene_number, s.heading) for s in breakdown.sheets}
    if board != draft:
        diff = sorted(board ^ draft)[:3]
        raise ScheduleError(f"{where} was scheduled from a different draft (scenes differ, e.g. "
                            + "; ".join(f"{n} {h}" for _, n, h in diff) + ").",
                            hint="Re-run `studio schedule` on this draft, then make the budget and call sheets.")
    return sched


def redate(schedule: Schedule, start_date: dt.date) -> Schedule:
    """The same board on new dates (weekdays from ``start_date``); strip order is kept."""
    cal = shoot_dates(start_date, len(schedule.days))
    return schedule.model_copy(update={"start_date": start_date, "days": [
        d.model_copy(update={"date": date, "week": week}) for d, (date, week) in zip(schedule.days, cal)]})


def _as_date(value: str | dt.date | None, what: str = "--start-date") -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleError(f"{what} {value!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-03-02.") from None


# -- the chain ------------------------------------------------------------------------------

def break_down_script(script: str | Path | Script, *, edits: Any = None, backend: Any = None) -> tuple[Script, Breakdown]:
    """(script, breakdown) with the edit log replayed; ``backend`` proposes extra tags (verified)."""
    sc = read_script(script)
    return sc, break_down(sc, edits=edits, backend=backend)


def schedule_of(breakdown: Breakdown, *, limits: ScheduleLimits | None = None, constraints: Any = None,
                plan: Sequence[Sequence[int]] | None = None, time_limit: float = 10.0,
                num_workers: int | None = None, start_date: dt.date | None = None,
                previous: str | Path | Schedule | Mapping[int, int] | None = None, move_weight: float | None = None,
                seed: int = 0, deterministic: bool = True) -> Schedule:
    """An optimised board of ``breakdown``, or the hand-made ``plan`` (scene indices per day, in order).

    ``previous``: the published board (schedule.json, its folder, a Schedule, or scene index → day) to
    re-optimise from: strips keep their day unless moving one saves more than ``move_weight``; the
    result's ``moved`` and ``previous_objective`` say what moved and what it changed. Deterministic by
    default: the same breakdown, constraints and ``seed`` give the same board on any machine.
    """
    if time_limit <= 0:
        raise ScheduleError(f"Time limit (--time-limit) {time_limit} must be positive.", hint="e.g. --time-limit 10")
    if isinstance(previous, (str, Path)):
        previous = _read_schedule(previous)[0]
    sched = schedule_breakdown(breakdown, limits=limits, constraints=constraints, time_limit=time_limit,
                               num_workers=num_workers, start_date=start_date, previous=previous,
                               move_weight=move_weight, seed=seed, deterministic=deterministic)
    if plan is not None:
        sched = reschedule(sched, [list(d) for d in plan], constraints)
    return sched


def price(breakdown: Breakdown, schedule: Schedule, dood: DayOutOfDays | None = None, *, preset: str = "auto",
          script: Script | None = None, rates: Any = None, data: Mapping[str, Any] | None = None,
          shots: int | None = None, contingency: Any = None) -> Budget:
    """The budget of one board of a breakdown (cast days from its DOOD, days from its strips)."""
    if shots is not None and shots < 0:
        raise BudgetError(f"Shots (--shots) {shots} must be 0 or more.", hint="Pass the number of shots on the shot list.")
    data = data if data is not None else load_budget_data(rates)
    name = choose_preset(breakdown, preset, data)
    return derive_budget(breakdown, schedule, name, dood=dood, script=script, shots=shots,
                         contingency_percent=contingency, data=data)


def plan_package(script: str | Path | Script, *, edits: Any = None, backend: Any = None,
                 limits: ScheduleLimits | None = None, pages_per_day: str | float | None = None,
                 constraints: Any = None, schedule: str | Path | Schedule | None = None,
                 plan: Sequence[Sequence[int]] | None = None, time_limit: float = 10.0,
                 num_workers: int | None = None, start_date: str | dt.date | None = None, drop_after: int = 10,
                 preset: str | None = "auto", rates: Any = None, shots: int | None = None, contingency: Any = None,
                 callsheet: Mapping[str, Any] | Any = None, call_days: Sequence[int] | None = None,
                 out_dir: str | Path | None = None, progress: Any = None, board_edits: bool = False,
                 ctx: Any = None, provenance: Mapping[str, Any] | None = None,
                 keep_board: str | Path | Schedule | None = None, move_weight: float | None = None,
                 seed: int = 0, deterministic: bool = True) -> PreproductionPackage:
    """Script → breakdown → schedule → DOOD → budget → call sheets, checked at every step.

    - ``script``: path (Fountain or .fdx) or a parsed Script; ``edits`` the board's edit log (path or EditLog).
    - ``limits`` / ``pages_per_day``: day limits (``pages_per_day`` overrides the limits' pages, checked).
    - ``schedule``: a published schedule.json (or Schedule) used as it is after checking it was made from
      this draft (re-dated when ``start_date`` is given); otherwise the breakdown is scheduled afresh,
      or laid out as the hand-made ``plan`` (scene indices per day).
    - ``keep_board``: a published schedule.json (or Schedule) to re-optimise from after an edit: strips
      keep their published day unless moving saves more than ``move_weight`` each (``schedule.moved``).
    - ``seed`` / ``deterministic``: the default deterministic solve gives the same board for the same
      script, constraints and seed on any machine; ``deterministic=False`` uses every core for
      ``time_limit`` wall-clock seconds instead.
    - ``preset``: budget preset or ``auto`` (short under 40 pages, else feature); ``None`` skips the budget.
      ``rates`` is a project YAML (or dict) over the rate cards, checked before the solver runs.
    - ``callsheet``: call sheet settings (mapping or CallSheetSettings); ``call_days`` which days to
      build (default all; ``[]`` none).
    - ``out_dir``: when given, every export is written there (breakdown/, schedule/, budget/, callsheets/).
    - ``progress``: optional callable ``progress(step: str)`` told as each step starts.
    - ``board_edits``: apply the Breakdown & Budget Board's saved edit log of this script (when ``edits``
      is not given and the board has one).
    - ``ctx``: a project context (``open_store().project(...)``): with ``out_dir`` every file is stored as
      an asset of the project (kinds script, breakdown, schedule, budget, callsheet) with ``provenance``.
      With a ``ctx`` the budget needs the user's ``see_budget`` permission (``edit_budget`` too when it
      is stored), checked before anything is computed or written.
    """
    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    if ctx is not None and preset is not None:     # budget figures (stored: a new budget version) need a role
        require_budget(ctx, edit=out_dir is not None)
    first_day = _as_date(start_date)
    lim = day_limits(pages_per_day, hours_per_day=(limits or ScheduleLimits()).hours_per_day,
                     moves_per_day=(limits or ScheduleLimits()).company_moves_per_day, base=limits)
    if time_limit <= 0:
        raise ScheduleError(f"Time limit (--time-limit) {time_limit} must be positive.", hint="e.g. --time-limit 10")
    if shots is not None and shots < 0:
        raise BudgetError(f"Shots (--shots) {shots} must be 0 or more.", hint="Pass the number of shots on the shot list.")
    if keep_board is not None and schedule is not None:
        raise ScheduleError("Pass either a published schedule to use as it is, or a board to re-optimise from "
                            "(--keep-board), not both.", hint="Drop --schedule to re-optimise from the board.")
    previous = _read_schedule(keep_board)[0] if keep_board is not None else None   # a bad file fails early
    data = load_budget_data(rates) if preset is not None else None   # a bad rates file fails before the solver
    if preset not in (None, "auto"):
        choose_preset(Breakdown(), preset, data)
    cs_settings = None
    if callsheet is not None or call_days:
        cs_settings = _callsheet_settings(callsheet, first_day)

    if board_edits and edits is None and not isinstance(script, Script):
        saved = edit_log_path(get_settings().home, script)
        edits = saved if saved.exists() else None
    step("breakdown")
    sc, bd = break_down_script(script, edits=edits, backend=backend)
    if isinstance(constraints, (str, Path)):
        constraints = load_constraints(constraints, bd)
    step("schedule")
    if schedule is not None:
        sched = load_published_schedule(schedule, bd)
        if first_day is not None:
            sched = redate(sched, first_day)
    else:
        sched = schedule_of(bd, limits=lim, constraints=constraints, plan=plan, time_limit=time_limit,
                            num_workers=num_workers, start_date=first_day, previous=previous,
                            move_weight=move_weight, seed=seed, deterministic=deterministic)
    step("day out of days")
    dood = day_out_of_days(sched, drop_after=drop_after)
    if sched.days:      # each day's calls from its first light, turnaround kept or the forced call reported

        sched = time_days(sched, cs_settings or _callsheet_settings(None, first_day),
                          cast_names={m.id: m.name for m in bd.cast})
    budget = top = None
    name = ""
    if preset is not None:
        step("budget")
        name = choose_preset(bd, preset, data)
        budget = price(bd, sched, dood, preset=name, script=sc, data=data, shots=shots, contingency=contingency)
        top = compute(budget)
    sheets = []
    days = [d.number for d in sched.days] if call_days is None else list(call_days)
    if days:
        step("call sheets")
        settings = cs_settings or _callsheet_settings(None, first_day)
        sheets = [build_call_sheet(sched, bd, n, settings, dood=dood) for n in days]
    pkg = PreproductionPackage(script=sc, breakdown=bd, schedule=sched, dood=dood, budget=budget, top_sheet=top,
                               preset=name, call_sheets=sheets,
                               warnings=list(bd.warnings) + list(sched.warnings))
    if out_dir is not None:
        step("exports")
        pkg.files = export_package(pkg, out_dir)
        if ctx is not None:
            step("store")
            pkg.assets = store_package(pkg, ctx, out_dir, provenance)
    return pkg


def _callsheet_settings(values: Any, first_day: dt.date | None):
    if isinstance(values, CallSheetSettings):
        settings = values
    else:
        try:
            settings = CallSheetSettings(**dict(values or {}))
        except (TypeError, ValueError) as exc:
            raise CallSheetError(f"Call sheet settings are invalid: {exc}",
                                 hint="Check the field names and values of the call sheet settings.") from None
    if first_day is not None and settings.start_date is None:
        settings = settings.model_copy(update={"start_date": first_day})
    return settings


def export_package(pkg: PreproductionPackage, out_dir: str | Path) -> dict[str, Any]:
    """Write every part of a package: breakdown/, schedule/, budget/ and callsheets/ (HTML + PDF per day)."""
    out = Path(out_dir)
    files: dict[str, Any] = {"breakdown": export_breakdown(pkg.breakdown, out / "breakdown"),
                             "schedule": export_schedule(pkg.schedule, pkg.dood, out / "schedule")}
    if pkg.budget is not None:
        files["budget"] = export_budget(pkg.budget, out / "budget")
    sheets: list[Path] = []
    for sheet in pkg.call_sheets:
        stem = f"callsheet_day{sheet.day_number:02d}"
        sheets += [write_html(sheet, out / "callsheets" / f"{stem}.html"),
                   write_pdf(sheet, out / "callsheets" / f"{stem}.pdf")]
    files["callsheets"] = sheets
    return files


def store_package(pkg: PreproductionPackage, ctx: Any, out_dir: str | Path,
                  provenance: Mapping[str, Any] | None = None) -> list[Any]:
    """Store the script and every exported file as assets of the project (files are children of the script)."""
    if pkg.files.get("budget"):
        require_budget(ctx, edit=True)
    out = Path(out_dir)
    prov = dict(provenance or {})
    source = pkg.script.metadata.get("source_path") or pkg.script.metadata.get("source")
    path = Path(str(source)) if source else None
    stored: list[Any] = []
    parent = None
    if path is not None and path.is_file():
        latest = ctx.latest("script", path.name)      # the script version the package was made from (e.g. the
        same = latest is not None and latest.sha256 == sha256_of_file(path)[0]   # writer's v1): not a copy
        parent = latest if same else ctx.put_asset(path, kind="script", name=path.name, provenance=prov)
    groups = {"breakdown": pkg.files.get("breakdown", {}).values(), "schedule": pkg.files.get("schedule", {}).values(),
              "budget": pkg.files.get("budget", {}).values(), "callsheet": pkg.files.get("callsheets", [])}
    for kind, paths in groups.items():
        for p in paths:
            stored.append(ctx.put_asset(p, kind=kind, name=str(Path(p).relative_to(out)),
                                        parent_id=parent.id if parent is not None else None, provenance=prov))
    ctx.audit("preproduction.package", target=path.name if path else pkg.breakdown.title,
              detail={"assets": len(stored), "output_dir": str(out)})
    return stored


# -- what a change of board costs -------------------------------------------------------------

@dataclass
class BudgetDifference:
    """What moving from board ``before`` to board ``after`` costs (positive) or saves (negative)."""

    total: Decimal
    before_total: Decimal
    after_total: Decimal
    currency: str
    accounts: dict[str, Decimal]                 # account code -> change, only accounts that changed
    account_names: dict[str, str]
    shoot_days: tuple[int, int]
    cast_days: tuple[int, int]                   # work + hold days (DOOD totals) before, after
    holds: tuple[int, int]
    company_moves: tuple[int, int]

    @property
    def line(self) -> str:
        sign = "+" if self.total > 0 else ""
        parts = [f"{sign}{self.total:,.2f} {self.currency}"]
        for label, (a, b) in (("days", self.shoot_days), ("cast days", self.cast_days), ("holds", self.holds),
                              ("moves", self.company_moves)):
            if a != b:
                parts.append(f"{label} {a}→{b}")
        return ", ".join(parts)


def budget_difference(breakdown: Breakdown, before: Schedule, after: Schedule, *, preset: str = "auto",
                      script: Script | None = None, rates: Any = None, drop_after: int = 10) -> BudgetDifference:
    """Price two boards of the same breakdown and return the change (cast days × rates, holds, days, moves)."""
    data = load_budget_data(rates)
    out = []
    for sched in (before, after):
        dood = day_out_of_days(sched, drop_after=drop_after)
        top = compute(price(breakdown, sched, dood, preset=preset, script=script, data=data))
        worked = sum(r.total for r in dood.rows)
        holds = sum(r.hold for r in dood.rows)
        out.append((top, worked, holds, sched))
    (t0, w0, h0, s0), (t1, w1, h1, s1) = out
    a0 = {a.code: a.total for a in t0.accounts}
    a1 = {a.code: a.total for a in t1.accounts}
    names = {a.code: a.name for a in (*t0.accounts, *t1.accounts)}
    changed = {c: a1.get(c, Decimal(0)) - a0.get(c, Decimal(0)) for c in sorted(set(a0) | set(a1))}
    return BudgetDifference(total=t1.grand_total - t0.grand_total, before_total=t0.grand_total,
                            after_total=t1.grand_total, currency=t1.currency,
                            accounts={c: v for c, v in changed.items() if v}, account_names=names,
                            shoot_days=(len(s0.days), len(s1.days)), cast_days=(w0, w1), holds=(h0, h1),
                            company_moves=(s0.company_moves, s1.company_moves))


__all__ = ["require_budget", "can_see_budget", "edit_budget_line", "require_breakdown_lock", "SAMPLE_SCRIPT", "edit_log_path", "resolve_script_path", "store_package", "AUTO_FEATURE_PAGES", "PreproductionPackage", "BudgetDifference", "read_script", "day_limits",
           "choose_preset", "load_published_schedule", "redate", "break_down_script", "schedule_of", "price",
           "plan_package", "export_package", "budget_difference"]
