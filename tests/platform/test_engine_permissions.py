"""The engines enforce the project roles themselves (SQLite and PostgreSQL): saving a script version,
locking its scene numbers, budget figures and edits, renders and the breakdown lock gate. A refusal
names the user, the role and the permission, and writes nothing."""
from __future__ import annotations

import pytest

from studio_kit.engines.preproduction import service as pre
from studio_kit.engines.production import service as production
from studio_kit.engines.writing.versions import (
    list_versions,
    lock_numbers,
    save_version,
)
from studio_kit.exceptions import ApprovalGateError, PermissionDenied
from studio_kit.platform import permissions, reviews

DRAFT = "Title: Pilot\n\nINT. DINER - NIGHT\n\nRain on the glass.\n\nEXT. PIER - DAWN\n\nGulls.\n"
REVISED = DRAFT + "\nINT. BOAT - DAY\n\nThe engine coughs.\n"
LOCK = "[[Scene numbers locked]]"


def _refused(call, user: str, role: str, permission: str) -> PermissionDenied:
    with pytest.raises(PermissionDenied) as err:
        call()
    e = err.value
    assert (e.user, e.role, e.permission) == (user, role, permission)
    assert f"{user} is {role}" in e.message and permission in e.message
    return e


def _script_saves(ctx) -> int:
    return len(ctx.list_assets(kind="script"))


def _audited(ctx, action: str) -> int:
    return len(ctx.list_audit(action=action, limit=None))


def test_who_may_save_a_script_version_and_lock_its_scene_numbers(crew):
    olive, wes, vic, pat = crew["olive"], crew["wes"], crew["vic"], crew["pat"]
    _refused(lambda: save_version(vic, DRAFT, name="pilot.fountain"), "vic", "viewer", "edit_script")
    _refused(lambda: save_version(pat, DRAFT, name="pilot.fountain"), "pat", "producer", "edit_script")
    assert _script_saves(olive) == 0 and _audited(olive, "script.save") == 0      # nothing was written

    v1 = save_version(wes, DRAFT, name="pilot.fountain")                          # a writer saves drafts
    assert (v1.version, v1.created_by, v1.scene_numbers) == (1, "wes", ["1", "2"])
    # writing the lock note in is locking the numbers: not the writer's call
    _refused(lambda: save_version(wes, LOCK + "\n\n" + REVISED, name="pilot.fountain"), "wes", "writer",
             "lock_scene_numbers")
    _refused(lambda: lock_numbers(wes, "pilot.fountain"), "wes", "writer", "lock_scene_numbers")
    _refused(lambda: lock_numbers(vic, "pilot.fountain"), "vic", "viewer", "lock_scene_numbers")
    assert [v.version for v in list_versions(olive, "pilot.fountain")] == [1]

    locked = lock_numbers(pat, "pilot.fountain")                                   # the producer locks them
    assert locked.version == 2 and LOCK in olive.read_text(locked.asset_id)
    assert olive.get_asset(locked.asset_id).meta["numbers_locked"] is True
    assert _audited(olive, "script.lock_numbers") == 1
    v3 = save_version(wes, olive.read_text(locked.asset_id) + "\nINT. BOAT - DAY\n\nThe engine coughs.\n",
                      name="pilot.fountain", revise=True)                          # the lock stays: a revision
    assert v3.scene_numbers == ["1", "2", "2A"] and v3.colour == "Blue"
    _refused(lambda: save_version(wes, REVISED, name="pilot.fountain"), "wes", "writer",   # dropping the note
             "lock_scene_numbers")
    assert [v.version for v in list_versions(olive, "pilot.fountain")] == [1, 2, 3]

    unlocked = lock_numbers(olive, "pilot.fountain", unlock=True)                  # the owner may do all
    assert LOCK not in olive.read_text(unlocked.asset_id)
    assert save_version(olive, REVISED, name="pilot.fountain").version == 5


def test_a_single_user_project_and_offline_calls_keep_working(store):
    from studio_kit.platform import members

    solo = store.project("acme", "solo", user="sam")                               # nobody joined: sam owns it
    assert save_version(solo, DRAFT, name="solo.fountain").version == 1
    assert lock_numbers(solo, "solo.fountain").version == 2
    assert production.rendering_context(solo) is solo and pre.require_budget(solo, edit=True) == "owner"
    assert pre.require_budget(None, edit=True) is None and pre.can_see_budget(None)   # no project, no check
    kim = store.project("acme", "solo", user="kim")     # the same local store under another STUDIO_USER
    assert save_version(kim, REVISED, name="solo.fountain").version == 3 and pre.can_see_budget(kim)
    members.add_member(solo, "val", "viewer")                                      # someone joined: roles apply
    with pytest.raises(PermissionDenied, match="kim is not a member of acme/solo, so may not edit_script"):
        save_version(kim, DRAFT, name="solo.fountain")
    _refused(lambda: save_version(store.project("acme", "solo", user="val"), DRAFT, name="solo.fountain"),
             "val", "viewer", "edit_script")
    assert not pre.can_see_budget(kim) and save_version(solo, DRAFT, name="solo.fountain").version == 4


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    """One small package of the sample short, priced and exported offline (no project: not checked)."""
    out = tmp_path_factory.mktemp("offline")
    return pre.plan_package(pre.SAMPLE_SCRIPT, time_limit=1, num_workers=1, call_days=[], out_dir=out), out


def test_budget_figures_and_edits_follow_the_roles(crew, priced, tmp_path):
    pkg, offline = priced
    budget = pkg.budget.model_copy(deep=True)
    rate = budget.account("1400").lines[0].rate
    for user, role in (("vic", "viewer"), ("art", "artist"), ("wes", "writer")):
        ctx = crew[user]
        _refused(lambda c=ctx: pre.require_budget(c), user, role, "see_budget")
        _refused(lambda c=ctx: pre.edit_budget_line(c, budget, "1400", 0, rate=1), user, role, "see_budget")
        assert not pre.can_see_budget(ctx)
    _refused(lambda: pre.edit_budget_line(crew["dee"], budget, "1400", 0, rate=1), "dee", "director", "edit_budget")
    assert pre.can_see_budget(crew["dee"]) and pre.require_budget(crew["dee"]) == "director"
    assert budget.account("1400").lines[0].rate == rate                            # refused edits left it alone

    out = tmp_path / "pkg"
    _refused(lambda: pre.plan_package(pre.SAMPLE_SCRIPT, ctx=crew["vic"], out_dir=out, time_limit=1, call_days=[]),
             "vic", "viewer", "see_budget")
    _refused(lambda: pre.plan_package(pre.SAMPLE_SCRIPT, ctx=crew["dee"], out_dir=out, time_limit=1, call_days=[]),
             "dee", "director", "edit_budget")                                      # storing a budget is an edit
    assert not out.exists() and not crew["olive"].list_assets(kind="budget")       # nothing written
    # without a budget the package needs no budget permission
    assert pre.plan_package(pre.SAMPLE_SCRIPT, ctx=crew["vic"], preset=None, time_limit=1, call_days=[]).budget is None

    pre.edit_budget_line(crew["pat"], budget, "1400", 0, rate=1234)                 # producer and owner edit
    pre.edit_budget_line(crew["olive"], budget, "1400", 0, rate=4321)
    assert budget.account("1400").lines[0].rate == 4321
    _refused(lambda: pre.store_package(pkg, crew["dee"], offline), "dee", "director", "edit_budget")
    assert not crew["olive"].list_assets()                                         # stored nothing
    assert {a.kind for a in pre.store_package(pkg, crew["pat"], offline)} >= {"budget", "breakdown", "schedule"}


def test_only_roles_with_render_may_render(crew, tmp_path):
    script = tmp_path / "pier.fountain"
    script.write_text("Title: Pier\n\nEXT. PIER - DAWN\n\nGulls wheel over an empty pier.\n", encoding="utf-8")
    for user, role in (("vic", "viewer"), ("wes", "writer")):
        ctx = crew[user]
        _refused(lambda c=ctx: production.render_shots(script, ctx=c, width=192, height=108), user, role, "render")
        _refused(lambda c=ctx: production.render_animatic(script, tmp_path / "a.mp4", ctx=c), user, role, "render")
        _refused(lambda c=ctx: production.render_cut(tmp_path / "c.mp4", ctx=c), user, role, "render")
    assert not crew["olive"].list_assets() and not (tmp_path / "a.mp4").exists()  # nothing drawn or stored
    plan = production.render_shots(script, ctx=crew["olive"], width=192, height=108)  # the owner renders
    assert plan.active and all(s.asset_id for s in plan.active)
    for user in ("art", "eddie", "dee", "pat"):
        assert production.rendering_context(crew[user]) is crew[user]



def test_sound_marketing_and_cut_exports_follow_render_and_export(crew, tmp_path):
    from studio_kit.engines.marketing import service as marketing
    from studio_kit.engines.post import service as post

    script = tmp_path / "pier.fountain"
    script.write_text("Title: Pier\n\nEXT. PIER - DAWN\n\nGulls wheel over an empty pier.\n", encoding="utf-8")
    vic, wes = crew["vic"], crew["wes"]
    _refused(lambda: post.produce(script, ctx=vic, out_dir=tmp_path / "post"), "vic", "viewer", "render")
    _refused(lambda: post.produce(script, ctx=wes, out_dir=tmp_path / "post"), "wes", "writer", "render")
    _refused(lambda: marketing.trailer(script, 30, tmp_path / "t.mp4", ctx=wes), "wes", "writer", "render")
    _refused(lambda: marketing.poster(script, ctx=vic, out=tmp_path / "p.png"), "vic", "viewer", "render")
    _refused(lambda: marketing.social(script, ctx=wes, out_dir=tmp_path / "s"), "wes", "writer", "render")
    _refused(lambda: marketing.deliver(script, ctx=wes, out_dir=tmp_path / "d"), "wes", "writer", "render")
    _refused(lambda: marketing.press_kit(script, tmp_path / "k.pdf", ctx=vic), "vic", "viewer", "export")
    _refused(lambda: production.export_cut(tmp_path / "cut.otio", script=script, ctx=vic), "vic", "viewer", "export")
    assert not crew["olive"].list_assets()                                        # nothing stored
    assert not any((tmp_path / name).exists() for name in ("post", "t.mp4", "p.png", "p.pdf", "s", "d", "k.pdf",
                                                           "cut.otio"))        # nothing written

def test_the_breakdown_lock_needs_edit_schedule_and_an_approved_script(crew):
    olive, pat = crew["olive"], crew["pat"]
    v1 = save_version(olive, DRAFT, name="pilot.fountain")
    record = olive.get_asset(v1.asset_id)
    _refused(lambda: pre.require_breakdown_lock(crew["vic"], record), "vic", "viewer", "edit_schedule")
    with pytest.raises(ApprovalGateError, match="Only an approved script version feeds the breakdown lock"):
        pre.require_breakdown_lock(pat, record)
    reviews.approve(pat, v1.asset_id)
    assert pre.require_breakdown_lock(pat, record).state == "approved"
    assert pre.require_breakdown_lock(pat, None) is None                          # a file, not a stored version
    v2 = save_version(olive, REVISED, name="pilot.fountain")
    with pytest.raises(ApprovalGateError):
        pre.require_breakdown_lock(olive, olive.get_asset(v2.asset_id))
    permissions.set_gate(pat, "breakdown.lock", False)                              # the project switches it off
    assert pre.require_breakdown_lock(olive, olive.get_asset(v2.asset_id)) is None


def test_the_breakdown_board_hides_the_budget_from_a_role_without_see_budget(crew):
    from studio_kit.ui.board_state import SAMPLE_SCRIPT
    from studio_kit.ui.breakdown_board import BreakdownBoard

    vic = BreakdownBoard(ctx=crew["vic"], script_path=str(SAMPLE_SCRIPT), time_limit=1)
    layout = vic.__panel__()
    assert not vic.see_budget
    assert "hidden" in vic.kpis.object and "$" not in vic.kpis.object
    assert "Budget hidden" in vic.cost_pane.object and "$" not in vic.cost_pane.object
    assert vic.top_pane.object is None and (vic.detail.value is None or vic.detail.value.empty)
    notice = "vic is viewer on acme/night-shift, without the see_budget permission"
    assert notice in vic.budget_notice and vic.budget_tab.objects[0].object == vic.budget_notice
    assert vic.detail not in vic.budget_tab.objects and layout is vic.__panel__()
    vic.save_budget.clicks += 1                                                     # refused by the service
    assert vic._alert.visible and "see_budget" in vic._alert.object
    with pytest.raises(PermissionDenied):
        vic._download("budget_xlsx")

    dee = BreakdownBoard(ctx=crew["dee"], script_path=str(SAMPLE_SCRIPT), time_limit=1)
    dee.__panel__()
    assert dee.see_budget and not dee.edit_budget and dee.save_budget.disabled
    assert "$" in dee.kpis.object and "data-grand-total" in dee.top_pane.object
    assert set(dee.detail.editors) == set(dee.detail.value.columns)                # read-only table

    olive = BreakdownBoard(ctx=crew["olive"], script_path=str(SAMPLE_SCRIPT), time_limit=1)
    olive.__panel__()
    assert olive.edit_budget and not olive.save_budget.disabled and "rate" not in olive.detail.editors
    olive.save_budget.clicks += 1
    assert not olive._alert.visible and olive.state.budget_versions()
