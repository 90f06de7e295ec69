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
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from studio_kit.domain.eighths import format_eighths, parse_eighths  # noqa: F401 - re-exported


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
    def info(self) -> "CategoryInfo":
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

    @property
    def colour(self) -> str:
        return self.category.colour

    @property
    def uci(self) -> int:
        return self.category.uci


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

    @property
    def is_night(self) -> bool:
        return self.time_of_day.upper() in {"NIGHT", "DUSK", "EVENING", "LATE NIGHT", "MIDNIGHT"}

    @property
    def is_exterior(self) -> bool:
        return self.int_ext.upper().startswith("EXT")

    def tags_in(self, category: BreakdownCategory) -> list[Tag]:
        return [t for t in self.tags if t.category == category]

    @property
    def cast_ids(self) -> list[int]:
        return sorted({t.cast_id for t in self.tags if t.category == BreakdownCategory.CAST and t.cast_id is not None})

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
        raise KeyError(scene_index)

    def cast_member(self, cast_id: int) -> CastMember:
        for c in self.cast:
            if c.id == cast_id:
                return c
        raise KeyError(cast_id)

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


# -- stripboard --------------------------------------------------------------

#: Strip colours (STANDARDS.md): day int white, day ext yellow, night int blue,
#: night ext green; day break black, week break orange.
STRIP_COLOURS = {
    ("INT", False): ("#FFFFFF", "white"),
    ("EXT", False): ("#FFF176", "yellow"),
    ("INT", True): ("#64B5F6", "blue"),
    ("EXT", True): ("#81C784", "green"),
}
DAY_BREAK_COLOUR = "#000000"
WEEK_BREAK_COLOUR = "#FB8C00"


def strip_colour(int_ext: str, night: bool) -> tuple[str, str]:
    """(hex, name) of a strip; INT/EXT and I/E count as exterior (the harder case to light)."""
    ie = int_ext.upper()
    key = "EXT" if ("EXT" in ie or ie in {"I/E", "EST"}) else "INT"
    return STRIP_COLOURS[(key, night)]


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
        raise KeyError(name)

    def day_of(self, scene_index: int) -> int:
        for d in self.days:
            if any(s.scene_index == scene_index for s in d.strips):
                return d.number
        raise KeyError(scene_index)


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
        raise KeyError(cast_id)


# Alias the brief and downstream code use.
DOOD = DayOutOfDays
