"""Tenant isolation: org B can not read, list, update or delete org A's rows or files."""
from __future__ import annotations

import pytest
from sqlmodel import select

from studio_kit.exceptions import TenantAccessError
from studio_kit.store.models import Asset, AuditEvent, Organization, Project, Run, UsageEvent, User
from studio_kit.store.session import scoped


@pytest.fixture
def acme_rows(acme):
    """Org A's data: a script with a derived version, a run and an audit event."""
    script = acme.put_asset(b"ACME SECRET SCRIPT", kind="script", name="secret.fountain", meta={"n": 1})
    child = acme.put_asset(b"ACME SECRET v2", kind="script", name="secret.fountain", parent_id=script.id)
    run_id = acme.create_run("hello_project", {"title": "Secret"})
    acme.audit("character.lock", target="character:mara")
    return {"script": script, "child": child, "run": run_id}


def test_other_org_cannot_read_an_asset_or_its_file(acme, rival, acme_rows):
    asset_id = acme_rows["script"].id
    for call in (rival.get_asset, rival.read_bytes, rival.asset_path):
        with pytest.raises(TenantAccessError, match="not found in this organization"):
            call(asset_id)
    # the owner still can
    assert acme.read_bytes(asset_id) == b"ACME SECRET SCRIPT"


def test_other_org_lists_none_of_its_rows(store, acme, rival, acme_rows):
    rival.put_asset(b"rival pitch", kind="script", name="secret.fountain")
    rival_assets = rival.list_assets()
    assert [a.version for a in rival_assets] == [1]  # versions count per project, not across orgs
    assert rival.versions("script", "secret.fountain") == rival_assets
    assert rival.list_runs() == [] and rival.list_usage() == []
    assert [e.action for e in rival.list_audit()] == ["asset.put"]
    rival_org = store.org("rival")
    assert [p.slug for p in rival_org.projects()] == ["copycat"]
    assert all(a.org_id == rival.org_id for a in rival_org.list_assets())
    assert rival_org.list_runs() == []
    # the admin listing sees both organizations
    assert [o.slug for o in store.orgs()] == ["acme", "rival"]


def test_other_org_cannot_update_or_delete(acme, rival, acme_rows):
    script, run_id = acme_rows["script"], acme_rows["run"]
    with pytest.raises(TenantAccessError, match="not found in this organization"):
        rival.update_asset_meta(script.id, {"stolen": True})
    with pytest.raises(TenantAccessError, match="not found in this organization"):
        rival.delete_asset(script.id)
    with pytest.raises(TenantAccessError, match="not found in this organization"):
        rival.update_run(run_id, status="failed")
    with pytest.raises(TenantAccessError, match="not found in this organization"):
        rival.get_run(run_id)
    assert acme.get_asset(script.id).meta == {"n": 1}
    assert (acme.asset_root / script.path).is_file()
    assert acme.get_run(run_id).status == "queued"


def test_other_org_cannot_link_to_its_rows(rival, acme_rows):
    with pytest.raises(TenantAccessError):
        rival.put_asset(b"derived", kind="script", name="x.fountain", parent_id=acme_rows["script"].id)
    own_run = rival.create_run("hello_project")
    with pytest.raises(TenantAccessError):
        rival.update_run(own_run, output_asset_id=acme_rows["script"].id)
    assert rival.list_assets() == []


def test_another_project_of_the_same_org_is_separate(store, acme, acme_rows):
    sibling = store.project("acme", "day-shift", user="ana")
    with pytest.raises(TenantAccessError):
        sibling.get_asset(acme_rows["script"].id)
    assert sibling.list_assets() == []
    # the organization view spans both projects
    assert {a.id for a in store.org("acme").list_assets()} == {acme_rows["script"].id, acme_rows["child"].id}


def test_scoped_session_filters_queries_that_forget_to(store, acme, rival, acme_rows):
    """Even a raw ORM query with no WHERE sees only its own org; bulk UPDATE/DELETE too."""
    rival.put_asset(b"rival", kind="script", name="r.fountain")
    with scoped(store.engine, rival.org_id) as s:
        assert {a.org_id for a in s.exec(select(Asset)).all()} == {rival.org_id}
        assert [o.slug for o in s.exec(select(Organization)).all()] == ["rival"]
        assert [p.slug for p in s.exec(select(Project)).all()] == ["copycat"]
        assert [u.name for u in s.exec(select(User)).all()] == ["bob"]
        for table in (Run, UsageEvent):
            assert s.exec(select(table)).all() == []
        assert {e.org_id for e in s.exec(select(AuditEvent)).all()} == {rival.org_id}
        from sqlalchemy import delete, update

        s.exec(update(Asset).values(meta={"wiped": True}))
        s.exec(delete(Run))
        s.commit()
    assert acme.get_asset(acme_rows["script"].id).meta == {"n": 1}
    assert acme.get_run(acme_rows["run"]).template == "hello_project"


def test_scoped_session_refuses_to_write_rows_of_another_org(store, acme, rival, acme_rows):
    with scoped(store.engine, rival.org_id) as s:
        s.add(AuditEvent(actor="bob", action="forged", org_id=acme.org_id, detail={}))
        with pytest.raises(TenantAccessError, match="write was refused"):
            s.commit()
    with scoped(store.engine, rival.org_id, rival.project_id) as s:
        s.add(Run(template="forged", parameters={}, org_id=rival.org_id, project_id=acme.project_id))
        with pytest.raises(TenantAccessError):
            s.commit()
    assert [e.action for e in acme.list_audit()] == ["asset.put", "asset.put", "character.lock"]
    assert rival.list_runs() == []


def test_new_rows_are_stamped_with_the_session_tenant(store, rival):
    with scoped(store.engine, rival.org_id, rival.project_id) as s:
        row = Run(template="stamped", parameters={})
        s.add(row)
        s.commit()
        assert (row.org_id, row.project_id) == (rival.org_id, rival.project_id)
