"""Schemathesis against /openapi.json of a real dispatcher: no 5xx, and documented replies match their schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.support.live import LiveDispatcher

# Revoking device ids at random would revoke the fuzzer's own token; revocation has its own tests.
SKIP = "/api/v1/admin/devices/{device_id}/revoke"
FUZZ = settings(
    max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def test_api_never_fails_and_keeps_its_schema(tmp_path):
    server = LiveDispatcher(data_dir=tmp_path / "d").start()
    try:
        server.officer("1001")
        server.device("kiosk", "kiosk-1")
        headers = {"Authorization": f"Bearer {server.device('admin', 'fuzzer')}"}
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json").exclude(path=SKIP)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 20

        for operation in operations:  # one hypothesis run per operation, so a failure names it

            @FUZZ
            @given(case=operation.as_strategy())
            def fuzz(case) -> None:
                case.call_and_validate(
                    base_url=server.url, headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )

            fuzz()
        assert server.client().get("/health").json()["status"] == "ok"
    finally:
        server.stop()
