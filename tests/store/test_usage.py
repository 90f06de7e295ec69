"""Every backend call made through registry.invoke inside ctx.recording() becomes a UsageEvent."""
from __future__ import annotations

import pytest

from studio_kit import registry
from studio_kit.backends.base import Backend


class LoglineBackend(Backend):
    """A trivial text backend: writes a logline from a title, metered in words."""

    name = "logline_test"
    modality = "text"
    capabilities = frozenset({"complete"})
    unit = "words"

    def complete(self, title: str) -> str:
        if not title:
            raise ValueError("empty title")
        return f"{title}: a night-shift waitress finds a stranger's notebook."


@pytest.fixture
def logline_backend():
    registry.register("text.logline_test", LoglineBackend)
    yield registry.load_backend("text", "logline_test")
    registry._registered.pop("text.logline_test", None)


def test_calls_inside_recording_are_stored_as_usage(acme, rival, logline_backend):
    with acme.recording():
        text = registry.invoke(logline_backend, "complete", "Night Shift", seed=3,
                               params={"title": "Night Shift"}, units=lambda out: len(out.split()))
        with pytest.raises(ValueError):
            registry.invoke(logline_backend, "complete", "")
    registry.invoke(logline_backend, "complete", "Outside")  # not recorded: outside the block

    usage = acme.list_usage()
    assert [(u.backend, u.method, u.ok, u.user) for u in usage] == [
        ("text.logline_test", "complete", True, "ana"), ("text.logline_test", "complete", False, "ana")]
    assert usage[0].units == len(text.split()) and usage[0].unit == "words"
    assert usage[0].seconds >= 0 and usage[0].project_id == acme.project_id
    assert rival.list_usage() == []


def test_usage_and_provenance_come_from_the_same_call(acme, logline_backend):
    with acme.recording():
        out = registry.invoke(logline_backend, "complete", "Night Shift", seed=11, params={"title": "Night Shift"},
                              inputs=["Night Shift"])
    call = registry.last_call()
    asset = acme.put_asset(out, kind="logline", name="logline.txt", provenance=call.provenance())
    assert asset.provenance["backend"] == "text.logline_test" and asset.provenance["seed"] == 11
    assert asset.provenance["input_hashes"] == [registry.hash_input("Night Shift")]
    [usage] = acme.list_usage()
    assert usage.backend == asset.provenance["backend"]


def test_usage_totals_per_backend_for_a_project_and_its_org(store, acme, logline_backend):
    from studio_kit.platform.usage import usage_totals

    sibling = store.project("acme", "day-shift", user="cy")
    with acme.recording():
        for title in ("One", "Two"):
            registry.invoke(logline_backend, "complete", title, units=lambda out: len(out.split()))
    with sibling.recording():
        with pytest.raises(ValueError):
            registry.invoke(logline_backend, "complete", "")

    [project_total] = usage_totals(acme)
    assert (project_total.backend, project_total.calls, project_total.failed) == ("text.logline_test", 2, 0)
    assert project_total.units == sum(len(f"{t}: a night-shift waitress finds a stranger's notebook.".split())
                                      for t in ("One", "Two"))
    [org_total] = usage_totals(store.org("acme"))
    assert (org_total.calls, org_total.failed, org_total.unit) == (3, 1, "words")
