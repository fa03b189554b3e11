"""The core part of the OpenAPI description: the health check and the description itself."""

PATHS = {
    "/healthz": {
        "get": {
            "summary": "Health check: the application answers, the database is reachable and the storage writable",
            "operationId": "healthz",
            "tags": ["core"],
            "responses": {
                "200": {"description": "Healthy",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                "503": {"description": "The database is not reachable or the storage cannot be written",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This description",
            "operationId": "openapi",
            "tags": ["core"],
            "responses": {"200": {"description": "OpenAPI 3.0 document",
                                  "content": {"application/json": {"schema": {"type": "object",
                                                                              "required": ["openapi", "paths"]}}}}},
        }
    },
}

SCHEMAS = {
    "Health": {
        "type": "object",
        "required": ["status", "database"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "error"]},
            "database": {"type": "string", "description": "the database's kind, or \"unavailable\""},
            "storage": {"type": "string", "enum": ["ok", "failing"]},
        },
    },
}
