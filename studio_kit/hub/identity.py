"""Hub users → studio organizations and roles, from JupyterHub group membership.

A hub group named ``org:<slug>`` puts its members in that studio organization; ``role:<name>``
gives them a project role (owner, producer, director, writer, artist, editor, viewer). A user in
no ``org:`` group gets ``default_org``; a user in two orgs is refused (ambiguous tenancy).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from studio_kit.exceptions import ConfigError

ORG_PREFIX = "org:"
ROLE_PREFIX = "role:"
DEFAULT_ROLE = "viewer"


@dataclass(frozen=True)
class StudioIdentity:
    user: str
    org: str
    role: str

    def env(self) -> dict[str, str]:
        """What a user's kernels and dashboards read (studio_kit settings and the serving layer)."""
        return {"STUDIO_ORG": self.org, "STUDIO_USER": self.user, "STUDIO_ROLE": self.role}


def identity_for(user: str, groups: Iterable[str], default_org: str | None = "default") -> StudioIdentity:
    """The studio organization and role of hub user ``user`` in ``groups``."""
    groups = list(groups)
    orgs = sorted({g[len(ORG_PREFIX):] for g in groups if g.startswith(ORG_PREFIX)})
    roles = sorted({g[len(ROLE_PREFIX):] for g in groups if g.startswith(ROLE_PREFIX)})
    if len(orgs) > 1:
        raise ConfigError(f"Hub user {user!r} is in several organizations ({', '.join(orgs)}).",
                          hint="Keep each hub user in one `org:<slug>` group; give a second login for the other studio.")
    if not orgs and not default_org:
        raise ConfigError(f"Hub user {user!r} is in no `org:<slug>` group.",
                          hint="Add the user to the group of their studio in the hub admin page.")
    return StudioIdentity(user=user, org=orgs[0] if orgs else str(default_org), role=roles[0] if roles else DEFAULT_ROLE)
