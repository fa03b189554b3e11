"""The contest's pages, one module per audience, all on the one blueprint "contest":

- public.py: the contest page, the application form, published results, certificate checks
- team.py: the team's private link (edit the application)
- judge.py: the judges' scoring pages and their JSON
- admin.py: the organizers' entries, tracks, awards, audit trail and export
- admin_rounds.py: the organizers' round page, one route per action
- admin_certificates.py: issuing, revoking and printing certificates
- stage.py: the stage control and the hall's screen

Views parse the request, call a service and render; a service's ContestError on a POST marked
@back_to goes back to its page with the message (summit.core.errors).
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from summit.core.nav import NavItem

bp = Blueprint("contest", __name__)
NAV = [
    NavItem("contest.index", _l("Contest")),
    NavItem("contest.admin", _l("Contest admin"), ("organizer",)),
    NavItem("contest.judge_home", _l("Scoring"), ("judge",)),
]
HOME_LINKS = [NavItem("contest.index", _l("Apply to the contest"))]


@bp.app_template_filter("contest_dt")
def contest_dt(value) -> str:
    from flask_babel import format_datetime

    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


@bp.app_template_filter("contest_action")
def contest_action(code: str) -> str:
    from ..records import action_label

    return action_label(code)


@bp.app_template_filter("contest_actor")
def contest_actor(label: str) -> str:
    from ..records import actor_label

    return actor_label(label)


@bp.app_template_filter("entry_status")
def entry_status(status: str) -> str:
    from ..records import entry_status_label

    return entry_status_label(status)


# The audiences' modules add their routes to bp.
from . import admin, admin_certificates, admin_rounds, judge, public, stage, team  # noqa: E402,F401
