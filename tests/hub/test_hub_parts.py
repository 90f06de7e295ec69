"""Kernel profiles, hub identities and kernel-time accounting, without a running hub."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from studio_kit.exceptions import ConfigError
from studio_kit.hub.identity import identity_for
from studio_kit.hub.profiles import find_profile, kubespawner_profile_list, load_profiles, options_form

REPO = Path(__file__).resolve().parents[2]


def test_the_helm_profile_list_matches_the_shipped_profiles():
    values = yaml.safe_load((REPO / "deploy" / "helm" / "values.yaml").read_text())
    helm = values["singleuser"]["profileList"]
    ours = kubespawner_profile_list(load_profiles())
    assert [p["slug"] for p in helm] == [p["slug"] for p in ours]
    for h, o in zip(helm, ours):
        assert h["display_name"] == o["display_name"] and h.get("default") == o.get("default")
        for key in ("cpu_limit", "mem_limit", "extra_resource_limits", "environment"):
            assert h["kubespawner_override"].get(key) == o["kubespawner_override"].get(key), (h["slug"], key)
    gpu = next(p for p in helm if p["slug"] == "gpu-1")["kubespawner_override"]
    assert gpu["extra_resource_limits"] == {"nvidia.com/gpu": "1"} and gpu["tolerations"]
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    assert {"name": "shm", "mountPath": "/dev/shm"} in mounts


def test_the_spawn_form_offers_every_profile_with_the_default_checked():
    html = options_form(load_profiles())
    assert html.count('type="radio"') == 3 and 'value="cpu-small" checked' in html
    assert find_profile(None).slug == "cpu-small" and find_profile("gpu-1").gpus == 1


def test_an_unknown_profile_names_the_known_ones():
    with pytest.raises(ConfigError, match="cpu-small, cpu-large, gpu-1"):
        find_profile("tpu-8")


def test_a_bad_profiles_file_is_refused(tmp_path):
    bad = tmp_path / "profiles.yaml"
    bad.write_text("profiles:\n  - {slug: a, display_name: A, cpus: 1, memory: 1G}\n")
    with pytest.raises(ConfigError, match="default"):
        load_profiles(bad)
    bad.write_text("profiles:\n  - {slug: a, name: A}\n")
    with pytest.raises(ConfigError, match="unexpected keyword"):
        load_profiles(bad)


def test_hub_groups_give_the_organization_and_role():
    ident = identity_for("alice", ["org:acme", "role:producer", "crew"])
    assert (ident.org, ident.role) == ("acme", "producer")
    assert ident.env() == {"STUDIO_ORG": "acme", "STUDIO_USER": "alice", "STUDIO_ROLE": "producer"}
    assert identity_for("guest", []).org == "default" and identity_for("guest", []).role == "viewer"
    with pytest.raises(ConfigError, match="several organizations"):
        identity_for("mallory", ["org:acme", "org:rival"])
    with pytest.raises(ConfigError, match="no `org:<slug>` group"):
        identity_for("guest", [], default_org=None)


def _user(name: str, groups: list[str], started: str | None, profile: str = "gpu-1") -> dict:
    servers = {"": {"started": started, "user_options": {"profile": profile}}} if started else {}
    return {"name": name, "groups": groups, "servers": servers}


def test_each_server_lifetime_is_one_record_across_polls_and_service_restarts(studio_home):
    from studio_kit.hub.usage import KernelTimeAccountant
    from studio_kit.store import open_store

    store = open_store()
    state = studio_home / "hub" / "state.json"
    t0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    started = "2026-12-06T09:00:00.000000Z"
    acct = KernelTimeAccountant("http://hub.invalid/hub/api", "token", store=store, state_path=state)
    running = [_user("alice", ["org:acme"], started), _user("bob", ["org:rival"], started, "cpu-large")]
    assert acct.poll(t0 + timedelta(seconds=60), running) == []
    # the service restarts: a new accountant picks up the open servers from its state file
    acct = KernelTimeAccountant("http://hub.invalid/hub/api", "token", store=store, state_path=state)
    assert acct.poll(t0 + timedelta(seconds=120), running) == []
    stopped = [_user("alice", ["org:acme"], None), _user("bob", ["org:rival"], started, "cpu-large")]
    rows = acct.poll(t0 + timedelta(seconds=180), stopped)
    assert [(r.backend, r.unit, r.seconds, r.units, r.user) for r in rows] == [
        ("kernel.gpu-1", "gpu-second", 120.0, 120.0, "alice")]
    # the same lifetime reported again (a replayed state file) is not a second record
    acct.open = {k: v for k, v in KernelTimeAccountant("x", "t", store=store, state_path=state).open.items()}
    from studio_kit.hub.usage import OpenServer

    acct.open["hub:alice/:" + started] = OpenServer("hub:alice/:" + started, "alice", "", "acme", "gpu-1", started,
                                                    "2026-12-06T09:02:00Z")
    assert acct.poll(t0 + timedelta(seconds=240), stopped) == []
    # read as the store's operator, through each org's own view (a user of acme may not open rival's projects)
    acme = [u for u in store.org("acme").list_usage() if u.key]
    assert len(acme) == 1 and acme[0].seconds == 120.0
    # bob's server stops later: 4 cores x 240 s, booked to rival, not to acme
    rows = acct.poll(t0 + timedelta(seconds=300), [_user("bob", ["org:rival"], None)])
    assert [(r.backend, r.units, r.seconds) for r in rows] == [("kernel.cpu-large", 4 * 240.0, 240.0)]
    assert [u.user for u in store.org("rival").list_usage() if u.key] == ["bob"]


def test_a_damaged_state_file_does_not_stop_metering(studio_home, caplog):
    from studio_kit.hub.usage import KernelTimeAccountant
    from studio_kit.store import open_store

    state = studio_home / "hub" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text("{not json")
    acct = KernelTimeAccountant("http://hub.invalid/hub/api", "token", store=open_store(), state_path=state)
    assert acct.open == {} and "unreadable" in caplog.text


def test_studio_hub_without_the_proxy_says_how_to_install_it(tmp_path, monkeypatch):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "STUDIO_HOME": str(tmp_path / "h"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "studio_kit", "hub"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=60)
    assert out.returncode == 2 and "configurable-http-proxy" in out.stderr and "npm install" in out.stderr
    assert "Traceback" not in out.stderr


def test_behind_the_hub_a_dashboard_opens_only_the_users_own_organization(monkeypatch, studio_home):
    """The hub's groups fix a user's organization (STUDIO_ORG in their server); a dashboard link with
    ?org= of another studio is refused before the store is opened, even for a name the store never saw."""
    from studio_kit.config import StudioSettings
    from studio_kit.exceptions import TenantAccessError
    from studio_kit.ui.project_picker import check_hub_org, current_project

    settings = StudioSettings(home=studio_home, org="globex", user="eve")
    check_hub_org("acme", "night-shift", settings)                 # a laptop: any organization
    monkeypatch.setenv("JUPYTERHUB_USER", "eve")
    check_hub_org("globex", "heist", settings)                     # the hub: the user's own
    with pytest.raises(TenantAccessError) as err:
        check_hub_org("acme", "night-shift", settings)
    assert "eve works in organization 'globex', not 'acme', so may not open project 'acme/night-shift'" in str(err.value)
    assert "invite you" in err.value.hint and "org:acme" in err.value.hint
    from studio_kit.config import reset_settings

    monkeypatch.setenv("STUDIO_ORG", "globex")
    monkeypatch.setenv("STUDIO_PROJECT", "heist")
    reset_settings()
    try:
        assert current_project() == ("globex", "heist")              # no ?org= outside a page: the hub's org
    finally:
        monkeypatch.undo()
        reset_settings()
