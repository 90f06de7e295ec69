"""Character Lab without a browser: the form, the actions and the HTML they produce."""
import asyncio
import re

import pytest
from own_loop import run_in_own_loop as _run


@pytest.fixture
def lab(studio_home):
    from studio_kit.ui.character_lab import CharacterLab

    return CharacterLab()


def _create(lab, name, mode="actor"):
    lab.new_name.value = name
    lab.new_mode.value = mode
    lab._act(lab.create)
    assert lab.alert.alert_type == "success", lab.alert.object


def test_an_untouched_form_changes_nothing_and_edits_are_saved_field_by_field(lab):
    from studio_kit.engines.characters import service

    _create(lab, "Nova Reyes")
    assert lab.editor.changes(lab.bible) == {}
    lab.editor.appearance["hair"].value = "long wavy"
    lab.editor.palette.set_colours(["#aa3322", "#224466"])
    lab.editor.traits.value = "stubborn,  warm"
    lab.editor.add_look.clicks += 1
    row = lab.editor.look_rows[-1]
    row.name_input.value = "flight suit"
    row.colours.set_colours(["#556b2f"])
    changes = lab.editor.changes(lab.bible)
    assert set(changes) == {"appearance", "palette", "traits", "wardrobe", "default_look"}
    lab._act(lab.save)
    stored = service.get_character("nova-reyes")
    assert stored.appearance.hair == "long wavy" and stored.palette == ["#aa3322", "#224466"]
    assert stored.traits == ["stubborn", "warm"] and stored.default_look == "flight suit"
    assert stored.wardrobe["flight suit"].colors == ("#556b2f",)
    assert lab.editor.changes(lab.bible) == {}                     # the reloaded form matches the store


def test_render_lock_version_approve_update_badge_gallery_and_history(lab):
    _create(lab, "Nova Reyes")
    assert "UNLOCKED v1" in lab.header.object and "cl-portrait" not in lab.header.object
    lab._act(lab.render)
    assert "class='cl-portrait'" in lab.header.object            # the face from the newest front render
    lab._act(lab.lock)
    assert re.search(r"LOCKED v1 · seed \d+ · identity [0-9a-f]{12}", lab.header.object)
    assert lab.lock_button.disabled and lab.lock_button.label == "Locked"
    lab._act(lab.render)
    assert "Identity score 1.000" in lab.alert.object
    assert lab.gallery.object.count("class='cl-card ok'") == 2 and "data:image/png;base64," in lab.gallery.object

    lab.approve_by.value = "ana"
    lab._act(lab.approve)
    assert lab.bible.stage.value == "casting" and lab.approve_stage.value == "final"
    assert "casting by <b>ana</b>" in lab.history.object

    lab._act(lab.new_version)
    assert "UNLOCKED v2" in lab.header.object and not lab.lock_button.disabled
    lab.editor.appearance["marks"].value = "scar over left brow"
    lab._act(lab.save)
    assert "appearance.marks" in lab.diff.object and "scar over left brow" in lab.diff.object


def test_refusals_show_their_fix_and_store_nothing(lab):
    from studio_kit.engines.characters import service

    _create(lab, "Ava Host", mode="avatar")
    lab._act(lab.render)
    assert lab.alert.alert_type == "danger" and "not locked" in lab.alert.object and "**Fix:**" in lab.alert.object
    assert service.project_context().list_assets(kind="character_render") == []

    lab._act(lab.lock)
    lab.editor.appearance["hair"].value = "pink mohawk"
    lab._act(lab.save)                                             # a locked look cannot change in place
    assert lab.alert.alert_type == "danger" and "new version" in lab.alert.object.lower()
    assert service.get_character("Ava Host").appearance.hair != "pink mohawk"

    lab.approve_stage.options = ["final"]                          # skipping casting is refused too
    lab.approve_stage.value = "final"
    lab._act(lab.approve)
    assert lab.alert.alert_type == "danger" and "next stage is casting" in lab.alert.object


def test_a_flagged_render_card_is_framed_red_with_its_score():
    from studio_kit.ui.character_views import render_card

    meta = {"name": "Nova", "view": "front", "expression": "sad", "version": 2, "backend": "diffusers",
            "locked": True, "score": 0.612, "threshold": 0.78, "flagged": True,
            "consistency": {"method": "perceptual:hist+phash"}}
    card = render_card(meta, "data:image/png;base64,AAAA", 7)
    assert "cl-card flagged" in card and "DRIFT" in card and "0.612" in card and "perceptual" in card
    ok = render_card({**meta, "score": 0.93, "flagged": False}, "data:image/png;base64,AAAA", 8)
    assert "cl-card ok" in ok and "DRIFT" not in ok


def test_an_uploaded_screenplay_casts_every_speaking_part(lab):
    script = ("INT. DINER - NIGHT\n\nROSA (60s, silver bun, apron) wipes the counter.\n\nROSA\nWe're closed.\n\n"
              "KID (10, muddy sneakers) slides onto a stool.\n\nKID\nThe sign says open.\n")
    lab.script_file.filename = "diner.fountain"
    lab.script_file.value = script.encode()
    lab._act(lab.cast_from_upload)
    assert lab.alert.alert_type == "success" and "Cast 2 character(s) from diner.fountain" in lab.alert.object
    assert sorted(lab.cast.options.values()) == ["kid", "rosa"] and lab.bible.name == "Rosa"
    lab._act(lab.cast_from_upload)                                  # again: both are kept, nothing duplicated
    assert "kept Rosa, Kid" in lab.alert.object and len(lab.cast.options) == 2


def test_a_brand_mascot_renders_on_palette_and_an_off_brand_edit_is_refused_unsaved(lab):
    from studio_kit.engines.characters import service

    _create(lab, "Bolt", mode="brand")
    form = lab.editor
    form.palette.set_colours(["#ffcc00", "#1133aa"])
    form.brand_palette.set_colours(["#ffcc00", "#1133aa", "#ffffff"])
    form.logo_text.value = "BOLT"
    form.forbidden.value = ["expression:angry"]
    lab._act(lab.render)                                            # saves the guidelines, then renders
    assert lab.alert.alert_type == "success", lab.alert.object
    assert service.get_character("Bolt").brand.logo.text == "BOLT"

    lab.expression.value = "angry"
    lab._act(lab.render)
    assert lab.alert.alert_type == "danger" and "may not be shown angry" in lab.alert.object
    lab.expression.value = "neutral"
    form.palette.set_colours(["#ff0000"])
    lab._act(lab.render)
    assert lab.alert.alert_type == "danger" and "off-brand colours #ff0000" in lab.alert.object
    assert service.get_character("Bolt").palette == ["#ffcc00", "#1133aa"]      # the refused edit was not stored
    assert len(service.project_context().list_assets(kind="character_render")) == 1


def test_continuity_tab_flags_a_look_change_without_a_wardrobe_tag(lab):
    from studio_kit.engines.characters import service
    from studio_kit.ui.character_lab import SAMPLE_SCRIPT

    lab._act(lambda: lab.cast_from_script(SAMPLE_SCRIPT))
    assert "Cast 4 character(s) from the_last_reel.fountain" in lab.alert.object
    service.update_character("Maya", {"wardrobe": {"booth": {"name": "booth"}, "coat": {"name": "coat"}},
                                      "default_look": "booth", "scene_looks": {"2": "coat"}})
    lab.select("maya")
    lab.continuity_script.value = "sample"
    lab._act(lab.check_continuity)
    assert lab.alert.alert_type == "success", lab.alert.object
    html = lab.continuity.object
    # quotes in text come out as the template engine's entity (&#39;), which the browser shows as '
    assert "continuity issue(s)" in html and "MAYA changes from &#39;booth&#39; (scene 1) to &#39;coat&#39;" in html
    assert html.index("<th>MAYA</th>") < html.index("<th>OTTO</th>")     # the character on screen comes first


def test_cast_list_shows_each_part_s_size_and_the_editor_edits_aliases_and_species(lab):
    from studio_kit.engines.characters import service
    from studio_kit.ui.character_lab import SAMPLE_SCRIPT

    lab._act(lambda: lab.cast_from_script(SAMPLE_SCRIPT))
    labels = {v: k for k, v in lab.cast.options.items()}
    assert labels["maya"].startswith("Maya  ·  lead") and labels["otto"].startswith("Otto  ·  supporting")
    lab.select("otto")
    assert lab.editor.species.value == "human" and lab.editor.aliases.value == ""
    assert lab.editor.changes(lab.bible) == {}
    lab.editor.aliases.value = "Mr. Otto,  Old Man"
    lab.editor.species.value = "Ghost"
    assert lab.editor.changes(lab.bible) == {"aliases": ["Mr. Otto", "Old Man"], "species": "ghost"}
    lab._act(lab.save)
    stored = service.get_character("otto")
    assert stored.aliases == ["Mr. Otto", "Old Man"] and stored.species == "ghost"
    assert "also cued as Mr. Otto, Old Man" in lab.header.object and "<span class='cl-chip'>ghost</span>" in lab.header.object
    assert service.get_character("Old Man").character_id == "otto"          # the alias finds the bible


def test_storyboard_frame_tab_renders_scores_and_lists_stored_frames(lab):
    from studio_kit.engines.characters import service

    _create(lab, "Nova Reyes")
    _create(lab, "Ava Host")
    lab._act(lab.lock)                                              # Ava locked, Nova left as concept art
    assert set(lab.frame_cast.options.values()) == {"nova-reyes", "ava-host"}
    assert "Ava Host (locked)" in lab.frame_cast.options
    lab.frame_cast.value = ["ava-host", "nova-reyes"]
    lab.frame_size.value = "over-the-shoulder"
    lab.frame_heading.value = "EXT. PARK - DUSK"
    lab.frame_caption.value = "Ava hands Nova the script."
    lab._act(lab.render_frame)
    assert lab.alert.alert_type == "success", lab.alert.object
    assert "over-the-shoulder frame of Ava Host, Nova Reyes — EXT. PARK - DUSK" in lab.alert.object
    assert "Identity scores: Ava Host 1.000" in lab.alert.object
    view = lab.frame_view.object
    assert "EXT. PARK - DUSK" in view and "Ava hands Nova the script." in view and "data:image/png;base64," in view
    assert re.search(r"data-character='ava-host'><td>Ava Host</td><td class='ok cl-frame-score'>1\.000</td>", view)
    assert "previz exact" in view and "Nova Reyes</td><td class='cl-muted'>unlocked: not scored" in view
    frames = service.project_context().list_assets(kind="storyboard_frame")
    assert len(frames) == 1 and frames[0].meta["scene"]["time_of_day"] == "DUSK"
    assert frames[0].meta["shot"]["size"] == "over-the-shoulder"
    assert lab.frames.object.count("class='cl-frame'") == 1

    lab.frame_cast.value = []                                       # none picked: the character on screen
    lab.frame_size.value = "close-up"
    lab._act(lab.render_frame)
    assert "close-up frame of Ava Host" in lab.alert.object
    assert lab.frames.object.count("class='cl-frame'") == 2
    assert lab.frames.object.index("close-up") < lab.frames.object.index("over-the-shoulder")   # newest first


def test_render_cards_say_which_scorer_was_used_and_why():
    from studio_kit.ui.character_views import render_card, scorer_summary

    base = {"name": "Nova", "view": "front", "expression": "neutral", "version": 1, "locked": True,
            "backend": "diffusers", "threshold": 0.45, "flagged": False, "score": 0.71}
    face = render_card({**base, "consistency": {"method": "face:dlib-resnet", "threshold": 0.45,
                                                "details": {"distance": 0.29}}}, "data:,", 1)
    assert "scored by <b>face identity</b>" in face and "dlib face distance 0.29" in face and "≤ 0.55" in face
    fallback = {"method": "perceptual:hist+phash", "threshold": 0.78,
                "details": {"histogram": 0.91, "phash": 0.84, "hamming": 10, "face": "no face found in the render"}}
    label, why = scorer_summary(fallback)
    assert label == "perceptual" and "Hamming 10/64" in why and "face identity not used: no face found in the render" in why
    label, why = scorer_summary({**fallback, "details": {"histogram": 0.9, "phash": 0.8, "hamming": 12}})
    assert "no face identity locked" in why
    label, why = scorer_summary({"method": "previz-params", "threshold": 0.999, "details": {"differs": ["hair"]}})
    assert label == "previz exact" and "differs in hair" in why
    assert "scored by" not in render_card({**base, "score": None, "locked": False}, "data:,", 2)   # concept art


def test_a_locked_character_is_read_only_with_new_version_in_place_and_still_renders(lab):
    from studio_kit.ui.character_bible_editor import _widgets

    _create(lab, "Nova Reyes")
    lab.editor.add_look.clicks += 1
    lab._act(lab.save)
    lab._act(lab.lock)
    fields = list(_widgets(lab.editor))
    assert len(fields) > 20 and all(w.disabled for w in fields)          # every field, looks and colours too
    assert lab.save_button.disabled and lab.locked_note.visible
    assert "New version" in lab.locked_note.object and "studio character" not in lab.locked_note.object
    lab.editor.appearance["hair"].value = "pink mohawk"                   # even if a value slips through ...
    lab._act(lab.save)
    assert "Press “New version”" in lab.alert.object                     # ... the refusal points to the button
    lab._act(lab.render)                                                  # and rendering is not blocked
    assert lab.alert.alert_type == "success" and "Identity score" in lab.alert.object
    lab.locked_version_button.clicks += 1                                 # the button in place of the fields
    assert "UNLOCKED v2" in lab.header.object
    assert not any(w.disabled for w in _widgets(lab.editor) if w.name != "−") and not lab.locked_note.visible


def test_under_a_server_loop_a_create_lists_the_character_at_once_then_draws_the_stored_one(lab):
    from studio_kit.engines.characters import service

    async def scenario():
        lab.new_name.value = "Nova Reyes"
        task = asyncio.ensure_future(lab.create_async())
        await asyncio.sleep(0)           # the create runs up to its store write, which waits in a worker thread
        listed = dict(lab.cast.options)
        shown = (lab.cast.value, lab.create_button.disabled, lab.bible, lab.new_name.value, lab.alert.object)
        await task
        return listed, shown

    listed, shown = _run(scenario())
    # on screen before the store write is back: listed (marked as saving), picked, the button held, the name cleared
    assert listed == {next(k for k in listed if k.startswith("Nova Reyes")): "nova-reyes"}
    assert next(iter(listed)).endswith("saving…")
    assert shown == ("nova-reyes", True, None, "", "Creating Nova Reyes…")
    # then the stored character is drawn: the form, the badge, the cast line without the mark, the message
    assert lab.bible is not None and lab.bible == service.get_character("nova-reyes")
    assert lab.editor.name_input.value == "Nova Reyes" and "UNLOCKED v1" in lab.header.object
    assert list(lab.cast.options.values()) == ["nova-reyes"] and "saving" not in next(iter(lab.cast.options))
    assert lab.cast.value == "nova-reyes" and not lab.create_button.disabled
    assert lab.alert.alert_type == "success" and lab.alert.object.startswith("Created Nova Reyes (v1, concept)")
    assert "v1" in lab.history.object


def test_a_create_refused_by_the_store_takes_its_entry_back_and_keeps_the_stored_bible(lab):
    from studio_kit.domain.character import CharacterBible
    from studio_kit.engines.characters import service

    _create(lab, "Mara")
    # another session creates Otto after this page read the cast: this page does not list it yet
    service.create_character(CharacterBible(character_id="otto", name="Otto", description="the other one"))
    before = dict(lab.cast.options)
    lab.new_name.value = "Otto"
    _run(lab.create_async())
    assert lab.alert.alert_type == "danger" and "already exists" in lab.alert.object
    assert dict(lab.cast.options) == before and lab.cast.value == "mara" and lab.bible.name == "Mara"
    assert lab.new_name.value == "Otto" and not lab.create_button.disabled     # the name is kept to fix
    assert service.get_character("otto").description == "the other one"          # the stored one untouched
    lab.new_name.value = "   "
    _run(lab.create_async())
    assert lab.alert.alert_type == "danger" and "Give the new character a name" in lab.alert.object


def test_a_served_first_page_goes_out_without_its_pictures_and_they_are_drawn_after(studio_home):
    import panel as pn
    from bokeh.application import Application
    from bokeh.application.handlers.function import FunctionHandler
    from panel.io.session import generate_session
    from panel.io.state import set_curdoc

    from studio_kit.domain.character import CharacterBible
    from studio_kit.engines.characters import service
    from studio_kit.ui.character_lab import CharacterLab
    from studio_kit.ui.character_views import PENDING_IMAGE

    service.create_character(CharacterBible(character_id="nova", name="Nova"))
    service.render("nova", backend="previz", view="front")
    service.render("nova", backend="previz", view="profile")

    made = []

    def page(doc):                                   # a session built the way `panel serve` builds one
        with set_curdoc(doc):
            made.append(CharacterLab())
            doc.add_root(made[-1].gallery.get_root(doc))

    doc = generate_session(Application(FunctionHandler(page))).document
    lab = made[0]
    # the page as first sent: the cards are there, their pictures are placeholders, no portrait yet
    assert lab.gallery.object.count("cl-card") >= 2 and lab.gallery.object.count(PENDING_IMAGE) == 2
    assert "data:image/png" not in lab.gallery.object and "cl-portrait" not in lab.header.object
    assert pn.state._onload.get(doc)                                    # drawn once the page is up
    _run(lab._draw_pictures())
    assert PENDING_IMAGE not in lab.gallery.object and lab.gallery.object.count("data:image/png") == 2
    assert "cl-portrait" in lab.header.object
    # without a server (a notebook, a test) everything is drawn at once, as before
    plain = CharacterLab()
    assert PENDING_IMAGE not in plain.gallery.object and "cl-portrait" in plain.header.object


def test_under_a_server_loop_a_render_runs_off_the_loop_then_draws_its_card_and_portrait(lab):
    from studio_kit.engines.characters import service

    _create(lab, "Nova Reyes")

    async def scenario():
        task = asyncio.ensure_future(lab.render_async())
        await asyncio.sleep(0)           # the form is read on the loop; the picture is drawn in a worker thread
        during = (lab.gallery.loading, lab.render_button.disabled, lab.gallery.object.count("cl-card"))
        await task
        return during

    assert _run(scenario()) == (True, True, 0)
    assert lab.alert.alert_type == "success" and lab.alert.object.startswith("Rendered Nova Reyes front / neutral.")
    assert lab.gallery.object.count("class='cl-card") == 1 and "data:image/png;base64," in lab.gallery.object
    assert "cl-portrait" in lab.header.object                       # the new front render is the face
    assert not lab.gallery.loading and not lab.render_button.disabled
    assert len(service.project_context().list_assets(kind="character_render")) == 1
    # a refused render (an unlocked avatar) says why, stores nothing and leaves the button usable
    _create(lab, "Ava Host", mode="avatar")
    _run(lab.render_async())
    assert lab.alert.alert_type == "danger" and "not locked" in lab.alert.object and "**Fix:**" in lab.alert.object
    assert len(service.project_context().list_assets(kind="character_render")) == 1
    assert not lab.gallery.loading and not lab.render_button.disabled


def test_only_a_failure_pops_up_as_a_toast(lab, monkeypatch):
    """Every message is in the lab's alert; a toast (its animation costs each browser more than the rest of
    the update) only for a failure, which must be seen wherever the page is scrolled."""
    import panel as pn
    from panel.io.notifications import NotificationArea

    area = NotificationArea()
    monkeypatch.setattr(pn.state, "_notification", area)
    _create(lab, "Nova Reyes")
    assert "Created Nova Reyes" in lab.alert.object and area.notifications == []
    lab.new_name.value = "Nova Reyes"
    lab.create_button.clicks += 1                                   # refused: already in the project
    assert lab.alert.alert_type == "danger" and "already exists" in lab.alert.object
    assert [n.notification_type for n in area.notifications] == ["error"]
    assert "already exists" in area.notifications[0].message
