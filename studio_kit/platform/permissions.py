"""Project roles and permissions, as data, enforced in the service layer.

The shipped matrix is ``studio_kit/data/platform/permissions.yaml``; an organization
overrides the permission list of any role it names (``set_org_policy``), and a project
switches approval gates on or off (``set_gate``). Every studio-ops service, and any
engine that wants the same rule, calls :func:`require` — the CLI, dashboards and the
REST API never check roles themselves.

Who has which role:

* a ``project_member`` row gives the role on that project;
* an organization admin (``studio_user.role == 'admin'``) has every permission;
* a project nobody has joined yet is in single-user mode: its creator is its owner
  (the row is written on the first membership change), nobody else is; a project without a
  recorded creator has an owner only in a store that is one person's (see :func:`role_of`);
* who may open a project of an organization at all is the store's rule
  (:meth:`studio_kit.store.Store.project` refuses users of other organizations).

    from studio_kit.platform import permissions
    permissions.require(ctx, "see_budget")        # PermissionDenied names the user, role and permission
    permissions.can(ctx, "render", user="ben")    # True / False

The engines' service entry points call :func:`require_in_project` (script saves and scene-number
locks, budget figures and edits, renders), so the CLI, notebooks, dashboards and the API share
one rule.
"""
from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from sqlmodel import select

from studio_kit.exceptions import PermissionDenied
from studio_kit.platform._ops import OpsError, audit, write_session
from studio_kit.store.files import read_yaml_mapping
from studio_kit.store.models import Project, User
from studio_kit.store.ops_models import OpsPolicy, ProjectMember
from studio_kit.store.session import admin_session

ROLES = ("owner", "producer", "director", "writer", "artist", "editor", "viewer")
ADMIN = "admin"
POLICY_FILE = Path(__file__).resolve().parents[1] / "data" / "platform" / "permissions.yaml"


@functools.lru_cache(maxsize=1)
def shipped_policy() -> dict[str, Any]:
    """The package's permissions.yaml, checked once (every role's permissions must be declared)."""
    data = read_yaml_mapping(POLICY_FILE, "Permissions file", OpsError, hint="Reinstall studio_kit.")
    _check_roles(data["roles"], set(data["permissions"]), str(POLICY_FILE))
    return data


def _check_roles(roles: Any, known: set[str], where: str) -> None:
    if not isinstance(roles, dict):
        raise OpsError(f"{where}: 'roles' must map a role to a list of permissions.",
                       hint="Write e.g. roles: {editor: [view, comment, render]}.")
    for role, perms in roles.items():
        if role not in ROLES:
            raise OpsError(f"{where}: unknown role {role!r}.", hint=f"Roles are {', '.join(ROLES)}.")
        bad = [p for p in (perms or []) if p not in known]
        if not isinstance(perms, list) or bad:
            raise OpsError(f"{where}: role {role} lists unknown permission(s) {', '.join(map(str, bad)) or perms!r}.",
                           hint=f"Permissions are {', '.join(sorted(known))}.")


def _policy_row(s: Any, ctx: Any, scope: str) -> OpsPolicy | None:
    key = ctx.project_id if scope == "project" else 0
    return s.exec(select(OpsPolicy).where(OpsPolicy.scope == scope, OpsPolicy.project_key == key)).first()


def policy(ctx: Any, s: Any = None) -> dict[str, Any]:
    """The effective policy of ``ctx``'s project: shipped roles with the org's overrides, gates with the project's."""
    if s is None:
        with ctx.session() as s2:
            return policy(ctx, s2)
    base = copy.deepcopy(shipped_policy())
    org = _policy_row(s, ctx, "org")
    proj = _policy_row(s, ctx, "project") if getattr(ctx, "project_id", None) else None
    if org is not None:
        base["roles"].update(org.data.get("roles", {}))
    gates = {name: {**g, "enabled": True} for name, g in base.get("gates", {}).items()}
    for name, enabled in ((proj.data if proj else {}).get("gates") or {}).items():
        if name in gates:
            gates[name]["enabled"] = bool(enabled)
    base["gates"] = gates
    return base


def role_of(ctx: Any, user: str | None = None, s: Any = None) -> str | None:
    """``user``'s role on the project (default the acting user): a role name, 'admin', or None.

    In order: an org admin of the project's organization is 'admin'; a member has their row's
    role; in a project nobody has joined yet (single-user mode) the creator recorded in
    ``project.created_by`` is 'owner', and nobody else is. A project without a recorded creator
    (rows older than ``created_by``) is owned by ``user`` only while the whole store is one
    person's: no project of any organization has members and no user of any organization has
    another name (:func:`_store_is_only`). In a shared store (the hub, the API, several users) such a
    project has no owner until an org admin opens it, who may invite the crew. Everyone else: None.
    """
    user = user or ctx.user
    if s is None:
        with ctx.session() as s2:
            return role_of(ctx, user, s2)
    if s.exec(select(User).where(User.name == user, User.role == ADMIN)).first() is not None:
        return ADMIN
    member = s.exec(select(ProjectMember).where(ProjectMember.user == user)).first()
    if member is not None:
        return member.role
    if _nobody_joined(s):  # single-user mode
        creator = s.exec(select(Project.created_by).where(Project.id == ctx.project_id)).first()
        if creator == user or (creator is None and _store_is_only(s, user)):
            return "owner"
    return None


def _store_is_only(s: Any, user: str) -> bool:
    """Whether the store, every organization of it, is ``user``'s alone: no project member anywhere and
    no user row of another name. Read through the store's cross-organization session: a project's
    scoped session cannot see the other organizations that make a store multi-user."""
    with admin_session(s.get_bind()) as a:
        return (a.exec(select(ProjectMember.id).limit(1)).first() is None
                and a.exec(select(User.id).where(User.name != user).limit(1)).first() is None)


def permissions_of(role: str | None, pol: dict[str, Any]) -> set[str]:
    if role == ADMIN:
        return set(pol["permissions"])
    return set(pol["roles"].get(role, [])) if role else set()


def can(ctx: Any, permission: str, user: str | None = None) -> bool:
    with ctx.session() as s:
        pol = policy(ctx, s)
        _known(permission, pol)
        return permission in permissions_of(role_of(ctx, user, s), pol)


def _known(permission: str, pol: dict[str, Any]) -> None:
    if permission not in pol["permissions"]:
        raise OpsError(f"Unknown permission {permission!r}.", hint=f"Known: {', '.join(pol['permissions'])}.")


def require(ctx: Any, permission: str, *, s: Any = None, pol: dict[str, Any] | None = None) -> str:
    """The acting user's role if it grants ``permission``; else PermissionDenied naming both."""
    if s is None:  # one short transaction for the policy and the role
        with ctx.session() as s2:
            return require(ctx, permission, s=s2, pol=pol)
    pol = pol or policy(ctx, s)
    _known(permission, pol)
    role = role_of(ctx, ctx.user, s)
    if role is not None and permission in permissions_of(role, pol):
        return role
    holders = [r for r in ROLES if permission in pol["roles"].get(r, [])]
    where = f"{ctx.org_slug}/{getattr(ctx, 'project_slug', '')}"
    if role is None:
        raise PermissionDenied(f"{ctx.user} is not a member of {where}, so may not {permission} "
                               f"({pol['permissions'][permission].lower()}).", user=ctx.user, role=None,
                               permission=permission, hint="Ask an owner or producer to invite you: "
                               "`studio members invite --role ROLE --user NAME`.")
    raise PermissionDenied(f"{ctx.user} is {role} on {where}; the {role} role lacks the {permission} permission "
                           f"({pol['permissions'][permission].lower()}).", user=ctx.user, role=role,
                           permission=permission,
                           hint=f"Roles that have it: {', '.join(holders) or 'none'}. An owner or producer can "
                                f"change your role: `studio members role {ctx.user} ROLE`.")


def _no_project(ctx: Any) -> bool:
    return ctx is None or getattr(ctx, "project_id", None) is None


def _nobody_joined(s: Any) -> bool:
    return s.exec(select(ProjectMember.id).limit(1)).first() is None


def require_in_project(ctx: Any, *permissions: str) -> str | None:
    """:func:`require` for engine entry points (script saves, budgets, renders), every one of
    ``permissions`` in one transaction; returns the acting user's role.

    Not checked: a call without a project (``ctx`` None, or an organization-wide context: an
    offline script or notebook working on files), and a project nobody has joined yet (single-user
    mode: whoever works on it locally keeps every engine working, whatever STUDIO_USER says). Once
    a member joins, the roles apply to everyone, the creator included (stored as owner)."""
    if _no_project(ctx):
        return None
    with ctx.session() as s:
        pol = policy(ctx, s)
        for permission in permissions:
            _known(permission, pol)
        if _nobody_joined(s):
            return role_of(ctx, ctx.user, s)
        role = None
        for permission in permissions:
            role = require(ctx, permission, s=s, pol=pol)
        return role


def allows(ctx: Any, permission: str) -> bool:
    """Whether :func:`require_in_project` lets ``ctx``'s user do ``permission`` (dashboards hide what it refuses)."""
    if _no_project(ctx):
        return True
    with ctx.session() as s:
        pol = policy(ctx, s)
        _known(permission, pol)
        return _nobody_joined(s) or permission in permissions_of(role_of(ctx, ctx.user, s), pol)


def matrix(ctx: Any) -> dict[str, set[str]]:
    """role -> permissions of the effective policy (for the team view)."""
    pol = policy(ctx)
    return {role: permissions_of(role, pol) for role in (*ROLES, ADMIN)}


def set_org_policy(ctx: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Override role permission lists for the whole organization (org admins only)."""
    if role_of(ctx) != ADMIN:
        raise PermissionDenied(f"Only an organization admin may change {ctx.org_slug}'s permissions.",
                               user=ctx.user, role=role_of(ctx), permission="org_policy",
                               hint="Ask an org admin (studio_user.role = admin).")
    roles = data.get("roles", data)
    _check_roles(roles, set(shipped_policy()["permissions"]), "Organization policy")
    return _save_policy(ctx, "org", {"roles": roles}, "policy.org")


def set_gate(ctx: Any, name: str, enabled: bool) -> dict[str, Any]:
    """Switch an approval gate on or off for this project (needs manage_milestones)."""
    pol = policy(ctx)
    if name not in pol["gates"]:
        raise OpsError(f"Unknown gate {name!r}.", hint=f"Gates: {', '.join(pol['gates'])}.")
    require(ctx, "manage_milestones", pol=pol)
    gates = {n: g["enabled"] for n, g in pol["gates"].items()}
    gates[name] = bool(enabled)
    return _save_policy(ctx, "project", {"gates": gates}, "policy.gate")


def _save_policy(ctx: Any, scope: str, data: dict[str, Any], action: str) -> dict[str, Any]:
    with write_session(ctx) as s:
        row = _policy_row(s, ctx, scope)
        before = row.data if row else None
        if row is None:
            row = OpsPolicy(org_id=ctx.org_id, scope=scope, project_key=ctx.project_id if scope == "project" else 0,
                            project_id=ctx.project_id if scope == "project" else None, data=data)
        else:
            row.data, row.version = data, row.version + 1
        row.updated_by = ctx.user
        s.add(row)
        audit(s, ctx, action, f"policy:{scope}", {"data": data}, before=before, after=data)
        s.commit()
        return dict(row.data)
