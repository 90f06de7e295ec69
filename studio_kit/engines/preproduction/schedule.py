"""Optimised stripboard schedule with OR-Tools CP-SAT.

Each scene (strip) is assigned to one shoot day. The model minimises a
weighted sum of shoot days used, company moves (site changes within a day),
cast days (each actor's first-to-last span: work plus holds) and day/night
flips (day and night work in one day, or a day call after a night), subject
to cast availability, location availability, must-shoot-before pairs, fixed
strips and the day limits (eighths, hours, company moves). Within a day the
strips are ordered one site at a time, day work before night work.

The result reports the objective, the solver's lower bound, the solve time
and the status, next to two baselines scored the same way: script order and
a greedy sort by location (both packed under the same day limits).
Infeasible input raises :class:`ScheduleError` naming the constraints that
conflict.

Deterministic mode (the default, for published boards): the same strips,
constraints, weights and seed give the same board on any machine with the same
OR-Tools version, whatever its core count or load. The search runs a fixed
number of workers (:data:`DETERMINISTIC_WORKERS`, interleaved so their
exchanges happen at fixed points), is seeded, and stops on a deterministic time
budget (CP-SAT's work counter) of ``time_limit`` × :data:`DTIME_PER_SECOND`; a
generous wall-clock limit stays as a safety net only.

Calibration (OR-Tools 9.15, the 2-core dev box, the benchmark's 150-scene
feature, default 10 s): free-running workers stopped on deterministic time do
not reproduce (2 and 8 workers gave a different board each run, and 8 workers
on 2 cores overran a 8-unit budget to ~40 s); interleaved workers do. With the
full subsolvers interleaved, 1, 2 and 8 workers all ended on the starting plan
(objective 29 740 after the day-order polish); 2 interleaved LNS workers reach
25 540 (29 days, 22 moves, 398 cast days), the same board on every run, at 0.52
units per CPU-second (3.26 units in 6.2 CPU-s), ~1.0 per second on 2 idle cores
(4 and 8 LNS workers did worse in the same budget). The non-deterministic
wall-clock mode reached 29 760 under the same load. Re-optimised after one
scene's cast changed: 5 of 150 strips moved, objective 25 760 -> 25 480; a fresh
solve put 140 of 150 strips on another day (benchmarks/bench_preproduction.py). Boards of a short (12 scenes) are proved optimal in well under a
second either way.

Re-optimising a published board (``previous``: scene index → day) starts from
that board (every variable hinted) and adds ``move_weight`` per strip that
leaves its day, so an edit to one scene moves few others; the result lists the
moved strips and the cost of the board before (:attr:`Schedule.moved`,
:attr:`Schedule.previous_objective`).
"""
from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Mapping
from typing import Any

from studio_kit.domain.preproduction import (
    BaselineResult,
    Breakdown,
    Schedule,
    ScheduleConstraints,
    ScheduleLimits,
    Strip,
    format_eighths,
)
from studio_kit.engines.preproduction import stripboard as sb
from studio_kit.engines.preproduction.constraints import load_constraints
from studio_kit.engines.preproduction.infeasible import explain_infeasible
from studio_kit.exceptions import ScheduleError

#: workers in deterministic mode, whatever the machine's core count (see the module notes)
DETERMINISTIC_WORKERS = 2
#: search settings of the interleaved workers in deterministic mode. Interleaved, CP-SAT first runs one
#: task of every full-problem subsolver, and on a 150-scene board those take the whole default budget
#: before any large-neighbourhood search runs (measured: 1 worker and 2 or 8 interleaved workers all ended
#: on the starting plan); LNS only improves it (see the calibration notes in the module docstring)
DETERMINISTIC_SEARCH: dict[str, Any] = {"use_lns_only": True}
#: CP-SAT deterministic time units per second of ``time_limit``: measured 0.52 units per CPU-second
#: with the 2 interleaved LNS workers (a 150-scene board), so ~1.0 per second on an idle 2-core machine
DTIME_PER_SECOND = 1.0
#: the wall-clock safety net in deterministic mode (× time_limit, + 30 s): reached only on a machine far
#: slower or busier than the calibration box (a 2-core box shared by six test runs took ~5× the seconds),
#: and then the board may not reproduce (the schedule's warnings say so)
WALL_SAFETY_FACTOR = 10.0
#: default cost of moving a strip off its published day (a cast day is 20, a company move 100): worth
#: moving 3 strips to save a company move, not to save one cast day
DEFAULT_MOVE_WEIGHT = 30.0


def _label(strip: Strip) -> str:
    return f"scene {strip.scene_number} ({strip.heading})"


def _cast_label(cid: int, names: dict[int, str]) -> str:
    return f"cast member {cid} {names.get(cid, '')}".rstrip()


def _allowed_days(strips: list[Strip], c: ScheduleConstraints, n_days: int, names: dict[int, str]) -> dict[int, list[int]]:
    """Each scene's possible days after availability and fixed strips; raises naming the culprit when empty."""
    all_days = set(range(1, n_days + 1))
    cast_ok: dict[int, set[int]] = {}
    for cid in {x for s in strips for x in s.cast_ids} | set(c.cast_available) | set(c.cast_unavailable):
        ok = set(c.cast_available.get(cid, all_days)) & all_days
        ok -= set(c.cast_unavailable.get(cid, []))
        cast_ok[cid] = ok
        if not ok and any(cid in s.cast_ids for s in strips):
            raise ScheduleError(
                f"{_cast_label(cid, names)} is unavailable on every day of the {n_days}-day schedule.",
                hint="Widen that cast member's availability window or add shoot days (constraints.days).")
    allowed: dict[int, list[int]] = {}
    for s in strips:
        ok = set(all_days)
        reasons = []
        for cid in s.cast_ids:
            ok &= cast_ok[cid]
            reasons.append(f"{_cast_label(cid, names)} available on days {sorted(cast_ok[cid])}")
        for key in (s.location, s.site):
            if key in c.location_available:
                ok &= set(c.location_available[key])
                reasons.append(f"location {key} available on days {sorted(c.location_available[key])}")
        if s.scene_index in c.fixed:
            day = c.fixed[s.scene_index]
            if day not in ok:
                raise ScheduleError(
                    f"{_label(s)} is fixed to day {day}, but that day is ruled out: " + "; ".join(reasons or
                    [f"the schedule has only {n_days} days"]) + ".",
                    hint="Move the fixed strip to a day everyone is available, or change the availability.")
            ok = {day}
        if not ok:
            raise ScheduleError(
                f"{_label(s)} has no possible shoot day: " + "; ".join(reasons) + " — these windows do not overlap.",
                hint="Widen the availability windows so the cast and location of this scene share a day.")
        allowed[s.scene_index] = sorted(ok)
    return allowed


def _check_static(strips: list[Strip], limits: ScheduleLimits, c: ScheduleConstraints) -> None:
    """Constraint families that can be checked without solving; each failure names the culprit."""
    if not strips:
        raise ScheduleError("There are no scenes to schedule.", hint="Break down a script with scene headings first.")
    zero = [s for s in strips if s.eighths <= 0]
    if zero:
        raise ScheduleError(
            "These scenes have zero length: " + ", ".join(_label(s) for s in zero[:5])
            + ". Every scene is at least 1/8 page.", hint="Re-run pagination or give each scene a length in eighths.")
    for s in strips:
        if s.eighths > limits.eighths_per_day:
            raise ScheduleError(
                f"{_label(s)} alone is {format_eighths(s.eighths)} pages > {format_eighths(limits.eighths_per_day)} per day.",
                hint="Raise --pages-per-day or split the scene into parts (12A, 12B).")
        if s.hours > limits.hours_per_day:
            raise ScheduleError(f"{_label(s)} alone needs {s.hours:g} h > {limits.hours_per_day:g} shooting hours per day.",
                                hint="Raise hours per day or split the scene.")
    known = {s.scene_index for s in strips}
    for a, b in c.before:
        for x in (a, b):
            if x not in known:
                raise ScheduleError(f"Before/after pair ({a}, {b}) names scene index {x}, which is not in the script.")
    for x in c.fixed:
        if x not in known:
            raise ScheduleError(f"Fixed strip names scene index {x}, which is not in the script.")
    # before/after cycles: a before b before ... before a
    graph: dict[int, list[int]] = {}
    for a, b in c.before:
        graph.setdefault(a, []).append(b)
    state: dict[int, int] = {}

    def visit(n: int, path: list[int]) -> None:
        state[n] = 1
        for m in graph.get(n, []):
            if state.get(m) == 1:
                cycle = path[path.index(m):] + [m] if m in path else [n, m]
                raise ScheduleError("Must-shoot-before pairs form a cycle: scenes "
                                    + " → ".join(str(x) for x in cycle) + " (0-based indices).",
                                    hint="Remove one of the before/after pairs in the cycle.")
            if state.get(m) is None:
                visit(m, path + [m])
        state[n] = 2

    for n in list(graph):
        if state.get(n) is None:
            visit(n, [n])
    for a, b in c.before:
        if a in c.fixed and b in c.fixed and c.fixed[a] > c.fixed[b]:
            raise ScheduleError(f"Scene index {a} must shoot before scene index {b}, but they are fixed to days "
                                f"{c.fixed[a]} and {c.fixed[b]}.", hint="Change the fixed days or drop the pair.")


def _baselines(strips: list[Strip], limits: ScheduleLimits) -> dict[str, list[list[Strip]]]:
    """Script order and greedy by location, packed under the same day limits (constraints ignored)."""
    return {"script order": sb.pack(sorted(strips, key=lambda s: s.scene_index), limits),
            "greedy by location": sb.greedy_by_location(strips, limits)}


def optimise(strips: list[Strip], *, limits: ScheduleLimits | None = None,
             constraints: ScheduleConstraints | None = None, weights: dict[str, float] | None = None,
             time_limit: float = 10.0, num_workers: int | None = None, seed: int = 0,
             start_date: dt.date | None = None, cast_names: dict[int, str] | None = None,
             title: str = "Untitled", explain: bool = True, deterministic: bool = True,
             previous: Mapping[int, int] | None = None, move_weight: float | None = None) -> Schedule:
    """Assign strips to shoot days with CP-SAT; the best schedule found in about ``time_limit`` seconds.

    ``deterministic`` (default): fixed workers (``num_workers`` or :data:`DETERMINISTIC_WORKERS`), seeded,
    stopped on deterministic time, so the same input and ``seed`` give the same board on any machine;
    ``False``: all cores (at most 8) for ``time_limit`` wall-clock seconds, not reproducible.
    ``previous`` (scene index → day of the published board) re-optimises from that board, adding
    ``move_weight`` (default :data:`DEFAULT_MOVE_WEIGHT`) per strip that leaves its day.
    """
    t_start = time.perf_counter()
    from ortools.sat.python import cp_model  # first import ~0.7 s (pulls pandas): counted in the limit

    limits = limits or ScheduleLimits()
    c = constraints or ScheduleConstraints()
    w = {**sb.DEFAULT_WEIGHTS, **(weights or {})}
    names = cast_names or {}
    _check_static(strips, limits, c)
    prev = _check_previous(strips, previous, move_weight)
    lam = DEFAULT_MOVE_WEIGHT if move_weight is None else float(move_weight)
    bases = _baselines(strips, limits)
    lower_days = math.ceil(sum(s.eighths for s in strips) / limits.eighths_per_day)
    n_days = _day_count(strips, limits, c, bases, lower_days, names, prev)
    allowed = _allowed_days(strips, c, n_days, names)

    m = cp_model.CpModel()
    v = _build_model(m, strips, allowed, n_days, limits, c, w, lower_days, prev, lam)
    x = v["x"]
    by_scene = {s.scene_index: s for s in strips}
    D = range(1, n_days + 1)

    def valid(plan: list[list[Strip]]) -> bool:
        day = {s.scene_index: n for n, d in enumerate(plan, start=1) for s in d}
        return (len(plan) <= n_days and all(day[i] in allowed[i] for i in day)
                and all(day[a] <= day[b] for a, b in c.before))

    # start from the best heuristic plan (every variable hinted): the baselines, and the
    # baselines with their days reordered to cut holds, when they respect the constraints
    candidates = list(bases.values()) + [sb.improve_day_order(p, w, valid) for p in bases.values() if valid(p)]
    best_base = min(candidates, key=lambda p: (not valid(p), sb.score(p, w, c.before, reorder=False)["objective"]))
    if prev:      # re-optimising: start from the published board, not from a baseline
        _hint(m, v, prev, strips, n_days)
    elif valid(best_base):
        _hint(m, v, {s.scene_index: n for n, d in enumerate(best_base, start=1) for s in d}, strips, n_days)

    solver = cp_model.CpSolver()
    safety = _set_parameters(solver.parameters, time_limit, time.perf_counter() - t_start, num_workers, seed,
                             deterministic)
    t0 = time.perf_counter()
    status = solver.solve(m)
    seconds = time.perf_counter() - t0
    status_name = solver.status_name(status)
    notes = []
    if deterministic and seconds >= safety - 0.05:
        notes.append(f"the solver hit the {safety:g} s wall-clock safety net before its deterministic budget "
                     "(a slow or busy machine): this board may not reproduce exactly; raise --time-limit "
                     "or rerun on a quieter machine")
    if status == cp_model.INFEASIBLE:
        if not explain:
            raise ScheduleError("infeasible")
        raise ScheduleError(explain_infeasible(strips, limits, c, n_days, names, optimise), hint=(
            "Relax the named constraints (wider availability, more days, higher pages per day)."))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # out of time before the first solution: the better baseline still counts when it is valid
        fallback = _assemble(best_base, strips, limits, w, c, bases, start_date, names, title,
                             f"{status_name} (baseline kept)", 0.0, solver.best_objective_bound, seconds)
        if valid(best_base) and not violations(fallback, c):
            fallback.warnings.append(f"the solver found no schedule within {time_limit:g} s; "
                                     "the better baseline is returned unimproved")
            fallback.warnings.extend(notes)
            return _with_moves(fallback, prev, w, c, strips) if prev else fallback
        raise ScheduleError(f"No schedule found within the {time_limit:g} s time limit (solver status {status_name}).",
                            hint="Raise --time-limit, or relax the constraints.")
    plan: list[list[Strip]] = [[] for _ in D]
    for (si, d), var in x.items():
        if solver.boolean_value(var):
            plan[d - 1].append(by_scene[si])
    if c.days is None:
        compact = [p for p in plan if p]
        if valid(compact):     # renumbering days must not move a strip onto a day it is barred from
            plan = compact
        # polish: whole-day reordering the solver may not have reached within the time limit
        # (not when re-optimising: reordering days moves every strip on them)
        if not prev:
            plan = sb.improve_day_order(plan, w, valid)
    bound = solver.best_objective_bound
    if prev:     # the solver's bound covers cost + move penalty; without the moves it can be lower by at most
        bound = max(0.0, bound - lam * len(prev))     # every strip moving
    out = _assemble(plan, strips, limits, w, c, bases, start_date, names, title, status_name,
                    solver.objective_value, bound, seconds)
    out.warnings.extend(notes)
    return _with_moves(out, prev, w, c, strips) if prev else out


def _day_count(strips: list[Strip], limits: ScheduleLimits, c: ScheduleConstraints,
               bases: dict[str, list[list[Strip]]], lower_days: int, names: dict[int, str],
               prev: dict[int, int] | None) -> int:
    """How many shoot days the model may use: the constraints' fixed count (checked against the pages),
    else the shorter baseline with room for availability, fixed days, blocked cast and the published
    board's days when re-optimising."""
    if c.days is not None:
        n_days = c.days
        if n_days < lower_days:
            raise ScheduleError(
                f"{format_eighths(sum(s.eighths for s in strips))} pages do not fit in {n_days} days at "
                f"{format_eighths(limits.eighths_per_day)} pages per day (at least {lower_days} days needed).",
                hint="Allow more shoot days or raise pages per day.")
        return n_days
    n_days = min(len(p) for p in bases.values())
    if c.fixed or c.cast_available or c.cast_unavailable or c.location_available:
        n_days += max(2, n_days // 5)   # room for availability to push strips apart
    n_days = max([n_days, *c.fixed.values()])
    for days in c.cast_available.values():
        n_days = max([n_days, *[d for d in days if d <= n_days + 10]]) if days else n_days
    # an actor unavailable on the first days is shot after them: leave room past the blocked days
    blocked = [d for days in c.cast_unavailable.values() for d in days if 0 < d <= n_days + 60]
    if blocked:
        n_days = max(n_days, max(blocked) + lower_days)
    for cid, days in c.cast_unavailable.items():
        lead = next(k for k in range(len(days) + 2) if k + 1 not in set(days))   # days 1..lead are barred
        without = [x for x in strips if cid not in x.cast_ids]
        if lead and any(cid in x.cast_ids for x in strips) and len(without) < lead:
            raise ScheduleError(
                f"{_cast_label(cid, names)} is unavailable on shoot days 1-{lead}, but only {len(without)} "
                f"scene(s) can be shot without them, so the first {lead} shoot days cannot be filled.",
                hint="Shorten that cast member's unavailability, or set a later start date so their blocked "
                     "days fall before the shoot.")
    if prev:
        n_days = max(n_days, *prev.values())     # room for every strip to stay on its published day
    return n_days


def _set_parameters(p, time_limit: float, elapsed: float, num_workers: int | None, seed: int,
                    deterministic: bool) -> float:
    """Solver limits, workers and seed; returns the wall-clock limit set."""
    p.random_seed = int(seed)
    if not deterministic:
        # the time limit covers building the model and reading the result back too
        p.max_time_in_seconds = max(0.5, 0.9 * float(time_limit) - elapsed)
        p.num_workers = num_workers or min(8, os.cpu_count() or 1)
        return p.max_time_in_seconds
    workers = num_workers or DETERMINISTIC_WORKERS
    p.num_workers = workers
    # several workers reproduce only when interleaved: they run fixed batches of tasks and share
    # solutions at batch ends (free-running workers exchange them whenever the OS lets them run)
    p.interleave_search = workers > 1
    for key, value in (DETERMINISTIC_SEARCH.items() if workers > 1 else ()):
        if isinstance(value, list):
            getattr(p, key).extend(value)
        else:
            setattr(p, key, value)
    p.max_deterministic_time = max(0.2, 0.9 * float(time_limit) * DTIME_PER_SECOND)
    p.max_time_in_seconds = WALL_SAFETY_FACTOR * float(time_limit) + 30.0
    return p.max_time_in_seconds


def _check_previous(strips: list[Strip], previous: Mapping[int, int] | None,
                    move_weight: float | None) -> dict[int, int]:
    """The published board's day of each strip still in the script (strips it lacks are new)."""
    if move_weight is not None and (not math.isfinite(float(move_weight)) or float(move_weight) < 0):
        raise ScheduleError(f"Move weight {move_weight} must be 0 or more.",
                            hint="e.g. --move-weight 30 (a cast day costs 20, a company move 100).")
    if not previous:
        return {}
    known = {s.scene_index for s in strips}
    out = {}
    for si, day in previous.items():
        if not isinstance(day, int) or isinstance(day, bool) or day < 1:
            raise ScheduleError(f"The previous board puts scene index {si} on day {day!r}; days are numbers from 1.",
                                hint="Pass the published schedule.json, or a mapping scene index -> shoot day.")
        if si in known:
            out[int(si)] = day
    return out


def _with_moves(sched: Schedule, prev: dict[int, int], w: dict[str, float], c: ScheduleConstraints,
                strips: list[Strip]) -> Schedule:
    """The strips that left their published day, and the published board's cost for these strips."""
    by_scene = {s.scene_index: s for s in strips}
    plan: list[list[Strip]] = [[] for _ in range(max(prev.values()))]
    for si, day in prev.items():
        plan[day - 1].append(by_scene[si])
    before = sb.score([d for d in plan if d], w, c.before)["objective"]
    moved = sorted(si for d in sched.days for s in d.strips
                   if (si := s.scene_index) in prev and prev[si] != d.number)
    return sched.model_copy(update={"moved": moved, "previous_objective": before})


def _build_model(m, strips: list[Strip], allowed: dict[int, list[int]], n_days: int, limits: ScheduleLimits,
                 c: ScheduleConstraints, w: dict[str, float], lower_days: int,
                 previous: Mapping[int, int] | None = None, move_weight: float = 0.0) -> dict[str, Any]:
    """The CP-SAT model: x[scene, day] assignment plus the variables the objective counts.

    With ``previous`` (scene index → day), each strip off its previous day adds ``move_weight``."""
    D = range(1, n_days + 1)
    x = {(s.scene_index, d): m.new_bool_var(f"x{s.scene_index}_{d}") for s in strips for d in allowed[s.scene_index]}
    used = {d: m.new_bool_var(f"used{d}") for d in D}
    for s in strips:
        m.add_exactly_one(x[s.scene_index, d] for d in allowed[s.scene_index])
    for d in D:
        if d + 1 in used and c.days is None:
            m.add_implication(used[d + 1], used[d])      # no empty days in the middle
        if c.days is None:                               # and a shoot day shoots something
            m.add(used[d] <= sum(x[s.scene_index, d] for s in strips if (s.scene_index, d) in x))
    sites = sorted({s.site for s in strips})
    y: dict[tuple[str, int], Any] = {}
    moves: dict[int, Any] = {}
    nt: dict[int, Any] = {}
    dy: dict[int, Any] = {}
    mix: dict[int, Any] = {}
    turn: dict[int, Any] = {}
    for d in D:
        _add_day(m, d, [s for s in strips if (s.scene_index, d) in x], x, used, sites, limits, y, moves, nt, dy, mix)
    for d in D:
        if d + 1 in used:
            turn[d] = m.new_bool_var(f"turn{d}")
            m.add(turn[d] >= nt[d] + dy[d + 1] - 1)
    # valid cuts: they tighten the lower bound the solver reports (a site, an actor or the
    # whole script needs at least as many days as its pages fill)
    E = limits.eighths_per_day
    m.add(sum(used.values()) >= lower_days)
    site_days = 0
    for site in sites:
        need = math.ceil(sum(s.eighths for s in strips if s.site == site) / E)
        site_days += need
        m.add(sum(var for (st, _), var in y.items() if st == site) >= need)
    # every day beyond the first site of the day is a move: moves >= site-days - shoot days
    m.add(sum(moves.values()) >= site_days - sum(used.values()))
    # night work and day work each need their own days; a day holding both is a flip
    for flag, night in ((nt, True), (dy, False)):
        m.add(sum(flag.values()) >= math.ceil(sum(s.eighths for s in strips if s.night == night) / E))
    first, last, span = _add_cast_spans(m, strips, x, n_days, limits)
    day_of = {s.scene_index: sum(d * x[s.scene_index, d] for d in allowed[s.scene_index]) for s in strips}
    for a, b in c.before:
        m.add(day_of[a] <= day_of[b])
    cost = (w["shoot_day"] * sum(used.values()) + w["company_move"] * sum(moves.values())
            + w["cast_day"] * sum(span.values()) + w["day_night_flip"] * (sum(mix.values()) + sum(turn.values())))
    # a strip that stays is x[scene, its previous day]; one whose day is now ruled out must move
    stays = [x[si, d] for si, d in (previous or {}).items() if (si, d) in x]
    moved = len(previous or {}) - sum(stays)
    m.minimize(cost + move_weight * moved if previous else cost)
    return {"x": x, "used": used, "y": y, "moves": moves, "nt": nt, "dy": dy, "mix": mix, "turn": turn,
            "first": first, "last": last, "span": span}


def _add_day(m, d: int, here: list[Strip], x: dict[tuple[int, int], Any], used: dict[int, Any], sites: list[str],
             limits: ScheduleLimits, y: dict[tuple[str, int], Any], moves: dict[int, Any], nt: dict[int, Any],
             dy: dict[int, Any], mix: dict[int, Any]) -> None:
    """Day ``d``'s constraints over the strips that may shoot on it (``here``): pages and hours, the
    sites it visits (company moves), night/day work and flips, exterior day vs night, dawn/dusk windows."""
    for s in here:
        m.add_implication(x[s.scene_index, d], used[d])
    m.add(sum(s.eighths * x[s.scene_index, d] for s in here) <= limits.eighths_per_day)
    for site in sites:
        at = [x[s.scene_index, d] for s in here if s.site == site]
        if not at:
            continue
        y[site, d] = m.new_bool_var(f"y{site}_{d}")
        for var in at:
            m.add_implication(var, y[site, d])
        m.add(y[site, d] <= sum(at))
        # capacity link (valid, tightens the LP relaxation): a site's pages that day fit in one day
        m.add(sum(s.eighths * x[s.scene_index, d] for s in here if s.site == site)
              <= limits.eighths_per_day * y[site, d])
    moves[d] = m.new_int_var(0, limits.company_moves_per_day, f"moves{d}")
    m.add(moves[d] == sum(y[site, d] for site in sites if (site, d) in y) - used[d])
    hours = sum(int(round(s.hours * 100)) * x[s.scene_index, d] for s in here)
    m.add(hours + int(round(limits.company_move_hours * 100)) * moves[d] <= int(round(limits.hours_per_day * 100)))
    nt[d], dy[d], mix[d] = m.new_bool_var(f"nt{d}"), m.new_bool_var(f"dy{d}"), m.new_bool_var(f"mix{d}")
    for s in here:
        m.add_implication(x[s.scene_index, d], nt[d] if s.night else dy[d])
    m.add(mix[d] >= nt[d] + dy[d] - 1)
    for flag, night in ((nt[d], True), (dy[d], False)):   # capacity link, as for sites
        m.add(sum(s.eighths * x[s.scene_index, d] for s in here if s.night == night)
              <= limits.eighths_per_day * flag)
    # a day never mixes exterior day and exterior night; dawn and dusk windows hold what they can
    ext_day = [x[s.scene_index, d] for s in here if s.exterior and s.part == "day"]
    ext_night = [x[s.scene_index, d] for s in here if s.exterior and s.part == "night"]
    if ext_day and ext_night:
        ed, en = m.new_bool_var(f"ed{d}"), m.new_bool_var(f"en{d}")
        for var in ext_day:
            m.add_implication(var, ed)
        for var in ext_night:
            m.add_implication(var, en)
        m.add(ed + en <= 1)
    for part in ("dawn", "dusk"):
        window = [s for s in here if s.part == part]
        if window:
            cap = max(limits.sun_window_eighths, max(s.eighths for s in window))
            m.add(sum(s.eighths * x[s.scene_index, d] for s in window) <= cap)


def _add_cast_spans(m, strips: list[Strip], x: dict[tuple[int, int], Any], n_days: int, limits: ScheduleLimits
                    ) -> tuple[dict[int, Any], dict[int, Any], dict[int, Any]]:
    """Each actor's first and last shoot day and the days held between them (first, last, span)."""
    first: dict[int, Any] = {}
    last: dict[int, Any] = {}
    span: dict[int, Any] = {}
    for cid in sorted({k for s in strips for k in s.cast_ids}):
        scenes = [s for s in strips if cid in s.cast_ids]
        first[cid], last[cid] = m.new_int_var(1, n_days, f"first{cid}"), m.new_int_var(1, n_days, f"last{cid}")
        for d in range(1, n_days + 1):
            for var in (x[s.scene_index, d] for s in scenes if (s.scene_index, d) in x):
                m.add(first[cid] <= d).only_enforce_if(var)
                m.add(last[cid] >= d).only_enforce_if(var)
        span[cid] = m.new_int_var(min(n_days, _cast_min_days(scenes, limits)), n_days, f"span{cid}")
        m.add(span[cid] == last[cid] - first[cid] + 1)
    return first, last, span


def _cast_min_days(scenes: list[Strip], limits: ScheduleLimits) -> int:
    """Fewest days an actor's scenes can take: by pages, by shooting hours, and by sites
    (a day reaches at most company_moves_per_day + 1 sites). A valid bound on their span."""
    pages = math.ceil(sum(s.eighths for s in scenes) / limits.eighths_per_day)
    hours = math.ceil(sum(s.hours for s in scenes) / limits.hours_per_day - 1e-9)
    sites = math.ceil(len({s.site for s in scenes}) / (limits.company_moves_per_day + 1))
    return max(1, pages, hours, sites)


def _hint(m, v: dict[str, Any], day: Mapping[int, int], strips: list[Strip], n_days: int) -> None:
    """Hint every variable from a day assignment (scene index → day), so the solver starts from a complete
    solution; strips the assignment lacks (new scenes) are left to the solver."""
    plan: list[list[Strip]] = [[] for _ in range(max(day.values(), default=0))]
    for s in strips:
        if s.scene_index in day:
            plan[day[s.scene_index] - 1].append(s)
    for (si, d), var in v["x"].items():
        if si in day:
            m.add_hint(var, day[si] == d)
    for d, var in v["used"].items():
        m.add_hint(var, d <= len(plan))
    sites_on = {n: {s.site for s in d} for n, d in enumerate(plan, start=1)}
    for (site, d), var in v["y"].items():
        m.add_hint(var, site in sites_on.get(d, set()))
    for d, var in v["moves"].items():
        m.add_hint(var, max(0, len(sites_on.get(d, set())) - 1))
    night = {n: any(s.night for s in d) for n, d in enumerate(plan, start=1)}
    dayw = {n: any(not s.night for s in d) for n, d in enumerate(plan, start=1)}
    for d in v["nt"]:
        m.add_hint(v["nt"][d], night.get(d, False))
        m.add_hint(v["dy"][d], dayw.get(d, False))
        m.add_hint(v["mix"][d], night.get(d, False) and dayw.get(d, False))
    for d, var in v["turn"].items():
        m.add_hint(var, night.get(d, False) and dayw.get(d + 1, False))
    for cid in v["first"]:
        days = [day[s.scene_index] for s in strips if cid in s.cast_ids and s.scene_index in day]
        if not days:
            continue
        m.add_hint(v["first"][cid], min(days))
        m.add_hint(v["last"][cid], max(days))
        m.add_hint(v["span"][cid], max(days) - min(days) + 1)


def _assemble(plan, strips, limits, w, c, bases, start_date, names, title, status, objective, bound, seconds) -> Schedule:
    scored = sb.score(plan, w, c.before)
    baselines = []
    for name, p in bases.items():
        sc = sb.score(p, w, c.before, reorder=False)
        baselines.append(BaselineResult(name=name, days=int(sc["days"]), company_moves=int(sc["company_moves"]),
                                        cast_days=int(sc["cast_days"]), day_night_flips=int(sc["day_night_flips"]),
                                        objective=sc["objective"]))
    days = sb.build_days(plan, limits, start_date, c.before)
    return Schedule(title=title, days=days, limits=limits, objective=scored["objective"], lower_bound=min(bound, scored["objective"]),
                    solve_seconds=round(seconds, 3), status=status, weights=w,
                    company_moves=int(scored["company_moves"]), cast_days=int(scored["cast_days"]),
                    day_night_flips=int(scored["day_night_flips"]), baselines=baselines, cast_names=names,
                    start_date=start_date)


def schedule_breakdown(breakdown: Breakdown, *, limits: ScheduleLimits | None = None,
                       constraints: ScheduleConstraints | None = None, time_limit: float = 10.0,
                       num_workers: int | None = None, start_date: dt.date | None = None,
                       sites: dict[str, str] | None = None, weights: dict[str, float] | None = None,
                       seed: int = 0, deterministic: bool = True, previous: Schedule | Mapping[int, int] | None = None,
                       move_weight: float | None = None) -> Schedule:
    """Optimised schedule of a breakdown (the usual entry point).

    Scenes longer than a shoot day are split into parts shot in order (see
    :func:`~.stripboard.split_long_strips`); each split is listed in ``warnings``.
    ``previous``: the published board (a Schedule, matched to these strips by scene number, or scene
    index → day) to re-optimise from, moving as few strips as the ``move_weight`` makes worthwhile.
    """
    limits = limits or ScheduleLimits()
    strips, parts_before, notes = sb.split_long_strips(sb.strips_from_breakdown(breakdown, limits, sites), limits)
    if parts_before:
        c = constraints or ScheduleConstraints()
        constraints = c.model_copy(update={"before": list(c.before) + parts_before})
    if isinstance(previous, Schedule):
        previous = sb.previous_days(previous, strips)
    sched = optimise(strips, limits=limits, constraints=constraints, weights=weights, time_limit=time_limit,
                     num_workers=num_workers, seed=seed, start_date=start_date, title=breakdown.title,
                     cast_names={m.id: m.name for m in breakdown.cast}, deterministic=deterministic,
                     previous=previous, move_weight=move_weight)
    sched.warnings.extend(notes)
    return sched


def reschedule(schedule: Schedule, plan: list[list[int]], constraints: ScheduleConstraints | None = None) -> Schedule:
    """A schedule from a hand-made day plan (lists of scene indices per day), re-scored.

    For the stripboard's drag-and-drop: the day totals and metrics follow the
    new order; :func:`violations` lists any constraint the new order breaks.
    """
    by_scene = {s.scene_index: s for s in schedule.strips}
    missing = set(by_scene) - {i for day in plan for i in day}
    if missing:
        raise ScheduleError(f"The new day plan leaves out scenes {sorted(missing)}.",
                            hint="Every strip must stay on the board.")
    c = constraints or ScheduleConstraints()
    days = [[by_scene[i] for i in day] for day in plan]
    sc = sb.score(days, schedule.weights, c.before)
    built = sb.build_days(days, schedule.limits, schedule.start_date, c.before)
    return schedule.model_copy(update={"days": built, "objective": sc["objective"], "status": "MANUAL",
                                       "company_moves": int(sc["company_moves"]), "cast_days": int(sc["cast_days"]),
                                       "day_night_flips": int(sc["day_night_flips"])})


def violations(schedule: Schedule, constraints: ScheduleConstraints | None = None) -> list[str]:
    """Every limit or constraint a schedule breaks (empty when it is valid)."""
    c = constraints or ScheduleConstraints()
    lim = schedule.limits
    out = []
    day_of = {s.scene_index: d.number for d in schedule.days for s in d.strips}
    for d in schedule.days:
        if d.eighths > lim.eighths_per_day:
            out.append(f"day {d.number}: {format_eighths(d.eighths)} pages > {format_eighths(lim.eighths_per_day)}")
        if d.hours > lim.hours_per_day + 1e-6:
            out.append(f"day {d.number}: {d.hours:g} h > {lim.hours_per_day:g} h")
        if d.company_moves > lim.company_moves_per_day:
            out.append(f"day {d.number}: {d.company_moves} company moves > {lim.company_moves_per_day}")
        out += [f"day {d.number}: {p}" for p in sb.light_problems(d.strips, lim)]
        for s in d.strips:
            for cid in s.cast_ids:
                if (cid in c.cast_available and d.number not in c.cast_available[cid]) or \
                        d.number in c.cast_unavailable.get(cid, []):
                    out.append(f"day {d.number}: cast member {cid} is not available for scene {s.scene_number}")
            for key in (s.location, s.site):
                if key in c.location_available and d.number not in c.location_available[key]:
                    out.append(f"day {d.number}: location {key} is not available for scene {s.scene_number}")
    for a, b in c.before:
        if day_of.get(a, 0) > day_of.get(b, 0):
            out.append(f"scene index {a} must shoot before {b} (days {day_of.get(a)} and {day_of.get(b)})")
    for si, day in c.fixed.items():
        if day_of.get(si) != day:
            out.append(f"scene index {si} is fixed to day {day} but is on day {day_of.get(si)}")
    return out


def summary(schedule: Schedule) -> dict[str, Any]:
    """Figures for reports: moves against each baseline, gap, solve time (and, re-optimised, the strips
    moved off their published day and the cost change against the published board)."""
    base = {b.name: b.company_moves for b in schedule.baselines}
    out = {"days": len(schedule.days), "company_moves": schedule.company_moves, "baseline_moves": base,
           "cast_days": schedule.cast_days, "flips": schedule.day_night_flips, "objective": schedule.objective,
           "lower_bound": schedule.lower_bound, "gap": schedule.gap, "status": schedule.status,
           "solve_seconds": schedule.solve_seconds}
    if schedule.moved is not None:
        out.update(moved=len(schedule.moved), moved_scenes=list(schedule.moved),
                   previous_objective=schedule.previous_objective,
                   cost_change=schedule.objective - (schedule.previous_objective or 0.0))
    return out


def moves_line(schedule: Schedule) -> str:
    """One line on a re-optimised board: strips moved (by scene number) and the cost change."""
    if schedule.moved is None:
        return ""
    number = {s.scene_index: s.scene_number for s in schedule.strips}
    change = schedule.objective - (schedule.previous_objective or 0.0)
    shown = ", ".join(number[i] for i in schedule.moved[:12]) + (" ..." if len(schedule.moved) > 12 else "")
    return (f"re-optimised from the published board: {len(schedule.moved)} of {len(schedule.strips)} strips moved"
            + (f" (sc. {shown})" if schedule.moved else "")
            + f"; objective {schedule.previous_objective:g} -> {schedule.objective:g} ({change:+g})")


__all__ = ["ScheduleConstraints", "load_constraints", "optimise", "schedule_breakdown", "reschedule", "violations",
           "summary", "moves_line", "DETERMINISTIC_WORKERS", "DTIME_PER_SECOND", "DEFAULT_MOVE_WEIGHT"]
