"""Script Room without a browser: it opens the project's latest script and never saves over a colleague's."""
from studio_kit.engines.writing.versions import list_versions, save_version
from studio_kit.store import open_store

PILOT = "Title: Pilot\n\nINT. DINER - NIGHT\n\nANA pours coffee.\n\nANA\nRefill?\n"


def _ctx(user):
    from studio_kit.config import get_settings

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=user)


def test_the_room_opens_the_projects_latest_script_not_a_starter(studio_home):
    from studio_kit.ui.script_room import ScriptRoom

    save_version(_ctx("ana"), "INT. OLD - DAY\n\nDust.\n", name="old.fountain")
    save_version(_ctx("ana"), PILOT, name="pilot.fountain")
    room = ScriptRoom(context=_ctx("bob"))
    assert room.script_name == "pilot.fountain"
    assert "ANA pours coffee." in room.text and "Untitled" not in room.text
    assert room.shelf.base_version == 1


def test_a_save_on_top_of_a_colleagues_newer_version_is_refused_and_the_text_kept(studio_home):
    from studio_kit.ui.script_room import ScriptRoom

    save_version(_ctx("ana"), PILOT, name="pilot.fountain")
    bob = ScriptRoom(context=_ctx("bob"))
    save_version(_ctx("ana"), PILOT + "\nEXT. LOT - NIGHT\n\nRain.\n", name="pilot.fountain")   # Ana saves v2
    mine = PILOT + "\nINT. KITCHEN - DAY\n\nBOB cooks.\n"
    bob.load_text(mine)
    assert bob.shelf.save() is None
    assert "changed by ana at" in bob.shelf.status.object and "reload" in bob.shelf.status.object
    assert bob.text == mine and bob.shelf.reload_button.visible            # Bob's text is still on screen
    assert [v.version for v in list_versions(_ctx("ana"), "pilot.fountain")] == [1, 2]
    bob.shelf.open_latest()
    assert "Rain." in bob.text and bob.shelf.base_version == 2
    bob.load_text(bob.text + "\nINT. KITCHEN - DAY\n\nBOB cooks.\n")
    version = bob.shelf.save()
    assert version is not None and version.version == 3
