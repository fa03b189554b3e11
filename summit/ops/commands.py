from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from summit.ops import backup as backup_module


def _postgres_hint(url: str, action: str, file: str) -> None:
    parsed = make_url(url).set(drivername="postgresql")
    plain = parsed.render_as_string(hide_password=True)
    if action == "backup":
        line = f"pg_dump --format=custom --no-owner --file={file} '{plain}'"
    else:
        line = f"pg_restore --clean --if-exists --no-owner --dbname='{plain}' {file}"
    click.echo(f"This database is PostgreSQL; use its own tool instead:\n  {line}", err=True)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    script = ScriptDirectory(directory)
    return {rev.revision for rev in script.walk_revisions()}


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write.")
@click.option("--yes", is_flag=True, help="Overwrite the file if it exists.")
@with_appcontext
def backup_command(output, yes):
    """Copy the SQLite database to FILE while the application keeps running."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    source = backup_module.sqlite_path(url)
    if source is None:
        if url.startswith("postgresql"):
            _postgres_hint(url, "backup", output)
        else:
            click.echo("Only a SQLite database file can be backed up with this command.", err=True)
        raise SystemExit(2)
    target = Path(output)
    if target.exists() and not yes:
        raise click.ClickException(f"{target} exists; add --yes to overwrite it")
    try:
        facts = backup_module.backup(source, target)
    except backup_module.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {target} ({target.stat().st_size} bytes, {facts['tables']} tables, "
               f"{facts['registrations']} registrations, revision {', '.join(facts['revisions'])})")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace a database that has data.")
@with_appcontext
def restore_command(file, yes):
    """Replace the SQLite database with a backup FILE (checked before anything is changed)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = backup_module.sqlite_path(url)
    if target is None:
        if url.startswith("postgresql"):
            _postgres_hint(url, "restore", file)
        else:
            click.echo("Only a SQLite database file can be restored with this command.", err=True)
        raise SystemExit(2)
    try:
        facts = backup_module.inspect(Path(file))
    except backup_module.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    unknown = [rev for rev in facts["revisions"] if rev not in _known_revisions()]
    if unknown or not facts["revisions"]:
        raise click.ClickException(
            f"{file} has schema revision {', '.join(unknown) or 'none'}, which this version does not know")
    if backup_module.has_tables(target) and not yes:
        raise click.ClickException(f"{target} has data; add --yes to replace it with {file}")
    from summit.extensions import db

    db.session.remove()
    db.engine.dispose()  # our own pooled connections must not keep the old pages
    backup_module.restore(Path(file), target)
    click.echo(f"restored {file} into {target} ({facts['registrations']} registrations); "
               "run `summit init-db` to bring the schema up to date")


COMMANDS = [backup_command, restore_command]
