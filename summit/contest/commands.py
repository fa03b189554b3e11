from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from . import scoring


@click.command("rank")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def rank(file):
    """Rank contest entries from FILE.json: {"method", "criteria", "scores"} → {"ranking": [...]}.

    FILE may be - for standard input.
    """
    try:
        doc = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file.name} is not valid JSON: {exc}")
    try:
        result = scoring.rank_document(doc)
    except scoring.ScoringError as exc:
        raise click.ClickException(str(exc))
    click.echo(json.dumps(result, ensure_ascii=False))


@click.command("certificates")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--kind", type=click.Choice(["award", "member_award", "participation", "judge"]), default=None,
              help="Only certificates of this kind.")
@click.option("--track", type=click.Choice(["startup", "growth"]), default=None, help="Only this track's.")
@click.option("--year", type=int, default=None, help="The summit's year (default: the current one).")
@click.option("--sort", "order", type=click.Choice(["serial", "stroke", "pinyin"]), default="serial", show_default=True,
              help="Order inside each kind: serial number, recipients by surname strokes (姓氏笔画) or by pinyin.")
@with_appcontext
def certificates(output, kind, track, year, order):
    """Print the summit's valid (not revoked) certificates to one PDF, one landscape A4 page each."""
    from pathlib import Path

    from sqlalchemy import select

    from summit.core.models import Summit
    from summit.extensions import db

    from .certificate_records import certificate_list, render_certificates

    summit = db.session.scalar(select(Summit).where(Summit.year == year)) if year else Summit.current()
    if summit is None:
        raise click.ClickException("no such summit")
    certs = certificate_list(summit, kind, track, include_revoked=False, order=order)
    if not certs:
        raise click.ClickException("no valid certificate matches; issue them on the certificates page first")
    Path(output).write_bytes(render_certificates(certs))
    click.echo(f"{len(certs)} certificate(s) written to {output}")


COMMANDS = [rank, certificates]
