"""The editor's typing path: splices from the browser applied to the server's text, and the fallbacks."""
from __future__ import annotations

import random

from studio_kit.ui.fountain_editor import FountainEditor, apply_splice


def _js_splice(base: str, now: str) -> dict:
    """The splice the browser sends (the common prefix and suffix in UTF-16 units), as the editor's JS."""
    b16, n16 = base.encode("utf-16-le", "surrogatepass"), now.encode("utf-16-le", "surrogatepass")
    bu = [b16[i:i + 2] for i in range(0, len(b16), 2)]
    nu = [n16[i:i + 2] for i in range(0, len(n16), 2)]
    n = min(len(bu), len(nu))
    a = 0
    while a < n and bu[a] == nu[a]:
        a += 1
    b = 0
    while b < n - a and nu[-1 - b] == bu[-1 - b]:
        b += 1

    def high(u: bytes) -> bool:
        return 0xD800 <= int.from_bytes(u, "little") <= 0xDBFF
    if a > 0 and high(nu[a - 1]):
        a -= 1
    if b > 0 and high(nu[len(nu) - b - 1]):
        b -= 1
    ins = b"".join(nu[a:len(nu) - b]).decode("utf-16-le", "surrogatepass")
    return {"at": a, "del": len(bu) - a - b, "ins": ins, "blen": len(bu), "len": len(nu)}


def test_splices_rebuild_the_text_exactly_ascii_and_beyond_the_bmp():
    rng = random.Random(7)
    alphabet = ["a", "B", " ", "\n", "é", "—", "😀", "🎬", "\u2028"]
    text = "INT. HALL - DAY\n\nA door opens.\n"
    for _ in range(400):
        at = rng.randrange(len(text) + 1)
        cut = rng.randrange(0, 4)
        new = text[:at] + "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 4))) + text[at + cut:]
        s = _js_splice(text, new)
        assert apply_splice(text, s["at"], s["del"], s["ins"], s["blen"], s["len"]) == new
        text = new


def test_a_splice_that_does_not_fit_is_refused():
    text = "ABCDEF"
    assert apply_splice(text, 2, 1, "x", 6, 6) == "ABxDEF"
    assert apply_splice(text, 2, 1, "x", 7, 7) is None          # another base length
    assert apply_splice(text, 2, 1, "x", 6, 7) is None          # the result's length does not add up
    assert apply_splice(text, 6, 1, "", 6, 5) is None           # past the end
    assert apply_splice(text, -1, 0, "x", 6, 7) is None
    assert apply_splice("😀B", 2, 1, "C", 3, 3) == "😀C"        # offsets in UTF-16 units, as the browser's


def test_editor_applies_splices_and_asks_for_the_whole_text_on_a_mismatch():
    ed = FountainEditor(value="Hello world", value_input="Hello world")
    seen: list[str] = []
    ed.param.watch(lambda e: seen.append(e.new), "value_input")
    epoch = ed.sync["epoch"]
    assert ed.apply_edit({"epoch": epoch, "base": 0, "rev": 1, "at": 5, "del": 0, "ins": ",", "blen": 11, "len": 12})
    assert ed.value_input == "Hello, world" and ed.value == "Hello world" and seen == ["Hello, world"]
    assert ed.sync["epoch"] == epoch                            # an edit from the browser is not pushed back
    # a stale base revision: refused, nothing changes, the whole text is asked for
    assert not ed.apply_edit({"epoch": epoch, "base": 0, "rev": 2, "at": 0, "del": 0, "ins": "X",
                              "blen": 12, "len": 13})
    assert ed.resyncs == 1 and ed.value_input == "Hello, world"
    # a length that does not match the server's text: refused too
    assert not ed.apply_edit({"epoch": epoch, "base": 1, "rev": 2, "at": 0, "del": 0, "ins": "X",
                              "blen": 99, "len": 100})
    assert ed.resyncs == 2
    # the whole text (the browser's answer) is taken as is; splices then go on from its revision
    assert ed.apply_edit({"epoch": epoch, "rev": 3, "text": "Hi world"})
    assert ed.value_input == "Hi world"
    assert ed.apply_edit({"epoch": epoch, "base": 3, "rev": 4, "at": 8, "del": 0, "ins": "!", "blen": 8, "len": 9,
                          "commit": True})
    assert ed.value_input == ed.value == "Hi world!"


def test_text_set_from_python_is_pushed_once_and_older_edits_are_dropped():
    ed = FountainEditor(value="one", value_input="one")
    epoch = ed.sync["epoch"]
    ed.param.update(value="two", value_input="two")             # as ScriptRoom.load_text does
    assert ed.sync == {"epoch": epoch + 1, "text": "two"}
    ed.value_input = "two"                                       # the same text again: nothing to push
    assert ed.sync["epoch"] == epoch + 1
    # typed before the push reached the browser: dropped (the push replaces that text there), no resync
    assert not ed.apply_edit({"epoch": epoch, "base": 0, "rev": 1, "at": 3, "del": 0, "ins": "!", "blen": 3,
                              "len": 4})
    assert ed.value_input == "two" and ed.resyncs == 0
    assert ed.apply_edit({"epoch": epoch + 1, "base": 0, "rev": 1, "at": 3, "del": 0, "ins": "!", "blen": 3,
                          "len": 4})
    assert ed.value_input == "two!" and ed.sync["text"] == "two"
