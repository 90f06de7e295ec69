"""Story structures: beats with page targets, turned into scene plans.

A :class:`Structure` is a list of beats, each owning a share of the script
(pages for films and episodes, seconds for ads). :func:`plan_story` turns a
logline, genre, tone, length and cast into beats and then scene plans: one or
more scenes per beat, each with a location, INT/EXT, time of day, the cast
present and a target length in eighths of a page (1 page = 8 eighths ~ 60 s).

Structures:

* ``three_act`` (feature): setup, inciting incident, plot point one, rising
  action, midpoint, complications, crisis, climax, resolution.
* ``save_the_cat``: Blake Snyder's 15 beats with their published page targets
  on a 110-page script (Catalyst 12, Break into Two 25, Midpoint 55, All Is
  Lost 75, Break into Three 85 ...), scaled to the requested length.
* ``episode``: teaser, four acts, tag.
* ``short``: opening image, inciting moment, complication, turn, climax, final image.
* ``ad15``/``ad30``/``ad60``: hook, problem, product, proof, call to action, in seconds.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from studio_kit.domain.dialogue import CastMember
from studio_kit.domain.story import Beat, ScenePlan
from studio_kit.engines.writing import lexicon
from studio_kit.engines.writing.premise import read_premise
from studio_kit.exceptions import ScriptError

SECONDS_PER_PAGE = 60.0
EIGHTHS_PER_PAGE = 8


@dataclass(frozen=True)
class _BeatSpec:
    name: str
    kind: str
    act: str
    start: float      # share of the length where the segment starts
    end: float        # share where it ends
    purpose: str      # "{hero}", "{object}", "{place}", "{threat}" are filled from the logline
    landing: float | None = None  # published landing point as a share (Save the Cat pages / 110)


@dataclass(frozen=True)
class Structure:
    """A named beat template; ``unit`` is "pages" or "seconds"."""

    name: str
    label: str
    unit: str
    default_length: float
    max_scene_eighths: int        # longer beats are split into several scenes
    beats: tuple[_BeatSpec, ...]


def _stc(name, kind, act, a, b, page, purpose) -> _BeatSpec:
    return _BeatSpec(name, kind, act, a / 110, b / 110, purpose, landing=page / 110)


STRUCTURES: dict[str, Structure] = {
    "three_act": Structure("three_act", "Three-act feature", "pages", 100, 20, (
        _BeatSpec("Setup", "setup", "Act One", 0.0, 0.10, "Show {hero} in an ordinary world that is already cracking."),
        _BeatSpec("Inciting Incident", "inciting", "Act One", 0.10, 0.15,
            "{object} arrives and nothing can stay the same."),
        _BeatSpec("Plot Point One", "turn", "Act One", 0.15, 0.25,
            "{hero} commits and crosses into the new situation."),
        _BeatSpec("Rising Action", "fun", "Act Two", 0.25, 0.50,
            "{hero} tries the easy answers; {threat} pushes back."),
        _BeatSpec("Midpoint", "midpoint", "Act Two", 0.50, 0.55, "A revelation about {object} raises the stakes."),
        _BeatSpec("Complications", "pressure", "Act Two", 0.55, 0.70, "{threat} closes in; allies waver."),
        _BeatSpec("Crisis", "crisis", "Act Two", 0.70, 0.75, "Everything is lost; {hero} faces the truth."),
        _BeatSpec("Climax", "climax", "Act Three", 0.75, 0.92, "{hero} confronts {threat} at {place}."),
        _BeatSpec("Resolution", "resolution", "Act Three", 0.92, 1.0, "The new normal; what {object} cost and gave."),
    )),
    "save_the_cat": Structure("save_the_cat", "Save the Cat (15 beats)", "pages", 110, 20, (
        _stc("Opening Image", "setup", "Act One", 0, 1, 1, "A snapshot of {hero} before the story changes them."),
        _stc("Theme Stated", "setup", "Act One", 1, 5, 5,
            "Someone tells {hero} what the story is about; they don't listen."),
        _stc("Set-Up", "setup", "Act One", 5, 12, 1, "{hero}'s world, wants and flaws, with {place} at its heart."),
        _stc("Catalyst", "inciting", "Act One", 12, 13, 12, "{object} turns up and upends the routine."),
        _stc("Debate", "debate", "Act One", 13, 25, 12, "{hero} argues with themselves and others: go or stay?"),
        _stc("Break into Two", "turn", "Act Two", 25, 30, 25, "{hero} chooses to act and leaves the old world."),
        _stc("B Story", "setup", "Act Two", 30, 33, 30, "A new relationship carries the theme."),
        _stc("Fun and Games", "fun", "Act Two", 33, 55, 30,
            "The promise of the premise: {hero} and {object} in action."),
        _stc("Midpoint", "midpoint", "Act Two", 55, 57, 55, "A false victory or false defeat; the stakes rise."),
        _stc("Bad Guys Close In", "pressure", "Act Two", 57, 75, 55, "{threat} regroups; doubt spreads in the team."),
        _stc("All Is Lost", "crisis", "Act Two", 75, 77, 75, "The lowest point; something or someone is lost."),
        _stc("Dark Night of the Soul", "crisis", "Act Two", 77, 85, 75,
            "{hero} sits with the loss and finds the lesson."),
        _stc("Break into Three", "turn", "Act Three", 85, 87, 85, "A and B stories meet; a new plan."),
        _stc("Finale", "climax", "Act Three", 87, 109, 85, "{hero} faces {threat} at {place}, changed."),
        _stc("Final Image", "resolution", "Act Three", 109, 110, 110, "The opposite of the opening image."),
    )),
    "episode": Structure("episode", "TV episode (teaser, four acts, tag)", "pages", 50, 16, (
        _BeatSpec("Teaser", "inciting", "Teaser", 0.0, 0.08, "A cold open: {object} appears and hooks us."),
        _BeatSpec("Act One", "setup", "Act One", 0.08, 0.31, "{hero} takes on the problem; act out on a question."),
        _BeatSpec("Act Two", "fun", "Act Two", 0.31, 0.54, "Complications with {threat}; act out on a reversal."),
        _BeatSpec("Act Three", "pressure", "Act Three", 0.54, 0.77, "The plan fails; act out on the worst moment."),
        _BeatSpec("Act Four", "climax", "Act Four", 0.77, 0.96, "{hero} resolves the case at {place}."),
        _BeatSpec("Tag", "resolution", "Tag", 0.96, 1.0, "A button: a laugh or a hint of next week."),
    )),
    "short": Structure("short", "Short film", "pages", 10, 12, (
        _BeatSpec("Opening Image", "setup", "Beginning", 0.0, 0.10, "{hero} alone with a habit at {place}."),
        _BeatSpec("Inciting Moment", "inciting", "Beginning", 0.10, 0.25, "{object} interrupts the habit."),
        _BeatSpec("Complication", "debate", "Middle", 0.25, 0.55,
            "{hero} tries to make sense of {object}; {threat} looms."),
        _BeatSpec("Turn", "midpoint", "Middle", 0.55, 0.70, "A discovery flips what {hero} believed."),
        _BeatSpec("Climax", "climax", "End", 0.70, 0.90, "{hero} acts, whatever it costs, against {threat}."),
        _BeatSpec("Final Image", "resolution", "End", 0.90, 1.0, "The habit returns, changed."),
    )),
}
_AD_SECONDS = {15: (2, 3, 4, 3, 3), 30: (4, 6, 8, 7, 5), 60: (6, 12, 16, 16, 10)}
_AD_BEATS = (("Hook", "hook", "Stop the scroll: a surprising image around {object}."),
             ("Problem", "problem", "The everyday frustration {hero} knows too well."),
             ("Product", "product", "{object} enters and solves it, on screen."),
             ("Proof", "proof", "A result, a number, a happy face: why it works."),
             ("Call to Action", "cta", "Say what to do now, with the name on screen."))
for _secs, _split in _AD_SECONDS.items():
    _edges = [sum(_split[:i]) / _secs for i in range(6)]
    STRUCTURES[f"ad{_secs}"] = Structure(f"ad{_secs}", f"{_secs}-second ad", "seconds", _secs, 8, tuple(
        _BeatSpec(n, k, "Spot", _edges[i], _edges[i + 1], p) for i, (n, k, p) in enumerate(_AD_BEATS)))

FORMAT_ALIASES = {"film": "three_act", "feature": "three_act", "three-act": "three_act", "stc": "save_the_cat",
                  "save-the-cat": "save_the_cat", "tv": "episode", "tv_episode": "episode", "short_film": "short",
                  "ad": "ad30", "commercial": "ad30"}


def get_structure(name: str) -> Structure:
    """The structure for a format name (film, short, episode, save_the_cat, ad15, ad30, ad60)."""
    key = FORMAT_ALIASES.get(name.lower().strip(), name.lower().strip())
    if key not in STRUCTURES:
        known = ", ".join(sorted(set(STRUCTURES) | set(FORMAT_ALIASES)))
        raise ScriptError(f"Unknown script format {name!r}.", hint=f"Use one of: {known}.")
    return STRUCTURES[key]


def _split_int(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder), each >= minimum."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [max(minimum, math.floor(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    k = 0
    while sum(parts) < total:
        parts[order[k % len(order)]] += 1
        k += 1
    while sum(parts) > total and any(p > minimum for p in parts):
        i = max(range(len(parts)), key=lambda j: parts[j])
        parts[i] -= 1
    return parts


def _purpose(text: str, hero: str, obj: str, place: str, threat: str) -> str:
    out = text.format(hero=hero, object=obj, place=place, threat=threat)
    return out[0].upper() + out[1:]


def plan_story(logline: str, format: str = "short", genre: str = "drama", tone: str = "grounded",
               length: float | None = None, cast: list[CastMember] | None = None,
               seed: int = 0) -> tuple[list[Beat], list[ScenePlan]]:
    """Beats and scene plans for a story.

    ``length`` is in pages (films, shorts, episodes) or seconds (ads); None
    takes the format's default. ``cast`` is required (the generator makes one
    up when the user gives none); the first member is the protagonist.
    Scene target lengths sum to the length in eighths (pages x 8); ad scene
    seconds sum exactly to the ad length.
    """
    structure = get_structure(format)
    if not cast:
        raise ScriptError("A story needs at least one cast member.", hint="Pass cast=['MARA:protagonist'].")
    length = float(length if length is not None else structure.default_length)
    if not (length > 0) or length > (600 if structure.unit == "seconds" else 400):
        raise ScriptError(f"Length {length} {structure.unit} is out of range for a {structure.label}.",
                          hint="Use 1-400 pages for scripts, 1-600 seconds for ads.")
    rng = random.Random(f"plan:{seed}")
    parts = lexicon.read_logline(logline)

    premise = read_premise(logline)
    # the story happens where the premise is set ("a court reporter": the courthouse)
    parts.places = list(dict.fromkeys(premise.places + ([premise.setting] if premise.setting else [])))
    if premise.objects:
        parts.objects = premise.objects
    words = lexicon.genre_words(genre)
    hero_label = f"the {parts.protagonist}" if parts.protagonist else cast[0].first_name.title()
    obj = f"the {parts.objects[0]}" if parts.objects else rng.choice(words["props"]).lower()
    threat = rng.choice(words["threats"])
    locations = _location_pool(parts, words, structure, rng)
    place = "the " + locations[0][1].split(" - ")[0].lower()

    if structure.unit == "seconds":
        total_eighths = max(len(structure.beats), round(length / SECONDS_PER_PAGE * EIGHTHS_PER_PAGE))
    else:
        total_eighths = max(len(structure.beats), round(length * EIGHTHS_PER_PAGE))
    beat_eighths = _split_int(total_eighths, [b.end - b.start for b in structure.beats])
    pages_total = length if structure.unit == "pages" else length / SECONDS_PER_PAGE

    beats: list[Beat] = []
    plans: list[ScenePlan] = []
    place_cursor = 0
    seen_locations: set[str] = set()
    prev_location, prev_time = "", ""
    run_here = 0  # consecutive scenes at the same location
    for spec, eighths in zip(structure.beats, beat_eighths):
        seconds_beat = (length * (spec.end - spec.start) if structure.unit == "seconds"
                        else eighths / EIGHTHS_PER_PAGE * SECONDS_PER_PAGE)
        beat = Beat(name=spec.name, kind=spec.kind, act=spec.act,
                    purpose=_purpose(spec.purpose, hero_label, obj, place, threat),
                    page=None if structure.unit == "seconds" else round(
                        spec.landing * pages_total if spec.landing else 1 + spec.start * pages_total, 2),
                    start_page=round(spec.start * pages_total, 3),
                    pages=round((spec.end - spec.start) * pages_total, 3),
                    seconds=round(seconds_beat, 3), eighths=eighths)
        n_scenes = 1 if structure.unit == "seconds" else max(1, math.ceil(eighths / structure.max_scene_eighths))
        n_scenes = min(n_scenes, eighths)
        scene_eighths = _split_int(eighths, [rng.uniform(0.7, 1.3) for _ in range(n_scenes)])
        while max(scene_eighths) > structure.max_scene_eighths and n_scenes < eighths:
            n_scenes += 1  # uneven rhythm, but no scene longer than the format allows
            scene_eighths = _split_int(eighths, [rng.uniform(0.7, 1.3) for _ in range(n_scenes)])
        scene_seconds = [seconds_beat * e / eighths for e in scene_eighths]
        page_at = 1 + spec.start * pages_total
        for e, secs in zip(scene_eighths, scene_seconds):
            # mostly move on through the location pool; sometimes stay, or come back to a known place
            roll = rng.random()
            if plans and roll < 0.2 and run_here < 2:
                loc = next((loc for loc in locations if loc[1] == prev_location), locations[0])
            elif plans and roll < 0.4:  # come back to a place we know (home, the hero's place)
                loc = rng.choice([loc for loc in locations if loc[1] in seen_locations] or locations)
            else:
                loc = locations[place_cursor % len(locations)]
                place_cursor += 1 if rng.random() < 0.75 else 2
            int_ext, location = loc
            time = _time_of_day(spec.kind, genre, location == prev_location, prev_time, rng)
            present = _who_is_there(spec.kind, cast, rng, structure.unit == "seconds")
            plan = ScenePlan(index=len(plans), beat=spec.name, kind=spec.kind, act=spec.act, purpose=beat.purpose,
                             int_ext=int_ext, location=location, time_of_day=time, characters=present,
                             target_eighths=e, seconds=round(secs, 3), page=round(page_at, 2),
                             new_location=location not in seen_locations)
            seen_locations.add(location)
            run_here = run_here + 1 if location == prev_location else 1
            prev_location, prev_time = location, time if time not in {"CONTINUOUS", "LATER"} else prev_time
            page_at += e / EIGHTHS_PER_PAGE
            beat.scenes.append(plan.index)
            plans.append(plan)
        beats.append(beat)
    _place_players(plans, cast, rng, premise.setting)
    if structure.unit == "seconds":  # rounding must not change the spot length
        drift = round(length - sum(p.seconds for p in plans), 3)
        plans[-1].seconds = round(plans[-1].seconds + drift, 3)
    return beats, plans


def _location_pool(parts: lexicon.LoglineParts, words: dict, structure: Structure,
                   rng: random.Random) -> list[tuple[str, str]]:
    """Locations for the story: the logline's places first (with rooms), then the genre's."""
    pool: list[tuple[str, str]] = []
    rooms = ["MAIN ROOM", "BACK OFFICE", "STAIRS", "KITCHEN", "HALLWAY", "STOREROOM"]
    outdoor = {"beach", "forest", "woods", "desert", "park", "bridge", "highway", "mountain", "river", "lake", "valley",
               "ocean", "sea", "road", "street", "coast", "shore", "island", "cemetery", "pier", "dock", "harbor",
               "harbour", "port", "ranch", "farm", "camp", "market", "city", "town", "village", "kingdom", "planet",
               "moon", "motorway", "zoo", "carnival", "circus"}
    for place in parts.places[:2]:
        name = place.upper()
        if place in outdoor:
            pool.append(("EXT", name))
        else:
            pool.append(("EXT", name))
            pool.append(("INT", f"{name} - {rng.choice(rooms)}"))
    genre_places = list(words["places"])
    rng.shuffle(genre_places)
    want = 1 if structure.unit == "seconds" else min(8, max(3, int(structure.default_length / 12) + 3))
    for loc in genre_places:
        if len(pool) >= want + 1:
            break
        pool.append(tuple(loc))
    if len(pool) > 1 and pool[0][0] == "EXT" and len(parts.places) > 0 and pool[1][0] == "INT":
        pool[0], pool[1] = pool[1], pool[0]  # open inside the hero's place, step out later
    return pool


def _time_of_day(kind: str, genre: str, same_place: bool, prev_time: str, rng: random.Random) -> str:
    if same_place and prev_time and rng.random() < 0.6:
        return "LATER"
    if not same_place and prev_time and rng.random() < 0.15:
        return "CONTINUOUS"  # walking straight from the last place into this one
    if kind in {"climax", "crisis"} and genre in {"thriller", "horror", "crime"}:
        return "NIGHT"
    if kind == "resolution":
        time = rng.choice(["DAWN", "DAY", "DAY"])
    else:
        time = rng.choice(["DAY", "DAY", "NIGHT", "NIGHT", "DUSK", "DAWN"])
    return "LATER" if same_place and time == prev_time else time


_PLAYER_ROLES = {"supporting player", "day player"}


def _place_players(plans: list[ScenePlan], cast: list[CastMember], rng: random.Random, setting: str = "") -> None:
    """Supporting players join a handful of scenes across the story, each day player one scene
    (spread through the script, where the hero already has company), as a feature's cast works."""
    scenes = [p for p in plans if p.kind not in {"hook", "problem", "product", "proof", "cta"}]
    if not scenes:
        return
    day = [m for m in cast if m.role.lower() == "day player"]
    support = [m for m in cast if m.role.lower() == "supporting player"]
    home = setting.upper()
    for k, m in enumerate(day):
        at = int((k + 0.5) * len(scenes) / len(day))
        order = scenes[at:] + scenes[:at]
        # a bailiff works in the courthouse: the setting's own scenes first, then any with company
        fits = [p for p in order if len(p.characters) > 1 and p.target_eighths >= 4
                and not any(c in {x.name for x in day} for c in p.characters)]
        at_home = [p for p in fits[:max(4, len(scenes) // 4)] if home and home in p.location]
        plan = (at_home or fits or [scenes[at]])[0]
        plan.characters.append(m.name)
    for m in support:
        share = max(2, len(scenes) // 6)
        for plan in rng.sample(scenes, k=min(share, len(scenes))):
            if m.name not in plan.characters:
                plan.characters.append(m.name)


def _who_is_there(kind: str, cast: list[CastMember], rng: random.Random, ad: bool) -> list[str]:
    """The cast present: the protagonist nearly always, the antagonist when pressure rises."""
    hero, others = cast[0], cast[1:]
    if ad:
        names = [hero.name] + ([m.name for m in others if m.role.lower() in {"announcer", "narrator"}]
                               if kind in {"product", "proof", "cta"} else [])
        if kind == "proof":
            names += [m.name for m in others if m.role.lower() not in {"announcer", "narrator"}][:1]
        return list(dict.fromkeys(names))
    # voice-over only in ads; supporting and day players are placed by _place_players
    others = [m for m in others if m.role.lower() not in {"announcer", "narrator"} | _PLAYER_ROLES]
    present = [hero.name]
    if kind in {"setup", "resolution"} and rng.random() < 0.25 or not others:
        return present  # a solo beat: the hero alone with the world
    wants = {"pressure": ["antagonist"], "climax": ["antagonist"], "midpoint": ["antagonist", "mentor"],
             "crisis": ["ally", "love", "mentor"], "debate": ["mentor", "ally"]}.get(kind, [])
    for m in others:
        if any(w in m.role.lower() for w in wants) and m.name not in present:
            present.append(m.name)
    extra = [m.name for m in others if m.name not in present]
    rng.shuffle(extra)
    if len(present) == 1:
        present += extra[:rng.choice([1, 1, 2])]
    elif len(present) == 2 and rng.random() < 0.25:
        present += extra[:1]
    return present
