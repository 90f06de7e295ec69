"""The studio home dashboard, served for real and loaded in headless Chromium."""
import pytest

pytestmark = pytest.mark.browser


def test_project_picked_in_the_url_opens_its_work_and_no_other_orgs(studio_home, serve_dashboard, page):
    from studio_kit.store import open_store

    store = open_store()
    ctx = store.project("default", "night-train", user="ana", title="Night Train")
    ctx.put_asset(b"INT. STATION - NIGHT\n", kind="script", name="night_train.fountain")
    store.project("rival-studio", "secret-film", user="bo")  # another org: must not show

    url = serve_dashboard("dashboards/studio_home.py", env={"STUDIO_HOME": str(studio_home)})
    page.goto(url + "?org=default&project=night-train")
    page.get_by_text("Project default/night-train").first.wait_for()
    page.get_by_text("night_train.fountain").first.wait_for()      # the latest script card and the asset list
    assert page.locator("[data-card=script]").inner_text().startswith("SCRIPT")
    options = page.locator("select").nth(1).locator("option").all_inner_texts()
    assert "night-train" in options and "secret-film" not in options
    assert page.get_by_text("secret-film").count() == 0
    # the menu keeps the project when going to another dashboard
    assert page.locator(".sk-nav").get_by_role("link", name="Script Room").get_attribute("href") == \
        "./script_room?org=default&project=night-train"
