from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from summit.badges import sheets
from summit.badges.layouts import DEFAULT_LAYOUT, LAYOUTS
from summit.core.models import Summit


@click.command("badges")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--layout", default=DEFAULT_LAYOUT, show_default=True, type=click.Choice(sorted(LAYOUTS)))
@click.option("--category", default=None, help="Only this category (its code, e.g. talent).")
@click.option("--registration", "registration_id", type=int, default=None, help="Only this registration.")
@click.option("--not-printed", is_flag=True, help="Only badges never printed before.")
@click.option("--year", type=int, default=None, help="The summit's year (default: the current one).")
@click.option("--sort", "order", default="stroke", show_default=True, type=click.Choice(["stroke", "pinyin"]),
              help="Order inside each category: surname strokes (姓氏笔画) or pinyin.")
@click.option("--pinyin/--no-pinyin", default=None, help="Print the pinyin under Chinese names (default: the layout's).")
@with_appcontext
def badges(output, layout, category, registration_id, not_printed, year, order, pinyin):
    """Print approved registrations' badges to one PDF (printed-at is recorded)."""
    from sqlalchemy import select

    from summit.extensions import db

    summit = (db.session.scalar(select(Summit).where(Summit.year == year)) if year else Summit.current())
    if summit is None:
        raise click.ClickException("no such summit")
    entries = sheets.select_for_print(summit, category, "not_printed" if not_printed else "all", registration_id,
                                      order=order)
    if not entries:
        raise click.ClickException("no approved registration matches; nothing printed")
    pdf = sheets.render_badges(entries, layout, pinyin)
    Path(output).write_bytes(pdf)
    sheets.mark_printed([b.id for _, b in entries])
    click.echo(f"{len(entries)} badge(s), layout {layout}, written to {output}")


COMMANDS = [badges]
