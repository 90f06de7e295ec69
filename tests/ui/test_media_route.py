"""/studio-media/ checks every request against the preview's project: a real `panel serve` with the route
mounted as `studio serve` mounts it, without a login (signed links) and behind Panel's basic-auth login
(the `user` cookie pn.state.user reads). Allowed readers get the bytes (206 for a range), another
organization's user 403, no session 401."""
from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

BODY = bytes(range(256)) * 40


@pytest.fixture
def published(studio_home, tmp_path):
    """acme/harbour (ana owner, ben a viewer, cleo joined nothing), rival/docks (rex), one preview of harbour."""
    from studio_kit.platform import members
    from studio_kit.store import open_store
    from studio_kit.ui.shot_generator import media_dir, publish_media

    store = open_store()
    harbour = store.project("acme", "harbour", user="ana")
    members.add_member(harbour, "ben", "viewer")
    store.project("acme", "office", user="cleo")          # cleo is of acme but not a member of harbour
    store.project("rival", "docks", user="rex")
    name = publish_media(BODY, media_dir(studio_home) / "acme" / "harbour", "animatic", ".mp4")
    app = tmp_path / "blank.py"
    app.write_text("import panel as pn\npn.pane.Markdown('media route test').servable()\n")
    return {"home": studio_home, "name": name, "app": app, "path": f"acme/harbour/{name}"}


def _get(url, *, opener=None, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


@pytest.mark.slow
def test_signed_links_without_a_login(published, serve_dashboards_once):
    from studio_kit.ui.media_route import media_url, signature
    from studio_kit.ui.shot_generator import media_serve_options

    args, env = media_serve_options(published["home"])
    assert args == ["--plugins", "studio_kit.ui.media_route"] and len(env["STUDIO_MEDIA_SECRET"]) == 64
    base = serve_dashboards_once([published["app"]], env={"STUDIO_HOME": str(published["home"]), **env},
                                 args=args)
    secret = env["STUDIO_MEDIA_SECRET"]

    def link(user):
        path = published["path"]
        return f"{base}/studio-media/{path}?u={user}&s={signature(user, path, secret)}"

    status, body = _get(link("ana"), headers={"Range": "bytes=0-99"})
    assert (status, body) == (206, BODY[:100])                      # the owner, a range request
    assert _get(link("ben")) == (200, BODY)                         # a viewer member
    assert _get(link("cleo"))[0] == 403                             # same org, not a member
    assert _get(link("rex"))[0] == 403                              # another organization's user
    assert _get(f"{base}/studio-media/{published['path']}")[0] == 401           # no session at all
    forged = link("rex").replace("u=rex", "u=ana")
    assert _get(forged)[0] == 403                                   # a signature for someone else
    assert _get(f"{base}/studio-media/acme/harbour/..%2F..%2Fstudio.db?u=ana&s=x")[0] in (403, 404)
    assert _get(f"{base}/studio-media/{published['name']}")[0] == 404           # old flat links: no project
    import os

    os.environ["STUDIO_MEDIA_SECRET"] = secret                      # what the page signs with, in the server
    try:
        assert media_url("acme", "harbour", published["name"], "ana") == link("ana")[len(base) + 1:]
    finally:
        del os.environ["STUDIO_MEDIA_SECRET"]


@pytest.mark.slow
def test_behind_panels_login_the_user_cookie_decides(published, serve_dashboards_once, tmp_path):
    from studio_kit.ui.shot_generator import media_serve_options

    logins = tmp_path / "logins.json"
    logins.write_text(json.dumps({"ana": "pw-ana", "rex": "pw-rex"}))
    args, env = media_serve_options(published["home"])
    base = serve_dashboards_once([published["app"]], env={"STUDIO_HOME": str(published["home"]), **env},
                                 args=[*args, "--basic-auth", str(logins), "--cookie-secret", "s3cret" * 6])
    url = f"{base}/studio-media/{published['path']}"

    def logged_in(user, password):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        data = urllib.parse.urlencode({"username": user, "password": password}).encode()
        try:
            opener.open(urllib.request.Request(f"{base}/login", data=data), timeout=30).read()
        except urllib.error.HTTPError:
            pass
        assert any(c.name == "user" for c in jar), f"{user} could not log in"
        return opener

    assert _get(url, opener=logged_in("ana", "pw-ana"), headers={"Range": "bytes=10-19"}) == (206, BODY[10:20])
    assert _get(url, opener=logged_in("rex", "pw-rex"))[0] == 403    # logged in, another organization
    assert _get(url)[0] == 401                                      # no login cookie
    assert _get(url + "?u=ana&s=whatever")[0] == 401                # a link alone is no login here
