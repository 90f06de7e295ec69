"""The studio home dashboard, served for real and loaded in headless Chromium."""
import pytest

pytestmark = pytest.mark.browser


def test_project_created_in_the_store_appears_on_the_page(studio_home, serve_dashboard, page):
    from studio_kit.store import open_store

    store = open_store()
    ctx = store.project("default", "night-train", user="ana", title="Night Train")
    ctx.put_asset(b"INT. STATION - NIGHT\n", kind="script", name="night_train.fountain")
    store.project("rival-studio", "secret-film", user="bo")  # another org: must not show

    url = serve_dashboard("dashboards/studio_home.py", env={"STUDIO_HOME": str(studio_home)})
    page.goto(url)
    page.get_by_text("night-train").first.wait_for()
    assert page.get_by_text("Night Train").count() >= 1
    page.get_by_text("Assets").first.click()
    page.get_by_text("night_train.fountain").first.wait_for()
    assert page.get_by_text("secret-film").count() == 0
