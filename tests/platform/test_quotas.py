"""Quotas refuse work before it starts, say what/limit/used/reset, and warn at 80 %."""
from __future__ import annotations

import datetime as dt

import pytest

from studio_kit.platform import jobs, quotas
from studio_kit.store.models import Run


def test_a_used_up_voice_quota_refuses_the_job_before_any_row_is_written(store):
    ctx = store.project("acme", "night-shift", user="ana")
    org = store.org("acme")
    quotas.set_quota(org, "voice_minute", 10, period="month", by="ana")
    ctx.record_usage_once("hub-1", backend="voice.piper", units=540, unit="seconds")  # 9 minutes
    queued = jobs.enqueue(ctx, "post.voice", {"script_id": 1})
    assert queued.warnings and "90%" in queued.warnings[0]
    ctx.record_usage_once("hub-2", backend="voice.piper", units=60, unit="seconds")   # 10 of 10
    with ctx.session() as s:
        before = len(s.exec(__import__("sqlmodel").select(Run)).all())
    with pytest.raises(quotas.QuotaExceeded) as exc:
        jobs.enqueue(ctx, "post.voice", {"script_id": 1})
    err = exc.value
    assert (err.unit, err.limit, err.used) == ("voice_minute", "10", "10")
    first_of_next = (dt.datetime.now(dt.UTC).replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert err.resets_at.date() == first_of_next.date() and "resets at" in err.message
    with ctx.session() as s:
        assert len(s.exec(__import__("sqlmodel").select(Run)).all()) == before
    jobs.enqueue(ctx, "script.generate", {"logline": "x"})  # another unit: not gated


def test_concurrent_jobs_of_a_project_are_capped(store):
    ctx = store.project("acme", "night-shift", user="ana")
    other = store.project("acme", "second-unit", user="ana")
    quotas.set_quota(store.org("acme"), "concurrent_jobs", 2, project_id=ctx.project_id)
    jobs.enqueue(ctx, "script.generate", {"logline": "a"})
    jobs.enqueue(ctx, "script.generate", {"logline": "b"})
    with pytest.raises(quotas.QuotaExceeded, match="concurrent_jobs for project .* used up: 2 of 2"):
        jobs.enqueue(ctx, "script.generate", {"logline": "c"})
    jobs.enqueue(other, "script.generate", {"logline": "d"})  # the other project is not capped
