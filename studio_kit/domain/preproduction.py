"""Pre-production domain models: breakdown, stripboard schedule, day-out-of-days.

These are the contract between the breakdown/schedule engine and its
consumers (budget, call sheets, dashboards, exports). Lengths are in eighths
of a page (int, 8 = one page); days are 1-based shoot-day numbers; hours are
shooting hours.

Category ids follow the Universal Category Identification used for breakdown
interchange: action categories 100-124 (100 Cast, 104 Props, 119 VFX ...);
project-specific categories take ids from 500 up.
"""
from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from studio_kit.domain.eighths import format_eighths, parse_eighths  # noqa: F401 - re-exported
from studio_kit.exceptions import NotFoundError


class BreakdownCategory(str, Enum):
    """The standard breakdown categories (value = stable machine name)."""

    CAST = "cast"
    STUNTS = "stunts"
    EXTRAS_SILENT = "extras_silent"
    EXTRAS_ATMOSPHERE = "extras_atmosphere"
    PROPS = "props"
    VEHICLES = "vehicles"
    ANIMALS = "animals"
    WARDROBE = "wardrobe"
    MAKEUP_HAIR = "makeup_hair"
    SPECIAL_EFFECTS = "special_effects"
    SOUND_MUSIC = "sound_music"
    SET_DRESSING = "set_dressing"
    GREENERY = "greenery"
    SPECIAL_EQUIPMENT = "special_equipment"
    SECURITY = "security"
    VFX = "vfx"
    NOTES = "notes"

    @property
    def info(self) -> CategoryInfo:
        return CATEGORY_TABLE[self]

    @property
    def label(self) -> str:
        return CATEGORY_TABLE[self].label

    @property
    def colour(self) -> str:
        return CATEGORY_TABLE[self].colour

    @property
    def uci(self) -> int:
        return CATEGORY_TABLE[self].uci


class CategoryInfo(BaseModel):
    """How a category is shown and exchanged.

    ``colour`` is the hex fill of the highlight on a breakdown sheet; ``mark``
    is the non-colour convention where the trade uses one (wardrobe is circled,
    makeup/hair gets an asterisk). ``uci`` is the Universal Category ID.
    """

    category: BreakdownCategory
    label: str
    uci: int
    colour: str
    colour_name: str
    mark: str = ""          # "", "circle", "asterisk", "box", "underline"


def _info(cat: BreakdownCategory, label: str, uci: int, colour: str, colour_name: str, mark: str = "") -> CategoryInfo:
    return CategoryInfo(category=cat, label=label, uci=uci, colour=colour, colour_name=colour_name, mark=mark)


C = BreakdownCategory
#: Standard colours (STANDARDS.md): cast red, stunts orange, extras silent yellow,
#: extras atmosphere green, SFX blue, props purple, vehicles & animals pink,
#: sound/music brown, wardrobe circled, makeup/hair asterisk.
CATEGORY_TABLE: dict[BreakdownCategory, CategoryInfo] = {
    C.CAST: _info(C.CAST, "Cast Members", 100, "#E53935", "red"),
    C.STUNTS: _info(C.STUNTS, "Stunts", 101, "#FB8C00", "orange"),
    C.EXTRAS_SILENT: _info(C.EXTRAS_SILENT, "Extras (Silent Bits)", 102, "#FDD835", "yellow"),
    C.EXTRAS_ATMOSPHERE: _info(C.EXTRAS_ATMOSPHERE, "Extras (Atmosphere)", 103, "#43A047", "green"),
    C.PROPS: _info(C.PROPS, "Props", 104, "#8E24AA", "purple"),
    C.VEHICLES: _info(C.VEHICLES, "Vehicles", 105, "#F48FB1", "pink"),
    C.ANIMALS: _info(C.ANIMALS, "Animals", 106, "#F48FB1", "pink"),
    C.WARDROBE: _info(C.WARDROBE, "Wardrobe", 107, "#FFFFFF", "white (circled)", "circle"),
    C.MAKEUP_HAIR: _info(C.MAKEUP_HAIR, "Makeup/Hair", 108, "#FFFFFF", "white (asterisk)", "asterisk"),
    C.SPECIAL_EFFECTS: _info(C.SPECIAL_EFFECTS, "Special Effects", 109, "#1E88E5", "blue"),
    C.SOUND_MUSIC: _info(C.SOUND_MUSIC, "Sound/Music", 110, "#8D6E63", "brown"),
    C.SET_DRESSING: _info(C.SET_DRESSING, "Set Dressing", 111, "#BCAAA4", "tan"),
    C.GREENERY: _info(C.GREENERY, "Greenery", 112, "#2E7D32", "dark green"),
    C.SPECIAL_EQUIPMENT: _info(C.SPECIAL_EQUIPMENT, "Special Equipment", 113, "#90A4AE", "grey (boxed)", "box"),
    C.SECURITY: _info(C.SECURITY, "Security", 114, "#5D4037", "dark brown"),
    C.VFX: _info(C.VFX, "Visual Effects", 119, "#00ACC1", "cyan"),
    C.NOTES: _info(C.NOTES, "Notes", 124, "#9E9E9E", "grey", "underline"),
}
CUSTOM_UCI_START = 500  # project-specific categories are numbered from here


#: automatic tags below this confidence wait in the Breakdown Board's review queue: shown, not counted
#: (no cast number on the strip or call sheet) until a person confirms or removes them
REVIEW_CONFIDENCE = 0.6


class TagOrigin(str, Enum):
    AUTO = "auto"        # the rule/lexicon tagger
    MANUAL = "manual"    # a person's edit
    LLM = "llm"          # a text backend proposal that passed verification


class Tag(BaseModel):
    """One breakdown element tagged in one scene.

    ``element_id`` is stable across scenes for the same element ("cast:1",
    "props:film reel"); ``line`` is the 1-based source line where it was found
    (0 for manual tags with no source); ``matched`` is the text as written.
    """

    category: BreakdownCategory
    name: str                      # display name: "BOB", "FILM REEL", "Commuters"
    element_id: str
    line: int = 0
    matched: str = ""
    confidence: float = 1.0        # 0..1
    origin: TagOrigin = TagOrigin.AUTO
    cast_id: int | None = None     # cast tags: the cast-list number
    count: int | None = None       # extras: head count when the script gives one
    note: str = ""
    context: str = ""              # the source line as written (why the tag is there)
    kind: str = ""                 # cast: on-camera, cg, animal, voice, graphic (see characters.cast.part_kind)

    @property
    def needs_review(self) -> bool:
        """An automatic guess a person should confirm (low confidence); confirmed tags are manual."""
        return self.origin != TagOrigin.MANUAL and self.confidence < REVIEW_CONFIDENCE

    @property
    def colour(self) -> str:
        return self.category.colour

    @property
    def uci(self) -> int:
        return self.category.uci


#: heading times that carry the previous scene's time of day (STANDARDS: time of day carries through)
INHERITED_TIMES = {"", "CONTINUOUS", "CONT", "CONT'D", "CONTINUED", "LATER", "MOMENTS LATER", "A MOMENT LATER",
                   "MOMENTS AFTER", "SECONDS LATER", "MINUTES LATER", "A FEW MINUTES LATER", "SAME", "SAME TIME",
                   "SIMULTANEOUS", "IMMEDIATELY AFTER", "THE SAME", "SAME MOMENT"}
_DAY_PARTS = (
    ("dawn", ("DAWN", "SUNRISE", "DAYBREAK", "FIRST LIGHT", "PRE-DAWN", "PREDAWN", "BREAK OF DAY")),
    ("dusk", ("DUSK", "SUNSET", "MAGIC HOUR", "GOLDEN HOUR", "TWILIGHT", "SUNDOWN", "BLUE HOUR", "NIGHTFALL")),
    ("night", ("NIGHT", "EVENING", "MIDNIGHT", "LATE NIGHT", "PRE-DAWN DARK", "WITCHING HOUR")),
    ("day", ("DAY", "MORNING", "AFTERNOON", "NOON", "MIDDAY", "MID-DAY", "LUNCHTIME", "LATE AFTERNOON", "SUNNY")),
)


def day_part(time_of_day: str) -> str:
    """The light a heading's time asks for: "day", "night", "dawn", "dusk"; "" when the time carries the
    previous scene's (CONTINUOUS, LATER, MOMENTS LATER, SAME ...) or says nothing about light."""
    t = " ".join(time_of_day.upper().replace("—", "-").split())
    if t in INHERITED_TIMES:
        return ""
    for part, words in _DAY_PARTS:
        if any(w == t or f" {w} " in f" {t} " for w in words):
            return part
    return ""


def element_id(category: BreakdownCategory, name: str) -> str:
    """Stable id of an element across scenes: "props:film reel"."""
    norm = re.sub(r"\s+", " ", name.strip().lower())
    return f"{category.value}:{norm}"


def dedupe(tags: list[Tag]) -> list[Tag]:
    """One tag per element per scene: keep the most confident (first on a tie)."""
    best: dict[str, Tag] = {}
    order: list[str] = []
    for t in tags:
        if t.element_id not in best:
            best[t.element_id] = t
            order.append(t.element_id)
        elif t.confidence > best[t.element_id].confidence:
            best[t.element_id] = t
    return [best[k] for k in order]


class BreakdownSheet(BaseModel):
    """The breakdown of one scene (one sheet per scene)."""

    scene_index: int                   # 0-based order in the script
    scene_number: str                  # locked number when present, else index+1
    heading: str
    int_ext: str = ""
    time_of_day: str = ""
    location: str = ""
    eighths: int = 1                   # page length, >= 1
    synopsis: str = ""
    line: int = 0                      # source line of the heading
    page: int = 0                      # script page the scene starts on (1-based; 0 = unknown)
    tags: list[Tag] = Field(default_factory=list)
    time_written: str = ""             # the heading's time when it was carried over ("CONTINUOUS")
    time_from: str = ""                # the scene number whose time of day it carries

    @property
    def day_part(self) -> str:
        """day, night, dawn or dusk (a carried-over time is resolved when the breakdown is made)."""
        return day_part(self.time_of_day) or "day"

    @property
    def is_night(self) -> bool:
        return self.day_part == "night"

    @property
    def is_exterior(self) -> bool:
        return self.int_ext.upper().startswith("EXT")

    def tags_in(self, category: BreakdownCategory) -> list[Tag]:
        return [t for t in self.tags if t.category == category]

    @property
    def cast_ids(self) -> list[int]:
        return sorted({t.cast_id for t in self.tags if t.category == BreakdownCategory.CAST and t.cast_id is not None
                       and not t.needs_review})

    @property
    def pages(self) -> str:
        """Length written the trade's way: "1 4/8", "3/8", "2"."""
        return format_eighths(self.eighths)


class CastMember(BaseModel):
    """A cast-list entry: number by importance (1 = in most scenes)."""

    id: int
    name: str
    scenes: int = 0                     # number of scenes the character is in
    scene_indices: list[int] = Field(default_factory=list)
    speaking: bool = True
    aliases: list[str] = Field(default_factory=list)     # other cues folded into this part ("BOB")
    kind: str = "on-camera"            # on-camera (an actor), cg (VFX), animal, voice (voice artist only), graphic
    needs: list[str] = Field(default_factory=list)       # what the part takes: actor, vfx, animal, wrangler,
                                                         # voice session, screen graphic, playback
    description: str = ""              # the script's introduction of the part

    @property
    def on_camera_actor(self) -> bool:
        """Booked as a (SAG) performer on camera: call times, makeup, pension and health."""
        return "actor" in self.needs or not self.needs


class Breakdown(BaseModel):
    """The breakdown of a whole script."""

    title: str = "Untitled"
    sheets: list[BreakdownSheet] = Field(default_factory=list)
    cast: list[CastMember] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    def sheet(self, scene_index: int) -> BreakdownSheet:
        for s in self.sheets:
            if s.scene_index == scene_index:
                return s
        raise NotFoundError(f"No scene {scene_index} in the breakdown of {self.title!r}.",
                            hint="Use a 0-based scene index of this breakdown's sheets.")

    def cast_member(self, cast_id: int) -> CastMember:
        for c in self.cast:
            if c.id == cast_id:
                return c
        raise NotFoundError(f"No cast id {cast_id} on the cast list.", hint="Use a number from the cast list.")

    def elements(self, category: BreakdownCategory) -> dict[str, list[int]]:
        """Element name -> scene indices it appears in, for one category."""
        out: dict[str, list[int]] = {}
        for s in self.sheets:
            for t in s.tags_in(category):
                idx = out.setdefault(t.name, [])
                if s.scene_index not in idx:
                    idx.append(s.scene_index)
        return out

    @property
    def total_eighths(self) -> int:
        return sum(s.eighths for s in self.sheets)

    def review_queue(self) -> list[tuple[BreakdownSheet, Tag]]:
        """Low-confidence automatic tags waiting for a person (sheet, tag), in script order."""
        return [(s, t) for s in self.sheets for t in s.tags if t.needs_review]


# -- stripboard --------------------------------------------------------------

#: Strip colours (STANDARDS.md): day int white, day ext yellow, night int blue,
#: night ext green; day break black, week break orange.
STRIP_COLOURS = {
    ("INT", False): ("#FFFFFF", "white"),
    ("EXT", False): ("#FFF176", "yellow"),
    ("INT", True): ("#64B5F6", "blue"),
    ("EXT", True): ("#81C784", "green"),
}
#: dawn and dusk (magic hour) are short windows tied to sunrise/sunset: strips of their own colour
SUN_WINDOW_COLOURS = {"dawn": ("#F8BBD0", "pink"), "dusk": ("#FFCC80", "orange")}
DAY_BREAK_COLOUR = "#000000"
WEEK_BREAK_COLOUR = "#FB8C00"


def is_exterior(int_ext: str) -> bool:
    """INT/EXT and I/E count as exterior (the harder case to light)."""
    ie = int_ext.upper()
    return "EXT" in ie or ie in {"I/E", "EST"}


def strip_colour(int_ext: str, night: bool, part: str = "") -> tuple[str, str]:
    """(hex, name) of a strip; INT/EXT and I/E count as exterior; dawn and dusk have their own colours."""
    if part in SUN_WINDOW_COLOURS:
        return SUN_WINDOW_COLOURS[part]
    return STRIP_COLOURS[("EXT" if is_exterior(int_ext) else "INT", night)]


class Strip(BaseModel):
    """One scene on the stripboard."""

    scene_index: int
    scene_number: str
    heading: str
    int_ext: str = ""
    time_of_day: str = ""
    night: bool = False
    location: str = ""                  # the set, as in the heading
    site: str = ""                      # the physical place: moving between sites is a company move
    eighths: int = 1
    hours: float = 0.0                  # estimated shooting hours
    cast_ids: list[int] = Field(default_factory=list)
    colour: str = "#FFFFFF"
    colour_name: str = "white"
    synopsis: str = ""
    source_index: int | None = None     # a part of a long scene: the breakdown sheet it comes from
    day_part: str = ""                  # day, night, dawn, dusk ("" = from ``night``)

    @property
    def part(self) -> str:
        return self.day_part or ("night" if self.night else "day")

    @property
    def exterior(self) -> bool:
        return is_exterior(self.int_ext)

    @property
    def pages(self) -> str:
        return format_eighths(self.eighths)

    @property
    def sheet_index(self) -> int:
        """The breakdown sheet of this strip (a part of a split scene points at the whole scene)."""
        return self.scene_index if self.source_index is None else self.source_index


class ShootDay(BaseModel):
    """One shoot day: its strips in shooting order."""

    number: int                          # 1-based
    date: dt.date | None = None
    strips: list[Strip] = Field(default_factory=list)
    eighths: int = 0
    hours: float = 0.0                   # shooting hours incl. company-move time
    company_moves: int = 0               # site changes within the day
    week: int = 1                        # 1-based shooting week (week breaks between)
    crew_call: dt.time | None = None     # general crew call (set from the day's first light and turnaround)
    shooting_call: dt.time | None = None
    wrap: dt.datetime | None = None      # estimated wrap (may be after midnight)
    rest_hours: float | None = None      # crew rest since the previous day's wrap
    forced_calls: list[str] = Field(default_factory=list)   # turnarounds shorter than the rule, reported
    call_note: str = ""                  # why the call is when it is (night day, dawn window, turnaround)

    @property
    def pages(self) -> str:
        return format_eighths(self.eighths)

    @property
    def cast_ids(self) -> list[int]:
        return sorted({c for s in self.strips for c in s.cast_ids})

    @property
    def sites(self) -> list[str]:
        seen: list[str] = []
        for s in self.strips:
            if s.site not in seen:
                seen.append(s.site)
        return seen


class ScheduleLimits(BaseModel):
    """Day limits of the stripboard."""

    eighths_per_day: int = 44            # 5 4/8 pages
    hours_per_day: float = 12.0          # shooting hours
    company_moves_per_day: int = 2
    hours_per_page: float = 2.0          # estimate used when a strip has no hours
    company_move_hours: float = 1.0      # time lost per move
    sun_window_eighths: int = 8          # pages a dawn or dusk window holds on one day
    crew_turnaround_hours: float = 12.0  # rest between wrap and next crew call (union rules vary)
    cast_turnaround_hours: float = 12.0  # rest between an actor's wrap and next call


class ScheduleConstraints(BaseModel):
    """What the schedule must respect. Days are 1-based shoot-day numbers; scenes are 0-based indices."""

    cast_available: dict[int, list[int]] = Field(default_factory=dict)     # cast id -> the only days they can work
    cast_unavailable: dict[int, list[int]] = Field(default_factory=dict)   # cast id -> days they cannot work
    location_available: dict[str, list[int]] = Field(default_factory=dict)  # site or set -> days it can be used
    before: list[tuple[int, int]] = Field(default_factory=list)            # (a, b): shoot a no later than b
    fixed: dict[int, int] = Field(default_factory=dict)                    # scene index -> day
    days: int | None = None                                                # exact number of day slots to use


class BaselineResult(BaseModel):
    """A simple ordering scored the same way, to show what optimisation saves."""

    name: str                             # "script order", "greedy by location"
    days: int
    company_moves: int
    cast_days: int                        # sum over cast of (last - first + 1): work + holds
    day_night_flips: int
    objective: float


class Schedule(BaseModel):
    """An optimised (or baseline) stripboard schedule."""

    title: str = "Untitled"
    days: list[ShootDay] = Field(default_factory=list)
    limits: ScheduleLimits = Field(default_factory=ScheduleLimits)
    objective: float = 0.0
    lower_bound: float = 0.0               # solver's best bound on the objective
    solve_seconds: float = 0.0
    status: str = ""                       # OPTIMAL, FEASIBLE, ...
    weights: dict[str, float] = Field(default_factory=dict)
    company_moves: int = 0
    cast_days: int = 0
    day_night_flips: int = 0
    baselines: list[BaselineResult] = Field(default_factory=list)
    cast_names: dict[int, str] = Field(default_factory=dict)
    start_date: dt.date | None = None
    warnings: list[str] = Field(default_factory=list)
    moved: list[int] | None = None             # re-optimised: scene indices that left their published day
    previous_objective: float | None = None    # re-optimised: the published board's objective for these strips

    @property
    def gap(self) -> float:
        """Relative optimality gap (0 = proven optimal)."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.lower_bound) / self.objective)

    @property
    def strips(self) -> list[Strip]:
        return [s for d in self.days for s in d.strips]

    def baseline(self, name: str) -> BaselineResult:
        for b in self.baselines:
            if b.name == name:
                return b
        raise NotFoundError(f"No baseline named {name!r} in this schedule.",
                            hint="Save a baseline under that name first, or use one of: "
                                 + ", ".join(b.name for b in self.baselines) + ".")

    def day_of(self, scene_index: int) -> int:
        for d in self.days:
            if any(s.scene_index == scene_index for s in d.strips):
                return d.number
        raise NotFoundError(f"Scene {scene_index} is not on any shoot day of this schedule.",
                            hint="Use a 0-based scene index of a scheduled strip.")


# -- day out of days -----------------------------------------------------------

class DoodCode(str, Enum):
    START_WORK = "SW"
    WORK = "W"
    WORK_FINISH = "WF"
    START_WORK_FINISH = "SWF"
    HOLD = "H"
    DROP = "D"            # drop mark: printed on the last work day before a long gap ("WD", "SWD")
    PICKUP = "P"          # pickup mark: printed on the work day the actor returns ("PW", "PWF")
    TRAVEL = "T"
    REHEARSAL = "R"
    OFF = ""


WORK_CODES = {DoodCode.START_WORK, DoodCode.WORK, DoodCode.WORK_FINISH, DoodCode.START_WORK_FINISH, DoodCode.PICKUP}
#: Every printed DOOD cell that is a work day (see :meth:`DoodRow.label`).
WORK_LABELS = ("SW", "W", "WF", "SWF", "WD", "SWD", "PW", "PWF", "PWD")


class DoodRow(BaseModel):
    """One cast member across the shoot days."""

    cast_id: int
    name: str
    codes: list[DoodCode] = Field(default_factory=list)   # one per shoot day
    work: int = 0
    hold: int = 0
    travel: int = 0
    rehearsal: int = 0
    drop_pickups: int = 0
    start_day: int | None = None
    finish_day: int | None = None
    drop_days: list[int] = Field(default_factory=list)     # work days after which the actor goes off payroll
    pickup_days: list[int] = Field(default_factory=list)   # work days the actor comes back on payroll

    def label(self, day: int) -> str:
        """The cell as printed on a DOOD (1-based ``day``), the Movie Magic way.

        Drop and pickup are marks on the work days that adjoin the gap, not
        codes of their own: "WD"/"SWD" on the last day worked before the
        drop, "PW"/"PWF" on the day worked after the pickup ("PWD" when both),
        so the start/finish information of those days stays visible.
        """
        code = self.codes[day - 1].value
        if code not in {"SW", "W", "WF", "SWF"}:
            return code
        if day in self.pickup_days:
            code = "P" + code.lstrip("S")      # a pickup day is never the start day
        if day in self.drop_days:
            code = code.rstrip("F") + "D"       # nor is a drop day the finish day
        return code

    @property
    def labels(self) -> list[str]:
        """Every cell of the row as printed (see :meth:`label`)."""
        return [self.label(d) for d in range(1, len(self.codes) + 1)]

    @property
    def total(self) -> int:
        """Days on payroll: work + hold + travel + rehearsal."""
        return self.work + self.hold + self.travel + self.rehearsal


class DayOutOfDays(BaseModel):
    """Cast × shoot-day grid with the standard codes."""

    title: str = "Untitled"
    day_numbers: list[int] = Field(default_factory=list)
    dates: list[dt.date | None] = Field(default_factory=list)
    rows: list[DoodRow] = Field(default_factory=list)
    drop_after_days: int = 10

    def row(self, cast_id: int) -> DoodRow:
        for r in self.rows:
            if r.cast_id == cast_id:
                return r
        raise NotFoundError(f"No cast id {cast_id} on the cast list.", hint="Use a number from the cast list.")


# Alias the brief and downstream code use.
DOOD = DayOutOfDays
