"""The badges part of the OpenAPI description: the door scanner's check-in API and the
single badge PDF for badge-printing services. Devices send `Authorization: Bearer <token>`
(`summit create-token --role checkin`); the staff page sends its session and X-CSRFToken."""

from summit.badges.layouts import LAYOUTS

_JSON = "application/json"
_SECURITY = [{"bearerAuth": []}]


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


_ID = {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}

PATHS = {
    "/api/v1/checkin": {
        "post": {
            "summary": "Decide one badge scan and record it, whatever the verdict",
            "description": "Scanning the same code again answers already_checked_in; of concurrent scans "
                           "of one person exactly one is ok. Every verdict is answered with 200.",
            "operationId": "checkin_scan",
            "tags": ["check-in"],
            "security": _SECURITY,
            "requestBody": {"required": True, "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Scan"}}}},
            "responses": {"200": _json("CheckInResult", "The verdict"),
                          "400": _json("Error", "No JSON body with a code, or seconds_ago out of range")},
        }
    },
    "/api/v1/checkin/registrations/{registration_id}": {
        "post": {
            "summary": "Check in someone found by search, who has no badge at hand",
            "operationId": "checkin_registration",
            "tags": ["check-in"],
            "security": _SECURITY,
            "parameters": [_ID],
            "responses": {"200": _json("CheckInResult", "The verdict"),
                          "404": _json("CheckInResult", "No such registration")},
        }
    },
    "/api/v1/checkin/{checkin_id}/undo": {
        "post": {
            "summary": "Undo a mistaken check-in",
            "operationId": "checkin_undo",
            "tags": ["check-in"],
            "security": _SECURITY,
            "parameters": [{"name": "checkin_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
            "responses": {"200": _json("Undone", "The check-in no longer counts"),
                          "409": _json("Error", "Unknown, already undone, or not a successful check-in")},
        }
    },
    "/api/v1/checkin/search": {
        "get": {
            "summary": "Registrations by name or phone digits, for someone without a badge",
            "operationId": "checkin_search",
            "tags": ["check-in"],
            "security": _SECURITY,
            "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}],
            "responses": {"200": _json("SearchResults", "At most 20 matches, by name")},
        }
    },
    "/api/v1/checkin/stats": {
        "get": {
            "summary": "Live check-in counts of the current summit",
            "operationId": "checkin_stats",
            "tags": ["check-in"],
            "security": _SECURITY,
            "responses": {"200": _json("CheckInStats", "Counts")},
        }
    },
    "/api/v1/badge-batches": {
        "post": {
            "summary": "Start a batch of badges (one PDF) for a printing service",
            "description": "Answers at once with the job; poll GET /api/v1/jobs/{job_id} until its status is "
                           "done, then fetch its result_url with the same token. The task queue's workers "
                           "render the batch in chunks.",
            "operationId": "badge_batch_start",
            "tags": ["badges"],
            "security": _SECURITY,
            "requestBody": {"required": False, "content": {_JSON: {"schema": {"$ref": "#/components/schemas/BadgeBatch"}}}},
            "responses": {"202": _json("JobStarted", "The batch's job; Location names its status URL"),
                          "400": _json("Error", "The body is not a JSON object"),
                          "404": _json("Error", "No category with this code at the current summit"),
                          "422": _json("Error", "An unknown layout or mode")},
        }
    },
    "/api/v1/registrations/{registration_id}/badge.pdf": {
        "get": {
            "summary": "One person's badge as a PDF (the reprint at the desk)",
            "operationId": "badge_pdf",
            "tags": ["badges"],
            "security": _SECURITY,
            "parameters": [_ID, {"name": "layout", "in": "query", "required": False, "schema": {"type": "string"},
                                 "description": "A layout name (see `summit badges --help`); the summit's default when absent"}],
            "responses": {"200": {"description": "The badge", "content": {"application/pdf": {
                              "schema": {"type": "string", "format": "binary"}}}},
                          "404": _json("Error", "No such registration"),
                          "422": _json("Error", "Not approved, or an unknown layout")},
        }
    },
}

_REGISTRATION = {
    "type": "object",
    "nullable": True,
    "required": ["id", "name", "organisation", "category", "status"],
    "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "organisation": {"type": "string"},
        "title": {"type": "string"}, "category": {"type": "string"}, "category_code": {"type": "string"},
        "color": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "approved", "rejected", "waitlisted", "cancelled"]},
    },
}

SCHEMAS = {
    "BadgeBatch": {
        "type": "object",
        "properties": {
            "layout": {"type": "string", "enum": sorted(LAYOUTS), "description": "The badge layout; a6 when absent"},
            "category": {"type": "string", "nullable": True, "description": "A category code; every category when absent"},
            "mode": {"type": "string", "enum": ["all", "not_printed"], "default": "all",
                     "description": "Every approved registration, or only those whose badge was never printed"},
        },
    },
    "JobStarted": {
        "type": "object",
        "required": ["job"],
        "properties": {"job": {"type": "integer", "description": "The job's id, for GET /api/v1/jobs/{job_id}"}},
    },
    "Scan": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string", "minLength": 1, "description": "The text in the badge's QR code"},
                       "device": {"type": "string", "description": "A name for the scanning device, for the log"},
                       "seconds_ago": {"type": "number", "minimum": 0, "maximum": 86400,
                                       "description": "For a scan kept while the device was offline and sent "
                                                      "later: how long ago it was made, measured on the device "
                                                      "(so its clock need not be right). It is recorded at "
                                                      "that moment."}},
    },
    "CheckInResult": {
        "type": "object",
        "required": ["status", "registration", "checked_in_at", "checkin_id"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "already_checked_in", "unknown", "revoked", "cancelled",
                                                  "not_approved"]},
            "registration": _REGISTRATION,
            "checked_in_at": {"type": "string", "format": "date-time", "nullable": True},
            "checkin_id": {"type": "integer"},
            "error": {"type": "string"},
        },
    },
    "Undone": {
        "type": "object",
        "required": ["status", "checkin_id"],
        "properties": {"status": {"type": "string", "enum": ["undone"]}, "checkin_id": {"type": "integer"}},
    },
    "SearchResults": {
        "type": "object",
        "required": ["results"],
        "properties": {"results": {"type": "array", "items": {
            "allOf": [{**_REGISTRATION, "nullable": False},
                      {"type": "object", "required": ["phone_tail", "checked_in"],
                       "properties": {"phone_tail": {"type": "string"}, "checked_in": {"type": "boolean"}}}]}}},
    },
    "CheckInStats": {
        "type": "object",
        "required": ["checked_in", "approved", "scans", "failed_scans", "badges_printed", "by_category", "timeline"],
        "properties": {
            "checked_in": {"type": "integer"}, "approved": {"type": "integer"}, "scans": {"type": "integer"},
            "failed_scans": {"type": "integer"}, "badges_printed": {"type": "integer"},
            "by_category": {"type": "array", "items": {"type": "object", "required": ["code", "checked_in", "approved"],
                            "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                           "color": {"type": "string"}, "checked_in": {"type": "integer"},
                                           "approved": {"type": "integer"}}}},
            "timeline": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                                    "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
        },
    },
}
