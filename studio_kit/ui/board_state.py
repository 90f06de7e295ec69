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

Nothing is lost between sessions (:mod:`studio_kit.store.edits`): every tag
edit is *appended* to the script's breakdown stream (two producers tagging at
once both keep their tag); the board as it stands (hand order, day limits,
budget edits, preset) is a *versioned document* saved on top of the version
this session loaded, so a stale save is refused with "changed by X at T —
reload" while the producer's board stays on screen. "Publish schedule" stores
the board as the schedule (and its budget) the call sheets follow; budget
versions can be compared account by account.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.domain.breakdown_edits import Edit, EditLog
from studio_kit.domain.budget import Budget
from studio_kit.domain.preproduction import (
    BreakdownCategory,
    DayOutOfDays,
    Schedule,
    ScheduleConstraints,
    ScheduleLimits,
    ShootDay,
    Strip,
)
from studio_kit.engines.preproduction import budget_export, callsheet, exports
from studio_kit.engines.preproduction import stripboard as sb
from studio_kit.engines.preproduction.breakdown import apply_edits, automatic_breakdown, ensure_eighths
from studio_kit.engines.preproduction.budget import compute, load_budget_data, update_line
from studio_kit.engines.preproduction.callsheet import build_call_sheet
from studio_kit.engines.preproduction.dood import day_out_of_days
from studio_kit.engines.preproduction.schedule import moves_line, optimise, violations
from studio_kit.engines.preproduction.service import (
    SAMPLE_SCRIPT,
    budget_difference,
    choose_preset,
    edit_log_path,
    price,
    read_script,
)
from studio_kit.engines.preproduction.stripboard import previous_days
from studio_kit.engines.writing.io import load_script
from studio_kit.engines.writing.versions import save_version
from studio_kit.exceptions import BoardError, ScriptError  # noqa: F401 - BoardError re-exported from its old path
from studio_kit.store import open_store
from studio_kit.store.edits import StaleEditError, append, load_doc, read_stream, save_doc
from studio_kit.ui.project_picker import latest_asset

DAY_BREAK = "day"          # board token of a day-break strip; scene strips are "s<index>"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "script"


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
    return (sum(s.eighths for s in day) <= limits.eighths_per_day
            and sb.day_hours(day, limits) <= limits.hours_per_day + 1e-9
            and sb.company_moves(day) <= limits.company_moves_per_day
            and not sb.light_problems(day, limits))     # no exterior day + exterior night, dawn/dusk windows


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


def _plain(value: Any) -> Any:
    """A budget edit's value as JSON keeps it (Decimal and numpy numbers become float/int, text stays)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (int, float, str)) or value is None:
        return value
    return str(value)


def latest_script(ctx: Any) -> Any:
    """The project's most recently saved script version (kind ``script``, any name), or None."""
    return latest_asset(ctx, "script")


def _stem(description: str) -> str:
    """A budget line's identity without its changing qualifier: "3. PRIYA (day player)" -> "3. PRIYA"."""
    return description.split(" (", 1)[0].strip()


# -- what every session of this server shares ---------------------------------------------------
#: Results that depend only on their inputs, computed once per server process and shared by its
#: sessions: the automatic breakdown of a script (before any edit is replayed) and the CP-SAT board of a
#: set of strips (the solver is deterministic: seeded, stopped on deterministic time). Keys hold the
#: store and the org/project the session works in plus a fingerprint of every input, so one project's
#: data never answers another's; values are copied on the way out (sessions change their own copy).
_SHARED: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_SHARED_MAX = 64
_SHARED_LOCK = threading.Lock()


def _scope(ctx: Any) -> tuple[Any, ...]:
    store = getattr(ctx, "store", None)
    return (str(getattr(getattr(store, "engine", None), "url", "")), getattr(ctx, "org_id", None),
            getattr(ctx, "project_id", None))


def _fingerprint(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part.model_dump_json() if hasattr(part, "model_dump_json") else
                       json.dumps(part, sort_keys=True, default=_plain_json)).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _plain_json(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else str(value)


def shared(key: tuple[Any, ...], make: Callable[[], Any], copy: bool = True) -> Any:
    """``make()``, or what it gave before for ``key`` in this server process (a deep copy either way;
    ``copy=False``: the shared object itself, for a caller that only reads it)."""
    with _SHARED_LOCK:
        value = _SHARED.get(key)
        if value is not None:
            _SHARED.move_to_end(key)
    if value is None:
        value = make()
        with _SHARED_LOCK:
            _SHARED[key] = value
            while len(_SHARED) > _SHARED_MAX:
                _SHARED.popitem(last=False)
    return value.model_copy(deep=True) if copy else value


class BoardState:
    """Everything one producer's session of the board works on."""

    def __init__(self, script_path: str | Path | None = None, *, limits: ScheduleLimits | None = None,
                 time_limit: float = 3.0, preset: str = "auto", start_date: dt.date | None = None,
                 callsheet: dict[str, Any] | None = None, home: Path | None = None, num_workers: int = 2,
                 ctx: Any = None, script_record: Any = None):
        self.home = Path(home or get_settings().home)
        self.ctx = ctx or self._open_context()
        self.limits = limits or ScheduleLimits()
        self.time_limit = time_limit
        self.preset = preset
        self.start_date = start_date
        self.callsheet = dict(callsheet or {})
        self.num_workers = num_workers
        self.keep_limits = False        # a strip dropped into a full day stays there; the day is flagged
        self.budget_edits: list[tuple[str, int, str, str, Any]] = []   # (account, line, description, field, value)
        self.budget_notes: list[str] = []                          # hand edits that no longer found their line
        self.board_version = 0          # version of the saved board this session stands on (0: never saved)
        self.board_saved: Any = None    # its record (who/when)
        self.stale: Any = None          # the StaleEditError of a refused save, until the producer reloads
        self.last_change: Any = None    # BudgetDifference of the last drag / re-optimise / day re-break
        self.change_notes: list[str] = []
        if script_path is None and script_record is None:
            script_record = latest_script(self.ctx)
        if script_path is None and script_record is not None:
            self.load_asset(script_record)
        else:
            self.load(script_path or SAMPLE_SCRIPT)

    def _open_context(self):
        settings = get_settings()
        store = open_store() if self.home == Path(settings.home) else open_store(
            f"sqlite:///{(self.home / 'studio.db').resolve()}", asset_root=self.home / "assets")
        return store.project(settings.org, settings.project, user=settings.user)

    # -- loading -----------------------------------------------------------------------
    def load(self, path: str | Path) -> None:
        """Open a Fountain/FDX file: its edit stream re-applied, its saved board restored (else optimised).

        All or nothing: when the script cannot be broken down or scheduled the
        board keeps the script it had.
        """
        path = Path(path)
        self._open(lambda: read_script(path), key=path.name, path=path, record=None)

    def load_asset(self, record: Any) -> None:
        """Open a script version stored in the project (kind ``script``)."""
        self._open(lambda: load_script(self.ctx.read_text(record.id), name=record.name), key=record.name,
                   path=Path(record.name), record=record)

    def load_text(self, text: str, name: str = "pasted") -> None:
        """Pasted or uploaded Fountain: stored as a new version of the script in the project, then opened."""
        if not text.strip():
            raise BoardError("The pasted script is empty.", hint="Paste a Fountain screenplay with scene headings.")
        load_script(text, name=name)               # refuse what cannot be broken down before storing it
        file_name = f"{_slug(Path(name).stem)}.fountain"
        version = save_version(self.ctx, text, name=file_name, provenance={"ui": "breakdown_board"})
        self.load_asset(self.ctx.get_asset(version.asset_id))

    def _open(self, read, *, key: str, path: Path, record: Any) -> None:
        saved = dict(self.__dict__)
        try:
            self.script = read()
            self.script_path, self.script_record, self.key = path, record, key
            self.edits_path = edit_log_path(self.home, path)
            # page lengths once, before the script is fingerprinted: the shared breakdown is keyed by the
            # script as the tagger sees it (lengths included), so every session and every edit find it
            self.eighths_warnings = ensure_eighths(self.script)
            self.script_fingerprint = _fingerprint(self.script)
            self._stream_seen, self._stream_log = 0, EditLog()      # the edit stream as read so far
            self.log = self._read_log()
            self.budget_edits, self.budget_notes = [], []     # a new script is priced afresh
            self.board_version, self.board_saved, self.stale, self.last_change = 0, None, None, None
            self._breakdown()
            self.optimise(persist=False)
            self._restore_board()
            self._read_published()
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    @property
    def is_sample(self) -> bool:
        return self.script_record is None and Path(self.script_path) == SAMPLE_SCRIPT

    @property
    def source_label(self) -> str:
        if self.script_record is not None:
            return f"{self.key} v{self.script_record.version} (project {self.ctx.scope_name})"
        return f"{self.key} (bundled sample)" if self.is_sample else str(self.script_path)

    def _breakdown(self) -> None:
        """Breakdown with the edit log replayed, and its strips (scenes longer than a day split into parts)."""
        # the automatic tags are the same for every session on this script (and its locked cast numbers):
        # computed once per server, then only the edit log is replayed (break_down = automatic + edits)
        numbers = dict(self.log.cast_numbers)
        key = ("breakdown", *_scope(self.ctx), self.script_fingerprint, _fingerprint(numbers))
        # read only: apply_edits replays the log on its own copy
        automatic = shared(key, lambda: automatic_breakdown(self.script, cast_numbers=numbers), copy=False)
        self.breakdown = apply_edits(automatic, self.log)
        self.breakdown.warnings[:0] = [w for w in self.eighths_warnings if w not in self.breakdown.warnings]
        strips, self.parts_before, self.split_notes = sb.split_long_strips(
            sb.strips_from_breakdown(self.breakdown, self.limits), self.limits)
        self.strips = {s.scene_index: s for s in strips}

    @property
    def constraints(self):
        """What every board must respect: the parts of a split scene shoot in order."""
        return ScheduleConstraints(before=list(self.parts_before))

    @property
    def title(self) -> str:
        return self.breakdown.title or Path(self.script_path).stem

    # -- persistence: the saved board (versioned) ---------------------------------------------
    @property
    def board_payload(self) -> dict[str, Any]:
        return {"plan": plan_of(self.schedule), "status": self.schedule.status,
                "limits": self.limits.model_dump(mode="json"), "keep_limits": self.keep_limits,
                "start_date": self.start_date.isoformat() if self.start_date else None, "preset": self.preset,
                "budget_edits": [list(e) for e in self.budget_edits], "callsheet": dict(self.callsheet),
                "script": self.key, "script_version": self.script_record.version if self.script_record else None}

    def save_board(self) -> Any:
        """Save the board as it stands on top of the version this session loaded.

        Raises :class:`~studio_kit.store.edits.StaleEditError` ("changed by X at T — reload") when
        someone saved in between; the board in this session is left as the producer made it.
        """
        try:
            doc = save_doc(self.ctx, "board", self.key, self.board_payload, base=self.board_version,
                           meta={"days": len(self.schedule.days), "status": self.schedule.status},
                           what=f"The board of {self.key}")
        except StaleEditError as exc:
            self.stale = exc
            raise
        self.board_version, self.board_saved, self.stale = doc.version, doc.record, None
        return doc

    def reload_board(self) -> None:
        """Take the latest saved board (someone else's changes); this session's unsaved board is dropped."""
        self.stale = None
        self._restore_board()

    def _restore_board(self) -> bool:
        doc = load_doc(self.ctx, "board", self.key)
        if doc is None:
            return False
        data = doc.payload
        self.board_version, self.board_saved = doc.version, doc.record
        limits = ScheduleLimits.model_validate(data.get("limits") or {})
        start = dt.date.fromisoformat(data["start_date"]) if data.get("start_date") else self.start_date
        if limits != self.limits or start != self.start_date:
            self.limits, self.start_date = limits, start
            self._breakdown()
            self.optimise(persist=False)
        self.keep_limits = bool(data.get("keep_limits", False))
        self.preset = data.get("preset") or self.preset
        self.callsheet = dict(data.get("callsheet") or {})
        self.budget_edits = [tuple(e) for e in data.get("budget_edits") or []]
        plan = [list(d) for d in data.get("plan") or []]
        if data.get("status") == "MANUAL" and {i for d in plan for i in d} == set(self.strips):
            self.set_plan(plan, persist=False, check_days=False)
        else:
            if data.get("status") == "MANUAL":
                self.change_notes = [(f"The saved hand order ({doc.who_when}) no longer matches this draft's scenes; "
                                     "the board was re-optimised.")]
            self.derive_budget(keep_edits=True)
        return True

    # -- publishing ------------------------------------------------------------------------
    @property
    def schedule_name(self) -> str:
        return f"{_slug(Path(self.key).stem)}.schedule.json"

    @property
    def budget_name(self) -> str:
        return f"{_slug(Path(self.key).stem)}.budget.json"

    def publish(self) -> Any:
        """Publish the board: the schedule (and the budget priced from it) the call sheets follow."""
        if self.stale is not None:
            raise BoardError(f"Not published: {self.stale.message}",
                             hint="Reload the board first; your board is still on screen.")
        doc = self.save_board()
        top = compute(self.budget)
        record = self.ctx.put_asset(self.schedule.model_dump_json(), kind="schedule", name=self.schedule_name,
                                    mime="application/json",
                                    meta={"published": True, "board_version": doc.version, "script": self.key,
                                          "days": len(self.schedule.days), "grand_total": str(top.grand_total)})
        self.save_budget_version(note=f"published schedule v{record.version}", schedule_version=record.version)
        self.ctx.audit("schedule.publish", f"asset:{record.id}", {"script": self.key, "version": record.version})
        self._read_published()
        return record

    def _read_published(self) -> None:
        self.published = self.published_record = self.published_dood = None
        record = self.ctx.latest("schedule", self.schedule_name)
        if record is None:
            return
        try:
            sched = Schedule.model_validate_json(self.ctx.read_text(record.id))
        except ValueError:
            return
        if {s.scene_index for s in sched.strips} != set(self.strips):
            self.change_notes.append(f"The published schedule v{record.version} was made from another draft; "
                                     "call sheets follow the board until you publish again.")
            return
        self.published, self.published_record = sched, record
        self.published_dood = day_out_of_days(sched)

    # -- budget versions ---------------------------------------------------------------------
    def save_budget_version(self, note: str = "", schedule_version: int | None = None) -> Any:
        """Store the budget as it stands as the next budget version (who/when, totals per account)."""
        top = compute(self.budget)
        return self.ctx.put_asset(self.budget.model_dump_json(), kind="budget", name=self.budget_name,
                                  mime="application/json",
                                  meta={"note": note, "schedule_version": schedule_version,
                                        "board_version": self.board_version, "days": len(self.schedule.days),
                                        "grand_total": str(top.grand_total), "currency": top.currency})

    def budget_versions(self) -> list[Any]:
        return self.ctx.versions("budget", self.budget_name)

    def compare_budget_versions(self, old: int, new: int) -> list[dict[str, Any]]:
        """Totals per account of two stored budget versions side by side, with the difference."""
        by_version = {r.version: r for r in self.budget_versions()}
        missing = [v for v in (old, new) if v not in by_version]
        if missing:
            raise BoardError(f"No budget version {missing[0]} of {self.key}.", hint="Pick a saved budget version.")
        tops = [compute(Budget.model_validate_json(self.ctx.read_text(by_version[v].id))) for v in (old, new)]
        accounts: dict[str, tuple[str, Any, Any]] = {}
        zero = tops[0].grand_total * 0
        for which, top in enumerate(tops):
            for a in top.accounts:
                name, a0, a1 = accounts.get(a.code, (a.name, zero, zero))
                accounts[a.code] = (name, a.total if which == 0 else a0, a.total if which == 1 else a1)
        rows = [{"account": code, "name": name, f"v{old}": a0, f"v{new}": a1, "difference": a1 - a0}
                for code, (name, a0, a1) in sorted(accounts.items())]
        rows.append({"account": "", "name": "Grand total", f"v{old}": tops[0].grand_total,
                     f"v{new}": tops[1].grand_total, "difference": tops[1].grand_total - tops[0].grand_total})
        return rows

    # -- schedule ------------------------------------------------------------------------
    def optimise(self, time_limit: float | None = None, persist: bool = True) -> Schedule:
        """Re-optimise the whole board with CP-SAT (replaces any hand order).

        Once a schedule is published, a re-optimise starts from it and moving a strip off its published
        day costs, so a small change moves few strips; the schedule's warnings say how many moved."""
        before = getattr(self, "schedule", None)
        strips = list(self.strips.values())
        published = getattr(self, "published", None)
        kwargs: dict[str, Any] = dict(
            limits=self.limits, constraints=self.constraints, time_limit=time_limit or self.time_limit,
            num_workers=self.num_workers, start_date=self.start_date, title=self.title,
            cast_names={m.id: m.name for m in self.breakdown.cast},
            previous=previous_days(published, strips) if published is not None else None)
        if persist:         # the producer asked for it (Re-optimise, new limits ...): the solver runs
            self.schedule = optimise(strips, **kwargs)
        else:               # opening or taking in edits: the same strips and limits give the same board
            key = ("schedule", *_scope(self.ctx), _fingerprint(strips, kwargs))
            self.schedule = shared(key, lambda: optimise(strips, **kwargs))
        self.schedule.warnings.extend(self.split_notes)
        moved = moves_line(self.schedule) if published is not None else ""
        if moved:
            self.schedule.warnings.append(moved)
        self.optimised = self.schedule
        self._after_schedule()
        if persist:
            self._priced_change(before)
            self.save_board()
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

    def set_keep_limits(self, keep: bool) -> Schedule:
        """Whether day breaks move by themselves to keep every day within its limits."""
        self.keep_limits = keep
        return self.set_plan(plan_of(self.schedule))

    def rebreak_days(self) -> Schedule:
        """The explicit action: move the day breaks so no day is over its limits (strip order kept)."""
        keep, self.keep_limits = self.keep_limits, True
        try:
            return self.set_plan(plan_of(self.schedule))
        finally:
            self.keep_limits = keep

    def set_plan(self, plan: list[list[int]], persist: bool = True, check_days: bool = True) -> Schedule:
        """A hand-made day plan (scene indices per day in shooting order), kept as given: a strip dropped
        into a full day stays there and the day is flagged over its limits (unless ``keep_limits``)."""
        if {i for day in plan for i in day} != set(self.strips):
            raise BoardError("The day plan does not hold every strip of the board exactly once.",
                             hint="Re-optimise to rebuild the board.")
        before = self.schedule
        wanted = len([d for d in plan if d])
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
        if persist:
            change = self._priced_change(before)
            if check_days and len(built) != wanted and change is not None:
                self.change_notes.append(f"The day breaks moved to keep the day limits: {wanted} → {len(built)} "
                                         f"shoot days ({change.line}).")
            self.save_board()
        return self.schedule

    def _priced_change(self, before: Schedule | None):
        """What the change from ``before`` to the board now costs (the pre-production service prices both)."""
        self.change_notes = []
        if before is None:
            return None
        self.last_change = budget_difference(self.breakdown, before, self.schedule, preset=self.preset_name,
                                             script=self.script)
        return self.last_change

    def move_strip(self, scene_index: int, before: int | None) -> Schedule:
        """Move one strip in front of another (``before`` = scene index, None = end of the board)."""
        tokens = [t for t in tokens_of(plan_of(self.schedule)) if t != f"s{scene_index}"]
        tokens.insert(tokens.index(f"s{before}") if before is not None else len(tokens), f"s{scene_index}")
        return self.set_board(tokens)

    def problems(self) -> list[str]:
        """Day limits the board breaks, and split scenes whose parts are out of order."""
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
        self.dood: DayOutOfDays = day_out_of_days(self.schedule)
        self.derive_budget(keep_edits=True)

    # -- breakdown edits (appended to the script's edit stream) -----------------------------------
    @property
    def stream(self) -> str:
        return f"breakdown:{self.key}"

    def _read_log(self, entries: list[Any] | None = None):
        """The edit log = every entry of the script's stream, in order (all sessions' edits).

        Entries are appended, never changed: only those after the last one this session read are
        fetched (an edit re-reads only what other sessions appended meanwhile). ``entries``: the new
        entries, already known to follow the last one read."""
        log = self._stream_log
        if entries is None:
            entries = read_stream(self.ctx, self.stream, after=self._stream_seen)
        if not entries and not self._stream_seen and self.edits_path.is_file():   # a log kept by an older board
            return EditLog.load(self.edits_path)
        for entry in entries:
            data = dict(entry.payload)
            if data.pop("type", "edit") == "lock_cast":
                for name, number in (data.get("numbers") or {}).items():
                    log.cast_numbers.setdefault(name, int(number))
            else:
                log.edits.append(Edit.model_validate(data))
            self._stream_seen = max(self._stream_seen, entry.seq)
        return log.model_copy(update={"edits": list(log.edits), "cast_numbers": dict(log.cast_numbers)})

    def _append(self, entry: dict[str, Any]) -> None:
        """Append one edit, re-read the stream (other sessions' edits come in too) and re-apply it."""
        added = append(self.ctx, self.stream, entry)
        # nobody appended since this session last read the stream: the new entry is all there is to read
        self.log = self._read_log([added] if added.seq == self._stream_seen + 1 else None)
        self.log.save(self.edits_path)          # snapshot of the whole stream for `plan_package(board_edits=True)`
        plan = plan_of(self.schedule)
        self._breakdown()
        if {i for day in plan for i in day} == set(self.strips):
            self.set_plan(plan, persist=False)   # same order; cast on strips, DOOD and call sheets follow the edit
        else:                                    # the strips themselves changed (a scene split differently): solve again
            self.optimise()

    def _append_edit(self, edit) -> None:
        self.log.edits.remove(edit)              # the stream, not this session's copy, is the log
        self._append({"type": "edit", **edit.model_dump(mode="json")})

    def refresh_edits(self) -> bool:
        """Take in tag edits other sessions appended since this one read the stream; True when there were any."""
        fresh = self._read_log()
        if fresh == self.log:
            return False
        self.log = fresh
        plan = plan_of(self.schedule)
        self._breakdown()
        if {i for day in plan for i in day} == set(self.strips):
            self.set_plan(plan, persist=False)
        else:
            self.optimise(persist=False)
        return True

    def add_tag(self, scene_index: int, category: str, name: str) -> None:
        if not name.strip():
            raise BoardError("A tag needs a name.", hint="Type the element as written in the script, e.g. FILM REEL.")
        self._append_edit(self.log.add(category, name, scene_index, breakdown=self.breakdown, user=self.ctx.user))

    def remove_tag(self, scene_index: int, category: str, name: str) -> None:
        self._tag(scene_index, category, name)
        self._append_edit(self.log.remove(category, name, scene_index, breakdown=self.breakdown, user=self.ctx.user))

    def recategorise_tag(self, scene_index: int, category: str, name: str, new_category: str) -> None:
        self._tag(scene_index, category, name)
        self._append_edit(self.log.recategorise(category, name, new_category, scene_index, breakdown=self.breakdown,
                                                user=self.ctx.user))

    def merge_tags(self, category: str, sources: list[str], into: str) -> None:
        if not sources or not into.strip():
            raise BoardError("Merging needs the duplicate names and the name to keep.")
        self._append_edit(self.log.merge(category, sources, into, user=self.ctx.user))

    def lock_cast(self) -> dict[str, int]:
        """Lock the cast numbers in the edit log: later drafts keep them (new characters are numbered after)."""
        if not self.breakdown.cast:
            raise BoardError("This script has no cast to lock.")
        numbers = {m.name.upper(): m.id for m in self.breakdown.cast}
        self._append({"type": "lock_cast", "numbers": numbers})
        return dict(self.log.cast_numbers)

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
    def derive_budget(self, preset: str | None = None, *, keep_edits: bool = False, persist: bool = False) -> None:
        """Price the breakdown and the board as it stands (cast days from its DOOD, location days from
        its strips, SHOOT_DAYS from its day count).

        With ``keep_edits`` the producer's line edits are replayed on the new
        budget; without (a new preset) they are discarded.
        """
        self.preset = preset or self.preset
        if getattr(self, "_budget_data", None) is None:    # rate cards read once per session (only read after)
            self._budget_data = load_budget_data()
        self.budget = price(self.breakdown, self.schedule, self.dood, preset=self.preset_name, script=self.script,
                            data=self._budget_data)
        if not keep_edits:
            self.budget_edits, self.budget_notes = [], []
            if persist:
                self.save_board()
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
        return choose_preset(self.breakdown, self.preset)

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
        update_line(self.budget, account, index, **{field: value})

    def edit_budget_line(self, account: str, index: int, field: str, value: Any) -> None:
        """Edit one detail line; the edit is remembered and replayed when the board re-prices the budget."""
        try:
            description = self.budget.account(account).lines[index].description
        except (KeyError, IndexError):
            description = ""
        self._update_line(account, index, field, value)      # raises BudgetError on a bad value or line
        self.budget_edits.append((account, index, description, field, _plain(value)))
        self.save_board()

    def top_sheet(self):
        return compute(self.budget)

    # -- call sheets and files -------------------------------------------------------------
    def call_sheet(self, day: int):
        settings = {**self.callsheet}
        if self.start_date and "start_date" not in settings:
            settings["start_date"] = self.start_date
        if self.published is not None:         # the crew works from the published schedule, not the draft board
            return build_call_sheet(self.published, self.breakdown, day, settings, dood=self.published_dood)
        return build_call_sheet(self.schedule, self.breakdown, day, settings, dood=self.dood)

    def set_callsheet(self, **values: Any) -> None:
        """Call sheet settings (location, coordinates, time zone ...): checked by building day 1, then saved."""
        saved = dict(self.callsheet)
        self.callsheet.update(values)
        try:
            self.call_sheet(1)          # bad coordinates or zone: refused, the old settings stay
        except BaseException:
            self.callsheet = saved
            raise
        self.save_board()

    @property
    def call_days(self) -> list[Any]:
        """The shoot days the call sheets are made for (the published schedule's, else the board's)."""
        return list((self.published or self.schedule).days)

    def file_bytes(self, kind: str, day: int = 1) -> tuple[bytes, str]:
        """(content, filename) of a download: callsheet_pdf, budget_xlsx, stripboard_pdf, dood_xlsx."""
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
