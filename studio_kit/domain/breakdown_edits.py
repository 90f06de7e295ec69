"""Manual breakdown edits, kept as a log and re-applied after every re-tag.

A producer's corrections (add a tag the tagger missed, remove a false one,
move an element to another category, merge "REEL" into "FILM REEL") are
stored as an ordered JSON edit log, not baked into a breakdown. Re-running the
automatic tagger on a revised draft and applying the log again gives the same
corrections on the new draft. Scenes are addressed by heading (plus its
occurrence, for repeated headings) with the scene number as a fallback, so
inserted or renumbered scenes do not send an edit to the wrong scene.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from studio_kit.domain.preproduction import (
    Breakdown,
    BreakdownCategory,
    BreakdownSheet,
    CastMember,
    Tag,
    TagOrigin,
    dedupe,
    element_id,
)
from studio_kit.exceptions import EditError
from studio_kit.store.files import atomic_open


class SceneRef(BaseModel):
    """Which scene an edit is for: heading (+ nth occurrence) first, number as fallback."""

    heading: str = ""
    occurrence: int = 0
    number: str | None = None

    @classmethod
    def of(cls, breakdown: Breakdown, sheet: BreakdownSheet) -> SceneRef:
        same = [s for s in breakdown.sheets if _norm(s.heading) == _norm(sheet.heading)]
        return cls(heading=sheet.heading, occurrence=same.index(sheet), number=sheet.scene_number)

    def find(self, breakdown: Breakdown) -> BreakdownSheet | None:
        same = [s for s in breakdown.sheets if _norm(s.heading) == _norm(self.heading)]
        if len(same) > self.occurrence:
            return same[self.occurrence]
        return next((s for s in breakdown.sheets if self.number and s.scene_number == self.number), None)


class Edit(BaseModel):
    """One manual correction."""

    op: Literal["add", "remove", "recategorise", "merge"]
    category: BreakdownCategory
    name: str                                   # the element (merge: the target name)
    scene: SceneRef | None = None               # None = every scene
    new_category: BreakdownCategory | None = None   # recategorise
    sources: list[str] = Field(default_factory=list)  # merge: names folded into `name`
    note: str = ""
    user: str = ""
    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


class EditLog(BaseModel):
    """An ordered list of edits; ``apply`` replays them on a fresh breakdown."""

    edits: list[Edit] = Field(default_factory=list)
    #: the locked cast list (character name -> cast number). Once the board is out, cast numbers
    #: must not move when a revision changes who is in most scenes: locked names keep their number,
    #: new characters are numbered after the highest one, a cut character's number is not reused.
    cast_numbers: dict[str, int] = Field(default_factory=dict)

    def lock_cast(self, breakdown: Breakdown) -> dict[str, int]:
        """Lock the breakdown's cast numbers (added to any already locked); returns the locked list."""
        for member in breakdown.cast:
            self.cast_numbers.setdefault(member.name.upper(), member.id)
        return dict(self.cast_numbers)

    # -- recording -------------------------------------------------------
    def _ref(self, breakdown: Breakdown | None, scene: int | str | None) -> SceneRef | None:
        if scene is None:
            return None
        if breakdown is None:
            return SceneRef(number=str(scene))
        for s in breakdown.sheets:
            if (s.scene_index == scene) if isinstance(scene, int) else (str(scene) == s.scene_number):
                return SceneRef.of(breakdown, s)
        raise EditError(f"No scene {scene!r} in the breakdown of {breakdown.title!r}.",
                        hint="Use a scene index (0-based) or a scene number shown on the breakdown sheet.")

    def add(self, category: BreakdownCategory | str, name: str, scene: int | str, *, breakdown: Breakdown | None = None,
            note: str = "", user: str = "") -> Edit:
        """Tag ``name`` in ``scene`` (index or scene number)."""
        edit = Edit(op="add", category=BreakdownCategory(category), name=name.strip(), scene=self._ref(breakdown, scene),
                    note=note, user=user)
        self.edits.append(edit)
        return edit

    def remove(self, category: BreakdownCategory | str, name: str, scene: int | str | None = None, *,
               breakdown: Breakdown | None = None, user: str = "") -> Edit:
        """Remove a tag from one scene, or from every scene when ``scene`` is None."""
        edit = Edit(op="remove", category=BreakdownCategory(category), name=name.strip(),
                    scene=self._ref(breakdown, scene), user=user)
        self.edits.append(edit)
        return edit

    def recategorise(self, category: BreakdownCategory | str, name: str, new_category: BreakdownCategory | str,
                     scene: int | str | None = None, *, breakdown: Breakdown | None = None, user: str = "") -> Edit:
        edit = Edit(op="recategorise", category=BreakdownCategory(category), name=name.strip(),
                    new_category=BreakdownCategory(new_category), scene=self._ref(breakdown, scene), user=user)
        self.edits.append(edit)
        return edit

    def merge(self, category: BreakdownCategory | str, sources: list[str], into: str, *, user: str = "") -> Edit:
        """Fold duplicates (``["REEL"]``) into one element (``"FILM REEL"``) in every scene."""
        edit = Edit(op="merge", category=BreakdownCategory(category), name=into.strip(),
                    sources=[s.strip() for s in sources], user=user)
        self.edits.append(edit)
        return edit

    # -- replay ----------------------------------------------------------
    def apply(self, breakdown: Breakdown) -> Breakdown:
        """A copy of ``breakdown`` with every edit replayed in order (the input is not changed).

        Edits whose scene no longer exists are skipped and listed in the
        breakdown's warnings rather than failing the whole re-tag.
        """
        out = breakdown.model_copy(deep=True)
        for edit in self.edits:
            sheets = out.sheets
            if edit.scene is not None:
                sheet = edit.scene.find(out)
                if sheet is None:
                    out.warnings.append(f"edit '{edit.op} {edit.name}' skipped: scene '{edit.scene.heading}' is gone")
                    continue
                sheets = [sheet]
            getattr(self, f"_apply_{edit.op}")(out, edit, sheets)
        for sheet in out.sheets:
            sheet.tags = dedupe(sheet.tags)
        _recount_cast(out)
        return out

    @staticmethod
    def _matches(tag: Tag, category: BreakdownCategory, names: list[str]) -> bool:
        wanted = {_norm(n) for n in names}
        return tag.category == category and (_norm(tag.name) in wanted or _norm(tag.matched) in wanted)

    def _apply_add(self, out: Breakdown, edit: Edit, sheets: list[BreakdownSheet]) -> None:
        cast_id = None
        if edit.category == BreakdownCategory.CAST:
            member = next((c for c in out.cast if _norm(c.name) == _norm(edit.name)), None)
            if member is None:
                member = CastMember(id=max((c.id for c in out.cast), default=0) + 1, name=edit.name.upper(), scenes=0)
                out.cast.append(member)
            cast_id = member.id
        for sheet in sheets:
            sheet.tags.append(Tag(category=edit.category, name=edit.name,
                                  element_id=f"cast:{cast_id}" if cast_id else element_id(edit.category, edit.name),
                                  matched=edit.name, confidence=1.0, origin=TagOrigin.MANUAL, cast_id=cast_id,
                                  note=edit.note))

    def _apply_remove(self, out: Breakdown, edit: Edit, sheets: list[BreakdownSheet]) -> None:
        for sheet in sheets:
            sheet.tags = [t for t in sheet.tags if not self._matches(t, edit.category, [edit.name])]

    def _apply_recategorise(self, out: Breakdown, edit: Edit, sheets: list[BreakdownSheet]) -> None:
        new = edit.new_category or edit.category
        for sheet in sheets:
            for i, t in enumerate(sheet.tags):
                if self._matches(t, edit.category, [edit.name]):
                    sheet.tags[i] = t.model_copy(update={"category": new, "element_id": element_id(new, t.name),
                                                         "cast_id": None if new != BreakdownCategory.CAST else t.cast_id,
                                                         "origin": TagOrigin.MANUAL})

    def _apply_merge(self, out: Breakdown, edit: Edit, sheets: list[BreakdownSheet]) -> None:
        target_id = element_id(edit.category, edit.name)
        for sheet in sheets:
            for i, t in enumerate(sheet.tags):
                if self._matches(t, edit.category, edit.sources + [edit.name]):
                    sheet.tags[i] = t.model_copy(update={"name": edit.name, "element_id": target_id})

    # -- persistence -----------------------------------------------------
    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> EditLog:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise EditError(f"The breakdown edit log is not valid: {first['msg']} at {first['loc']}.",
                            hint="Fix or delete the edit log JSON; it is re-created by the next edit.") from exc

    def save(self, path: str | Path) -> Path:
        """Write the log atomically (temp file + rename), so a crash never leaves half a log."""
        path = Path(path)
        with atomic_open(path, "w") as fh:
            fh.write(self.to_json())
        return path

    @classmethod
    def load(cls, path: str | Path) -> EditLog:
        path = Path(path)
        if not path.exists():
            return cls()
        return cls.from_json(path.read_text(encoding="utf-8"))

    def save_to_store(self, ctx, *, name: str = "breakdown-edits.json", parent_id: int | None = None):
        """Store the log as an asset of kind ``breakdown-edits`` (a new version on each save)."""
        return ctx.put_asset(self.to_json().encode(), kind="breakdown-edits", name=name, parent_id=parent_id,
                             meta={"edits": len(self.edits)})

    @classmethod
    def load_from_store(cls, ctx, asset_id) -> EditLog:
        return cls.from_json(ctx.read_bytes(asset_id))


def _recount_cast(out: Breakdown) -> None:
    """Refresh each cast member's scene list after edits added or removed cast tags."""
    by_id = {c.id: c for c in out.cast}
    seen: dict[int, list[int]] = {cid: [] for cid in by_id}
    for sheet in out.sheets:
        for t in sheet.tags_in(BreakdownCategory.CAST):
            if t.cast_id in seen and sheet.scene_index not in seen[t.cast_id]:
                seen[t.cast_id].append(sheet.scene_index)
    for cid, idx in seen.items():
        by_id[cid].scene_indices = idx
        by_id[cid].scenes = len(idx)
