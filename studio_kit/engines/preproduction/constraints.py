"""Schedule constraints: availability windows, before/after pairs, fixed strips.

The engine works with cast-list numbers, 0-based scene indices and 1-based
shoot days (:class:`ScheduleConstraints`); :func:`load_constraints` reads the
production office's own wording (character names, scene numbers) from YAML or
JSON and turns it into that form.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from studio_kit.domain.preproduction import Breakdown, ScheduleConstraints  # noqa: F401 - model re-exported from its old path
from studio_kit.exceptions import ScheduleError
from studio_kit.store.files import read_yaml_mapping


def load_constraints(path: str | Path, breakdown: Breakdown) -> ScheduleConstraints:
    """Read constraints written the production office's way (YAML or JSON).

    Cast are named by cast-list number or character name, scenes by scene
    number, locations by set or site; days are shoot-day numbers::

        cast_available: {BOB: [1, 2, 3]}
        cast_unavailable: {2: [5]}
        location_available: {HARBOUR: [4, 5]}
        before: [["12", "3"]]      # scene 12 shoots no later than scene 3
        fixed: {"7": 1}
        days: 20
    """
    p = Path(path)
    raw = read_yaml_mapping(p, "Constraints file", ScheduleError,
                            hint="Pass a YAML or JSON mapping with keys such as cast_available:, before:, fixed:.")
    names = {m.name.upper(): m.id for m in breakdown.cast}
    ids = {m.id for m in breakdown.cast}
    scenes = {s.scene_number: s.scene_index for s in breakdown.sheets}

    def cast_id(key: Any) -> int:
        k = str(key).strip()
        if k.isdigit() and int(k) in ids:
            return int(k)
        if k.upper() in names:
            return names[k.upper()]
        raise ScheduleError(f"Constraints file {p}: no cast member {key!r} in the cast list.",
                            hint="Use a cast number or a character name: " + ", ".join(sorted(names)[:8]))

    def scene(key: Any) -> int:
        if str(key) not in scenes:
            raise ScheduleError(f"Constraints file {p}: no scene numbered {key!r}.")
        return scenes[str(key)]

    try:
        return ScheduleConstraints(
            cast_available={cast_id(k): list(v) for k, v in (raw.get("cast_available") or {}).items()},
            cast_unavailable={cast_id(k): list(v) for k, v in (raw.get("cast_unavailable") or {}).items()},
            location_available={str(k).upper(): list(v) for k, v in (raw.get("location_available") or {}).items()},
            before=[(scene(a), scene(b)) for a, b in (raw.get("before") or [])],
            fixed={scene(k): int(v) for k, v in (raw.get("fixed") or {}).items()},
            days=raw.get("days"))
    except (TypeError, ValueError) as exc:
        raise ScheduleError(f"Constraints file {p} has a malformed entry: {exc}.",
                            hint="Days are lists of numbers; before pairs are [earlier, later] scene numbers.") from exc
