"""Dubbing: translator files keyed by line id, lines fitted to the original slots, RTL and CJK end to end."""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from studio_kit.backends.translate.file import FileTranslateBackend
from studio_kit.engines.post.audio import SR, rms_db
from studio_kit.engines.post.dubbing import fit_line
from studio_kit.engines.post.service import dub, export_lines
from studio_kit.engines.post.subtitles import RLM, frame_ms, parse_srt
from studio_kit.exceptions import TranslationError

SHORT = """Title: Two Lines

INT. KITCHEN - DAY

ANNA, 30s, a woman, pours tea.

ANNA
Good morning. The tea is ready.

BEN
Thank you. I slept badly.
"""
ARABIC = {"s1-l1": "صباح الخير. الشاي جاهز.", "s1-l2": "شكرا. نمت بشكل سيء."}
JAPANESE = {"s1-l1": "おはよう。お茶ができたよ。", "s1-l2": "ありがとう。よく眠れなかった。"}


def _sheet(tmp_path, language, texts):
    path = export_lines(SHORT, language, tmp_path / f"{language}.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for r in rows:
        r["translation"] = texts[r["line_id"]]
    out = tmp_path / f"{language}_filled.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out, rows


def test_the_export_sheet_lists_every_line_with_its_slot(tmp_path):
    _, rows = _sheet(tmp_path, "es", {"s1-l1": "Buenos días.", "s1-l2": "Gracias."})
    assert [r["line_id"] for r in rows] == ["s1-l1", "s1-l2"]
    assert rows[0]["character"] == "ANNA" and rows[0]["source"] == "Good morning. The tea is ready."
    assert float(rows[0]["max_seconds"]) > 0.5
    po = export_lines(SHORT, "es", tmp_path / "es.po").read_text(encoding="utf-8")
    assert 'msgctxt "s1-l2"' in po and 'msgid "Thank you. I slept badly."' in po


def test_missing_extra_and_duplicate_ids_are_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("line_id,translation\ns1-l1,Hola\ns1-l1,Hola otra vez\ns9-l9,¿Qué?\n", encoding="utf-8")
    with pytest.raises(TranslationError) as err:
        FileTranslateBackend(model_path=bad).translate({"s1-l1": "Hi", "s1-l2": "Thanks"}, target="es")
    message = str(err.value)
    assert "missing s1-l2" in message and "unknown line ids s9-l9" in message and "duplicate line ids s1-l1" in message


def test_po_files_from_translators_are_read(tmp_path):
    po = tmp_path / "es.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgctxt "s1-l1"\nmsgid "Hi"\nmsgstr "Hola"\n\n'
                  'msgctxt "s1-l2"\nmsgid "Thanks"\nmsgstr ""\n"Gracias"\n', encoding="utf-8")
    assert FileTranslateBackend(model_path=po).translate({"s1-l1": "Hi", "s1-l2": "Thanks"}, target="es") == \
        {"s1-l1": "Hola", "s1-l2": "Gracias"}


def test_an_unknown_language_is_refused(tmp_path):
    with pytest.raises(TranslationError, match="'xx'"):
        dub(SHORT, "xx", translations=tmp_path / "none.csv")


def test_a_long_line_is_sped_up_at_most_fifteen_percent_then_flagged():
    def tone(stretch):
        return np.ones(int(SR * 2.0 * stretch), dtype=np.float32)

    _, fit = fit_line(tone, "s1-l1", int(SR * 1.9))
    assert fit.speed == pytest.approx(2.0 / 1.9, abs=1e-3) and not fit.flagged
    _, fit = fit_line(tone, "s1-l1", int(SR * 1.5))
    assert fit.speed == pytest.approx(1.15) and fit.flagged
    assert fit.overrun_ms == round((2.0 / 1.15 - 1.5) * 1000)


@pytest.mark.slow
@pytest.mark.parametrize("language,texts", [("ar", ARABIC), ("ja", JAPANESE)])
def test_right_to_left_and_cjk_dubs_work_end_to_end(tmp_path, language, texts):
    sheet, _ = _sheet(tmp_path, language, texts)
    result = dub(SHORT, language, translations=sheet, spec="streaming", out_dir=tmp_path / "out")
    timeline = result.track.timeline
    spf = SR // timeline.fps
    for e in timeline.dialogue():
        fit = next(f for f in result.plan.fits if f.line_id == e.line_id)
        assert fit.fitted_ms <= fit.slot_ms or fit.flagged                 # fits its slot or is flagged
        assert rms_db(result.track.dialogue[e.start_frame * spf: e.end_frame * spf]) > -35
    assert result.mix.qc.passed
    assert abs(result.mix.loudness.integrated_lufs + 14) <= 0.5
    srt = result.files["srt"].read_text(encoding="utf-8")
    cues = parse_srt(srt)
    assert [(a, b) for a, b, _ in cues] == [(frame_ms(timeline, e.start_frame), frame_ms(timeline, e.end_frame))
                                            for e in timeline.dialogue()]
    if language == "ar":
        assert all(text.startswith(RLM) for _, _, text in cues)
        assert ARABIC["s1-l1"] in srt
    else:
        assert JAPANESE["s1-l2"] in srt
    fit_rows = list(csv.DictReader(io.StringIO(result.files["fit"].read_text(encoding="utf-8"))))
    assert {r["line_id"] for r in fit_rows} == {"s1-l1", "s1-l2"}
    assert result.files["stem:m&e"].is_file()
