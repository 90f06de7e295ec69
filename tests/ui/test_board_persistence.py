"""The board keeps every producer's work: tag edits from two sessions, the hand-ordered board, limits and
budget edits come back on reload; a stale save is refused with who/when; publishing fixes what call sheets
follow; budget versions compare account by account. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from studio_kit.domain.preproduction import ScheduleLimits
from studio_kit.store.edits import StaleEditError
from studio_kit.ui.board_state import SAMPLE_SCRIPT, BoardState, plan_of


@pytest.fixture
def two_producers(store):
    """Ana and Bob on the same project, each with their own board session on the sample short."""
    ana = store.project("acme", "night-shift", user="ana")
    bob = store.project("acme", "night-shift", user="bob")
    return (lambda ctx: BoardState(SAMPLE_SCRIPT, ctx=ctx, time_limit=2, num_workers=1)), ana, bob


def _tags(st, scene, category="props"):
    return [t.name for t in st.breakdown.sheet(scene).tags_in(category)]


def test_two_sessions_tagging_at_once_both_keep_their_tag(two_producers):
    board, ana_ctx, bob_ctx = two_producers
    ana, bob = board(ana_ctx), board(bob_ctx)
    ana.add_tag(0, "props", "CARBON RODS")
    bob.add_tag(1, "props", "LENS CLOTH")          # Bob's session never saw Ana's edit...
    assert "CARBON RODS" in _tags(bob, 0)            # ...yet his edit is appended after hers, not over it
    assert "LENS CLOTH" in _tags(bob, 1)
    assert ana.refresh_edits() and "LENS CLOTH" in _tags(ana, 1)
    fresh = board(ana_ctx)                           # a third session opens the script: both edits
    assert "CARBON RODS" in _tags(fresh, 0) and "LENS CLOTH" in _tags(fresh, 1)
    assert [(e.user, e.name) for e in fresh.log.edits] == [("ana", "CARBON RODS"), ("bob", "LENS CLOTH")]


def test_hand_order_limits_and_budget_edits_come_back_on_reload(two_producers):
    board, ana_ctx, _ = two_producers
    st = board(ana_ctx)
    st.set_limits(ScheduleLimits(eighths_per_day=40, hours_per_day=11, company_moves_per_day=3))
    plan = plan_of(st.schedule)
    reversed_plan = [list(reversed(d)) for d in reversed(plan)]
    st.set_plan(reversed_plan)
    st.edit_budget_line("1400", 0, "rate", 1234)
    again = board(ana_ctx)
    assert plan_of(again.schedule) == reversed_plan and again.schedule.status == "MANUAL"
    assert again.limits.eighths_per_day == 40 and again.limits.hours_per_day == 11
    assert again.budget.account("1400").lines[0].rate == 1234
    assert again.board_version == st.board_version and again.board_saved.created_by == "ana"


def test_a_stale_board_is_refused_with_who_and_when_and_keeps_the_producers_order(two_producers):
    board, ana_ctx, bob_ctx = two_producers
    ana, bob = board(ana_ctx), board(bob_ctx)
    ana_plan = [list(reversed(d)) for d in plan_of(ana.schedule)]
    ana.set_plan(ana_plan)
    bob_plan = [[i] for d in plan_of(bob.schedule) for i in d]
    with pytest.raises(StaleEditError) as refused:
        bob.set_plan(bob_plan)
    assert "changed by ana at" in refused.value.message and "reload" in refused.value.message
    assert plan_of(bob.schedule) == bob_plan                   # Bob's board stays on his screen
    with pytest.raises(StaleEditError):
        bob.edit_budget_line("1400", 0, "rate", 999)           # and every save is refused until he reloads
    assert plan_of(board(ana_ctx).schedule) == ana_plan       # nothing of Ana's was overwritten
    bob.reload_board()
    assert plan_of(bob.schedule) == ana_plan and bob.stale is None
    bob.set_plan(bob_plan)                                     # on top of Ana's version it goes through
    assert plan_of(board(ana_ctx).schedule) == bob_plan


def test_publish_fixes_what_the_call_sheets_follow_and_budget_versions_compare(two_producers):
    board, ana_ctx, _ = two_producers
    st = board(ana_ctx)
    published_days = [[s.scene_number for s in d.strips] for d in st.schedule.days]
    record = st.publish()
    assert record.kind == "schedule" and record.meta["published"] and record.created_by == "ana"
    st.set_plan([[i] for d in plan_of(st.schedule) for i in d])     # a draft board after publishing
    assert len(st.schedule.days) == 12
    assert [s.scene_number for s in st.call_sheet(1).scenes] == published_days[0]
    assert st.call_sheet(1).total_days == len(published_days) == len(st.call_days)
    st.save_budget_version(note="one strip a day")
    versions = st.budget_versions()
    assert [v.version for v in versions] == [1, 2] and versions[0].meta["schedule_version"] == 1
    rows = st.compare_budget_versions(1, 2)
    total = rows[-1]
    assert total["name"] == "Grand total" and total["difference"] == total["v2"] - total["v1"] != 0
    cast = next(r for r in rows if r["account"] == "1400")
    assert cast["difference"] == cast["v2"] - cast["v1"]
    assert sum(r["difference"] for r in rows[:-1]) != 0
    reopened = board(ana_ctx)                                        # another session follows the published board
    assert reopened.published is not None and reopened.call_sheet(1).total_days == len(published_days)


def test_the_board_opens_the_projects_latest_script(store):
    from studio_kit.engines.writing.versions import save_version

    ctx = store.project("acme", "night-shift", user="ana")
    save_version(ctx, "INT. DINER - NIGHT\n\nANA pours coffee.\n\nANA\nRefill?\n\n"
                      "EXT. LOT - NIGHT\n\nBO kicks a TRUCK.\n\nBO\nAgain.\n", name="diner.fountain")
    st = BoardState(ctx=ctx, time_limit=2, num_workers=1)
    assert not st.is_sample and st.key == "diner.fountain" and st.summary()["scenes"] == 2
    assert "diner.fountain v1" in st.source_label


def test_re_optimising_after_publishing_starts_from_the_published_board(two_producers):
    board, ana_ctx, _ = two_producers
    st = board(ana_ctx)
    st.publish()
    published = {s.scene_number: d.number for d in st.published.days for s in d.strips}
    again = st.optimise(time_limit=2)
    kept = sum(published[s.scene_number] == d.number for d in again.days for s in d.strips)
    assert kept == len(published)                           # nothing changed, so nothing needs to move
    assert again.moved == [] and any("0 of 12 strips moved" in w for w in again.warnings)
