"""Qianshan Summit: run a talent summit end to end."""
from __future__ import annotations

import functools
import importlib
import logging
from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale, lazy_gettext as _l

from summit import config as config_module
from summit.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

# Feature packages, in menu order. Each package's __init__.py has init_feature(app, features),
# the one place where it registers its views, commands and receivers and what it offers other
# features (summit/core/features.py).
FEATURES = (
    "core",
    "auth",
    "registration",
    "badges",
    "contest",
    "matchmaking",
    "programme",
    "travel",
    "dashboard",
    "ops",
)


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
        template_folder=str(config_module.resource_dir("templates")),
        static_folder="static",
    )
    app.config.update(config_module.from_env(config))
    from summit.core.database import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)

    from summit.core.logging import configure_logging

    configure_logging(app)
    from summit.core.startup import warn_about_settings

    warn_about_settings(app)

    # Each feature keeps its catalog beside its code (summit/<feature>/translations). Only the
    # folders that exist: Flask-Babel takes the plural rule of the last catalog it loads, and a
    # missing one would give Chinese the English rule (ngettext would then miss its translation).
    here = Path(__file__).parent
    dirs = ["translations"] + [f"{f}/translations" for f in FEATURES if (here / f / "translations").is_dir()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.resource_dir("migrations")), render_as_batch=True)
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

    # The task queue (workers run batches and send mail), and mail handed to it on commit.
    from summit.core import mail, queue

    queue.init_app(app)
    mail.init_app(app)

    # Ids in URLs stop at the database's integer range: a larger one is a 404, not a database error.
    from werkzeug.routing import IntegerConverter

    from summit.core.database import DB_INT_MAX

    class IdConverter(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", DB_INT_MAX)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = IdConverter

    from summit.core.features import EXTENSION, Features

    features = app.extensions[EXTENSION] = Features()
    for name in FEATURES:
        importlib.import_module(f"summit.{name}").init_feature(app, features)
    for command in features.commands:
        app.cli.add_command(command)
    queue.schedule(app, features.periodic_tasks)

    @app.context_processor
    def inject_globals():
        from summit.core.models import Summit

        locale = str(get_locale())
        return {
            "current_locale": locale,
            "is_en": locale.startswith("en"),
            "nav_items": features.nav,
            "home_links": features.home_links,
            # Not while the database is down: the 503 page must not ask it again.
            "current_summit": None if g.get("database_down") else (g.get("current_summit") or Summit.current()),
        }

    from summit.core import errors

    errors.register(app)
    from summit.core import health, links

    health.register(app)
    links.init_app(app)
    return app
