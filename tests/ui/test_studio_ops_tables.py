"""Studio Ops' tables keep their columns with no rows, and a line above each says why it is empty."""
from __future__ import annotations


def test_tables_keep_their_columns_and_say_why_they_are_empty(studio_home):
    from studio_kit.platform import members, milestones
    from studio_kit.store import open_store
    from studio_kit.ui.studio_ops import AUDIT_COLUMNS, MILESTONE_COLUMNS, QUEUE_COLUMNS, TEAM_COLUMNS, StudioOps

    store = open_store()
    olive = store.project("acme", "night-shift", user="olive")          # the owner
    members.add_member(olive, "vic", "viewer")
    ops = StudioOps(ctx=olive)
    tables = {"milestones": (ops.milestone_table, MILESTONE_COLUMNS), "queue": (ops.queue, QUEUE_COLUMNS),
              "team": (ops.team, TEAM_COLUMNS), "audit": (ops.audit_table, AUDIT_COLUMNS)}
    for table, columns in tables.values():
        assert list(table.value.columns) == list(columns)
    assert ops.milestone_table.value.empty and ops.notes["milestones"].visible
    assert "No milestones yet" in ops.notes["milestones"].object
    assert ops.queue.value.empty and "Nothing is waiting for review" in ops.notes["queue"].object
    assert set(ops.team.value["member"]) >= {"olive", "vic"} and not ops.notes["team"].visible
    assert not ops.audit_table.value.empty and not ops.notes["audit"].visible

    milestones.add(olive, "script-lock", "Script lock", "development", "2027-01-15")
    ops.refresh()
    assert ops.milestone_table.value["milestone"].tolist() == ["Script lock"]
    assert list(ops.milestone_table.value.columns) == list(MILESTONE_COLUMNS) and not ops.notes["milestones"].visible
    assert ops.milestone_table.value["slip (days)"].dtype == "int64"

    viewer = StudioOps(ctx=store.project("acme", "night-shift", user="vic"))   # may not read the audit trail
    assert viewer.audit_table.value.empty and list(viewer.audit_table.value.columns) == list(AUDIT_COLUMNS)
    assert viewer.notes["audit"].visible and "owners and producers" in viewer.notes["audit"].object
    assert viewer.milestone_table.value["milestone"].tolist() == ["Script lock"]

    stranger = StudioOps(ctx=store.project("acme", "night-shift", user="zed"))    # not a member
    for name, (table, columns) in {"milestones": (stranger.milestone_table, MILESTONE_COLUMNS),
                                   "queue": (stranger.queue, QUEUE_COLUMNS),
                                   "team": (stranger.team, TEAM_COLUMNS)}.items():
        assert table.value.empty and list(table.value.columns) == list(columns)
        assert stranger.notes[name].visible and "members" in stranger.notes[name].object
