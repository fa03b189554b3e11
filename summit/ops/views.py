from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from summit.core.security import limited
from summit.ops import openapi

bp = Blueprint("ops", __name__)


def build_spec() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    from summit.core.features import features

    try:
        app_version = version("qianshan-summit")
    except PackageNotFoundError:
        app_version = "0.0.0"
    return openapi.assemble(features().api_specs, title="Qianshan Summit API", version=app_version)


@bp.route("/api/v1/openapi.json")
@limited("api", methods=None)
def openapi_json():
    spec = current_app.extensions.get("summit_openapi")
    if spec is None:
        spec = current_app.extensions["summit_openapi"] = build_spec()
    return jsonify(spec)
