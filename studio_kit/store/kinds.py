"""What an asset is: the :class:`AssetKind` enum.

Members are ``StrEnum`` values equal to the strings already stored in the
``asset.kind`` column, so existing databases, ``kind="script"`` callers and
``list_assets(kind=...)`` filters keep working unchanged. A new engine adds its
kinds here. A plugin may still store a kind this enum does not list, as long
as it follows the same grammar (lower case, digits, ``_ . -``; at most 64
characters), so a kind is never an arbitrary string.
"""
from __future__ import annotations

import re
from enum import StrEnum

from studio_kit.exceptions import StoreError

KIND_GRAMMAR = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


class AssetKind(StrEnum):
    # writing
    SCRIPT = "script"
    SCRIPT_PDF = "script_pdf"
    # pre-production
    BREAKDOWN = "breakdown"
    BREAKDOWN_EDITS = "breakdown-edits"
    SCHEDULE = "schedule"
    BUDGET = "budget"
    CALL_SHEET = "call_sheet"
    # characters
    CHARACTER = "character"
    CHARACTER_BIBLE = "character_bible"
    CHARACTER_RENDER = "character_render"
    CHARACTER_REFERENCE = "character_reference"
    CHARACTER_SHEET = "character_sheet"
    STORYBOARD_FRAME = "storyboard_frame"
    # production
    SHOT_FRAME = "shot_frame"
    SHOT_PLAN = "shot_plan"
    SHOT_VIDEO = "shot_video"
    FOOTAGE_TAKE = "footage_take"
    FOOTAGE_PROXY = "footage_proxy"
    FOOTAGE_THUMBNAIL = "footage_thumbnail"
    CUT = "cut"
    # post-production
    ANIMATIC = "animatic"
    CUT_RENDER = "cut_render"
    CUT_EXPORT = "cut_export"
    POST_TIMELINE = "post.timeline"
    # platform
    RUN_NOTEBOOK = "run_notebook"
    PROJECT_CARD = "project_card"
    EDIT_STREAM = "edit-stream"


def asset_kind(value: AssetKind | str) -> str:
    """The stored string of a kind: an :class:`AssetKind`, or a string that follows the kind grammar."""
    if isinstance(value, AssetKind):
        return value.value
    if not isinstance(value, str) or not KIND_GRAMMAR.match(value):
        known = ", ".join(k.value for k in AssetKind)
        raise StoreError(f"Asset kind {value!r} is not valid.",
                         hint=f"Use an AssetKind ({known}) or a lower-case name of letters, digits, '_', '.' "
                              "or '-' (at most 64 characters).")
    return value
