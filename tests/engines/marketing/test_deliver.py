"""`deliver`: the trailer on the full-frame presets, a social clip on the social ones, a poster; one QC report."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow


def test_deliver_writes_every_preset_with_one_passing_qc_report(film_ctx, home):
    from studio_kit import media
    from studio_kit.engines.marketing import service

    ctx, script = film_ctx
    d = service.deliver(script, "youtube,screener,tiktok", home / "deliver", ctx=ctx, scale=0.25)
    assert d.passed
    report = json.loads(d.report.read_text(encoding="utf-8"))
    assert report["passed"] is True and len(report["lines"]) == 4      # trailer, youtube, screener, tiktok clip
    assert all(line.startswith("PASS") for line in report["lines"])
    assert media.probe(d.files["trailer:screener"]).video_codec == "prores"
    assert (media.probe(d.files["social:tiktok"]).width, media.probe(d.files["social:tiktok"]).height) == (270, 480)
    assert d.files["poster_pdf"].is_file() and d.files["trailer_otio"].is_file()
