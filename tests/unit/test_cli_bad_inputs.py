"""Bad command-line input gets one clear line naming the problem and the fix, exit status 2, no traceback,
in a few seconds: a table of the cases users hit (folders for files, /proc, devices, broken notebooks,
absurd numbers, bad database URLs, missing projects ...) and a seeded fuzz over the arguments."""
from __future__ import annotations

import faulthandler
import os
import random
import sys
import time
import traceback
from pathlib import Path

import nbformat
import pytest

GOOD = """Title: Night Shift
Author: Ana

INT. DINER - NIGHT

MARA (30s) wipes the counter.

MARA
We're closed.

EXT. PARKING LOT - NIGHT

Rain. A car idles.
"""
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
SECONDS = 10.0  # each case; most take well under one, on a machine shared with other test runs

#: (id, argv, extra environment, what the error must say: a regex, case-insensitive)
CASES: list[tuple[str, list[str], dict[str, str], str]] = [
    # -- screenplays in and out -------------------------------------------------------------
    ("parse-missing", ["script", "parse", "{missing}"], {}, "does not exist"),
    ("parse-folder", ["script", "parse", "{dir}"], {}, "is a folder"),
    ("parse-binary", ["script", "parse", "{bin}"], {}, "binary|not a screenplay|NUL"),
    ("parse-empty", ["script", "parse", "{empty}"], {}, "empty"),
    ("parse-dev-null", ["script", "parse", "/dev/null"], {}, "not a regular file"),
    ("parse-dev-zero", ["script", "parse", "/dev/zero"], {}, "not a regular file"),
    ("parse-fifo", ["script", "parse", "{fifo}"], {}, "not a regular file"),
    ("parse-bad-paper", ["script", "parse", "{good}", "--paper", "papyrus"], {}, "papyrus|paper"),
    ("parse-too-many-args", ["script", "parse", "a", "b", "c"], {}, "unexpected extra argument"),
    ("pdf-out-folder", ["script", "pdf", "{good}", "-o", "{dir}"], {}, "is a folder"),
    ("pdf-out-proc", ["script", "pdf", "{good}", "-o", "/proc/version"], {}, "cannot write|permission|cannot use"),
    ("pdf-out-no-folder", ["script", "pdf", "{good}", "-o", "{missing}/x.pdf"], {}, "does not exist"),
    ("pdf-out-under-a-file", ["script", "pdf", "{good}", "-o", "{good}/x.pdf"], {}, "is a file|not a folder"),
    ("pdf-revised-from-missing", ["script", "pdf", "{good}", "-o", "{out}/a.pdf", "--revised-from", "{missing}"],
     {}, "does not exist"),
    ("pdf-revision-colour", ["script", "pdf", "{good}", "-o", "{out}/a.pdf", "--revised-from", "{good}",
                             "--revision", "Mauve"], {}, "mauve|revision"),
    ("pdf-revision-white", ["script", "pdf", "{good}", "-o", "{out}/a.pdf", "--revised-from", "{good}",
                            "--revision", "0"], {}, "white"),
    ("pdf-revision-date", ["script", "pdf", "{good}", "-o", "{out}/a.pdf", "--revised-from", "{good}",
                           "--date", "yesterday"], {}, "not a date"),
    ("fdx-out-folder", ["script", "fdx", "{good}", "-o", "{dir}"], {}, "is a folder"),
    ("fdx-out-proc", ["script", "fdx", "{good}", "-o", "/proc/version"], {}, "cannot write|permission|cannot use"),
    ("fdx-in-folder", ["script", "fdx", "{dir}", "-o", "{out}/x.fdx"], {}, "is a folder"),
    ("stats-missing", ["script", "stats", "{missing}"], {}, "does not exist"),
    ("diff-missing", ["script", "diff", "{good}", "{missing}"], {}, "does not exist"),
    ("diff-folder", ["script", "diff", "{dir}", "{good}"], {}, "is a folder"),
    ("new-format", ["script", "new", "--logline", "A heist.", "--format", "opera", "-o", "{out}/n.fountain"], {},
     "opera|format"),
    ("new-pages-negative", ["script", "new", "--logline", "A heist.", "--pages", "-5", "-o", "{out}/n.fountain"], {},
     "pages"),
    ("new-pages-huge", ["script", "new", "--logline", "A heist.", "--pages", "1e32", "-o", "{out}/n.fountain"], {},
     "pages"),
    ("new-pages-nan", ["script", "new", "--logline", "A heist.", "--pages", "nan", "-o", "{out}/n.fountain"], {},
     "pages"),
    ("new-out-folder", ["script", "new", "--logline", "A heist.", "-o", "{dir}"], {}, "is a folder"),
    ("new-seed-huge", ["script", "new", "--logline", "A heist.", "--seed", "99999999999999999999999",
                       "-o", "{out}/n.fountain"], {}, "seed|range"),
    ("new-backend", ["script", "new", "--logline", "A heist.", "--backend", "nosuch", "-o", "{out}/n.fountain"], {},
     "nosuch"),
    # -- runs and templates ---------------------------------------------------------------------
    ("runs-limit-negative", ["runs", "--limit", "-1"], {}, "limit"),
    ("runs-limit-zero", ["runs", "--limit", "0"], {}, "limit"),
    ("runs-limit-huge", ["runs", "--limit", "99999999999999999999"], {}, "limit"),
    ("runs-limit-text", ["runs", "--limit", "many"], {}, "limit"),
    ("runs-no-project", ["runs"], {"STUDIO_PROJECT": "nosuch"},
     "project 'default/nosuch' does not exist.*studio init --org default --project nosuch"),
    ("runs-no-org", ["runs"], {"STUDIO_ORG": "nosuch"}, "organization 'nosuch'.*studio init --org nosuch"),
    ("runs-bad-slug", ["runs"], {"STUDIO_PROJECT": "bad slug!"}, "slug"),
    ("db-not-a-url", ["runs"], {"STUDIO_DATABASE_URL": "notaurl"}, "not a database url"),
    ("db-sqlite-in-proc", ["runs"], {"STUDIO_DATABASE_URL": "sqlite:////proc/nope/x.db"}, "cannot open the store"),
    ("db-unknown-driver", ["runs"], {"STUDIO_DATABASE_URL": "nosuchdb://x/y"}, "not a database url|nosuchdb"),
    ("db-server-down", ["runs"], {"STUDIO_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/x"},
     "cannot open the store"),
    ("home-is-a-file", ["runs"], {"STUDIO_HOME": "/proc/version"}, "studio_home|cannot create"),
    ("run-unknown-template", ["run", "no_such_template"], {}, "no template named"),
    ("run-not-json", ["run", "{badipynb}"], {}, "not a readable notebook"),
    ("run-no-kernel", ["run", "{nokernel}"], {}, "no kernel name"),
    ("run-folder-notebook", ["run", "{dirnb}"], {}, "not a file"),
    ("run-p-alone", ["run", "grid", "-p"], {}, "needs a name and a value"),
    ("run-p-no-value", ["run", "grid", "-p", "n"], {}, "needs a name and a value"),
    ("run-stray-argument", ["run", "grid", "extra"], {}, "unexpected argument"),
    ("run-unknown-parameter", ["run", "grid", "-p", "nosuch", "1"], {}, "no parameter 'nosuch'"),
    ("run-deep-list", ["run", "grid", "-p", "items", "[" * 5000 + "]" * 5000], {}, "nested"),
    ("run-unclosed-list", ["run", "grid", "-p", "items", "[" * 20000], {}, "nested"),
    ("run-int-text", ["run", "grid", "-p", "n", "abc"], {}, "expects int"),
    ("run-int-exponent", ["run", "hello_project", "-p", "runtime_minutes", "1e32"], {}, "expects int"),
    ("run-int-huge", ["run", "grid", "-p", "n", "9" * 40], {}, "64-bit"),
    ("run-float-nan", ["run", "grid", "-p", "x", "nan"], {}, "finite"),
    ("run-float-inf", ["run", "grid", "-p", "x", "1e400"], {}, "finite"),
    ("run-title-120kb", ["run", "hello_project", "-p", "project_title", "T" * 120_000], {}, "characters long"),
    ("run-out-folder", ["run", "grid", "-o", "{dir}"], {}, "is a folder"),
    ("templates-unknown", ["templates", "nosuch"], {}, "no template named"),
    ("store-check-negative-age", ["store", "check", "--older-than", "-1"], {}, "older-than"),
    ("store-check-text-age", ["store", "check", "--older-than", "soon"], {}, "older-than"),
    ("store-unknown-command", ["store", "wipe"], {}, "no such command"),
    ("init-bad-org", ["init", "--org", "Bad Org!"], {}, "slug"),
    ("init-empty-project", ["init", "--project", ""], {}, "slug"),
    ("init-title-120kb", ["init", "--title", "T" * 120_000], {}, "title"),
    ("init-title-blank", ["init", "--title", "   "], {}, "title"),
    ("unknown-command", ["direct"], {}, "no such command"),
    # -- pre-production --------------------------------------------------------------------------
    ("breakdown-missing", ["breakdown", "{missing}"], {}, "does not exist"),
    ("breakdown-folder", ["breakdown", "{dir}"], {}, "is a folder"),
    ("breakdown-out-file", ["breakdown", "{good}", "-o", "{good}"], {}, "is a file"),
    ("breakdown-edits-folder", ["breakdown", "{good}", "-o", "{out}/bd", "--edits", "{dir}"], {}, "is a folder"),
    ("breakdown-edits-missing", ["breakdown", "{good}", "-o", "{out}/bd", "--edits", "{missing}"], {},
     "does not exist"),
    ("breakdown-edits-garbage", ["breakdown", "{good}", "-o", "{out}/bd", "--edits", "{badjson}"], {},
     "json|edit"),
    ("breakdown-lock-cast-alone", ["breakdown", "{good}", "-o", "{out}/bd", "--lock-cast"], {}, "--edits"),
    ("schedule-workers-zero", ["schedule", "{good}", "--workers", "0"], {}, "workers"),
    ("schedule-workers-negative", ["schedule", "{good}", "--workers", "-3"], {}, "workers"),
    ("schedule-constraints-folder", ["schedule", "{good}", "--constraints", "{dir}"], {}, "is a folder"),
    ("schedule-constraints-missing", ["schedule", "{good}", "--constraints", "{missing}"], {}, "does not exist"),
    ("schedule-constraints-garbage", ["schedule", "{good}", "--constraints", "{badyaml}", "-o", "{out}/s"], {},
     "constraint|yaml|mapping"),
    ("schedule-pages-text", ["schedule", "{good}", "--pages-per-day", "lots", "-o", "{out}/s"], {}, "lots|page"),
    ("schedule-pages-zero", ["schedule", "{good}", "--pages-per-day", "0", "-o", "{out}/s"], {}, "page|positive"),
    ("schedule-hours-negative", ["schedule", "{good}", "--hours-per-day", "-1"], {}, "hours-per-day"),
    ("schedule-hours-too-many", ["schedule", "{good}", "--hours-per-day", "25"], {}, "hours-per-day"),
    ("schedule-time-limit-zero", ["schedule", "{good}", "--time-limit", "0"], {}, "time-limit"),
    ("schedule-time-limit-nan", ["schedule", "{good}", "--time-limit", "nan"], {}, "time-limit"),
    ("schedule-start-date", ["schedule", "{good}", "--start-date", "2026-13-45", "-o", "{out}/s"], {},
     "date"),
    ("schedule-drop-after", ["schedule", "{good}", "--drop-after", "-1"], {}, "drop-after"),
    ("schedule-moves-negative", ["schedule", "{good}", "--moves-per-day", "-1"], {}, "moves-per-day"),
    ("schedule-out-file", ["schedule", "{good}", "-o", "{good}"], {}, "is a file"),
    ("budget-preset", ["budget", "{good}", "--preset", "blockbuster", "-o", "{out}/b"], {}, "preset"),
    ("budget-contingency-negative", ["budget", "{good}", "--contingency", "-5"], {}, "contingency"),
    ("budget-contingency-huge", ["budget", "{good}", "--contingency", "1e32"], {}, "contingency"),
    ("budget-shots-negative", ["budget", "{good}", "--shots", "-1"], {}, "shots"),
    ("budget-rates-missing", ["budget", "{good}", "--rates", "{missing}"], {}, "does not exist"),
    ("budget-rates-folder", ["budget", "{good}", "--rates", "{dir}"], {}, "is a folder"),
    ("budget-schedule-missing", ["budget", "{good}", "--schedule", "{missing}"], {}, "does not exist"),
    ("budget-schedule-empty-folder", ["budget", "{good}", "--schedule", "{dir}"], {}, "schedule.json"),
    ("budget-out-file", ["budget", "{good}", "-o", "{good}"], {}, "is a file"),
    ("callsheet-day-zero", ["callsheet", "{good}", "--day", "0"], {}, "day"),
    ("callsheet-latitude", ["callsheet", "{good}", "--day", "1", "--lat", "91"], {}, "lat"),
    ("callsheet-crew-call", ["callsheet", "{good}", "--day", "1", "--crew-call", "25:00"], {}, "not a time"),
    ("callsheet-start-date", ["callsheet", "{good}", "--day", "1", "--start-date", "2026-02-30"], {}, "not a date"),
    ("callsheet-settings-folder", ["callsheet", "{good}", "--day", "1", "--settings", "{dir}"], {}, "is a folder"),
    ("callsheet-out-file", ["callsheet", "{good}", "--day", "1", "-o", "{good}"], {}, "is a file"),
    # -- characters --------------------------------------------------------------------------------
    ("character-script-missing", ["character", "new", "all", "--from-script", "{missing}"], {}, "does not exist"),
    ("character-script-folder", ["character", "new", "all", "--from-script", "{dir}"], {}, "is a folder"),
    ("character-unknown", ["character", "render", "nosuch"], {}, "nosuch"),
    ("character-view", ["character", "render", "nosuch", "--view", "overhead"], {}, "view"),
    ("character-steps-zero", ["character", "render", "nosuch", "--steps", "0"], {}, "steps"),
    ("character-out-folder", ["character", "render", "nosuch", "-o", "{dir}"], {}, "is a folder"),
    ("character-reference-missing", ["character", "lock", "nosuch", "-r", "{missing}"], {}, "does not exist"),
    ("character-shot-size", ["character", "frame", "nosuch", "--size", "extreme"], {}, "shot size"),
    ("character-continuity-folder", ["character", "continuity", "{dir}"], {}, "is a folder"),
]


@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Import the engines once up front: a case is timed for what it does, not for a first import
    (inflect alone takes seconds to import on a loaded machine; test_lazy_imports guards import cost)."""
    import studio_kit.engines.preproduction.service
    import studio_kit.engines.writing.generation
    import studio_kit.engines.writing.pdf  # noqa: F401


@pytest.fixture
def inputs(tmp_path, studio_home, monkeypatch):
    """The files the cases point at, a template with list/int/float parameters, and the cwd."""
    files = tmp_path / "in"
    files.mkdir()
    (files / "good.fountain").write_text(GOOD)
    (files / "folder").mkdir()
    (files / "folder.ipynb").mkdir()
    (files / "binary.fountain").write_bytes(b"INT. A - DAY\n\x00\x01\x02" * 100)
    (files / "empty.fountain").write_text("")
    (files / "bad.ipynb").write_text("this is not json {")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]),
                   files / "nokernel.ipynb")
    (files / "bad.json").write_text("{not json")
    (files / "bad.yaml").write_text("- just\n- a list\n")
    os.mkfifo(files / "pipe.fountain")
    templates = tmp_path / "templates"
    templates.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Grid\nA template with every parameter type."),
        nbformat.v4.new_code_cell('items: list = []  # things\nn: int = 3  # a count\nx: float = 0.5  # a ratio',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(items, n, x)")], metadata=KERNEL), templates / "grid.ipynb")
    for name in ("hello_project.ipynb",):
        (templates / name).write_bytes((Path(__file__).resolve().parents[2] / "templates" / name).read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("STUDIO_TEMPLATES_DIR", str(templates))
    monkeypatch.chdir(out)
    return {"good": files / "good.fountain", "dir": files / "folder", "dirnb": files / "folder.ipynb",
            "missing": files / "missing.fountain", "bin": files / "binary.fountain",
            "empty": files / "empty.fountain", "badipynb": files / "bad.ipynb", "nokernel": files / "nokernel.ipynb",
            "badjson": files / "bad.json", "badyaml": files / "bad.yaml", "fifo": files / "pipe.fountain", "out": out}


def studio(argv: list[str], env: dict[str, str], monkeypatch, capsys) -> tuple[int | None, str, float]:
    """Run `studio ARGV` in this process the way the console script does; (exit code, output, seconds).

    A traceback anywhere (an exception main() lets through) is returned in the output. A case
    that hangs dumps every thread's stack and ends the test run instead of hanging it.
    """
    from studio_kit.cli import main
    from studio_kit.config import reset_settings
    from studio_kit.store import dispose_engines

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    monkeypatch.setattr(sys, "argv", ["studio", *argv])
    capsys.readouterr()
    code: int | None = None
    crash = ""
    faulthandler.dump_traceback_later(120, exit=True, file=sys.__stderr__)
    t0 = time.perf_counter()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - exactly what the test is looking for
        crash = traceback.format_exc()
    finally:
        seconds = time.perf_counter() - t0
        faulthandler.cancel_dump_traceback_later()
        for key in env:
            monkeypatch.delenv(key, raising=False)
        reset_settings()
        dispose_engines()
    captured = capsys.readouterr()
    return code, captured.out + captured.err + crash, seconds


def fill(argv: list[str], inputs: dict[str, Path]) -> list[str]:
    return [a.format(**{k: str(v) for k, v in inputs.items()}) if "{" in a and "}" in a and len(a) < 200 else a
            for a in argv]


def test_the_table_has_the_kinds_the_issue_lists():
    assert len(CASES) >= 70 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_says_what_and_how_to_fix_it(case, inputs, monkeypatch, capsys):
    import re

    name, argv, env, expected = case
    code, output, seconds = studio(fill(argv, inputs), env, monkeypatch, capsys)
    assert "Traceback" not in output, output
    assert code == 2, f"exit {code}: {output}"
    assert re.search(expected, output, re.IGNORECASE | re.DOTALL), output
    assert "Error" in output or "Usage" in output
    assert seconds < SECONDS, f"{name} took {seconds:.1f} s"


# -- a seeded fuzz over the arguments of the quick commands ------------------------------------------

FUZZ_COMMANDS = {
    ("script", "parse"): ["FILE", "--paper", "--json"],
    ("script", "stats"): ["FILE", "--json"],
    ("script", "pdf"): ["FILE", "-o", "--paper", "--revised-from", "--revision", "--date", "--no-title-page"],
    ("script", "fdx"): ["FILE", "-o"],
    ("script", "diff"): ["FILE", "FILE", "--json"],
    ("runs",): ["--limit", "--failed", "--stale"],
    ("store", "check"): ["--older-than", "--no-hashes"],
    ("templates",): ["NAME"],
    ("breakdown",): ["FILE", "-o", "--edits"],
    ("budget",): ["FILE", "--contingency", "--shots", "--rates", "--schedule", "-o", "--time-limit"],
    ("schedule",): ["FILE", "--workers", "--hours-per-day", "--time-limit", "--constraints", "--drop-after",
                    "--moves-per-day", "-o"],
}
FLAGS = {"--json", "--failed", "--stale", "--no-hashes", "--no-title-page"}
NASTY = ["", "-1", "0", "1", "1e32", "nan", "-inf", "99999999999999999999", "abc", " ", "[[", "[/red]", "é☃",
         "x" * 5000, "{good}", "{dir}", "{missing}", "{bin}", "{empty}", "{badjson}", "{badyaml}", "/dev/null",
         "/proc/version", "/", "{good}/x", "..", "-", "--", "a4", "letter", "2026-02-30", "Blue", "0.5"]


def fuzz_case(rng: random.Random) -> list[str]:
    command, options = rng.choice(sorted(FUZZ_COMMANDS.items()))
    argv = list(command)
    for option in rng.sample(options, rng.randint(0, len(options))):
        if option in ("FILE", "NAME"):
            argv.append(rng.choice(["{good}", "{good}", *NASTY]))
        elif option in FLAGS:
            argv.append(option)
        else:
            argv += [option, rng.choice(NASTY)]
    if command[0] in ("budget", "schedule") and "--time-limit" not in argv:
        argv += ["--time-limit", "2"]  # keep a valid solve short
    return argv


@pytest.mark.slow
def test_fuzzed_arguments_never_crash(inputs, monkeypatch, capsys):
    """150 seeded random argument lists: any exit is 0, 1 (nothing found) or 2, never a traceback."""
    rng = random.Random(20261206)
    failures = []
    for _ in range(150):
        argv = fill(fuzz_case(rng), inputs)
        code, output, seconds = studio(argv, {}, monkeypatch, capsys)
        if "Traceback" in output or code not in (0, 1, 2) or seconds > 3 * SECONDS:
            failures.append(f"studio {' '.join(a[:40] for a in argv)} -> exit {code} in {seconds:.1f} s\n"
                            f"{output[-1500:]}")
    assert not failures, "\n\n".join(failures[:5])
