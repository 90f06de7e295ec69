"""The board's session state without a browser: reordering, day breaks, tag edits, budget edits, downloads."""
import io

import pytest

from studio_kit.domain.preproduction import BreakdownCategory, ScheduleLimits, format_eighths
from studio_kit.ui.board_state import (
    SAMPLE_SCRIPT,
    BoardError,
    BoardState,
    plan_from_tokens,
    plan_of,
    reflow,
    tokens_of,
)


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
    # a strip dropped into a full day stays where the producer put it; the day says it is over, with the numbers
    full = next(d for d in st.schedule.days if first in [x.scene_index for x in d.strips])
    if full.eighths > st.limits.eighths_per_day:
        assert any(p.startswith(f"day {full.number}: ") and " > " in p for p in st.problems())
    assert st.dood.day_numbers == [d.number for d in st.schedule.days]
    # what the drag cost is priced beside the day totals
    assert st.last_change is not None and st.last_change.after_total == st.top_sheet().grand_total


def test_a_strip_dropped_into_a_full_day_goes_there_and_the_day_is_flagged(fresh):
    from studio_kit.ui.stripboard_widget import board_rows

    st = fresh()
    everything = [i for d in plan_of(st.schedule) for i in d]
    st.set_plan([everything])                                   # the producer piles every strip on day 1
    assert len(st.schedule.days) == 1 and plan_of(st.schedule) == [everything]
    over = next(r for r in board_rows(st.schedule) if r["kind"] == "day")["over"]
    limit = st.limits
    assert f"> {format_eighths(limit.eighths_per_day)}" in over and over.startswith("pages ")
    assert any(p.startswith("day 1: ") and "pages >" in p for p in st.problems())
    # moving the day breaks is an explicit action, and the change in days is said with its cost
    st.rebreak_days()
    assert len(st.schedule.days) >= 2 and not [p for p in st.problems() if "pages" in p]
    assert [i for d in plan_of(st.schedule) for i in d] == everything            # strip order kept
    note = " ".join(st.change_notes)
    assert f"1 → {len(st.schedule.days)} shoot days" in note and "USD" in note
    assert st.last_change.shoot_days == (1, len(st.schedule.days))
    assert st.last_change.total == st.last_change.after_total - st.last_change.before_total


def test_with_keep_limits_the_day_breaks_move_by_themselves(fresh):
    st = fresh()
    everything = [i for d in plan_of(st.schedule) for i in d]
    st.set_keep_limits(True)
    st.set_plan([everything])
    assert len(st.schedule.days) >= 2 and not st.problems()
    assert "shoot days" in " ".join(st.change_notes)


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
    from studio_kit.store.edits import read_stream
    history = read_stream(project, "breakdown:the_last_reel.fountain")     # every edit appended, with who/when
    assert [(e.seq, e.payload["op"]) for e in history] == [(1, "recategorise"), (2, "add")]
    assert history[1].payload["name"] == "CARBON RODS" and history[1].user == get_settings().user
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
    assert board.state is None and "has no script yet" in board.script_info.object   # no sample behind their back
    board.sample_button.clicks += 1                                  # the sample is an explicit action
    assert board.state.summary()["scenes"] == 12 and not board._alert.visible and board.state.is_sample
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


def test_merge_card_merges_duplicates_and_fills_its_list_only_while_open(studio_home):
    from studio_kit.ui.breakdown_board import BreakdownBoard

    board = BreakdownBoard()
    board.paste.value = ("INT. DINER - NIGHT\n\nANA pours coffee.\n\n"
                         "EXT. PARKING LOT - NIGHT\n\nBO kicks the tyre of a TRUCK.\n")
    board.paste_button.clicks += 1
    diner = board.state.breakdown.sheets[0].scene_index
    for name in ("FILM REEL", "REEL OF FILM"):
        board.scene_select.value = diner
        board.tag_category.value, board.tag_name.value = "props", name
        board.add_button.clicks += 1
    assert board.merge_card.collapsed and board.merge_sources.options == []   # closed: the list is not sent
    board.merge_card.collapsed = False                                          # opening fills it
    assert {"FILM REEL", "REEL OF FILM"} <= set(board.merge_sources.options)
    board.merge_sources.value = ["REEL OF FILM"]
    board.merge_into.value = ""
    board.merge_button.clicks += 1                                      # no name to keep: said, nothing merged
    assert board._alert.visible and "name to keep" in board._alert.object
    assert "REEL OF FILM" in board.state.breakdown.elements(BreakdownCategory.PROPS)
    board.merge_sources.value = ["FILM REEL", "REEL OF FILM"]
    board.merge_into.value = "FILM REEL"
    board.merge_button.clicks += 1
    assert not board._alert.visible
    props = board.state.breakdown.elements(BreakdownCategory.PROPS)
    assert "FILM REEL" in props and "REEL OF FILM" not in props
    assert "REEL OF FILM" not in board.merge_sources.options and board.merge_sources.value == []
    board.merge_category.value = "vehicles"                             # the list follows the category
    assert "TRUCK" in board.merge_sources.options
    # a new session of the project reads the merge back from the edit log
    again = BreakdownBoard()
    assert "REEL OF FILM" not in again.state.breakdown.elements(BreakdownCategory.PROPS)


def test_board_says_so_when_the_configured_script_is_missing_and_offers_the_projects_script(studio_home,
                                                                                            monkeypatch):
    from studio_kit.config import get_settings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import open_store
    from studio_kit.ui.breakdown_board import BreakdownBoard

    monkeypatch.setenv("STUDIO_BOARD_SCRIPT", str(studio_home / "missing.fountain"))
    board = BreakdownBoard()
    assert board._alert.visible and "missing.fountain" in board._alert.object and board.state is None
    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project, user="ana")
    save_version(ctx, "INT. DINER - NIGHT\n\nANA pours coffee.\n\nANA\nRefill?\n", name="diner.fountain")
    board.latest_button.clicks += 1
    assert board.state.key == "diner.fountain" and "diner.fountain v1" in board.script_info.object


def test_board_opens_another_script_from_the_environment(studio_home, samples_dir, monkeypatch):
    from studio_kit.ui.breakdown_board import BreakdownBoard

    monkeypatch.setenv("STUDIO_BOARD_SCRIPT", str(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"))
    board = BreakdownBoard()
    assert not board._alert.visible
    assert board.state.summary()["scenes"] == 3                  # the sample's 3 scene headings
    assert sum(r["kind"] == "strip" for r in board.board.rows) == 3


def _long_take(exchanges: int = 56) -> str:
    """A short script whose attic scene runs about 7 pages (longer than a 5 4/8-page shoot day)."""
    argument = "".join(f"\nBO\nLine {i} of the argument that never ends, said twice as loud.\n\nANA\nAnswer {i}.\n"
                       for i in range(exchanges))
    return ("Title: Long Take\n\nINT. KITCHEN - DAY\n\nANA makes coffee.\n\nANA\nMorning.\n"
            "\nINT. ATTIC - NIGHT\n\nBO climbs the ladder with a TORCH.\n" + argument
            + "\nEXT. GARDEN - DAY\n\nANA waters the roses.\n\nANA\nDone.\n")


def test_a_scene_longer_than_a_day_is_split_into_parts_shot_in_order(fresh, tmp_path):
    from studio_kit.ui.stripboard_widget import board_rows

    script = tmp_path / "long_take.fountain"
    script.write_text(_long_take())
    st = fresh(script_path=script)                    # the old board refused this script outright
    attic = st.breakdown.sheet(1)
    assert attic.eighths >= 7 * 8 > st.limits.eighths_per_day
    parts = [s for s in st.strips.values() if s.source_index == 1]
    assert [p.scene_number for p in parts] == ["2 pt 1", "2 pt 2"]
    assert sum(p.eighths for p in parts) == attic.eighths and all(p.eighths <= st.limits.eighths_per_day for p in parts)
    assert st.parts_before == [(parts[0].scene_index, parts[1].scene_index)]
    assert any("split into 2 parts" in w for w in st.schedule.warnings)
    assert sum(d.eighths for d in st.schedule.days) == st.breakdown.total_eighths and not st.problems()
    flat = [i for d in plan_of(st.schedule) for i in d]
    first, second = parts[0].scene_index, parts[1].scene_index
    assert flat.index(first) < flat.index(second)
    rows = [r for r in board_rows(st.schedule) if r["kind"] == "strip" and r["scene"] == "2"]
    assert sorted(r["part"] for r in rows) == ["pt 1", "pt 2"]
    # dragging part 2 ahead of part 1 is allowed but flagged; the call sheet still reads the whole scene's sheet
    st.move_strip(second, before=flat[0])
    assert any("2 pt 2" in p and "split scene" in p for p in st.problems())
    day = next(d.number for d in st.schedule.days if second in [s.scene_index for s in d.strips])
    sheet = st.call_sheet(day)
    assert "2 pt 2" in [s.scene_number for s in sheet.scenes]
    assert "TORCH" in [r.item for r in sheet.requirements]
    # re-optimising passes the part order to the solver again
    st.optimise(2)
    flat = [i for d in plan_of(st.schedule) for i in d]
    assert flat.index(first) < flat.index(second) and not st.problems()


def _cast_drafts() -> tuple[str, str]:
    """A first draft (ANA in most scenes) and a revision in which CY outgrows everyone."""
    first = ("INT. FLAT - DAY\n\nANA\nHi.\n\nBO\nHi.\n\nINT. SHOP - DAY\n\nANA\nTwo.\n\nCY\nSure.\n"
             "\nEXT. PARK - DAY\n\nANA\nBye.\n")
    extra = "".join(f"\nEXT. PIER {i} - NIGHT\n\nCY\nStill here.\n\nDEE\nMe too.\n" for i in range(4))
    return first, first + extra


def test_locked_cast_numbers_survive_loading_a_revised_script(fresh, tmp_path):
    from studio_kit.ui.board_views import cast_html

    first, revised = _cast_drafts()
    script = tmp_path / "numbers.fountain"
    script.write_text(first)
    st = fresh(script_path=script)
    assert [(c.id, c.name) for c in st.breakdown.cast] == [(1, "ANA"), (2, "BO"), (3, "CY")]
    assert not st.cast_locked and "Not locked" in cast_html(st.breakdown, st.log.cast_numbers)
    assert st.lock_cast() == {"ANA": 1, "BO": 2, "CY": 3}
    assert st.cast_locked and "&#128274; 3. CY" in cast_html(st.breakdown, st.log.cast_numbers)
    import json
    assert json.loads(st.edits_path.read_text())["cast_numbers"] == {"ANA": 1, "BO": 2, "CY": 3}

    script.write_text(revised)                                       # the writer delivers a revision
    unlocked = fresh(script_path=script)                             # another home: no edit log, no lock
    assert {c.name: c.id for c in unlocked.breakdown.cast}["CY"] == 1     # the tagger alone renumbers
    again = BoardState(script, home=st.home, time_limit=2)           # the producer's home: log re-applied
    ids = {c.name: c.id for c in again.breakdown.cast}
    assert (ids["ANA"], ids["BO"], ids["CY"]) == (1, 2, 3) and ids["DEE"] == 4
    assert {r.cast_id for r in again.dood.rows} == {1, 2, 3, 4}
    assert {t.name: t.cast_id for s in again.breakdown.sheets for t in s.tags_in("cast")}["CY"] == 3
    st.load(script)                                                  # reloading in the same session, too
    assert {c.name: c.id for c in st.breakdown.cast}["CY"] == 3


def test_dood_grid_prints_movie_magic_drop_and_pickup_marks(fresh, tmp_path):
    from studio_kit.ui.board_views import dood_html

    scenes = "".join(f"\nEXT. SITE {i} - DAY\n\nANA\nDay {i}.\n" + ("\nBO\nBack.\n" if i in (0, 13) else "")
                     for i in range(14))
    script = tmp_path / "gap.fountain"
    script.write_text(scenes)
    st = fresh(script_path=script)
    st.set_plan([[i] for i in range(14)])                             # BO works days 1 and 14 only
    bo = st.dood.row(2)
    assert bo.labels[0] == "SWD" and bo.labels[13] == "PWF" and bo.codes[0].value == "SW"
    html = dood_html(st.dood)
    row = html.split('data-cast="2"')[1].split("</tr>")[0]
    assert 'data-code="SWD" data-mark="drop">SWD<' in row and 'data-code="PWF" data-mark="pickup">PWF<' in row
    assert row.count('class="code gap"') == 12                       # off payroll in between, not held
    assert 'background:#B0BEC5' in row and 'background:#81D4FA' in row
    assert ">WD</span> work, then drop" in html and ">PW</span> pickup" in html
    assert ">D</span>" not in html and ">P</span>" not in html       # no bare D/P codes any more
    assert st.call_sheet(14).cast[-1].status == "PWF"
    assert st.budget.account("1400").lines[1].units == 2             # paid for 2 work days, no 12 holds


def test_call_sheets_and_budget_follow_the_hand_ordered_board(fresh):
    import datetime as dt

    from studio_kit.ui.stripboard_widget import board_rows

    st = fresh(start_date=dt.date(2027, 3, 1))                       # a Monday
    optimised_units = {ln.description: ln.units for ln in st.budget.account("1400").lines}
    st.edit_budget_line("1400", 2, "rate", 777)                       # the producer's deal for cast #3
    plan = [[i] for i in range(11, -1, -1)]                           # reversed, one strip a day
    plan[0] += plan.pop(1)                                            # ... but scenes 12 and 11 together
    st.keep_limits = False
    st.set_plan(plan)
    rows = board_rows(st.schedule)
    breaks = [r for r in rows if r["kind"] == "day"]
    assert len(breaks) == len(st.schedule.days) == 11
    day_scenes, current = [], []
    for r in rows:                                                    # the stripboard, day by day
        if r["kind"] == "day":
            day_scenes.append(current)
            current = []
        else:
            current.append(r["scene"])
    for n, day in enumerate(st.schedule.days, start=1):
        cs = st.call_sheet(n)
        assert (cs.day_number, cs.total_days) == (n, len(breaks))
        assert [s.scene_number for s in cs.scenes] == day_scenes[n - 1]     # in the dragged order
        assert cs.date == day.date and f"{cs.date:%a %d %b %Y}" == breaks[n - 1]["date"]
        assert f"day {n} of {len(breaks)}" in _call_sheet_text(cs).lower()
    assert st.call_sheet(6).date == dt.date(2027, 3, 8)                # weekends off, as on the board
    # the budget prices this board: shoot days, cast days from its DOOD, location days from its strips
    assert st.budget.globals["SHOOT_DAYS"].value == 11
    for line in st.budget.account("1400").lines:
        number = int(line.description.split(".")[0])
        assert line.units == st.dood.row(number).total
    assert {ln.description: ln.units for ln in st.budget.account("1400").lines} != optimised_units
    assert st.budget.account("1400").lines[2].description.startswith("3. ")
    assert st.budget.account("1400").lines[2].rate == 777 and not st.budget_notes      # the deal is kept


def _call_sheet_text(cs) -> str:
    import re

    from studio_kit.engines.preproduction.callsheet import render_html
    return re.sub(r"<[^>]+>|\s+", " ", render_html(cs))


def test_board_viewer_shows_the_script_page_and_locks_the_cast_list(studio_home):
    import json

    from studio_kit.ui.breakdown_board import BreakdownBoard

    board = BreakdownBoard()
    board.__panel__()
    board.sample_button.clicks += 1
    board.scene_select.value = 5                                     # scene 6 starts on script page 4
    head = board.sheet_pane.object.split('data-field="script-page"')[1].split("</div>")[0]
    assert ">4</b>" in head and "6 of 12" in board.sheet_pane.object
    assert "Not locked" in board.cast_info.object and board.lock_button.name == "Lock cast numbers"
    board.lock_button.clicks += 1
    assert not board._alert.visible
    log = json.loads((studio_home / "boards" / "the-last-reel.edits.json").read_text())
    assert log["cast_numbers"] == {"MAYA": 1, "OTTO": 2, "DEVLIN": 3, "PRIYA": 4}
    assert "cast numbers locked" in board.script_info.object and "&#128274; 1. MAYA" in board.cast_info.object
    assert board.lock_button.name == "Lock new cast numbers"


def test_budget_preset_follows_the_script_length_unless_the_producer_picks_one(fresh):
    st = fresh()
    assert st.preset == "auto" and st.budget.preset == "micro-short-medium"        # a 6-page short
    long_sheets = [s.model_copy(update={"eighths": 30}) for s in st.breakdown.sheets]  # 45 pages: a feature
    st.breakdown = st.breakdown.model_copy(update={"sheets": long_sheets})
    assert st.preset_name == "indie-feature-medium"
    st.derive_budget("micro-short-high")                              # the producer's choice sticks
    assert st.budget.preset == "micro-short-high" and st.preset_name == "micro-short-high"


def test_a_budget_edit_whose_line_is_gone_is_reported_not_misapplied(fresh):
    st = fresh()
    priya = next(i for i, ln in enumerate(st.budget.account("1400").lines) if "PRIYA" in ln.description)
    st.edit_budget_line("1400", priya, "rate", 999)
    rates = [ln.rate for ln in st.budget.account("1400").lines]
    for sheet in [s for s in st.breakdown.sheets if "PRIYA" in [t.name for t in s.tags_in("cast")]]:
        st.remove_tag(sheet.scene_index, "cast", "PRIYA")             # the producer cuts her from the breakdown
    lines = st.budget.account("1400").lines
    assert not any("PRIYA" in ln.description for ln in lines) and 999 not in [ln.rate for ln in lines]
    assert [ln.rate for ln in lines] == [r for i, r in enumerate(rates) if i != priya]
    assert len(st.budget_notes) == 1 and "PRIYA" in st.budget_notes[0] and not st.budget_edits
