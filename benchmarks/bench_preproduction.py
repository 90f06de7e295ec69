"""Pre-production speed and quality: breakdown of a 120-page feature, CP-SAT schedule of 150 scenes.

A deterministic feature-length Fountain script is generated (150 scenes, 25
speaking characters, 20 locations over 14 sites, props, vehicles, crowds and
stunts in the action), parsed and paginated, then:

* breakdown: seconds for ``break_down`` (target < 2 s);
* schedule: CP-SAT within the time limit (default 10 s), with the objective,
  the solver's lower bound, the optimality gap, and company moves / cast days
  next to script order and the greedy sort by location;
* determinism: the same solve again (same seed) must give the same board, strip for strip;
* re-optimise: one scene's cast changes (a character joins it), the board is
  re-optimised from the published one: strips moved and cost change, next to a
  fresh solve of the edited script (how many strips it moves).

    .venv/bin/python benchmarks/bench_preproduction.py [--time-limit 10] [--workers 2] [--scenes 150] [--quick]
"""
from __future__ import annotations

import argparse
import random
import time

FIRST = ["MAYA", "JONAS", "RUTH", "DEV", "ELENA", "MARCUS", "IRIS", "TOMAS", "NADIA", "LEO", "GRACE", "OMAR",
         "VERA", "SAUL", "PRIYA", "HUGO", "LENA", "FELIX", "ZOE", "ARTHUR", "KEIKO", "MILO", "ROSA", "VICTOR", "JUNE"]
SETS = [("INT", "POLICE STATION - BULLPEN"), ("INT", "POLICE STATION - INTERROGATION ROOM"), ("EXT", "HARBOUR"),
        ("INT", "MAYA'S APARTMENT - KITCHEN"), ("INT", "MAYA'S APARTMENT - BEDROOM"), ("EXT", "CITY STREET"),
        ("INT", "DINER"), ("EXT", "ROOFTOP"), ("INT", "WAREHOUSE"), ("EXT", "WAREHOUSE - LOADING DOCK"),
        ("INT", "HOSPITAL - CORRIDOR"), ("INT", "HOSPITAL - ICU"), ("EXT", "TRAIN STATION"), ("INT", "SUBWAY CAR"),
        ("INT", "NIGHTCLUB"), ("EXT", "CEMETERY"), ("INT", "COURTROOM"), ("EXT", "FOREST ROAD"),
        ("INT", "JONAS'S CAR"), ("EXT", "MOTEL PARKING LOT")]
ACTION = ["{a} grabs the {prop} from the table and pockets it.", "{a} and {b} argue in low voices.",
          "A police car pulls up. Two COPS step out.", "Commuters rush past. {a} pushes through the crowd.",
          "{a} punches {b}, who falls against a chair.", "Rain hammers the window. Thunder rolls.",
          "{a} lights a cigarette with a silver lighter.", "A dog barks somewhere. {a} checks a phone.",
          "{a} chases {b} down the alley; they leap over a fence.", "{b} opens a briefcase full of cash.",
          "The {prop} sits on the desk, untouched.", "{a} wears a long trench coat and a fedora.",
          "Blood on {a}'s shirt. A waitress brings coffee.", "An explosion rocks the building. Smoke everywhere.",
          "{a} drives a battered pickup truck through the gate.", "Patrons dance under a neon sign."]
PROPS = ["FILM REEL", "REVOLVER", "LEDGER", "USB STICK", "PHOTOGRAPH", "KEYCARD", "LOCKET", "MAP"]
LINES = ["Where were you last night?", "You know I can't tell you that.", "Then we have a problem.",
         "Keep your voice down.", "It's in the car. Go.", "I trusted you.", "We don't have time for this.",
         "Say that again and I walk.", "They'll be here in ten minutes.", "Nobody leaves this room."]


def feature_script(n_scenes: int = 150, seed: int = 7) -> str:
    """A deterministic ~120-page Fountain feature with a realistic cast-size distribution."""
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(FIRST))]   # leads in most scenes, day players in few
    parts = ["Title: The Long Night\nAuthor: Benchmark\n"]
    for i in range(n_scenes):
        ie, loc = SETS[(i * 7 + rng.randrange(3)) % len(SETS)] if i >= len(SETS) else SETS[i]
        tod = rng.choice(["DAY", "DAY", "NIGHT", "NIGHT", "DUSK"])
        cast = list(dict.fromkeys(rng.choices(FIRST, weights=weights, k=rng.randint(2, 4))))
        if i < len(FIRST):
            cast.append(FIRST[i])      # every character appears at least once
        parts.append(f"{ie}. {loc} - {tod}")
        for k in range(rng.randint(3, 4)):
            a, b = rng.choice(cast), rng.choice(cast)
            parts.append(rng.choice(ACTION).format(a=a, b=b, prop=rng.choice(PROPS)))
            for j in range(rng.randint(2, 3)):
                speaker = cast[-1] if (i < len(FIRST) and k == 0 and j == 0) else rng.choice(cast)
                parts.append(f"{speaker}\n{rng.choice(LINES)} {rng.choice(LINES)}")
        parts[-1] += "\n"
    return "\n\n".join(parts) + "\n"


def table(rows: list[dict], columns: list[str]) -> str:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns), "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=150)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--quick", action="store_true", help="skip the determinism and re-optimise rows")
    args = ap.parse_args()

    from studio_kit.domain.preproduction import format_eighths
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.preproduction.dood import day_out_of_days
    from studio_kit.engines.preproduction.schedule import schedule_breakdown
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate

    text = feature_script(args.scenes)
    t0 = time.perf_counter()
    script = parse_fountain(text)
    paginate(script)
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    bd = break_down(script)
    t_breakdown = time.perf_counter() - t0
    pages = bd.total_eighths / 8
    locations = len({s.location for s in bd.sheets})
    print(f"Script: {len(bd.sheets)} scenes, {format_eighths(bd.total_eighths)} pages, {len(bd.cast)} cast, "
          f"{locations} locations; parse+paginate {t_parse:.2f} s")
    tags = sum(len(s.tags) for s in bd.sheets)

    t0 = time.perf_counter()
    sched = schedule_breakdown(bd, time_limit=args.time_limit, num_workers=args.workers)
    t_sched = time.perf_counter() - t0
    dood = day_out_of_days(sched)
    rows = [{"step": "breakdown", "size": f"{pages:.0f} pages, {tags} tags", "seconds": f"{t_breakdown:.2f}",
             "target": "< 2 s", "ok": "yes" if t_breakdown < 2 else "NO"},
            {"step": "schedule (CP-SAT)", "size": f"{len(bd.sheets)} scenes / {len(bd.cast)} cast / {locations} locations",
             "seconds": f"{t_sched:.2f} (solver {sched.solve_seconds:.2f})", "target": f"<= {args.time_limit:g} s limit",
             "ok": "yes" if sched.solve_seconds <= args.time_limit + 1 else "NO"}]
    print(table(rows, ["step", "size", "seconds", "target", "ok"]))
    print()
    result = [{"plan": "CP-SAT optimised", "days": len(sched.days), "company moves": sched.company_moves,
               "cast days": sched.cast_days, "D/N flips": sched.day_night_flips, "objective": f"{sched.objective:g}"}]
    for b in sched.baselines:
        result.append({"plan": b.name, "days": b.days, "company moves": b.company_moves, "cast days": b.cast_days,
                       "D/N flips": b.day_night_flips, "objective": f"{b.objective:g}"})
    print(table(result, ["plan", "days", "company moves", "cast days", "D/N flips", "objective"]))
    # where the gap sits: each term's own valid lower bound next to what the plan achieves
    import math

    from studio_kit.engines.preproduction.schedule import _cast_min_days
    from studio_kit.engines.preproduction.stripboard import strips_from_breakdown

    strips = strips_from_breakdown(bd, sched.limits)
    E = sched.limits.eighths_per_day
    day_lb = math.ceil(sum(s.eighths for s in strips) / E)
    cast_lb = sum(_cast_min_days([s for s in strips if c in s.cast_ids], sched.limits)
                  for c in {c for s in strips for c in s.cast_ids})
    site_days = sum(math.ceil(sum(s.eighths for s in strips if s.site == site) / E) for site in {s.site for s in strips})
    terms = [{"term": "shoot days", "plan": len(sched.days), "lower bound": day_lb},
             {"term": "cast days (work + hold)", "plan": sched.cast_days, "lower bound": cast_lb},
             {"term": "company moves", "plan": sched.company_moves,
              "lower bound": f"{max(0, site_days - len(sched.days))} (at {len(sched.days)} days)"}]
    print()
    print(table(terms, ["term", "plan", "lower bound"]))
    print(f"\nsolver status {sched.status}, objective {sched.objective:g}, lower bound {sched.lower_bound:g}, "
          f"optimality gap {sched.gap:.1%}; DOOD {len(dood.rows)} cast, "
          f"{sum(r.hold for r in dood.rows)} hold days, {sum(r.drop_pickups for r in dood.rows)} drop/pickups")
    if not args.quick:
        print()
        print(table(stability_rows(text, bd, sched, args.time_limit, args.workers),
                    ["check", "result", "seconds"]))


def board_of(sched) -> dict[str, int]:
    return {s.scene_number: d.number for d in sched.days for s in d.strips}


def one_cast_change(text: str, scene: int, character: str = "JUNE") -> str:
    """The script with ``character`` speaking one line in scene number ``scene`` (1-based)."""
    lines = text.split("\n")
    heads = [i for i, line in enumerate(lines) if line.startswith(("INT. ", "EXT. "))]
    at = heads[scene - 1] + 1
    return "\n".join(lines[:at] + ["", character, "I'm coming with you.", ""] + lines[at:])


def stability_rows(text: str, bd, sched, time_limit: float, workers) -> list[dict]:
    """Determinism (same seed, same board) and re-optimise after one scene's cast changes."""
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.preproduction.schedule import schedule_breakdown
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate

    t0 = time.perf_counter()
    again = schedule_breakdown(bd, time_limit=time_limit, num_workers=workers)
    for w in again.warnings[:2]:
        print(f"warning: {w}")
    same = board_of(again) == board_of(sched) and [[s.scene_index for s in d.strips] for d in again.days] == \
        [[s.scene_index for s in d.strips] for d in sched.days]
    rows = [{"check": "determinism: same script + seed solved again", "seconds": f"{time.perf_counter() - t0:.1f}",
             "result": "identical board" if same else "DIFFERENT board"}]
    edited = parse_fountain(one_cast_change(text, len(bd.sheets) // 2))
    paginate(edited)
    bd2 = break_down(edited)
    t0 = time.perf_counter()
    kept = schedule_breakdown(bd2, time_limit=time_limit, num_workers=workers, previous=sched)
    t_kept = time.perf_counter() - t0
    t0 = time.perf_counter()
    fresh = schedule_breakdown(bd2, time_limit=time_limit, num_workers=workers)
    t_fresh = time.perf_counter() - t0
    before = board_of(sched)
    fresh_moved = sum(1 for n, d in board_of(fresh).items() if before.get(n) != d)
    change = kept.objective - kept.previous_objective
    rows.append({"check": f"re-optimise from the board after one cast change (scene {len(bd.sheets) // 2})",
                 "seconds": f"{t_kept:.1f}", "result": f"{len(kept.moved)} of {len(kept.strips)} strips moved; "
                 f"objective {kept.previous_objective:g} -> {kept.objective:g} ({change:+g})"})
    rows.append({"check": "fresh solve of the edited script (no board kept)", "seconds": f"{t_fresh:.1f}",
                 "result": f"{fresh_moved} of {len(fresh.strips)} strips on another day; objective {fresh.objective:g}"})
    return rows


if __name__ == "__main__":
    main()
