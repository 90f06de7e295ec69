"""Why a schedule is impossible: name the constraints, not just "infeasible".

Each constraint family (cast availability, location availability, before/
after pairs, fixed strips, the fixed day count) is relaxed in turn with a
short solve; the families whose removal makes a schedule possible are named,
and for availability the single cast member or location is probed too.
``optimise`` is passed in (the schedule module's), so this module does not
import it back.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio_kit.domain.preproduction import ScheduleConstraints, format_eighths
from studio_kit.exceptions import ScheduleError


def _cast_label(cid: int, names: dict[int, str]) -> str:
    return f"cast member {cid} {names.get(cid, '')}".rstrip()


def _who(label: str, strips, limits, c: ScheduleConstraints, names, optimise: Callable) -> str:
    """For a culprit family, the single entries whose removal is enough (at most six probed)."""
    entries: list[tuple[str, dict[str, Any]]]
    if label == "cast availability":
        entries = [(f"{_cast_label(cid, names)}'s availability",
                    {"cast_available": {k: v for k, v in c.cast_available.items() if k != cid},
                     "cast_unavailable": {k: v for k, v in c.cast_unavailable.items() if k != cid}})
                   for cid in sorted(set(c.cast_available) | set(c.cast_unavailable))]
    elif label == "location availability":
        entries = [(f"location {loc}'s availability",
                    {"location_available": {k: v for k, v in c.location_available.items() if k != loc}})
                   for loc in sorted(c.location_available)]
    else:
        return ""
    hits = []
    for text, relax in entries[:6]:
        try:
            optimise(strips, limits=limits, constraints=c.model_copy(update=relax), time_limit=2.0, num_workers=2,
                     cast_names=names, explain=False)
            hits.append(text)
        except ScheduleError:
            continue
    return f" (namely {' or '.join(hits)})" if hits else ""


def explain_infeasible(strips, limits, c: ScheduleConstraints, n_days: int, names, optimise: Callable) -> str:
    """Name the constraint families whose removal makes the problem feasible (each probed with a short solve)."""
    families: dict[str, dict[str, Any]] = {
        "cast availability": {"cast_available": {}, "cast_unavailable": {}},
        "location availability": {"location_available": {}},
        "must-shoot-before pairs": {"before": []},
        "fixed strips": {"fixed": {}},
        f"the {n_days}-day length": {"days": None},
    }
    culprits = []
    for label, relax in families.items():
        probe = c.model_copy(update=relax)
        try:
            optimise(strips, limits=limits, constraints=probe, time_limit=2.0, num_workers=2, cast_names=names,
                     explain=False)
            culprits.append(label + _who(label, strips, limits, c, names, optimise))
        except ScheduleError:
            continue
    total = format_eighths(sum(s.eighths for s in strips))
    if culprits:
        return ("No schedule satisfies every constraint; it becomes possible when relaxing: " + ", ".join(culprits)
                + f" ({len(strips)} scenes, {total} pages, limits {format_eighths(limits.eighths_per_day)} pages / "
                f"{limits.hours_per_day:g} h / {limits.company_moves_per_day} moves per day).")
    return (f"No schedule satisfies the day limits together with the constraints ({len(strips)} scenes, {total} pages, "
            f"{format_eighths(limits.eighths_per_day)} pages, {limits.hours_per_day:g} h and "
            f"{limits.company_moves_per_day} company moves per day).")
