"""Budget derived from the breakdown and the schedule.

The facts a line producer reads off the boards before pricing anything:

* **cast days** from the day-out-of-days: work + hold + travel days per cast
  member, tiered like a cast list (1–2 leads; more than
  ``day_player_max_days`` work days supporting; the rest day players);
* **locations** from the strips: per distinct site, the shoot days spent there;
* **background** person-days: per shoot day, each distinct extras element of
  that day's scenes at its head count (or the rate card's heads per tag);
* **shoot days** from the schedule (the SHOOT_DAYS global);
* **AI generation** quantities: scenes (× shots per scene, unless a shot count
  is passed), dialogue words (from the script when given), runtime (pages).

:func:`derive_budget` feeds them to the preset builder, which adds crew weeks,
equipment and post from the preset.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from studio_kit.domain.budget import Budget
from studio_kit.domain.preproduction import (
    WORK_CODES, Breakdown, BreakdownCategory, DayOutOfDays, Schedule,
)
from studio_kit.domain.script import Script
from studio_kit.engines.preproduction.budget import load_budget_data, resolve_preset, to_decimal
from studio_kit.engines.preproduction.budget_presets import (
    CastBooking, LocationBooking, ProductionFacts, build_budget,
)
from studio_kit.exceptions import BudgetError

EXTRAS = (BreakdownCategory.EXTRAS_SILENT, BreakdownCategory.EXTRAS_ATMOSPHERE)


def cast_tier(cast_id: int, work_days: int, day_player_max_days: int = 2) -> str:
    """lead for cast numbers 1–2; day_player when hired for at most ``day_player_max_days``; else supporting."""
    if cast_id <= 2:
        return "lead"
    return "day_player" if work_days <= day_player_max_days else "supporting"


def dood_from_schedule(schedule: Schedule, drop_after_days: int = 10) -> DayOutOfDays:
    """The schedule's day-out-of-days (the DOOD engine's, with its drop/pickup rule)."""
    from studio_kit.engines.preproduction.dood import day_out_of_days

    return day_out_of_days(schedule, drop_after=drop_after_days)


def dialogue_words(script: Script) -> int:
    """Spoken words in the script (dialogue lines only, not parentheticals)."""
    return sum(len(block.text.split()) for scene in script.scenes for block in scene.dialogue)


def derive_facts(breakdown: Breakdown, schedule: Schedule, *, dood: DayOutOfDays | None = None,
                 script: Script | None = None, shots: int | None = None, level: str = "medium",
                 data: Mapping[str, Any] | None = None) -> ProductionFacts:
    """Production facts (cast days, locations, background, shoot days, AI quantities) from the boards."""
    if not schedule.days:
        raise BudgetError("The schedule has no shoot days, so there is nothing to budget",
                          hint="Schedule the breakdown first (`studio schedule SCRIPT`).")
    data = data if data is not None else load_budget_data()
    dood = dood or dood_from_schedule(schedule)
    max_dp = int(data.get("day_player_max_days", 2))
    names = {m.id: m.name for m in breakdown.cast} | dict(schedule.cast_names)
    cast = []
    for row in dood.rows:
        work = row.work or sum(1 for c in row.codes if c in WORK_CODES)
        cast.append(CastBooking(name=names.get(row.cast_id, row.name), number=row.cast_id,
                                tier=cast_tier(row.cast_id, work, max_dp), work_days=work,
                                hold_days=row.hold, travel_days=row.travel))

    site_days: dict[str, int] = {}
    for day in schedule.days:
        for site in day.sites:
            label = site or "Unnamed location"
            site_days[label] = site_days.get(label, 0) + 1
    locations = [LocationBooking(name=k, days=v) for k, v in site_days.items()]

    heads_per_tag = int(to_decimal(data["extras_per_tag"].get(level, 10) if isinstance(data["extras_per_tag"], Mapping)
                                   else data["extras_per_tag"], "extras_per_tag"))
    sheets = {s.scene_index: s for s in breakdown.sheets}
    extras = 0
    for day in schedule.days:
        groups: dict[str, int] = {}
        for strip in day.strips:
            sheet = sheets.get(strip.sheet_index)
            for tag in (t for t in (sheet.tags if sheet else []) if t.category in EXTRAS):
                groups[tag.element_id] = max(groups.get(tag.element_id, 0), tag.count or heads_per_tag)
        extras += sum(groups.values())

    eighths = sum(s.eighths for s in breakdown.sheets) or sum(s.eighths for s in schedule.strips)
    runtime = (Decimal(eighths) / 8).quantize(Decimal("0.1"))
    notes = []
    if script is not None:
        words = dialogue_words(script)
    else:
        wpm = to_decimal(data.get("words_per_minute", 150), "words_per_minute")
        words = int(runtime * wpm / 2)
        notes.append("dialogue words estimated as half the runtime at speaking pace (no script passed)")
    return ProductionFacts(
        shoot_days=len(schedule.days), cast=cast, locations=locations, extras_person_days=extras,
        scenes=len(breakdown.sheets), shots=shots, dialogue_words=words, runtime_minutes=runtime,
        source=f"breakdown of {len(breakdown.sheets)} scenes and a {len(schedule.days)}-day schedule", notes=notes)


def derive_budget(breakdown: Breakdown, schedule: Schedule, preset: str = "indie-feature-medium", *,
                  dood: DayOutOfDays | None = None, script: Script | None = None, shots: int | None = None,
                  contingency_percent: Decimal | float | int | str | None = None,
                  override: Any = None, data: Mapping[str, Any] | None = None, title: str | None = None) -> Budget:
    """The budget of a scheduled breakdown, priced with ``preset``.

    ``override`` is a project YAML path (or dict) deep-merged over the package
    rate cards; ``data`` an already merged :func:`load_budget_data` result.
    """
    data = data if data is not None else load_budget_data(override)
    name = resolve_preset(preset, data)
    level = str(data["presets"][name].get("level", "medium"))
    facts = derive_facts(breakdown, schedule, dood=dood, script=script, shots=shots, level=level, data=data)
    return build_budget(name, facts, contingency_percent=contingency_percent, data=data,
                        title=title or breakdown.title or schedule.title)
