"""The production calendar from the published schedule, slippage, .ics/CSV; signed webhooks to a real server."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from studio_kit.domain.preproduction import Schedule, ShootDay
from studio_kit.exceptions import PermissionDenied
from studio_kit.platform import milestones, notify, reviews
from studio_kit.platform._ops import OpsError
from studio_kit.platform.reviews import ApprovalGateError


def _schedule(start: dt.date, days: int = 8) -> Schedule:
    """Five-day weeks from ``start`` (a Monday)."""
    out, d = [], start
    for n in range(1, days + 1):
        while d.weekday() >= 5:
            d += dt.timedelta(days=1)
        out.append(ShootDay(number=n, date=d, week=(n - 1) // 5 + 1))
        d += dt.timedelta(days=1)
    return Schedule(title="Night Shift", days=out, start_date=start)


def test_shoot_milestones_come_from_the_published_schedule_and_slip_downstream(crew, tmp_path):
    pat, dee = crew["pat"], crew["dee"]
    milestones.add(pat, "post", "Post-production", "post", dt.date(2027, 6, 30), start=dt.date(2027, 3, 20))
    sched = milestones.store_schedule(pat, _schedule(dt.date(2027, 3, 1)))
    with pytest.raises(PermissionDenied, match="lacks the lock_schedule"):
        milestones.publish_schedule(dee, sched.id)
    with pytest.raises(ApprovalGateError, match="needs a producer's approval"):
        milestones.publish_schedule(pat, sched.id)
    reviews.approve(pat, sched.id)
    shoot = {v.key: v for v in milestones.publish_schedule(pat, sched.id)}
    assert reviews.get(pat, sched.id).state == "locked"
    assert (shoot["principal-photography"].start, shoot["principal-photography"].due) == \
        (dt.date(2027, 3, 1), dt.date(2027, 3, 10))
    assert (shoot["shoot-week-1"].due, shoot["shoot-week-2"].start) == (dt.date(2027, 3, 5), dt.date(2027, 3, 8))
    assert shoot["shoot-week-2"].name == "Shoot week 2 (3 days)"
    # post starts after the shoot wraps
    milestones.add(pat, "picture-lock", "Picture lock", "post", dt.date(2027, 5, 14),
                   depends_on=["principal-photography"])

    # the start moves two weeks: the shoot slips, the picture lock is pushed with it
    later = milestones.store_schedule(pat, _schedule(dt.date(2027, 5, 10)))
    reviews.approve(pat, later.id)
    milestones.publish_schedule(pat, later.id)
    views = {v.key: v for v in milestones.list_milestones(pat, today=dt.date(2027, 1, 4))}
    pp = views["principal-photography"]
    assert (pp.due, pp.baseline_due, pp.slip_days, pp.status) == (dt.date(2027, 5, 19), dt.date(2027, 3, 10), 70,
                                                                   "slipped")
    assert views["picture-lock"].start == dt.date(2027, 5, 20) and views["picture-lock"].slip_days == 6
    assert any(e.action == "milestone.slip" and e.target == "milestone:picture-lock" for e in pat.list_audit())

    ics = milestones.export_milestones(pat, tmp_path / "calendar.ics").read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == 5 and all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    unfolded = ics.replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20270510\r\nDTEND;VALUE=DATE:20270520\r\nSUMMARY:Principal photography" in unfolded
    assert "UID:principal-photography@night-shift.acme.studio-kit" in unfolded
    rows = list(csv.DictReader(io.StringIO(milestones.export_milestones(pat, tmp_path / "m.csv").read_text())))
    assert rows[-1]["key"] == "post" or {r["key"] for r in rows} >= {"post", "picture-lock", "shoot-week-2"}
    lock_row = next(r for r in rows if r["key"] == "picture-lock")
    assert (lock_row["due"], lock_row["baseline_due"], lock_row["slip_days"]) == ("2027-05-20", "2027-05-14", "6")
    with pytest.raises(OpsError, match="as .pdf"):
        milestones.export_milestones(pat, tmp_path / "m.pdf")


def test_bad_milestones_are_refused(crew):
    pat = crew["pat"]
    with pytest.raises(OpsError, match="not a date"):
        milestones.add(pat, "wrap", "Wrap party", "custom", "next friday")
    with pytest.raises(OpsError, match="Unknown phase"):
        milestones.add(pat, "wrap", "Wrap party", "party", "2027-07-01")
    with pytest.raises(OpsError, match="unknown milestone"):
        milestones.add(pat, "wrap", "Wrap party", "custom", "2027-07-01", depends_on=["shoot"])
    with pytest.raises(PermissionDenied):
        milestones.add(crew["vic"], "wrap", "Wrap party", "custom", "2027-07-01")


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    statuses: list = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((time.monotonic(), dict(self.headers), body))
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    _Hook.received, _Hook.statuses = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/studio", _Hook
    server.shutdown()
    server.server_close()


def test_webhooks_are_signed_retried_with_backoff_and_logged(crew, hook_server):
    url, hook = hook_server
    pat, dee, wes = crew["pat"], crew["dee"], crew["wes"]
    with pytest.raises(PermissionDenied):
        notify.add_webhook(wes, url)
    registered = notify.add_webhook(pat, url, events=["review.approved"], secret="s3cret")
    draft = wes.put_asset(b"INT. PIER - DAY", kind="script", name="pilot.fountain")
    reviews.request(wes, draft.id)          # not subscribed: nothing sent
    hook.statuses = [503, 500]               # the receiver is down twice, then up
    reviews.approve(dee, draft.id, note="Go")
    notify.wait_for_deliveries()
    assert len(hook.received) == 3
    (t0, headers, body), (t1, _, _), (t2, _, last) = hook.received
    assert t1 - t0 >= notify.BACKOFF_S[0] * 0.9 and t2 - t1 >= notify.BACKOFF_S[1] * 0.9  # seconds
    expected = "sha256=" + hmac.new(b"s3cret", headers["X-Studio-Timestamp"].encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Studio-Signature"], expected)
    event = json.loads(last)
    assert (event["event"], event["data"]["subject"], event["data"]["to"], event["data"]["by"]) == \
        ("review.approved", "script:pilot.fountain@1", "approved", "dee")
    log = notify.deliveries(pat, registered.id)
    assert [(d.attempt, d.status_code, d.ok) for d in log] == [(1, 503, False), (2, 500, False), (3, 200, True)]
    assert len({d.delivery_id for d in log}) == 1 and headers["X-Studio-Delivery"] == log[0].delivery_id

    # a 4xx is the receiver refusing: not retried
    hook.received.clear()
    hook.statuses = [410]
    reviews.lock(pat, draft.id)
    notify.add_webhook(pat, url, events=["review.*"], secret="x")
    reviews.reopen(pat, draft.id, "rewrite")
    notify.wait_for_deliveries()
    assert len(hook.received) == 1 and json.loads(hook.received[0][2])["event"] == "review.reopened"
    assert notify.deliveries(pat)[-1].status_code == 410


def test_a_milestone_completes_when_its_run_succeeds_and_the_inbox_is_read(crew):
    pat, wes = crew["pat"], crew["wes"]
    milestones.add(pat, "previz", "Previz animatic", "prep", dt.date(2027, 2, 1), subjects=["run:animatic"])
    run_id = pat.create_run("animatic", {"minutes": 2})
    pat.update_run(run_id, status="failed")
    assert milestones.get(pat, "previz").status != "done"
    retry = pat.create_run("animatic", {"minutes": 2})
    pat.update_run(retry, status="succeeded", finished_at=dt.datetime(2027, 1, 20, 18, 0, tzinfo=dt.UTC))
    done = milestones.get(pat, "previz")
    assert (done.status, done.done_on) == ("done", dt.date(2027, 1, 20))

    draft = wes.put_asset(b"INT. PIER - DAY", kind="script", name="pilot.fountain")
    reviews.request(wes, draft.id, reviewers=["pat"])
    reviews.comment(wes, draft.id, "@pat see the last line")
    assert [m.kind for m in notify.inbox(pat, unread_only=True)] == ["mentioned", "review_requested"]
    assert notify.mark_read(pat) == 2 and notify.inbox(pat, unread_only=True) == []
    with pytest.raises(PermissionDenied):
        notify.inbox(wes, user="pat")  # nobody reads another's inbox without manage_members
