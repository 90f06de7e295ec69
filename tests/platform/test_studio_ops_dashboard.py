"""The Studio Ops dashboard served for real: what a viewer may not see, one-click approval moving the milestone."""
from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed():
    from studio_kit.domain.budget import Account, Budget, DetailLine, TopSheetGroup
    from studio_kit.platform import members, milestones, reviews
    from studio_kit.store import open_store

    store = open_store()
    olive = store.project("acme", "night-shift", user="olive")
    for user, role in (("pat", "producer"), ("dee", "director"), ("wes", "writer"), ("vic", "viewer")):
        members.add_member(olive, user, role)
    budget = Budget(title="Night Shift budget", accounts=[
        Account(code="1100", name="Story & rights", group=TopSheetGroup.ABOVE_THE_LINE,
                lines=[DetailLine(description="Screenplay fee", rate=Decimal("87654"))]),
        Account(code="2000", name="Camera", group=TopSheetGroup.BELOW_THE_LINE,
                lines=[DetailLine(description="DP", units=Decimal("20"), unit_label="days", rate=Decimal("1500"))])])
    olive.put_asset(budget.model_dump_json(), kind="budget", name="night-shift-budget.json")
    milestones.add(olive, "script-lock", "Script lock", "development", "2027-01-15",
                   subjects=["script:pilot.fountain"])
    wes = store.project("acme", "night-shift", user="wes")
    draft = wes.put_asset(b"INT. DINER - NIGHT\n\nMara waits.", kind="script", name="pilot.fountain")
    reviews.request(wes, draft.id, reviewers=["dee"], due="2027-01-10")
    reviews.comment(store.project("acme", "night-shift", user="pat"), draft.id, "Love the diner.", anchor="scene:1")
    return store


def _open(page, serve_dashboard, studio_home, user):
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    url = serve_dashboard("dashboards/studio_ops.py", env={"STUDIO_HOME": str(studio_home), "STUDIO_USER": user,
                                                            "STUDIO_ORG": "acme", "STUDIO_PROJECT": "night-shift"})
    page.goto(url)
    page.get_by_text(f"Signed in as {user}").wait_for()
    return failed, errors


def test_a_viewer_cannot_see_budget_figures_a_producer_can(studio_home, serve_dashboard, page, browser):
    _seed()
    failed, errors = _open(page, serve_dashboard, studio_home, "vic")
    page.locator(".bk-tab", has_text="Budget").first.click()
    page.get_by_text("Budget figures are confidential").wait_for()
    content = page.content()
    assert "87,654" not in content and "120,654" not in content and "data-grand-total" not in content
    page.locator(".bk-tab", has_text="Reviews").first.click()
    page.get_by_text("Love the diner.").wait_for()
    assert page.get_by_role("button", name="Approve").is_disabled()
    page.locator(".bk-tab", has_text="Audit").first.click()
    assert page.get_by_role("button", name="Verify audit chain").is_disabled()
    assert failed == [] and errors == []

    producer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    failed, errors = _open(producer, serve_dashboard, studio_home, "pat")
    producer.locator(".bk-tab", has_text="Budget").first.click()
    total = producer.locator("[data-grand-total]")
    total.wait_for()
    # 87,654 above the line + 20 days x 1,500 below it + the default 10 % contingency on below the line
    assert "$120,654.00" in total.inner_text()
    producer.locator(".bk-tab", has_text="Audit").first.click()
    producer.get_by_role("button", name="Verify audit chain").click()
    producer.get_by_text("Audit chain intact").wait_for()
    assert failed == [] and errors == []


def test_approving_the_script_in_the_queue_moves_its_milestone(studio_home, serve_dashboard, page, tmp_path):
    store = _seed()
    failed, errors = _open(page, serve_dashboard, studio_home, "dee")
    table = page.locator(".tabulator", has_text="Script lock").first
    table.wait_for()
    assert "planned" in table.inner_text() and "done" not in table.inner_text()
    page.screenshot(path=str(tmp_path / "timeline-before.png"), full_page=True)
    page.locator(".bk-tab", has_text="Reviews").first.click()
    page.get_by_text("Love the diner.").wait_for()
    page.get_by_placeholder("Comment or what should change").fill("Approved — shoot it.")
    page.get_by_role("button", name="Approve").click()
    page.locator(".alert", has_text="script:pilot.fountain@1 approved by dee").wait_for()
    page.locator(".bk-tab", has_text="Timeline").first.click()
    page.locator(".tabulator", has_text="Script lock").first.get_by_text("done").wait_for()
    page.screenshot(path=str(tmp_path / "timeline-after.png"), full_page=True)
    from studio_kit.platform import milestones, reviews

    olive = store.project("acme", "night-shift", user="olive")
    assert milestones.get(olive, "script-lock").status == "done"
    assert reviews.get(olive, "script:pilot.fountain@1").approved_by == "dee"
    assert failed == [] and errors == []
