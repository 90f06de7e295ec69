"""Call sheet models: one shoot day's call sheet and the project's call sheet settings.

The pre-production engine builds a :class:`CallSheet` from the schedule and the
breakdown (``engines/preproduction/callsheet.py``) and renders it to HTML/PDF;
these models are what it fills in and what the store, the board and the API read.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

FILL_IN = "FILL IN"


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
    weather: str | None = None                     # optional forecast line (overrides the provider)
    weather_provider: str | None = None            # Open-Meteo-compatible forecast URL (None: offline, blank line)
    location_address: str = ""                     # street address of the location (base camp)
    parking: str = ""                              # crew parking and base camp
    locations: dict[str, dict[str, Any]] = Field(default_factory=dict)   # site -> address, parking, lat, lon, hospital
    contacts: list[dict[str, str]] = Field(default_factory=list)         # role, name, phone (production contacts)
    first_meal_hours: float = 6.0                  # first meal this long after crew call (meal penalty rule)
    second_meal_hours: float = 6.0                 # second meal this long after the first meal ends
    meal_minutes: int = 30
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
    kind: str = "on-camera"                        # on-camera, animal, voice, cg, graphic
    remarks: str = ""                              # "with wrangler", "no makeup: VFX character" ...


class DepartmentCall(BaseModel):
    department: str
    call: dt.time
    note: str = ""


class Meal(BaseModel):
    meal: str                                      # Breakfast, First meal (lunch), Second meal
    time: dt.time
    note: str = ""


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
    location_address: str = ""
    parking: str = ""
    map_url: str = ""
    contacts: list[dict[str, str]] = Field(default_factory=list)
    departments: list[DepartmentCall] = Field(default_factory=list)
    meals: list[Meal] = Field(default_factory=list)
    safety: list[str] = Field(default_factory=list)
    call_note: str = ""                            # why the call is when it is (night day, dawn, turnaround)
    forced_calls: list[str] = Field(default_factory=list)
    estimated_wrap: dt.time | None = None

    @property
    def unfilled(self) -> list[str]:
        """Fields still carrying the FILL IN marker (a sheet with any is not ready to send)."""
        fields = {"nearest hospital": self.nearest_hospital, "production office": self.production_office,
                  "location address": self.location_address, "parking": self.parking}
        return [k for k, v in fields.items() if v.startswith(FILL_IN)]
