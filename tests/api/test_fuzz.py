"""Schemathesis fuzzing of the published OpenAPI schema against the live server: no 5xx, and every
response conforms to the schema (status codes, content types, bodies). Bounded to a few examples
per operation so it runs in a minute or two."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.mark.slow
def test_fuzzed_requests_never_crash_the_server_and_answers_match_the_schema(api):
    schema = schemathesis.openapi.from_url(api.base + "/openapi.json")
    headers = {"Authorization": f"Bearer {api.keys['admin']}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures, tried = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def fuzz(case):
            case.call_and_validate(base_url=api.base, headers=headers, checks=checks)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # each operation's first failure, all reported together
            failures[label] = f"{type(exc).__name__}: {str(exc)[:600]}"
        tried += 1
    assert tried >= 20
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
