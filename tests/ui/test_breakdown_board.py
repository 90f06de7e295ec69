"""The Breakdown & Budget Board served for real and driven in headless Chromium."""
import json

import pytest

from studio_kit.domain.preproduction import WORK_LABELS, parse_eighths

pytestmark = pytest.mark.browser


def _board(page):
    """(tokens, day totals in eighths) as the stripboard shows them, top to bottom."""
    page.locator(".board .daybreak .db-total").first.wait_for(state="attached")
    tokens = page.locator(".board > div").evaluate_all("els => els.map(e => e.dataset.token)")
    texts = page.locator(".board .daybreak .db-total").evaluate_all("els => els.map(e => e.textContent)")
    return tokens, [parse_eighths(t.replace(" pages", "")) for t in texts]


def _open(serve_dashboard, page, studio_home, tab):
    from studio_kit.ui.board_state import SAMPLE_SCRIPT

    url = serve_dashboard("dashboards/breakdown_board.py", env={"STUDIO_HOME": str(studio_home),
                                                               "STUDIO_BOARD_SCRIPT": str(SAMPLE_SCRIPT)})
    page.goto(url)
    page.locator(".kpi").first.wait_for()
    page.locator(".bk-tab", has_text=tab).first.click()


def test_dragging_a_strip_to_another_day_changes_the_day_totals(studio_home, serve_dashboard, page):
    _open(serve_dashboard, page, studio_home, "Stripboard")
    page.locator(".board .daybreak").first.wait_for()
    tokens, before = _board(page)
    pages = page.locator(".kpi[data-kpi=scenes] .ks").inner_text().split(" pages")[0]
    assert sum(before) == parse_eighths(pages)             # every page of the script is on the board
    first_break = tokens.index("day")
    moved, target = tokens[0], tokens[first_break + 1]
    assert moved.startswith("s") and target.startswith("s")
    moved_eighths = parse_eighths(page.locator(f'.board [data-token="{moved}"] .pg').text_content())

    # real HTML5 drag and drop: the first strip of day 1 onto the top edge of day 2's first strip
    for _attempt in range(3):                              # a drop before the board's script is wired is lost
        page.locator(f'.board [data-token="{moved}"]').drag_to(page.locator(f'.board [data-token="{target}"]'),
                                                                target_position={"x": 40, "y": 4})
        for _ in range(40):                                # the server re-totals, then redraws the board
            tokens_after, after = _board(page)
            if after != before:
                break
            page.wait_for_timeout(500)
        if after != before:
            break
    assert after != before, f"day totals did not change after the drop: {before}"
    assert sum(after) == sum(before)                       # no strip lost or doubled
    assert tokens_after.index(moved) > tokens_after.index("day")      # now shot on a later day
    if first_break > 1:                                    # day 1 kept its other strips, minus the moved one
        assert after[0] == before[0] - moved_eighths
    # the header and the DOOD follow the new board
    assert "hand-ordered" in page.locator("text=hand-ordered").first.inner_text()
    # Re-optimise replaces the hand order with the solver's board again
    page.get_by_role("button", name="Re-optimise (CP-SAT)").click()
    page.get_by_text("Last optimisation").first.wait_for()
    for _ in range(60):
        if page.locator("text=hand-ordered").count() == 0:
            break
        page.wait_for_timeout(500)
    assert page.locator("text=hand-ordered").count() == 0
    assert sum(_board(page)[1]) == sum(before)
    page.locator(".bk-tab", has_text="Day out of days").first.click()
    page.locator("table.dood tbody tr").first.wait_for()    # the tab's content is sent when first opened
    assert page.locator("table.dood tbody tr").count() == 4
    assert page.locator("table.dood thead th.d").count() == len(_board(page)[1])


def test_dood_grid_top_sheet_and_tag_editing(studio_home, serve_dashboard, page):
    _open(serve_dashboard, page, studio_home, "Day out of days")
    grid = page.locator("table.dood")
    grid.wait_for()
    names = grid.locator("tbody th.who").all_inner_texts()
    assert names[0] == "1. MAYA" and len(names) == 4
    codes = set(grid.locator("td.code").all_inner_texts()) - {""}
    assert codes and codes <= set(WORK_LABELS) | {"H", "T", "R"}      # the printed labels (WD, PW ...), no bare D/P
    assert any(c in codes for c in ("SWF", "SW"))
    legend = page.locator(".legend").inner_text()
    assert "WD work, then drop" in legend and "PW pickup" in legend

    page.locator(".bk-tab", has_text="Budget").first.click()
    top = page.locator("table.top")
    top.wait_for()
    for label in ("Above the line", "Below the line (production)", "Post-production", "Other", "Grand total"):
        assert top.get_by_text(label).count() == 1
    grand = top.locator("[data-grand-total]").inner_text()
    assert grand.startswith("$") and float(grand[1:].replace(",", "")) > 1000
    assert page.locator(".kpi[data-kpi=budget] .kv").inner_text() == grand
    page.locator("canvas").first.wait_for()               # the HoloViews bar chart (bokeh)
    # editing a rate in the detail table updates the line, the top sheet and the header
    rate = page.locator('.tabulator-row .tabulator-cell[tabulator-field="rate"]').first
    old_rate = float(rate.inner_text().lstrip("$").replace(",", ""))
    rate.click()
    rate.locator("input").fill(f"{old_rate + 4000:.2f}")
    rate.locator("input").press("Enter")
    for _ in range(60):
        new_grand = top.locator("[data-grand-total]").inner_text()
        if new_grand != grand:
            break
        page.wait_for_timeout(500)
    grows = float(new_grand[1:].replace(",", "")) - float(grand[1:].replace(",", ""))
    assert grows >= 4000                                  # + rate change, plus fringes/contingency where they apply
    assert page.locator(".kpi[data-kpi=budget] .kv").inner_text() == new_grand

    # the budget download is the edited budget, as a spreadsheet
    with page.expect_download() as dl:
        page.get_by_role("button", name="Budget XLSX").click()
    assert dl.value.suggested_filename == "the-last-reel_budget.xlsx"
    import io

    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(dl.value.path().read_bytes()))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert f"{old_rate + 4000:.2f}" in {f"{v:.2f}" for v in cells if isinstance(v, (int, float))}

    # call sheet preview and its PDF for the selected day
    page.locator(".bk-tab", has_text="Call sheets").first.click()
    page.frame_locator("iframe[title='call sheet day 1']").get_by_text("Shooting call").first.wait_for()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Call sheet PDF").click()
    assert dl.value.suggested_filename == "the-last-reel_callsheet_day01.pdf"
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(dl.value.path()).pages)
    assert "The Last Reel" in text and "MAYA" in text

    # a tag added on a breakdown sheet shows at once and is kept in the edit log
    page.locator(".bk-tab", has_text="Breakdown").first.click()
    page.locator(".bsheet").wait_for()
    page.get_by_placeholder("e.g. FILM REEL").fill("CARBON RODS")
    page.get_by_role("button", name="Add tag").click()
    page.locator(".bsheet .tag.manual", has_text="CARBON RODS").wait_for()
    log = json.loads((studio_home / "boards" / "the-last-reel.edits.json").read_text())
    assert [(e["op"], e["category"], e["name"]) for e in log["edits"]] == [("add", "props", "CARBON RODS")]
    assert page.locator(".bsheet [data-field=script-page] b").inner_text() == "1"      # scene 1 starts on page 1
    # locking the cast list writes the numbers into the same edit log
    page.get_by_role("button", name="Lock cast numbers").click()
    page.get_by_role("button", name="Lock new cast numbers").wait_for()
    assert page.locator(".cast-list .tag.locked").count() == 4
    log = json.loads((studio_home / "boards" / "the-last-reel.edits.json").read_text())
    assert log["cast_numbers"] == {"MAYA": 1, "OTTO": 2, "DEVLIN": 3, "PRIYA": 4}


def test_a_long_scene_shows_as_ordered_parts_and_call_sheets_follow_the_dragged_board(studio_home, serve_dashboard,
                                                                                      page, tmp_path):
    argument = "".join(f"\nBO\nLine {i} of the argument that never ends, said twice as loud.\n\nANA\nAnswer {i}.\n"
                       for i in range(56))                             # about 7 pages: longer than a shoot day
    script = tmp_path / "long_take.fountain"
    script.write_text("Title: Long Take\n\nINT. KITCHEN - DAY\n\nANA makes coffee.\n\nANA\nMorning.\n"
                      "\nINT. ATTIC - NIGHT\n\nBO climbs the ladder with a TORCH.\n" + argument
                      + "\nEXT. GARDEN - DAY\n\nANA waters the roses.\n\nANA\nDone.\n")
    url = serve_dashboard("dashboards/breakdown_board.py", env={"STUDIO_HOME": str(studio_home),
                                                                "STUDIO_BOARD_SCRIPT": str(script)})
    page.goto(url)
    page.locator(".kpi").first.wait_for()
    assert page.locator(".bk-alert-danger:visible").count() == 0          # no "longer than a day" error any more
    page.locator(".bk-tab", has_text="Stripboard").first.click()
    page.locator(".board .daybreak").first.wait_for()
    assert page.get_by_text("split into 2 parts").count() == 1
    parts = page.locator('.board .strip[data-scene^="2 pt"]')
    assert parts.evaluate_all("els => els.map(e => e.dataset.scene)") == ["2 pt 1", "2 pt 2"]   # in board order
    assert parts.first.locator(".part").inner_text() == "pt 1"
    # the first strip dropped after the last day break: a new last day (both strips on screen for the drag)
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.locator(".board").scroll_into_view_if_needed()
    tokens, before = _board(page)
    page.locator(f'.board [data-token="{tokens[0]}"]').drag_to(page.locator('.board .daybreak').last,
                                                                target_position={"x": 40, "y": 20})
    for _ in range(60):                                   # until the server's redraw closes the new day
        tokens_after, after = _board(page)
        if len(after) == len(before) + 1:
            break
        page.wait_for_timeout(500)
    assert tokens_after[-2:] == [tokens[0], "day"] and sum(after) == sum(before)
    days = len(after)
    page.locator(".bk-tab", has_text="Call sheets").first.click()
    numbers = page.locator(".board .strip").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.token, e.dataset.scene]))")
    breaks = [i for i, t in enumerate(tokens_after) if t == "day"]
    board_days = [tokens_after[a + 1:b] for a, b in zip([-1] + breaks, breaks + [len(tokens_after)])]
    board_days = [[numbers[t] for t in d] for d in board_days if d]
    assert len(board_days) == days
    page.locator(".bk-tab", has_text="Call sheets").first.click()
    for n in (1, days):                                                   # first and the new last day
        if n > 1:
            day_select = page.locator("select").filter(has_text="Day 1 ·").first
            labels = day_select.locator("option").all_inner_texts()
            day_select.select_option(label=next(o for o in labels if o.startswith(f"Day {n} ")))
        frame = page.frame_locator(f"iframe[title='call sheet day {n}']")
        frame.locator("#day").get_by_text(f"Day {n} of {days}").wait_for()
        scenes = frame.locator("#scenes tr td:first-child").all_inner_texts()
        assert [s for s in scenes if s != "Total pages"] == board_days[n - 1]
