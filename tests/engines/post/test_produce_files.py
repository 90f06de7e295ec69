"""produce() writes the masters as the mix makes them: the same files, bytes and figures as the in-memory mix."""
from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from studio_kit.engines.post.service import produce


@pytest.fixture(scope="module")
def both(film_text, tmp_path_factory):
    """The fixture film produced twice to spec netflix: through the files (default) and the arrays."""
    files_dir, arrays_dir = tmp_path_factory.mktemp("files"), tmp_path_factory.mktemp("arrays")
    on_disk = produce(film_text, spec="netflix", out_dir=files_dir)
    in_memory = produce(film_text, spec="netflix", out_dir=arrays_dir, in_memory=True)
    return on_disk, in_memory


def test_produce_writes_every_file_the_in_memory_path_writes_with_the_same_bytes(both):
    on_disk, in_memory = both
    assert on_disk.mix.mix.size == 0 and on_disk.mix.stems == {}          # no film-length output held
    assert in_memory.mix.mix.shape[0] == in_memory.track.timeline.duration_frames * 2000
    assert list(on_disk.files) == list(in_memory.files)                     # same keys, same order (asset order)
    assert [p.name for p in on_disk.files.values()] == [p.name for p in in_memory.files.values()]
    assert {"mix", "stem:dialogue", "stem:music", "stem:effects", "stem:m&e", "srt", "vtt", "timeline", "otio",
            "cue_sheet_csv", "cue_sheet_pdf", "qc"} <= set(on_disk.files)
    assert sum(k.startswith("character:") for k in on_disk.files) == 3
    for key, path in on_disk.files.items():
        if key in ("qc", "cue_sheet_pdf"):
            continue
        assert path.read_bytes() == in_memory.files[key].read_bytes(), key
    # the masters decode to what the in-memory mix holds (24-bit quantisation apart)
    data, _ = sf.read(str(on_disk.files["mix"]), dtype="float32")
    np.testing.assert_allclose(data, np.clip(in_memory.mix.mix, -1, 1), atol=2 ** -23)
    n = in_memory.mix.mix.shape[0]
    assert {sf.info(str(p)).frames for k, p in on_disk.files.items() if k.startswith(("stem:", "character:"))} == {n}


def test_produce_reports_the_same_loudness_and_qc(both):
    on_disk, in_memory = both
    a, b = (json.loads(r.files["qc"].read_text(encoding="utf-8")) for r in both)
    # the true peak is searched in the written 24-bit master, not the float mix: equal to the rounding
    assert a.pop("true_peak_dbtp") == pytest.approx(b.pop("true_peak_dbtp"), abs=0.011)
    assert a.pop("line").split("true peak")[0] == b.pop("line").split("true peak")[0]
    assert a == b and a["file"] == "mix" and a["passed"] and a["spec"] == "netflix"
    assert on_disk.mix.loudness.dialogue_lufs == in_memory.mix.loudness.dialogue_lufs
    assert on_disk.mix.dialogue_gain == in_memory.mix.dialogue_gain > 0
    assert on_disk.mix.gain_db == in_memory.mix.gain_db
    np.testing.assert_array_equal(on_disk.mix.duck_gain_db, in_memory.mix.duck_gain_db)
    assert on_disk.qc_line.split("true peak")[0] == in_memory.qc_line.split("true peak")[0]


def test_character_stems_add_up_to_the_dialogue_stem(both):
    on_disk, _ = both
    chars = sum(sf.read(str(p), dtype="float64")[0] for k, p in on_disk.files.items() if k.startswith("character:"))
    dialogue, _ = sf.read(str(on_disk.files["stem:dialogue"]), dtype="float64")
    # each channel of the dialogue stem is the characters' sum (their stems are at the mix's
    # dialogue gain, −3 dB for the spread); only where the limiter worked (a few peaks) do they part
    close = np.abs(dialogue[:, 0] - chars) <= 2 ** -21
    assert close.mean() > 0.99 and np.abs(chars).max() > 0.05


def test_character_files_are_placed_block_by_block_as_the_whole_stem_is(both, tmp_path, monkeypatch):
    from studio_kit.engines.post import audio
    from studio_kit.engines.post.audio import write_wav
    from studio_kit.engines.post.service import export_post

    on_disk, _ = both
    track = on_disk.track
    gain = np.float32(on_disk.mix.dialogue_gain / np.sqrt(2))
    monkeypatch.setattr(audio, "WRITE_BLOCK", 30_001)           # block edges inside lines
    files = export_post(on_disk.mix, track, None, tmp_path)
    for name in track.characters:
        whole = write_wav(tmp_path / f"ref_{name}.wav", track.characters[name] * gain)
        assert files[f"character:{name}"].read_bytes() == whole.read_bytes(), name
        assert files[f"character:{name}"].read_bytes() == on_disk.files[f"character:{name}"].read_bytes()
