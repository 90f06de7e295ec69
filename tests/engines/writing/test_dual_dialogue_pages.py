"""Dual dialogue across page breaks: every page-break decision makes progress (issue 8, item 1).

A right-hand speech longer than the room left on the page used to loop for
ever (each page got only a (MORE) and a (CONT'D), memory grew past 2 GB).
Now both columns split at the same row, each with (MORE) at the bottom and
``NAME (CONT'D)`` on top of the next page, and the property tests below show
pagination ends, keeps every line once and in order, and never overfills a
page, for any speech lengths and page size.
"""
from __future__ import annotations

import contextlib
import signal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.layout import PaperProfile
from studio_kit.engines.writing.pagination import CONTD, MORE, page_lines, paginate


@contextlib.contextmanager
def _finishes_within(seconds: float):
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""
    def _alarm(_signum, _frame):
        raise AssertionError(f"did not finish within {seconds} s: endless loop?")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _dual_script(action: int, left: int, right: int) -> str:
    head = "INT. A - DAY\n\n" + "".join(f"Action line {k}.\n" for k in range(action)) + ("\n" if action else "")
    return (head + "BOB\n" + "".join(f"b{k}\n" for k in range(left)) + "\nAL ^\n"
            + "".join(f"a{k}\n" for k in range(right)) + "\nThe end.\n")


def _columns(pagination):
    """Printed lines per column, in reading order, and the rows each page uses."""
    left, right, rows = [], [], []
    for page in pagination.pages:
        used = 0
        for ln in page_lines(page):
            used = max(used, ln.row + 1)
            (right if ln.column == "right" else left).append(ln)
        rows.append(used)
    return left, right, rows


def test_issue_reproducer_a_long_right_hand_speech_pages_and_ends():
    # printf 'INT. A - DAY\n\nBOB\nl0\nl1\nl2\n\nAL ^\n' > d.fountain; seq 55 >> d.fountain
    text = "INT. A - DAY\n\nBOB\nl0\nl1\nl2\n\nAL ^\n" + "".join(f"{k}\n" for k in range(1, 56))
    with _finishes_within(5):
        result = paginate(parse_fountain(text))
    left, right, rows = _columns(result)
    assert result.page_count == 2 and max(rows) <= 55
    assert [ln.text for ln in right if ln.type == "dialogue"] == [str(k) for k in range(1, 56)]
    right_cues = [ln.text for ln in right if ln.type in ("character", "more")]
    assert right_cues == ["AL", MORE, f"AL {CONTD}"]            # split once, like a single speech
    assert [ln.text for ln in left if ln.type == "dialogue"] == ["l0", "l1", "l2"]
    assert not any(ln.type == "more" for ln in left)            # the left speech ended on page 1


def test_both_columns_split_at_the_same_row_with_more_and_contd():
    text = _dual_script(10, 80, 120)
    result = paginate(parse_fountain(text))
    first = result.pages[0]
    left_more = [ln for ln in page_lines(first) if ln.type == "more" and ln.column == "left"]
    right_more = [ln for ln in page_lines(first) if ln.type == "more" and ln.column == "right"]
    assert len(left_more) == len(right_more) == 1 and left_more[0].row == right_more[0].row
    top = page_lines(result.pages[1])
    cues = {ln.column: ln.text for ln in top if ln.type == "character" and ln.row == 0}
    assert cues == {"left": f"BOB {CONTD}", "right": f"AL {CONTD}"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(action=st.integers(0, 70), left=st.integers(1, 150), right=st.integers(1, 220),
       lines_per_page=st.integers(12, 70))
def test_dual_dialogue_pagination_always_ends_and_keeps_every_line(action, left, right, lines_per_page):
    paper = PaperProfile("test", 8.5, 11.0, lines_per_page, 61)
    with _finishes_within(5):
        result = paginate(parse_fountain(_dual_script(action, left, right)), paper)
    left_lines, right_lines, rows = _columns(result)
    # every line printed once, in order, in its own column
    assert [ln.text for ln in left_lines if ln.type == "dialogue"] == [f"b{k}" for k in range(left)]
    assert [ln.text for ln in right_lines if ln.type == "dialogue"] == [f"a{k}" for k in range(right)]
    # no page overfilled, none made of (MORE)/(CONT'D) alone: each page-break decision moved on
    assert max(rows) <= lines_per_page
    for page in result.pages:
        printed = [ln for ln in page_lines(page) if ln.text.strip()]
        assert any(ln.type != "more" and CONTD not in ln.text for ln in printed)
    # each column's (MORE) count equals its (CONT'D) count
    for column in (left_lines, right_lines):
        assert sum(ln.type == "more" for ln in column) == sum(CONTD in ln.text for ln in column)
    total = action + max(left, right) + 8
    assert result.page_count <= total // max(1, lines_per_page - 6) + 2
