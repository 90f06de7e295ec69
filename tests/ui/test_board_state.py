"""The board's session state without a browser: reordering, day breaks, tag edits, budget edits, downloads."""
import io

import pytest

from studio_kit.domain.preproduction import ScheduleLimits
from studio_kit.ui.board_state import SAMPLE_SCRIPT, BoardError, BoardState, plan_from_tokens, plan_of, reflow, tokens_of


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A factory of boards on the sample short, each in its own studio home (the solver runs once per board)."""
    from studio_kit.config import reset_settings

    def make(**kw):
        return BoardState(home=tmp_path_factory.mktemp("home"), time_limit=3, **kw)

    with pytest.MonkeyPatch.context() as mp:        # nothing may land in a default ./studio-home
        mp.setenv("STUDIO_HOME", str(tmp_path_factory.mktemp("settings-home")))
        reset_settings()
        yield make
    reset_settings()


def test_sample_short_breaks_down_and_schedules(fresh):
    st = fresh()
    s = st.summary()
    assert s["scenes"] == 12 and s["cast"] == 4
    assert 40 <= s["eighths"] <= 64                                  # a six-page short...
    assert sum(d.eighths for d in st.schedule.days) == s["eighths"]  # ...all of it on the board
    assert [c.name for c in st.breakdown.cast] == ["MAYA", "OTTO", "DEVLIN", "PRIYA"]
    assert s["company_moves"] <= s["script_order_moves"]
    assert sorted(i for d in plan_of(st.schedule) for i in d) == list(range(12))
    assert not st.problems()


def test_moving_a_strip_retotals_days_and_keeps_the_dragged_order(fresh):
    st = fresh()
    plan = plan_of(st.schedule)
    first, target = plan[0][0], plan[1][0]
    before = [d.eighths for d in st.schedule.days]
    st.move_strip(first, before=target)
    after = plan_of(st.schedule)
    assert first not in after[0] and st.schedule.status == "MANUAL"
    assert sum(d.eighths for d in st.schedule.days) == sum(before)
    assert after[0][0] != first and [d.eighths for d in st.schedule.days] != before
    # the hand order inside a day is kept, not re-sorted
    day = next(d for d in after if first in d)
    assert day[day.index(first) + 1] == target
    # every day honours the limits because the day breaks moved
    assert not st.problems()
    assert st.dood.day_numbers == [d.number for d in st.schedule.days]


def test_without_keep_limits_an_overfull_day_is_reported_not_reflowed(fresh):
    st = fresh()
    st.keep_limits = False
    everything = [i for d in plan_of(st.schedule) for i in d]
    st.set_plan([everything])
    assert len(st.schedule.days) == 1
    assert any("pages" in p for p in st.problems())
    st.keep_limits = True
    st.set_plan([everything])
    assert len(st.schedule.days) >= 2 and not st.problems()


def test_reflow_spills_the_last_strips_into_the_next_day(fresh):
    st = fresh()
    strips = [st.strips[i] for i in range(12)]
    limits = ScheduleLimits(eighths_per_day=16, hours_per_day=24, company_moves_per_day=9)
    days = reflow([strips], limits)
    assert all(sum(s.eighths for s in d) <= 16 for d in days)
    assert [s.scene_index for d in days for s in d] == list(range(12))     # order kept, only breaks moved


def test_board_tokens_must_keep_every_strip_once():
    assert plan_from_tokens(["s1", "s0", "day", "s2", "day"], {0, 1, 2}) == [[1, 0], [2]]
    assert tokens_of([[1, 0], [2]]) == ["s1", "s0", "day", "s2", "day"]
    with pytest.raises(BoardError, match=r"loses scenes \[2\]"):
        plan_from_tokens(["s1", "s0", "day"], {0, 1, 2})
    with pytest.raises(BoardError):
        plan_from_tokens(["s1", "s1", "s0", "s2"], {0, 1, 2})
    with pytest.raises(BoardError):
        plan_from_tokens(["<script>", "s0"], {0})


def test_tag_edits_persist_and_survive_reloading_the_script(fresh):
    st = fresh()
    order = plan_of(st.schedule)
    moved = st.breakdown.sheet(2).tags_in("props")[0].name           # whatever the tagger took for a prop
    st.recategorise_tag(2, "props", moved, "set_dressing")
    st.add_tag(0, "props", "CARBON RODS")
    assert plan_of(st.schedule) == order                 # an edit does not reshuffle the board
    assert moved in [t.name for t in st.breakdown.sheet(2).tags_in("set_dressing")]
    from studio_kit.ui.board_views import elements_html, sheet_html
    dressing = elements_html(st.breakdown).split('data-category="set_dressing"')[1].split('data-category=')[0]
    assert moved in dressing
    assert 'class="tag plain manual"' in sheet_html(st.breakdown.sheet(2), st.breakdown)   # edited tags stand out
    again = BoardState(SAMPLE_SCRIPT, home=st.home, time_limit=3)   # a new session on the same script
    assert moved in [t.name for t in again.breakdown.sheet(2).tags_in("set_dressing")]
    assert moved not in [t.name for t in again.breakdown.sheet(2).tags_in("props")]
    assert "CARBON RODS" in [t.name for t in again.breakdown.sheet(0).tags_in("props")]
    from studio_kit.config import get_settings
    from studio_kit.store import open_store
    store = open_store(f"sqlite:///{st.home / 'studio.db'}", asset_root=st.home / "assets")
    project = store.project(get_settings().org, get_settings().project)
    history = project.versions("breakdown-edits", "the-last-reel.edits.json")      # every edit, versioned
    assert [a.version for a in history] == [1, 2] and history[1].parent_id == history[0].id
    assert '"CARBON RODS"' in project.read_text(history[1].id)
    with pytest.raises(BoardError, match="no Props tag"):
        st.remove_tag(0, "props", "NO SUCH THING")
    with pytest.raises(BoardError):
        st.add_tag(0, "props", "   ")


def test_budget_line_edit_updates_totals_and_shoot_days_follow_the_board(fresh):
    st = fresh()
    total = st.top_sheet().grand_total
    cast_line = next(i for i, a in enumerate(st.budget.accounts) if a.code == "1400")
    acc = st.budget.accounts[cast_line]
    old_rate = acc.lines[0].rate
    st.edit_budget_line("1400", 0, "rate", old_rate + 100)
    assert st.top_sheet().grand_total > total
    kept = acc.lines[0].rate
    st.set_plan([[i] for d in plan_of(st.schedule) for i in d])       # one strip a day
    assert st.budget.globals["SHOOT_DAYS"].value == len(st.schedule.days) == 12
    assert st.budget.account("1400").lines[0].rate == kept            # the hand edit survives
    from studio_kit.exceptions import BudgetError
    with pytest.raises(BudgetError):
        st.edit_budget_line("1400", 0, "rate", "lots")


def test_downloads_are_real_files(fresh):
    import openpyxl
    from pypdf import PdfReader

    st = fresh()
    data, name = st.file_bytes("callsheet_pdf", day=1)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert name.endswith("day01.pdf") and "The Last Reel" in text and "Day 1" in text.replace("DAY", "Day")
    data, name = st.file_bytes("budget_xlsx")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    data, _ = st.file_bytes("dood_xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert any("MAYA" in str(c.value) for row in ws.iter_rows() for c in row)
    data, _ = st.file_bytes("stripboard_pdf")
    assert "CITY ARCHIVE" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    with pytest.raises(BoardError):
        st.file_bytes("nothing")


def test_pasted_script_without_scene_headings_is_a_clear_error(fresh):
    st = fresh()
    from studio_kit.exceptions import StudioError
    with pytest.raises(StudioError, match="no scene headings"):
        st.load_text("Just some words with no heading.\n")
    assert st.summary()["scenes"] == 12 and st.script_path == SAMPLE_SCRIPT    # the board kept its script
    with pytest.raises(BoardError):
        st.load_text("   ")


def test_board_viewer_shows_engine_errors_in_the_banner_and_loads_pasted_scripts(studio_home):
    from studio_kit.ui.breakdown_board import BreakdownBoard

    board = BreakdownBoard()
    board.__panel__()
    assert board.state.summary()["scenes"] == 12 and not board._alert.visible
    board.paste.value = "No heading here, just words.\n"
    board.paste_button.clicks += 1
    assert board._alert.visible and "no scene headings" in board._alert.object
    assert board.state.summary()["scenes"] == 12                     # the board kept the sample
    board.paste.value = ("INT. DINER - NIGHT\n\nANA pours coffee.\n\nANA\nRefill?\n\n"
                         "EXT. PARKING LOT - NIGHT\n\nBO kicks the tyre of a TRUCK.\n\nBO\nNot again.\n")
    board.paste_button.clicks += 1
    assert not board._alert.visible and board.state.summary()["scenes"] == 2
    assert [r["kind"] for r in board.board.rows].count("strip") == 2
    board.pages_per_day.value = "lots"
    board.apply_limits.clicks += 1
    assert board._alert.visible and "Pages per day" in board._alert.object
    board.lat.value = 95.0
    board.apply_location.clicks += 1
    assert board._alert.visible


def test_board_opens_the_sample_and_says_so_when_the_configured_script_is_missing(studio_home, monkeypatch):
    from studio_kit.ui.breakdown_board import BreakdownBoard

    monkeypatch.setenv("STUDIO_BOARD_SCRIPT", str(studio_home / "missing.fountain"))
    board = BreakdownBoard()
    assert board._alert.visible and "missing.fountain" in board._alert.object
    assert board.state.script_path == SAMPLE_SCRIPT


def test_board_opens_another_script_from_the_environment(studio_home, samples_dir, monkeypatch):
    from studio_kit.ui.breakdown_board import BreakdownBoard

    monkeypatch.setenv("STUDIO_BOARD_SCRIPT", str(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"))
    board = BreakdownBoard()
    assert not board._alert.visible
    assert board.state.summary()["scenes"] == 3                  # the sample's 3 scene headings
    assert sum(r["kind"] == "strip" for r in board.board.rows) == 3
