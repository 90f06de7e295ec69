"""Story plan models: the beats, the planned scenes and the brief every scene writer reads.

:func:`studio_kit.engines.writing.structures.plan_story` fills them from a
logline and a structure; the scene writers (the procedural text backend, the
LLM writer) read a :class:`ScenePlan` and the :class:`StoryBrief` and write one
scene. They are domain models so the writing engine and the text backends share
them without the backends reaching into the engine.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from studio_kit.domain.dialogue import CastMember


class Beat(BaseModel):
    """One story beat: what it does, where it lands and how long it runs."""

    name: str                       # "Catalyst"
    kind: str                       # writer intent family: setup, inciting, debate, turn, fun, midpoint, ...
    act: str                        # "Act One", "Teaser", "Spot"
    purpose: str                    # what the beat does in this story
    page: float | None = None       # page where the beat lands (published target, scaled); None for ads
    start_page: float = 0.0         # layout segment, pages from the top (0-based)
    pages: float = 0.0              # segment length in pages
    seconds: float = 0.0            # screen time (ads: exact; others: pages x 60)
    eighths: int = 0                # length planned for its scenes
    scenes: list[int] = Field(default_factory=list)  # indices of its scene plans


class ScenePlan(BaseModel):
    """One planned scene: where, when, who, why, how long."""

    index: int
    beat: str
    kind: str
    act: str
    purpose: str
    int_ext: str                    # INT, EXT
    location: str                   # "LIGHTHOUSE - LAMP ROOM"
    time_of_day: str                # DAY, NIGHT, DAWN, DUSK, CONTINUOUS, LATER
    characters: list[str]           # cue names of the cast present (only they may speak)
    target_eighths: int = Field(ge=1)
    seconds: float                  # screen time this scene should run
    page: float = 1.0               # page the scene should start on (1-based)
    new_location: bool = True       # first time the story is here (an establishing shot)

    @property
    def heading(self) -> str:
        return f"{self.int_ext}. {self.location} - {self.time_of_day}"


class StoryBrief(BaseModel):
    """What every scene writer needs to know about the whole story."""

    title: str
    logline: str
    format: str = "short"
    genre: str = "drama"
    tone: str = "grounded"
    cast: list[CastMember] = Field(default_factory=list)
    seed: int = 0
    objects: list[str] = Field(default_factory=list)   # story objects from the logline ("bottle")
    product: str = ""                                  # ads: the product's name

    @property
    def is_ad(self) -> bool:
        return self.format.lower().startswith("ad") or self.format.lower() == "commercial"

    def member(self, name: str) -> CastMember | None:
        return next((m for m in self.cast if m.name == name), None)
