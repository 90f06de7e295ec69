"""`script_from_logline` run headless with papermill: a stored script, its PDF and a length summary."""
from pathlib import Path


def test_script_from_logline_writes_a_stored_fountain_and_its_pdf(studio_home):
    from pypdf import PdfReader

    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.runs.runner import run_template
    from studio_kit.store import open_store

    result = run_template("script_from_logline",
                          {"logline": "A retired stuntwoman is hired to teach a pop star how to fall.",
                           "format": "short", "pages": "4", "seed": "3", "genre": "comedy"}, progress=False)
    assert result.status == "succeeded"
    out = result.outputs
    fountain, pdf = Path(out["fountain"]), Path(out["pdf"])
    assert fountain.parent == studio_home / "outputs" / "script" and fountain.suffix == ".fountain"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")

    script = parse_fountain(fountain.read_text(encoding="utf-8"))
    assert script.title == out["title"]
    assert len(script.scenes) == out["scenes"] > 1
    assert all(scene.number for scene in script.scenes)          # first stored draft: numbers locked
    assert 3 <= out["pages"] <= 6                                # asked for 4 pages
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert out["title"] in text
    assert script.scenes[0].heading.split(" #")[0].upper() in text

    ctx = open_store().project("default", "demo")
    stored = ctx.get_asset(out["fountain_asset_id"])
    assert stored.kind == "script" and ctx.read_text(stored.id) == fountain.read_text(encoding="utf-8")
    pdf_asset = ctx.get_asset(out["pdf_asset_id"])
    assert pdf_asset.parent_id == stored.id and ctx.read_bytes(pdf_asset.id) == pdf.read_bytes()
    assert stored.provenance["seed"] == 3 and stored.provenance["backend"] == "text.procedural"


def test_output_dir_parameter_puts_the_files_there(studio_home, tmp_path):
    from studio_kit.runs.runner import run_template

    target = tmp_path / "deliveries"
    result = run_template("script_from_logline", {"format": "ad30", "pages": "30", "output_dir": str(target)},
                          progress=False)
    assert Path(result.outputs["pdf"]).parent == target
    assert Path(result.outputs["fountain"]).exists() and result.outputs["scenes"] >= 1
