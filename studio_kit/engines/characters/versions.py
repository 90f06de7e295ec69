"""Character versions: concept → casting → final, with approvals, history and diffs.

Each stage a character reaches is a stored version: a ``character`` asset
(JSON of a :class:`CharacterVersion`: bible snapshot, identity hash, approvals)
in the project store; renders are ``character_render`` assets whose parent is
that version. Moving forward one stage needs an approval for that stage
(who and when), which is also written to the audit log. Changing a locked look
starts a new version number back at ``concept``.

Approvals go through the one review workflow of :mod:`studio_kit.platform.reviews`
(subject ``character:ID@VERSION``): casting approves the version (the acting user
needs approve_character), final locks it, and the ``character.final`` gate
refuses a final for a version that was never approved. The ``approvals`` kept in
each stored :class:`CharacterVersion` are the history shown in the Character Lab.
"""
from __future__ import annotations

from typing import Any

from studio_kit.domain.character import APPEARANCE_FIELDS, Approval, CharacterBible, CharacterVersion, VersionStage
from studio_kit.exceptions import CharacterError
from studio_kit.platform import reviews

VERSION_KIND = "character"
BIBLE_KIND = "character_bible"
RENDER_KIND = "character_render"
REFERENCE_KIND = "character_reference"


def advance(bible: CharacterBible, to: VersionStage | str, approval: Approval | None) -> CharacterBible:
    """The bible moved to stage ``to``; needs the next stage in order and an approval for it."""
    to = VersionStage(to)
    expected = bible.stage.next
    if expected is None:
        raise CharacterError(f"{bible.name} v{bible.version} is already final.",
                             hint=f"Start a new version to change it: `studio character version {bible.character_id}`.")
    if to != expected:
        raise CharacterError(f"{bible.name} is at {bible.stage.value}; the next stage is {expected.value}, "
                             f"not {to.value}.", hint=f"Approve {expected.value} first.")
    if approval is None or approval.stage != to or not approval.by.strip():
        raise CharacterError(f"Moving {bible.name} to {to.value} needs an approval (who and when).",
                             hint=f"`studio character approve {bible.character_id} --stage {to.value}`.")
    if to == VersionStage.FINAL and bible.identity is None:
        raise CharacterError(f"{bible.name} must be locked before the final approval.",
                             hint=f"`studio character lock {bible.character_id}` first.")
    return bible.model_copy(update={"stage": to})


def next_version(bible: CharacterBible) -> CharacterBible:
    """A new version of the character: number + 1, unlocked, back at concept (the look may change)."""
    return bible.model_copy(update={"version": bible.version + 1, "identity": None,
                                    "stage": VersionStage.CONCEPT})


def diff_bibles(old: CharacterBible, new: CharacterBible) -> list[dict[str, Any]]:
    """Descriptor changes between two bibles: [{"field", "old", "new"}], appearance field by field."""
    out = []
    for f in APPEARANCE_FIELDS:
        a, b = getattr(old.appearance, f), getattr(new.appearance, f)
        if a != b:
            out.append({"field": f"appearance.{f}", "old": a, "new": b})
    for f in ("name", "role", "age", "pronouns", "description", "traits", "backstory", "palette", "default_look",
              "style", "mode", "seed", "voice_profile", "stage", "version"):
        a, b = getattr(old, f), getattr(new, f)
        a = getattr(a, "value", a)
        b = getattr(b, "value", b)
        if a != b:
            out.append({"field": f, "old": a, "new": b})
    old_w = {k: w.model_dump(mode="json") for k, w in old.wardrobe.items()}
    new_w = {k: w.model_dump(mode="json") for k, w in new.wardrobe.items()}
    for k in sorted(set(old_w) | set(new_w)):
        if old_w.get(k) != new_w.get(k):
            out.append({"field": f"wardrobe.{k}", "old": old_w.get(k), "new": new_w.get(k)})
    a = old.identity.hash if old.identity else None
    b = new.identity.hash if new.identity else None
    if a != b:
        out.append({"field": "identity", "old": a, "new": b})
    return out


# -- store -------------------------------------------------------------------------

def save_bible(ctx: Any, bible: CharacterBible) -> Any:
    """Store the bible as the newest ``character_bible`` asset (JSON); returns the asset record."""
    return ctx.put_asset(bible.to_json(), kind=BIBLE_KIND, name=f"{bible.character_id}.json",
                         meta={"character_id": bible.character_id, "name": bible.name, "version": bible.version,
                               "stage": bible.stage.value, "mode": bible.mode.value, "locked": bible.locked})


def review_subject(bible: CharacterBible) -> str:
    """The review-workflow subject of a character version: ``character:mara@2``."""
    return f"{VERSION_KIND}:{bible.character_id}@{bible.version}"


def record_approvals(ctx: Any, bible: CharacterBible, approvals: list[Approval]) -> None:
    """Pass each approval through the review workflow (permission, gate, audit, inbox, milestones)."""
    subject = review_subject(bible)
    for a in approvals:
        if a.stage == VersionStage.FINAL:
            item = reviews.get(ctx, subject)
            if item is None or item.state != "approved":
                reviews.require_gate(ctx, "character.final", subject)  # raises while the gate is on
                reviews.approve(ctx, subject, stage=a.stage.value, by=a.by, note=a.note or None)
            reviews.lock(ctx, subject, stage=a.stage.value)
        else:
            reviews.approve(ctx, subject, stage=a.stage.value, by=a.by, note=a.note or None)


def save_version(ctx: Any, bible: CharacterBible, approvals: list[Approval] | None = None) -> CharacterVersion:
    """Store a snapshot of the bible at its current stage as a ``character`` asset; its
    approvals are decided by the review workflow first (nothing is stored if it refuses)."""
    if approvals:
        record_approvals(ctx, bible, approvals)
    record = CharacterVersion(character_id=bible.character_id, number=bible.version, stage=bible.stage,
                              bible=bible, identity_hash=bible.identity.hash if bible.identity else None,
                              approvals=approvals or [], created_by=ctx.user)
    asset = ctx.put_asset(record.model_dump_json(indent=2), kind=VERSION_KIND, name=f"{bible.character_id}.json",
                          meta={"character_id": bible.character_id, "version": bible.version,
                                "stage": bible.stage.value, "identity_hash": record.identity_hash,
                                "approved_by": [a.by for a in record.approvals]})
    return record.model_copy(update={"asset_id": str(asset.id)})


def history(ctx: Any, character_id: str) -> list[CharacterVersion]:
    """Every stored version of a character, oldest first, each with its render asset ids."""
    out = []
    renders = ctx.list_assets(kind=RENDER_KIND)
    for asset in ctx.versions(VERSION_KIND, f"{character_id}.json"):
        record = CharacterVersion.model_validate_json(ctx.read_bytes(asset.id))
        ids = [str(r.id) for r in renders if r.parent_id == asset.id]
        out.append(record.model_copy(update={"asset_id": str(asset.id), "render_ids": ids}))
    return out


def current_version_asset(ctx: Any, character_id: str) -> Any:
    """The newest ``character`` asset of a character (renders hang under it), or None."""
    return ctx.latest(VERSION_KIND, f"{character_id}.json")
