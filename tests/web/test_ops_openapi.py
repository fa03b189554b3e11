"""The OpenAPI description, and schemathesis fuzzing the live server with it."""
from __future__ import annotations

import pytest
import requests


def test_openapi_has_the_core_part_and_is_valid(client):
    import schemathesis

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    schemathesis.openapi.from_dict(spec).validate()  # raises on an invalid OpenAPI 3.0 document
    assert "/healthz" in spec["paths"] and "/api/v1/openapi.json" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_features_api_description_is_in_the_spec(app):
    """The real wiring: what badges and ops register in their init_feature reaches the spec."""
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert "/api/v1/checkin" in spec["paths"]  # badges
    assert "401" in spec["paths"]["/api/v1/checkin"]["post"]["responses"]
    assert "/healthz" in spec["paths"]  # ops


def test_every_api_route_is_described(app):
    """A JSON route under /api/ without a description in some api_spec.py fails here."""
    import re

    spec = app.test_client().get("/api/v1/openapi.json").json
    described = {re.sub(r"\{[^}]+\}", "{}", path) for path in spec["paths"]}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "{}", rule.rule)
            if path not in described:
                missing.append(rule.rule)
    assert not missing, f"describe these in the feature's api_spec.py: {missing}"


@pytest.fixture(scope="module")
def api_token(live_server):
    """An organizer's device token: role checks pass, so the fuzzing reaches the views."""
    from summit.auth import services
    from summit.extensions import db

    with live_server.app.app_context():
        _token, plain = services.create_token("organizer", "schemathesis")
        db.session.commit()
        db.session.remove()
    return plain


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, api_token):
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "nothing to test"
    session = requests.Session()
    for operation in operations:
        for headers in ({}, {"Authorization": f"Bearer {api_token}"}):
            @given(case=operation.as_strategy())
            @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                case.call_and_validate(base_url=live_server.url, session=session, headers=headers)

            run()
