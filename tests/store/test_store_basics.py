"""Create, read, update and delete in one project, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib

import pytest

from studio_kit.exceptions import AssetError, StoreError


def test_put_asset_stores_content_addressed_file_with_provenance(store, acme):
    script = b"INT. DINER - NIGHT\n\nMara waits.\n"
    rec = acme.put_asset(script, kind="script", name="draft.fountain",
                         provenance={"backend": "text.procedural", "seed": 7}, meta={"draft": "white"})

    assert rec.version == 1 and rec.kind == "script" and rec.name == "draft.fountain"
    assert rec.sha256 == hashlib.sha256(script).hexdigest() and rec.size == len(script)
    assert rec.mime == "text/x-fountain"
    assert rec.created_by == "ana" and rec.provenance == {"backend": "text.procedural", "seed": 7,
                                                         "created_by": "ana"}
    path = acme.asset_path(rec.id)
    assert path.is_absolute() and path.read_bytes() == script
    assert path == store.asset_root / rec.path and rec.sha256 in path.name
    assert acme.read_bytes(rec.id) == script
    assert acme.get_asset(rec.id) == rec


def test_new_versions_of_a_name_count_up_and_keep_history(acme):
    first = acme.put_asset("v1 text", kind="script", name="draft.fountain")
    second = acme.put_asset("v2 text", kind="script", name="draft.fountain", parent_id=first.id)
    other = acme.put_asset("notes", kind="notes", name="draft.fountain")

    assert [a.version for a in acme.versions("script", "draft.fountain")] == [1, 2]
    assert second.parent_id == first.id and other.version == 1
    assert acme.latest("script", "draft.fountain").id == second.id
    assert {a.id for a in acme.list_assets(kind="script")} == {first.id, second.id}
    assert [a.id for a in acme.list_assets(name="draft.fountain")] == [first.id, second.id, other.id]
    assert acme.read_text(first.id) == "v1 text"


def test_put_asset_copies_a_file_and_identical_content_shares_one_file(acme, tmp_path):
    src = tmp_path / "frame.png"
    src.write_bytes(b"\x89PNG fake frame")
    a = acme.put_asset(src, kind="image", name="frame.png")
    b = acme.put_asset(src.read_bytes(), kind="image", name="frame.png")
    assert a.mime == "image/png" and a.path == b.path and b.version == 2

    acme.delete_asset(a.id)  # b still points at the file
    assert acme.read_bytes(b.id) == src.read_bytes()
    acme.delete_asset(b.id)
    assert not (acme.asset_root / b.path).exists()
    assert acme.list_assets() == []


def test_update_meta_merges_and_delete_detaches_children(acme):
    parent = acme.put_asset(b"board", kind="storyboard", name="sc1.pdf", meta={"scene": 1})
    child = acme.put_asset(b"board v2", kind="storyboard", name="sc1.pdf", parent_id=parent.id)
    updated = acme.update_asset_meta(parent.id, {"approved": True})
    assert updated.meta == {"scene": 1, "approved": True}
    assert acme.update_asset_meta(parent.id, {"x": 1}, replace=True).meta == {"x": 1}

    acme.delete_asset(parent.id)
    assert acme.get_asset(child.id).parent_id is None
    assert [a.action for a in acme.list_audit()] == ["asset.put", "asset.put", "asset.meta", "asset.meta",
                                                      "asset.delete"]


def test_bad_asset_input_is_refused_with_a_clear_error(acme, tmp_path):
    with pytest.raises(StoreError, match="not a file"):
        acme.put_asset(tmp_path / "missing.txt", kind="script", name="x.txt")
    with pytest.raises(StoreError, match="must be bytes, str or Path"):
        acme.put_asset(12, kind="script", name="x.txt")
    with pytest.raises(StoreError, match="kind"):
        acme.put_asset(b"x", kind="", name="x.txt")
    with pytest.raises(StoreError, match="id must be an integer"):
        acme.get_asset("1")
    assert acme.list_assets() == []


def test_asset_path_refuses_a_file_changed_on_disk(acme):
    rec = acme.put_asset(b"final cut", kind="edl", name="cut.edl")
    (acme.asset_root / rec.path).write_bytes(b"tampered")
    with pytest.raises(AssetError, match="corrupt"):
        acme.asset_path(rec.id)
    with pytest.raises(AssetError, match="corrupt"):
        acme.read_bytes(rec.id)
    (acme.asset_root / rec.path).unlink()
    with pytest.raises(AssetError, match="missing"):
        acme.asset_path(rec.id)


def test_run_lifecycle_is_recorded(acme):
    notebook = acme.put_asset(b"{}", kind="notebook", name="hello_project.ipynb")
    run_id = acme.create_run("hello_project", {"title": "Night Shift", "pages": 3})
    assert acme.get_run(run_id).status == "queued"
    acme.update_run(run_id, status="running", started_at=1_700_000_000.0)
    done = acme.update_run(run_id, status="failed", finished_at=1_700_000_012.5, duration_s=12.5,
                           output_asset_id=notebook.id, error="ValueError: no scenes", error_cell_index=3)
    assert done.status == "failed" and done.error_cell_index == 3 and done.output_asset_id == notebook.id
    assert (done.finished_at - done.started_at).total_seconds() == pytest.approx(12.5)
    assert done.parameters == {"title": "Night Shift", "pages": 3} and done.created_by == "ana"
    assert [r.id for r in acme.list_runs()] == [run_id]

    with pytest.raises(StoreError, match="Unknown run field"):
        acme.update_run(run_id, colour="blue")
    with pytest.raises(StoreError, match="not one of"):
        acme.update_run(run_id, status="exploded")
    assert acme.get_run(run_id).status == "failed"


def test_audit_events_record_actor_action_and_detail(store, acme):
    acme.audit("character.lock", target="character:mara", detail={"seed": 42})
    store.org("acme").audit("org.rename", detail={"to": "Acme Pictures"}, actor="root")
    events = acme.list_audit(action="character.lock")
    assert len(events) == 1
    assert (events[0].actor, events[0].target, events[0].detail) == ("ana", "character:mara", {"seed": 42})
    org_events = store.org("acme").list_audit()
    assert [e.action for e in org_events] == ["character.lock", "org.rename"]
    assert org_events[1].project_id is None
    with pytest.raises(StoreError, match="Audit action"):
        acme.audit("")


def test_projects_orgs_and_slugs(store, acme):
    store.project("acme", "day-shift", user="cy")
    assert [p.slug for p in store.org("acme").projects()] == ["day-shift", "night-shift"]
    assert [o.slug for o in store.orgs()] == ["acme"]
    again = store.project("acme", "night-shift", user="ana")
    assert again.project_id == acme.project_id
    with pytest.raises(StoreError, match="does not exist"):
        store.project("acme", "no-such-film", create=False)
    with pytest.raises(StoreError, match="does not exist"):
        store.org("nobody")
    with pytest.raises(StoreError, match="not valid"):
        store.project("acme", "../etc")


def test_open_store_defaults_to_sqlite_and_assets_in_studio_home(studio_home):
    from studio_kit.store import dispose_engines, open_store

    store = open_store()
    try:
        ctx = store.project("default", "demo")
        rec = ctx.put_asset(b"hello", kind="note", name="hello.txt")
        assert (studio_home / "studio.db").is_file()
        assert ctx.asset_path(rec.id) == (studio_home / "assets" / rec.path).resolve()
        # reopening is cheap and sees the same data
        assert open_store().project("default", "demo").get_asset(rec.id).sha256 == rec.sha256
    finally:
        dispose_engines()


def test_unreachable_database_gives_a_store_error(studio_home):
    from studio_kit.store import open_store

    with pytest.raises(StoreError, match="Cannot open the store"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_json_fields_refuse_nan_and_keep_nothing(acme):
    with pytest.raises(StoreError, match="JSON cannot hold"):
        acme.put_asset(b"x", kind="take", name="t.txt", meta={"loudness_lufs": float("nan")})
    with pytest.raises(StoreError, match="must be a dict"):
        acme.create_run("hello_project", ["not", "a", "dict"])
    assert acme.list_assets() == [] and acme.list_runs() == []


def test_database_failure_mid_write_is_a_store_error_and_leaves_no_file(acme, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from studio_kit.store.session import TenantSession

    def server_gone(self):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(TenantSession, "commit", server_gone)
    with pytest.raises(StoreError, match="server closed the connection"):
        acme.put_asset(b"lost take", kind="take", name="t.txt")
    monkeypatch.undo()
    assert [p for p in acme.asset_root.rglob("*") if p.is_file()] == []
    assert acme.list_assets() == []


@pytest.mark.parametrize("field", ["kind", "name"])
def test_nul_bytes_in_names_and_kinds_are_refused_on_every_database(store, acme, field):
    args = {"kind": "script", "name": "draft.fountain", field: "dra\x00ft"}
    with pytest.raises(StoreError, match="without NUL bytes"):
        acme.put_asset(b"x", **args)
    assert acme.list_assets() == [] and not list(store.asset_root.rglob("*.*"))


def test_nul_bytes_in_any_text_column_are_refused_before_the_database(store, acme):
    with pytest.raises(StoreError, match="NUL byte"):
        acme.create_run("hello\x00project")
    with pytest.raises(StoreError, match="NUL byte"):
        acme.audit("character.lock", target="character:\x00mara")
    assert acme.list_runs() == [] and acme.list_audit() == []


def test_asset_kinds_are_an_enum_that_stores_the_same_strings(store, acme):
    from studio_kit.store import AssetKind

    by_enum = acme.put_asset(b"INT. A - DAY", kind=AssetKind.SCRIPT, name="a.fountain")
    by_text = acme.put_asset(b"INT. B - DAY", kind="script", name="a.fountain")
    assert by_enum.kind == "script" and by_text.version == 2  # one history, whichever way it was named
    assert [a.id for a in acme.list_assets(kind=AssetKind.SCRIPT)] == [by_enum.id, by_text.id]
    assert acme.put_asset(b"{}", kind="plugin.thing-v2", name="t.json").kind == "plugin.thing-v2"
    for bad in ("Script", "two words", "x" * 65, "script;drop"):
        with pytest.raises(StoreError, match="kind"):
            acme.put_asset(b"x", kind=bad, name="x.txt")


def test_ids_past_64_bits_are_not_found_rather_than_overflowing(acme):
    from studio_kit.exceptions import TenantAccessError

    for bad in (2**70, 2**63, 0, -1):
        with pytest.raises(TenantAccessError, match="not found"):
            acme.get_asset(bad)
        with pytest.raises(TenantAccessError, match="not found"):
            acme.get_run(bad)
