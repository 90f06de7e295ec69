"""FDX export carries Final Draft's scene properties and SmartType lists (issue 14 item 9).

Every scene heading gets ``<SceneProperties Length="1 3/8" Page="4" Title=""/>``
(our pagination's eighths and starting page); ``<SmartType>`` lists the cast,
extensions, scene intros, locations, times of day and transitions. Import
ignores both, so the round trip is unchanged.
"""
from __future__ import annotations

import xml.etree.ElementTree as ETree

from studio_kit.domain.eighths import parse_eighths
from studio_kit.engines.writing.fdx import read_fdx, write_fdx
from studio_kit.engines.writing.fountain import parse_fountain, plain_text
from studio_kit.engines.writing.io import load_script
from studio_kit.engines.writing.pagination import paginate


def _headings(xml: str) -> list[ETree.Element]:
    root = ETree.fromstring(xml.encode("utf-8"))
    return [p for p in root.find("Content").iter("Paragraph") if p.get("Type") == "Scene Heading"]


def _long_script(scenes: int = 40) -> str:
    parts = ["Title: The Long Night\nAuthor: Ana Lopez\n"]
    for i in range(scenes):
        where = ("INT. DINER", "EXT. HARBOUR", "INT./EXT. CAR", "EXT. ROOFTOP")[i % 4]
        when = ("DAY", "NIGHT", "DUSK", "CONTINUOUS")[i % 4]
        parts.append(f"{where} - {when}\n\n" + "Rain hammers the glass while the neon sign flickers on and off. "
                     * (1 + i % 5) + f"\n\nNADIA{' (V.O.)' if i % 3 == 0 else ''}\nLine {i} " + "of talk " * (i % 7)
                     + f"\n\nMARCUS (FILTERED)\nAnswer {i}.\n")
        if i % 6 == 5:
            parts.append("SMASH CUT TO:\n")
    return "\n".join(parts)


def test_every_heading_has_its_length_in_eighths_and_its_page():
    script = parse_fountain(_long_script())
    xml = write_fdx(script)
    pagination = paginate(parse_fountain(_long_script()))
    headings = _headings(xml)
    assert len(headings) == len(script.scenes) == 40
    props = [h.find("SceneProperties") for h in headings]
    assert all(p is not None for p in props)
    assert all(h[0].tag == "SceneProperties" for h in headings)          # first child, as Final Draft writes it
    assert all(p.get("Title") == "" for p in props)
    lengths = [p.get("Length") for p in props]
    assert all("." not in x and "1/2" not in x for x in lengths)        # "1 4/8", never 1.5 or 1 1/2
    eighths = [parse_eighths(x) for x in lengths]
    assert eighths == pagination.scene_eighths and min(eighths) >= 1
    # the lengths add up to the script's page count, give or take half an eighth per scene
    assert abs(sum(eighths) / 8 - pagination.fractional_pages) <= len(eighths) * 0.5 / 8 + 1 / 8
    pages = [int(p.get("Page")) for p in props]
    assert pages == pagination.scene_pages
    assert pages[0] == 1 and pages == sorted(pages) and pages[-1] <= pagination.page_count
    assert pagination.page_count > 5 and len(set(pages)) >= pagination.page_count - 1
    for number, page in enumerate(pages[:len(script.scenes)]):   # each heading prints on its page
        assert any(ln.type == "scene_heading" and ln.scene_index == number for ln in pagination.pages[page - 1])
    a4 = [int(h.find("SceneProperties").get("Page")) for h in _headings(write_fdx(script, paper="a4"))]
    assert a4 == paginate(parse_fountain(_long_script()), "a4").scene_pages


def test_the_reference_sample_gets_afterwritings_eighths(samples_dir):
    script = load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain")
    props = [h.find("SceneProperties") for h in _headings(write_fdx(script))]
    assert [p.get("Length") for p in props] == ["2", "4/8", "2 7/8"]     # afterwriting: 16/8, 4/8, 23/8
    assert [p.get("Page") for p in props] == ["1", "3", "3"]


def test_smart_type_lists_the_cast_locations_times_and_transitions():
    script = parse_fountain(_long_script(12))
    root = ETree.fromstring(write_fdx(script).encode("utf-8"))
    assert [c.tag for c in root] == ["Content", "TitlePage", "SmartType"]
    smart = root.find("SmartType")
    lists = {group.tag: [item.text for item in group] for group in smart}
    assert list(lists) == ["Characters", "Extensions", "SceneIntros", "Locations", "TimesOfDay", "Transitions"]
    assert lists["Characters"] == ["MARCUS", "NADIA"] == sorted(script.speaking_characters)
    assert {"(V.O.)", "(FILTERED)", "(CONT'D)"} <= set(lists["Extensions"])
    assert lists["Locations"] == ["CAR", "DINER", "HARBOUR", "ROOFTOP"]
    assert {"INT", "EXT", "INT./EXT"} <= set(lists["SceneIntros"])
    assert {"DAY", "NIGHT", "DUSK", "CONTINUOUS"} <= set(lists["TimesOfDay"])
    assert "SMASH CUT TO:" in lists["Transitions"] and "CUT TO:" in lists["Transitions"]
    assert smart.find("SceneIntros").get("Separator") == ". " and smart.find("TimesOfDay").get("Separator") == " - "
    assert all(len(v) == len(set(v)) for v in lists.values())
    omitted = parse_fountain("INT. A - DAY #1#\n\nx\n\n.OMITTED #2#\n\nEXT. B - NIGHT #3#\n\ny\n")
    locations = [x.text for x in ETree.fromstring(write_fdx(omitted)).find("SmartType/Locations")]
    assert locations == ["A", "B"]                                        # a cut scene is no location


def test_import_ignores_the_properties_and_the_round_trip_holds(samples_dir):
    for path in sorted((samples_dir / "fountain").glob("*.fountain")):
        first = parse_fountain(path.read_text(encoding="utf-8"))
        back = read_fdx(write_fdx(first))
        assert [(e.type, plain_text(e.text), e.scene_number) for e in back.elements] == \
            [(e.type, plain_text(e.text), e.scene_number) for e in first.elements], path.name
        assert back.title_page == first.title_page or not first.title_page, path.name
    # a synopsis under a heading still travels as the scene's Summary, beside Length and Page
    script = parse_fountain("INT. HARBOUR - NIGHT #12A#\n\n= Nadia misses the boat.\n\nShe runs.\n")
    heading = _headings(write_fdx(script))[0]
    props = heading.find("SceneProperties")
    assert props.get("Length") == "1/8" and props.get("Page") == "1"
    assert props.find("Summary/Paragraph/Text").text == "Nadia misses the boat."
    assert len(heading.findall("SceneProperties")) == 1
    back = read_fdx(write_fdx(script))
    assert [(e.type.value, e.text) for e in back.elements] == [(e.type.value, e.text) for e in script.elements]
    # Final Draft's own file with these parts reads exactly like one without them
    bare = ('<?xml version="1.0" encoding="UTF-8"?><FinalDraft DocumentType="Script" Template="No" Version="5">'
            '<Content><Paragraph Type="Scene Heading" Number="4">{props}<Text>INT. LAB - DAY</Text></Paragraph>'
            '<Paragraph Type="Character"><Text>BOB</Text></Paragraph>'
            '<Paragraph Type="Dialogue"><Text>Hi.</Text></Paragraph></Content>{smart}</FinalDraft>')
    full = bare.format(props='<SceneProperties Length="3/8" Page="7" Title="Lab"/>',
                       smart="<SmartType><Characters><Character>ZED</Character></Characters>"
                             "<Locations><Location>MOON</Location></Locations></SmartType>")
    plain = read_fdx(bare.format(props="", smart="").encode("utf-8"))
    rich = read_fdx(full.encode("utf-8"))
    assert [(e.type, e.text, e.scene_number) for e in rich.elements] == \
        [(e.type, e.text, e.scene_number) for e in plain.elements]
    assert rich.speaking_characters == ["BOB"] and not rich.warnings
