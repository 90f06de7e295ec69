"""The studio-ops CLI: a sample of the role matrix, the review loop, milestones, audit verify/export, inbox."""
from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from studio_kit.cli import app


def _as(user, monkeypatch):
    from studio_kit.config import reset_settings

    monkeypatch.setenv("STUDIO_USER", user)
    monkeypatch.setenv("STUDIO_ORG", "acme")
    monkeypatch.setenv("STUDIO_PROJECT", "night-shift")
    monkeypatch.setenv("COLUMNS", "200")  # rich tables at full width
    reset_settings()


def _run(user, monkeypatch, *args, code=0):
    _as(user, monkeypatch)
    result = CliRunner().invoke(app, list(args), catch_exceptions=False, terminal_width=200)
    assert result.exit_code == code, result.output
    return result.output


def _main(user, home, *args):
    """Run `studio ...` in a real process (StudioError → message + exit 2)."""
    env = {**os.environ, "STUDIO_HOME": str(home), "STUDIO_USER": user, "STUDIO_ORG": "acme",
           "STUDIO_PROJECT": "night-shift", "COLUMNS": "200"}
    env.pop("STUDIO_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "studio_kit", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_a_producer_runs_the_review_loop_from_the_command_line(studio_home, monkeypatch, tmp_path):
    from studio_kit.store import open_store

    _run("olive", monkeypatch, "init", "--org", "acme", "--project", "night-shift")
    ctx = open_store().project("acme", "night-shift", user="olive")
    draft = ctx.put_asset(b"INT. DINER - NIGHT\n\nMara waits.", kind="script", name="pilot.fountain")

    out = _run("olive", monkeypatch, "members", "invite", "--role", "director", "--user", "dee")
    token = out.split("Token (shown once): ")[1].split()[0]
    assert "joined as director" in _run("dee", monkeypatch, "members", "accept", token)
    assert "pat added as producer" in _run("olive", monkeypatch, "members", "add", "pat", "producer")
    _run("olive", monkeypatch, "members", "add", "vic", "viewer")
    listing = _run("pat", monkeypatch, "members", "list")
    assert "olive" in listing and "director" in listing and "viewer" in listing

    # a sample of the role matrix through the CLI
    assert "vic (viewer) may not see_budget" in _run("vic", monkeypatch, "members", "can", "see_budget", code=1)
    assert "dee (director) may see_budget" in _run("dee", monkeypatch, "members", "can", "see_budget")
    denied = _main("vic", studio_home, "review", "approve", str(draft.id))
    assert denied.returncode == 2 and "vic is viewer" in denied.stderr and "approve_script" in denied.stderr

    assert "in review with dee, due 2027-02-01" in _run("pat", monkeypatch, "review", "request", str(draft.id),
                                                        "-r", "dee", "--due", "2027-02-01")
    assert "at scene 1; notified pat" in _run("dee", monkeypatch, "review", "comment", str(draft.id),
                                             "Name the diner, @pat", "--at", "scene:1")
    assert "changes requested" in _run("dee", monkeypatch, "review", "reject", str(draft.id), "--note", "Name it")
    _run("pat", monkeypatch, "review", "request", "script:pilot.fountain@1")
    stale = _main("dee", studio_home, "review", "approve", str(draft.id), "--version", "2")
    assert stale.returncode == 2 and "you had version 2" in stale.stderr
    assert "approved by dee (director)" in _run("dee", monkeypatch, "review", "approve", str(draft.id))
    queue = _run("pat", monkeypatch, "review", "queue", "--all")
    assert "script:pilot.fountain@1" in queue and "approved" in queue
    assert "mentioned" in _run("pat", monkeypatch, "inbox") and "review requested" in _run("dee", monkeypatch, "inbox")

    _run("pat", monkeypatch, "milestones", "add", "script-lock", "--name", "Script lock", "--phase", "development",
         "--due", "2027-01-15", "--subject", "script:pilot.fountain")
    _run("pat", monkeypatch, "milestones", "add", "prep", "--name", "Prep", "--phase", "prep", "--start",
         "2027-01-10", "--due", "2027-02-20", "--depends", "script-lock")
    assert "Moved script-lock, prep" in _run("pat", monkeypatch, "milestones", "move", "script-lock", "--due",
                                             "2027-01-20")
    listing = _run("pat", monkeypatch, "milestones")
    assert "script-lock" in listing and "done" in listing and "+11" in listing  # prep pushed 11 days
    _run("pat", monkeypatch, "milestones", "export", str(tmp_path / "cal.ics"))
    assert (tmp_path / "cal.ics").read_text().count("BEGIN:VEVENT") == 2

    assert "Audit chain intact" in _run("pat", monkeypatch, "audit", "verify")
    _run("pat", monkeypatch, "audit", "export", str(tmp_path / "audit.csv"), "--since", "2000-01-01")
    actions = [r["action"] for r in csv.DictReader((tmp_path / "audit.csv").open())]
    assert {"review.approve", "member.accept", "milestone.slip"} <= set(actions)
    from sqlalchemy import text

    with open_store().engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET actor = 'mallory' WHERE action = 'review.approve'"))
    broken = _main("pat", studio_home, "audit", "verify")
    assert broken.returncode == 1 and "BROKEN at entry #" in broken.stdout and "was edited" in broken.stdout
