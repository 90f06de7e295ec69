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

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from studio_kit.domain.budget import Budget
from studio_kit.domain.preproduction import (
    WORK_CODES,
    Breakdown,
    BreakdownCategory,
    DayOutOfDays,
    Schedule,
)
from studio_kit.domain.script import Script
from studio_kit.engines.preproduction import tagging
from studio_kit.engines.preproduction.budget import load_budget_data, resolve_preset, to_decimal
from studio_kit.engines.preproduction.budget_presets import (
    CastBooking,
    ElementLine,
    LocationBooking,
    ProductionFacts,
    build_budget,
)
from studio_kit.engines.preproduction.dood import day_out_of_days
from studio_kit.engines.preproduction.stripboard import site_of
from studio_kit.exceptions import BudgetError

EXTRAS = (BreakdownCategory.EXTRAS_SILENT, BreakdownCategory.EXTRAS_ATMOSPHERE)


def cast_tier(cast_id: int, work_days: int, day_player_max_days: int = 2) -> str:
    """lead for cast numbers 1–2; day_player when hired for at most ``day_player_max_days``; else supporting."""
    if cast_id <= 2:
        return "lead"
    return "day_player" if work_days <= day_player_max_days else "supporting"


def dood_from_schedule(schedule: Schedule, drop_after_days: int = 10) -> DayOutOfDays:
    """The schedule's day-out-of-days (the DOOD engine's, with its drop/pickup rule)."""
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
    kinds = {m.id: m.kind for m in breakdown.cast}
    cast = []
    for row in dood.rows:
        work = row.work or sum(1 for c in row.codes if c in WORK_CODES)
        worked = [d.number for d in schedule.days if row.cast_id in d.cast_ids]
        cast.append(CastBooking(name=names.get(row.cast_id, row.name), number=row.cast_id,
                                tier=cast_tier(row.cast_id, work, max_dp), work_days=work,
                                hold_days=row.hold, travel_days=row.travel, kind=kinds.get(row.cast_id, "on-camera"),
                                days=worked))
    for m in breakdown.cast:       # a voice-only part is never on a shoot day, but it is booked
        if m.kind == "voice" and not any(c.number == m.id for c in cast):
            cast.append(CastBooking(name=m.name, number=m.id, tier=cast_tier(m.id, 1, max_dp), kind="voice"))

    built = built_sets(breakdown)
    site_days: dict[str, int] = {}
    for day in schedule.days:
        for site in day.sites:
            if site in built:
                continue          # a stage, priced with the built set
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
        source=f"breakdown of {len(breakdown.sheets)} scenes and a {len(schedule.days)}-day schedule", notes=notes,
        element_lines=element_lines(breakdown, schedule, data, level))


def built_sets(breakdown: Breakdown) -> set[str]:
    """Sites no location can be: an interior inside an object ("INT. TRAFFIC LIGHT HORIZONTAL BEAM") is
    built on a stage. Vehicles are not (a car or a ferry interior is shot for real or on a process rig)."""
    objects = [lex for lex in tagging.lexicons()
               if lex.category in (BreakdownCategory.PROPS, BreakdownCategory.SET_DRESSING,
                                   BreakdownCategory.SPECIAL_EQUIPMENT)]
    things = {t.name.lower() for s in breakdown.sheets for t in s.tags if not t.needs_review and t.category in (
        BreakdownCategory.PROPS, BreakdownCategory.SET_DRESSING, BreakdownCategory.SPECIAL_EQUIPMENT)}
    out = set()
    for sheet in breakdown.sheets:
        if sheet.is_exterior or not sheet.location:
            continue
        site = site_of(sheet.location)
        if any(lex.search(site.lower()) for lex in objects) or any(
                f" {t} " in f" {site.lower()} " for t in things if len(t) > 3):
            out.add(site)       # the inside of a thing the script shows elsewhere ("a red traffic light")
    return out


#: VFX complexity by how the tag was found (tagging rules' notes) or its name
_COMPLEX = ("CG CHARACTER", "TALKING", "transformation", "a talking animal", "a CG character")
_SIMPLE = ("screen content", "VANISH", "SCREEN")


def _vfx_complexity(tag) -> str:
    text = f"{tag.name} {tag.note}"
    if any(k in text for k in _COMPLEX):
        return "complex"
    if any(k in text for k in _SIMPLE):
        return "simple"
    return "medium"


def _days_text(days: list[int], schedule: Schedule) -> str:
    dates = {d.number: d.date for d in schedule.days}
    return ", ".join(f"{n}" + (f" ({dates[n]:%a %d %b})" if dates.get(n) else "") for n in sorted(days))


def element_lines(breakdown: Breakdown, schedule: Schedule, data: Mapping[str, Any], level: str) -> list[ElementLine]:
    """Lines for what the breakdown tagged, on the days the schedule shoots it: animals and wranglers,
    VFX shots by complexity, stunt coordinator/performers/rigging, special effects, picture vehicles and
    background traffic, practicals, screen graphics, and stage + construction for built sets. Each line's
    note cites its elements (with scene numbers) and shoot days. Tags waiting for review are not priced."""
    sheets = {s.scene_index: s for s in breakdown.sheets}
    day_of: dict[int, set[int]] = {}
    for d in schedule.days:
        for strip in d.strips:
            day_of.setdefault(strip.sheet_index, set()).add(d.number)
    elements = _priced_elements(sheets, day_of)
    return (_animal_lines(elements, breakdown, sheets, day_of, schedule, data)
            + _vfx_lines(elements, schedule, data)
            + _stunt_lines(elements, schedule)
            + _sfx_lines(elements, schedule)
            + _vehicle_lines(elements, schedule)
            + _practical_lines(elements, schedule)
            + _built_set_lines(breakdown, day_of, schedule, data, level))


def _priced_elements(sheets: Mapping[int, Any], day_of: Mapping[int, set[int]]) -> dict[str, dict[str, Any]]:
    """Element id -> its category, name, count, scene numbers, shoot days and tags (reviewed tags only)."""
    elements: dict[str, dict[str, Any]] = {}
    for idx, sheet in sheets.items():
        for tag in sheet.tags:
            if tag.needs_review:
                continue
            e = elements.setdefault(tag.element_id, {"cat": tag.category, "name": tag.name, "count": 0, "scenes": [],
                                                     "days": set(), "tags": []})
            e["count"] = max(e["count"], tag.count or 1)
            e["scenes"].append(sheet.scene_number)
            e["days"] |= day_of.get(idx, set())
            e["tags"].append(tag)
    return elements


def _cite(e: Mapping[str, Any], schedule: Schedule) -> str:
    return f"{e['name']} (sc. {', '.join(e['scenes'])}); shoot days {_days_text(sorted(e['days']), schedule)}"


def _shot(elements: Mapping[str, dict[str, Any]], category: BreakdownCategory) -> list[dict[str, Any]]:
    """The elements of ``category`` that shoot on at least one day."""
    return [e for e in elements.values() if e["cat"] == category and e["days"]]


def _animal_lines(elements: Mapping[str, dict[str, Any]], breakdown: Breakdown, sheets: Mapping[int, Any],
                  day_of: Mapping[int, set[int]], schedule: Schedule, data: Mapping[str, Any]) -> list[ElementLine]:
    """Tagged animals, animal parts of the cast, their voice sessions and the wranglers they need."""
    C = BreakdownCategory
    out: list[ElementLine] = []
    animal_days: dict[int, int] = {}
    for e in _shot(elements, C.ANIMALS):
        heads = e["count"]
        out.append(ElementLine(account="animals", description=f"Animal: {e['name']}" + (f" ×{heads}" if heads > 1 else ""),
                               amount=Decimal(heads), units=Decimal(len(e["days"])), rate_key="animal_day",
                               note=_cite(e, schedule)))
        for d in e["days"]:
            animal_days[d] = animal_days.get(d, 0) + heads
    with_animals = {i for i, sh in sheets.items() if any(t.category == C.ANIMALS and not t.needs_review for t in sh.tags)}
    for m in breakdown.cast:
        if m.kind == "animal":     # one of the tagged animals where the scene has them, else an animal of its own
            days = sorted({d for i in m.scene_indices if i not in with_animals for d in day_of.get(i, set())})
            if days:
                out.append(ElementLine(account="animals", description=f"Animal performer: {m.id}. {m.name}",
                                       units=Decimal(len(days)), rate_key="animal_day",
                                       note=f"cast #{m.id} {m.name}, an animal part; shoot days {_days_text(days, schedule)}"))
                for d in days:
                    animal_days[d] = animal_days.get(d, 0) + 1
        if m.kind == "animal" and "voice session" in m.needs or m.kind == "cg" and "voice session" in m.needs:
            out.append(ElementLine(account="voice", description=f"{m.id}. {m.name} (voice artist, studio session)",
                                   rate_key="voice_session", unit_label="sessions", labour=True, fringes="cast",
                                   note=f"the voice of a {'talking animal' if m.kind == 'animal' else 'CG character'}"))
    if animal_days:
        per = int(data.get("animals_per_wrangler", 5)) or 5
        wrangler_days = sum(-(-n // per) for n in animal_days.values())
        out.append(ElementLine(account="animals", description="Animal trainers / wranglers", units=Decimal(wrangler_days),
                               rate_key="wrangler_day", labour=True, fringes="payroll",
                               note=f"one per {per} animals on shoot days {_days_text(sorted(animal_days), schedule)}"))
    return out


def _vfx_lines(elements: Mapping[str, dict[str, Any]], schedule: Schedule, data: Mapping[str, Any]) -> list[ElementLine]:
    """VFX shots by complexity."""
    shots_per = data.get("vfx_shots_per_effect", {"simple": 2, "medium": 2, "complex": 3})
    out: list[ElementLine] = []
    for e in (e for e in elements.values() if e["cat"] == BreakdownCategory.VFX):
        tier = _vfx_complexity(e["tags"][0])
        shots = int(shots_per.get(tier, 2)) * len(e["scenes"])
        out.append(ElementLine(account="vfx", description=f"VFX ({tier}): {e['name']}", amount=Decimal(shots),
                               unit_label="shots", rate_key="vfx_shot", rate_tier=tier,
                               note=f"{shots_per.get(tier, 2)} shots × {len(e['scenes'])} scene(s): {_cite(e, schedule)}"))
    return out


def _stunt_lines(elements: Mapping[str, dict[str, Any]], schedule: Schedule) -> list[ElementLine]:
    """Stunt coordinator, performers (one per stunt per day) and rigging."""
    stunt = _shot(elements, BreakdownCategory.STUNTS)
    if not stunt:
        return []
    days = sorted(set().union(*(e["days"] for e in stunt)))
    names = "; ".join(_cite(e, schedule) for e in stunt)
    performer_days = sum(len(e["days"]) for e in stunt)
    return [ElementLine(account="stunts", description="Stunt coordinator", units=Decimal(len(days)),
                        rate_key="stunt_coordinator_day", labour=True, fringes="cast",
                        note=f"stunt days {_days_text(days, schedule)}: {names}"),
            ElementLine(account="stunts", description="Stunt performers (doubles)", units=Decimal(performer_days),
                        rate_key="stunt_performer_day", labour=True, fringes="cast",
                        note=f"one performer per stunt per day: {names}"),
            ElementLine(account="stunts", description="Stunt rigging, pads and safety", units=Decimal(len(days)),
                        rate_key="stunt_rigging_day", note=f"stunt days {_days_text(days, schedule)}")]


def _sfx_lines(elements: Mapping[str, dict[str, Any]], schedule: Schedule) -> list[ElementLine]:
    """Each special effect on its days, and the SFX supervisor on all of them."""
    sfx = _shot(elements, BreakdownCategory.SPECIAL_EFFECTS)
    out = [ElementLine(account="sfx", description=f"Special effect: {e['name']}", units=Decimal(len(e["days"])),
                       rate_key="sfx_effect_day", note=_cite(e, schedule)) for e in sfx]
    if sfx:
        days = sorted(set().union(*(e["days"] for e in sfx)))
        out.append(ElementLine(account="sfx", description="SFX supervisor", units=Decimal(len(days)),
                               rate_key="sfx_supervisor_day", labour=True, fringes="payroll",
                               note=f"effect days {_days_text(days, schedule)}"))
    return out


def _vehicle_lines(elements: Mapping[str, dict[str, Any]], schedule: Schedule) -> list[ElementLine]:
    """Picture vehicles, and background traffic."""
    out: list[ElementLine] = []
    for e in _shot(elements, BreakdownCategory.VEHICLES):
        if "TRAFFIC" in e["name"].upper():
            out.append(ElementLine(account="vehicles", description="Background traffic (cars, drivers or traffic control)",
                                   units=Decimal(len(e["days"])), rate_key="background_traffic_day",
                                   note=_cite(e, schedule)))
        else:
            heads = e["count"]
            out.append(ElementLine(account="vehicles", description=f"Picture vehicle: {e['name']}"
                                   + (f" ×{heads}" if heads > 1 else ""), amount=Decimal(heads),
                                   units=Decimal(len(e["days"])), rate_key="picture_vehicle_day",
                                   note=_cite(e, schedule)))
    return out


def _practical_lines(elements: Mapping[str, dict[str, Any]], schedule: Schedule) -> list[ElementLine]:
    """Practicals and screen graphics: set dressing whose tag notes a practical."""
    return [ElementLine(account="practicals", description=f"Practical rig: {e['name']}",
                        units=Decimal(len(e["days"])), rate_key="practical_rig_day", note=_cite(e, schedule))
            for e in _shot(elements, BreakdownCategory.SET_DRESSING)
            if any("practical" in t.note for t in e["tags"])]


def _built_set_lines(breakdown: Breakdown, day_of: Mapping[int, set[int]], schedule: Schedule,
                     data: Mapping[str, Any], level: str) -> list[ElementLine]:
    """Built sets: stage days (shoot + build/strike) and construction."""
    build = int(to_decimal(data.get("stage_build_strike_days", {}).get(level, 4)
                           if isinstance(data.get("stage_build_strike_days"), Mapping)
                           else data.get("stage_build_strike_days", 4), "stage_build_strike_days"))
    out: list[ElementLine] = []
    for site in sorted(built_sets(breakdown)):
        scenes = [s for s in breakdown.sheets if not s.is_exterior and s.location and
                  __import__("studio_kit.engines.preproduction.stripboard", fromlist=["site_of"]).site_of(s.location) == site]
        days = sorted({d for s in scenes for d in day_of.get(s.scene_index, set())})
        if not days:
            continue
        where = f"sc. {', '.join(s.scene_number for s in scenes)}; shoot days {_days_text(days, schedule)}"
        out += [ElementLine(account="stage", description=f"Stage rental: {site}", units=Decimal(len(days) + build),
                            rate_key="stage_day", note=f"built set ({where}) + {build} build/strike days"),
                ElementLine(account="construction", description=f"Set construction: {site}", unit_label="allow",
                            rate_key="set_construction", note=f"a set no location can be: {where}")]
    return out


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
