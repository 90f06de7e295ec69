"""The Script Room dashboard, served for real and driven in headless Chromium."""
import pytest

pytestmark = pytest.mark.browser

EDITOR = ".fountain-editor .ace_content"      # the Fountain editor (Ace)
NEW_SCENE = "\nEXT. HARBOUR WALL - NIGHT\n\nWaves break over the lamps.\n"


def _open(serve_dashboard, page, studio_home):
    url = serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)})
    page.goto(url)
    page.locator("#scene-count").wait_for()
    return page


def _type_at_end(page, text: str) -> None:
    page.locator(EDITOR).click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(text)


def test_typed_scene_heading_counts_and_two_saved_versions_diff(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.config import get_settings
    from studio_kit.engines.writing.versions import list_versions
    from studio_kit.store import open_store

    _open(serve_dashboard, page, studio_home)
    expect(page.locator("#scene-count")).to_contain_text("2")       # the starter draft
    page.get_by_role("button", name="Save version").click()
    page.get_by_text("Saved v1 (White)").wait_for()

    _type_at_end(page, NEW_SCENE)
    expect(page.locator("#scene-count")).to_contain_text("3")
    # the new scene is listed with its length in eighths and printed on the page preview
    expect(page.locator("tr", has_text="EXT. HARBOUR WALL - NIGHT")).to_contain_text("1/8")
    expect(page.locator(".sr-page .sr-heading", has_text="EXT. HARBOUR WALL - NIGHT")).to_have_count(1)

    page.get_by_role("button", name="Save as Blue revision").click()
    page.get_by_text("Saved v2 (Blue)").wait_for()
    # the stored draft comes back with locked numbers (the scene after 2 is 2A) and the blue header
    expect(page.locator(".sr-page .sr-revhead").first).to_contain_text("BLUE REVISION")
    expect(page.locator(".sr-swatch", has_text="Blue")).to_have_count(1)
    page.get_by_role("button", name="Compare").click()
    diff = page.locator(".sr-scene-diff", has_text="EXT. HARBOUR WALL - NIGHT")
    expect(diff).to_contain_text("New")
    expect(diff).to_contain_text("2A")
    expect(diff.locator(".sr-plus", has_text="Waves break over the lamps.")).to_have_count(1)

    # the PDF button prints the revision: blue header, the new scene numbered 2A
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").click()
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "BLUE REVISION" in text and "EXT. HARBOUR WALL - NIGHT" in text and "2A" in text
    assert download.value.suggested_filename == "draft.pdf"

    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project)
    assert [v.colour for v in list_versions(ctx, "draft.fountain")] == ["White", "Blue"]


def test_a_draft_written_from_a_logline_fills_the_editor_and_stays_editable(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.writing.generation import generate_script

    logline = "A night-shift nurse discovers her patients are dreaming the same dream."
    expected = generate_script(logline=logline, format="short", genre="drama", tone="grounded", pages=5, seed=7)
    _open(serve_dashboard, page, studio_home)
    page.get_by_label("Logline").fill(logline)
    page.get_by_label("Seed").fill("7")
    page.get_by_label("Seed").press("Enter")
    page.get_by_role("button", name="Write draft").click()
    page.get_by_text(f"Wrote {expected.script.title}").wait_for(timeout=60_000)
    expect(page.locator("#scene-count")).to_contain_text(str(len(expected.script.scenes)))
    first = expected.script.scenes[0].heading
    expect(page.locator("tr", has_text=first).first).to_be_visible()
    expect(page.locator(".fountain-editor .ace_line").first).to_have_text(f"Title: {expected.script.title}")
    assert len(expected.fountain) > 5000          # longer than a default textarea allows: typing must still work
    _type_at_end(page, NEW_SCENE)
    expect(page.locator("#scene-count")).to_contain_text(str(len(expected.script.scenes) + 1))
