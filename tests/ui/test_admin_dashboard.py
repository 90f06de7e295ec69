"""The Admin dashboard: on a real SQLite store without a browser (members, usage, invoices, quotas, jobs,
keys created once and revoked, what a non-admin and an outsider see), and served for real: a key the
API accepts is revoked by a click and the API refuses it from then on."""
from __future__ import annotations

import datetime as dt
import html
import importlib.util
from pathlib import Path

import pytest

ORG, PROJECT = "acme", "night-shift"


def _make_admin():
    """tests/platform/conftest.py's make_admin (org admins are kept by the store administrator)."""
    spec = importlib.util.spec_from_file_location("_platform_conftest_for_admin",
                                                  Path(__file__).parents[1] / "platform" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (module.ORG, module.PROJECT) == (ORG, PROJECT)
    return module.make_admin


def _seed():
    """acme: olive's night-shift (pat producer, vic viewer) and pilot; ada is an org admin."""
    from studio_kit.platform import members
    from studio_kit.store import open_store

    store = open_store()
    olive = store.project(ORG, PROJECT, user="olive", title="Night Shift")
    members.add_member(olive, "pat", "producer")
    members.add_member(olive, "vic", "viewer")
    store.project(ORG, "pilot", user="olive")
    _make_admin()(store, "ada")
    return store, olive


def _dashboard(store, user, **kw):
    from studio_kit.ui.admin import AdminDashboard

    return AdminDashboard(store=store, user=user, **{"org": ORG, **kw})


def _click(button):
    button.clicks += 1          # what a browser click does: runs the on_click callbacks


def test_an_admin_sees_members_usage_invoices_quotas_and_the_job_queue(studio_home):
    import holoviews as hv
    import panel as pn

    from studio_kit.platform import billing, jobs, quotas

    store, olive = _seed()
    org = store.org(ORG)
    now = dt.datetime.now(dt.UTC)
    olive.record_usage_once("img-1", backend="image.sdxl", units=3, unit="images", seconds=12, at=now)
    olive.record_usage_once("img-2", backend="image.sdxl", units=1, unit="images", seconds=4, at=now)
    olive.record_usage_once("voice-1", backend="voice.piper", units=90, unit="seconds", seconds=30,
                            at=now - dt.timedelta(days=1))
    olive.record_usage_once("old", backend="image.sdxl", units=7, unit="images", at=now - dt.timedelta(days=40))
    olive.record_usage_once("jan", backend="image.sdxl", units=25, unit="images",
                            at=dt.datetime(2026, 1, 15, tzinfo=dt.UTC))
    billing.set_rate_card(org, {"image": {"included": "0", "tiers": [{"up_to": None, "price": "0.04"}]}}, by="ada")
    billing.issue_invoice(org, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
                          by="ada")
    quotas.set_quota(org, "image", 10, period="day", by="ada")
    pilot = store.project(ORG, "pilot", user="olive", create=False)
    quotas.set_quota(org, "concurrent_jobs", 4, project_id=pilot.project_id, by="ada")
    jobs.enqueue(olive, "script.generate", {"logline": "A night nurse hears her dead patient call.", "pages": 1})

    dash = _dashboard(store, "ada")
    assert dash.is_admin and "organization admin</span> of <b>acme</b> (2 project(s))" in dash.who.object
    assert not dash.alert.visible
    members = dash.members_table.value
    assert {(r.project, r.member, r.role) for r in members.itertuples()} == {
        ("night-shift", "olive", "owner"), ("night-shift", "pat", "producer"), ("night-shift", "vic", "viewer"),
        ("pilot", "olive", "owner")}
    assert list(dash.projects_table.value["project"]) == ["night-shift", "pilot"]
    assert list(dash.projects_table.value["your role"]) == ["admin", "admin"]
    assert "acme" in list(dash.orgs_table.value["organization"])

    # usage: per day and backend, this period only (the 40-day-old call joins with 90 days)
    today = now.date()
    chart = dash.usage_calls.objects[0]
    assert isinstance(chart, pn.pane.HoloViews) and isinstance(chart.object, hv.Bars)
    data = chart.object.data
    assert len(data) == 30 * 2                                    # every day of the period, both backends
    calls = {(r.day, r.backend): r.calls for r in data.itertuples()}
    assert calls[(str(today), "image.sdxl")] == 2 and calls[(str(today - dt.timedelta(days=1)), "voice.piper")] == 1
    assert sum(calls.values()) == 3
    seconds = dash.usage_seconds.objects[0].object.data
    assert seconds.loc[(seconds.day == str(today)) & (seconds.backend == "image.sdxl"), "seconds"].item() == 16
    assert set(dash.usage_table.value["unit"]) == {"image", "voice_minute"}
    dash.period.value = "Last 90 days"
    assert sum(r.calls for r in dash.usage_rows()) == 4 and len(dash.usage_calls.objects[0].object.data) == 180

    invoices = dash.invoices_table.value
    assert list(invoices["number"]) == ["INV-0001-00001"] and list(invoices["total"]) == ["USD 1.00"]
    assert "2026-01-01 → 2026-02-01" in list(invoices["period"])
    assert dash.invoice_csv.disabled
    dash.invoices_table.selection = [0]
    assert not dash.invoice_pdf.disabled and dash.invoice_csv.filename == "INV-0001-00001.csv"
    csv_text = dash.invoice_file("csv").getvalue().decode()
    assert "INV-0001-00001" in csv_text and ",image," in csv_text and csv_text.rstrip().endswith("1.00")
    assert dash.invoice_file("pdf").getvalue().startswith(b"%PDF")

    html = dash.quotas.object
    assert "<td class='sk-used'>4 of 10</td><td>40%</td>" in html          # 3 + 1 images today
    assert "project pilot" in html and "0 of 4" in html

    assert "<b>1</b> queued" in dash.jobs_summary.object
    assert list(dash.jobs_table.value["kind"]) == ["script.generate"]
    assert list(dash.jobs_table.value["state"]) == ["queued"]
    assert list(dash.jobs_table.value["project"]) == ["night-shift"]


def test_an_admin_creates_a_key_shown_once_and_revokes_it(studio_home):
    from studio_kit.platform.keys import AuthenticationError, KeyAuthenticator

    store, _ = _seed()
    dash = _dashboard(store, "ada")
    assert not dash.keys_note.visible and not dash.create_button.disabled
    dash.key_name.value = "render farm"
    dash.key_scopes.value = ["jobs:write", "usage:read"]
    dash.key_days.value = 30
    _click(dash.create_button)
    assert dash.alert.alert_type == "success" and "Created key sk_live_" in dash.alert.object
    assert "jobs:write, usage:read" in dash.alert.object and "expires" in dash.alert.object
    secret = dash.secret.object.split("<code class='sk-secret'")[1].split(">")[1].split("<")[0]
    ident = KeyAuthenticator(store).authenticate(secret)
    assert ident.org_slug == ORG and ident.user == "ada" and ident.allows("jobs", "write")
    row = dash.keys_table.value.iloc[0]
    assert (row["name"], row["status"], row["scopes"]) == ("render farm", "active", "jobs:write usage:read")
    assert secret not in dash.keys_table.value.to_string()                # the list never holds the key
    _click(dash.hide_secret_button)
    assert not dash.secret.visible and secret not in dash.secret.object  # shown once

    assert dash.revoke_button.disabled                                     # nothing selected yet
    dash.keys_table.selection = [0]
    assert not dash.revoke_button.disabled
    _click(dash.revoke_button)
    assert dash.alert.alert_type == "success" and f"Revoked {ident.prefix}" in dash.alert.object
    assert dash.keys_table.value.iloc[0]["status"] == "revoked"
    with pytest.raises(AuthenticationError, match="was revoked"):
        KeyAuthenticator(store).authenticate(secret)
    dash.keys_table.selection = [0]
    assert dash.revoke_button.disabled                                     # already revoked

    dash.key_name.value = "bad"
    dash.key_scopes.value = []
    _click(dash.create_button)
    assert dash.alert.alert_type == "danger" and "needs at least one scope" in dash.alert.object
    assert "**Fix:**" in dash.alert.object and len(dash.keys_table.value) == 1


def test_a_member_who_is_not_an_admin_sees_keys_but_may_not_create_or_revoke(studio_home):
    from studio_kit.exceptions import PermissionDenied
    from studio_kit.platform import keys

    store, _ = _seed()
    _key, info = keys.create_key(store, ORG, "ci", ["*:read"], user="ada")
    dash = _dashboard(store, "pat")
    assert dash.is_member and not dash.is_admin
    assert dash.keys_note.visible and "Only an organization admin may create or revoke API keys" in \
        dash.keys_note.object
    assert dash.create_button.disabled and dash.key_name.disabled
    assert list(dash.keys_table.value["prefix"]) == [info.prefix]
    dash.keys_table.selection = [0]
    assert dash.revoke_button.disabled
    with pytest.raises(PermissionDenied, match="Only an admin of organization acme may revoke API keys"):
        dash.revoke(info.prefix)
    dash.key_name.value = "sneaky"
    _click(dash.create_button)                # even if the page were tampered with, the action refuses
    assert dash.alert.alert_type == "danger" and "may create API keys; pat is not one" in dash.alert.object
    assert [k.status for k in keys.list_keys(store, ORG)] == ["active"]
    assert "organization admins only" in dash.invoices_table.value.to_string()
    assert set(dash.members_table.value["member"]) == {"olive", "pat", "vic"}


def test_someone_outside_the_organization_sees_nothing_of_it(studio_home):
    from studio_kit.platform import keys

    store, olive = _seed()
    keys.create_key(store, ORG, "ci", ["*:read"], user="ada")
    olive.record_usage_once("img", backend="image.sdxl", units=1, unit="images")
    dash = _dashboard(store, "mallory")
    assert not dash.is_member and dash.alert.alert_type == "warning"
    assert "mallory is not a member of any project of organization acme" in dash.alert.object
    for table in (dash.members_table, dash.keys_table, dash.jobs_table, dash.usage_table, dash.orgs_table):
        assert "members of the organization only" in table.value.to_string()
    assert "sk_live_" not in dash.keys_table.value.to_string() and dash.create_button.disabled

    missing = _dashboard(store, "ada", org="nowhere")
    assert "Organization 'nowhere' does not exist" in html.unescape(missing.who.object)   # quotes print as &#39;
    assert "studio init --org nowhere" in missing.alert.object


@pytest.mark.browser
@pytest.mark.slow
def test_a_key_revoked_by_a_click_is_refused_by_the_api(studio_home, serve_dashboard, page):
    from fastapi.testclient import TestClient

    from studio_kit.api.app import create_app
    from studio_kit.platform import keys

    store, _ = _seed()
    key, info = keys.create_key(store, ORG, "ci", ["*:read"], user="ada", created_by="ada")
    api = TestClient(create_app(store))
    bearer = {"Authorization": f"Bearer {key}"}
    ok = api.get("/api/v1/organizations/current", headers=bearer)
    assert ok.status_code == 200 and ok.json()["slug"] == ORG

    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = serve_dashboard("dashboards/admin.py", env={"STUDIO_HOME": str(studio_home), "STUDIO_USER": "ada",
                                                       "STUDIO_ORG": ORG, "STUDIO_PROJECT": PROJECT})
    page.goto(url)
    page.get_by_text("Signed in as ada").wait_for()
    page.locator(".bk-tab", has_text="API keys").first.click()
    page.locator(".tabulator-row", has_text=info.prefix).first.get_by_text(info.prefix, exact=True).click()
    revoke = page.get_by_role("button", name="Revoke selected key")
    page.wait_for_function("b => !b.disabled", arg=revoke.element_handle())
    revoke.click()
    page.locator(".alert", has_text=f"Revoked {info.prefix}").wait_for()
    page.locator(".tabulator-row", has_text=info.prefix).get_by_text("revoked").wait_for()

    refused = api.get("/api/v1/organizations/current", headers=bearer)
    assert refused.status_code == 401 and "was revoked" in refused.text
    assert [k.status for k in keys.list_keys(store, ORG)] == ["revoked"]

    # a key created in the page is shown once, and works
    page.get_by_placeholder("What it is for").fill("render farm")
    page.get_by_role("button", name="Create key").click()
    shown = page.locator("code.sk-secret")
    shown.wait_for()
    new_key = shown.inner_text().strip()
    made = api.get("/api/v1/organizations/current", headers={"Authorization": f"Bearer {new_key}"})
    assert made.status_code == 200 and made.json()["slug"] == ORG
    page.get_by_role("button", name="I stored it: hide the key").click()
    shown.wait_for(state="detached")
    assert page.get_by_text(new_key).count() == 0
    assert failed == [] and errors == []
