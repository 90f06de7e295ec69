"""Every role × every permission, through the services that enforce them (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt

import pytest

from studio_kit.exceptions import PermissionDenied
from studio_kit.platform import audit, members, milestones, notify, permissions, reviews

ALL = {"view", "comment", "request_review", "edit_script", "lock_scene_numbers", "approve_script", "edit_characters",
       "approve_character", "edit_schedule", "lock_schedule", "approve_schedule", "see_budget", "edit_budget",
       "approve_asset", "render", "export", "manage_members", "manage_milestones", "manage_webhooks", "view_audit"}
# what a film crew expects, written out independently of permissions.yaml
EXPECTED = {
    "olive": ALL,                                                            # owner
    "ada": ALL,                                                              # org admin
    "pat": ALL - {"edit_script", "edit_characters"},                         # producer
    "dee": {"view", "comment", "request_review", "approve_script", "approve_character", "approve_asset",
            "see_budget", "render", "export"},                               # director
    "wes": {"view", "comment", "request_review", "edit_script", "export"},   # writer
    "art": {"view", "comment", "request_review", "edit_characters", "render", "export"},  # artist
    "eddie": {"view", "comment", "request_review", "render", "export"},      # editor
    "vic": {"view", "comment"},                                              # viewer: no budget, no approvals
}


def _script(owner, n=1):
    return owner.put_asset(f"INT. DINER - NIGHT\n\nDraft {n}.".encode(), kind="script", name="pilot.fountain")


# one service call per permission that a studio-ops service enforces
def _op(permission, ctx, owner, tmp_path, i):
    script = _script(owner, i)
    if permission == "comment":
        return reviews.comment(ctx, script.id, "Tighten the opening.", anchor="scene:1")
    if permission == "request_review":
        return reviews.request(ctx, script.id, reviewers=["dee"])
    if permission == "approve_script":
        return reviews.approve(ctx, script.id)
    if permission == "approve_character":
        return reviews.approve(ctx, f"character:mara@{i}")
    if permission == "approve_asset":
        board = owner.put_asset(b"frame", kind="storyboard", name=f"sc1-{i}.png")
        return reviews.approve(ctx, board.id)
    if permission == "approve_schedule":
        return reviews.approve(ctx, f"schedule:pilot-schedule.json@{i}")
    if permission == "manage_members":
        return members.invite(ctx, "viewer")
    if permission == "manage_milestones":
        return milestones.add(ctx, f"m-{i}", "Table read", "prep", dt.date(2027, 1, 10))
    if permission == "manage_webhooks":
        hook = notify.add_webhook(ctx, "http://127.0.0.1:9/hook")
        return notify.remove_webhook(owner, hook.id)  # nothing listens there: no deliveries
    if permission == "view_audit":
        return audit.verify(ctx)
    if permission == "export":
        return milestones.export_milestones(ctx, tmp_path / f"cal-{i}.ics")
    if permission == "view":
        return milestones.list_milestones(ctx)
    return permissions.require(ctx, permission)  # enforced by engines through the same check


@pytest.mark.slow
def test_every_role_gets_exactly_its_permissions_through_the_services(crew, tmp_path):
    owner = crew["olive"]
    i = 0
    for user, allowed in EXPECTED.items():
        ctx = crew[user]
        for permission in sorted(ALL):
            i += 1
            if permission in allowed:
                _op(permission, ctx, owner, tmp_path, i)
                assert permissions.can(ctx, permission)
            else:
                with pytest.raises(PermissionDenied) as err:
                    _op(permission, ctx, owner, tmp_path, i)
                assert err.value.permission == permission and err.value.user == user
                role = permissions.role_of(ctx)
                assert f"{user} is {role}" in err.value.message and permission in err.value.message
                assert not permissions.can(ctx, permission)


def test_an_outsider_is_told_they_are_not_a_member(crew, store):
    stranger = store.project("acme", "night-shift", user="zed")
    with pytest.raises(PermissionDenied, match="zed is not a member of acme/night-shift, so may not see_budget"):
        permissions.require(stranger, "see_budget")
    assert permissions.role_of(stranger) is None


def test_an_org_can_override_a_role_and_a_project_can_switch_a_gate_off(crew, store):
    vic, ada, pat = crew["vic"], crew["ada"], crew["pat"]
    assert not permissions.can(vic, "export")
    with pytest.raises(PermissionDenied, match="organization admin"):
        permissions.set_org_policy(pat, {"roles": {"viewer": ["view", "comment", "export"]}})
    permissions.set_org_policy(ada, {"roles": {"viewer": ["view", "comment", "export"]}})
    assert permissions.can(vic, "export") and not permissions.can(vic, "see_budget")
    other = store.project("acme", "second-film", user="olive")  # the override is org-wide
    members.add_member(other, "vic", "viewer")
    assert permissions.can(store.project("acme", "second-film", user="vic"), "export")

    with pytest.raises(Exception, match="unknown permission"):
        permissions.set_org_policy(ada, {"roles": {"viewer": ["fly"]}})
    assert permissions.policy(pat)["gates"]["schedule.lock"]["enabled"]
    with pytest.raises(PermissionDenied):
        permissions.set_gate(crew["dee"], "schedule.lock", False)
    permissions.set_gate(pat, "schedule.lock", False)
    assert not permissions.policy(pat)["gates"]["schedule.lock"]["enabled"]
    assert permissions.policy(other)["gates"]["schedule.lock"]["enabled"]  # only that project


def test_a_new_project_is_single_user_until_someone_joins(store):
    solo = store.project("acme", "short", user="sam")
    assert permissions.role_of(solo) == "owner" and permissions.can(solo, "see_budget")
    assert [(m.user, m.role) for m in members.list_members(solo)] == [("sam", "owner")]
    assert permissions.role_of(store.project("acme", "short", user="kim")) is None


def _forget_creator(store, org: str, slug: str) -> None:
    """A project row from before ``created_by`` was recorded (written as the store administrator)."""
    from sqlmodel import Session, select

    from studio_kit.store.models import Organization, Project

    with Session(store.engine) as s:
        row = s.exec(select(Project).join(Organization, Organization.id == Project.org_id)
                     .where(Organization.slug == org, Project.slug == slug)).one()
        row.created_by = None
        s.add(row)
        s.commit()


def test_a_user_of_another_org_cannot_open_a_memberless_project(store):
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.exceptions import TenantAccessError
    from studio_kit.store.models import User

    olive = store.project("acme", "night-shift", user="olive")       # nobody joined: olive owns it
    store.project("globex", "heist", user="eve")                     # eve works at globex
    for create in (True, False):
        with pytest.raises(TenantAccessError) as err:
            store.project("acme", "night-shift", user="eve", create=create)
        assert ("eve works in organization 'globex', not 'acme', so may not open project 'acme/night-shift'"
                in err.value.message)
        assert "invite" in err.value.hint and "--user eve" in err.value.hint
    with pytest.raises(TenantAccessError, match="may not open project 'acme/sequel'"):
        store.project("acme", "sequel", user="eve")                  # nor create one in acme
    assert [p.slug for p in store.org("acme").projects()] == ["night-shift"]
    with store.org("acme").session() as s:                          # the get-or-create enrolled nobody
        assert s.exec(select_user_names(User)).all() == ["olive"]

    assert permissions.role_of(olive) == "owner" and permissions.can(olive, "manage_members")
    assert save_version(olive, "INT. DINER - NIGHT\n\nRain.\n", name="pilot.fountain").version == 1
    token, _ = members.invite(olive, "writer", invitee="eve")        # the fix the error names
    eve = store.project("acme", "night-shift", user="eve")
    members.accept(eve, token)
    assert permissions.role_of(eve) == "writer" and not permissions.can(eve, "manage_members")
    assert permissions.role_of(olive) == "owner"


def select_user_names(user_model):
    from sqlmodel import select

    return select(user_model.name).order_by(user_model.name)


def _set_role(store, org: str, name: str, role: str) -> None:
    """Org admins are kept by the store administrator (studio_user.role)."""
    from sqlmodel import Session, select

    from studio_kit.store.models import Organization, User

    with Session(store.engine) as s:
        row = s.exec(select(User).join(Organization, Organization.id == User.org_id)
                     .where(Organization.slug == org, User.name == name)).one()
        row.role = role
        s.add(row)
        s.commit()


def test_a_solo_user_opens_and_creates_projects_in_any_org(store):
    sam = store.project("acme", "short", user="sam")
    other = store.project("globex", "doc", user="sam")                # the same person's second studio
    assert permissions.role_of(sam) == permissions.role_of(other) == "owner"
    assert permissions.role_of(store.project("globex", "short-2", user="sam")) == "owner"


def test_a_project_without_a_recorded_creator_has_an_owner_only_in_a_one_person_store(store):
    solo = store.project("acme", "legacy", user="olive")
    _forget_creator(store, "acme", "legacy")
    assert permissions.role_of(solo) == "owner"                     # one person's store: as before
    assert [(m.user, m.role) for m in members.list_members(solo)] == [("olive", "owner")]

    store.project("globex", "heist", user="eve")                     # a second user, of another org
    assert permissions.role_of(solo) is None                         # nobody owns it by default now
    kim = store.project("acme", "legacy", user="kim")                # nor a new user of acme
    assert permissions.role_of(kim) is None and not permissions.can(kim, "manage_members")
    with pytest.raises(PermissionDenied, match="kim is not a member of acme/legacy, so may not manage_members"):
        members.add_member(kim, "kim", "owner")
    assert members.list_members(kim) == []


    ada = store.project("acme", "legacy", user="ada")
    _set_role(store, "acme", "ada", "admin")                         # an org admin can open it and staff it
    assert permissions.role_of(ada) == permissions.ADMIN
    members.add_member(ada, "kim", "writer")
    assert permissions.role_of(kim) == "writer"
    assert [(m.user, m.role) for m in members.list_members(ada)] == [("ada", "owner"), ("kim", "writer")]
