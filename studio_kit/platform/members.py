"""Project membership: invite (token + expiry), accept, change role, remove; the last owner stays.

Tokens are shown once and stored only as their SHA-256. Every change is audited with
the member row's state before and after, and takes the project's member rows under a
write lock, so two owners removing each other at once cannot leave the project ownerless.

    token, invite = members.invite(ctx, "writer", invitee="ben", days=7)
    members.accept(ben_ctx, token)
    members.change_role(ctx, "ben", "director")
    members.remove(ctx, "ben")
    members.set_org_admin(ctx, "ada")             # organization admins: every permission on every project
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlmodel import col, select

from studio_kit.exceptions import PermissionDenied
from studio_kit.platform import permissions
from studio_kit.platform._ops import (
    OpsError,
    as_utc,
    audit,
    bump,
    check_version,
    lock_rows,
    project_row,
    row_state,
    write_session,
)
from studio_kit.store.models import User, utcnow
from studio_kit.store.ops_models import ProjectInvite, ProjectMember

MEMBER_FIELDS = ("user", "role", "version")
MAX_INVITE_DAYS = 90


def _check_role(role: str) -> str:
    if role not in permissions.ROLES:
        raise OpsError(f"Unknown role {role!r}.", hint=f"Roles are {', '.join(permissions.ROLES)}.")
    return role


def _check_user(user: str) -> str:
    if not isinstance(user, str) or not user.strip() or len(user) > 120:
        raise OpsError(f"User name {user!r} is not valid.", hint="Give the login name, 1-120 characters.")
    return user.strip()


def list_members(ctx: Any) -> list[ProjectMember]:
    """The project's members, owners first; in single-user mode the creator as owner (not yet stored)."""
    with ctx.session() as s:
        rows = list(s.exec(select(ProjectMember)).all())
        if not rows:
            role = permissions.role_of(ctx, ctx.user, s)
            if role == "owner":
                rows = [ProjectMember(org_id=ctx.org_id, project_id=ctx.project_id, user=ctx.user, role="owner")]
    order = {r: i for i, r in enumerate(permissions.ROLES)}
    return sorted(rows, key=lambda m: (order.get(m.role, 99), m.user))


def _materialize_owner(s: Any, ctx: Any) -> None:
    """Leaving single-user mode: the creator becomes a stored owner before anyone else joins."""
    if s.exec(select(ProjectMember.id).limit(1)).first() is None:
        role = permissions.role_of(ctx, ctx.user, s)
        if role in ("owner", permissions.ADMIN):
            creator = project_row(s, ctx).created_by or ctx.user
            s.add(ProjectMember(org_id=ctx.org_id, project_id=ctx.project_id, user=creator, role="owner",
                                added_by=ctx.user))
            s.flush()


def add_member(ctx: Any, user: str, role: str) -> ProjectMember:
    """Add ``user`` with ``role`` directly (an owner/producer adding a colleague of the org)."""
    user, role = _check_user(user), _check_role(role)
    with write_session(ctx) as s:
        permissions.require(ctx, "manage_members", s=s)
        _materialize_owner(s, ctx)
        if s.exec(select(ProjectMember).where(ProjectMember.user == user)).first() is not None:
            raise OpsError(f"{user} is already a member of {ctx.scope_name}.",
                           hint=f"Change the role instead: `studio members role {user} {role}`.")
        row = ProjectMember(org_id=ctx.org_id, project_id=ctx.project_id, user=user, role=role, added_by=ctx.user)
        s.add(row)
        audit(s, ctx, "member.add", f"member:{user}", {"role": role}, after=row_state(row, MEMBER_FIELDS))
        s.commit()
        return row


def invite(ctx: Any, role: str, *, invitee: str | None = None, days: float = 7.0) -> tuple[str, ProjectInvite]:
    """A single-use invitation with ``role``, valid ``days``; returns (token, invite). The token is shown once."""
    role = _check_role(role)
    if invitee is not None:
        invitee = _check_user(invitee)
    if not 0 < days <= MAX_INVITE_DAYS:
        raise OpsError(f"An invitation lasts 0-{MAX_INVITE_DAYS} days, not {days}.", hint="Use e.g. --days 7.")
    token = secrets.token_urlsafe(24)
    with write_session(ctx) as s:
        permissions.require(ctx, "manage_members", s=s)
        if role == "owner" and permissions.role_of(ctx, ctx.user, s) not in ("owner", permissions.ADMIN):
            raise OpsError("Only an owner can invite another owner.", hint="Invite as producer instead.")
        _materialize_owner(s, ctx)
        row = ProjectInvite(org_id=ctx.org_id, project_id=ctx.project_id, role=role, invitee=invitee,
                            token_sha256=hashlib.sha256(token.encode()).hexdigest(), created_by=ctx.user,
                            expires_at=utcnow() + dt.timedelta(days=days))
        s.add(row)
        s.flush()
        audit(s, ctx, "member.invite", f"invite:{row.id}", {"role": role, "invitee": invitee,
                                                            "expires_at": row.expires_at.isoformat()})
        s.commit()
        return token, row


def accept(ctx: Any, token: str) -> ProjectMember:
    """``ctx.user`` joins the project with the invitation's role (the token is the permission)."""
    digest = hashlib.sha256(str(token).strip().encode()).hexdigest()
    with write_session(ctx) as s:
        inv = s.exec(lock_rows(select(ProjectInvite).where(ProjectInvite.token_sha256 == digest), s)).first()
        if inv is None:
            raise OpsError("This invitation token is not valid for this project.",
                           hint="Check the project (STUDIO_ORG / STUDIO_PROJECT) and ask for a new invitation.")
        if inv.accepted_at is not None or inv.revoked_at is not None:
            raise OpsError(f"This invitation was already {'used' if inv.accepted_at else 'revoked'}.",
                           hint="Ask an owner or producer for a new one.")
        expires = as_utc(inv.expires_at)
        if expires <= utcnow():
            raise OpsError(f"This invitation expired at {expires:%Y-%m-%d %H:%M} UTC.",
                           hint="Ask an owner or producer for a new one.")
        if inv.invitee and inv.invitee != ctx.user:
            raise OpsError(f"This invitation is for {inv.invitee}, not {ctx.user}.",
                           hint=f"Accept it logged in as {inv.invitee}.")
        if s.exec(select(ProjectMember).where(ProjectMember.user == ctx.user)).first() is not None:
            raise OpsError(f"{ctx.user} is already a member of {ctx.scope_name}.",
                           hint="Ask an owner to change your role instead.")
        inv.accepted_by, inv.accepted_at = ctx.user, utcnow()
        row = ProjectMember(org_id=ctx.org_id, project_id=ctx.project_id, user=ctx.user, role=inv.role,
                            added_by=inv.created_by)
        s.add(inv)
        s.add(row)
        audit(s, ctx, "member.accept", f"member:{ctx.user}", {"invite": inv.id, "role": inv.role},
              after=row_state(row, MEMBER_FIELDS))
        s.commit()
        return row


def _member(s: Any, user: str, ctx: Any) -> ProjectMember:
    row = s.exec(lock_rows(select(ProjectMember).where(ProjectMember.user == user), s)).first()
    if row is None:
        known = ", ".join(m.user for m in s.exec(select(ProjectMember)).all()) or "none yet"
        raise OpsError(f"{user} is not a member of {ctx.scope_name}.", hint=f"Members: {known}.")
    return row


def _other_owners(s: Any, user: str) -> int:
    owners = s.exec(lock_rows(select(ProjectMember).where(ProjectMember.role == "owner"), s)).all()
    return sum(1 for o in owners if o.user != user)


def change_role(ctx: Any, user: str, role: str, *, expected_version: int | None = None) -> ProjectMember:
    """Give ``user`` a new role; the last owner cannot be demoted."""
    role = _check_role(role)
    with write_session(ctx) as s:
        acting = permissions.require(ctx, "manage_members", s=s)
        _materialize_owner(s, ctx)
        row = _member(s, user, ctx)
        check_version(row, expected_version, f"{user}'s membership")
        if (role == "owner" or row.role == "owner") and acting not in ("owner", permissions.ADMIN):
            raise OpsError("Only an owner can make or unmake owners.", hint="Ask a project owner.")
        if row.role == "owner" and role != "owner" and _other_owners(s, user) == 0:
            raise OpsError(f"{user} is the last owner of {ctx.scope_name}; a project always keeps one owner.",
                           hint="Make someone else owner first.")
        before = row_state(row, MEMBER_FIELDS)
        row.role = role
        bump(row)
        s.add(row)
        audit(s, ctx, "member.role", f"member:{user}", {"role": role}, before=before,
              after=row_state(row, MEMBER_FIELDS))
        s.commit()
        return row


def remove(ctx: Any, user: str) -> None:
    """Remove ``user`` (or leave, when ``user`` is the acting user); the last owner cannot go."""
    with write_session(ctx) as s:
        acting: str | None
        if user != ctx.user:
            acting = permissions.require(ctx, "manage_members", s=s)
        else:
            acting = permissions.role_of(ctx, user, s)
        _materialize_owner(s, ctx)
        row = _member(s, user, ctx)
        if row.role == "owner":
            if user != ctx.user and acting not in ("owner", permissions.ADMIN):
                raise OpsError("Only an owner can remove an owner.", hint="Ask a project owner.")
            if _other_owners(s, user) == 0:
                raise OpsError(f"{user} is the last owner of {ctx.scope_name} and cannot "
                               f"{'leave' if user == ctx.user else 'be removed'}.",
                               hint="Make someone else owner first: `studio members role NAME owner`.")
        audit(s, ctx, "member.remove", f"member:{user}", {"role": row.role}, before=row_state(row, MEMBER_FIELDS))
        s.delete(row)
        s.commit()


def pending_invites(ctx: Any) -> list[ProjectInvite]:
    """Invitations neither used, revoked nor expired."""
    now = utcnow()
    with ctx.session() as s:
        rows = s.exec(select(ProjectInvite).where(col(ProjectInvite.accepted_at).is_(None),
                                                  col(ProjectInvite.revoked_at).is_(None))).all()
    return [r for r in rows if as_utc(r.expires_at) > now]


def org_admins(ctx: Any) -> list[str]:
    """The organization's admins, by name."""
    with ctx.session() as s:
        return sorted(u.name for u in s.exec(select(User).where(User.role == permissions.ADMIN)).all())


def set_org_admin(ctx: Any, user: str, admin: bool = True) -> User:
    """Make ``user`` an organization admin (every permission on every project), or take it back.

    Only an org admin may do this. An organization without any admin yet (a fresh `studio init`)
    lets its first user — the one who created it — make the first admin. The last admin stays:
    make another admin before removing yourself."""
    user = _check_user(user)
    with write_session(ctx) as s:
        users = list(s.exec(lock_rows(select(User).order_by(col(User.id)), s)).all())
        admins = [u.name for u in users if u.role == permissions.ADMIN]
        founder = users[0].name if users else None
        if ctx.user not in admins and not (not admins and ctx.user == founder):
            raise PermissionDenied(
                f"Only an organization admin may {'make' if admin else 'remove'} admins of {ctx.org_slug}.",
                user=ctx.user, role=permissions.role_of(ctx, ctx.user, s), permission="org_admin",
                hint=f"Ask an admin ({', '.join(admins)})." if admins else
                f"The organization has no admin yet: its first user ({founder}) makes the first one.")
        row = next((u for u in users if u.name == user), None)
        if row is None and s.exec(select(ProjectMember).where(ProjectMember.user == user)).first() is not None:
            row = User(org_id=ctx.org_id, name=user)          # a member of this project who has not signed in yet
        if row is None:
            raise OpsError(f"{user} is not a user of {ctx.org_slug}.",
                           hint=f"Users: {', '.join(u.name for u in users) or 'none yet'}; add them to a project "
                                "first (`studio members add NAME ROLE`).")
        if not admin and row.role == permissions.ADMIN and len(admins) == 1:
            raise OpsError(f"{user} is the last admin of {ctx.org_slug}; an organization keeps one.",
                           hint="Make someone else admin first: `studio members admin NAME`.")
        before = {"user": row.name, "role": row.role}
        row.role = permissions.ADMIN if admin else "member"
        s.add(row)
        audit(s, ctx, "org.admin" if admin else "org.admin_removed", f"user:{user}", {"role": row.role},
              before=before, after={"user": row.name, "role": row.role})
        s.commit()
        s.refresh(row)
        return row
