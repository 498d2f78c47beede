"""Contract tests: schemathesis generates requests from the served OpenAPI document.

Every operation gets a bounded number of examples, valid and invalid ones, sent with a key
that holds every scope; no response may be a server error, and each must match the
document: its status code, content type, headers and body schema. (schemathesis's pytest
plugin does not load under pytest 9, so the operations are walked here with its Python API.)
"""

import json

import pytest
import schemathesis
from api_support import make_key
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from workspace_data import completed_candidate, make_role

EXAMPLES = 20  # per operation and mode: about 30 s for the whole document on one core
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def _run(operation, mode: GenerationMode, key: str, known: dict | None = None) -> None:
    names = {p.name for p in operation.path_parameters}
    fixed = {name: value for name, value in (known or {}).items() if name in names} or None

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def examples(case):
        response = case.call(headers={"Authorization": f"Bearer {key}"})
        case.validate_response(response, checks=CHECKS)

    examples()


@pytest.mark.slow
def test_every_operation_keeps_its_contract(app, db):
    app.config["API_RATE_LIMIT"] = 1_000_000
    role = make_role(db)
    candidate = completed_candidate(app, db, role, "Ann Lee", "ann@example.com")
    key = make_key(db, "contract")
    # Random ids and slugs mostly reach 404s; a third pass aims at the rows that exist.
    known = {"candidate_id": candidate["id"], "slug": role["slug"], "job_id": 1}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    failures = []
    for operation in operations:
        for mode, fixed in (
            (GenerationMode.POSITIVE, None),
            (GenerationMode.NEGATIVE, None),
            (GenerationMode.POSITIVE, known),
        ):
            try:
                _run(operation, mode, key, fixed)
            except Exception as error:  # collect every operation's failure, then report
                failures.append(f"{operation.label} ({mode.value}, {fixed}): {error}")
    assert not failures, "\n\n".join(failures)
    answered = {
        (row["target_id"], json.loads(row["detail"])["status"])
        for row in db["audit_log"].rows_where("action = 'api.call'")
    }
    cid, slug = candidate["id"], role["slug"]
    for path in (
        f"/api/v1/candidates/{cid}/results", f"/api/v1/candidates/{cid}/report.pdf",
        f"/api/v1/roles/{slug}", f"/api/v1/fairness/{slug}", "/api/v1/audit-log",
    ):  # fmt: skip
        assert (f"GET {path}", 200) in answered, path
