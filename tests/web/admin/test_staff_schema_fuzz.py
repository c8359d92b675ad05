"""Schemathesis over the staff JSON API in the OpenAPI schema, signed in (session cookie and CSRF
token), bounded: no server error, every response as documented, and no store work on the event loop."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web.admin.helpers import admin_app, login
from tests.web.admin.test_event_loop import LoopWatch, watching
from web.admin.auth import SESSION_COOKIE

# Staff input is checked beyond what OpenAPI can say (a rule's syntax, what each action needs, a real
# date, an existing account): a schema-valid body may rightly get 422, so that check is left out; every
# answer must still be documented (status, content type, body) and none a server error.
Schema = schemathesis.BaseSchema
EXAMPLES = 12  # per operation: the whole run stays well under a minute
SIGNED_IN_AS = ("admin1", "reviewer1")  # accounts operations need an admin, decisions a reviewer


@pytest.fixture(scope="module")
def staff_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[schemathesis.BaseSchema, LoopWatch]]:
    app = admin_app(Path(tmp_path_factory.mktemp("staff-fuzz")))
    with watching(app) as watch, TestClient(app):  # started once (warm-up, purge task) for the run
        yield schemathesis.openapi.from_asgi("/openapi.json", app), watch


def _session(app: object, name: str) -> dict[str, str]:
    client = TestClient(app)  # type: ignore[arg-type]
    csrf = login(client, name)
    return {"Cookie": f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}", "X-CSRF-Token": csrf}


def test_the_staff_api_is_in_the_schema(staff_site: tuple[Schema, LoopWatch]) -> None:
    schema, _watch = staff_site
    document = schema.raw_schema
    staff = [path for path in document["paths"] if path.startswith("/admin/api/")]
    assert len(staff) >= 18
    approve = document["paths"]["/admin/api/proposals/{proposal_id}/approve"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(approve["responses"])
    assert approve["requestBody"]["content"]["application/json"]["schema"]
    assert approve["security"] == [{"APIKeyCookie": []}]
    assert "security" not in document["paths"]["/api/v1/search"]["get"] or all(
        "APIKeyCookie" not in s for s in document["paths"]["/api/v1/search"]["get"]["security"]
    )


@pytest.mark.parametrize("name", SIGNED_IN_AS)
def test_every_staff_operation_answers_as_documented(staff_site: tuple[Schema, LoopWatch], name: str) -> None:
    schema, watch = staff_site
    headers = _session(schema.app, name)
    operations = [r.ok() for r in schema.get_all_operations()]  # type: ignore[union-attr]
    staff = [op for op in operations if op.path.startswith("/admin/api/")]
    assert len(staff) >= 20
    began, failures, statuses = time.monotonic(), [], Counter[int]()
    for operation in staff:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def answers(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            answer = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
            statuses[answer.status_code] += 1

        try:
            answers()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried, each failure named
            failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)
    assert statuses[200] + statuses[201] >= len(staff)  # signed in: most operations answered
    assert watch.on_loop == []
    assert time.monotonic() - began < 60
