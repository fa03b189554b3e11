"""The `summit` command: Flask's command group over create_app, plus every feature's commands."""
from __future__ import annotations

from flask.cli import FlaskGroup


def _create_app():
    from summit import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Qianshan Summit administration.")


def main() -> None:
    cli(prog_name="summit")


if __name__ == "__main__":
    main()
