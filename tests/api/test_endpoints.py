"""Every endpoint × (no key, another org's id, insufficient scope, valid key) on a real server."""
from __future__ import annotations

import pytest

# (method, path, body, area, mode, valid status); {P} = acme's project, {RP}/{RS} = rival's project/script
ENDPOINTS = [
    ("GET", "/api/v1/organizations/current", None, "any", "read", 200),
    ("POST", "/api/v1/projects", {"slug": "second-unit", "name": "Second Unit"}, "projects", "write", 201),
    ("GET", "/api/v1/projects", None, "projects", "read", 200),
    ("GET", "/api/v1/projects/{P}", None, "projects", "read", 200),
    ("POST", "/api/v1/characters", {"project_id": "{P}", "bible": {"character_id": "mara", "name": "MARA"}},
     "characters", "write", 201),
    ("GET", "/api/v1/characters?project_id={P}", None, "characters", "read", 200),
    ("POST", "/api/v1/scripts", {"project_id": "{P}", "logline": "A night nurse hears a dead patient call.",
                                 "pages": 1}, "scripts", "write", 202),
    ("GET", "/api/v1/scripts?project_id={P}", None, "scripts", "read", 200),
    ("POST", "/api/v1/post-production/voice", {"project_id": "{P}", "script_id": "{S}"}, "post", "write", 202),
    ("POST", "/api/v1/post-production/music", {"project_id": "{P}", "script_id": "{S}"}, "post", "write", 202),
    ("POST", "/api/v1/production/generate-shot", {"project_id": "{P}", "script_id": "{S}", "shot": "1A"},
     "production", "write", 202),
    ("POST", "/api/v1/marketing/trailer", {"project_id": "{P}", "script_id": "{S}", "length": 30}, "marketing",
     "write", 202),
    ("POST", "/api/v1/marketing/poster", {"project_id": "{P}", "script_id": "{S}"}, "marketing", "write", 202),
    ("GET", "/api/v1/jobs", None, "jobs", "read", 200),
    ("GET", "/api/v1/usage", None, "usage", "read", 200),
    ("POST", "/api/v1/usage", {"project_id": "{P}", "key": "render-farm:2026-12-06:1", "backend": "video.farm",
                               "units": 120, "unit": "gpu_second"}, "admin", "write", 201),
    ("GET", "/api/v1/invoices", None, "usage", "read", 200),
    ("GET", "/api/v1/scripts/{S}", None, "scripts", "read", 200),
    ("GET", "/api/v1/assets/{S}", None, "assets", "read", 200),
    ("GET", "/api/v1/assets/{S}/content", None, "assets", "read", 200),
]
# the same endpoints pointed at the rival organization's ids: always 404 for acme
FOREIGN = [
    ("GET", "/api/v1/projects/{RP}", None),
    ("GET", "/api/v1/characters?project_id={RP}", None),
    ("GET", "/api/v1/scripts?project_id={RP}", None),
    ("GET", "/api/v1/scripts/{RS}", None),
    ("GET", "/api/v1/assets/{RS}", None),
    ("GET", "/api/v1/assets/{RS}/content", None),
    ("POST", "/api/v1/scripts", {"project_id": "{RP}", "logline": "Steal it."}),
    ("POST", "/api/v1/characters", {"project_id": "{RP}", "bible": {"character_id": "x", "name": "X"}}),
    ("POST", "/api/v1/post-production/voice", {"project_id": "{P}", "script_id": "{RS}"}),
    ("POST", "/api/v1/post-production/music", {"project_id": "{RP}", "script_id": "{RS}"}),
    ("POST", "/api/v1/production/generate-shot", {"project_id": "{P}", "script_id": "{RS}", "shot": "1"}),
    ("POST", "/api/v1/marketing/trailer", {"project_id": "{RP}", "script_id": "{RS}"}),
    ("POST", "/api/v1/marketing/poster", {"project_id": "{P}", "script_id": "{RS}"}),
    ("POST", "/api/v1/usage", {"project_id": "{RP}", "key": "x", "backend": "video.farm", "units": 1,
                               "unit": "gpu_second"}),
    ("GET", "/api/v1/usage?project_id={RP}", None),
]


def _fill(value, ids):
    if isinstance(value, str):
        for name, v in ids.items():
            if value == "{" + name + "}":
                return v
            value = value.replace("{" + name + "}", str(v))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def ids(api):
    acme = api.store.project("acme", "night-shift", user="ana")
    script = acme.put_asset("Title: Night Shift\n\nINT. WARD - NIGHT\n\nMARA checks a chart.\n\nMARA\nStill awake?\n",
                            "script", "night-shift.fountain", mime="text/plain")
    return {"P": api.ids["acme_project"], "RP": api.ids["rival_project"], "RS": api.ids["rival_script"],
            "S": script.id}


def _call(client, method, path, body):
    return client.request(method, path, json=body) if body is not None else client.request(method, path)


def _problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"] and body["title"]
    return body


@pytest.mark.parametrize("method,path,body,area,mode,ok", ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS])
def test_every_endpoint_needs_a_key_the_right_scope_and_answers_with_a_valid_one(api, ids, method, path, body,
                                                                                 area, mode, ok):
    path, body = _fill(path, ids), _fill(body, ids)
    with api.client(None) as anon:
        problem = _problem(_call(anon, method, path, body), 401)
        assert "no API key" in problem["detail"] and "studio keys create" in problem["fix"]
    if area != "any":
        weak = "usage_only" if area != "usage" else "writer"
        if area == "usage" and mode == "read":
            weak = None  # *:write covers usage:read; use a key of another area
            from studio_kit.platform import keys

            api.keys.setdefault("scripts_only", keys.create_key(api.store, "acme", "scripts only", ["scripts:read"],
                                                                user="ana")[0])
            weak = "scripts_only"
        if area == "admin":
            weak = "writer"
        with api.client(weak) as c:
            problem = _problem(_call(c, method, path, body), 403)
            assert "lacks the scope" in problem["detail"] and problem["fix"].startswith("Create a key")
    with api.client("admin") as c:
        r = _call(c, method, path, body)
        assert r.status_code == ok, r.text
        if ok == 202:
            job = r.json()["job"]
            assert job["state"] == "queued" and r.headers["location"] == f"/api/v1/jobs/{job['id']}"
            assert c.get(f"/api/v1/jobs/{job['id']}").json()["run_id"] == job["run_id"]


@pytest.mark.parametrize("method,path,body", FOREIGN, ids=[f"{e[0]} {e[1]}" for e in FOREIGN])
def test_another_organizations_ids_are_not_found_never_forbidden(api, ids, method, path, body):
    with api.client("admin") as c:
        problem = _problem(_call(c, method, _fill(path, ids), _fill(body, ids)), 404)
        assert "not found" in problem["detail"]


def test_jobs_of_another_organization_are_not_found(api, ids):
    with api.client("rival") as rival:
        job = rival.post("/api/v1/scripts", json={"project_id": ids["RP"], "logline": "A copier jams."}).json()["job"]
    with api.client("admin") as c:
        _problem(c.get(f"/api/v1/jobs/{job['id']}"), 404)
        assert job["id"] not in [j["id"] for j in c.get("/api/v1/jobs?limit=200").json()["items"]]


def test_lists_page_with_cursors_without_gaps_or_repeats(api, ids):
    with api.client("admin") as c:
        for n in range(5):
            assert c.post("/api/v1/usage", json={"project_id": ids["P"], "key": f"page-test-{n}",
                                                  "backend": "voice.external", "units": n,
                                                  "unit": "voice_minute"}).status_code == 201
        seen, cursor = [], None
        while True:
            page = c.get("/api/v1/usage", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
            seen += [u["id"] for u in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) >= 5 and seen == sorted(seen, reverse=True)
        _problem(c.get("/api/v1/usage", params={"cursor": "bm9wZQ"}), 400)


def test_external_usage_is_recorded_once_per_key(api, ids):
    body = {"project_id": ids["P"], "key": "farm:job-77", "backend": "video.farm", "units": 30, "unit": "gpu_second"}
    with api.client("admin") as c:
        first = c.post("/api/v1/usage", json=body)
        again = c.post("/api/v1/usage", json={**body, "units": 999})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["event"]["id"] == first.json()["event"]["id"] and again.json()["event"]["units"] == 30


def test_invalid_bodies_are_problem_json_with_the_field_named(api, ids):
    with api.client("admin") as c:
        problem = _problem(c.post("/api/v1/scripts", json={"project_id": ids["P"], "logline": ""}), 422)
    assert "logline" in problem["detail"]


def test_new_organization_gets_its_own_admin_key_once(api):
    with api.client("admin") as c:
        r = c.post("/api/v1/organizations", json={"slug": "north-films", "name": "North Films"})
        assert r.status_code == 201, r.text
        key = r.json()["admin_key"]
        assert c.post("/api/v1/organizations", json={"slug": "north-films", "name": "x"}).status_code == 409
    with api.client(key) as north:
        assert north.get("/api/v1/organizations/current").json()["slug"] == "north-films"
        assert north.get("/api/v1/projects").json()["items"] == []


def test_a_key_is_its_organizations_word_and_another_orgs_key_never_reaches_a_memberless_project(api, ids):
    """acme's project has no members (single-user mode, ana its creator). A key acme issued to bob, who works
    at rival (where a dashboard would refuse him acme's projects), acts in acme: the org vouched for him.
    rival's own key, the same bob, cannot reach acme's project at all."""
    from studio_kit.platform import keys

    api.keys.setdefault("bob_at_acme", keys.create_key(api.store, "acme", "bob freelances", ["*:write"],
                                                       user="bob")[0])
    body = {"project_id": ids["P"], "bible": {"character_id": "nurse-bob", "name": "NURSE BOB"}}
    with api.client("bob_at_acme") as c:
        assert c.get(f"/api/v1/projects/{ids['P']}").status_code == 200
        made = c.post("/api/v1/characters", json=body)
        assert made.status_code == 201, made.text
        assert api.store.project("acme", "night-shift", user="ana").get_asset(made.json()["id"]).created_by == "bob"
    with api.client("rival") as rival:
        for method, path, payload in [("GET", f"/api/v1/projects/{ids['P']}", None),
                                      ("GET", f"/api/v1/scripts?project_id={ids['P']}", None),
                                      ("POST", "/api/v1/characters", {**body, "bible": {"character_id": "spy",
                                                                                        "name": "SPY"}}),
                                      ("POST", "/api/v1/scripts", {"project_id": ids["P"], "logline": "Steal it."})]:
            problem = _problem(_call(rival, method, path, payload), 404)
            assert f"Project {ids['P']} not found" in problem["detail"]
