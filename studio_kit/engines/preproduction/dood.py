"""Day-out-of-days: cast × shoot days with the standard codes.

Codes (STANDARDS.md): SW start-work, W work, WF work-finish, SWF start-work-
finish (one-day player), H hold (paid idle day between first and last work
day), D drop, P pickup, T travel, R rehearsal; off days blank.

Drop/pickup rule: when a cast member is idle for more than ``drop_after``
days (default 10) between two work days, holding them costs more than
dropping them. The gap is left blank (off payroll, no holds) and, as Movie
Magic Scheduling prints it, the marks go on the work days that adjoin the
gap: the last day worked before it reads "WD" (work-drop; "SWD" when it is
also the start day) and the day worked after it reads "PW" (pickup-work;
"PWF" when it is also the finish day, "PWD" when dropped again). So the D
and P of STANDARDS.md never hide a start or finish. ``DoodRow.codes`` keeps
the plain work code of those days (SW/W/WF) and ``drop_days`` /
``pickup_days`` carry the marks; ``DoodRow.labels`` is the printed row.
Drop and pickup days count as work days; the blank days in between count
as nothing (not hold, not work).
"""
from __future__ import annotations

from studio_kit.domain.preproduction import DayOutOfDays, DoodCode, DoodRow, Schedule
from studio_kit.exceptions import ScheduleError


def day_out_of_days(schedule: Schedule, *, drop_after: int = 10, cast_names: dict[int, str] | None = None,
                    travel: dict[int, list[int]] | None = None, rehearsal: dict[int, list[int]] | None = None) -> DayOutOfDays:
    """The DOOD of a schedule.

    ``travel`` and ``rehearsal`` map a cast id to the shoot days they travel
    or rehearse instead of working (marked T / R when they do not work that day).
    """
    if drop_after < 1:
        raise ScheduleError(f"drop_after must be at least 1 day, got {drop_after}.",
                            hint="The usual rule is 10 days (SAG-AFTRA drop/pickup).")
    names = {**schedule.cast_names, **(cast_names or {})}
    n = len(schedule.days)
    work: dict[int, set[int]] = {}
    for day in schedule.days:
        for cid in day.cast_ids:
            work.setdefault(cid, set()).add(day.number)
    rows = []
    for cid in sorted(set(work) | set(travel or {}) | set(rehearsal or {})):
        days = sorted(work.get(cid, set()))
        codes = [DoodCode.OFF] * n
        drops = 0
        drop_days: list[int] = []
        pickup_days: list[int] = []
        if days:
            first, last = days[0], days[-1]
            for d in range(first, last + 1):
                codes[d - 1] = DoodCode.WORK if d in work[cid] else DoodCode.HOLD
            # long idle gaps: drop after day a and pick up on day b instead of holding
            for a, b in zip(days, days[1:]):
                if b - a - 1 > drop_after:
                    for d in range(a + 1, b):
                        codes[d - 1] = DoodCode.OFF
                    drop_days.append(a)
                    pickup_days.append(b)
                    drops += 1
            if first == last:
                codes[first - 1] = DoodCode.START_WORK_FINISH
            else:
                codes[first - 1] = DoodCode.START_WORK
                codes[last - 1] = DoodCode.WORK_FINISH
        for mapping, code in ((travel or {}, DoodCode.TRAVEL), (rehearsal or {}, DoodCode.REHEARSAL)):
            for d in mapping.get(cid, []):
                if 1 <= d <= n and codes[d - 1] in {DoodCode.OFF, DoodCode.HOLD}:
                    codes[d - 1] = code
        row = DoodRow(cast_id=cid, name=names.get(cid, f"#{cid}"), codes=codes,
                      work=sum(1 for c in codes if c in {DoodCode.START_WORK, DoodCode.WORK, DoodCode.WORK_FINISH,
                                                         DoodCode.START_WORK_FINISH, DoodCode.PICKUP}),
                      hold=codes.count(DoodCode.HOLD), travel=codes.count(DoodCode.TRAVEL),
                      rehearsal=codes.count(DoodCode.REHEARSAL), drop_pickups=drops,
                      drop_days=drop_days, pickup_days=pickup_days,
                      start_day=days[0] if days else None, finish_day=days[-1] if days else None)
        rows.append(row)
    return DayOutOfDays(title=schedule.title, day_numbers=[d.number for d in schedule.days],
                        dates=[d.date for d in schedule.days], rows=rows, drop_after_days=drop_after)
