"""The studio dashboards inside each user's JupyterLab server, behind the hub's login.

jupyter-server-proxy finds :func:`dashboards_server` through the ``jupyter_serverproxy_servers``
entry point: ``/user/<name>/studio/<dashboard>`` starts ``studio serve`` on a free port the first
time it is opened and proxies it (websockets too). The hub authenticates every request before it
reaches the user's server, so producers log in once and see their own organization: the server's
environment carries STUDIO_ORG / STUDIO_USER / STUDIO_ROLE from :mod:`studio_kit.hub.spawner`.
"""
from __future__ import annotations

import sys
from typing import Any


def dashboards_server() -> dict[str, Any]:
    """jupyter-server-proxy settings for the studio's Panel dashboards."""
    return {
        "command": [sys.executable, "-m", "studio_kit", "serve", "--port", "{port}", "--address", "127.0.0.1",
                    "--prefix", "{base_url}studio", "--allow-origin", "*"],
        "absolute_url": True,          # Panel serves under the full /user/<name>/studio prefix
        "timeout": 120,
        "launcher_entry": {"title": "Studio dashboards", "enabled": True},
        "new_browser_tab": True,
    }
