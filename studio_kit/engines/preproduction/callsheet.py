"""Call sheets: one per shoot day, as HTML (jinja2) and PDF (reportlab).

What the crew reads the night before: production title, day X of Y, date,
crew call and shooting call, sunrise/sunset for the location (computed with
``astral`` from the project's latitude/longitude/time zone), the scenes with
set, D/N, pages in eighths and cast numbers, the cast with their pickup,
makeup and on-set calls (worked back from the shooting call), background and
special requirements from the breakdown tags of those scenes, the advance
schedule for the next day and notes. The nearest hospital is a project field
the producer fills in; until then the sheet says "to be confirmed" — a call
sheet never invents a hospital.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel, Field

from studio_kit.domain.preproduction import (
    Breakdown, BreakdownCategory, DayOutOfDays, Schedule, ShootDay, format_eighths,
)
from studio_kit.exceptions import ScheduleError, StudioError

TO_BE_CONFIRMED = "to be confirmed"
EXTRAS = (BreakdownCategory.EXTRAS_SILENT, BreakdownCategory.EXTRAS_ATMOSPHERE)
NOT_REQUIREMENTS = {BreakdownCategory.CAST, *EXTRAS}


class CallSheetError(StudioError):
    """A call sheet cannot be made (no such shoot day, bad coordinates or time zone)."""


class CallSheetSettings(BaseModel):
    """Project-level call sheet settings (the production office fills these in).

    Coordinates are decimal degrees; ``timezone`` an IANA name. Call times are
    local wall-clock times; the ``*_minutes`` fields are how long before the
    shooting call each step starts.
    """

    title: str | None = None                       # default: the schedule's title
    location_name: str = "Los Angeles"
    lat: float = 34.0522
    lon: float = -118.2437
    timezone: str = "America/Los_Angeles"
    start_date: dt.date | None = None              # first shoot day; default: schedule dates or next Monday
    days_per_week: int = 5
    crew_call: dt.time = dt.time(7, 0)
    shooting_call: dt.time = dt.time(8, 0)
    on_set_minutes: int = 15                       # cast on set before the shooting call (rehearsal, blocking)
    makeup_minutes: dict[str, int] = Field(default_factory=lambda: {"lead": 90, "supporting": 60, "day_player": 45})
    pickup_minutes: int = 30                       # van to base camp before makeup
    nearest_hospital: str = ""                     # name, address, phone — filled by the producer
    production_office: str = ""
    weather: str | None = None                     # optional forecast line
    notes: list[str] = Field(default_factory=list)


class CallSheetScene(BaseModel):
    scene_number: str
    set: str
    int_ext: str
    day_night: str                                 # "D" or "N"
    time_of_day: str
    pages: str                                     # "1 4/8"
    eighths: int
    cast_ids: list[int]
    synopsis: str = ""
    site: str = ""


class CallSheetCast(BaseModel):
    cast_id: int
    character: str
    status: str = ""                               # DOOD code for the day: SW, W, WF, SWF, P
    tier: str = "supporting"
    pickup: dt.time
    makeup: dt.time
    on_set: dt.time


class Requirement(BaseModel):
    category: str
    item: str
    scenes: list[str]
    count: int | None = None


class CallSheet(BaseModel):
    """One day's call sheet, ready to render."""

    title: str
    day_number: int
    total_days: int
    date: dt.date
    weekday: str
    crew_call: dt.time
    shooting_call: dt.time
    sunrise: str
    sunset: str
    location_name: str
    lat: float
    lon: float
    timezone: str
    weather: str
    nearest_hospital: str
    production_office: str
    scenes: list[CallSheetScene]
    total_pages: str
    cast: list[CallSheetCast]
    extras: list[Requirement]
    requirements: list[Requirement]
    advance_day: int | None = None
    advance_date: dt.date | None = None
    advance_scenes: list[CallSheetScene] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _stagger_minutes(day, cast_id: int, schedule: Schedule) -> int:
    """How long after the shooting call an actor's first scene starts, in minutes.

    Staggered calls: an actor whose first scene comes after three hours of
    other work is not called at dawn. Estimated from the strips' shooting
    hours and company moves before that scene; rounded down to 15 minutes;
    under an hour the actor keeps the general call (no point saving less).
    """
    hours = 0.0
    prev = None
    for strip in day.strips:
        if prev is not None and strip.site != prev:
            hours += schedule.limits.company_move_hours
        if cast_id in strip.cast_ids:
            break
        hours += strip.hours
        prev = strip.site
    minutes = int(hours * 60) // 15 * 15
    return minutes if minutes >= 60 else 0


def _minus(t: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(dt.date(2000, 1, 2), t) - dt.timedelta(minutes=minutes)).time()


def _next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def shoot_date(schedule: Schedule, day_number: int, settings: CallSheetSettings) -> dt.date:
    """The calendar date of a shoot day: the schedule's date, else counted in shooting weekdays
    from ``settings.start_date`` (or the schedule's start, or next Monday)."""
    day = schedule.days[day_number - 1]
    if day.date is not None and settings.start_date is None:
        return day.date
    start = settings.start_date or schedule.start_date or _next_monday()
    d, n = start, 0
    while True:
        if d.weekday() < settings.days_per_week:
            n += 1
            if n == day_number:
                return d
        d += dt.timedelta(days=1)


def sun_times(date: dt.date, settings: CallSheetSettings) -> tuple[str, str]:
    """Local sunrise and sunset ("06:42") for the location; polar days say so."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from astral import Observer
    from astral.sun import sunrise, sunset

    if not (-90 <= settings.lat <= 90 and -180 <= settings.lon <= 180):
        raise CallSheetError(f"Location {settings.lat}, {settings.lon} is not a valid latitude/longitude",
                             hint="Use decimal degrees: latitude -90..90, longitude -180..180.")
    try:
        tz = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CallSheetError(f"Unknown time zone {settings.timezone!r}",
                             hint="Use an IANA name such as America/Los_Angeles or Europe/London.") from None
    obs = Observer(latitude=settings.lat, longitude=settings.lon)
    out = []
    for fn, none in ((sunrise, "no sunrise (polar night or day)"), (sunset, "no sunset (polar night or day)")):
        try:
            out.append(fn(obs, date=date, tzinfo=tz).strftime("%H:%M"))
        except ValueError:
            out.append(none)
    return out[0], out[1]


def _scene_rows(day: ShootDay) -> list[CallSheetScene]:
    return [CallSheetScene(scene_number=s.scene_number, set=s.location or s.heading, int_ext=s.int_ext,
                           day_night="N" if s.night else "D", time_of_day=s.time_of_day, pages=s.pages,
                           eighths=s.eighths, cast_ids=list(s.cast_ids), synopsis=s.synopsis, site=s.site)
            for s in day.strips]


def _dood(schedule: Schedule, dood: DayOutOfDays | None) -> DayOutOfDays:
    if dood is not None:
        return dood
    from studio_kit.engines.preproduction.budget_derive import dood_from_schedule

    return dood_from_schedule(schedule)


def _scene_sort_key(number: str) -> tuple[int, str]:
    """Scene numbers in script order: "2" < "10" < "10A"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 10**6, number)


def build_call_sheet(schedule: Schedule, breakdown: Breakdown, day_number: int,
                     settings: CallSheetSettings | Mapping[str, Any] | None = None, *,
                     dood: DayOutOfDays | None = None) -> CallSheet:
    """The call sheet for shoot day ``day_number`` (1-based) of ``schedule``.

    ``settings`` may be a plain project settings dict (``{"lat": .., "lon": ..,
    "timezone": .., "nearest_hospital": ..}``).
    """
    from studio_kit.engines.preproduction.budget_derive import cast_tier

    if isinstance(settings, Mapping):
        try:
            settings = CallSheetSettings.model_validate(dict(settings))
        except ValueError as exc:
            raise CallSheetError(f"Call sheet settings are invalid: {exc}",
                                 hint="Use the CallSheetSettings fields: lat, lon, timezone, start_date ...") from None
    settings = settings or CallSheetSettings()
    total = len(schedule.days)
    if total == 0:
        raise ScheduleError("The schedule has no shoot days", hint="Schedule the breakdown first (`studio schedule`).")
    if not 1 <= day_number <= total:
        raise CallSheetError(f"Shoot day {day_number} does not exist: the schedule has {total} day(s)",
                             hint=f"Pass --day between 1 and {total}.")
    if settings.crew_call > settings.shooting_call:
        raise CallSheetError(f"Crew call {settings.crew_call:%H:%M} is after shooting call {settings.shooting_call:%H:%M}",
                             hint="Set the crew call before the shooting call.")
    day = schedule.days[day_number - 1]
    date = shoot_date(schedule, day_number, settings)
    sunrise_s, sunset_s = sun_times(date, settings)
    dood = _dood(schedule, dood)
    names = {m.id: m.name for m in breakdown.cast} | dict(schedule.cast_names)

    cast = []
    for cid in day.cast_ids:
        try:
            row = dood.row(cid)
            status = row.label(day_number) if len(row.codes) >= day_number else "W"   # "PW" on a pickup day
            tier = cast_tier(cid, row.work)
        except KeyError:
            status, tier = "W", cast_tier(cid, 1)
        on_set = _minus(settings.shooting_call, settings.on_set_minutes - _stagger_minutes(day, cid, schedule))
        makeup = _minus(on_set, settings.makeup_minutes.get(tier, 60))
        cast.append(CallSheetCast(cast_id=cid, character=names.get(cid, f"Cast {cid}"), status=status or "W",
                                  tier=tier, pickup=_minus(makeup, settings.pickup_minutes), makeup=makeup,
                                  on_set=on_set))

    sheets = {s.scene_index: s for s in breakdown.sheets}
    extras: dict[str, Requirement] = {}
    reqs: dict[tuple[str, str], Requirement] = {}
    for strip in day.strips:
        sheet = sheets.get(strip.sheet_index)
        for tag in sheet.tags if sheet else []:
            if tag.category in EXTRAS:
                r = extras.setdefault(tag.element_id, Requirement(category=tag.category.label, item=tag.name,
                                                                  scenes=[], count=tag.count))
                if tag.count and (r.count or 0) < tag.count:
                    r.count = tag.count
            elif tag.category not in NOT_REQUIREMENTS:
                r = reqs.setdefault((tag.category.label, tag.element_id),
                                    Requirement(category=tag.category.label, item=tag.name, scenes=[]))
            else:
                continue
            if strip.scene_number not in r.scenes:
                r.scenes.append(strip.scene_number)
    order = {c.label: i for i, c in enumerate(BreakdownCategory)}
    requirements = sorted(reqs.values(), key=lambda r: (order.get(r.category, 99), r.item.lower()))

    nxt = schedule.days[day_number] if day_number < total else None
    notes = list(settings.notes)
    if nxt is None:
        notes.append("Last day of principal photography.")
    if day.company_moves:
        notes.append(f"{day.company_moves} company move(s) today: " + " → ".join(day.sites) + ".")
    # safety lines every call sheet carries when the day has stunts or special effects
    for label, text in ((BreakdownCategory.STUNTS.label, "stunt coordinator and set medic on set; safety meeting "
                         "before the first stunt"),
                        (BreakdownCategory.SPECIAL_EFFECTS.label, "SFX supervisor on set; safety briefing before "
                         "any effect is fired")):
        scenes = sorted({n for r in requirements if r.category == label for n in r.scenes}, key=_scene_sort_key)
        if scenes:
            notes.append(f"SAFETY — {label} in sc. {', '.join(scenes)}: {text}.")
    return CallSheet(
        title=settings.title or schedule.title, day_number=day_number, total_days=total, date=date,
        weekday=date.strftime("%A"), crew_call=settings.crew_call, shooting_call=settings.shooting_call,
        sunrise=sunrise_s, sunset=sunset_s, location_name=settings.location_name, lat=settings.lat,
        lon=settings.lon, timezone=settings.timezone, weather=settings.weather or "none",
        nearest_hospital=settings.nearest_hospital.strip() or TO_BE_CONFIRMED,
        production_office=settings.production_office.strip() or TO_BE_CONFIRMED,
        scenes=_scene_rows(day), total_pages=format_eighths(day.eighths), cast=cast,
        extras=list(extras.values()), requirements=requirements,
        advance_day=nxt.number if nxt else None,
        advance_date=shoot_date(schedule, nxt.number, settings) if nxt else None,
        advance_scenes=_scene_rows(nxt) if nxt else [], notes=notes)


def render_html(sheet: CallSheet) -> str:
    """The call sheet as a standalone HTML page (template data/templates/callsheet.html.j2)."""
    from importlib import resources

    try:
        import jinja2
    except ImportError:  # jinja2 is a core dependency; say what to install if an install lost it
        raise CallSheetError("HTML call sheets need jinja2, which is not installed",
                             hint="pip install 'jinja2>=3.1' (the PDF call sheet works without it).") from None

    text = (resources.files("studio_kit") / "data" / "templates" / "callsheet.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(text).render(cs=sheet, hhmm=lambda t: t.strftime("%H:%M"))


def _atomic_write(path: Path, write: Any) -> Path:
    from studio_kit.store.files import atomic_path

    with atomic_path(path) as tmp:
        write(tmp)
    return path


def write_html(sheet: CallSheet, path: str | Path) -> Path:
    html = render_html(sheet)
    return _atomic_write(Path(path), lambda p: p.write_text(html, encoding="utf-8"))


def write_pdf(sheet: CallSheet, path: str | Path) -> Path:
    """The call sheet on US Letter with reportlab (header, scenes, cast, requirements, advance)."""
    from studio_kit.engines.preproduction.callsheet_pdf import build_pdf

    return _atomic_write(Path(path), lambda p: build_pdf(sheet, p))


def write_call_sheets(schedule: Schedule, breakdown: Breakdown, out_dir: str | Path,
                      settings: CallSheetSettings | Mapping[str, Any] | None = None, *,
                      dood: DayOutOfDays | None = None) -> list[Path]:
    """HTML and PDF call sheets for every shoot day (``callsheet_dayNN.html/.pdf``) — for packages and the demo."""
    out_dir = Path(out_dir)
    dood = _dood(schedule, dood)
    paths: list[Path] = []
    for day in schedule.days:
        sheet = build_call_sheet(schedule, breakdown, day.number, settings, dood=dood)
        stem = f"callsheet_day{day.number:02d}"
        paths += [write_html(sheet, out_dir / f"{stem}.html"), write_pdf(sheet, out_dir / f"{stem}.pdf")]
    return paths
