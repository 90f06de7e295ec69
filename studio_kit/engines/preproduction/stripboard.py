"""Stripboard mechanics shared by the optimiser, baselines and manual reordering.

Strips from a breakdown, packing strips into days under the day limits,
ordering the strips of one day (one site at a time, day work before night
work), scoring a day assignment (company moves, cast days, day/night flips)
and the shoot calendar (5-day weeks from a start date).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from studio_kit.domain.preproduction import (
    Breakdown,
    Schedule,
    ScheduleLimits,
    ShootDay,
    Strip,
    format_eighths,
    strip_colour,
)

DEFAULT_WEIGHTS = {
    "shoot_day": 500.0,        # a whole extra day of crew and kit
    "company_move": 100.0,     # ~1 hour of a 12-hour day lost packing and unpacking
    "cast_day": 20.0,          # an actor on payroll for a work or hold day
    "day_night_flip": 40.0,    # relighting within a day, or a short turnaround after a night
}


def site_of(location: str) -> str:
    """The physical site of a set: "BOB'S HOUSE - KITCHEN" -> "BOB'S HOUSE".

    Moving between sets of one site is not a company move; moving between sites is.
    """
    loc = re.sub(r"\s+", " ", location.strip().upper())
    site = re.split(r"\s+[-–—]\s+|/|,", loc)[0].strip()
    return site or loc or "UNKNOWN"


def strips_from_breakdown(breakdown: Breakdown, limits: ScheduleLimits | None = None,
                          sites: dict[str, str] | None = None) -> list[Strip]:
    """One strip per breakdown sheet, coloured INT/EXT × DAY/NIGHT; ``sites`` maps set -> site."""
    limits = limits or ScheduleLimits()
    out = []
    for sheet in breakdown.sheets:
        night = sheet.is_night
        colour, name = strip_colour(sheet.int_ext, night, sheet.day_part)
        location = sheet.location or sheet.heading
        out.append(Strip(
            scene_index=sheet.scene_index, scene_number=sheet.scene_number, heading=sheet.heading,
            int_ext=sheet.int_ext, time_of_day=sheet.time_of_day, night=night, location=location,
            site=(sites or {}).get(location) or site_of(location), eighths=sheet.eighths,
            hours=round(sheet.eighths / 8 * limits.hours_per_page, 3), cast_ids=sheet.cast_ids,
            colour=colour, colour_name=name, synopsis=sheet.synopsis, day_part=sheet.day_part))
    return out


#: strip index of part k (k >= 2) of scene i: k * PART_BASE + i (part 1 keeps the scene's own index)
PART_BASE = 100_000


def split_long_strips(strips: list[Strip], limits: ScheduleLimits) -> tuple[list[Strip], list[tuple[int, int]], list[str]]:
    """Split scenes too long for one shoot day into parts, as a 1st AD splits a sheet ("12 pt 1", "12 pt 2").

    A scene over the page or hours limit becomes the fewest equal parts that
    each fit a day. Returns (strips, before pairs keeping the parts in order,
    warnings naming each split). Part 1 keeps the scene's index; part k gets
    ``k * PART_BASE + index`` and ``source_index`` = the scene's index.
    """
    out: list[Strip] = []
    before: list[tuple[int, int]] = []
    warnings: list[str] = []
    for s in strips:
        k = max(-(-s.eighths // limits.eighths_per_day), int(-(-s.hours // limits.hours_per_day)) if s.hours else 1)
        if k <= 1 or s.eighths < k:
            out.append(s)
            continue
        base, extra = divmod(s.eighths, k)
        sizes = [base + (1 if i < extra else 0) for i in range(k)]
        ids = [s.scene_index] + [n * PART_BASE + s.scene_index for n in range(2, k + 1)]
        for n, (size, idx) in enumerate(zip(sizes, ids), start=1):
            out.append(s.model_copy(update={"scene_index": idx, "scene_number": f"{s.scene_number} pt {n}",
                                            "eighths": size, "hours": round(s.hours * size / s.eighths, 3),
                                            "source_index": s.scene_index}))
        before += list(zip(ids, ids[1:]))
        warnings.append(f"scene {s.scene_number} ({s.pages} pages) is longer than a shoot day "
                        f"({format_eighths(limits.eighths_per_day)} pages, {limits.hours_per_day:g} h): split into "
                        f"{k} parts of " + ", ".join(format_eighths(x) for x in sizes) + " pages, shot in order")
    return out, before, warnings


def previous_days(board: Schedule, strips: list[Strip]) -> dict[int, int]:
    """Scene index → day of each strip on a published ``board``, matched by scene number (numbers are
    locked once a script is published; indices shift when a scene is added). New scenes are left out."""
    day = {s.scene_number: d.number for d in board.days for s in d.strips}
    return {s.scene_index: day[s.scene_number] for s in strips if s.scene_number in day}


def light_phase(strip: Strip) -> int:
    """When in the day the light allows a strip: 0 dawn, 1 any time (day, interiors), 2 dusk, 3 exterior night.
    Interior night can be blacked out and shot at any time of the day, like day work."""
    part = strip.part
    if part == "dawn":
        return 0
    if part == "dusk":
        return 2
    if part == "night" and strip.exterior:
        return 3
    return 1


def order_day(strips: list[Strip], before: Iterable[tuple[int, int]] = ()) -> list[Strip]:
    """Shooting order within one day: dawn at sunrise, dusk and exterior night after sunset, and in
    between finish one site before the next, day work before night.

    ``before`` pairs (scene a, scene b) that fall on this day keep a ahead of b.
    """
    if not strips:
        return []
    here = {s.scene_index for s in strips}
    preds: dict[int, set[int]] = {s.scene_index: set() for s in strips}
    for a, b in before:
        if a in here and b in here:
            preds[b].add(a)
    site_night: dict[str, list[Strip]] = {}
    for s in strips:
        site_night.setdefault(s.site, []).append(s)
    # sites whose work is all day go first; night-only sites go last
    rank = {site: (all(x.night for x in group), any(x.night for x in group), min(x.scene_index for x in group))
            for site, group in site_night.items()}
    remaining = {s.scene_index: s for s in strips}
    done: set[int] = set()
    out: list[Strip] = []
    current: str | None = None
    while remaining:
        ready = [s for i, s in remaining.items() if preds[i] <= done] or list(remaining.values())
        pick = min(ready, key=lambda s: (light_phase(s), s.site != current, rank[s.site], s.night, s.scene_index))
        out.append(pick)
        done.add(pick.scene_index)
        current = pick.site
        del remaining[pick.scene_index]
    return out


def company_moves(ordered: list[Strip]) -> int:
    return sum(1 for a, b in zip(ordered, ordered[1:]) if a.site != b.site)


def day_hours(ordered: list[Strip], limits: ScheduleLimits) -> float:
    return sum(s.hours for s in ordered) + company_moves(ordered) * limits.company_move_hours


def light_problems(strips: list[Strip], limits: ScheduleLimits) -> list[str]:
    """Why a day's strips cannot share one day's light: exterior day with exterior night, or more dawn or
    dusk pages than the window holds (a single longer scene is allowed: it takes the window alone)."""
    out = []
    ext_day = [s.scene_number for s in strips if s.exterior and s.part == "day"]
    ext_night = [s.scene_number for s in strips if s.exterior and s.part == "night"]
    if ext_day and ext_night:
        out.append(f"exterior day (sc. {', '.join(ext_day)}) and exterior night (sc. {', '.join(ext_night)}) "
                   "on one day")
    for part in ("dawn", "dusk"):
        window = [s for s in strips if s.part == part]
        cap = max([limits.sun_window_eighths, *(s.eighths for s in window)])
        if sum(s.eighths for s in window) > cap:
            out.append(f"{format_eighths(sum(s.eighths for s in window))} pages of {part} "
                       f"(sc. {', '.join(s.scene_number for s in window)}) > the {format_eighths(cap)}-page window")
    return out


def pack(strips: list[Strip], limits: ScheduleLimits) -> list[list[Strip]]:
    """Fill days in the given strip order, breaking a day when a limit would be exceeded."""
    days: list[list[Strip]] = [[]]
    for s in strips:
        trial = days[-1] + [s]
        fits = (sum(x.eighths for x in trial) <= limits.eighths_per_day
                and day_hours(trial, limits) <= limits.hours_per_day + 1e-9
                and company_moves(trial) <= limits.company_moves_per_day and not light_problems(trial, limits))
        if days[-1] and not fits:
            days.append([s])
        else:
            days[-1].append(s)
    return [d for d in days if d]


def greedy_by_location(strips: list[Strip], limits: ScheduleLimits) -> list[list[Strip]]:
    """The usual first pass by hand: sort by site, set, day/night, then fill days."""
    key = sorted(strips, key=lambda s: (s.site, s.location, s.night, s.int_ext, s.scene_index))
    return pack(key, limits)


def score(days: list[list[Strip]], weights: dict[str, float] | None = None,
          before: Iterable[tuple[int, int]] = (), reorder: bool = True) -> dict[str, float]:
    """Company moves, cast days (first to last day, work + holds), flips and objective of a day plan.

    ``reorder=False`` scores the strips in the order given (a baseline shot in
    script order moves every time the script changes site).
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    before = list(before)
    ordered = [order_day(d, before) if reorder else list(d) for d in days]
    moves = sum(company_moves(d) for d in ordered)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for n, d in enumerate(ordered, start=1):
        for s in d:
            for c in s.cast_ids:
                first.setdefault(c, n)
                last[c] = n
    cast_days = sum(last[c] - first[c] + 1 for c in first)
    flips = 0
    for n, d in enumerate(ordered):
        has_night, has_day = any(s.night for s in d), any(not s.night for s in d)
        flips += int(has_night and has_day)
        if has_night and n + 1 < len(ordered) and any(not s.night for s in ordered[n + 1]):
            flips += 1
    n_days = len([d for d in ordered if d])
    objective = (w["shoot_day"] * n_days + w["company_move"] * moves + w["cast_day"] * cast_days
                 + w["day_night_flip"] * flips)
    return {"days": n_days, "company_moves": moves, "cast_days": cast_days, "day_night_flips": flips,
            "objective": objective}


def shoot_dates(start: dt.date | None, n_days: int, days_per_week: int = 5) -> list[tuple[dt.date | None, int]]:
    """(date, week number) of each shoot day: consecutive weekdays from ``start`` (weekends off).

    Without a start date the dates are None and weeks are blocks of ``days_per_week``.
    """
    out: list[tuple[dt.date | None, int]] = []
    if start is None:
        return [(None, i // days_per_week + 1) for i in range(n_days)]
    d, week, last_monday = start, 1, None
    while len(out) < n_days:
        if d.weekday() < days_per_week:
            monday = d - dt.timedelta(days=d.weekday())
            if last_monday is not None and monday != last_monday:
                week += 1
            last_monday = monday
            out.append((d, week))
        d += dt.timedelta(days=1)
    return out


def build_days(plan: list[list[Strip]], limits: ScheduleLimits, start: dt.date | None = None,
               before: Iterable[tuple[int, int]] = ()) -> list[ShootDay]:
    """ShootDay objects (ordered strips, totals, dates, weeks) from a day plan."""
    before = list(before)
    plan = [d for d in plan if d]
    cal = shoot_dates(start, len(plan))
    days = []
    for n, (strips, (date, week)) in enumerate(zip(plan, cal), start=1):
        ordered = order_day(strips, before)
        days.append(ShootDay(number=n, date=date, strips=ordered, eighths=sum(s.eighths for s in ordered),
                             hours=round(day_hours(ordered, limits), 3), company_moves=company_moves(ordered),
                             week=week))
    return days


def improve_day_order(plan: list[list[Strip]], weights: dict[str, float] | None = None,
                      valid: Callable[[list[list[Strip]]], bool] | None = None, passes: int = 4) -> list[list[Strip]]:
    """Reorder whole shoot days to cut cast spans (holds) and night-to-day turnarounds.

    Moving a day keeps every day's own limits, so only cast days and flips
    change. Insertion local search: try each day at each position, keep any
    move that lowers the score (and passes ``valid``, e.g. availability).
    """
    best = [list(d) for d in plan]
    best_score = score(best, weights, reorder=False)["objective"]
    for _ in range(passes):
        improved = False
        for i in range(len(best)):
            for j in range(len(best)):
                if i == j:
                    continue
                trial = best[:i] + best[i + 1:]
                trial.insert(j, best[i])
                s = score(trial, weights, reorder=False)["objective"]
                if s < best_score - 1e-9 and (valid is None or valid(trial)):
                    best, best_score, improved = trial, s, True
                    break
        if not improved:
            break
    return best
