"""Session state of the Breakdown & Budget Board, free of any UI code.

One :class:`BoardState` per browser session holds the parsed script, its
breakdown (automatic tags plus the producer's edit log), the stripboard as a
day plan (scene indices per shoot day, in shooting order), the schedule and
day-out-of-days built from that plan, and the budget derived from both.

A hand-reordered board keeps the order the first AD dragged the strips into
(no automatic re-sorting inside a day); the day totals, company moves and
the DOOD follow the new order, and with ``keep_limits`` a day that overflows
its page, hour or company-move limit spills its last strips into the next
day ("the day breaks move"). Lengths are eighths of a page, hours are
shooting hours.

A scene longer than a shoot day is split into parts ("12 pt 1", "12 pt 2")
as the engine's scheduler does; the parts must shoot in order, which the
optimiser is told and a hand order is checked against. The budget and the
call sheets always follow the board as it stands (hand order included); the
producer's edits to budget lines are replayed on every re-derived budget.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from studio_kit.domain.preproduction import (Breakdown, BreakdownCategory, DayOutOfDays, Schedule, ScheduleLimits,
                                             ShootDay, Strip)
from studio_kit.exceptions import ScriptError

#: The sample short shipped with the package (used when no script is given).
SAMPLE_SCRIPT = Path(__file__).resolve().parents[1] / "data" / "samples" / "the_last_reel.fountain"
DAY_BREAK = "day"          # board token of a day-break strip; scene strips are "s<index>"


class BoardError(ScriptError):
    """The board cannot do what was asked (bad board order, unknown tag, empty script text)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "script"


def edit_log_path(home: str | Path, script_path: str | Path) -> Path:
    """Where the board keeps the breakdown edit log of a script: STUDIO_HOME/boards/<script>.edits.json.

    Templates and scripts apply the same log, so corrections made on the board
    carry into every package built from that script.
    """
    return Path(home) / "boards" / f"{_slug(Path(script_path).stem)}.edits.json"


def download_name(title: str, kind: str, day: int = 1) -> str:
    """"the-last-reel_callsheet_day01.pdf", "the-last-reel_budget.xlsx" ..."""
    stem = _slug(title)
    if kind == "callsheet_pdf":
        return f"{stem}_callsheet_day{day:02d}.pdf"
    base, ext = kind.rsplit("_", 1)
    return f"{stem}_{base}.{ext}"


def plan_of(schedule: Schedule) -> list[list[int]]:
    """Scene indices per shoot day, in shooting order."""
    return [[s.scene_index for s in d.strips] for d in schedule.days]


def tokens_of(plan: list[list[int]]) -> list[str]:
    """The board as the stripboard widget shows it: strips, each day closed by a day break."""
    out: list[str] = []
    for day in plan:
        out += [f"s{i}" for i in day] + [DAY_BREAK]
    return out


def plan_from_tokens(tokens: list[str], known: set[int]) -> list[list[int]]:
    """Day plan from a board order; raises :class:`BoardError` when strips are lost or doubled."""
    plan: list[list[int]] = [[]]
    seen: list[int] = []
    for tok in tokens:
        if tok == DAY_BREAK:
            plan.append([])
            continue
        if not re.fullmatch(r"s\d+", str(tok)):
            raise BoardError(f"Stripboard entry {tok!r} is neither a strip nor a day break.")
        plan[-1].append(int(tok[1:]))
        seen.append(int(tok[1:]))
    if sorted(seen) != sorted(known):
        lost, extra = sorted(known - set(seen)), sorted({i for i in seen if seen.count(i) > 1 or i not in known})
        raise BoardError(f"The new board order loses scenes {lost} or repeats/invents {extra}.",
                         hint="Every strip must appear exactly once; reload the board.")
    return [d for d in plan if d]


def fits(day: list[Strip], limits: ScheduleLimits) -> bool:
    """Whether a day (in shooting order) stays within pages, hours and company moves."""
    from studio_kit.engines.preproduction import stripboard as sb

    return (sum(s.eighths for s in day) <= limits.eighths_per_day
            and sb.day_hours(day, limits) <= limits.hours_per_day + 1e-9
            and sb.company_moves(day) <= limits.company_moves_per_day)


def reflow(days: list[list[Strip]], limits: ScheduleLimits) -> list[list[Strip]]:
    """Move day breaks so no day overflows: a full day pushes its last strips to the top of the next day.

    A single strip longer than a day stays alone on its day (the schedule
    check reports it). Empty days are removed.
    """
    days = [list(d) for d in days if d]
    i = 0
    while i < len(days):
        while len(days[i]) > 1 and not fits(days[i], limits):
            spill = days[i].pop()
            if i + 1 == len(days):
                days.append([])
            days[i + 1].insert(0, spill)
        i += 1
    return [d for d in days if d]


def _stem(description: str) -> str:
    """A budget line's identity without its changing qualifier: "3. PRIYA (day player)" -> "3. PRIYA"."""
    return description.split(" (", 1)[0].strip()


class BoardState:
    """Everything one producer's session of the board works on."""

    def __init__(self, script_path: str | Path | None = None, *, limits: ScheduleLimits | None = None,
                 time_limit: float = 3.0, preset: str = "auto", start_date: dt.date | None = None,
                 callsheet: dict[str, Any] | None = None, home: Path | None = None, num_workers: int = 2):
        from studio_kit.config import get_settings

        self.home = Path(home or get_settings().home)
        self.limits = limits or ScheduleLimits()
        self.time_limit = time_limit
        self.preset = preset
        self.start_date = start_date
        self.callsheet = dict(callsheet or {})
        self.num_workers = num_workers
        self.keep_limits = True
        self.budget_edits: list[tuple[str, int, str, str, Any]] = []   # (account, line, description, field, value)
        self.budget_notes: list[str] = []                          # hand edits that no longer found their line
        self.load(script_path or SAMPLE_SCRIPT)

    # -- loading -----------------------------------------------------------------------
    def load(self, path: str | Path) -> None:
        """Parse a Fountain file, re-apply its saved edit log, optimise the board and price it.

        All or nothing: when the script cannot be broken down or scheduled the
        board keeps the script it had.
        """
        from studio_kit.engines.preproduction.breakdown import load_script
        from studio_kit.engines.preproduction.edits import EditLog

        saved = dict(self.__dict__)
        try:
            self.script_path = Path(path)
            self.script = load_script(self.script_path)
            self.edits_path = edit_log_path(self.home, self.script_path)
            self.log = EditLog.load(self.edits_path)
            self.budget_edits, self.budget_notes = [], []     # a new script is priced afresh
            self._breakdown()
            self.optimise()
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def load_text(self, text: str, name: str = "pasted") -> None:
        """Load pasted Fountain text (saved under STUDIO_HOME/boards so edits can persist)."""
        if not text.strip():
            raise BoardError("The pasted script is empty.", hint="Paste a Fountain screenplay with scene headings.")
        path = self.home / "boards" / f"{_slug(name)}.fountain"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.load(path)

    def _breakdown(self) -> None:
        """Breakdown with the edit log replayed, and its strips (scenes longer than a day split into parts)."""
        from studio_kit.engines.preproduction import stripboard as sb
        from studio_kit.engines.preproduction.breakdown import break_down

        self.breakdown: Breakdown = break_down(self.script, edits=self.log)
        strips, self.parts_before, self.split_notes = sb.split_long_strips(
            sb.strips_from_breakdown(self.breakdown, self.limits), self.limits)
        self.strips = {s.scene_index: s for s in strips}

    @property
    def constraints(self):
        """What every board must respect: the parts of a split scene shoot in order."""
        from studio_kit.engines.preproduction.constraints import ScheduleConstraints

        return ScheduleConstraints(before=list(self.parts_before))

    @property
    def title(self) -> str:
        return self.breakdown.title or self.script_path.stem

    # -- schedule ------------------------------------------------------------------------
    def optimise(self, time_limit: float | None = None) -> Schedule:
        """Re-optimise the whole board with CP-SAT (replaces any hand order)."""
        from studio_kit.engines.preproduction.schedule import optimise

        self.schedule = optimise(list(self.strips.values()), limits=self.limits, constraints=self.constraints,
                                 time_limit=time_limit or self.time_limit, num_workers=self.num_workers,
                                 start_date=self.start_date, title=self.title,
                                 cast_names={m.id: m.name for m in self.breakdown.cast})
        self.schedule.warnings.extend(self.split_notes)
        self.optimised = self.schedule
        self._after_schedule()
        return self.schedule

    def set_limits(self, limits: ScheduleLimits, start_date: dt.date | None = None,
                   time_limit: float | None = None) -> Schedule:
        """New day limits (and first shoot day): strips are re-timed and the board re-optimised."""
        self.limits, self.start_date = limits, start_date
        self._breakdown()            # strip hours follow the limits' hours per page
        return self.optimise(time_limit)

    def set_board(self, tokens: list[str]) -> Schedule:
        """Apply a board order from the stripboard (strip tokens and day breaks); re-total the days."""
        plan = plan_from_tokens(tokens, set(self.strips))
        return self.set_plan(plan)

    def set_plan(self, plan: list[list[int]]) -> Schedule:
        """A hand-made day plan (scene indices per day in shooting order), kept as given."""
        from studio_kit.engines.preproduction import stripboard as sb

        if {i for day in plan for i in day} != set(self.strips):
            raise BoardError("The day plan does not hold every strip of the board exactly once.",
                             hint="Re-optimise to rebuild the board.")
        days = [[self.strips[i] for i in day] for day in plan if day]
        if self.keep_limits:
            days = reflow(days, self.limits)
        scored = sb.score(days, self.schedule.weights, reorder=False)
        cal = sb.shoot_dates(self.start_date, len(days))
        built = [ShootDay(number=n, date=date, strips=d, eighths=sum(s.eighths for s in d),
                          hours=round(sb.day_hours(d, self.limits), 3), company_moves=sb.company_moves(d), week=week)
                 for n, (d, (date, week)) in enumerate(zip(days, cal), start=1)]
        self.schedule = self.schedule.model_copy(update={
            "days": built, "objective": scored["objective"], "status": "MANUAL",
            "company_moves": int(scored["company_moves"]), "cast_days": int(scored["cast_days"]),
            "day_night_flips": int(scored["day_night_flips"]), "warnings": list(self.split_notes)})
        self._after_schedule()
        return self.schedule

    def move_strip(self, scene_index: int, before: int | None) -> Schedule:
        """Move one strip in front of another (``before`` = scene index, None = end of the board)."""
        tokens = [t for t in tokens_of(plan_of(self.schedule)) if t != f"s{scene_index}"]
        tokens.insert(tokens.index(f"s{before}") if before is not None else len(tokens), f"s{scene_index}")
        return self.set_board(tokens)

    def problems(self) -> list[str]:
        """Day limits the board breaks, and split scenes whose parts are out of order."""
        from studio_kit.engines.preproduction.schedule import violations

        out = violations(self.schedule)
        where = {s.scene_index: (d.number, k) for d in self.schedule.days for k, s in enumerate(d.strips)}
        for a, b in self.parts_before:
            if where[a] > where[b]:
                pa, pb = self.strips[a], self.strips[b]
                out.append(f"sc. {pb.scene_number} (day {where[b][0]}) is shot before sc. {pa.scene_number} "
                           f"(day {where[a][0]}): the parts of a split scene shoot in order")
        return out

    def _after_schedule(self) -> None:
        """DOOD and budget follow the board as it stands now (hand order included)."""
        from studio_kit.engines.preproduction.dood import day_out_of_days

        self.dood: DayOutOfDays = day_out_of_days(self.schedule)
        self.derive_budget(keep_edits=True)

    # -- breakdown edits (persisted as an edit log) -----------------------------------------
    def _edited(self) -> None:
        self.log.save(self.edits_path)
        self._store_log()
        plan = plan_of(self.schedule)
        self._breakdown()
        if {i for day in plan for i in day} == set(self.strips):
            self.set_plan(plan)      # same order; cast on strips, DOOD and call sheets follow the edit
        else:                        # the strips themselves changed (a scene split differently): solve again
            self.optimise()

    def _store_log(self) -> None:
        """Keep every version of the edit log in the project store too (kind ``breakdown-edits``), for the audit trail."""
        from studio_kit.config import get_settings
        from studio_kit.store import open_store

        settings = get_settings()
        store = open_store() if self.home == Path(settings.home) else open_store(
            f"sqlite:///{(self.home / 'studio.db').resolve()}", asset_root=self.home / "assets")
        ctx = store.project(settings.org, settings.project, user=settings.user)
        previous = ctx.versions("breakdown-edits", self.edits_path.name)
        self.log.save_to_store(ctx, name=self.edits_path.name, parent_id=previous[-1].id if previous else None)

    def add_tag(self, scene_index: int, category: str, name: str) -> None:
        if not name.strip():
            raise BoardError("A tag needs a name.", hint="Type the element as written in the script, e.g. FILM REEL.")
        self.log.add(category, name, scene_index, breakdown=self.breakdown, user="board")
        self._edited()

    def remove_tag(self, scene_index: int, category: str, name: str) -> None:
        self._tag(scene_index, category, name)
        self.log.remove(category, name, scene_index, breakdown=self.breakdown, user="board")
        self._edited()

    def recategorise_tag(self, scene_index: int, category: str, name: str, new_category: str) -> None:
        self._tag(scene_index, category, name)
        self.log.recategorise(category, name, new_category, scene_index, breakdown=self.breakdown, user="board")
        self._edited()

    def merge_tags(self, category: str, sources: list[str], into: str) -> None:
        if not sources or not into.strip():
            raise BoardError("Merging needs the duplicate names and the name to keep.")
        self.log.merge(category, sources, into, user="board")
        self._edited()

    def lock_cast(self) -> dict[str, int]:
        """Lock the cast numbers in the edit log: later drafts keep them (new characters are numbered after)."""
        if not self.breakdown.cast:
            raise BoardError("This script has no cast to lock.")
        locked = self.log.lock_cast(self.breakdown)
        self._edited()
        return locked

    @property
    def cast_locked(self) -> bool:
        return bool(self.log.cast_numbers)

    def _tag(self, scene_index: int, category: str, name: str):
        sheet = self.breakdown.sheet(scene_index)
        for t in sheet.tags:
            if t.category == BreakdownCategory(category) and t.name == name:
                return t
        raise BoardError(f"Scene {sheet.scene_number} has no {BreakdownCategory(category).label} tag {name!r}.",
                         hint="Pick a tag shown on the breakdown sheet.")

    # -- budget ----------------------------------------------------------------------------
    def derive_budget(self, preset: str | None = None, *, keep_edits: bool = False) -> None:
        """Price the breakdown and the board as it stands (cast days from its DOOD, location days from
        its strips, SHOOT_DAYS from its day count).

        With ``keep_edits`` the producer's line edits are replayed on the new
        budget; without (a new preset) they are discarded.
        """
        from studio_kit.engines.preproduction.budget_derive import derive_budget

        self.preset = preset or self.preset
        self.budget = derive_budget(self.breakdown, self.schedule, self.preset_name, dood=self.dood, script=self.script)
        if not keep_edits:
            self.budget_edits, self.budget_notes = [], []
            return
        kept, self.budget_notes = [], []
        for account, line, description, field, value in self.budget_edits:
            index = self._budget_line(account, line, description)
            if index is None:
                self.budget_notes.append(f"{account} “{description}”: {field} {value} no longer applies "
                                         "(the line is gone from the re-derived budget)")
                continue
            self._update_line(account, index, field, value)
            kept.append((account, index, description, field, value))   # a renamed line is found by its new name next
        self.budget_edits = kept

    @property
    def preset_name(self) -> str:
        """The preset the budget is priced with; "auto" picks one by length, as `studio budget` does
        (a short under 40 pages is not priced like a feature)."""
        if self.preset != "auto":
            return self.preset
        from studio_kit.cli.budget import AUTO_FEATURE_PAGES

        short = self.breakdown.total_eighths < AUTO_FEATURE_PAGES * 8
        return "micro-short-medium" if short else "indie-feature-medium"

    def _budget_line(self, account: str, line: int, description: str) -> int | None:
        """Index of the line a hand edit was made on: same description, else same name (a cast member's
        tier may change when the board changes their work days); among equals, the same position."""
        try:
            lines = self.budget.account(account).lines
        except KeyError:
            return None
        for match in (lambda d: d == description, lambda d: _stem(d) == _stem(description)):
            found = [i for i, ln in enumerate(lines) if match(ln.description)]
            if len(found) == 1 or line in found:
                return found[0] if len(found) == 1 else line
        return None

    def _update_line(self, account: str, index: int, field: str, value: Any) -> None:
        from studio_kit.engines.preproduction.budget import update_line

        update_line(self.budget, account, index, **{field: value})

    def edit_budget_line(self, account: str, index: int, field: str, value: Any) -> None:
        """Edit one detail line; the edit is remembered and replayed when the board re-prices the budget."""
        try:
            description = self.budget.account(account).lines[index].description
        except (KeyError, IndexError):
            description = ""
        self._update_line(account, index, field, value)      # raises BudgetError on a bad value or line
        self.budget_edits.append((account, index, description, field, value))

    def top_sheet(self):
        from studio_kit.engines.preproduction.budget import compute

        return compute(self.budget)

    # -- call sheets and files -------------------------------------------------------------
    def call_sheet(self, day: int):
        from studio_kit.engines.preproduction.callsheet import build_call_sheet

        settings = {**self.callsheet}
        if self.start_date and "start_date" not in settings:
            settings["start_date"] = self.start_date
        return build_call_sheet(self.schedule, self.breakdown, day, settings, dood=self.dood)

    def file_bytes(self, kind: str, day: int = 1) -> tuple[bytes, str]:
        """(content, filename) of a download: callsheet_pdf, budget_xlsx, stripboard_pdf, dood_xlsx."""
        import tempfile

        from studio_kit.engines.preproduction import budget_export, callsheet, exports

        writers = {
            "callsheet_pdf": lambda p: callsheet.write_pdf(self.call_sheet(day), p),
            "budget_xlsx": lambda p: budget_export.write_xlsx(self.budget, p),
            "stripboard_pdf": lambda p: exports.stripboard_pdf(self.schedule, p),
            "dood_xlsx": lambda p: exports.dood_xlsx(self.dood, p),
        }
        if kind not in writers:
            raise BoardError(f"No download {kind!r}.", hint=f"Known downloads: {', '.join(writers)}.")
        write, name = writers[kind], download_name(self.title, kind, day)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            write(path)
            return path.read_bytes(), name

    def summary(self) -> dict[str, Any]:
        """Headline figures for the board's header (pages as eighths)."""
        top = self.top_sheet()
        base = {b.name: b.company_moves for b in self.optimised.baselines}
        return {"scenes": len(self.breakdown.sheets), "eighths": self.breakdown.total_eighths,
                "cast": len(self.breakdown.cast), "days": len(self.schedule.days),
                "company_moves": self.schedule.company_moves, "script_order_moves": base.get("script order"),
                "greedy_moves": base.get("greedy by location"), "status": self.schedule.status,
                "total": top.grand_total, "currency": top.currency, "problems": self.problems()}
