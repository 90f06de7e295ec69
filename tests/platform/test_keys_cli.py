"""`studio keys`, `studio usage` and `studio invoices` from the command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys


def _studio(home, *args):
    env = {**os.environ, "STUDIO_HOME": str(home), "STUDIO_ORG": "acme", "STUDIO_PROJECT": "night-shift",
           "STUDIO_USER": "ana", "COLUMNS": "200"}
    env.pop("STUDIO_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "studio_kit", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_key_is_printed_once_listed_by_prefix_and_revoked(tmp_path):
    assert _studio(tmp_path, "init", "--org", "acme", "--project", "night-shift").returncode == 0
    made = _studio(tmp_path, "keys", "create", "render farm", "--scope", "production:write", "--expires-days", "30")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    prefix = key[:16]
    assert key.startswith("sk_live_") and "production:write" in made.stdout
    listed = _studio(tmp_path, "keys", "list")
    assert prefix in listed.stdout and "active" in listed.stdout and key not in listed.stdout
    assert _studio(tmp_path, "keys", "revoke", prefix).returncode == 0
    assert "revoked" in _studio(tmp_path, "keys", "list").stdout
    bad = _studio(tmp_path, "keys", "create", "x", "--scope", "scripts:delete")
    assert bad.returncode == 2 and "Unknown API key scope" in bad.stderr + bad.stdout


def test_rates_invoice_and_credit_note_from_the_cli(tmp_path):
    assert _studio(tmp_path, "init", "--org", "acme", "--project", "night-shift").returncode == 0
    from studio_kit.config import StudioSettings
    from studio_kit.store import open_store

    store = open_store(None, StudioSettings(home=tmp_path))
    import datetime as dt

    store.project("acme", "night-shift", user="ana").record_usage_once(
        "farm-1", backend="video.farm", units=1500, unit="gpu_second", at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC))
    card = tmp_path / "rates.json"
    card.write_text(json.dumps({"currency": "USD", "tax_rate": "0.1", "prices": {
        "gpu_second": {"included": "500", "tiers": [{"up_to": None, "price": "0.01"}]}}}))
    assert "Rate card v1" in _studio(tmp_path, "invoices", "rates", str(card)).stdout
    issued = _studio(tmp_path, "invoices", "issue", "--start", "2026-11-01", "--end", "2026-12-01",
                     "-o", str(tmp_path / "inv"))
    assert issued.returncode == 0, issued.stderr
    assert "USD 11.00" in issued.stdout  # 1000 billable × 0.01 = 10.00 + 10 % tax
    number = issued.stdout.split()[1].rstrip(":")
    assert (tmp_path / "inv" / f"{number}.pdf").stat().st_size > 500
    assert "gpu_second,1500.0,500,1000.0,10.00" in (tmp_path / "inv" / f"{number}.csv").read_text()
    credit = _studio(tmp_path, "invoices", "credit", number, "--reason", "test farm run")
    assert credit.returncode == 0 and "-USD 11.00" in credit.stdout
    usage = _studio(tmp_path, "usage", "--start", "2026-11-01", "--end", "2026-12-01")
    assert "video.farm" in usage.stdout and "gpu_second" in usage.stdout
