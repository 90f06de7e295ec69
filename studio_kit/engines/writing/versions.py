"""Stored script versions: every save is an Asset (kind "script") whose parent is the previous save.

    from studio_kit.store import open_store
    from studio_kit.engines.writing.versions import save_version, list_versions, diff_versions
    ctx = open_store().project("acme", "night-shift", user="ana")
    v1 = save_version(ctx, fountain_text, name="night-shift.fountain")          # White draft
    v2 = save_version(ctx, edited_text, name="night-shift.fountain", revise=True)  # Blue revision
    diff_versions(ctx, v1.asset_id, v2.asset_id).summary()

A save with ``revise=True`` starts the next revision colour; a plain save
stays in the current colour. Every save locks scene numbers against the
previous version (unchanged scenes keep theirs, inserted scenes get 12A,
cut ones stay as OMITTED) and records, in the asset's meta, the revision
and the source lines that changed since the revision began (the asterisks).

Permissions (``studio_kit/data/platform/permissions.yaml``): a save needs ``edit_script``;
a save that adds or removes the ``[[Scene numbers locked]]`` note, and :func:`lock_numbers`,
need ``lock_scene_numbers``. A refused save writes nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.fountain_writer import write_fountain
from studio_kit.engines.writing.revisions import Revision, changed_lines
from studio_kit.engines.writing.scenes import LOCK_NOTE, scene_numbers_locked
from studio_kit.engines.writing.script_diff import (
    ScriptDiff,
    diff_scripts,
    lock_scene_numbers,
    old_numbers,
)
from studio_kit.exceptions import ScriptError
from studio_kit.platform import permissions

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.store import AssetRecord, ProjectContext

SCRIPT_KIND = "script"


@dataclass
class ScriptVersion:
    """One stored save of a script."""

    asset_id: int
    name: str
    version: int                  # 1, 2, 3 ... per (kind, name), from the store
    parent_id: int | None
    revision: Revision
    scene_numbers: list[str]
    omitted: list[str]
    created_by: str | None
    created_at: dt.datetime | None
    summary: dict[str, int]       # scenes unchanged/changed/added/omitted against the parent

    @property
    def colour(self) -> str:
        return self.revision.colour

    @classmethod
    def from_record(cls, record: AssetRecord) -> ScriptVersion:
        meta = record.meta or {}
        return cls(asset_id=record.id, name=record.name, version=record.version, parent_id=record.parent_id,
                   revision=Revision.from_meta(meta.get("revision") or {}),
                   scene_numbers=list(meta.get("scene_numbers") or []), omitted=list(meta.get("omitted") or []),
                   created_by=record.created_by, created_at=record.created_at,
                   summary=dict(meta.get("diff") or {}))


def _parse(text: str) -> Script:
    return parse_fountain(text)


def _write(script: Script) -> str:
    return write_fountain(script)


def _as_text(source: str | Script) -> str:
    if isinstance(source, Script):
        return _write(source)
    if not isinstance(source, str):
        raise ScriptError(f"A script version must be Fountain text or a Script, not {type(source).__name__}.",
                          hint="Pass the Fountain source (str) or a parsed Script.")
    return source


def _number_first_draft(script: Script) -> Script:
    """The first stored draft locks its scenes as 1, 2, 3 ... (numbers already written are kept)."""
    numbers = old_numbers(script)
    heading_numbers = {id(s.elements[0]): n for s, n in zip(script.scenes, numbers) if s.elements}
    elements = [el.model_copy(update={"scene_number": heading_numbers[id(el)]}) if id(el) in heading_numbers else el
                for el in script.elements]
    return script.model_copy(update={"elements": elements})


def save_version(ctx: ProjectContext, source: str | Script, *, name: str, revise: bool = False,
                 date: dt.date | None = None, provenance: dict | None = None) -> ScriptVersion:
    """Store ``source`` as the next version of script ``name`` in the project; returns the version.

    The stored text is the draft with its locked scene numbers written in
    (``#12A#``) and OMITTED headings for cut scenes. ``revise=True`` starts
    the next revision colour (Blue after White ...) dated ``date`` (today).
    """
    text = _as_text(source)
    draft = _parse(text)
    if not draft.elements:
        raise ScriptError(f"Script {name!r} is empty: nothing to save.", hint="Write at least one scene or line.")
    parent = ctx.latest(SCRIPT_KIND, name)
    wanted: tuple[str, ...] = ("edit_script",)
    if scene_numbers_locked(draft.elements) != _locked(ctx, parent):   # the save locks (or unlocks) the numbers
        wanted += ("lock_scene_numbers",)
    permissions.require_in_project(ctx, *wanted)      # before anything is written
    return _store(ctx, draft, name=name, parent=parent, revise=revise, date=date, provenance=provenance)


def _locked(ctx: ProjectContext, record: AssetRecord | None) -> bool:
    """Whether a stored version carries the ``[[Scene numbers locked]]`` note."""
    if record is None:
        return False
    meta = record.meta or {}
    if "numbers_locked" in meta:
        return bool(meta["numbers_locked"])
    return scene_numbers_locked(_parse(ctx.read_text(record.id)).elements)   # versions saved before the flag


def lock_numbers(ctx: ProjectContext, name: str, *, unlock: bool = False) -> ScriptVersion:
    """Lock the scene numbers of script ``name`` (a producer's call, once the crew schedules by them):
    the next version is the latest with the ``[[Scene numbers locked]]`` note written in (removed with
    ``unlock``). Needs the lock_scene_numbers permission only: the text itself does not change."""
    parent = ctx.latest(SCRIPT_KIND, name)
    if parent is None:
        raise ScriptError(f"Script {name!r} has no stored version to lock.",
                          hint="Save a version first (the Script Room, or save_version()).")
    permissions.require_in_project(ctx, "lock_scene_numbers")
    if _locked(ctx, parent) != unlock:
        raise ScriptError(f"The scene numbers of {name} v{parent.version} are already "
                          f"{'unlocked' if unlock else 'locked'}.", hint="Nothing to do.")
    draft = _parse(ctx.read_text(parent.id))
    if unlock:
        elements = [el for el in draft.elements if not scene_numbers_locked([el])]
    else:
        note = Element(type=ElementType.NOTE, text=LOCK_NOTE)
        elements = [*draft.elements[:1], note, *draft.elements[1:]] if draft.elements else [note]
    draft = _parse(_write(draft.model_copy(update={"elements": elements})))
    version = _store(ctx, draft, name=name, parent=parent, revise=False, date=None,
                     provenance={"action": "unlock_scene_numbers" if unlock else "lock_scene_numbers"})
    ctx.audit("script.unlock_numbers" if unlock else "script.lock_numbers", target=f"asset:{version.asset_id}",
              detail={"name": name, "version": version.version})
    return version


def _store(ctx: ProjectContext, draft: Script, *, name: str, parent: AssetRecord | None, revise: bool,
           date: dt.date | None, provenance: dict | None) -> ScriptVersion:
    date = date or dt.date.today()
    if parent is None:
        locked = _parse(_write(_number_first_draft(draft)))
        revision = Revision(number=0, date=date)
        summary: dict[str, int] = {"unchanged": 0, "changed": 0, "added": len(locked.scenes), "omitted": 0}
        base_id = None
    else:
        previous = _parse(ctx.read_text(parent.id))
        parent_rev = Revision.from_meta((parent.meta or {}).get("revision") or {})
        rebuilt, diff = lock_scene_numbers(previous, draft)
        locked = _parse(_write(rebuilt))
        summary = diff.summary()
        if revise:
            revision = parent_rev.next(date)
            base_id = parent.id
        else:
            revision = Revision(number=parent_rev.number, date=parent_rev.date, colour=parent_rev.colour)
            base_id = (parent.meta or {}).get("base_id")
    stored_text = _write(locked)
    locked = _parse(stored_text)          # line numbers of exactly what is stored
    if parent is not None and revision.is_revision and base_id is not None:
        # marks accumulate over the whole revision: compare with the draft it started from
        base = previous if base_id == parent.id else _parse(ctx.read_text(base_id))
        revision.changed_lines = changed_lines(base, locked)
    meta = {"revision": revision.to_meta(), "base_id": base_id,
            "scene_numbers": [s.number for s in locked.scenes if s.heading.strip().upper() != "OMITTED"],
            "omitted": [s.number for s in locked.scenes if s.heading.strip().upper() == "OMITTED"],
            "scenes": len(locked.scenes), "diff": summary, "title": locked.title,
            "numbers_locked": scene_numbers_locked(locked.elements)}
    record = ctx.put_asset(stored_text, kind=SCRIPT_KIND, name=name, parent_id=parent.id if parent else None,
                           provenance={"engine": "writing.versions", **(provenance or {})}, meta=meta,
                           mime="text/plain")
    ctx.audit("script.save", target=f"asset:{record.id}",
              detail={"name": name, "version": record.version, "colour": revision.colour, **summary})
    return ScriptVersion.from_record(record)


def list_versions(ctx: ProjectContext, name: str) -> list[ScriptVersion]:
    """Every stored version of script ``name``, oldest first."""
    return [ScriptVersion.from_record(r) for r in ctx.versions(SCRIPT_KIND, name)]


def load_version(ctx: ProjectContext, asset_id: int) -> Script:
    """The stored draft as a Script, with its revision (colour, date, marks) in ``metadata["revision"]``.

    ``render_pdf`` picks the revision up: header and asterisks print as stored.
    """
    record = ctx.get_asset(asset_id)
    if record.kind != SCRIPT_KIND:
        raise ScriptError(f"Asset {asset_id} is a {record.kind!r}, not a script version.",
                          hint="Pass the id of an asset saved with save_version().")
    script = _parse(ctx.read_text(asset_id))
    script.metadata["revision"] = (record.meta or {}).get("revision") or Revision().to_meta()
    script.metadata["asset_id"] = record.id
    script.metadata["version"] = record.version
    return script


def diff_versions(ctx: ProjectContext, old_id: int, new_id: int) -> ScriptDiff:
    """Scene- and line-level differences between two stored versions."""
    return diff_scripts(load_version(ctx, old_id), load_version(ctx, new_id))
