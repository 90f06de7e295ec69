"""Production domain models: rendered shots, the shot plan, footage takes, coverage and continuity.

The shot plan is the production engine's record of the script's coverage: one
:class:`ShotFrame` per planned shot (from the writing engine's shot list) with the
frame asset chosen for it, its variants, and its status after a script revision
(``new``, ``kept``, ``omitted``: locked shot numbers survive revisions, inserted
shots get letters — 4.2A — the way scene numbers do). Timing is not kept here:
the film's timing is ``domain/timeline.py``.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from studio_kit.domain.media import MediaInfo
from studio_kit.exceptions import ProductionError

#: shot movements the animatic can render (the writing engine's vocabulary plus editors' names)
MOVEMENTS = ("static", "push in", "pull out", "pan left", "pan right", "tilt up", "tilt down", "ken burns",
             "dolly in", "dolly out", "pan", "tilt", "tracking", "handheld", "crane", "zoom in", "zoom out")


class ShotFrame(BaseModel):
    """One planned shot and the frame chosen for it."""

    number: str                              # "4.2", "4.2A" (inserted after numbers were locked)
    scene_index: int
    scene_number: str | None = None
    heading: str = ""
    int_ext: str = ""
    location: str = ""
    time_of_day: str = ""
    size: str = "wide"
    angle: str = "eye level"
    movement: str = "static"
    subjects: list[str] = Field(default_factory=list)      # names as the script writes them
    characters: list[str] = Field(default_factory=list)    # character ids found in the project
    description: str = ""
    action: str = ""                         # action lines the shot covers
    dialogue: list[str] = Field(default_factory=list)      # "MARA: Boat's late."
    seconds: float = 0.0                     # the shot list's estimate (the timeline decides the cut)
    status: str = "new"                      # new, kept, revised, omitted
    seed: int | None = None
    prompt_tweak: str = ""
    asset_id: int | None = None              # the chosen frame
    variants: list[int] = Field(default_factory=list)      # every frame rendered for this shot, oldest first
    video_asset_id: int | None = None        # an AI video render of the shot (video backend), used by the animatic
    backend: str = ""
    consistency: dict[str, float] = Field(default_factory=dict)  # character id -> score of the chosen frame
    flagged: list[str] = Field(default_factory=list)       # characters whose score fell under the threshold
    previz: dict[str, Any] = Field(default_factory=dict)   # 3D previz nudges: {"marks": {NAME: [dx, dy]}, "orbit", "lens"}

    @property
    def scene_label(self) -> str:
        return self.scene_number or str(self.scene_index + 1)

    @property
    def signature(self) -> str:
        """What makes two shots of two drafts 'the same shot' (scene place, size, framing, description)."""
        return "|".join([self.location.upper(), self.size, ",".join(sorted(self.subjects)), self.description])


class ShotPlan(BaseModel):
    """Every shot of one script with the frame chosen for it (stored as a versioned JSON asset)."""

    title: str = "Untitled"
    script_name: str = "script"
    script_sha256: str = ""
    source: str = ""                         # where the script was read from (its path), for later steps
    width: int = 1280
    height: int = 720
    shots: list[ShotFrame] = Field(default_factory=list)
    revision: int = 1

    def shot(self, number: str) -> ShotFrame:
        for s in self.shots:
            if s.number == number:
                return s
        known = ", ".join(s.number for s in self.shots[:12])
        raise ProductionError(f"No shot {number!r} in the shot plan of {self.title!r}.",
                          hint=f"Shots are numbered scene.shot, e.g. {known}.")

    @property
    def active(self) -> list[ShotFrame]:
        """Shots in the cut (omitted ones stay on the board, marked, but not in the film)."""
        return [s for s in self.shots if s.status != "omitted"]

    def scenes(self) -> dict[int, list[ShotFrame]]:
        out: dict[int, list[ShotFrame]] = {}
        for s in self.active:
            out.setdefault(s.scene_index, []).append(s)
        return out


class Take(BaseModel):
    """One ingested clip: its probe, where its proxy/thumbnails are, the cuts found in it, its slate."""

    name: str
    asset_id: int | None = None              # the ingest record asset
    source: str = ""
    media: MediaInfo
    proxy_asset_id: int | None = None
    thumbnail_asset_ids: list[int] = Field(default_factory=list)
    cuts: list[int] = Field(default_factory=list)          # frame numbers where a new shot starts (after 0)
    scene: str | None = None                 # from the slate / name: "12", "12A"
    shot: str | None = None                  # "12.3" when the name says which shot
    take: int | None = None
    matched_by: str = ""                     # "name", "slate", "override" or ""


class CoverageRow(BaseModel):
    number: str
    scene: str
    description: str
    takes: list[str] = Field(default_factory=list)
    ai_frame: bool = False

    @property
    def covered(self) -> bool:
        return bool(self.takes) or self.ai_frame


class CoverageReport(BaseModel):
    rows: list[CoverageRow] = Field(default_factory=list)
    unmatched_takes: list[str] = Field(default_factory=list)

    @property
    def missing(self) -> list[CoverageRow]:
        """Scripted shots with neither footage nor an AI shot."""
        return [r for r in self.rows if not r.covered]


class ContinuityCheck(BaseModel):
    """Two consecutive shots of a scene compared; ``flags`` lists the jumps an editor would see."""

    scene: str
    a: str
    b: str
    exposure_delta: float = 0.0              # mean luma difference, 0..1
    white_balance_delta: float = 0.0         # difference of the (R-B) casts, 0..1
    histogram_distance: float = 0.0          # Bhattacharyya distance of the colour histograms, 0..1
    dominant_a: list[str] = Field(default_factory=list)
    dominant_b: list[str] = Field(default_factory=list)
    face_distance: dict[str, float] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)


class CutChoice(BaseModel):
    """Per shot slot: the AI frame/render or a real take (with in/out frames in the take)."""

    number: str
    source: str = "ai"                        # "ai" or "take"
    take: str | None = None
    in_frame: int = 0
    note: str = ""
    extra: dict[str, Any] = Field(default_factory=dict)
