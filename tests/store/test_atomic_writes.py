"""A crash mid-write leaves no partial file at the final path, no row, and a working store."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studio_kit.exceptions import AssetError
from studio_kit.store import files
from studio_kit.store.context import ProjectContext

PAYLOAD = b"FADE IN:\n" + b"x" * 200_000


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_rename_failing_mid_write_leaves_no_file_and_no_row(acme, monkeypatch):
    final = acme.asset_root / files.relative_path(acme.org_id, hashlib.sha256(PAYLOAD).hexdigest(), "a.fountain")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(AssetError, match="Could not write asset file"):
        acme.put_asset(PAYLOAD, kind="script", name="a.fountain")
    assert not final.exists()
    assert _all_files(acme.asset_root) == []  # the temp file was removed too
    assert acme.list_assets() == [] and acme.list_audit() == []

    monkeypatch.undo()
    rec = acme.put_asset(PAYLOAD, kind="script", name="a.fountain")
    assert rec.version == 1 and acme.read_bytes(rec.id) == PAYLOAD


def test_interrupt_during_the_data_write_leaves_nothing(acme, monkeypatch):
    real_fsync = os.fsync

    def interrupted(fd):
        raise KeyboardInterrupt  # the user hit Ctrl-C while the bytes were being flushed

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        acme.put_asset(PAYLOAD, kind="script", name="a.fountain")
    monkeypatch.setattr(files.os, "fsync", real_fsync)
    assert _all_files(acme.asset_root) == [] and acme.list_assets() == []


def test_failed_transaction_removes_the_new_file(acme, monkeypatch):
    def db_down(self, *args, **kwargs):
        raise RuntimeError("connection lost during INSERT")

    monkeypatch.setattr(ProjectContext, "_insert_asset", db_down)
    with pytest.raises(RuntimeError, match="connection lost"):
        acme.put_asset(PAYLOAD, kind="script", name="a.fountain")
    assert _all_files(acme.asset_root) == []
    monkeypatch.undo()
    assert acme.list_assets() == []


def test_failed_transaction_keeps_a_file_other_rows_still_use(acme, monkeypatch):
    kept = acme.put_asset(PAYLOAD, kind="script", name="a.fountain")
    monkeypatch.setattr(ProjectContext, "_insert_asset",
                        lambda self, *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        acme.put_asset(PAYLOAD, kind="script", name="a.fountain")
    monkeypatch.undo()
    assert acme.read_bytes(kept.id) == PAYLOAD
    assert [a.id for a in acme.list_assets()] == [kept.id]


def test_a_bad_parent_rolls_back_row_and_file(acme):
    from studio_kit.exceptions import TenantAccessError

    with pytest.raises(TenantAccessError):
        acme.put_asset(PAYLOAD, kind="script", name="a.fountain", parent_id=999_999)
    assert _all_files(acme.asset_root) == [] and acme.list_assets() == []


CRASHING_WRITER = textwrap.dedent("""
    import os, sys
    from studio_kit.store import files, open_store
    from studio_kit.config import get_settings

    store = open_store(sys.argv[1], get_settings())
    ctx = store.project("acme", "night-shift", user="ana")
    real_write = os.write

    def die_after_half(fd, data):
        # the process is killed with half the bytes in the temp file
        real_write(fd, data[: len(data) // 2])
        os._exit(9)

    class HalfFile:
        def __init__(self, fh): self.fh = fh
        def write(self, data): die_after_half(self.fh.fileno(), data)
        def __getattr__(self, name): return getattr(self.fh, name)
        def __enter__(self): return self
        def __exit__(self, *exc): return False

    real_fdopen = os.fdopen
    files.os.fdopen = lambda fd, mode: HalfFile(real_fdopen(fd, mode))
    ctx.put_asset(b"y" * 100_000, kind="script", name="crash.fountain")
""")


def test_killed_process_mid_write_leaves_only_a_sweepable_temp_file(store, store_url, acme, studio_home):
    env = {**os.environ, "STUDIO_HOME": str(studio_home)}
    env.pop("STUDIO_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", CRASHING_WRITER, store_url], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9, proc.stderr

    final = store.asset_root / files.relative_path(acme.org_id, hashlib.sha256(b"y" * 100_000).hexdigest(),
                                                   "crash.fountain")
    assert not final.exists()
    partials = _all_files(store.asset_root)
    assert len(partials) == 1 and partials[0].name.startswith(files.PARTIAL_PREFIX)
    assert partials[0].stat().st_size == 50_000
    assert acme.list_assets() == []

    # a write in progress elsewhere is left alone; an old one is swept
    assert store.sweep_partial_files(older_than_s=3600) == []
    assert store.sweep_partial_files(older_than_s=0) == partials
    rec = acme.put_asset(b"y" * 100_000, kind="script", name="crash.fountain")
    assert acme.asset_path(rec.id) == final and acme.read_bytes(rec.id) == b"y" * 100_000


def test_killed_between_rename_and_commit_leaves_a_whole_file_that_sweep_removes(store, store_url, acme,
                                                                                  studio_home):
    kept = acme.put_asset(b"keep me", kind="script", name="keep.fountain")
    writer = textwrap.dedent("""
        import os, sys
        from studio_kit.config import get_settings
        from studio_kit.store import open_store
        from studio_kit.store.context import ProjectContext

        ctx = open_store(sys.argv[1], get_settings()).project("acme", "night-shift", user="ana")
        ProjectContext._insert_asset = lambda *a, **k: os._exit(9)   # dies before the row is committed
        ctx.put_asset(b"orphan take", kind="script", name="orphan.fountain")
    """)
    env = {**os.environ, "STUDIO_HOME": str(studio_home)}
    proc = subprocess.run([sys.executable, "-c", writer, store_url], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 9, proc.stderr
    orphan = store.asset_root / files.relative_path(acme.org_id, hashlib.sha256(b"orphan take").hexdigest(),
                                                    "orphan.fountain")
    assert orphan.read_bytes() == b"orphan take"  # whole, never partial
    assert [a.id for a in acme.list_assets()] == [kept.id]

    assert store.sweep_orphan_files(older_than_s=3600) == []  # too recent: its row may still come
    assert store.sweep_orphan_files(older_than_s=0) == [orphan]
    assert not orphan.exists() and acme.read_bytes(kept.id) == b"keep me"
