# JupyterHub for a studio on one machine: studio_kit's kernel profiles, dashboards behind the hub's
# login and kernel-time accounting. `studio hub` starts it; `jupyterhub -f THIS_FILE` works too.
# Every knob below reads a STUDIO_HUB_* environment variable, so one file serves a laptop try-out
# and a studio server. On Kubernetes use deploy/helm/values.yaml (zero-to-jupyterhub) instead.
import os
import shutil
import sys
from pathlib import Path

import yaml

# get_config is put in this file's namespace by the traitlets loader when JupyterHub reads it (importing
# traitlets' own get_config instead would write to the application's config, not the one being loaded)
c = get_config()  # type: ignore[name-defined]  # noqa: F821

studio_home = Path(os.environ.get("STUDIO_HOME", "studio-home")).resolve()
state = Path(os.environ.get("STUDIO_HUB_STATE_DIR", studio_home / "hub"))
state.mkdir(parents=True, exist_ok=True)

# -- network ---------------------------------------------------------------------------------------
# The public URL users open; the configurable-http-proxy listens here and routes to the hub and to
# each user's server. Loopback by default: put TLS and a public address in front for a studio.
c.JupyterHub.bind_url = os.environ.get("STUDIO_HUB_BIND_URL", "http://127.0.0.1:8000")
# The hub's own API, reached by the proxy, the spawned servers and the services.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("STUDIO_HUB_API_PORT", "8081"))
# configurable-http-proxy (npm): `make` installs it under .cache/chp when it is not on PATH.
chp = os.environ.get("STUDIO_HUB_CHP") or shutil.which("configurable-http-proxy")
if chp:
    c.ConfigurableHTTPProxy.command = [chp]
c.ConfigurableHTTPProxy.api_url = os.environ.get("STUDIO_HUB_PROXY_API", "http://127.0.0.1:8001")

# -- the hub's state: users, servers, tokens, cookie secret -----------------------------------------
c.JupyterHub.db_url = os.environ.get("STUDIO_HUB_DB_URL", f"sqlite:///{state / 'jupyterhub.sqlite'}")
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")

# -- login --------------------------------------------------------------------------------------
# "dummy": any name with the shared STUDIO_HUB_PASSWORD (try-outs and tests only).
# "pam": the machine's Unix accounts (with the local-process spawner below).
auth = os.environ.get("STUDIO_HUB_AUTH", "dummy")
c.JupyterHub.authenticator_class = auth
if auth == "dummy":
    c.DummyAuthenticator.password = os.environ.get("STUDIO_HUB_PASSWORD", "studio")
# Who may log in: everyone the authenticator accepts (restrict with allowed_users for a real studio).
c.Authenticator.allow_all = True
# Hub admins (comma-separated): they manage users, groups and servers in the hub's admin page.
c.Authenticator.admin_users = {u for u in os.environ.get("STUDIO_HUB_ADMINS", "").split(",") if u}

# -- users -> studio organizations and roles ------------------------------------------------------
# Group `org:<slug>` = the studio organization, `role:<name>` = the project role
# (studio_kit.hub.identity). STUDIO_HUB_GROUPS names a YAML file: {group: [user, ...]}.
groups_file = os.environ.get("STUDIO_HUB_GROUPS")
if groups_file:
    groups = yaml.safe_load(Path(groups_file).read_text()) or {}
    c.JupyterHub.load_groups = {name: {"users": list(users)} for name, users in groups.items()}

# -- spawner: kernel profiles (CPU small / CPU large / GPU x1) chosen on the spawn page --------------
# "simple": every server runs as the hub's account, homes under STUDIO_HUB_HOMES (no isolation:
# try-outs and tests). "local": each server as the user's own Unix account.
simple = os.environ.get("STUDIO_HUB_SPAWNER", "simple") == "simple"
spawner = "StudioSimpleSpawner" if simple else "StudioLocalProcessSpawner"
c.JupyterHub.spawner_class = f"studio_kit.hub.spawner.{spawner}"
if simple:
    c.StudioSimpleSpawner.home_dir_template = os.environ.get("STUDIO_HUB_HOMES", str(state / "homes" / "{username}"))
    if os.geteuid() == 0:  # containers and CI run as root; jupyter-server refuses root without this flag
        c.Spawner.args = ["--allow-root"]
# The single-user server from this environment, so kernels import the same studio_kit.
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Profiles file (default: studio_kit/data/hub/profiles.yaml).
getattr(c, spawner).profiles_file = os.environ.get("STUDIO_HUB_PROFILES", "")
# Every kernel shares the studio's project store and asset root; the scoped session keeps each
# user inside their organization.
getattr(c, spawner).studio_database_url = os.environ.get(
    "STUDIO_DATABASE_URL", f"sqlite:///{studio_home / 'studio.db'}")
getattr(c, spawner).studio_home = str(studio_home)
# Environment the spawner passes through to every server (besides STUDIO_ORG/USER/ROLE/PROFILE).
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "STUDIO_TEMPLATES_DIR"]

# -- services ----------------------------------------------------------------------------------
usage_env = {"STUDIO_HOME": str(studio_home),
             "STUDIO_DATABASE_URL": os.environ.get("STUDIO_DATABASE_URL", f"sqlite:///{studio_home / 'studio.db'}")}
c.JupyterHub.services = [
    # Stops servers idle for STUDIO_HUB_CULL_TIMEOUT seconds (GPU kernels are expensive to leave open).
    {"name": "idle-culler",
     "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                 f"--timeout={os.environ.get('STUDIO_HUB_CULL_TIMEOUT', '3600')}"]},
    # Turns server lifetimes into kernel-time usage records (studio_kit.hub.usage).
    {"name": "studio-usage",
     "command": [sys.executable, "-m", "studio_kit.hub.usage",
                 "--interval", os.environ.get("STUDIO_HUB_USAGE_INTERVAL", "60")],
     "environment": usage_env},
]
# Least privilege: each service may read (or, for the culler, stop) what its job needs, nothing more.
c.JupyterHub.load_roles = [
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    {"name": "studio-usage", "services": ["studio-usage"],
     "scopes": ["list:users", "read:users", "read:users:activity", "read:servers", "read:users:groups"]},
]
