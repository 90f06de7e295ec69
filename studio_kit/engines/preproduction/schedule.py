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
"""
from __future__ import annotations

import datetime as dt
import math
import os
import time
from typing import Any

from studio_kit.domain.preproduction import (BaselineResult, Breakdown, Schedule, ScheduleLimits, Strip,
                                             format_eighths)
from studio_kit.engines.preproduction import stripboard as sb
from studio_kit.engines.preproduction.constraints import ScheduleConstraints, load_constraints
from studio_kit.engines.preproduction.infeasible import explain_infeasible
from studio_kit.exceptions import ScheduleError


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
             title: str = "Untitled", explain: bool = True) -> Schedule:
    """Assign strips to shoot days with CP-SAT; the best schedule found within ``time_limit`` seconds."""
    t_start = time.perf_counter()
    from ortools.sat.python import cp_model  # first import ~0.7 s (pulls pandas): counted in the limit

    limits = limits or ScheduleLimits()
    c = constraints or ScheduleConstraints()
    w = {**sb.DEFAULT_WEIGHTS, **(weights or {})}
    names = cast_names or {}
    _check_static(strips, limits, c)
    bases = _baselines(strips, limits)
    lower_days = math.ceil(sum(s.eighths for s in strips) / limits.eighths_per_day)
    if c.days is not None:
        n_days = c.days
        if n_days < lower_days:
            raise ScheduleError(
                f"{format_eighths(sum(s.eighths for s in strips))} pages do not fit in {n_days} days at "
                f"{format_eighths(limits.eighths_per_day)} pages per day (at least {lower_days} days needed).",
                hint="Allow more shoot days or raise pages per day.")
    else:
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
    allowed = _allowed_days(strips, c, n_days, names)

    m = cp_model.CpModel()
    v = _build_model(m, strips, allowed, n_days, limits, c, w, lower_days)
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
    if valid(best_base):
        _hint(m, v, best_base, strips, n_days)

    solver = cp_model.CpSolver()
    # the time limit covers building the model and reading the result back too
    solver.parameters.max_time_in_seconds = max(0.5, 0.9 * float(time_limit) - (time.perf_counter() - t_start))
    solver.parameters.num_workers = num_workers or min(8, os.cpu_count() or 1)
    solver.parameters.random_seed = seed
    t0 = time.perf_counter()
    status = solver.solve(m)
    seconds = time.perf_counter() - t0
    status_name = solver.status_name(status)
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
            return fallback
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
        plan = sb.improve_day_order(plan, w, valid)
    return _assemble(plan, strips, limits, w, c, bases, start_date, names, title, status_name,
                     solver.objective_value, solver.best_objective_bound, seconds)


def _build_model(m, strips: list[Strip], allowed: dict[int, list[int]], n_days: int, limits: ScheduleLimits,
                 c: ScheduleConstraints, w: dict[str, float], lower_days: int) -> dict[str, Any]:
    """The CP-SAT model: x[scene, day] assignment plus the variables the objective counts."""
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
        here = [s for s in strips if (s.scene_index, d) in x]
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
    first: dict[int, Any] = {}
    last: dict[int, Any] = {}
    span: dict[int, Any] = {}
    for cid in sorted({k for s in strips for k in s.cast_ids}):
        scenes = [s for s in strips if cid in s.cast_ids]
        first[cid], last[cid] = m.new_int_var(1, n_days, f"first{cid}"), m.new_int_var(1, n_days, f"last{cid}")
        for d in D:
            for var in (x[s.scene_index, d] for s in scenes if (s.scene_index, d) in x):
                m.add(first[cid] <= d).only_enforce_if(var)
                m.add(last[cid] >= d).only_enforce_if(var)
        span[cid] = m.new_int_var(min(n_days, _cast_min_days(scenes, limits)), n_days, f"span{cid}")
        m.add(span[cid] == last[cid] - first[cid] + 1)
    day_of = {s.scene_index: sum(d * x[s.scene_index, d] for d in allowed[s.scene_index]) for s in strips}
    for a, b in c.before:
        m.add(day_of[a] <= day_of[b])
    m.minimize(w["shoot_day"] * sum(used.values()) + w["company_move"] * sum(moves.values())
               + w["cast_day"] * sum(span.values()) + w["day_night_flip"] * (sum(mix.values()) + sum(turn.values())))
    return {"x": x, "used": used, "y": y, "moves": moves, "nt": nt, "dy": dy, "mix": mix, "turn": turn,
            "first": first, "last": last, "span": span}


def _cast_min_days(scenes: list[Strip], limits: ScheduleLimits) -> int:
    """Fewest days an actor's scenes can take: by pages, by shooting hours, and by sites
    (a day reaches at most company_moves_per_day + 1 sites). A valid bound on their span."""
    pages = math.ceil(sum(s.eighths for s in scenes) / limits.eighths_per_day)
    hours = math.ceil(sum(s.hours for s in scenes) / limits.hours_per_day - 1e-9)
    sites = math.ceil(len({s.site for s in scenes}) / (limits.company_moves_per_day + 1))
    return max(1, pages, hours, sites)


def _hint(m, v: dict[str, Any], plan: list[list[Strip]], strips: list[Strip], n_days: int) -> None:
    """Hint every variable from a day plan, so the solver starts from a complete solution."""
    day = {s.scene_index: n for n, d in enumerate(plan, start=1) for s in d}
    for (si, d), var in v["x"].items():
        m.add_hint(var, day.get(si) == d)
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
        days = [day[s.scene_index] for s in strips if cid in s.cast_ids]
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
                       sites: dict[str, str] | None = None, weights: dict[str, float] | None = None) -> Schedule:
    """Optimised schedule of a breakdown (the usual entry point).

    Scenes longer than a shoot day are split into parts shot in order (see
    :func:`~.stripboard.split_long_strips`); each split is listed in ``warnings``.
    """
    limits = limits or ScheduleLimits()
    strips, parts_before, notes = sb.split_long_strips(sb.strips_from_breakdown(breakdown, limits, sites), limits)
    if parts_before:
        c = constraints or ScheduleConstraints()
        constraints = c.model_copy(update={"before": list(c.before) + parts_before})
    sched = optimise(strips, limits=limits, constraints=constraints, weights=weights, time_limit=time_limit,
                     num_workers=num_workers, start_date=start_date, title=breakdown.title,
                     cast_names={m.id: m.name for m in breakdown.cast})
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
    """Figures for reports: moves against each baseline, gap, solve time."""
    base = {b.name: b.company_moves for b in schedule.baselines}
    return {"days": len(schedule.days), "company_moves": schedule.company_moves, "baseline_moves": base,
            "cast_days": schedule.cast_days, "flips": schedule.day_night_flips, "objective": schedule.objective,
            "lower_bound": schedule.lower_bound, "gap": schedule.gap, "status": schedule.status,
            "solve_seconds": schedule.solve_seconds}


__all__ = ["ScheduleConstraints", "load_constraints", "optimise", "schedule_breakdown", "reschedule", "violations",
           "summary"]
