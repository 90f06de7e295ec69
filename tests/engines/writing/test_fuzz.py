"""Fuzzing the Fountain and Final Draft readers (issue 8): no tracebacks, no hangs.

Inputs come from a fixed seed, so a failure reproduces: random Fountain made
of the syntax's own marks, the sample scripts mutated (lines dropped, doubled,
swapped, cut, marks inserted, bytes flipped), the pathological shapes of
``script_shapes.py``, random Final Draft XML, and mutated FDX files. Each
input goes through the whole pipeline a user triggers: read (bytes, as from
a file), paginate, write Fountain and read it back, write FDX and read it
back. The only acceptable outcomes are a parse or a :class:`ScriptError`;
each input must finish within a few seconds. The test stops generating when
its time budget is spent (``STUDIO_FUZZ_SECONDS``, default 45 s) and checks
it got through a meaningful number of inputs. ``STUDIO_FUZZ_SEED`` runs another campaign.
"""
from __future__ import annotations

import os
import random
import signal
import sys
import time
import traceback
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from script_shapes import FDX_SHAPES, FOUNTAIN_SHAPES

from studio_kit.engines.writing.fdx import read_fdx_text, write_fdx
from studio_kit.engines.writing.fountain import parse_fountain, plain_text
from studio_kit.engines.writing.fountain_writer import write_fountain
from studio_kit.engines.writing.io import load_script
from studio_kit.engines.writing.pagination import paginate
from studio_kit.exceptions import ScriptError

SEED = int(os.environ.get("STUDIO_FUZZ_SEED", "20261206"))   # fixed: a failure reproduces
BUDGET_S = float(os.environ.get("STUDIO_FUZZ_SECONDS", "45"))
PER_INPUT_S = 5.0
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"

# pieces of Fountain syntax, some broken on purpose
_FRAGMENTS = [
    "INT. HOUSE - DAY", "EXT. ROAD - NIGHT #12A#", "INT./EXT. CAR", "I/E VAN", "EST. CITY", ".FORCED", "..", ". ",
    ". . . and then", "BOB", "ALICE (V.O.)", "AL ^", "@McCLANE", "BOB (CONT'D)", "(quietly)", "(", ")", "（小声）",
    "Hello there.", "CUT TO:", "> FADE OUT.", ">THE END<", "~La la la", "!FORCED ACTION", "= synopsis", "# Act",
    "## Seq", "===", "[[note", "]]", "[[a note]]", "/*", "*/", "/* bone */", "*", "**", "***", "_", "\\*", "\\_",
    "*italic*", "**bold**", "_under_", "He dialed *69 and then *23", "  ", "\t", "", "", "", "Title: X",
    "Author: Y", "Draft date: 1 May", "Contact:", "    Someone", "中文对白", "émigré", "😀", "#1#", "^", "@", "~",
    ">", "<", "=", "!", "INT", "ext.", "TO:", "a" * 120, "word " * 30, "\ufeff", "\r", "\u2028",
]
_FDX_TYPES = ["Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Transition", "General",
              "Shot", "Lyrics", "New Act", "End of Act", "Cast List", "Nonsense", ""]


class _Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Hang()


def _pipeline(data: bytes | str) -> None:
    script = load_script(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    paginate(script)
    for el in script.elements[:200]:
        plain_text(el.text)
    again = parse_fountain(write_fountain(script))
    paginate(again, "a4", sentence_splits=False)         # afterwriting's line splits too (the default is Final Draft's)
    read_fdx_text(write_fdx(script))


def _random_fountain(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 60)):
        parts = rng.choices(_FRAGMENTS, k=rng.choice((1, 1, 1, 2, 3)))
        lines.append(rng.choice(("", " ", "")).join(parts))
    return rng.choice(("\n", "\n", "\r\n", "\r")).join(lines)


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        if not lines:
            lines = [""]
        k = rng.randrange(len(lines))
        op = rng.randrange(7)
        if op == 0:
            del lines[k]
        elif op == 1:
            lines.insert(k, lines[k])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == 3:
            cut = rng.randint(0, len(lines[k]))
            lines[k] = lines[k][:cut] + rng.choice(_FRAGMENTS) + lines[k][cut:]
        elif op == 4:
            lines.insert(k, rng.choice(_FRAGMENTS))
        elif op == 5:
            lines[k] = lines[k].upper() if rng.random() < 0.5 else lines[k].lower()
        else:
            lines = lines[:k] if rng.random() < 0.5 else lines[k:]
    return "\n".join(lines)


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not b:
            break
        k = rng.randrange(len(b))
        op = rng.randrange(3)
        if op == 0:
            b[k] = rng.randrange(256)
        elif op == 1:
            del b[k:k + rng.randint(1, 40)]
        else:
            b[k:k] = bytes(rng.choice(("<", ">", "&", '"', "</Paragraph>", "<Text>", "<DualDialogue>", "\x00", "é"))
                           .encode())
    return bytes(b)


def _random_fdx(rng: random.Random) -> str:
    def text_runs() -> str:
        out = []
        for _ in range(rng.randint(0, 3)):
            style = rng.choice(("", "Bold", "Italic", "Underline", "Bold+Italic", "AllCaps"))
            body = rng.choice(_FRAGMENTS).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(f'<Text Style="{style}">{body}</Text>' if style else f"<Text>{body}</Text>")
        return "".join(out)

    def note() -> str:
        kind = rng.choice(("", "note", "section", "synopsis", "boneyard", "before:note", "after:section",
                           f"inline-note:{rng.randint(-3, 50)}", "inline-boneyard:x", "inline-note:²",
                           "inline-note:" + "9" * rng.randint(1, 30), "after:", "weird"))
        attr = f' Fountain="{kind}"' if kind else ""
        return f"<ScriptNote{attr}><Paragraph>{text_runs()}</Paragraph></ScriptNote>"

    def paragraph(depth: int) -> str:
        if depth < 6 and rng.random() < 0.1:
            inner = "".join(paragraph(depth + 1) for _ in range(rng.randint(0, 4)))
            return f"<Paragraph><DualDialogue>{inner}</DualDialogue></Paragraph>"
        attrs = f' Type="{rng.choice(_FDX_TYPES)}"'
        if rng.random() < 0.2:
            attrs += ' StartsNewPage="Yes"'
        if rng.random() < 0.1:
            attrs += f' Number="{rng.randint(1, 99)}{rng.choice(("", "A"))}"'
        if rng.random() < 0.1:
            attrs += ' Alignment="Center"'
        if rng.random() < 0.05:
            attrs += ' Fountain="lyrics"'
        body = "".join(note() for _ in range(rng.choice((0, 0, 0, 1, 2)))) + text_runs()
        if rng.random() < 0.05:
            body += "<SceneProperties><Summary><Paragraph><Text>sum</Text></Paragraph></Summary></SceneProperties>"
        return f"<Paragraph{attrs}>{body}</Paragraph>"

    paras = "".join(paragraph(0) for _ in range(rng.randint(0, 40)))
    title = ""
    if rng.random() < 0.4:
        title = "<TitlePage><Content>" + "".join(
            f'<Paragraph Alignment="{rng.choice(("Center", "Left", "Right", "Full", ""))}">{text_runs()}</Paragraph>'
            for _ in range(rng.randint(0, 12))) + "</Content></TitlePage>"
    return f'<?xml version="1.0" encoding="UTF-8"?><FinalDraft DocumentType="Script"><Content>{paras}</Content>{title}</FinalDraft>'


def _inputs(rng: random.Random):
    """An endless stream of (kind, data): shapes first, then a mix of the generators."""
    fountain_samples = [p.read_text(encoding="utf-8") for p in sorted((SAMPLES / "fountain").glob("*.fountain"))]
    fdx_samples = [p.read_text(encoding="utf-8") for p in sorted((SAMPLES / "fdx").glob("*.fdx"))]
    fdx_samples += [write_fdx(parse_fountain(t)) for t in fountain_samples]
    for make, n in FOUNTAIN_SHAPES.values():
        yield "fountain", make(n)
    for make, n in FDX_SHAPES.values():
        yield "fdx", make(n)
    while True:
        pick = rng.randrange(6)
        if pick == 0:
            yield "fountain", _random_fountain(rng)
        elif pick == 1:
            yield "fountain", _mutate(rng.choice(fountain_samples), rng)
        elif pick == 2:
            yield "fountain", _flip_bytes(rng.choice(fountain_samples).encode(), rng)
        elif pick == 3:
            yield "fdx", _random_fdx(rng)
        elif pick == 4:
            yield "fdx", _flip_bytes(rng.choice(fdx_samples).encode(), rng)
        else:
            yield "fdx", _mutate(rng.choice(fdx_samples), rng)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_fuzzed_scripts_parse_or_fail_cleanly_and_never_hang():
    rng = random.Random(SEED)
    counts = {"fountain": 0, "fdx": 0}
    outcomes = {"parsed": 0, "refused": 0}
    failures: list[str] = []
    hangs: list[str] = []
    old = signal.signal(signal.SIGALRM, _alarm)
    deadline = time.monotonic() + BUDGET_S
    try:
        for kind, data in _inputs(rng):
            if time.monotonic() > deadline:
                break
            counts[kind] += 1
            signal.setitimer(signal.ITIMER_REAL, PER_INPUT_S)
            try:
                _pipeline(data)
                outcomes["parsed"] += 1
            except ScriptError:
                outcomes["refused"] += 1
            except _Hang:
                hangs.append(f"{kind}: {data[:120]!r}")
            except Exception:   # noqa: BLE001 - any other exception is the bug this test looks for
                failures.append(f"{kind}: {data[:300]!r}\n{traceback.format_exc(limit=-4)}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, old)
    print(f"fuzz: {counts['fountain']} Fountain + {counts['fdx']} FDX inputs, "
          f"{outcomes['parsed']} parsed, {outcomes['refused']} refused, "
          f"{len(failures)} tracebacks, {len(hangs)} hangs")
    assert not hangs, f"{len(hangs)} inputs ran over {PER_INPUT_S} s:\n" + "\n".join(hangs[:5])
    assert not failures, f"{len(failures)} tracebacks:\n" + "\n\n".join(failures[:3])
    # the budget must have covered a real campaign, not a handful of inputs (the shapes alone are 29)
    assert counts["fountain"] >= 300 and counts["fdx"] >= 200, counts
    assert outcomes["parsed"] and outcomes["refused"], outcomes
