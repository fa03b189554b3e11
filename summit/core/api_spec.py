"""The jobs part of the OpenAPI description: how a printing service follows a batch it started
(POST /api/v1/badge-batches) and fetches the result. Organizer tokens (`summit create-token
--role organizer`)."""

_JSON = "application/json"
_SECURITY = [{"bearerAuth": []}]
_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}

PATHS = {
    "/api/v1/jobs/{job_id}": {
        "get": {
            "summary": "A background job's state and progress",
            "description": "queued: waiting for a worker (also a job whose worker stopped, until another takes "
                           "it); running; done: result_url serves the file; failed: error says why, in the "
                           "client's language (a cancelled batch has failed too).",
            "operationId": "job_status",
            "tags": ["jobs"],
            "security": _SECURITY,
            "parameters": [_ID],
            "responses": {"200": {"description": "The job", "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Job"}}}}},
        }
    },
    "/api/v1/jobs/{job_id}/result": {
        "get": {
            "summary": "The file a finished job made (a PDF)",
            "operationId": "job_result",
            "tags": ["jobs"],
            "security": _SECURITY,
            "parameters": [_ID],
            "responses": {"200": {"description": "The file", "content": {"application/pdf": {
                              "schema": {"type": "string", "format": "binary"}}}},
                          "404": {"description": "No such job, or it is not done",
                                  "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        }
    },
}

SCHEMAS = {
    "Job": {
        "type": "object",
        "required": ["id", "kind", "status", "done", "total", "result_url", "error"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "description": "badges, certificates"},
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "done": {"type": "integer", "description": "Items made so far"},
            "total": {"type": "integer", "description": "Items in the job (0 until a worker has planned it)"},
            "result_url": {"type": "string", "format": "uri", "nullable": True},
            "error": {"type": "string", "nullable": True, "description": "Why it failed, for people"},
        },
    },
}
