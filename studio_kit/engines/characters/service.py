"""The character engine's front door: what the CLI, dashboards and templates call.

Every function works on the current project of the store (``settings.org`` /
``settings.project``) unless a :class:`~studio_kit.store.ProjectContext` is
passed as ``ctx``. Characters are found by name or id (``"Cyber Bob"`` or
``"cyber-bob"``). Each function checks everything it can before it writes, so
a refused operation leaves the store as it was.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.domain.character import Approval, CharacterBible, VersionStage, identity_from_bible, slugify
from studio_kit.domain.requests import ImageRequest
from studio_kit.domain.script import Script
from studio_kit.engines.characters import identity as identity_mod
from studio_kit.engines.characters import modes, versions
from studio_kit.engines.characters.bible import bibles_from_script
from studio_kit.engines.characters.consistency import ConsistencyScore, score_render
from studio_kit.engines.characters.continuity import continuity_report as report
from studio_kit.engines.characters.sheet import EXPRESSIONS, TURNAROUND, build_sheet
from studio_kit.engines.writing.io import load_script
from studio_kit.exceptions import CharacterError
from studio_kit.registry import invoke, last_call, load_backend
from studio_kit.store import open_store


@dataclass
class RenderResult:
    """One stored render: the image, its asset, its identity score and the mode warnings."""

    image: Any
    asset: Any
    score: ConsistencyScore | None
    warnings: list[modes.Violation] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.score and self.score.flagged)


def project_context(ctx: Any = None) -> Any:
    """``ctx`` itself, or the settings' current project opened in the store."""
    if ctx is not None:
        return ctx

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=settings.user)


def list_characters(ctx: Any = None) -> list[CharacterBible]:
    """The latest bible of every character in the project, in creation order."""
    ctx = project_context(ctx)
    newest: dict[str, Any] = {}             # name → its newest version, names in order of first appearance
    for asset in ctx.list_assets(kind=versions.BIBLE_KIND):      # every version is listed: no query per name
        if asset.name not in newest or asset.version > newest[asset.name].version:
            newest[asset.name] = asset
    return [CharacterBible.from_json(ctx.read_bytes(a.id)) for a in newest.values()]


def get_character(name: str, ctx: Any = None) -> CharacterBible:
    """The current bible of ``name`` (a name or an id); CharacterError listing the known ones if absent."""
    ctx = project_context(ctx)
    asset = ctx.latest(versions.BIBLE_KIND, f"{slugify(name)}.json")
    if asset is None:  # a short cue the script also uses ("Bob" for "Cyber Bob")
        match = next((b for b in list_characters(ctx) if b.answers_to(name)), None)
        if match is not None:
            return match
    if asset is None:
        known = ", ".join(b.name for b in list_characters(ctx)) or "none yet"
        raise CharacterError(f"No character named {name!r} in project {ctx.scope_name}. Known: {known}.",
                             hint="Create characters with `studio character new all --from-script SCRIPT`.")
    return CharacterBible.from_json(ctx.read_bytes(asset.id))


def create_character(bible: CharacterBible, ctx: Any = None, *, replace: bool = False) -> CharacterBible:
    """Store a new bible and its first (concept) version; refuses to overwrite unless ``replace``."""
    ctx = project_context(ctx)
    if not replace and ctx.latest(versions.BIBLE_KIND, f"{bible.character_id}.json") is not None:
        raise CharacterError(f"Character {bible.name!r} already exists in {ctx.scope_name}.",
                             hint="Edit it, or start a new version with `studio character version`.")
    versions.save_version(ctx, bible)
    versions.save_bible(ctx, bible)
    ctx.audit("character.create", target=f"character:{bible.character_id}", detail={"version": bible.version})
    return bible


def create_from_script(script: Any, names: Iterable[str] | str | None = None, ctx: Any = None
                       ) -> tuple[list[CharacterBible], list[str]]:
    """Bibles for every speaking character of ``script`` (a path or a parsed Script), or only ``names``.

    Returns (created, skipped): characters that already exist in the project are kept as they are.
    """
    parsed = script if isinstance(script, Script) else _load_script(script)
    if isinstance(names, str):
        names = None if names.lower() == "all" else [names]
    wanted = list(names) if names else None
    bibles = bibles_from_script(parsed, wanted)
    if wanted and not bibles:
        raise CharacterError(f"{', '.join(wanted)} never speaks in {parsed.title!r}.",
                             hint=f"Speaking characters: {', '.join(parsed.speaking_characters) or 'none'}.")
    if not bibles:
        source = parsed.title if isinstance(script, Script) else str(script)
        raise CharacterError(f"No character speaks in {source}: there is nothing to cast.",
                             hint="Check it is a Fountain screenplay: character cues in CAPITALS on their own line, "
                                  "dialogue under them.")
    ctx = project_context(ctx)
    created, skipped = [], []
    for bible in bibles:
        if ctx.latest(versions.BIBLE_KIND, f"{bible.character_id}.json") is not None:
            skipped.append(bible.name)
            continue
        created.append(create_character(bible, ctx))
    return created, skipped


def _load_script(path: Any):
    return load_script(Path(path))


def update_character(name: str, changes: dict[str, Any], ctx: Any = None) -> CharacterBible:
    """Edit bible fields; a locked character's look may not change (start a new version)."""
    ctx = project_context(ctx)
    bible = get_character(name, ctx)
    data = bible.model_dump()
    for key, value in changes.items():
        if key in ("character_id", "identity", "version", "stage"):
            raise CharacterError(f"{key} cannot be edited directly.",
                                 hint="Use lock / approve / new version for the lifecycle fields.")
        if key not in data:
            raise CharacterError(f"Character bibles have no field {key!r}.",
                                 hint=f"Fields: {', '.join(sorted(data))}.")
        # appearance edits merge field by field ({"hair": "long"} keeps the eyes)
        data[key] = {**data[key], **value} if key == "appearance" and isinstance(value, dict) else value
    try:
        updated = CharacterBible.model_validate({**data, "identity": bible.identity})
    except ValueError as exc:
        raise CharacterError(f"Invalid character change for {bible.name}: {exc}") from exc
    identity_mod.require_unchanged(updated)
    versions.save_bible(ctx, updated)
    ctx.audit("character.edit", target=f"character:{bible.character_id}", detail={"fields": sorted(changes)})
    return updated


def render(name: str, *, backend: str | None = None, view: str = "front", expression: str = "neutral",
           wardrobe: str | None = None, width: int | None = None, height: int | None = None,
           close_up: bool = False, palette_override: list[str] | None = None, steps: int | None = None,
           ctx: Any = None, settings: Any = None, store: bool = True) -> RenderResult:
    """Render a character through an image backend, score it against its identity and store it.

    Mode rules are enforced first (CharacterError, nothing stored); the PNG is stored as a
    ``character_render`` asset under the current version with the score, threshold and flag.
    ``steps`` (denoising steps) only matters to model backends.
    """
    if settings is None:
        settings = get_settings()
    ctx = project_context(ctx)
    bible = _verified(get_character(name, ctx))
    warnings = modes.enforce(bible, view=view, expression=expression, wardrobe=wardrobe,
                             palette_override=palette_override)
    ident = bible.identity.to_identity() if bible.identity else identity_from_bible(bible)
    if palette_override:
        ident = {**ident, "palette": list(palette_override)}
    look = wardrobe or bible.default_look
    engine = load_backend("image", backend, settings=settings)
    w, h = width or (384 if close_up else 512), height or (384 if close_up else 768)
    request = ImageRequest(kind="character", identities=[ident], view=view, expression=expression, wardrobe=look,
                           width=w, height=h, seed=ident["seed"], style=bible.style.value,
                           shot={"size": "close-up"} if close_up else None,
                           **({"steps": steps} if steps else {}),
                           reference_images=_references(ctx, bible) if "ip_adapter" in engine.capabilities else [])
    with ctx.recording():
        image = invoke(engine, "render", request, seed=ident["seed"], inputs=[ident],
                       params={"view": view, "expression": expression, "wardrobe": look, "width": w, "height": h,
                               "character_id": bible.character_id, "version": bible.version})
    call = last_call()
    score = score_render(image, bible.identity, look=look, settings=settings) if bible.identity else None
    asset = None
    if store:
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        parent = versions.current_version_asset(ctx, bible.character_id)
        meta = {"character_id": bible.character_id, "name": bible.name, "version": bible.version,
                "stage": bible.stage.value, "view": view, "expression": expression, "wardrobe": look,
                "backend": engine.name, "locked": bible.locked,
                "identity_hash": bible.identity.hash if bible.identity else None,
                "consistency": score.to_dict() if score else None,
                "score": score.score if score else None, "threshold": score.threshold if score else None,
                "flagged": score.flagged if score else False,
                "warnings": [v.to_dict() for v in warnings], **_render_notes(engine)}
        asset = ctx.put_asset(buf.getvalue(), kind=versions.RENDER_KIND,
                              name=f"{bible.character_id}-{view}-{expression}{'-cu' if close_up else ''}.png",
                              parent_id=parent.id if parent else None,
                              provenance=call.provenance() if call else {}, meta=meta)
    return RenderResult(image, asset, score, warnings)


def _render_notes(engine: Any) -> dict[str, Any]:
    """What a model backend says about its last render (prompt parts left out to fit the text
    encoder, IP-Adapter use) so the stored render shows it; previz has nothing to add."""
    last = getattr(engine, "last_render", None) or {}
    keys = ("notes", "prompt", "prompt_dropped", "negative_dropped", "prompt_tokens")
    return {f"render_{k}": last[k] for k in keys if k in last}


def _verified(bible: CharacterBible) -> CharacterBible:
    """The bible, after checking its identity record still matches its hash (nothing edited on disk)."""
    if bible.identity is not None and not bible.identity.verify():
        raise CharacterError(
            f"{bible.name}'s locked identity record fails its hash check ({bible.identity.hash[:19]}…): "
            "it was changed after the lock, so renders from it cannot be trusted.",
            hint=f"Restore the stored bible, or start a new version and lock it again: "
                 f"`studio character version {bible.character_id}`.")
    return bible


@dataclass
class FrameResult:
    """One stored storyboard frame: the image, its asset, a score per locked character, mode warnings."""

    image: Any
    asset: Any
    scores: dict[str, ConsistencyScore] = field(default_factory=dict)
    warnings: list[modes.Violation] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return any(s.flagged for s in self.scores.values())


def parse_heading(heading: str) -> dict[str, str]:
    """``"EXT. PARK - NIGHT"`` → {int_ext, location, time_of_day, heading} (what previz lights a frame by)."""
    text = heading.strip()
    m = re.match(r"^(INT\.?/EXT|EXT\.?/INT|I/E|INT|EXT|EST)\.?\s*(.*?)(?:\s*[-–—]+\s*([^-–—]+))?$", text, re.I)
    if not m:
        return {"int_ext": "INT", "location": text, "time_of_day": "DAY", "heading": text}
    return {"int_ext": m.group(1).upper().replace(".", ""), "location": m.group(2).strip(),
            "time_of_day": (m.group(3) or "DAY").strip().upper(), "heading": text}


def render_frame(names: Iterable[str], *, size: str = "wide", scene: str | dict[str, Any] | None = None,
                 description: str = "", number: str = "", expression: str = "neutral",
                 backend: str | None = None, width: int = 1280, height: int = 720, ctx: Any = None,
                 settings: Any = None, store: bool = True) -> FrameResult:
    """A storyboard frame of these characters, each drawn from its locked identity when it has one.

    ``scene`` is a scene heading (``"EXT. PARK - NIGHT"``) or a dict {int_ext, location, time_of_day}.
    Every character's mode rules are checked before anything is drawn (an unlocked avatar refuses the
    whole frame); each locked character gets a consistency score, stored with the ``storyboard_frame`` asset.
    """
    if settings is None:
        settings = get_settings()
    ctx = project_context(ctx)
    bibles = [_verified(get_character(n, ctx)) for n in names]
    if not bibles:
        raise CharacterError("A storyboard frame needs at least one character.",
                             hint="Name the characters in the shot: `studio character frame BOB MARGARET`.")
    warnings: list[modes.Violation] = []
    for bible in bibles:  # refuse the frame before anything is drawn
        warnings += modes.enforce(bible, view="three-quarter", expression=expression)
    scene_dict = parse_heading(scene) if isinstance(scene, str) else dict(scene or {})
    idents = [b.identity.to_identity() if b.identity else identity_from_bible(b) for b in bibles]
    engine = load_backend("image", backend, settings=settings)
    shot = {"size": size, "description": description, "number": number,
            "subjects": [b.name for b in bibles]}
    request = ImageRequest(kind="frame", identities=idents, shot=shot, scene=scene_dict, expression=expression,
                           width=width, height=height, seed=idents[0]["seed"], caption=description)
    with ctx.recording():
        image = invoke(engine, "render", request, seed=idents[0]["seed"], inputs=idents,
                       params={"shot": shot, "scene": scene_dict, "width": width, "height": height})
    call = last_call()
    scores = {b.character_id: score_render(image, b.identity, settings=settings) for b in bibles if b.identity}
    asset = None
    if store:
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        meta = {"characters": [b.character_id for b in bibles], "shot": shot, "scene": scene_dict,
                "backend": engine.name, "identity_hashes": {b.character_id: b.identity.hash for b in bibles
                                                            if b.identity},
                "consistency": {k: v.to_dict() for k, v in scores.items()},
                "flagged": [k for k, v in scores.items() if v.flagged],
                "warnings": [v.to_dict() for v in warnings], **_render_notes(engine)}
        label = f"{number}-" if number else ""
        asset = ctx.put_asset(buf.getvalue(), kind="storyboard_frame",
                              name=f"frame-{label}{size}-{'-'.join(b.character_id for b in bibles)}.png",
                              provenance=call.provenance() if call else {}, meta=meta)
    return FrameResult(image, asset, scores, warnings)


def _references(ctx: Any, bible: CharacterBible) -> list[Any]:
    """The locked reference images of the current version (for IP-Adapter conditioning)."""
    if bible.identity is None:
        return []
    from PIL import Image

    wanted = set(bible.identity.reference_hashes)
    out = []
    for asset in ctx.list_assets(kind=versions.REFERENCE_KIND):
        if asset.meta.get("character_id") == bible.character_id and f"sha256:{asset.sha256}" in wanted:
            out.append(Image.open(io.BytesIO(ctx.read_bytes(asset.id))).convert("RGB"))
    return out


def lock(name: str, references: Iterable[Any] = (), ctx: Any = None, settings: Any = None) -> CharacterBible:
    """Lock a character's identity (descriptors, seed, references, embedding) and store the locked version.

    Every reference is validated before anything is written.
    """
    ctx = project_context(ctx)
    bible = get_character(name, ctx)
    # no references given: the bible's approved ones (stored asset ids or file paths)
    sources = list(references) or [ctx.read_bytes(int(r)) if str(r).isdigit() else r for r in bible.reference_images]
    locked, refs = identity_mod.lock(bible, user=ctx.user, references=sources, settings=settings)
    if locked is bible:  # already locked with this look
        return bible
    record = versions.save_version(ctx, locked)
    assert record.asset_id is not None and locked.identity is not None   # a saved version, a locked identity
    for i, (data, label) in enumerate(refs):
        ctx.put_asset(data, kind=versions.REFERENCE_KIND, name=f"{bible.character_id}-v{bible.version}-ref{i}.png",
                      parent_id=int(record.asset_id), meta={"character_id": bible.character_id,
                                                             "version": bible.version, "source": Path(label).name})
    versions.save_bible(ctx, locked)
    ctx.audit("character.lock", target=f"character:{bible.character_id}",
              detail={"version": bible.version, "identity_hash": locked.identity.hash,
                      "references": list(locked.identity.reference_hashes)})
    return locked


def approve(name: str, stage: str, *, by: str | None = None, note: str = "", ctx: Any = None) -> CharacterBible:
    """Approve the next stage (casting, final): records who and when, stores the new stage version."""
    ctx = project_context(ctx)
    bible = get_character(name, ctx)
    try:
        target = VersionStage(stage)
    except ValueError:
        raise CharacterError(f"Unknown stage {stage!r}.", hint="Use casting or final.") from None
    approval = Approval(stage=target, by=by or ctx.user, note=note)
    moved = versions.advance(bible, target, approval)
    versions.save_version(ctx, moved, approvals=[approval])
    versions.save_bible(ctx, moved)
    ctx.audit("character.approve", target=f"character:{bible.character_id}",
              detail={"stage": target.value, "by": approval.by, "at": approval.at.isoformat(),
                      "version": moved.version, "note": note})
    return moved


def new_version(name: str, ctx: Any = None) -> CharacterBible:
    """Start the next version (unlocked, concept) so the look can change."""
    ctx = project_context(ctx)
    bible = versions.next_version(get_character(name, ctx))
    versions.save_version(ctx, bible)
    versions.save_bible(ctx, bible)
    ctx.audit("character.version", target=f"character:{bible.character_id}", detail={"version": bible.version})
    return bible


def history(name: str, ctx: Any = None) -> list[Any]:
    """Stored versions of a character (oldest first) with their renders and approvals."""
    ctx = project_context(ctx)
    return versions.history(ctx, get_character(name, ctx).character_id)


def sheet(name: str, out_dir: str | Path, *, backend: str | None = None, ctx: Any = None,
          settings: Any = None) -> dict[str, Path]:
    """Render the turnaround + expression sheet, store every panel and the sheet, write PNGs to ``out_dir``."""
    ctx = project_context(ctx)
    bible = get_character(name, ctx)
    if settings is None:
        settings = get_settings()
    views = TURNAROUND      # all the way round: front, three-quarter, profile and back
    for view, expression in [(v, "neutral") for v in views] + [("front", e) for e in EXPRESSIONS]:
        modes.enforce(bible, view=view, expression=expression)  # refuse the whole sheet before any panel

    def panel(view: str, expression: str, close_up: bool, size: tuple[int, int]):
        return render(name, backend=backend, view=view, expression=expression, close_up=close_up,
                      width=size[0], height=size[1], ctx=ctx, settings=settings).image

    state = "locked " + bible.identity.hash[7:19] if bible.identity else "unlocked"
    result = build_sheet(panel, f"{bible.name} — character sheet",
                         f"v{bible.version} · {bible.stage.value} · {bible.mode.value} · {state}", views=views)
    buf = io.BytesIO()
    result.sheet.save(buf, format="PNG")
    parent = versions.current_version_asset(ctx, bible.character_id)
    ctx.put_asset(buf.getvalue(), kind="character_sheet", name=f"{bible.character_id}-sheet.png",
                  parent_id=parent.id if parent else None,
                  meta={"character_id": bible.character_id, "version": bible.version})
    return result.save(out_dir, bible.character_id)


def continuity_report(script: Any, ctx: Any = None, *, use_breakdown: bool = True):
    """Wardrobe continuity of ``script`` (path or Script) using the project's bibles when there are any."""
    parsed = script if isinstance(script, Script) else _load_script(script)
    try:
        bibles = list_characters(ctx)
    except CharacterError:
        bibles = []
    return report(parsed, bibles, use_breakdown=use_breakdown)
