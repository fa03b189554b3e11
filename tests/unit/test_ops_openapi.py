import pytest

from summit.ops import openapi


def test_assemble_merges_parts_and_adds_common_errors():
    spec = openapi.assemble([
        ("core", {"/healthz": {"get": {"responses": {"200": {"description": "ok"}}}}}, {"Health": {"type": "object"}}),
        ("badges", {"/api/v1/scan": {"post": {"responses": {"200": {"description": "ok"},
                                                             "409": {"description": "already"}}},
                                     "parameters": []}}, {"Scan": {"type": "object"}}),
    ], title="T", version="1")
    assert spec["openapi"] == "3.0.3"
    assert list(spec["paths"]) == ["/api/v1/scan", "/healthz"]
    responses = spec["paths"]["/api/v1/scan"]["post"]["responses"]
    assert {"200", "409", "400", "401", "403", "404", "422", "429"} <= set(responses)
    assert responses["409"] == {"description": "already"}  # the feature's own stays
    assert responses["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert spec["paths"]["/api/v1/scan"]["parameters"] == []  # path-level keys stay as they are
    assert set(spec["components"]["schemas"]) == {"Error", "Health", "Scan"}


def test_a_feature_keeps_its_own_error_description():
    mine = {"description": "scan refused", "content": {"application/json": {"schema": {"type": "object"}}}}
    spec = openapi.assemble([("x", {"/a": {"get": {"responses": {"403": mine}}}}, {})], title="T", version="1")
    assert spec["paths"]["/a"]["get"]["responses"]["403"] == mine


def test_the_parts_are_not_changed():
    paths = {"/a": {"get": {"responses": {}}}}
    openapi.assemble([("x", paths, {})], title="T", version="1")
    assert paths == {"/a": {"get": {"responses": {}}}}


@pytest.mark.parametrize("parts,match", [
    ([("a", {"/x": {}}, {}), ("b", {"/x": {}}, {})], "/x"),
    ([("a", {}, {"S": {}}), ("b", {}, {"S": {}})], "S"),
    ([("a", {}, {"Error": {}})], "Error"),
])
def test_conflicts_are_refused(parts, match):
    with pytest.raises(openapi.SpecConflict, match=match):
        openapi.assemble(parts, title="T", version="1")
