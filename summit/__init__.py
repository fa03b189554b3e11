"""Qianshan Summit: run a talent summit end to end."""
from __future__ import annotations

import functools
import importlib
import logging

from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale, lazy_gettext as _l

from summit import config as config_module
from summit.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

# Feature packages, in menu order. Each may have views.py (a blueprint `bp`, and NAV
# entries), commands.py (COMMANDS: click commands for the `summit` CLI) and demo.py.
FEATURES = (
    "core",
    "auth",
    "registration",
    "badges",
    "contest",
    "matchmaking",
    "programme",
    "dashboard",
    "ops",
)


def _optional_module(feature: str, name: str):
    try:
        return importlib.import_module(f"summit.{feature}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"summit.{feature}", f"summit.{feature}.{name}"):
            return None
        raise


def feature_modules(name: str):
    """The `name` module of every feature that has one, in FEATURES order."""
    for feature in FEATURES:
        module = _optional_module(feature, name)
        if module is not None:
            yield feature, module


@functools.lru_cache(maxsize=8)
def babel_locale(code: str):
    """A parsed Babel Locale, once per process. Flask-Babel parses a locale name each time it
    is given one (about 2 ms: it scans Babel's list of locales); a Locale passes through."""
    from babel import Locale

    return Locale.parse(code)


def select_locale() -> str:
    if not has_request_context():  # a CLI command or a job: the default language
        return "zh_CN"
    wanted = request.args.get("lang") or session.get("lang")
    languages = ["zh_CN", "en"]
    if wanted in languages:
        return wanted
    return request.accept_languages.best_match(languages) or "zh_CN"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=config_module.instance_dir().as_posix(),
        template_folder=str(config_module.PROJECT_DIR / "templates"),
        static_folder="static",
    )
    app.config.update(config_module.from_env(config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}

    from summit.core.logging import configure_logging

    configure_logging(app)

    # Each feature keeps its catalog beside its code (summit/<feature>/translations).
    dirs = ["translations"] + [f"{f}/translations" for f in FEATURES]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.PROJECT_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    from summit.core import security

    security.init_app(app)
    babel.init_app(app, locale_selector=lambda: babel_locale(select_locale()),
                   timezone_selector=lambda: "Asia/Shanghai")
    bootstrap.init_app(app)
    limiter.init_app(app)

    from summit.core.database import configure_sqlite

    configure_sqlite(app)

    # Import every model module so that metadata is complete (migrations, tests).
    for _feature, _module in feature_modules("models"):
        pass

    # Ids in URLs stop at the database's integer range: a larger one is a 404, not a database error.
    from werkzeug.routing import IntegerConverter

    from summit.core.database import DB_INT_MAX

    class IdConverter(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", DB_INT_MAX)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = IdConverter

    nav, home_links = [], []
    for feature, views in feature_modules("views"):
        app.register_blueprint(views.bp)
        nav.extend(getattr(views, "NAV", ()))
        home_links.extend(getattr(views, "HOME_LINKS", ()))
    app.config["NAV"] = nav
    app.config["HOME_LINKS"] = home_links

    for feature, commands in feature_modules("commands"):
        for command in commands.COMMANDS:
            app.cli.add_command(command)

    @app.context_processor
    def inject_globals():
        from summit.core.models import Summit

        locale = str(get_locale())
        return {
            "current_locale": locale,
            "is_en": locale.startswith("en"),
            "nav_items": app.config["NAV"],
            "home_links": app.config["HOME_LINKS"],
            "current_summit": g.get("current_summit") or Summit.current(),
        }

    from summit.core import errors

    errors.register(app)
    return app
