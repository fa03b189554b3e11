from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from summit.auth import services
from summit.auth.forms import LoginForm
from summit.core.security import client_address
from summit.extensions import limiter, login_manager, db
from summit.auth.models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """The account of a session id "<user id>:<session version>" (User.get_id), only while the
    version is still the account's: a session from before a logout elsewhere, a new password
    or a disabled account opens nothing."""
    user_id, _sep, version = session_id.partition(":")
    try:
        user = db.session.get(User, int(user_id))
        version_number = int(version or 0)
    except (ValueError, OverflowError):
        return None
    if user is None or (user.session_version or 0) != version_number:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: never an open redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_for(user) -> str:
    """Each role's own start page (an organizer's is the dashboard); the public home otherwise."""
    for role, endpoint in (("organizer", "dashboard.index"), ("judge", "contest.judge_home"),
                           ("checkin", "badges.checkin_page"), ("host", "matchmaking.host_index")):
        if user.has_role(role) and endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("core.index")


def _login_account() -> str:
    """The account a login attempt is for: tries from many addresses against one account count together."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:320]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=client_address)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_account,
               error_message=lambda: _("Too many login attempts for this account. Please wait a few minutes "
                                       "and try again."))
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email or the password is wrong."))
            return render_template("auth/login.html", form=form), 400
        login_user(user, remember=form.remember.data)
        if user.locale:
            from flask import session

            session["lang"] = user.locale
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(safe_next(form.next.data) or home_for(user))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("core.index"))
