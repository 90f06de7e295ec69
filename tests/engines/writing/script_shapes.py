"""Pathological Fountain and FDX shapes: inputs that once made the parser, the layout or the
pagination slow (quadratic or worse) or hang. Shared by test_fuzz.py and test_linear_time.py.

Each shape is ``name -> (make(n) -> str, n)`` where ``n`` is a size that parses in a few
milliseconds; the linearity test times ``make(n)`` against ``make(8 * n)``.
"""
from __future__ import annotations

_H = "INT. A - DAY\n\n"
_FDX_HEAD = '<?xml version="1.0"?><FinalDraft DocumentType="Script"><Content>'
_FDX_TAIL = "</Content></FinalDraft>"

FOUNTAIN_SHAPES = {
    # issue 8 item 2: unclosed inline marks and style runs
    "unclosed notes on one line": (lambda n: _H + "abc " + "[[" * n + "\n", 4000),
    "unclosed boneyard on one line": (lambda n: _H + "/*x " * n + "\n", 2000),
    "underlined words on one line": (lambda n: _H + "_a_ " * n + "\n", 800),
    "star-letter pairs on one line": (lambda n: _H + "*a" * n + "\n", 1500),
    "bold opened and never closed": (lambda n: _H + "**a " * n + "\n", 2000),
    "escaped stars between marks": (lambda n: _H + "\\*a*" * n + "\n", 1000),
    "mixed comment and emphasis marks": (lambda n: _H + "[[/*_*" * n + "\n", 1000),
    "a line of stars": (lambda n: _H + "*" * n + "\n", 4000),
    # issue 8 item 1: a right-hand dual speech far longer than a page
    "long right-hand dual speech": (lambda n: _H + "BOB\nl0\nl1\nl2\n\nAL ^\n" + "x\n" * n, 1000),
    "long left-hand dual speech": (lambda n: _H + "BOB\n" + "x\n" * n + "\nAL ^\nyes\n", 1000),
    # the multi-line scanners: notes and boneyard opened on many lines
    "a note opened on every line": (lambda n: _H + "[[\n" * n, 2000),
    "a boneyard opened on every line": (lambda n: _H + "/*\n" * n, 2000),
    "note closers on every line": (lambda n: _H + "x]]\n" * n, 2000),
    "notes split by blank lines": (lambda n: _H + "a [[b\n\n" * n + "]]\n", 800),
    # long single tokens
    "a heading padded with spaces": (lambda n: "INT. " + " " * n + "X\n\n", 50_000),
    "a heading ending in hashes": (lambda n: _H + "INT. X " + "#" * n + "\n\nx\n", 50_000),
    "a cue with unclosed parentheses": (lambda n: _H + "BOB " + "(" * n + ")\nhi\n", 20_000),
    "one very long word": (lambda n: _H + "a" * n + "\n", 50_000),
    "dots that are not headings": (lambda n: _H + ". . ." * n + "\n", 10_000),
    "centered marks": (lambda n: _H + ">" * n + "<\n", 20_000),
    "all-caps words in action": (lambda n: _H + "BOB " * n + "\n", 5000),
    # many elements
    "many speeches": (lambda n: _H + "BOB\nhi\n\n" * n, 300),
    "many dual pairs": (lambda n: _H + "BOB\nhi\n\nAL ^\nyo\n\n" * n, 150),
    "many parentheticals": (lambda n: _H + "BOB\n" + "(x)\n" * n, 600),
    "a title value continued": (lambda n: "Title: x\n" + "  y\n" * n + "\n" + _H, 6000),
}

FDX_SHAPES = {
    "nested dual dialogue": (lambda n: _FDX_HEAD + "<Paragraph><DualDialogue>" * n
                             + '<Paragraph Type="Action"><Text>x</Text></Paragraph>'
                             + "</DualDialogue></Paragraph>" * n + _FDX_TAIL, 300),
    "many inline notes": (lambda n: _FDX_HEAD + '<Paragraph Type="Action">' + "".join(
        f'<ScriptNote Fountain="inline-note:{k}"><Paragraph><Text>n</Text></Paragraph></ScriptNote>'
        for k in range(n)) + "<Text>" + "a" * n + "</Text></Paragraph>" + _FDX_TAIL, 500),
    "many text runs": (lambda n: _FDX_HEAD + '<Paragraph Type="Action">' + '<Text Style="Bold">a</Text><Text>b</Text>' * n
                       + "</Paragraph>" + _FDX_TAIL, 1000),
    "many title paragraphs": (lambda n: '<?xml version="1.0"?><FinalDraft><Content/><TitlePage><Content>'
                              + '<Paragraph Alignment="Left"><Text>Contact: x</Text></Paragraph>' * n
                              + "</Content></TitlePage></FinalDraft>", 500),
}
