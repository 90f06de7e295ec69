"""Final Draft's scene-number lock in .fdx (issue 14 item 9).

Final Draft writes no "locked" flag: a production script's headings carry
``Number="12"`` and the file carries ``<SceneNumberOptions ... NumberScheme="1A">``
(Final Draft 13's own output, see tests/data/fdx_lock/README.md). Those numbers
never move: a scene added later gets 12A. The fixture is such a file, numbered
11, 12, 13.
"""
from __future__ import annotations

import xml.etree.ElementTree as ETree
from pathlib import Path

from typer.testing import CliRunner

from studio_kit.cli import app
from studio_kit.domain.script import ElementType as ET
from studio_kit.engines.writing.fdx import read_fdx, write_fdx
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.scenes import LOCK_NOTE, scene_numbers_locked
from studio_kit.exceptions import ScriptError

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "fdx_lock" / "locked_scene_numbers.fdx"
runner = CliRunner()

NEW_SCENE = ('    <Paragraph Alignment="Left" LeftIndent="1.50" Type="Scene Heading">\n'
             '      <Text Style="AllCaps">EXT. NIGHT FERRY - LIFEBOAT - NIGHT</Text>\n    </Paragraph>\n'
             '    <Paragraph Alignment="Left" LeftIndent="1.50" Type="Action">\n'
             '      <Text>Mara unties the lifeboat.</Text>\n    </Paragraph>\n')
SCENE_13 = '    <Paragraph Alignment="Left" LeftIndent="1.50" Number="13"'


def _numbers(script) -> list[tuple[str, str | None]]:
    return [(sc.heading, sc.number) for sc in script.scenes]


def test_final_draft_numbers_and_lock_are_read():
    script = read_fdx(FIXTURE)
    assert _numbers(script) == [("INT. NIGHT FERRY - CABIN - NIGHT", "11"), ("EXT. NIGHT FERRY - DECK - NIGHT", "12"),
                                ("INT. NIGHT FERRY - BRIDGE - NIGHT", "13")]
    assert scene_numbers_locked(script.elements) and not script.warnings
    assert script.metadata["fdx_scene_number_options"]["ShowNumbersOnRight"] == "No"


def test_round_trip_keeps_the_lock_the_numbers_and_final_draft_options():
    xml = write_fdx(read_fdx(FIXTURE))
    root = ETree.fromstring(xml)
    assert [p.get("Number") for p in root.iter("Paragraph") if p.get("Type") == "Scene Heading"] == ["11", "12", "13"]
    options = root.find("SceneNumberOptions")
    assert options is not None and options.get("NumberScheme") == "1A" and options.get("ShowNumbersOnRight") == "No"
    assert options.get("Fountain") is None                           # locked: nothing beyond what Final Draft writes
    assert LOCK_NOTE not in xml                                        # the lock is the numbers, not a script note
    back = read_fdx(xml)
    assert _numbers(back) == _numbers(read_fdx(FIXTURE)) and scene_numbers_locked(back.elements)


def test_a_scene_inserted_after_locking_gets_an_a_number(tmp_path):
    src = tmp_path / "ferry.fdx"
    src.write_text(FIXTURE.read_text(encoding="utf-8").replace(SCENE_13, NEW_SCENE + SCENE_13, 1), encoding="utf-8")
    assert [n for _, n in _numbers(read_fdx(src))] == ["11", "12", None, "13"]
    out = tmp_path / "ferry.numbered.fdx"
    result = runner.invoke(app, ["script", "number", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    numbered = read_fdx(out)
    assert _numbers(numbered)[2] == ("EXT. NIGHT FERRY - LIFEBOAT - NIGHT", "12A")
    assert [n for _, n in _numbers(numbered)] == ["11", "12", "12A", "13"] and scene_numbers_locked(numbered.elements)
    refused = runner.invoke(app, ["script", "number", str(out), "--renumber"])      # locked: no renumbering
    assert isinstance(refused.exception, ScriptError) and "locked" in refused.exception.message
    as_fountain = tmp_path / "ferry.fountain"
    assert runner.invoke(app, ["script", "number", str(out), "-o", str(as_fountain)]).exit_code == 0
    text = as_fountain.read_text(encoding="utf-8")
    assert f"[[{LOCK_NOTE}]]" in text and "EXT. NIGHT FERRY - LIFEBOAT - NIGHT #12A#" in text


def test_a_scene_cut_after_locking_stays_as_omitted(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index('    <Paragraph Alignment="Left" LeftIndent="1.50" Number="12"')
    src = tmp_path / "cut.fdx"
    src.write_text(text[:start] + text[text.index(SCENE_13):], encoding="utf-8")
    assert runner.invoke(app, ["script", "number", str(src), "--in-place"]).exit_code == 0
    assert _numbers(read_fdx(src)) == [("INT. NIGHT FERRY - CABIN - NIGHT", "11"), ("OMITTED", "12"),
                                       ("INT. NIGHT FERRY - BRIDGE - NIGHT", "13")]


def test_unlocked_numbers_stay_unlocked_through_final_draft(tmp_path):
    script = parse_fountain("INT. A - DAY #4#\n\nx\n\nINT. B - DAY #5#\n\ny\n")
    xml = write_fdx(script)
    assert ETree.fromstring(xml).find("SceneNumberOptions").get("Fountain") == "unlocked"
    back = read_fdx(xml)
    assert [n for _, n in _numbers(back)] == ["4", "5"] and not scene_numbers_locked(back.elements)
    assert not any(el.type == ET.NOTE for el in back.elements)
    unlocked = tmp_path / "ferry.fdx"                                   # --unlock on a Final Draft file
    unlocked.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(app, ["script", "number", str(unlocked), "--in-place", "--unlock"]).exit_code == 0
    assert not scene_numbers_locked(read_fdx(unlocked).elements)
    assert runner.invoke(app, ["script", "number", str(unlocked), "--in-place", "--renumber"]).exit_code == 0
    assert [n for _, n in _numbers(read_fdx(unlocked))] == ["1", "2", "3"]


def test_a_bad_lock_value_is_a_warning_that_names_the_fix():
    text = FIXTURE.read_text(encoding="utf-8")
    bad = read_fdx(text.replace('NumberScheme="1A"', 'NumberScheme="1A" Fountain="perhaps"'))
    assert scene_numbers_locked(bad.elements)                            # read as Final Draft keeps them
    [warning] = bad.warnings
    assert "Fountain='perhaps'" in warning and "--unlock" in warning and "remove the attribute" in warning
    scheme = read_fdx(text.replace('NumberScheme="1A"', 'NumberScheme="Z9"'))
    assert any("NumberScheme='Z9'" in w and "Production > Scene Numbers" in w for w in scheme.warnings)
    shown = read_fdx(text.replace('ShowNumbersOnLeft="Yes"', 'ShowNumbersOnLeft="Sometimes"'))
    assert any("ShowNumbersOnLeft='Sometimes'" in w and '"Yes" or "No"' in w for w in shown.warnings)
