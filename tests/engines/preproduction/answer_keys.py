"""Score a breakdown against a hand-made answer key (tests/data/breakdown_keys/*.yaml): precision and recall.

A key element is ``"category[/category]: NAME|alt|..."``. A tag matches an element when its category is
listed and its name and one of the element's names are equal or one contains the other as whole words
(plural folded, "Stunt: " dropped). Each element is matched at most once: a second tag for it (a duplicate)
is a false positive, like a tag that matches no element. Tags waiting in the review queue are not counted
(they are neither in nor out until a person decides); notes are not elements.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

KEYS = Path(__file__).resolve().parents[2] / "data" / "breakdown_keys"


def _norm(name: str) -> str:
    name = re.sub(r"^stunt:\s*", "", name.strip().lower())
    words = re.findall(r"[a-z0-9#]+", name.replace("-", " "))
    out = []
    for w in words:
        if len(w) > 3 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("es") and w[-3] in "sxz":
            w = w[:-2]
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


def _contains(a: str, b: str) -> bool:
    return f" {b} " in f" {a} "


@dataclass
class Score:
    tp: int = 0
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + len(self.fp)) if self.tp + len(self.fp) else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + len(self.fn)) if self.tp + len(self.fn) else 1.0


def load_key(name: str) -> tuple[Path, dict[str, list[tuple[set[str], list[str]]]]]:
    import yaml

    data = yaml.safe_load((KEYS / f"{name}.yaml").read_text(encoding="utf-8"))
    scenes = {}
    for number, items in data["scenes"].items():
        parsed = []
        for item in items:
            cats, _, names = item.partition(":")
            parsed.append(({c.strip() for c in cats.split("/")}, [_norm(n) for n in names.split("|")]))
        scenes[str(number)] = parsed
    return (KEYS / data["script"]).resolve(), scenes


def score(breakdown, key: dict[str, list[tuple[set[str], list[str]]]]) -> Score:
    out = Score()
    for sheet in breakdown.sheets:
        elements = key.get(sheet.scene_number, [])
        used = [False] * len(elements)
        for tag in sheet.tags:
            if tag.category.value == "notes" or tag.needs_review:
                continue
            name = _norm(tag.name)
            hit = None
            for i, (cats, names) in enumerate(elements):
                if tag.category.value in cats and any(n == name or _contains(name, n) or _contains(n, name)
                                                      for n in names):
                    hit = i if not used[i] else (hit if hit is not None else -1 - i)
                    if not used[i]:
                        break
            if hit is not None and hit >= 0:
                used[hit] = True
                out.tp += 1
            else:
                why = "duplicate" if hit is not None else "no such element"
                out.fp.append(f"sc {sheet.scene_number} {tag.category.value}: {tag.name} ({why})")
        out.fn += [f"sc {sheet.scene_number} {'/'.join(sorted(c))}: {n[0]}" for (c, n), u in zip(elements, used)
                   if not u]
    return out


def measure(name: str) -> Score:
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.writing.io import load_script

    path, key = load_key(name)
    return score(break_down(load_script(path)), key)
