"""The stage (路演台): the organizers' control and the hall's screen, which polls the state."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from summit.auth.permissions import role_required
from summit.core.errors import back_to
from summit.core.models import Summit

from .. import stage
from . import bp
from .lookups import locale


@bp.route("/stage/state.json")
def stage_state():
    summit = Summit.current()
    if summit is None:
        abort(404)
    hall = request.args.get("hall", "main")[:40]
    response = jsonify(stage.state_json(summit, locale(), hall))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/stage/screen")
def stage_screen():
    return render_template("contest/stage_screen.html", hall=request.args.get("hall", "main")[:40])


def _choices(summit) -> dict:
    """What can go on stage: "kind:item:context values" -> (kind, item id, label, context, phases)."""
    choices = {}
    for kind in stage.kinds().values():
        for item_id, label, context, *extra in kind.choices(summit, locale()):
            key = f"{kind.name}:{item_id}:{'.'.join(str(v) for v in context.values())}"
            choices[key] = (kind.name, item_id, label, context, extra[0] if extra else [])
    return choices


@bp.route("/stage/control", methods=["GET", "POST"])
@back_to("contest.stage_control")
@role_required("organizer")
def stage_control():
    summit = Summit.current()
    if summit is None:
        abort(404)
    hall = request.values.get("hall", "main")[:40]
    choices = _choices(summit)
    if request.method == "POST":
        action = request.form.get("action", "")
        params = {}
        if action == "show":
            choice = choices.get(request.form.get("item", ""))
            if choice is None:
                flash(_("Choose what goes on stage."), "error")
                return redirect(url_for("contest.stage_control", hall=hall))
            kind, item_id, _label, context, phases = choice
            params = {"kind": kind, "item_id": item_id, "context": context, "phases": phases}
        elif action == "reveal":
            params = {"incomplete_ok": request.form.get("incomplete_ok") == "1"}
        wants_json = request.accept_mimetypes.best == "application/json"
        try:
            stage.control(summit, action, hall, **params)
        except stage.StageError as exc:
            if exc.code != "incomplete_score":
                raise
            # A score not every judge has given yet: the organizer confirms before the hall sees it.
            state = stage.state_json(summit, locale(), hall, with_progress=True)
            if wants_json:
                return jsonify({"error": _("Not every judge has scored this entry yet."), "code": exc.code, "progress": state["progress"]}), 409
            return render_template("contest/stage_control.html", hall=hall, choices=choices, state=state,
                                   confirm_reveal=True), 409
        if wants_json:
            return jsonify(stage.state_json(summit, locale(), hall, with_progress=True))
        return redirect(url_for("contest.stage_control", hall=hall))
    return render_template("contest/stage_control.html", hall=hall, choices=choices,
                           state=stage.state_json(summit, locale(), hall, with_progress=True))
