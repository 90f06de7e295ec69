"""When each shoot day starts and ends: calls from the light the first scenes need, and turnaround.

A 1st AD sets the general crew call per day, not once for the shoot:

* a day that opens at dawn calls the shooting crew for sunrise;
* a night day (its work is exterior night or dusk) starts late, so that the
  dark work begins at sunset; interior work shot first is counted back;
* other days use the project's standard call (07:00 crew, 08:00 shooting).

Between consecutive days the crew and each actor get their turnaround (12 h by
default, :class:`~studio_kit.domain.preproduction.ScheduleLimits`): a call that
would come sooner is pushed later when the day's light allows it; when it cannot
be pushed (a dawn window, day exteriors that must finish before sunset) it stays
and is reported as a **forced call**, as the penalty it costs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studio_kit.domain.callsheet import CallSheetSettings
from studio_kit.domain.preproduction import Schedule, ShootDay
from studio_kit.engines.preproduction.stripboard import light_phase
from studio_kit.exceptions import CallSheetError

#: the shooting crew is set up this long before a dawn or dusk window opens
WINDOW_PREP = dt.timedelta(minutes=30)
#: a night's exterior work starts when it is dark: this long after sunset
DARK_AFTER_SUNSET = dt.timedelta(minutes=30)
#: meal break (off the clock): the day's wrap is the shooting time plus this
MEAL = dt.timedelta(minutes=30)


@dataclass
class DayCall:
    """One day's calls as datetimes (a night day's wrap falls after midnight)."""

    day: int
    date: dt.date
    crew_call: dt.datetime
    shooting_call: dt.datetime
    wrap: dt.datetime
    sunrise: dt.datetime | None
    sunset: dt.datetime | None
    rest_hours: float | None = None            # crew rest since the previous wrap
    forced: list[str] = field(default_factory=list)
    note: str = ""
    actor_wrap: dict[int, dt.datetime] = field(default_factory=dict)   # cast id -> when their last scene ends
    actor_start: dict[int, dt.datetime] = field(default_factory=dict)  # cast id -> when their first scene starts


def sun_datetimes(date: dt.date, settings: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local sunrise and sunset for the settings' location (None in polar day or night)."""
    from astral import Observer
    from astral.sun import sunrise, sunset

    tz = _tz(settings)
    obs = Observer(latitude=settings.lat, longitude=settings.lon)
    out: list[dt.datetime | None] = []
    for fn in (sunrise, sunset):
        try:
            out.append(fn(obs, date=date, tzinfo=tz).replace(tzinfo=None, second=0, microsecond=0))
        except ValueError:
            out.append(None)
    return out[0], out[1]


def _tz(settings: Any):
    if not (-90 <= settings.lat <= 90 and -180 <= settings.lon <= 180):
        raise CallSheetError(f"Location {settings.lat}, {settings.lon} is not a valid latitude/longitude",
                             hint="Use decimal degrees: latitude -90..90, longitude -180..180.")
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CallSheetError(f"Unknown time zone {settings.timezone!r}",
                             hint="Use an IANA name such as America/Los_Angeles or Europe/London.") from None


def _hours(h: float) -> dt.timedelta:
    return dt.timedelta(minutes=round(h * 60))


def _quarter(t: dt.datetime, up: bool = False) -> dt.datetime:
    """Calls are given to the quarter hour (earlier, unless ``up``)."""
    base = t.replace(second=0, microsecond=0)
    extra = base.minute % 15
    if extra == 0:
        return base
    return base + dt.timedelta(minutes=15 - extra) if up else base - dt.timedelta(minutes=extra)


def _plan_day(day: ShootDay, date: dt.date, settings: Any, schedule: Schedule) -> tuple[DayCall, str, dt.datetime | None]:
    """The day's calls before turnaround: (call, why, latest shooting call the light allows or None)."""
    rise, sset = sun_datetimes(date, settings)
    std_crew = dt.datetime.combine(date, settings.crew_call)
    std_shoot = dt.datetime.combine(date, settings.shooting_call)
    prep = std_shoot - std_crew
    strips = day.strips
    phases = [light_phase(s) for s in strips]
    lim = schedule.limits
    latest: dt.datetime | None = None
    if strips and phases[0] == 0 and rise is not None:
        shoot = _quarter(rise - WINDOW_PREP)
        why = f"dawn work: shooting call {WINDOW_PREP.seconds // 60} min before sunrise ({rise:%H:%M})"
        latest = shoot
    elif strips and any(p >= 2 for p in phases) and not any(p == 0 for p in phases) and sset is not None \
            and not any(s.exterior and s.part == "day" for s in strips):
        k = next(i for i, p in enumerate(phases) if p >= 2)
        before = sum(s.hours for s in strips[:k]) + lim.company_move_hours * sum(
            1 for a, b in zip(strips[:k + 1], strips[1:k + 1]) if a.site != b.site)
        dark = sset - WINDOW_PREP if phases[k] == 2 else sset + DARK_AFTER_SUNSET
        shoot = _quarter(dark - _hours(before))
        why = ("night work" if phases[k] == 3 else "dusk work") + f": late call so that sc. {strips[k].scene_number} " \
              f"starts at {'dusk' if phases[k] == 2 else 'dark'} (sunset {sset:%H:%M})"
        latest = shoot if phases[k] == 2 else None
    else:
        shoot = std_shoot
        why = "standard day call"
        ext_day = [s for s in strips if s.exterior and s.part in ("day", "dusk")]
        if ext_day and sset is not None:
            # day exteriors must be shot before the light goes: the call may move no later than that allows
            upto = max(i for i, s in enumerate(strips) if s in ext_day)
            need = sum(s.hours for s in strips[:upto + 1])
            latest = sset - _hours(need)
    crew = shoot - prep
    wrap = shoot + _hours(day.hours) + MEAL
    call = DayCall(day=day.number, date=date, crew_call=crew, shooting_call=shoot, wrap=wrap, sunrise=rise,
                   sunset=sset, note=why)
    return call, why, latest


def _actor_times(call: DayCall, day: ShootDay, schedule: Schedule) -> None:
    t = call.shooting_call
    prev = None
    for s in day.strips:
        if prev is not None and s.site != prev:
            t += _hours(schedule.limits.company_move_hours)
        end = t + _hours(s.hours)
        for cid in s.cast_ids:
            call.actor_start.setdefault(cid, t)
            call.actor_wrap[cid] = end + dt.timedelta(minutes=30)     # out of wardrobe and makeup
        t, prev = end, s.site


def next_monday(today: dt.date | None = None) -> dt.date:
    """The first Monday after ``today``: where a schedule with no start date starts."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def shoot_date(schedule: Schedule, day_number: int, settings: CallSheetSettings) -> dt.date:
    """The calendar date of a shoot day: the schedule's date, else counted in shooting weekdays
    from ``settings.start_date`` (or the schedule's start, or next Monday)."""
    day = schedule.days[day_number - 1]
    if day.date is not None and settings.start_date is None:
        return day.date
    start = settings.start_date or schedule.start_date or next_monday()
    d, n = start, 0
    while True:
        if d.weekday() < settings.days_per_week:
            n += 1
            if n == day_number:
                return d
        d += dt.timedelta(days=1)


def day_calls(schedule: Schedule, settings: Any, *, cast_names: dict[int, str] | None = None,
              makeup_minutes: dict[int, int] | None = None) -> list[DayCall]:
    """Crew call, shooting call and wrap of every day, with turnaround enforced between consecutive days.

    ``settings`` is a :class:`~.callsheet.CallSheetSettings` (location, time zone, standard calls);
    ``makeup_minutes`` (cast id -> minutes in the chair before their on-set time) sizes each actor's
    own call for the cast turnaround check.
    """
    lim = schedule.limits
    names = cast_names or dict(schedule.cast_names)
    calls: list[DayCall] = []
    chair = makeup_minutes or {}
    for day in schedule.days:
        date = shoot_date(schedule, day.number, settings)
        call, why, latest = _plan_day(day, date, settings, schedule)
        _actor_times(call, day, schedule)
        if calls:
            prev = calls[-1]

            def own_call(cid: int, c: DayCall = call) -> dt.datetime:
                return c.actor_start[cid] - dt.timedelta(minutes=chair.get(cid, 60) + settings.on_set_minutes)

            returning = [cid for cid in call.actor_start if cid in prev.actor_wrap]
            need = max([prev.wrap + _hours(lim.crew_turnaround_hours) - call.crew_call]
                       + [prev.actor_wrap[cid] + _hours(lim.cast_turnaround_hours) - own_call(cid) for cid in returning])
            if need > dt.timedelta(0):
                shift = _quarter(call.crew_call + need, up=True) - call.crew_call
                if latest is None or call.shooting_call + shift <= latest:
                    call.crew_call += shift
                    call.shooting_call += shift
                    call.wrap += shift
                    call.actor_start = {k: v + shift for k, v in call.actor_start.items()}
                    call.actor_wrap = {k: v + shift for k, v in call.actor_wrap.items()}
                    call.note = f"{why}; pushed {int(shift.total_seconds() // 60)} min for the turnaround after " \
                                f"day {prev.day}'s wrap at {prev.wrap:%H:%M}"
            rest = (call.crew_call - prev.wrap).total_seconds() / 3600
            if rest < lim.crew_turnaround_hours - 1e-6:
                call.forced.append(f"crew: {rest:.1f} h rest after day {prev.day}'s wrap at {prev.wrap:%a %H:%M} "
                                   f"(< {lim.crew_turnaround_hours:g} h turnaround) — forced call; the light "
                                   f"({why.split(':')[0]}) does not allow a later call")
            call.rest_hours = round(rest, 2)
            for cid in returning:
                rest = (own_call(cid) - prev.actor_wrap[cid]).total_seconds() / 3600
                if rest < lim.cast_turnaround_hours - 1e-6:
                    call.forced.append(f"cast #{cid} {names.get(cid, '')}".rstrip() +
                                       f": {rest:.1f} h rest (< {lim.cast_turnaround_hours:g} h) between day "
                                       f"{prev.day} and day {day.number} — forced call")
        calls.append(call)
    return calls


def time_days(schedule: Schedule, settings: Any, **kwargs: Any) -> Schedule:
    """The schedule with each day's crew call, shooting call, wrap, rest and forced calls filled in;
    every forced call is also listed in the schedule's warnings."""
    calls = day_calls(schedule, settings, **kwargs)
    days = [d.model_copy(update={"crew_call": c.crew_call.time(), "shooting_call": c.shooting_call.time(),
                                 "wrap": c.wrap, "rest_hours": c.rest_hours, "forced_calls": list(c.forced),
                                 "call_note": c.note, "date": d.date or c.date})
            for d, c in zip(schedule.days, calls)]
    warnings = [w for w in schedule.warnings if "forced call" not in w]
    warnings += [f"day {c.day}: {f}" for c in calls for f in c.forced]
    return schedule.model_copy(update={"days": days, "warnings": warnings})
