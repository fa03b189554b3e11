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


@click.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_password(email, password):
    """Give an account a new password; its sessions end."""
    try:
        services.change_password(services.user_by_email(email), password)
    except services.AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"new password for {email}; its sessions have ended")


@click.command("disable-user")
@click.argument("email")
@click.option("--enable", is_flag=True, help="Enable the account again.")
@with_appcontext
def disable_user(email, enable):
    """Disable an account (it can no longer log in and its sessions end), or enable it again."""
    try:
        services.set_active(services.user_by_email(email), enable)
    except services.AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{'enabled' if enable else 'disabled'} {email}")


COMMANDS = [create_user, create_token, list_tokens, revoke_token, set_password, disable_user]
