"""Sessions of one server share the automatic breakdown and the solved board of a script, never a project's
data with another project, and never the objects themselves (each session changes its own copy)."""
from studio_kit.engines.preproduction.breakdown import break_down
from studio_kit.engines.preproduction.schedule import optimise
from studio_kit.ui import board_state
from studio_kit.ui.board_state import SAMPLE_SCRIPT, BoardState


def test_two_sessions_get_equal_copies_and_a_tag_changes_only_its_session(studio_home):
    a = BoardState(SAMPLE_SCRIPT, time_limit=1)
    keys = set(board_state._SHARED)
    b = BoardState(SAMPLE_SCRIPT, time_limit=1)
    assert set(board_state._SHARED) == keys                       # the second session computed nothing new
    assert a.breakdown == b.breakdown and a.schedule == b.schedule
    assert a.breakdown is not b.breakdown and a.schedule is not b.schedule
    # what a fresh break-down and solve give (the cache answers exactly that)
    assert a.breakdown == break_down(a.script, edits=a.log)
    solved = optimise(list(a.strips.values()), limits=a.limits, constraints=a.constraints, time_limit=1,
                      num_workers=a.num_workers, start_date=a.start_date, title=a.title,
                      cast_names={m.id: m.name for m in a.breakdown.cast})
    assert [[s.scene_index for s in d.strips] for d in solved.days] == [
        [s.scene_index for s in d.strips] for d in a.schedule.days]
    a.add_tag(a.breakdown.sheets[0].scene_index, "props", "CARBON RODS")
    assert "CARBON RODS" in a.breakdown.elements(board_state.BreakdownCategory.PROPS)
    assert "CARBON RODS" not in b.breakdown.elements(board_state.BreakdownCategory.PROPS)   # until b reloads
    assert b.refresh_edits() and "CARBON RODS" in b.breakdown.elements(board_state.BreakdownCategory.PROPS)
    c = BoardState(SAMPLE_SCRIPT, time_limit=1)
    assert c.breakdown == a.breakdown                                 # the edit stream, replayed on the shared one


def test_another_project_never_gets_this_projects_entries(studio_home):
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    store = open_store()
    one = BoardState(SAMPLE_SCRIPT, time_limit=1, ctx=store.project(settings.org, "one", user="ana"))
    mine = {k for k in board_state._SHARED if k[1:4] == board_state._scope(one.ctx)}
    other = BoardState(SAMPLE_SCRIPT, time_limit=1, ctx=store.project(settings.org, "two", user="bo"))
    theirs = {k for k in board_state._SHARED if k[1:4] == board_state._scope(other.ctx)}
    assert mine and theirs and not mine & theirs
    assert one.breakdown == other.breakdown                           # same script, same answer, computed apart
