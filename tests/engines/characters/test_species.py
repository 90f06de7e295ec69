"""Speaking animals and things: mined from the script, drawn as what they are, prompted as what they are."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.backends.image.previz import PrevizImageBackend, figure_params_of
from studio_kit.backends.image.prompts import describe_identity
from studio_kit.domain.character import CharacterBible, identity_from_bible
from studio_kit.domain.requests import ImageRequest
from studio_kit.engines.characters import identity
from studio_kit.engines.characters.bible import bibles_from_script, mine_species


def _ink_box(img, top_frac: float = 1.0) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the dark ink lines in the picture (frame line and caption excluded)."""
    px = np.asarray(img.convert("L"), dtype=np.int16)[10: int(img.height * top_frac) - 40, 10:-10]
    ys, xs = np.nonzero(px < 70)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_species_from_cue_and_introduction():
    assert mine_species("DOG", "a CUTE DOG") == "dog"
    assert mine_species("CYBER BOSS", "CYBER BOSS, 40, an ageless, faceless, world-roaming cloud which "
                                      "transmits instructions") == "cloud"
    assert mine_species("REX", "REX, a scruffy old dog, sniffs the bin.") == "dog"
    assert mine_species("MARA", "MARA, 30, a dog walker, jogs past.") == "human"     # "dog" is not her noun
    assert mine_species("HORSE RIDER", "HORSE RIDER, 50") == "human"
    assert mine_species("CYBER BOB", "CYBER BOB, 40, a white man") == "human"


def test_cyber_bob_cast_species(samples_dir):
    from studio_kit.engines.writing.io import load_script

    bibles = {b.name: b for b in bibles_from_script(load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"))}
    assert bibles["Dog"].species == "dog" and bibles["Cyber Boss"].species == "cloud"
    assert bibles["Cyber Bob"].species == "human" and bibles["Margaret"].species == "human"


@pytest.fixture(scope="module")
def previz():
    return PrevizImageBackend()


def test_a_dog_is_drawn_on_four_legs_and_a_person_upright(previz):
    dog = identity_from_bible(CharacterBible(character_id="dog", name="Dog", seed=9, species="dog"))
    person = identity_from_bible(CharacterBible(character_id="dog", name="Dog", seed=9))
    side = previz.render(ImageRequest(kind="character", identities=[dog], view="profile", width=400, height=400))
    upright = previz.render(ImageRequest(kind="character", identities=[person], view="profile", width=400, height=400))
    assert figure_params_of(side)["figures"][0]["form"] == "quadruped"
    x0, y0, x1, y1 = _ink_box(side)
    assert (x1 - x0) > 1.2 * (y1 - y0)                    # longer than tall: a body on four legs
    x0, y0, x1, y1 = _ink_box(upright)
    assert (y1 - y0) > 2 * (x1 - x0)                      # a standing person
    # the locked dog scores exactly against its own renders; a human with the same seed does not
    locked, _ = identity.lock(CharacterBible(character_id="dog", name="Dog", seed=9, species="dog"), user="ana")
    from studio_kit.engines.characters.consistency import score_render

    assert score_render(side, locked.identity).score == 1.0
    assert score_render(upright, locked.identity).flagged


def test_a_cloud_hangs_in_the_sky_of_a_wide_frame_and_a_dog_stands_in_a_medium(previz):
    cloud = identity_from_bible(CharacterBible(character_id="boss", name="Boss", seed=3, species="cloud",
                                               description="a faceless cloud", palette=["#f2f0ea"]))
    frame = previz.render(ImageRequest(kind="frame", identities=[cloud], width=640, height=360,
                                       shot={"size": "wide"}, scene={"int_ext": "EXT", "time_of_day": "DAY"}))
    assert figure_params_of(frame)["figures"][0]["form"] == "cloud"
    assert figure_params_of(frame)["figures"][0]["faceless"] is True
    dog = identity_from_bible(CharacterBible(character_id="dog", name="Dog", seed=9, species="dog"))
    medium = previz.render(ImageRequest(kind="frame", identities=[dog], width=640, height=360,
                                        shot={"size": "medium"}, scene={"int_ext": "INT", "time_of_day": "DAY"}))
    px = np.asarray(medium.convert("L"), dtype=np.int16)
    picture_h = 360 - max(24, 360 // 9)
    ink_rows = np.nonzero((px[:picture_h, 200:440] < 70).sum(axis=1) > 3)[0]
    assert ink_rows.max() > picture_h * 0.85             # its paws reach the bottom of the picture, not floating


def test_prompt_names_the_species_and_the_lock_freezes_it():
    dog = CharacterBible(character_id="dog", name="Dog", seed=9, species="dog", pronouns="he/him", age=3)
    assert describe_identity(identity_from_bible(dog)).startswith("3-year-old dog")
    locked, _ = identity.lock(dog, user="ana")
    assert locked.identity.species == "dog" and locked.identity.verify()
    changed = locked.model_copy(update={"species": "cat"})
    assert "species" in identity.look_changes(changed, locked.identity)
