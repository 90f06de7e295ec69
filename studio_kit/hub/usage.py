"""Kernel time → usage records: a JupyterHub service that meters every server's lifetime.

Run by the hub as a managed service (``python -m studio_kit.hub.usage``) with a least-privilege
role (``list:users``, ``read:users``, ``read:users:activity``, ``read:servers``,
``read:users:groups``): it reads users, their groups and servers, nothing else, and changes
nothing in the hub.

Every poll lists the running servers; a server is identified by user, server name and its start
time. When a server that was running is gone, its lifetime (start → last poll that saw it) is
stored as one UsageEvent in the user's organization: ``backend = "kernel.<profile>"``, units in
GPU-seconds (GPU profiles) or CPU-seconds (cores × uptime), keyed
``hub:<user>/<server>:<started>``. The store keeps one row per key, and the open servers are kept
in a state file written atomically after each poll, so a repeated poll or a restarted service
neither counts a lifetime twice nor drops one.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.hub.identity import identity_for
from studio_kit.hub.profiles import KernelProfile, find_profile, load_profiles
from studio_kit.store import open_store
from studio_kit.store.files import atomic_path

log = logging.getLogger("studio_kit.hub.usage")
USAGE_PROJECT = "workbench"


@dataclass
class OpenServer:
    """A server seen running: who, which profile, when it started and when it was last seen (ISO UTC)."""

    key: str
    user: str
    server: str
    org: str
    profile: str
    started: str
    last_seen: str


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


class KernelTimeAccountant:
    """Turns the hub's server list into kernel-time UsageEvents (see the module docstring)."""

    def __init__(self, api_url: str, token: str, *, store: Any = None, state_path: str | Path | None = None,
                 project: str = USAGE_PROJECT, default_org: str | None = "default",
                 profiles: list[KernelProfile] | None = None):
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.store = store or open_store()
        self.state_path = Path(state_path or get_settings().home / "hub" / "kernel-usage-state.json")
        self.project = project
        self.default_org = default_org
        self.profiles = profiles or load_profiles()
        self.open: dict[str, OpenServer] = self._load_state()

    # -- state -------------------------------------------------------------------------------
    def _load_state(self) -> dict[str, OpenServer]:
        if not self.state_path.is_file():
            return {}
        try:
            return {k: OpenServer(**v) for k, v in json.loads(self.state_path.read_text()).items()}
        except (ValueError, TypeError) as exc:
            # a damaged state file must not stop metering; the servers it held are re-read from the hub
            log.error("kernel usage state %s is unreadable (%s); starting from the hub's current servers",
                      self.state_path, exc)
            return {}

    def _save_state(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.state_path) as tmp:
            Path(tmp).write_text(json.dumps({k: asdict(v) for k, v in self.open.items()}, indent=1))

    # -- hub API ------------------------------------------------------------------------------
    def fetch_users(self) -> list[dict[str, Any]]:
        """Users with running servers (paginated), with groups and servers."""
        import httpx

        headers = {"Authorization": f"token {self.token}", "Accept": "application/jupyterhub-pagination+json"}
        users: list[dict[str, Any]] = []
        offset = 0
        with httpx.Client(timeout=30) as client:
            while True:
                r = client.get(f"{self.api_url}/users", params={"state": "active", "offset": offset, "limit": 200},
                               headers=headers)
                r.raise_for_status()
                page = r.json()
                items = page["items"] if isinstance(page, dict) else page
                users.extend(items)
                nxt = page.get("_pagination", {}).get("next") if isinstance(page, dict) else None
                if not nxt:
                    return users
                offset = nxt["offset"]

    # -- metering -----------------------------------------------------------------------------
    def poll(self, now: datetime | None = None, users: list[dict[str, Any]] | None = None) -> list[Any]:
        """One accounting pass; returns the usage rows created (servers that stopped since the last pass)."""
        now = now or datetime.now(UTC)
        users = self.fetch_users() if users is None else users
        running: dict[str, OpenServer] = {}
        for user in users:
            ident = identity_for(user["name"], user.get("groups") or [], self.default_org)
            for name, server in (user.get("servers") or {}).items():
                if not server.get("started"):
                    continue
                key = f"hub:{user['name']}/{name}:{server['started']}"
                profile = find_profile((server.get("user_options") or {}).get("profile"), self.profiles).slug
                running[key] = OpenServer(key, user["name"], name, ident.org, profile, server["started"], _iso(now))
        created = [row for key, srv in self.open.items() if key not in running
                   for row in [self.record(srv)] if row is not None]
        self.open = running
        self._save_state()
        return created

    def record(self, srv: OpenServer):
        """Store one finished server lifetime (once per key); returns the new row or None if already stored."""
        profile = find_profile(srv.profile, self.profiles)
        seconds = max(0.0, (_parse(srv.last_seen) - _parse(srv.started)).total_seconds())
        ctx = self.store.project(srv.org, self.project, user="jupyterhub", org_checked=True)  # the hub meters every org
        row, created = ctx.record_usage_once(srv.key, backend=f"kernel.{profile.slug}", units=profile.units(seconds),
                                             unit=profile.usage_unit, seconds=seconds, user=srv.user,
                                             method="server", at=_parse(srv.last_seen))
        if created:
            log.info("kernel time %s: %.0f s on %s (%s)", srv.key, seconds, profile.slug, srv.org)
        return row if created else None


def main(argv: list[str] | None = None) -> None:
    """Entry point of the hub-managed service (reads JUPYTERHUB_API_URL / JUPYTERHUB_API_TOKEN)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=60.0, help="Seconds between polls.")
    parser.add_argument("--project", default=USAGE_PROJECT, help="Project the kernel time is booked to.")
    parser.add_argument("--default-org", default="default", help="Org of users in no `org:` group.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[studio-usage %(asctime)s] %(message)s")
    accountant = KernelTimeAccountant(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"],
                                      project=args.project, default_org=args.default_org or None)
    while True:
        try:
            accountant.poll()
        except Exception:  # the hub restarting is not a reason to stop metering; log it loudly and go on
            log.exception("kernel usage poll failed; retrying in %.0f s", args.interval)
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
