"""Bad input: each case is a clear ScriptError (message + hint) or a parse with warnings; never a hang."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from studio_kit.domain.script import ElementType as ET
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.io import MAX_SCRIPT_BYTES, load_script
from studio_kit.exceptions import ScriptError, StudioError


def _refused(source, *words):
    with pytest.raises(ScriptError) as info:
        load_script(source)
    err = info.value
    assert isinstance(err, StudioError) and err.hint, "every refusal says how to fix it"
    for word in words:
        assert word in err.message, (word, err.message)
    return err


def test_binary_file_is_refused(tmp_path):
    blob = tmp_path / "take1.fountain"
    blob.write_bytes(bytes(range(256)) * 40)
    _refused(blob, "binary", str(blob))


@pytest.mark.parametrize("magic, what", [
    (b"%PDF-1.7\n", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"PK\x03\x04", "ZIP"),
])
def test_documents_and_images_are_named_in_the_refusal(tmp_path, magic, what):
    path = tmp_path / "script.fountain"
    path.write_bytes(magic + b"\x00" * 64)
    err = _refused(path, what)
    assert "Fountain" in err.hint or "image" in err.hint or "fdx" in err.hint


def test_empty_and_blank_files_are_refused(tmp_path):
    empty = tmp_path / "empty.fountain"
    empty.write_bytes(b"")
    _refused(empty, "empty")
    blank = tmp_path / "blank.fountain"
    blank.write_text(" \n\t\r\n  \n")
    _refused(blank, "empty")
    _refused("   \n\n", "empty")


def test_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "huge.fountain"
    chunk = b"INT. HOUSE - DAY\n\nBOB\nHello there.\n\n" * 2000   # ~70 KB, written 700+ times
    with big.open("wb") as fh:
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    started = time.process_time()
    err = _refused(big, "MB", f"{MAX_SCRIPT_BYTES / 1048576:.1f} MB")
    assert "50.0 MB" in err.message or "50.1 MB" in err.message
    assert time.process_time() - started < 1.0   # decided from the file size, not by parsing it


def test_missing_file_and_folder_are_refused(tmp_path):
    _refused(tmp_path / "nope.fountain", "not found")
    _refused(tmp_path, "folder")


def test_unterminated_boneyard_hides_the_rest_with_a_warning():
    s = parse_fountain("INT. HOUSE - DAY\n\nBob waits.\n\n/* old ending\n\nEXT. ROOF - NIGHT\n\nGone.\n")
    assert [e.type for e in s.elements] == [ET.SCENE_HEADING, ET.ACTION, ET.BONEYARD]
    assert any("line 5" in w and "never closed" in w for w in s.warnings)


def test_unterminated_note_ends_at_the_blank_line_and_parsing_goes_on():
    s = parse_fountain("INT. HOUSE - DAY\n\n[[check this\nand this\n\nBOB\nHi.\n\nEXT. ROOF - NIGHT\n")
    assert [e.type for e in s.elements] == [ET.SCENE_HEADING, ET.NOTE, ET.CHARACTER, ET.DIALOGUE, ET.SCENE_HEADING]
    assert len(s.scenes) == 2
    assert any("line 3" in w and "never closed" in w for w in s.warnings)


def test_title_page_only_parses_with_a_warning(tmp_path):
    path = tmp_path / "title.fountain"
    path.write_text("Title: Nothing Yet\nAuthor: Ana\n")
    s = load_script(path)
    assert s.title == "Nothing Yet" and s.scenes == [] and s.elements == []
    assert any("title page only" in w for w in s.warnings)


def test_script_without_headings_warns_but_keeps_its_dialogue():
    s = load_script("BOB\nHello.\n\nHe leaves.\n")
    assert s.dialogue_block_count == 1 and s.scenes == []
    assert any("no scene headings" in w for w in s.warnings)


def test_windows_1252_text_is_read_with_a_warning(tmp_path):
    path = tmp_path / "old.fountain"
    path.write_bytes("INT. CAFÉ - DAY\n\nJOSÉ\n“Olé.”\n".encode("cp1252"))
    s = load_script(path)
    assert s.scenes[0].location == "CAFÉ" and s.speaking_characters == ["JOSÉ"]
    assert any("Windows-1252" in w for w in s.warnings)


def test_utf16_and_bom_files_are_read(tmp_path):
    path = tmp_path / "u16.fountain"
    path.write_bytes("INT. HOUSE - DAY\n\nBOB\nHi.\n".encode("utf-16"))
    assert load_script(path).speaking_characters == ["BOB"]
    bom = tmp_path / "bom.fountain"
    bom.write_bytes(b"\xef\xbb\xbfTitle: X\n\nINT. HOUSE - DAY\n")
    assert load_script(bom).title_page == {"Title": "X"}


def test_malformed_fdx_is_refused_with_its_position(tmp_path):
    path = tmp_path / "broken.fdx"
    path.write_text('<?xml version="1.0"?>\n<FinalDraft><Content><Paragraph Type="Action"><Text>Hi</Content>')
    err = _refused(path, "not well-formed", "line 2")
    assert "re-export" in err.hint


def test_xml_that_is_not_final_draft_is_refused(tmp_path):
    path = tmp_path / "page.fdx"
    path.write_text('<?xml version="1.0"?><html><body>INT. HOUSE</body></html>')
    _refused(path, "not a Final Draft", "<html>")


def test_fdx_with_entity_declarations_is_refused(tmp_path):
    path = tmp_path / "laughs.fdx"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
                    '<FinalDraft><Content><Paragraph Type="Action"><Text>&lol2;</Text></Paragraph></Content></FinalDraft>')
    _refused(path, "DOCTYPE")


def test_text_over_the_limit_is_refused_without_parsing():
    with pytest.raises(ScriptError, match="over the"):
        load_script("INT. A - DAY\n" * 10, max_bytes=50)


@pytest.mark.parametrize("text", [
    " " * 300_000 + "#",                        # long whitespace before a scene-number mark
    "INT. A" + " " * 200_000 + "#x",
    "[[" * 100_000,                             # notes that never close
    "/*" * 100_000 + "\n" + "text\n" * 1000,    # boneyard nested 100k deep
    "A-" * 100_000 + "b\n\nINT. A - DAY\n\nA-" * 10 + "b",
    "*_" * 150_000,                              # emphasis marks with no partner
    "(" * 100_000 + "\nHi\n",
    "BOB\n" + "(" * 50_000 + ")\n",
    "Title:" + "x" * 100_000 + "\n",
])
def test_pathological_input_is_parsed_in_linear_time(text):
    # CPU time, not wall time: a loaded machine must not fail this; a quadratic parse would take minutes
    started = time.process_time()
    s = parse_fountain(text)
    from studio_kit.engines.writing.stats import script_stats
    script_stats(s)
    assert time.process_time() - started < 5.0


# ---------------------------------------------------------------- issue 8: devices, pipes, caps, late NUL bytes
def test_a_device_is_refused_not_read_until_memory_runs_out():
    started = time.process_time()
    err = _refused(Path("/dev/zero"), "/dev/zero", "device")
    assert "file" in err.hint
    _refused("/dev/zero", "device")             # a path given as a string too, never parsed as text
    assert time.process_time() - started < 1.0


def test_a_fifo_is_refused_instead_of_blocking_forever(tmp_path):
    fifo = tmp_path / "pipe.fountain"
    os.mkfifo(fifo)
    started = time.monotonic()
    _refused(fifo, "pipe", str(fifo))
    assert time.monotonic() - started < 2.0


def test_the_size_cap_holds_whatever_the_file_claims(tmp_path):
    path = tmp_path / "big.fountain"
    path.write_bytes(b"INT. A - DAY\n\n" + b"He waits.\n" * 200)
    with pytest.raises(ScriptError, match="over the"):
        load_script(path, max_bytes=1000)
    assert load_script(path, max_bytes=4000).scenes


@pytest.mark.parametrize("where", [0, 70_000, 1_000_000])
def test_nul_bytes_anywhere_in_the_file_mean_binary(tmp_path, where):
    body = b"INT. A - DAY\n\n" + b"He waits by the door.\n" * (where // 22 + 10)
    path = tmp_path / "late.fountain"
    path.write_bytes(body[:where] + b"\x00\x00" + body[where:])
    _refused(path, "binary", "NUL")
    _refused(body[:where] + b"\x00" + body[where:], "binary")
    _refused(body.decode()[:where] + "\x00" + body.decode()[where:], "binary")


def test_control_bytes_after_the_first_64k_mean_binary_when_not_utf8(tmp_path):
    text = b"INT. CAF\xc9 - DAY\n\n" + b"x" * 70_000 + bytes(range(1, 9)) * 2000
    _refused(text, "binary")


# ---------------------------------------------------------------- issue 8: FDX that used to raise tracebacks
_FDX_HEAD = '<?xml version="1.0"?><FinalDraft DocumentType="Script"><Content>'
_FDX_TAIL = "</Content></FinalDraft>"


def test_fdx_with_thousands_of_nested_dual_dialogues_reads_with_a_warning():
    depth = 2000
    xml = (_FDX_HEAD + "<Paragraph><DualDialogue>" * depth
           + '<Paragraph Type="Character"><Text>BOB</Text></Paragraph>'
           + '<Paragraph Type="Dialogue"><Text>Hi.</Text></Paragraph>'
           + "</DualDialogue></Paragraph>" * depth + _FDX_TAIL)
    s = load_script(xml.encode())
    assert [(e.type, e.text, e.dual) for e in s.elements] == [(ET.CHARACTER, "BOB", True), (ET.DIALOGUE, "Hi.", True)]
    assert any("nested" in w for w in s.warnings)


@pytest.mark.parametrize("offset", ["²", "٣", "9" * 5000, "-1", ""])
def test_fdx_inline_note_offsets_that_are_not_small_numbers_put_the_note_last(offset):
    xml = (_FDX_HEAD + '<Paragraph Type="Action"><ScriptNote Fountain="inline-note:' + offset + '">'
           '<Paragraph><Text>fix</Text></Paragraph></ScriptNote><Text>She waits.</Text></Paragraph>' + _FDX_TAIL)
    assert load_script(xml).elements[0].text == "She waits.[[fix]]"


@pytest.mark.parametrize("head", ["<!DOCTYPE FinalDraft>\n", "<!-- saved by hand -->\n<!DOCTYPE x>"])
def test_doctype_first_fdx_bytes_are_read_as_fdx_and_refused(head):
    data = (head + '<FinalDraft><Content><Paragraph Type="Action"><Text>Hi</Text></Paragraph>'
            '</Content></FinalDraft>').encode()
    _refused(data, "DOCTYPE")


def test_fdx_bytes_with_a_comment_first_are_read_as_fdx():
    data = (b'<!-- exported -->\n<FinalDraft><Content><Paragraph Type="Scene Heading"><Text>INT. A - DAY'
            b'</Text></Paragraph></Content></FinalDraft>')
    s = load_script(data)
    assert s.source_format == "fdx" and s.scenes[0].location == "A"
