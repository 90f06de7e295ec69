"""Call sheets: one per shoot day, as HTML (jinja2) and PDF (reportlab).

What the crew reads the night before: production title, day X of Y, date,
crew call and shooting call, sunrise/sunset for the location (computed with
``astral`` from the project's latitude/longitude/time zone), the scenes with
set, D/N, pages in eighths and cast numbers, the cast with their pickup,
makeup and on-set calls (worked back from the shooting call), background and
special requirements from the breakdown tags of those scenes, the advance
schedule for the next day and notes. The nearest hospital is a project field
(per location or for the project) the producer fills in; until then the sheet
carries a clear "FILL IN" marker — a call sheet never invents a hospital, and a
finished sheet never says "to be confirmed".

Calls are per day (:mod:`.daytimes`): a dawn day calls for sunrise, a night day
starts late, turnaround is kept or the forced call reported. Department calls
(hair/makeup, wardrobe, camera, grip/electric, art, locations, transport) follow
the cast's times — makeup is before set and never before its department's call —
with breakfast, the first meal six hours after crew call and a second meal when
the day runs long. Safety notes come from the day's elements.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studio_kit.domain.callsheet import (  # re-exported from the old path for one release
    FILL_IN,
    CallSheet,
    CallSheetCast,
    CallSheetScene,
    CallSheetSettings,
    DepartmentCall,
    Meal,
    Requirement,
)
from studio_kit.domain.preproduction import (
    Breakdown,
    BreakdownCategory,
    DayOutOfDays,
    Schedule,
    ShootDay,
    format_eighths,
)
from studio_kit.engines.preproduction.budget_derive import cast_tier, dood_from_schedule
from studio_kit.engines.preproduction.callsheet_pdf import build_pdf
from studio_kit.engines.preproduction.daytimes import day_calls, shoot_date, sun_datetimes
from studio_kit.exceptions import CallSheetError, ScheduleError, StudioError  # noqa: F401 - CallSheetError re-exported from its old path
from studio_kit.store.files import atomic_path
from studio_kit.templating import render_html as render

#: what an unfilled field says: a marker the production office cannot miss, never "to be confirmed"
TO_BE_CONFIRMED = "FILL IN — nearest hospital (name, address, phone) in the project's call sheet settings"
OFFICE_FILL_IN = "FILL IN — production office (address, phone) in the project's call sheet settings"
WEATHER_BLANK = "no forecast: no weather provider configured (fill in)"
EXTRAS = (BreakdownCategory.EXTRAS_SILENT, BreakdownCategory.EXTRAS_ATMOSPHERE)
NOT_REQUIREMENTS = {BreakdownCategory.CAST, *EXTRAS}


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


def sun_times(date: dt.date, settings: CallSheetSettings) -> tuple[str, str]:
    """Local sunrise and sunset ("06:42") for the location; polar days say so."""
    rise, sset = sun_datetimes(date, settings)
    return (rise.strftime("%H:%M") if rise else "no sunrise (polar night or day)",
            sset.strftime("%H:%M") if sset else "no sunset (polar night or day)")


def map_link(lat: float, lon: float) -> str:
    """An OpenStreetMap link to the location (opens in any browser or maps app)."""
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=16/{lat:.5f}/{lon:.5f}"


def fetch_weather(settings: CallSheetSettings, date: dt.date, timeout: float = 5.0) -> str:
    """The day's forecast from the configured provider (an Open-Meteo-compatible ``/v1/forecast`` URL),
    or the labelled blank when no provider is configured or it cannot be reached (offline)."""
    if settings.weather:
        return settings.weather
    if not settings.weather_provider:
        return WEATHER_BLANK
    query = urllib.parse.urlencode({
        "latitude": settings.lat, "longitude": settings.lon, "timezone": settings.timezone,
        "start_date": date.isoformat(), "end_date": date.isoformat(),
        "daily": "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max,wind_speed_10m_max"})
    url = settings.weather_provider + ("&" if "?" in settings.weather_provider else "?") + query
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:    # noqa: S310 - a configured https/http URL
            daily = json.loads(resp.read().decode("utf-8"))["daily"]
        hi, lo = daily["temperature_2m_max"][0], daily["temperature_2m_min"][0]
        rain = daily.get("precipitation_probability_max", [None])[0]
        wind = daily.get("wind_speed_10m_max", [None])[0]
        text = f"{_WMO.get(int(daily.get('weather_code', [0])[0] or 0), 'see forecast')}, {lo:.0f}–{hi:.0f} °C"
        if rain is not None:
            text += f", {rain:.0f} % chance of rain"
        if wind is not None:
            text += f", wind up to {wind:.0f} km/h"
        return text
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return f"no forecast: the weather provider could not be reached ({type(exc).__name__}) (fill in)"


#: WMO weather codes (Open-Meteo) in words
_WMO = {0: "clear sky", 1: "mainly clear", 2: "partly cloudy", 3: "overcast", 45: "fog", 48: "freezing fog",
        51: "light drizzle", 53: "drizzle", 55: "heavy drizzle", 61: "light rain", 63: "rain", 65: "heavy rain",
        71: "light snow", 73: "snow", 75: "heavy snow", 80: "rain showers", 81: "heavy showers",
        82: "violent showers", 95: "thunderstorm", 96: "thunderstorm with hail", 99: "thunderstorm with hail"}


def _scene_rows(day: ShootDay) -> list[CallSheetScene]:
    return [CallSheetScene(scene_number=s.scene_number, set=s.location or s.heading, int_ext=s.int_ext,
                           day_night="N" if s.night else "D", time_of_day=s.time_of_day, pages=s.pages,
                           eighths=s.eighths, cast_ids=list(s.cast_ids), synopsis=s.synopsis, site=s.site)
            for s in day.strips]


def _dood(schedule: Schedule, dood: DayOutOfDays | None) -> DayOutOfDays:
    if dood is not None:
        return dood

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
    settings = _checked_settings(settings, schedule, day_number)
    total = len(schedule.days)
    day = schedule.days[day_number - 1]
    date = shoot_date(schedule, day_number, settings)
    sunrise_s, sunset_s = sun_times(date, settings)
    dood = _dood(schedule, dood)
    names = {m.id: m.name for m in breakdown.cast} | dict(schedule.cast_names)
    members = {m.id: m for m in breakdown.cast}

    def tier_of(cid: int) -> str:
        try:
            return cast_tier(cid, dood.row(cid).work)
        except KeyError:
            return cast_tier(cid, 1)

    chair = {cid: settings.makeup_minutes.get(tier_of(cid), 60) for d in schedule.days for cid in d.cast_ids}
    call = day_calls(schedule, settings, cast_names=names, makeup_minutes=chair)[day_number - 1]
    crew_call, shooting_call = call.crew_call.time(), call.shooting_call.time()

    cast = [_cast_call(cid, day, day_number, schedule, settings, dood, members.get(cid), tier_of(cid),
                       names.get(cid, f"Cast {cid}"), shooting_call) for cid in day.cast_ids]
    extras, requirements = _day_requirements(day, breakdown)

    nxt = schedule.days[day_number] if day_number < total else None
    notes = list(settings.notes)
    if nxt is None:
        notes.append("Last day of principal photography.")
    if day.company_moves:
        notes.append(f"{day.company_moves} company move(s) today: " + " → ".join(day.sites) + ".")
    site = day.strips[0].site if day.strips else ""
    place = {**settings.locations.get(site, {})}
    lat, lon = float(place.get("lat", settings.lat)), float(place.get("lon", settings.lon))
    hospital = str(place.get("hospital") or settings.nearest_hospital).strip()
    address = str(place.get("address") or settings.location_address).strip()
    parking = str(place.get("parking") or settings.parking).strip()
    on_camera = [c for c in cast if c.kind == "on-camera"]
    safety = safety_notes(day, breakdown, members)
    notes += safety
    notes += [f"FORCED CALL — {f}" for f in call.forced]
    departments, meals = _department_calls(call, on_camera, settings), _meals(call, on_camera, settings)
    return CallSheet(
        title=settings.title or schedule.title, day_number=day_number, total_days=total, date=date,
        weekday=date.strftime("%A"), crew_call=crew_call, shooting_call=shooting_call,
        sunrise=sunrise_s, sunset=sunset_s, location_name=str(place.get("name") or settings.location_name),
        lat=lat, lon=lon, timezone=settings.timezone, weather=fetch_weather(settings, date),
        nearest_hospital=hospital or TO_BE_CONFIRMED,
        production_office=settings.production_office.strip() or OFFICE_FILL_IN,
        scenes=_scene_rows(day), total_pages=format_eighths(day.eighths), cast=cast,
        extras=list(extras.values()), requirements=requirements,
        advance_day=nxt.number if nxt else None,
        advance_date=shoot_date(schedule, nxt.number, settings) if nxt else None,
        advance_scenes=_scene_rows(nxt) if nxt else [], notes=notes,
        location_address=address or f"{FILL_IN} — location address",
        parking=parking or f"{FILL_IN} — crew parking and base camp", map_url=map_link(lat, lon),
        contacts=list(settings.contacts), departments=departments, meals=meals,
        safety=safety, call_note=call.note, forced_calls=list(call.forced),
        estimated_wrap=call.wrap.time())


def _checked_settings(settings: CallSheetSettings | Mapping[str, Any] | None, schedule: Schedule,
                      day_number: int) -> CallSheetSettings:
    """The settings as CallSheetSettings, checked with the day number against the schedule."""
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
    return settings


#: remarks for parts with no makeup chair: animals come with their wrangler, a CG part is a stand-in/eyeline
_NO_CHAIR_REMARKS = {"animal": "animal with wrangler (no makeup); arrives with its trainer",
                     "cg": "VFX character: eyeline/stand-in and VFX supervisor, no actor on set",
                     "voice": "voice only: recorded in a studio session, not on set",
                     "graphic": "screen graphic: playback operator"}


def _cast_call(cid: int, day: ShootDay, day_number: int, schedule: Schedule, settings: CallSheetSettings,
               dood: DayOutOfDays, member: Any, tier: str, character: str, shooting_call: dt.time) -> CallSheetCast:
    """One cast member's line: day status (W, SW, PW ...), pickup, makeup and on-set times, remarks."""
    try:
        row = dood.row(cid)
        status = row.label(day_number) if len(row.codes) >= day_number else "W"   # "PW" on a pickup day
    except KeyError:
        status = "W"
    kind = member.kind if member else "on-camera"
    on_set = _minus(shooting_call, settings.on_set_minutes - _stagger_minutes(day, cid, schedule))
    if kind == "on-camera":
        makeup, remarks = _minus(on_set, settings.makeup_minutes.get(tier, 60)), ""
    else:        # no makeup chair: animals come with their wrangler, a CG part is a stand-in/eyeline
        makeup = on_set
        remarks = _NO_CHAIR_REMARKS.get(kind, "")
        if member and "voice session" in member.needs and kind == "animal":
            remarks += "; voice recorded separately"
    return CallSheetCast(cast_id=cid, character=character, status=status or "W",
                         tier=tier, pickup=_minus(makeup, settings.pickup_minutes), makeup=makeup,
                         on_set=on_set, kind=kind, remarks=remarks)


def _day_requirements(day: ShootDay, breakdown: Breakdown) -> tuple[dict[str, Requirement], list[Requirement]]:
    """The day's background (extras by element) and its other requirements by department, with scenes."""
    sheets = {s.scene_index: s for s in breakdown.sheets}
    extras: dict[str, Requirement] = {}
    reqs: dict[tuple[str, str], Requirement] = {}
    for strip in day.strips:
        sheet = sheets.get(strip.sheet_index)
        for tag in sheet.tags if sheet else []:
            if tag.needs_review:
                continue
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
    return extras, sorted(reqs.values(), key=lambda r: (order.get(r.category, 99), r.item.lower()))


def _department_calls(call: Any, cast: list[CallSheetCast], settings: CallSheetSettings) -> list[DepartmentCall]:
    """Department calls consistent with the cast: hair/makeup and wardrobe open before the first actor
    sits in the chair (never after), camera and grip/electric at crew call, transport before the first pickup."""
    crew = call.crew_call.time()
    first_chair = min([c.makeup for c in cast] + [crew])
    first_pickup = min([c.pickup for c in cast] + [crew])
    hmu = _minus(first_chair, 15) if first_chair < crew else crew
    out = [DepartmentCall(department="Production (1st AD, base camp)", call=min(hmu, crew)),
           DepartmentCall(department="Hair & makeup", call=hmu,
                          note=f"first actor in the chair {first_chair:%H:%M}" if cast else "no cast today"),
           DepartmentCall(department="Wardrobe", call=hmu),
           DepartmentCall(department="Camera", call=crew),
           DepartmentCall(department="Grip & electric", call=crew),
           DepartmentCall(department="Art & props", call=crew),
           DepartmentCall(department="Sound", call=crew),
           DepartmentCall(department="Locations", call=_minus(min(hmu, crew), 30), note="open base camp and parking"),
           DepartmentCall(department="Transport", call=_minus(first_pickup, 15),
                          note=f"first pickup {first_pickup:%H:%M}" if cast else "")]
    return out


def _meals(call: Any, cast: list[CallSheetCast], settings: CallSheetSettings) -> list[Meal]:
    """Breakfast before the first call, first meal within six hours of crew call, a second meal when the
    day runs past six hours after the first (as the meal-penalty rules require)."""
    earliest = min([c.makeup for c in cast] + [call.crew_call.time()])
    first = call.crew_call + dt.timedelta(hours=settings.first_meal_hours)
    meals = [Meal(meal="Breakfast", time=_minus(earliest, 30), note="walking breakfast until crew call"),
             Meal(meal="First meal", time=first.time(), note=f"{settings.meal_minutes} min, off the clock")]
    second = first + dt.timedelta(minutes=settings.meal_minutes) + dt.timedelta(hours=settings.second_meal_hours)
    if call.wrap > second:
        meals.append(Meal(meal="Second meal", time=second.time(), note="the day runs past six hours after lunch"))
    return meals


_WATER = re.compile(r"\b(water|rain|pool|river|lake|sea|ocean|beach|boat|swim\w*|drown\w*|flood\w*|spout|"
                    r"fountain|shower|bath\w*|puddle|wet|soak\w*|harbou?r|dock|pier)\b", re.I)
_TRAFFIC = re.compile(r"\b(traffic|street|road|highway|freeway|intersection|crossing|crosswalk|car|cars|bus|"
                      r"truck|taxi|motorcycle|drive[sn]?|driving)\b", re.I)


def safety_notes(day: ShootDay, breakdown: Breakdown, members: Mapping[int, Any] | None = None) -> list[str]:
    """Safety lines for the day's hazards, from its breakdown elements and strips: stunts, special effects,
    animals, water, traffic, night exteriors."""
    sheets = {s.scene_index: s for s in breakdown.sheets}
    found: dict[str, list[str]] = {}

    def add(key: str, scene: str) -> None:
        found.setdefault(key, [])
        if scene not in found[key]:
            found[key].append(scene)

    for strip in day.strips:
        sheet = sheets.get(strip.sheet_index)
        tags = [t for t in (sheet.tags if sheet else []) if not t.needs_review]
        cats = {t.category for t in tags}
        text = " ".join([strip.heading, *(t.name + " " + t.matched for t in tags)])
        if BreakdownCategory.STUNTS in cats:
            add("stunts", strip.scene_number)
        if BreakdownCategory.SPECIAL_EFFECTS in cats:
            add("sfx", strip.scene_number)
        animal_cast = any((members or {}).get(c) is not None and getattr((members or {})[c], "kind", "") == "animal"
                          for c in strip.cast_ids)
        if BreakdownCategory.ANIMALS in cats or animal_cast:
            add("animals", strip.scene_number)
        if _WATER.search(text):
            add("water", strip.scene_number)
        if strip.exterior and (_TRAFFIC.search(text) or BreakdownCategory.VEHICLES in cats):
            add("traffic", strip.scene_number)
        if strip.exterior and strip.part == "night":
            add("night", strip.scene_number)
    lines = {
        "stunts": "stunt coordinator and set medic on set; safety meeting before the first stunt; nobody in the "
                  "action area without the coordinator's clearance",
        "sfx": "SFX supervisor on set; safety briefing before any effect is fired; fire extinguishers at hand",
        "animals": "animals with their trainers/wranglers only; quiet on set around them; no one feeds or handles "
                   "an animal without the wrangler; American Humane (or local equivalent) monitor informed",
        "water": "water on set: cables off the ground and GFCI-protected, non-slip mats, towels and a dry area; "
                 "no one works near open water without a safety spotter",
        "traffic": "traffic: high-visibility vests for crew near the road, police or traffic control for any lane "
                   "use, cast and crew never step into live traffic",
        "night": "night exterior: lighting plan and torches for the crew, warm layers, drivers rested (watch for "
                 "fatigue on the drive home)",
    }
    labels = {"stunts": BreakdownCategory.STUNTS.label, "sfx": BreakdownCategory.SPECIAL_EFFECTS.label,
              "animals": "Animals", "water": "Water", "traffic": "Traffic", "night": "Night exterior"}
    return [f"SAFETY — {labels[key]} in sc. {', '.join(sorted(sc, key=_scene_sort_key))}: {lines[key]}."
            for key in lines if (sc := found.get(key))]


def render_html(sheet: CallSheet) -> str:
    """The call sheet as a standalone HTML page (template data/templates/callsheet.html.j2)."""
    return render("callsheet.html.j2", cs=sheet, hhmm=lambda t: t.strftime("%H:%M"))


def _atomic_write(path: Path, write: Any) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return path


def write_html(sheet: CallSheet, path: str | Path) -> Path:
    html = render_html(sheet)
    return _atomic_write(Path(path), lambda p: p.write_text(html, encoding="utf-8"))


def write_pdf(sheet: CallSheet, path: str | Path) -> Path:
    """The call sheet on US Letter with reportlab (header, scenes, cast, requirements, advance)."""
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
