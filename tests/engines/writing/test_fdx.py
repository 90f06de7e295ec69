"""Final Draft .fdx import and export."""
from __future__ import annotations

import xml.etree.ElementTree as ETree

import pytest

from studio_kit.domain.script import ElementType as ET
from studio_kit.engines.writing.fdx import read_fdx, write_fdx
from studio_kit.engines.writing.fountain import parse_fountain, plain_text
from studio_kit.engines.writing.io import load_script

FERRY = """Title: The Last Ferry
Credit: written by
Author: Ana Ruiz
Draft date: 2026-11-25
Contact:
    ana@example.com
    +34 600 000 000
Copyright: (c) 2026 Ana Ruiz

# ACT ONE

EXT. HARBOUR - NIGHT #12A#

= Nadia misses the boat.

NADIA runs. [[Is the pier wet?]] The horn **blasts**.

NADIA (V.O.)
I'd never missed it.
(beat)
Not once.

NADIA
Wait!

FERRYMAN ^
No.

> CUT TO:

===

INT. FERRY - CONTINUOUS

[[Props: lifebuoy]]

>THE END<
"""

HAND_WRITTEN_FDX = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="4">
  <Content>
    <Paragraph Type="Scene Heading" Number="3"><Text>INT. LIGHTHOUSE - NIGHT</Text></Paragraph>
    <Paragraph Type="Action"><Text>The lamp turns. </Text><Text Style="Bold">Slowly.</Text></Paragraph>
    <Paragraph Type="Action"><Text></Text></Paragraph>
    <Paragraph Type="Shot"><Text>ANGLE ON THE LAMP</Text></Paragraph>
    <Paragraph Type="General"><Text>A gull cries.</Text></Paragraph>
    <Paragraph>
      <DualDialogue>
        <Paragraph Type="Character"><Text>KEEPER</Text></Paragraph>
        <Paragraph Type="Parenthetical"><Text>whispering</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Who's there?</Text></Paragraph>
        <Paragraph Type="Character"><Text>GHOST</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Me.</Text></Paragraph>
      </DualDialogue>
    </Paragraph>
    <Paragraph Type="Transition"><Text>SMASH CUT TO:</Text></Paragraph>
    <Paragraph Type="Scene Heading" StartsNewPage="Yes"><Text>EXT. CLIFF - DAWN</Text></Paragraph>
    <Paragraph Type="Cast List"><Text>KEEPER, GHOST</Text></Paragraph>
    <Paragraph Type="Storyline Marker"><Text>Beat 4</Text></Paragraph>
  </Content>
  <TitlePage>
    <Content>
      <Paragraph Alignment="Center"><Text>THE LAMP</Text></Paragraph>
      <Paragraph Alignment="Center"><Text></Text></Paragraph>
      <Paragraph Alignment="Center"><Text>written by</Text></Paragraph>
      <Paragraph Alignment="Center"><Text></Text></Paragraph>
      <Paragraph Alignment="Center"><Text>Sam Lee</Text></Paragraph>
      <Paragraph Alignment="Left"><Text>sam@example.com</Text></Paragraph>
    </Content>
  </TitlePage>
</FinalDraft>
"""


def test_afterwriting_fdx_samples_read_like_their_fountain_twins(samples_dir):
    for fdx in sorted((samples_dir / "fdx").glob("*.fdx")):
        got = read_fdx(fdx)
        want = parse_fountain(fdx.with_suffix(".fountain").read_text())
        assert [(e.type, e.text) for e in got.elements] == [(e.type, e.text) for e in want.elements], fdx.name
        assert got.source_format == "fdx"


def test_import_maps_paragraph_types_dual_dialogue_and_title_page():
    s = read_fdx(HAND_WRITTEN_FDX)
    assert [(e.type, e.text) for e in s.elements] == [
        (ET.SCENE_HEADING, "INT. LIGHTHOUSE - NIGHT"),
        (ET.ACTION, "The lamp turns. **Slowly.**"),
        (ET.ACTION, "ANGLE ON THE LAMP"),
        (ET.ACTION, "A gull cries."),
        (ET.CHARACTER, "KEEPER"), (ET.PARENTHETICAL, "(whispering)"), (ET.DIALOGUE, "Who's there?"),
        (ET.CHARACTER, "GHOST"), (ET.DIALOGUE, "Me."),
        (ET.TRANSITION, "SMASH CUT TO:"),
        (ET.PAGE_BREAK, ""),
        (ET.SCENE_HEADING, "EXT. CLIFF - DAWN"),
        (ET.ACTION, "KEEPER, GHOST"),
        (ET.ACTION, "Beat 4"),
    ]
    assert s.elements[0].scene_number == "3"
    assert all(e.dual for e in s.elements[4:9])
    assert s.scenes[0].speaking_characters == ["KEEPER", "GHOST"]
    assert [b.dual for b in s.scenes[0].dialogue] == [True, True]
    assert s.title_page == {"Title": "THE LAMP", "Credit": "written by", "Author": "Sam Lee",
                            "Contact": "sam@example.com"}
    assert any("Storyline Marker" in w for w in s.warnings)


def test_export_writes_final_draft_paragraphs():
    xml = write_fdx(parse_fountain(FERRY))
    root = ETree.fromstring(xml)
    assert root.tag == "FinalDraft" and root.get("DocumentType") == "Script"
    paras = root.find("Content").findall("Paragraph")
    kinds = [p.get("Type") for p in paras]
    assert kinds == ["Scene Heading", "Action", "Character", "Dialogue", "Parenthetical", "Dialogue",
                     None, "Transition", "Scene Heading", "Action"]
    heading = paras[0]
    assert heading.get("Number") == "12A"
    assert heading.find("SceneProperties/Summary/Paragraph/Text").text == "Nadia misses the boat."
    assert heading.find("ScriptNote").get("Fountain") == "before:section"   # "# ACT ONE" travels as a note
    action = paras[1]
    assert "".join(t.text for t in action.findall("Text")) == "NADIA runs.  The horn blasts."
    assert [t.get("Style") for t in action.findall("Text")] == [None, "Bold", None]
    assert action.find("ScriptNote/Paragraph/Text").text == "Is the pier wet?"
    dual = paras[6].find("DualDialogue")
    assert [p.get("Type") for p in dual.findall("Paragraph")] == ["Character", "Dialogue", "Character", "Dialogue"]
    assert paras[8].get("StartsNewPage") == "Yes"
    assert paras[9].get("Alignment") == "Center"
    title = [t.text for t in root.iter("Text") if t.text and root.find("TitlePage") is not None]
    assert "The Last Ferry" in title and "Ana Ruiz" in title


def test_fountain_to_fdx_and_back_keeps_every_element(tmp_path):
    first = parse_fountain(FERRY)
    path = tmp_path / "ferry.fdx"
    write_fdx(first, path)
    back = load_script(path)
    assert [(e.type, e.text, e.scene_number, e.dual) for e in back.elements] == \
        [(e.type, e.text, e.scene_number, e.dual) for e in first.elements]
    assert back.title_page == first.title_page


def test_every_sample_survives_fdx_export_and_import(samples_dir):
    for path in sorted((samples_dir / "fountain").glob("*.fountain")):
        first = parse_fountain(path.read_text(encoding="utf-8"))
        back = read_fdx(write_fdx(first))
        # emphasis may come back spelled differently (Final Draft stores styles, not marks)
        assert [(e.type, plain_text(e.text), e.scene_number, e.dual) for e in back.elements] == \
            [(e.type, plain_text(e.text), e.scene_number, e.dual) for e in first.elements], path.name
        assert back.title_page == first.title_page, path.name


def test_control_characters_never_make_invalid_xml():
    xml = write_fdx(parse_fountain("INT. A - DAY\n\nBell\x07 rings\x0c.\n"))
    assert read_fdx(xml).elements[1].text == "Bell rings."


@pytest.mark.parametrize("bad", [b"<FinalDraft><Content>", "<?xml version='1.0'?><Script/>"])
def test_read_fdx_refuses_broken_or_foreign_xml(bad):
    from studio_kit.exceptions import ScriptError

    with pytest.raises(ScriptError):
        read_fdx(bad)


def test_fdx_round_trip_holds_for_hundreds_of_shuffled_scripts():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_fountain_tests", Path(__file__).with_name("test_fountain.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fuzz_scripts = module.fuzz_scripts
    for text in fuzz_scripts(300, seed=5):
        first = parse_fountain(text)
        back = read_fdx(write_fdx(first))
        assert [(e.type, plain_text(e.text), e.scene_number) for e in back.elements] == \
            [(e.type, plain_text(e.text), e.scene_number) for e in first.elements], text


def test_load_script_picks_fountain_or_fdx_by_extension_and_content(tmp_path):
    fdx_text = write_fdx(parse_fountain(FERRY))
    from_text = load_script(fdx_text)                     # XML text: sniffed as FDX
    assert from_text.source_format == "fdx" and from_text.metadata["source"] == "<text>"
    odd_name = tmp_path / "ferry.txt"                     # a .txt holding FDX XML
    odd_name.write_text(fdx_text, encoding="utf-8")
    assert load_script(odd_name).source_format == "fdx"
    fountain = tmp_path / "ferry.fountain"
    fountain.write_text(FERRY.replace("\n", "\r\n"), encoding="utf-8")
    script = load_script(fountain)
    assert script.source_format == "fountain" and script.metadata["bytes"] == fountain.stat().st_size
    assert [e.text for e in script.elements] == [e.text for e in from_text.elements]
    assert load_script(FERRY).scenes[0].number == "12A"   # Fountain text straight in


# Final Draft's own document shape: what a file must look like for Final Draft to open it
_FD_TYPES = {"Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Transition", "Shot", "General"}


def _check_final_draft_shape(xml: str) -> ETree.Element:
    root = ETree.fromstring(xml.encode("utf-8"))
    assert root.tag == "FinalDraft" and root.get("DocumentType") == "Script" and root.get("Template") == "No"
    assert root.get("Version", "").isdigit()
    tags = [c.tag for c in root]
    numbered = any(p.get("Number") for p in root.iter("Paragraph"))
    if numbered:    # numbered headings come with Final Draft's scene-number options (as Final Draft 13 writes them)
        assert tags[-1] == "SceneNumberOptions" and root.find("SceneNumberOptions").get("NumberScheme") == "1A"
        assert root.find("SceneNumberOptions/FontSpec") is not None
        tags = tags[:-1]
    assert tags in (["Content", "SmartType"], ["Content", "TitlePage", "SmartType"])
    for para in root.find("Content"):
        assert para.tag == "Paragraph"
        dual = para.find("DualDialogue")
        if dual is not None:                       # <Paragraph><DualDialogue> two speeches </DualDialogue>
            inner = [p.get("Type") for p in dual]
            assert inner.count("Character") == 2 and inner[0] == "Character"
            assert set(inner) <= {"Character", "Parenthetical", "Dialogue"}
            continue
        assert para.get("Type") in _FD_TYPES
        assert all(c.tag in ("Text", "ScriptNote", "SceneProperties") for c in para)
        for note in para.findall("ScriptNote"):
            assert note.get("ID", "").isdigit() and note.find("Paragraph/Text") is not None
    tp = root.find("TitlePage")
    if tp is not None:
        assert all(p.tag == "Paragraph" and p.get("Alignment") in ("Center", "Left", "Right") for p in tp.find("Content"))
    return root


def test_export_has_final_draft_document_shape_for_every_sample(samples_dir):
    for path in sorted((samples_dir / "fountain").glob("*.fountain")):
        _check_final_draft_shape(write_fdx(parse_fountain(path.read_text(encoding="utf-8"))))
    root = _check_final_draft_shape(write_fdx(parse_fountain(FERRY)))
    ids = [n.get("ID") for n in root.iter("ScriptNote")]
    assert ids and len(ids) == len(set(ids))                       # one ID per note


def test_title_page_emphasis_becomes_final_draft_styles_and_comes_back():
    script = parse_fountain("Title: **THE NIGHT SHIFT**\nAuthor: _Ana_ Lopez\n\nINT. DINER - NIGHT\n\nRain.\n")
    root = _check_final_draft_shape(write_fdx(script))
    styled = {t.text: t.get("Style") for t in root.iter("Text") if t.get("Style")}
    assert styled == {"THE NIGHT SHIFT": "Bold", "Ana": "Underline"}
    assert "**" not in write_fdx(script)
    back = read_fdx(write_fdx(script).encode("utf-8"))
    assert back.title_page["Title"] == "**THE NIGHT SHIFT**" and back.title_page["Author"] == "_Ana_ Lopez"


def test_lyrics_after_a_dual_dialogue_are_not_pulled_into_it():
    script = parse_fountain("INT. ROOM - DAY\n\nBOB\nYes.\n\nEVE ^\nNo.\n\n~Sung on its own\n")
    root = _check_final_draft_shape(write_fdx(script))
    dual = root.find("Content/Paragraph/DualDialogue")
    assert [p.findtext("Text") for p in dual] == ["BOB", "Yes.", "EVE", "No."]
    sung = [p for p in root.find("Content") if p.findtext("Text") == "Sung on its own"]
    assert sung and sung[0].get("Type") == "Action" and sung[0].find("Text").get("Style") is None
    back = read_fdx(write_fdx(script).encode("utf-8"))
    assert [e.type for e in back.elements][-1] == ET.LYRICS
    inside = _check_final_draft_shape(write_fdx(parse_fountain("INT. ROOM - DAY\n\nBOB\n~La la la\n")))
    assert [p.get("Type") for p in inside.find("Content")][-2:] == ["Character", "Dialogue"]
