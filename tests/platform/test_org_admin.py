"""Organization admins are made with `studio members admin`, by an admin (or the founder of an org without one)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from studio_kit.exceptions import PermissionDenied, StudioError
from studio_kit.platform import members, permissions
from studio_kit.store.models import AuditEvent

ORG, PROJECT = "acme", "night-shift"


def test_the_founder_makes_the_first_admin_then_only_admins_make_admins(store, owner, crew):
    # the crew fixture made ada admin through the database; start an org of its own to see the bootstrap
    founder = store.project("newco", "pilot", user="nina")
    store.project("newco", "pilot", user="omar")
    with pytest.raises(PermissionDenied, match="Only an organization admin") as err:
        members.set_org_admin(store.project("newco", "pilot", user="omar"), "omar")
    assert "first user (nina)" in err.value.hint
    assert members.set_org_admin(founder, "nina").role == "admin"
    omar = store.project("newco", "pilot", user="omar")
    with pytest.raises(PermissionDenied, match="Only an organization admin") as err:
        members.set_org_admin(omar, "omar")                    # the bootstrap is over: nina is admin now
    assert "Ask an admin (nina)" in err.value.hint
    members.set_org_admin(founder, "omar")
    assert members.org_admins(omar) == ["nina", "omar"]
    assert permissions.role_of(omar) == permissions.ADMIN
    members.set_org_admin(omar, "nina", admin=False)
    with pytest.raises(StudioError, match="omar is the last admin of newco"):
        members.set_org_admin(omar, "omar", admin=False)
    assert members.org_admins(omar) == ["omar"]
    with founder.session() as s:
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("org.admin%"))).all()]
    assert actions == ["org.admin", "org.admin", "org.admin_removed"]


def test_an_unknown_user_is_named_with_the_known_ones_and_nothing_changes(store, owner, crew):
    ada = store.project(ORG, PROJECT, user="ada")
    with pytest.raises(StudioError, match="zed is not a user of acme") as err:
        members.set_org_admin(ada, "zed")
    assert "olive" in err.value.hint
    assert members.org_admins(ada) == ["ada"]
    with pytest.raises(PermissionDenied):
        members.set_org_admin(crew["pat"], "pat")              # a producer is not an org admin
    assert members.org_admins(ada) == ["ada"]


def test_the_command_makes_and_revokes_an_admin(studio_home, monkeypatch):
    from typer.testing import CliRunner

    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    def studio(user, *args):
        monkeypatch.setenv("STUDIO_USER", user)
        monkeypatch.setenv("STUDIO_ORG", "acme")
        monkeypatch.setenv("STUDIO_PROJECT", "night-shift")
        reset_settings()
        return CliRunner().invoke(app, list(args), terminal_width=200)

    assert studio("olive", "init").exit_code == 0                        # olive founds acme/night-shift
    assert studio("olive", "members", "add", "ben", "writer").exit_code == 0
    made = studio("olive", "members", "admin", "ben")
    assert made.exit_code == 0 and "ben is now an admin" in made.output and "Admins: ben" in made.output
    refused = studio("olive", "members", "admin", "olive")              # olive is no admin, and acme has one now
    assert refused.exit_code != 0 and "Only an organization admin" in str(refused.output) + str(refused.exception)
    last = studio("ben", "members", "admin", "ben", "--revoke")
    assert last.exit_code != 0 and "last admin" in str(last.output) + str(last.exception)
