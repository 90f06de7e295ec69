"""Build a :class:`~studio_kit.domain.budget.Budget` from a preset and production facts.

A preset (``data/budget/presets.yaml``) gives the fixed lines of a production
of its scale, priced at its level from the rate card. The facts — shoot days,
cast days, locations, extras, scenes, dialogue, runtime — come from the
breakdown and schedule (``budget_derive``) or, without a script, from the
preset's ``defaults``. The builder turns the facts into the derived lines:
cast (DOOD days × tier day rate), background, locations, catering and the AI
generation lines priced from the usage rate card.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from studio_kit.domain.budget import Account, Budget, DetailLine, Fringe, TopSheetGroup
from studio_kit.engines.preproduction.budget import (
    evaluate_formula,
    load_budget_data,
    make_globals,
    resolve_preset,
    to_decimal,
)
from studio_kit.exceptions import BudgetError

CAST_TIERS = ("lead", "supporting", "day_player")
TIER_LABELS = {"lead": "lead", "supporting": "supporting", "day_player": "day player"}
GLOBAL_DESCRIPTIONS = {
    "SHOOT_DAYS": "Shoot days (from the schedule)",
    "PREP_WEEKS": "Prep weeks before the shoot",
    "WRAP_WEEKS": "Wrap weeks after the shoot",
    "POST_WEEKS": "Post-production weeks (editorial)",
    "DAYS_PER_WEEK": "Shoot days per week",
    "SHOOT_WEEKS": "Shoot weeks = shoot days / days per week",
}


class CastBooking(BaseModel):
    """One performer's paid days, from the day-out-of-days."""

    name: str
    number: int | None = None           # cast-list number
    tier: str = "supporting"            # lead, supporting, day_player
    work_days: int = 0
    hold_days: int = 0
    travel_days: int = 0
    kind: str = "on-camera"             # on-camera, voice, animal, cg, graphic (characters.cast.part_kind)
    days: list[int] = Field(default_factory=list)   # shoot days worked (cited on the line)

    @property
    def paid_days(self) -> int:
        return self.work_days + self.hold_days + self.travel_days


class LocationBooking(BaseModel):
    """A distinct location and the shoot days spent there."""

    name: str
    days: int


class ElementLine(BaseModel):
    """A line priced from breakdown elements on scheduled days (animals, VFX, stunts, SFX, vehicles, stages).

    ``account`` is a ``derived_accounts`` key; ``rate_key`` a rate card entry (picked at the preset's
    level, ``rate_tier`` selecting a sub-table such as VFX complexity); ``note`` cites the elements and days.
    """

    account: str
    description: str
    amount: Decimal = Decimal(1)
    units: Decimal = Decimal(1)
    unit_label: str = "days"
    rate_key: str
    rate_tier: str | None = None
    labour: bool = False
    fringes: str | None = None          # fringe set name (cast, crew, payroll) for labour lines
    note: str = ""


class ProductionFacts(BaseModel):
    """What the budget needs to know about the production; ``None`` = use the preset default."""

    shoot_days: int | None = None
    prep_weeks: Decimal | None = None
    wrap_weeks: Decimal | None = None
    cast: list[CastBooking] | None = None
    locations: list[LocationBooking] | None = None
    extras_person_days: int | None = None      # background performer-days over the shoot
    scenes: int | None = None
    shots: int | None = None                   # finished shots; default scenes × shots_per_scene
    dialogue_words: int | None = None
    runtime_minutes: Decimal | None = None     # one page ≈ one minute
    source: str = "preset defaults"
    notes: list[str] = Field(default_factory=list)
    element_lines: list[ElementLine] = Field(default_factory=list)


def _pick(value: Any, level: str, what: str) -> Any:
    """A preset number that may vary by level ({low: .., medium: .., high: ..})."""
    if isinstance(value, Mapping) and level in value:
        return value[level]
    if isinstance(value, Mapping):
        raise BudgetError(f"{what} has no value for level {level!r}", hint="Give low, medium and high values.")
    return value


def _rate(value: Any, level: str, data: Mapping[str, Any], what: str) -> Decimal:
    value = _pick(value, level, what)
    if isinstance(value, str) and value.startswith("rate:"):
        key = value[5:]
        if key not in data:
            raise BudgetError(f"{what} refers to unknown rate card entry {key!r}",
                              hint="Add it to rate_cards.yaml or the project override.")
        return to_decimal(_pick(data[key], level, key), key)
    return to_decimal(value, what)


def _fringe_codes(spec: Any, level: str, data: Mapping[str, Any]) -> list[str]:
    if not spec:
        return []
    if isinstance(spec, str):
        sets = data.get("fringe_sets", {})
        if spec not in sets:
            raise BudgetError(f"Unknown fringe set {spec!r}", hint=f"Known sets: {', '.join(sets)}.")
        spec = _pick(sets[spec], level, f"fringe set {spec}")
    return [str(c) for c in spec]


def preset_facts(preset: Mapping[str, Any]) -> ProductionFacts:
    """Facts a preset assumes when there is no script (``defaults`` in presets.yaml)."""
    d = preset.get("defaults", {})
    cast: list[CastBooking] = []
    for tier in CAST_TIERS:
        people, days = d.get("cast", {}).get(tier, [0, 0])
        for i in range(int(people)):
            cast.append(CastBooking(name=f"{TIER_LABELS[tier].capitalize()} {i + 1}", tier=tier, work_days=int(days)))
    count, days = d.get("locations", [1, 1])
    return ProductionFacts(
        shoot_days=int(preset["globals"]["SHOOT_DAYS"]),
        cast=[c.model_copy(update={"number": n + 1}) for n, c in enumerate(cast)],
        locations=[LocationBooking(name=f"Location {i + 1}", days=int(days)) for i in range(int(count))],
        extras_person_days=int(d.get("extras_days", 0)),
        scenes=int(d.get("scenes", 1)),
        dialogue_words=int(d.get("dialogue_words", 0)),
        runtime_minutes=to_decimal(d.get("runtime_minutes", 1), "runtime_minutes"),
    )


def _merge_facts(facts: ProductionFacts | None, defaults: ProductionFacts) -> ProductionFacts:
    if facts is None:
        return defaults
    filled = {k: (v if v is not None else getattr(defaults, k)) for k, v in facts.model_dump().items()}
    filled["cast"] = facts.cast if facts.cast is not None else defaults.cast
    filled["locations"] = facts.locations if facts.locations is not None else defaults.locations
    return ProductionFacts(**filled)


def build_budget(preset: str = "indie-feature-medium", facts: ProductionFacts | None = None, *,
                 contingency_percent: Decimal | float | int | str | None = None,
                 data: Mapping[str, Any] | None = None, title: str | None = None) -> Budget:
    """The full budget for ``preset`` and ``facts`` (``None`` fields fall back to the preset defaults).

    ``data`` is the merged YAML from :func:`load_budget_data` (pass it to use a
    project override). ``contingency_percent`` overrides the preset's.
    """
    data = data if data is not None else load_budget_data()
    name = resolve_preset(preset, data)
    spec = data["presets"][name]
    level = str(spec.get("level", "medium"))
    scale = data.get("scales", {}).get(spec.get("scale"))
    if scale is None:
        raise BudgetError(f"Preset {name} names unknown scale {spec.get('scale')!r}",
                          hint=f"Known scales: {', '.join(data.get('scales', {}))}.")
    facts = _merge_facts(facts, preset_facts(spec))

    globals_ = _budget_globals(spec, facts, data)
    gvals = {k: g.value for k, g in globals_.items()}
    accounts = _chart_of_accounts(data)

    def add(code: str, line: DetailLine) -> None:
        if code not in accounts:
            raise BudgetError(f"Line {line.description!r} names unknown account {code}",
                              hint="Add the account to chart_of_accounts.yaml or fix the code.")
        accounts[code].lines.append(line)

    crew_heads = _add_scale_lines(add, scale, name, level, data, gvals, accounts)

    derived = data.get("derived_accounts", {})
    _add_derived_lines(add, derived, facts, level, data, gvals, crew_heads,
                       weekly_deals="feature" in str(spec.get("scale", "")))

    fringe_table = {code: Fringe(code=code, name=f.get("name", code), percent=to_decimal(f["percent"], f"fringe {code}"),
                                 cutoff=None if f.get("cutoff") is None else to_decimal(f["cutoff"], f"cutoff {code}"),
                                 note=f.get("note", ""))
                    for code, f in data.get("fringes", {}).items()}
    pct = spec.get("contingency_percent", 10) if contingency_percent is None else contingency_percent
    pct = to_decimal(pct, "contingency percent")
    if not Decimal(0) <= pct <= Decimal(100):
        raise BudgetError(f"Contingency {pct}% is out of range", hint="Use a percentage between 0 and 100, usually 10.")
    contingency_code = str(derived.get("contingency", ""))
    budget = Budget(title=title or name, preset=name,
                    accounts=[a for c, a in accounts.items() if a.lines and c != contingency_code],
                    contingency_code=contingency_code or "5900",
                    fringes=fringe_table, globals=globals_, contingency_percent=pct,
                    notes=[str(spec.get("description", name)), f"Facts: {facts.source}"] + facts.notes)
    for line in (ln for a in budget.accounts for ln in a.lines):
        for code in line.fringes:
            if code not in fringe_table:
                raise BudgetError(f"Line {line.description!r} uses unknown fringe {code}",
                                  hint=f"Known fringes: {', '.join(fringe_table)}.")
    return budget


def _budget_globals(spec: Mapping[str, Any], facts: ProductionFacts, data: Mapping[str, Any]) -> dict[str, Any]:
    """The budget's globals: the preset's, the facts' shoot days and prep/wrap weeks over them, then the
    derived globals; at least one shoot day."""
    gdefs: dict[str, Any] = dict(spec.get("globals", {}))
    if facts.shoot_days is not None:
        gdefs["SHOOT_DAYS"] = facts.shoot_days
    if facts.prep_weeks is not None:
        gdefs["PREP_WEEKS"] = facts.prep_weeks
    if facts.wrap_weeks is not None:
        gdefs["WRAP_WEEKS"] = facts.wrap_weeks
    gdefs.update(data.get("derived_globals", {}))
    if to_decimal(gdefs.get("SHOOT_DAYS", 0), "SHOOT_DAYS") <= 0:
        raise BudgetError("A budget needs at least one shoot day", hint="Check the schedule or the preset's SHOOT_DAYS.")
    return make_globals(gdefs, GLOBAL_DESCRIPTIONS)


def _chart_of_accounts(data: Mapping[str, Any]) -> dict[str, Account]:
    """Empty accounts (code -> Account) from the chart of accounts, each in a top-sheet group."""
    accounts: dict[str, Account] = {}
    for code, acc in data.get("accounts", {}).items():
        try:
            group = TopSheetGroup(acc["group"])
        except (KeyError, ValueError):
            raise BudgetError(f"Account {code} has no valid group (atl, btl, post, other): {acc!r}") from None
        accounts[str(code)] = Account(code=str(code), name=str(acc["name"]), group=group)
    return accounts


def _add_scale_lines(add, scale: Mapping[str, Any], name: str, level: str, data: Mapping[str, Any],
                     gvals: Mapping[str, Any], accounts: Mapping[str, Account]) -> int:
    """Add the scale's template lines (crew weeks at the crew rate card, or priced items); returns the
    below-the-line crew heads (on set and fed by catering)."""
    def units_of(value: Any, what: str) -> tuple[Decimal, str | None]:
        value = _pick(value, level, what)
        if isinstance(value, str) and not value.replace(".", "", 1).isdigit():
            return evaluate_formula(value, gvals), value
        return to_decimal(value, what), None

    crew_heads = 0
    for i, tpl in enumerate(scale.get("lines", [])):
        what = f"{name} line {i + 1}"
        amount = to_decimal(_pick(tpl.get("amount", 1), level, what), what)
        if amount == 0:
            continue
        units, formula = units_of(tpl.get("units", 1), what)
        if "crew" in tpl:
            crew = data.get("crew_week", {}).get(tpl["crew"])
            if crew is None:
                raise BudgetError(f"{what} names unknown crew position {tpl['crew']!r}", hint="Add it under crew_week.")
            desc, rate = crew.get("title", tpl["crew"]), to_decimal(_pick(crew, level, tpl["crew"]), tpl["crew"])
            fringes, labour, label = _fringe_codes(tpl.get("fringes", "crew"), level, data), True, "weeks"
            if accounts.get(str(tpl["code"])) and accounts[str(tpl["code"])].group == TopSheetGroup.BELOW_THE_LINE:
                crew_heads += int(amount)       # on set and fed by catering; editors are not
        else:
            desc, rate = tpl["description"], _rate(tpl.get("rate", 0), level, data, what)
            labour, label = bool(tpl.get("labour", False)), tpl.get("unit_label", "allow")
            fringes = _fringe_codes(tpl.get("fringes"), level, data)
        add(str(tpl["code"]), DetailLine(
            description=desc, amount=amount, units=units, units_formula=formula, unit_label=label, rate=rate,
            multiplier=to_decimal(_pick(tpl.get("multiplier", 1), level, what), what),
            fringes=fringes, labour=labour))
    return crew_heads


def _add_derived_lines(add, derived: Mapping[str, str], facts: ProductionFacts, level: str,
                       data: Mapping[str, Any], gvals: Mapping[str, Decimal], crew_heads: int,
                       weekly_deals: bool = False) -> None:
    """Cast, background, locations, catering, tagged elements and AI generation lines from the facts.

    On a feature, leads (and anyone working a full week) are on weekly deals; day players by the day.
    Parts no actor plays on camera are not cast days: a voice part is a recording session, an animal
    part is priced with the animals, a CG part with the VFX shots.
    """
    cast_fringes = _fringe_codes("cast", level, data)
    payroll = _fringe_codes("payroll", level, data)
    for c in facts.cast or []:
        if c.paid_days <= 0 and c.kind != "voice":
            continue
        if c.tier not in CAST_TIERS:
            raise BudgetError(f"Cast member {c.name} has unknown tier {c.tier!r}", hint=f"Use one of {CAST_TIERS}.")
        label = f"{c.number}. {c.name}" if c.number is not None else c.name
        days = f"; shoot days {', '.join(map(str, c.days))}" if c.days else ""
        if c.kind == "voice":
            add(derived.get("voice", derived["cast"]), DetailLine(
                description=f"{label} (voice artist, studio session)", units=Decimal(1), unit_label="sessions",
                rate=to_decimal(_pick(data["voice_session"], level, "voice_session"), "voice_session"),
                fringes=cast_fringes, labour=True, note="voice-only part: no on-camera days, no makeup"))
            continue
        if c.kind != "on-camera":
            continue          # animals, CG characters, screen graphics: priced from their elements
        weekly = weekly_deals and c.tier in data.get("cast_week", {}) and c.paid_days >= 5   # a week's work or more
        if weekly:
            weeks = (Decimal(c.paid_days) / 5).quantize(Decimal("0.01"))
            add(derived["cast"], DetailLine(
                description=f"{label} ({TIER_LABELS[c.tier]}, weekly deal)", units=weeks, unit_label="weeks",
                rate=to_decimal(_pick(data["cast_week"][c.tier], level, "cast_week"), "cast_week"),
                fringes=cast_fringes, labour=True,
                note=f"DOOD: {c.work_days} work, {c.hold_days} hold, {c.travel_days} travel = {c.paid_days} days "
                     f"= {weeks} weeks{days}"))
            continue
        add(derived["cast"], DetailLine(
            description=f"{label} ({TIER_LABELS[c.tier]})", amount=Decimal(1), units=Decimal(c.paid_days),
            unit_label="days", rate=to_decimal(_pick(data["cast_day"][c.tier], level, "cast_day"), "cast_day"),
            fringes=cast_fringes, labour=True,
            note=f"DOOD: {c.work_days} work, {c.hold_days} hold, {c.travel_days} travel{days}"))

    for el in facts.element_lines:
        if el.account not in derived:
            raise BudgetError(f"No account for {el.account} lines", hint=f"Add `{el.account}: CODE` under derived_accounts.")
        table = data[el.rate_key]
        if el.rate_tier is not None:
            table = table[el.rate_tier]
        add(derived[el.account], DetailLine(
            description=el.description, amount=el.amount, units=el.units, unit_label=el.unit_label,
            rate=to_decimal(_pick(table, level, el.rate_key), el.rate_key), labour=el.labour,
            fringes=_fringe_codes(el.fringes, level, data) if el.fringes else [], note=el.note))

    if facts.extras_person_days:
        add(derived["extras"], DetailLine(
            description="Background performers", amount=Decimal(facts.extras_person_days), units=Decimal(1),
            unit_label="person-days", rate=to_decimal(_pick(data["extras_day"], level, "extras_day"), "extras_day"),
            fringes=payroll, labour=True, note="extras tags on the scheduled scenes"))

    locations = [loc for loc in facts.locations or [] if loc.days > 0]
    for loc in locations:
        add(derived["locations"], DetailLine(
            description=f"Location fee: {loc.name}", units=Decimal(loc.days), unit_label="days",
            rate=to_decimal(_pick(data["location_day"], level, "location_day"), "location_day")))
    if locations:
        add(derived["locations"], DetailLine(
            description="Permits & site fees", amount=Decimal(len(locations)), unit_label="locations",
            rate=to_decimal(_pick(data["location_permit"], level, "location_permit"), "location_permit")))

    shoot_days = gvals["SHOOT_DAYS"]
    cast_days = sum(c.work_days for c in facts.cast or [])
    heads = crew_heads + math.ceil((Decimal(cast_days) + Decimal(facts.extras_person_days or 0)) / shoot_days)
    add(derived["catering"], DetailLine(
        description="Catering (crew, cast and background)", amount=Decimal(heads), units=shoot_days,
        units_formula="SHOOT_DAYS", unit_label="days",
        rate=to_decimal(_pick(data["catering_head_day"], level, "catering_head_day"), "catering_head_day"),
        note=f"{crew_heads} crew + cast and background per day"))

    _add_ai_lines(add, derived["ai_generation"], facts, data)


def _add_ai_lines(add, code: str, facts: ProductionFacts, data: Mapping[str, Any]) -> None:
    """GPU hours per shot, voice minutes from dialogue, music minutes from runtime (usage rate card)."""
    u = {k: to_decimal(data[k], k) for k in (
        "gpu_hour_rate", "gpu_hours_per_shot", "shots_per_scene", "voice_minute_rate", "words_per_minute",
        "voice_takes", "music_minute_rate", "music_share", "music_takes")}
    shots = facts.shots if facts.shots is not None else int((facts.scenes or 0) * u["shots_per_scene"])
    if shots > 0:
        note = "shot list" if facts.shots is not None else f"{facts.scenes} scenes × {u['shots_per_scene']} shots"
        add(code, DetailLine(description="GPU generation (image & video shots)", amount=Decimal(shots),
                             units=u["gpu_hours_per_shot"], unit_label="GPU h/shot", rate=u["gpu_hour_rate"], note=note))
    words = facts.dialogue_words or 0
    if words > 0 and u["words_per_minute"] > 0:
        minutes = max(Decimal("0.1"), (Decimal(words) / u["words_per_minute"]).quantize(Decimal("0.1")))
        add(code, DetailLine(description="Synthetic voice (dialogue)", units=minutes, unit_label="minutes",
                             rate=u["voice_minute_rate"], multiplier=u["voice_takes"],
                             note=f"{words} words at {u['words_per_minute']} wpm × {u['voice_takes']} takes"))
    runtime = facts.runtime_minutes or Decimal(0)
    music = (runtime * u["music_share"]).quantize(Decimal("0.1"))
    if music > 0:
        add(code, DetailLine(description="Generated score", units=music, unit_label="minutes",
                             rate=u["music_minute_rate"], multiplier=u["music_takes"],
                             note=f"{runtime} min runtime × {u['music_share']} scored × {u['music_takes']} takes"))
