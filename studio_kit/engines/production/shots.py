"""Shot generation: every shot of the shot list drawn by the configured image backend.

Each shot's frame comes from the locked identities of the characters in it (the
character engine's bibles), the scene's location and time of day, and the shot's
size, angle and movement. Every frame is an Asset (kind ``shot_frame``) with the
backend call's provenance and a consistency score per locked character; the
shot plan (kind ``shot_plan``, JSON, versioned) records which frame each shot
uses. Re-rendering one shot (new seed, prompt tweak) adds a variant and changes
only that shot; picking a variant changes only the plan.

Revisions re-flow: shots of the new draft are matched to the stored plan by what
they show (location, size, subjects, description). Matched shots keep their
number and frame; new ones are drawn and marked NEW (numbered 4.2A after 4.2
once numbers exist); shots that left the script stay on the plan as OMITTED.
"""
from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.domain.character import identity_from_bible
from studio_kit.domain.production import ShotFrame, ShotPlan
from studio_kit.domain.requests import ImageRequest
from studio_kit.domain.script import ElementType, Script
from studio_kit.engines.characters import modes
from studio_kit.engines.characters import service as characters
from studio_kit.engines.characters.consistency import score_render
from studio_kit.engines.writing.io import load_script
from studio_kit.engines.writing.pagination import paginate
from studio_kit.engines.writing.shots import shot_list
from studio_kit.exceptions import CharacterError, ProductionError
from studio_kit.registry import get_backend_class, invoke, last_call, load_backend

FRAME_KIND = "shot_frame"
PLAN_KIND = "shot_plan"
Progress = Callable[[int, int, str], None]


def load(script: Any) -> Script:
    """A parsed, paginated Script from a path, Fountain/FDX text or a Script (eighths set for timing)."""
    parsed = script if isinstance(script, Script) else load_script(script if isinstance(script, (bytes, str))
                                                                   else Path(script))
    if not parsed.scenes:
        raise ProductionError(f"{parsed.title!r} has no scenes, so it has no shots.",
                              hint="Scene headings start with INT. or EXT. (see the Fountain syntax).")
    if any(s.eighths is None for s in parsed.scenes):
        paginate(parsed)
    return parsed


def plan_name(script: Script) -> str:
    slug = re.sub(r"[^0-9a-z]+", "-", script.title.lower()).strip("-") or "script"
    return f"{slug}.json"


def script_hash(script: Script) -> str:
    return hashlib.sha256(script.model_dump_json(include={"elements"}).encode()).hexdigest()


def plan_from_script(script: Script) -> ShotPlan:
    """The shot plan of ``script`` before anything is drawn: the writing engine's shot list, with the
    action and dialogue each shot covers."""
    shots = shot_list(script)
    if not shots:
        raise ProductionError(f"The shot list of {script.title!r} is empty.",
                              hint="Add action or dialogue under the scene headings.")
    out = []
    for shot in shots:
        scene = script.scenes[shot.scene_index]
        lines = set(shot.covers_lines)
        action, dialogue, speaker = [], [], ""
        for el in scene.elements:
            if el.line not in lines:
                continue
            if el.type == ElementType.ACTION:
                action.append(el.text)
            elif el.type == ElementType.CHARACTER:
                speaker = re.sub(r"\s*\(.*?\)|\^", "", el.text).strip()
            elif el.type == ElementType.DIALOGUE:
                dialogue.append(f"{speaker}: {el.text}" if speaker else el.text)
        out.append(ShotFrame(number=shot.number, scene_index=shot.scene_index, scene_number=shot.scene_number,
                             heading=scene.heading, int_ext=scene.int_ext, location=scene.location,
                             time_of_day=scene.time_of_day, size=shot.size.value, angle=shot.angle,
                             movement=shot.movement, subjects=list(shot.subjects), description=shot.description,
                             action=" ".join(action), dialogue=dialogue, seconds=shot.seconds))
    source = str(script.metadata.get("source") or "")
    return ShotPlan(title=script.title, script_name=plan_name(script), script_sha256=script_hash(script),
                    source=source if source and Path(source).is_file() else "", shots=out)


def reflow(previous: ShotPlan, fresh: ShotPlan) -> ShotPlan:
    """``fresh`` (a revised draft's plan) numbered and matched against ``previous``.

    A shot showing the same thing keeps its old number, frame and variants (``kept``); a new one
    gets the number of the kept shot before it plus a letter (``new``); old shots with no match
    stay, ``omitted``, at their place.
    """
    pool: dict[str, list[ShotFrame]] = {}
    for old in previous.shots:
        if old.status != "omitted":
            pool.setdefault(old.signature, []).append(old)
    used = {s.number for s in previous.shots}
    merged: list[ShotFrame] = []
    last_kept: str | None = None
    last_scene = -1
    matched: set[str] = set()
    for shot in fresh.shots:
        candidates = pool.get(shot.signature) or []
        if candidates:
            old = candidates.pop(0)
            kept = shot.model_copy(update={k: getattr(old, k) for k in (
                "number", "seed", "prompt_tweak", "asset_id", "variants", "backend", "consistency", "flagged",
                "characters", "previz")})
            kept.status = "kept"
            matched.add(old.number)
            merged.append(kept)
            last_kept, last_scene = old.number, shot.scene_index
            continue
        if last_kept and last_scene == shot.scene_index:
            base = last_kept
        elif shot.number not in used:  # a shot of a new scene keeps its plain number when it is free
            base = ""
        else:
            base = shot.number
        number = shot.number if not base else next(
            f"{base}{chr(c)}" for c in range(ord("A"), ord("Z") + 1) if f"{base}{chr(c)}" not in used)
        used.add(number)
        merged.append(shot.model_copy(update={"number": number, "status": "new", "asset_id": None,
                                              "variants": []}))
    # omitted shots go back where they were: after the shot that preceded them in the old plan
    for i, old in enumerate(previous.shots):
        if old.number in matched or old.status == "omitted":
            if old.status == "omitted" and not any(m.number == old.number for m in merged):
                merged.insert(_after(merged, previous.shots[:i]), old)
            continue
        merged.insert(_after(merged, previous.shots[:i]), old.model_copy(update={"status": "omitted"}))
    return fresh.model_copy(update={"shots": merged, "revision": previous.revision + 1})


def _after(merged: list[ShotFrame], before: list[ShotFrame]) -> int:
    numbers = [m.number for m in merged]
    for old in reversed(before):
        if old.number in numbers:
            return numbers.index(old.number) + 1
    return 0


def latest_plan(ctx: Any, name: str | None = None) -> ShotPlan | None:
    """The newest stored shot plan (of ``name``, else of any script)."""
    if name:
        asset = ctx.latest(PLAN_KIND, name)
    else:
        assets = ctx.list_assets(kind=PLAN_KIND)
        asset = max(assets, key=lambda a: a.id) if assets else None
    return ShotPlan.model_validate_json(ctx.read_bytes(asset.id)) if asset else None


def save_plan(ctx: Any, plan: ShotPlan, *, note: str = "") -> Any:
    return ctx.put_asset(plan.model_dump_json(indent=1), kind=PLAN_KIND, name=plan.script_name,
                         meta={"title": plan.title, "shots": len(plan.active), "revision": plan.revision,
                               "note": note})


def _bibles(ctx: Any, names: Iterable[str]) -> list[Any]:
    """The project's characters among a shot's subjects (props and unknown names are skipped)."""
    out: list[Any] = []
    for name in names:
        try:
            bible = characters.get_character(name, ctx)
        except CharacterError:
            continue
        if all(b.character_id != bible.character_id for b in out):
            out.append(bible)
    return out


def check_cast(bibles: list[Any], number: str) -> list[Any]:
    """Refuse a shot drawn from a tampered lock or an unlocked avatar; return the mode warnings to store."""
    warnings = []
    for bible in bibles:
        if bible.identity is not None and not bible.identity.verify():
            raise CharacterError(f"{bible.name}'s locked identity fails its hash check, so shot {number} "
                                 "cannot be drawn from it.",
                                 hint=f"Restore the stored bible or re-lock: `studio character version "
                                      f"{bible.character_id}`.")
        warnings += modes.enforce(bible, view="three-quarter", expression="neutral")
    return warnings


def shot_request(ctx: Any, shot: ShotFrame, plan: ShotPlan, *, seed: int | None = None,
                 prompt_tweak: str | None = None, bibles: list[Any] | None = None,
                 size: tuple[int, int] | None = None) -> tuple[Any, list[Any]]:
    """The image request that draws ``shot`` and the bibles of its cast: their locked identities, the shot
    (size, angle, movement, subjects), its scene with the scene's whole cast in order (so marks and the 180° line
    hold across its shots) and the shot's previz nudges (mark, orbit, lens). One place for the frame, the
    animatic's rendered camera moves and the camera plan's line flags."""
    bibles = _bibles(ctx, shot.subjects) if bibles is None else bibles
    idents = [b.identity.to_identity() if b.identity else identity_from_bible(b) for b in bibles]
    tweak = shot.prompt_tweak if prompt_tweak is None else prompt_tweak.strip()
    if seed is None:
        seed = shot.seed if shot.seed is not None else (
            idents[0]["seed"] if idents else int(hashlib.sha256(shot.number.encode()).hexdigest()[:7], 16))
    caption = shot.description + (f" — {tweak}" if tweak else "")
    scene_shots = plan.scenes().get(shot.scene_index, [shot])
    found: dict[str, str | None] = {}  # each name of the scene looked up once: its bible's name, or None (a prop, an unknown)
    for name in dict.fromkeys(n for s in scene_shots for n in s.subjects):
        known = _bibles(ctx, [name])
        found[name] = known[0].name if known else None
    cast: list[str] = []
    for other in scene_shots:
        for member in ([known_name for known_name in (found[n] for n in other.subjects) if known_name]
                       or other.subjects):
            if member.upper() not in {c.upper() for c in cast}:
                cast.append(member)
    shot_d = {"size": shot.size, "angle": shot.angle, "movement": shot.movement, "number": shot.number,
              "description": shot.description, "subjects": [b.name for b in bibles] or shot.subjects}
    scene_d = {"int_ext": shot.int_ext or "INT", "location": shot.location, "time_of_day": shot.time_of_day or "DAY",
               "heading": shot.heading, "characters": cast}
    stager: Any = get_backend_class("image", "blender3d")  # the 3D staging's nudges, pure Python: no Blender needed
    shot_d, scene_d = stager.apply_nudge(shot.previz, shot_d, scene_d)
    width, height = size or (plan.width, plan.height)
    request = ImageRequest(kind="frame", identities=idents, shot=shot_d, scene=scene_d, width=width,
                           height=height, seed=seed, caption=caption, prompt=tweak,
                           wardrobe=bibles[0].default_look if len(bibles) == 1 else None)
    return request, bibles


def render_shot(ctx: Any, shot: ShotFrame, *, plan: ShotPlan, backend: str | None = None, seed: int | None = None,
                prompt_tweak: str | None = None, settings: Any = None, engine: Any = None) -> ShotFrame:
    """Draw one shot through the image backend and store the frame; returns the shot with it chosen."""
    if settings is None:
        settings = get_settings()
    bibles = _bibles(ctx, shot.subjects)
    warnings = check_cast(bibles, shot.number)
    engine = engine or load_backend("image", backend, settings=settings)
    request, bibles = shot_request(ctx, shot, plan, seed=seed, prompt_tweak=prompt_tweak, bibles=bibles)
    idents, shot_d, scene_d, seed, tweak = request.identities, request.shot, request.scene, request.seed, request.prompt
    with ctx.recording():
        image = invoke(engine, "render", request, seed=seed, inputs=idents + [shot_d, scene_d],
                       params={"shot": shot_d, "scene": scene_d, "prompt_tweak": tweak, "width": plan.width,
                               "height": plan.height})
    call = last_call()
    scores = {b.character_id: score_render(image, b.identity, look=b.default_look, settings=settings)
              for b in bibles if b.identity}
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG")
    meta = {"shot": shot.number, "plan": plan.script_name, "scene": scene_d, "size": shot.size, "angle": shot.angle,
            "movement": shot.movement, "seed": seed, "prompt_tweak": tweak, "backend": engine.name,
            "characters": [b.character_id for b in bibles],
            "identity_hashes": {b.character_id: b.identity.hash for b in bibles if b.identity},
            "consistency": {k: v.to_dict() for k, v in scores.items()},
            "flagged": [k for k, v in scores.items() if v.flagged],
            "warnings": [w.to_dict() for w in warnings], "variant": len(shot.variants) + 1}
    if shot.previz:
        meta["previz"] = shot.previz
    if "deterministic" in engine.capabilities and shot.seed is not None and seed != shot.seed:
        meta["note"] = (f"{engine.name} draws without randomness: a new seed gives the same picture; "
                        "tweak the prompt or render with a model backend for a different take")
    stem = plan.script_name.removesuffix(".json")
    asset = ctx.put_asset(buf.getvalue(), kind=FRAME_KIND, name=f"{stem}-shot-{shot.number}.png",
                          provenance=call.provenance() if call else {}, meta=meta)
    return shot.model_copy(update={"asset_id": asset.id, "variants": [*shot.variants, asset.id], "seed": seed,
                                   "prompt_tweak": tweak, "backend": engine.name,
                                   "characters": [b.character_id for b in bibles],
                                   "consistency": {k: round(v.score, 4) for k, v in scores.items()},
                                   "flagged": meta["flagged"]})


def render_shots(script: Any, ctx: Any, *, backend: str | None = None, width: int = 1280, height: int = 720,
                 only: Iterable[str] | None = None, settings: Any = None,
                 progress: Progress | None = None) -> ShotPlan:
    """Render every shot of ``script`` that has no frame yet (or the numbers in ``only``) and store the plan.

    A stored plan of the same script is re-flowed first (see :func:`reflow`), so a revision redraws
    only new shots.
    """

    parsed = load(script)
    fresh = plan_from_script(parsed)
    fresh.width, fresh.height = width, height
    previous = latest_plan(ctx, fresh.script_name)
    plan = reflow(previous, fresh) if previous else fresh
    if previous and (previous.width, previous.height) != (width, height):
        plan.shots = [s.model_copy(update={"asset_id": None}) if s.status != "omitted" else s for s in plan.shots]
    wanted = set(only) if only else None
    if wanted:
        unknown = wanted - {s.number for s in plan.shots}
        if unknown:
            raise ProductionError(f"No shot {', '.join(sorted(unknown))} in {parsed.title!r}.",
                                  hint=f"Shots: {', '.join(s.number for s in plan.shots[:20])}…")
    todo = [i for i, s in enumerate(plan.shots) if s.status != "omitted"
            and (s.number in wanted if wanted else s.asset_id is None)]
    for i in todo:  # every shot's cast is checked before the first frame is drawn
        check_cast(_bibles(ctx, plan.shots[i].subjects), plan.shots[i].number)
    engine = load_backend("image", backend, settings=settings) if todo else None
    for k, i in enumerate(todo):
        if progress:
            progress(k, len(todo), plan.shots[i].number)
        plan.shots[i] = render_shot(ctx, plan.shots[i], plan=plan, engine=engine, settings=settings)
    if progress:
        progress(len(todo), len(todo), "")
    save_plan(ctx, plan, note=f"rendered {len(todo)} shot(s)")
    return plan


def rerender_shot(ctx: Any, number: str, *, name: str | None = None, seed: int | None = None,
                  new_seed: bool = False, prompt_tweak: str | None = None, backend: str | None = None,
                  settings: Any = None) -> ShotPlan:
    """Redraw one shot (a new seed and/or a prompt tweak) as a new variant; the other shots stay as they are."""
    plan = require_plan(ctx, name)
    shot = plan.shot(number)
    if shot.status == "omitted":
        raise ProductionError(f"Shot {number} was omitted from the script.", hint="Render a shot that is in the cut.")
    if new_seed and seed is None:
        seed = ((shot.seed or 0) * 1103515245 + 12345 + len(shot.variants)) % 2**31
    updated = render_shot(ctx, shot, plan=plan, backend=backend, seed=seed, prompt_tweak=prompt_tweak,
                          settings=settings)
    plan.shots[plan.shots.index(shot)] = updated
    save_plan(ctx, plan, note=f"re-rendered {number}")
    return plan


def pick_variant(ctx: Any, number: str, asset_id: int, *, name: str | None = None) -> ShotPlan:
    """Choose one of a shot's rendered variants as its frame."""
    plan = require_plan(ctx, name)
    shot = plan.shot(number)
    if asset_id not in shot.variants:
        raise ProductionError(f"Frame {asset_id} is not a variant of shot {number}.",
                              hint=f"Its variants: {', '.join(map(str, shot.variants)) or 'none yet'}.")
    meta = ctx.get_asset(asset_id).meta
    consistency = {k: round(v["score"], 4) for k, v in (meta.get("consistency") or {}).items()}
    plan.shots[plan.shots.index(shot)] = shot.model_copy(update={
        "asset_id": asset_id, "seed": meta.get("seed"), "prompt_tweak": meta.get("prompt_tweak", ""),
        "consistency": consistency, "flagged": meta.get("flagged", [])})
    save_plan(ctx, plan, note=f"picked variant {asset_id} for {number}")
    return plan


def require_plan(ctx: Any, name: str | None) -> ShotPlan:
    plan = latest_plan(ctx, name)
    if plan is None:
        raise ProductionError("No shots have been rendered in this project yet.",
                              hint="Render them first: `studio shots render SCRIPT`.")
    return plan


def frame_image(ctx: Any, shot: ShotFrame):
    """The chosen frame of ``shot`` as a PIL image (ProductionError if it has none)."""
    from PIL import Image

    if shot.asset_id is None:
        raise ProductionError(f"Shot {shot.number} has no frame yet.", hint="Run `studio shots render SCRIPT`.")
    return Image.open(io.BytesIO(ctx.read_bytes(shot.asset_id))).convert("RGB")
