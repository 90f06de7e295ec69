"""`studio demo` end to end: logline → script + PDF → locked cast sheets → pre-production package."""
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # the whole chain, voices to social clips


def test_demo_writes_a_short_its_cast_and_its_preproduction_package(studio_home, tmp_path):
    from PIL import Image
    from pypdf import PdfReader

    from studio_kit.demo import MAX_CAST, run_demo
    from studio_kit.engines.writing.io import load_script
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.store import open_store

    out = tmp_path / "demo"
    results = run_demo(out, seed=11, pages=2)       # a two-page short keeps the whole chain to minutes

    script_out = results["script_from_logline"][0]
    script = load_script(script_out["fountain"])
    pages = paginate(script).fractional_pages
    assert 1.75 <= pages <= 2.5, f"the demo short was asked for 2 pages, got {pages:.2f}"
    pdf_text = "".join(p.extract_text() for p in PdfReader(script_out["pdf"]).pages)
    assert script.title.upper() in pdf_text.upper() and script.scenes[0].heading in pdf_text

    sheets = results["character_sheet"]
    assert 1 <= len(sheets) <= MAX_CAST
    speaking = set(script.speaking_characters)
    for sheet in sheets:
        assert sheet["locked"] is True and sheet["identity_hash"].startswith("sha256:")
        assert sheet["character"].upper() in speaking
        image = Image.open(sheet["sheet"])
        assert image.width >= 1024 and len(set(image.convert("L").getdata())) > 16  # drawn, not blank

    pre = results["preproduction_package"][0]
    assert pre["scenes"] == len(script.scenes) and pre["shoot_days"] >= 1
    assert float(pre["budget_total"]) > 0
    for key in ("breakdown_xlsx", "budget_xlsx", "dood_xlsx", "stripboard_pdf", "schedule_ics"):
        assert (out / "preproduction").exists() and __import__("pathlib").Path(pre[key]).stat().st_size > 0

    ctx = open_store().project("default", "demo")
    runs = ctx.list_runs(limit=20)
    assert runs and all(r.status == "succeeded" for r in runs)
    kinds = {a.kind for a in ctx.list_assets()}
    assert {"script", "character_sheet", "run_notebook"} <= kinds
