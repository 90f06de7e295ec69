"""Stateful Schemathesis fuzzing against the live server: sequences of calls where one call's
answer feeds the next (a created project's id into GET /projects/{id}, a job id into GET /jobs/{id}
...), links inferred by Schemathesis from the schema. No step may answer 5xx, and every answer must
conform to the schema. Fixed seed (derandomized) and a small budget, so it runs in well under a minute.
"""
from __future__ import annotations

import itertools
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.slow  # ~55 s with the server start; the fuzzing itself ~25 s
@pytest.mark.parametrize("api", ["sqlite"], indirect=True)
def test_call_sequences_never_crash_the_server_and_answers_match_the_schema(api):
    schema = schemathesis.openapi.from_url(api.base + "/openapi.json")
    headers = {"Authorization": f"Bearer {api.keys['admin']}"}
    steps: list[tuple[str, int]] = []
    serial = itertools.count()

    class Machine(schema.as_state_machine()):
        def before_call(self, case):
            # a replayed step must meet the same server: a slug or character id used by an earlier
            # case would answer 409 now and change which links can follow (Hypothesis calls that flaky)
            body = case.body if isinstance(case.body, dict) else {}
            for holder, key in ((body, "slug"), (body.get("bible"), "character_id")):
                if isinstance(holder, dict) and isinstance(holder.get(key), str):
                    holder[key] = f"{holder[key][:40]}-{next(serial)}"

        def get_call_kwargs(self, case):
            return {"base_url": api.base, "headers": headers}

        def after_call(self, response, case):
            steps.append((f"{case.method.upper()} {case.operation.path}", response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    started = time.monotonic()
    Machine.run(settings=settings(max_examples=25, stateful_step_count=6, deadline=None, derandomize=True,
                                  database=None, suppress_health_check=list(HealthCheck),
                                  phases=[Phase.explicit, Phase.generate]))
    print(f"{len(steps)} calls in {time.monotonic() - started:.1f} s:", sorted(set(steps)))
    assert steps, "the state machine made no call"
    # the links took the fuzzer from a new project to a queued script job to that job
    reached = set(steps)
    for step in [("POST /api/v1/projects", 201), ("GET /api/v1/projects/{project_id}", 200),
                 ("POST /api/v1/scripts", 202), ("GET /api/v1/jobs/{job_id}", 200)]:
        assert step in reached, f"{step} never happened: {sorted(reached)}"
