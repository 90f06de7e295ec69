"""Membership: invite with a token and an expiry, accept, change role, remove; the last owner stays."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from studio_kit.exceptions import PermissionDenied
from studio_kit.platform import members, permissions
from studio_kit.platform._ops import ConflictError, OpsError
from studio_kit.store.ops_models import ProjectInvite


def test_invited_writer_joins_with_the_token_once(store, owner):
    token, invite = members.invite(owner, "writer", invitee="ben", days=3)
    assert len(token) >= 30 and invite.token_sha256 != token  # only the hash is stored
    ben = store.project("acme", "night-shift", user="ben")
    assert permissions.role_of(ben) is None
    with pytest.raises(OpsError, match="for ben, not kim"):
        members.accept(store.project("acme", "night-shift", user="kim"), token)
    joined = members.accept(ben, token)
    assert (joined.user, joined.role) == ("ben", "writer") and permissions.can(ben, "edit_script")
    with pytest.raises(OpsError, match="already used"):
        members.accept(ben, token)
    with pytest.raises(OpsError, match="not valid"):
        members.accept(ben, "not-a-token")
    assert [(m.user, m.role) for m in members.list_members(owner)] == [("olive", "owner"), ("ben", "writer")]
    actions = [e.action for e in owner.list_audit() if e.action.startswith("member.")]
    assert actions == ["member.invite", "member.accept"]


def test_an_expired_invitation_is_refused(store, owner):
    token, invite = members.invite(owner, "viewer", days=1)
    with Session(store.engine) as s:  # a week later
        row = s.exec(select(ProjectInvite).where(ProjectInvite.id == invite.id)).one()
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=6)
        s.add(row)
        s.commit()
    with pytest.raises(OpsError, match="expired"):
        members.accept(store.project("acme", "night-shift", user="kim"), token)
    with pytest.raises(OpsError, match="0-90 days"):
        members.invite(owner, "viewer", days=365)
    assert members.pending_invites(owner) == []


def test_roles_change_and_the_last_owner_cannot_leave(crew):
    olive, pat, vic = crew["olive"], crew["pat"], crew["vic"]
    with pytest.raises(OpsError, match="last owner"):
        members.remove(olive, "olive")
    with pytest.raises(OpsError, match="last owner"):
        members.change_role(olive, "olive", "producer")
    with pytest.raises(OpsError, match="Only an owner"):
        members.change_role(pat, "vic", "owner")
    with pytest.raises(PermissionDenied, match="vic is viewer"):
        members.change_role(vic, "vic", "producer")
    promoted = members.change_role(pat, "vic", "editor")
    assert promoted.role == "editor" and promoted.version == 2
    with pytest.raises(ConflictError, match="now version 2; you had version 1"):
        members.change_role(pat, "vic", "artist", expected_version=1)
    members.change_role(olive, "pat", "owner")
    members.remove(olive, "olive")  # pat is owner now, so olive may leave
    assert permissions.role_of(olive) is None
    with pytest.raises(OpsError, match="last owner of acme/night-shift and cannot leave"):
        members.remove(pat, "pat")
    members.remove(vic, "vic")  # anyone may leave
    assert "vic" not in [m.user for m in members.list_members(pat)]
    role_change = [e for e in pat.list_audit() if e.action == "member.role"][0]
    assert role_change.detail["before_hash"] != role_change.detail["after_hash"]


def test_bad_roles_and_names_are_refused(owner):
    with pytest.raises(OpsError, match="Unknown role 'star'"):
        members.invite(owner, "star")
    with pytest.raises(OpsError, match="not a member"):
        members.change_role(owner, "nobody", "viewer")
