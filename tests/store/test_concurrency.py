"""Several writers at once: first-use migration runs once, versions never collide."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

from studio_kit.store import migrate, open_store

OPEN_AND_WRITE = textwrap.dedent("""
    import sys
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    ctx = open_store(sys.argv[1], get_settings()).project("acme", "night-shift", user="p" + sys.argv[2])
    ctx.put_asset(("take " + sys.argv[2]).encode(), kind="take", name="take.txt")
""")


def test_processes_opening_a_new_store_at_once_migrate_it_once(store_url, studio_home):
    env = {**os.environ, "STUDIO_HOME": str(studio_home)}
    env.pop("STUDIO_DATABASE_URL", None)
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_WRITE, store_url, str(i)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(rc == 0 for rc, _ in results), results

    from studio_kit.config import get_settings

    store = open_store(store_url, get_settings())
    assert migrate.current_revisions(store.engine) == migrate.head_revisions(store.engine)
    ctx = store.project("acme", "night-shift")
    assert sorted(a.version for a in ctx.versions("take", "take.txt")) == [1, 2]
    assert [o.slug for o in store.orgs()] == ["acme"]


def test_threads_writing_the_same_name_get_distinct_versions(store):
    ctx = store.project("acme", "night-shift", user="ana")

    def put(i: int) -> int:
        return ctx.put_asset(f"take {i}".encode(), kind="take", name="take.txt").version

    with ThreadPoolExecutor(max_workers=4) as pool:
        versions = sorted(pool.map(put, range(16)))
    assert versions == list(range(1, 17))
    assert len({ctx.read_bytes(a.id) for a in ctx.list_assets()}) == 16
