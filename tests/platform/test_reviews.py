"""A script goes through review: request, anchored comments, changes requested, approve, lock, reopen; gates."""
from __future__ import annotations

import datetime as dt

import pytest

from studio_kit.exceptions import PermissionDenied
from studio_kit.platform import milestones, notify, permissions, reviews
from studio_kit.platform._ops import ConflictError, OpsError
from studio_kit.platform.reviews import ApprovalGateError


def test_a_script_draft_goes_round_the_review_loop(crew):
    wes, dee, pat = crew["wes"], crew["dee"], crew["pat"]
    draft = wes.put_asset(b"INT. DINER - NIGHT\n\nMara waits.", kind="script", name="pilot.fountain")
    item = reviews.request(wes, draft.id, reviewers=["dee", "pat"], due="2027-02-01", note="First draft")
    assert (item.subject, item.state, item.due_date) == ("script:pilot.fountain@1", "in_review", dt.date(2027, 2, 1))
    assert [m.kind for m in notify.inbox(dee)] == ["review_requested"]
    assert "by 2027-02-01" in notify.inbox(pat)[0].title

    note = reviews.comment(dee, draft.id, "The diner needs a name — @wes, and @pat for the budget.", anchor="scene:1")
    assert (note.anchor_kind, note.anchor, note.mentions) == ("scene", "1", ["wes", "pat"])
    reviews.comment(dee, "script:pilot.fountain@1", "Hold on her face.", anchor="timecode:00:01:12:05")
    with pytest.raises(OpsError, match="frames run 00-23"):
        reviews.comment(dee, draft.id, "x", anchor="timecode:00:01:12:30")
    with pytest.raises(OpsError, match="not a scene, shot, page or timecode"):
        reviews.comment(dee, draft.id, "x", anchor="reel:2")
    assert notify.inbox(wes, unread_only=True)[0].kind == "mentioned"

    with pytest.raises(PermissionDenied, match="wes is writer .* lacks the approve_script"):
        reviews.approve(wes, draft.id)
    back = reviews.request_changes(dee, draft.id, "Name the diner; cut the last line.")
    assert back.state == "changes_requested" and back.reason.startswith("Name the diner")
    assert notify.inbox(wes)[0].kind == "changes_requested"
    with pytest.raises(OpsError, match="changes can only be requested while it is in review"):
        reviews.request_changes(dee, draft.id, "again")

    v2 = wes.put_asset(b"INT. JOE'S DINER - NIGHT\n\nMara waits.", kind="script", name="pilot.fountain")
    reviews.request(wes, "script:pilot.fountain", reviewers=["dee"])  # newest version
    approved = reviews.approve(dee, v2.id, note="Lovely.")
    assert (approved.state, approved.approved_by, approved.approved_role) == ("approved", "dee", "director")
    assert notify.inbox(wes)[0].kind == "approved"
    locked = reviews.lock(pat, v2.id)
    assert locked.state == "locked"
    with pytest.raises(OpsError, match="needs a reason"):
        reviews.reopen(pat, v2.id, " ")
    reopened = reviews.reopen(pat, v2.id, "Network notes on act two")
    assert (reopened.state, reopened.reason) == ("draft", "Network notes on act two")

    events, comments = reviews.history(wes, v2.id)
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("request", "draft", "in_review"), ("approve", "in_review", "approved"), ("lock", "approved", "locked"),
        ("reopen", "locked", "draft")]
    assert [c.anchor_kind for c in reviews.history(wes, draft.id)[1]] == ["scene", "timecode"]
    audit_actions = [e.action for e in pat.list_audit() if e.action.startswith("review.")]
    assert audit_actions.count("review.approve") == 1 and "review.reopen" in audit_actions
    assert [i.subject for i in reviews.items(pat, states=("in_review", "changes_requested"))] == \
        ["script:pilot.fountain@1"]


def test_a_stale_approval_is_refused_and_loses_nothing(crew):
    wes, dee, pat = crew["wes"], crew["dee"], crew["pat"]
    draft = wes.put_asset(b"INT. PIER - DAY", kind="script", name="pilot.fountain")
    seen = reviews.request(wes, draft.id)
    reviews.request_changes(pat, draft.id, "Shorter", expected_version=seen.version)
    with pytest.raises(ConflictError, match="changed by someone else .* you had version 2"):
        reviews.approve(dee, draft.id, expected_version=seen.version)
    item = reviews.get(pat, draft.id)
    assert item.state == "changes_requested" and item.reason == "Shorter" and item.version == 3


def test_gates_hold_what_follows_until_the_approval(crew):
    wes, dee, pat, olive = crew["wes"], crew["dee"], crew["pat"], crew["olive"]
    draft = wes.put_asset(b"INT. PIER - DAY", kind="script", name="pilot.fountain")
    with pytest.raises(ApprovalGateError, match="Only an approved script version feeds the breakdown lock"):
        reviews.require_gate(pat, "breakdown.lock", draft.id)
    reviews.approve(dee, draft.id)
    assert reviews.require_gate(pat, "breakdown.lock", draft.id).state == "approved"
    assert reviews.latest_approved(pat, "script", "pilot.fountain").subject == "script:pilot.fountain@1"

    # a schedule is locked only after a producer's approval: a director's is not enough
    sched = pat.put_asset(b"{}", kind="schedule", name="pilot-schedule.json")
    with pytest.raises(PermissionDenied, match="dee is director .* approve_schedule"):
        reviews.approve(dee, sched.id)
    permissions.set_org_policy(crew["ada"], {"roles": {"director": ["view", "comment", "approve_schedule"]}})
    reviews.approve(dee, sched.id)
    with pytest.raises(ApprovalGateError, match="approved by dee \\(director\\), not by a producer"):
        reviews.require_gate(pat, "schedule.lock", sched.id)
    reviews.reopen(pat, sched.id, "needs the producer")
    reviews.approve(pat, sched.id)
    assert reviews.require_gate(pat, "schedule.lock", sched.id).approved_role == "producer"
    # a project may switch a gate off
    other = olive.put_asset(b"INT. ROOF - NIGHT", kind="script", name="tag.fountain")
    permissions.set_gate(pat, "breakdown.lock", False)
    assert reviews.require_gate(pat, "breakdown.lock", other.id) is None


def test_approving_the_script_completes_its_milestone(crew):
    wes, dee, pat = crew["wes"], crew["dee"], crew["pat"]
    milestones.add(pat, "script-lock", "Script lock", "development", dt.date(2027, 1, 15),
                   subjects=["script:pilot.fountain"])
    milestones.add(pat, "prep", "Prep", "prep", dt.date(2027, 2, 28), start=dt.date(2027, 1, 16),
                   depends_on=["script-lock"])
    today = dt.date(2027, 1, 10)
    before = {v.key: v for v in milestones.list_milestones(pat, today=today)}
    assert before["script-lock"].status == "at risk" and before["script-lock"].open_subjects
    draft = wes.put_asset(b"INT. PIER - DAY", kind="script", name="pilot.fountain")
    reviews.approve(dee, draft.id)
    after = {v.key: v for v in milestones.list_milestones(pat, today=today)}
    assert after["script-lock"].status == "done" and after["script-lock"].done_on == dt.date.today()
    reviews.reopen(pat, draft.id, "rewrite")
    assert {v.key: v for v in milestones.list_milestones(pat, today=today)}["script-lock"].status == "at risk"
