from __future__ import annotations

import json

import click

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


COMMANDS = [rank]
