from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from summit.auth import services
from summit.auth.models import ROLES, ApiToken
from summit.extensions import db


@click.command("create-user")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="Repeat for several roles.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@with_appcontext
def create_user(email, roles, password, name):
    """Create an account (organizer, checkin, judge or host)."""
    try:
        user = services.create_user(email, password, list(roles), name=name)
    except services.AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"created {user.email} ({', '.join(user.roles)})")


@click.command("create-token")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", default="", help="The device, e.g. 'door-1 scanner'.")
@with_appcontext
def create_token(role, name):
    """Create an API token for a device; it is printed once."""
    token, plain = services.create_token(role, name)
    click.echo(plain)
    click.echo(f"token {token.id} ({role}{', ' + name if name else ''}); send it as 'Authorization: Bearer <token>'",
               err=True)


@click.command("list-tokens")
@with_appcontext
def list_tokens():
    """List API tokens (never their secret)."""
    for t in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(f"{t.id}\t{t.role}\t{t.name or '-'}\t{state}\tlast used {used}")


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token(token_id):
    """Revoke an API token by its number."""
    try:
        services.revoke_token(token_id)
    except services.AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"revoked token {token_id}")


COMMANDS = [create_user, create_token, list_tokens, revoke_token]
