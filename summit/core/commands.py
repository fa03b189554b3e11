from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_migrate import downgrade, upgrade


@click.command("init-db")
@with_appcontext
def init_db():
    """Build or update the schema: upgrade to the newest migration."""
    upgrade(revision="heads")
    click.echo("database is at the newest migration")


@click.command("drop-db")
@click.option("--yes", is_flag=True, help="Do not ask.")
@with_appcontext
def drop_db(yes):
    """Downgrade to an empty database (every table is dropped)."""
    if not yes:
        click.confirm("Drop every table of this database?", abort=True)
    downgrade(revision="base")
    click.echo("database is empty")


@click.command("demo")
@with_appcontext
def demo():
    """Load the demo summit (modelled on the 2024 千山峰会); running it twice changes nothing."""
    from summit.core.demo import load_demo

    for line in load_demo():
        click.echo(line)


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep sending every 30 seconds.")
@with_appcontext
def send_mail(loop):
    """Hand queued mail to the SMTP server (retries what failed before)."""
    import time

    from summit.core import mail

    while True:
        counts = mail.deliver_due()
        click.echo(f"sent {counts['sent']}, logged {counts['logged']}, deferred {counts['deferred']}")
        if not loop:
            break
        time.sleep(30)


@click.command("worker", context_settings={"ignore_unknown_options": True})
@click.option("--beat", is_flag=True,
              help="Also run the scheduler (the mail retry round, the sweep of quiet jobs): in one worker per deployment.")
@click.option("-c", "--concurrency", type=int, default=None, help="Pool processes (default: one per CPU).")
@click.option("-n", "--hostname", default=None, help="The worker's name (default: summit@<host>).")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker(beat, concurrency, hostname, celery_args):
    """Run a task queue worker: badge and certificate batches, mail. Extra arguments go to Celery's worker."""
    from flask import current_app

    from summit.core.queue import QUEUES

    celery = current_app.extensions["celery"]
    argv = ["worker", "--loglevel", current_app.config.get("LOG_LEVEL", "INFO"), "--queues", ",".join(QUEUES),
            # No broadcast chatter between workers: nothing here needs it.
            "--without-gossip", "--without-mingle"]
    if beat:
        argv.append("--beat")
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    argv += ["--hostname", hostname or "summit@%h"]
    celery.worker_main(argv=argv + list(celery_args))


COMMANDS = [init_db, drop_db, demo, send_mail, worker]
