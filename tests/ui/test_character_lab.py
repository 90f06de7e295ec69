"""The Character Lab dashboard, served for real and driven in headless Chromium."""
import pytest

pytestmark = pytest.mark.browser


def _open(serve_dashboard, page, studio_home):
    url = serve_dashboard("dashboards/character_lab.py", env={"STUDIO_HOME": str(studio_home)})
    page.goto(url)
    page.get_by_role("button", name="Create character").wait_for()
    return page


def _said(page, text: str) -> None:
    """Wait for the lab's alert to report ``text`` (a failure also pops up as a toast)."""
    page.locator(".alert", has_text=text).wait_for()


def _create(page, name: str, mode: str = "actor") -> None:
    page.get_by_label("Character name").fill(name)
    page.get_by_label("Mode", exact=True).select_option(mode)
    page.get_by_role("button", name="Create character").click()
    _said(page, f"Created {name}")


def test_create_render_lock_shows_the_lock_badge_and_a_scored_render(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.characters import service

    _open(serve_dashboard, page, studio_home)
    _create(page, "Nova Reyes")
    expect(page.locator("#cl-lock-state")).to_contain_text("UNLOCKED v1")

    page.get_by_role("button", name="Render", exact=True).click()
    _said(page, "Rendered Nova Reyes front / neutral. Concept render")
    page.get_by_role("button", name="Lock identity").click()
    _said(page, "Locked Nova Reyes v1")

    locked = service.get_character("Nova Reyes")
    assert locked.locked
    badge = page.locator("#cl-lock-state")
    expect(badge).to_contain_text(f"LOCKED v1 · seed {locked.identity.seed} · identity {locked.identity.hash[7:19]}")
    expect(page.get_by_role("button", name="Locked", exact=True)).to_be_disabled()

    page.get_by_role("button", name="Render", exact=True).click()
    _said(page, "Identity score 1.000")
    cards = page.locator(".cl-card")
    expect(cards).to_have_count(2)
    newest = cards.first
    expect(newest).to_contain_text("v1 locked")
    expect(newest.locator(".cl-score")).to_have_text("1.000")
    img = newest.locator("img")
    assert img.get_attribute("src").startswith("data:image/png;base64,")
    img.wait_for()
    size = img.evaluate("i => [i.complete, i.naturalWidth, i.naturalHeight]")
    assert size[0] and size[1] > 0 and size[2] > size[1]           # a portrait-format figure, decoded

    renders = [a for a in service.project_context().list_assets(kind="character_render")
               if a.meta["character_id"] == "nova-reyes"]
    assert [a.meta["locked"] for a in sorted(renders, key=lambda a: a.id)] == [False, True]


def test_an_unlocked_avatar_render_is_refused_in_an_alert_and_nothing_is_stored(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.characters import service

    _open(serve_dashboard, page, studio_home)
    _create(page, "Ava Host", mode="avatar")
    page.get_by_role("button", name="Render", exact=True).click()
    alert = page.locator(".alert", has_text="not locked")
    expect(alert).to_contain_text("Ava Host is an avatar and is not locked")
    expect(alert).to_contain_text("Fix:")
    expect(page.get_by_text("Traceback")).to_have_count(0)
    assert service.project_context().list_assets(kind="character_render") == []


def test_storyboard_frame_tab_renders_a_scored_frame_and_lists_it(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.characters import service

    _open(serve_dashboard, page, studio_home)
    _create(page, "Nova Reyes")
    page.get_by_role("button", name="Lock identity").click()
    _said(page, "Locked Nova Reyes v1")

    page.locator(".bk-tab", has_text="Storyboard frame").click()
    page.get_by_label("Shot size").select_option("medium")
    heading = page.get_by_label("Scene heading")
    heading.fill("EXT. PARK - DUSK")
    heading.press("Enter")
    page.get_by_label("Caption").fill("Nova waits for the last bus.")
    page.get_by_label("Caption").press("Enter")
    page.get_by_role("button", name="Render frame").click()
    _said(page, "Rendered a medium frame of Nova Reyes — EXT. PARK - DUSK. Identity scores: Nova Reyes 1.000")

    frame = page.locator(".cl-frame").first
    expect(frame).to_contain_text("EXT. PARK - DUSK")
    expect(frame).to_contain_text("Nova waits for the last bus.")
    expect(frame.locator(".cl-frame-score")).to_have_text("1.000")
    expect(frame).to_contain_text("previz exact")
    img = frame.locator("img")
    img.wait_for()
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    width, height = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert width > 0 and abs(width / height - 16 / 9) < 0.02          # a 16:9 storyboard frame, decoded
    expect(page.locator(".cl-frames .cl-frame")).to_have_count(1)       # and listed with the stored frames

    frames = service.project_context().list_assets(kind="storyboard_frame")
    assert len(frames) == 1 and frames[0].meta["consistency"]["nova-reyes"]["score"] == 1.0
