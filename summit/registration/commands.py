"""`summit import-registrations`, `summit export-registrations`, `summit shred`, `summit shred-person`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from summit.core.models import Summit
from summit.extensions import db


def _in_default_locale(command):
    """Messages in the default locale: there is no request to choose one from."""
    import functools

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        from flask_babel import force_locale

        with force_locale("zh_CN"):
            return command(*args, **kwargs)

    return wrapped


def _summit(year: int | None) -> Summit:
    summit = db.session.scalar(select(Summit).where(Summit.year == year)) if year else Summit.current()
    if summit is None:
        raise click.ClickException(f"no summit {year}" if year else "no summit yet: run `summit demo` or create one")
    return summit


@click.command("import-registrations")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--template", is_flag=True, help="Write the import template to FILE instead of importing.")
@click.option("--year", type=int, help="The edition (default: the current one).")
@click.option("--send-mail", is_flag=True, help="Send each person the confirmation mail with their private link.")
@with_appcontext
@_in_default_locale
def import_registrations(file: Path, template: bool, year: int | None, send_mail: bool):
    """Import invitees from an .xlsx or .csv file (UTF-8 or GBK): all rows or none."""
    from summit.registration import imports, tabular

    if template:
        file.write_bytes(tabular.template_xlsx())
        click.echo(f"template written to {file}")
        return
    if not file.exists():
        raise click.ClickException(f"{file}: no such file")
    summit = _summit(year)
    report = imports.run_import(summit, file.name, file.read_bytes(), send_mail=send_mail, actor_label="command line")
    if not report.ok:
        for number, column, message in report.errors:
            click.echo(f"row {number}: {column}: {message}" if number else f"{message}", err=True)
        click.echo(f"nothing imported: {len(report.errors)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(report.rows)} registrations imported into {summit.year}")


@click.command("export-registrations")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The file to write.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), help="Default: from the file name, else xlsx.")
@click.option("--columns", help="Comma-separated column keys (default: the usual ones; the id is always there).")
@click.option("--year", type=int, help="The edition (default: the current one).")
@click.option("--sort", "order", type=click.Choice(["created", "stroke", "pinyin"]), default="created",
              show_default=True, help="Row order: as registered, by surname strokes (姓氏笔画), by pinyin.")
@with_appcontext
@_in_default_locale
def export_registrations(output: Path, fmt: str | None, columns: str | None, year: int | None, order: str):
    """Export registrations to .xlsx or CSV (UTF-8 with BOM); recorded in the audit trail."""
    from summit.registration import export

    summit = _summit(year)
    fmt = fmt or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
    keys = [k.strip() for k in columns.split(",")] if columns else None
    if keys:
        known = {c.key for c in export.export_columns()}
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise click.ClickException(f"unknown columns: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    from summit.registration import listing

    stmt = listing.list_query(summit, sort=order, direction="asc")
    data, count = export.export(summit, keys, fmt, stmt=stmt, actor_label="command line")
    output.write_bytes(data)
    click.echo(f"{count} registrations written to {output}")


@click.command("names-reindex")
@with_appcontext
def names_reindex():
    """Recompute every registration's name sort and search keys (after an ICU or pypinyin upgrade)."""
    from sqlalchemy import select

    from summit.core.database import transaction
    from summit.extensions import db
    from summit.registration.models import Registration, apply_name_keys

    count = 0
    with transaction():
        for registration in db.session.scalars(select(Registration)):
            apply_name_keys(registration)
            count += 1
    click.echo(f"{count} registrations reindexed")


@click.command("shred")
@click.argument("year", type=int)
@click.option("--yes", is_flag=True, help="Do not ask.")
@with_appcontext
@_in_default_locale
def shred(year: int, yes: bool):
    """Anonymise the personal data of a past edition; its statistics stay."""
    from summit.registration import retention
    from summit.registration.errors import ShredError

    summit = _summit(year)
    if not yes:
        click.confirm(f"Anonymise every registration of {summit.name_en}? This cannot be undone.", abort=True)
    try:
        count = retention.shred(summit)
    except ShredError as exc:
        raise click.ClickException(exc.message)
    click.echo(f"{count} registrations of {year} anonymised")


@click.command("shred-person")
@click.option("--email", default="", help="The person's email address.")
@click.option("--phone", default="", help="The person's phone number.")
@click.option("--year", type=int, required=True, help="The edition.")
@click.option("--yes", is_flag=True, help="Do not ask.")
@with_appcontext
@_in_default_locale
def shred_person(email: str, phone: str, year: int, yes: bool):
    """Shred one person's data in an edition on their request (the right to deletion)."""
    from summit.registration import retention
    from summit.registration.errors import ShredError

    summit = _summit(year)
    try:
        found, rows = retention.find_person(summit, email, phone)
        if not yes:
            who = ", ".join(f"#{r['id']} {r['name']}" for r in found) or "no registration"
            what = ", ".join(f"{table} {n}" for table, n in rows.items())
            click.confirm(f"Shred {who} in {summit.year} ({what})? This cannot be undone.", abort=True)
        rows = retention.shred_person(summit, email, phone, actor_label="command line")
    except ShredError as exc:
        raise click.ClickException(exc.message)
    click.echo("shredded: " + ", ".join(f"{table} {n}" for table, n in sorted(rows.items()) if n))


COMMANDS = [import_registrations, export_registrations, names_reindex, shred, shred_person]
