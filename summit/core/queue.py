"""The task queue: Celery. Web processes only publish tasks; `summit worker` runs them.

The broker is Redis (SUMMIT_REDIS_URL) in production. Without it, a folder under the instance
directory serves as the broker (Kombu's filesystem transport): one host, the worker that
`make run` starts beside the web server. The tasks themselves are in summit.core.tasks.

What a killed worker must not lose:
- acks_late: a task is acknowledged when it has finished, not when it was received;
- reject_on_worker_lost: a pool process killed under a task puts the task back at once;
- a short visibility timeout: when the whole worker dies (kill -9, a lost host), Redis hands
  its unacknowledged tasks to another worker after TASK_VISIBILITY_TIMEOUT seconds (Celery's
  default is an hour), and the sweep for them runs every few seconds instead of 100;
- small tasks (a batch is chunks of ~50 badges), so that a task handed out twice costs little
  and no task outlives the visibility timeout.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from celery import Celery, Task
from celery.signals import beat_init, worker_process_init
from flask import Flask, current_app

log = logging.getLogger("summit.queue")

# Mail has a queue of its own, so that a confirmation does not wait behind a 1,000-badge batch.
MAIL_QUEUE = "summit.mail"
DEFAULT_QUEUE = "summit"
QUEUES = (DEFAULT_QUEUE, MAIL_QUEUE)
# Rounds of the worker that runs the scheduler (`summit worker --beat`): mail that waits for
# a retry, and jobs that went quiet.
BEAT_EVERY = 60.0


def broker_settings(app: Flask) -> dict:
    config = app.config
    url = config.get("BROKER_URL")
    timeout = int(config.get("TASK_VISIBILITY_TIMEOUT") or 240)
    if url:
        options = {
            "visibility_timeout": timeout,
            # Look for the tasks of dead workers often enough that the visibility timeout,
            # not the sweep's period, decides when they are handed out again.
            "unacked_restore_interval": max(1, min(10, timeout // 4)),
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        }
        return {"broker_url": url, "broker_transport_options": options}
    folder = Path(config["INSTANCE_DIR"]) / "queue"
    for sub in ("messages", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {"broker_url": "filesystem://", "broker_transport_options": {
        "data_folder_in": str(folder / "messages"), "data_folder_out": str(folder / "messages"),
        "control_folder": str(folder / "control"),
        # The worker looks into the folder this often (Kombu's default: every second).
        "polling_interval": 0.2}}


class FlaskTask(Task):
    """Runs in an application context of its own (its own database session), also when it runs
    eagerly inside a request."""

    abstract = True

    def __call__(self, *args, **kwargs):
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


def init_app(app: Flask) -> Celery:
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.flask_app = app
    eager = bool(app.config.get("TASKS_EAGER"))
    celery.conf.update(
        **broker_settings(app),
        task_always_eager=eager,
        task_eager_propagates=eager,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # A worker takes one task per pool process at a time; the others stay with the broker
        # for the other workers (and are not lost with this one).
        worker_prefetch_multiplier=1,
        # Progress and results are in the database: no result backend.
        task_ignore_result=True,
        task_default_queue=DEFAULT_QUEUE,
        task_routes={"summit.mail.*": {"queue": MAIL_QUEUE}},
        task_serializer="json",
        accept_content=["json"],
        # A web request that publishes while the broker is down gives up quickly: what it
        # published is in the database, and the workers' rounds pick it up.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                                   "interval_max": 1},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_max_memory_per_child=int(app.config.get("WORKER_MAX_MEMORY_KB") or 600_000),
        beat_schedule={
            "mail-retry": {"task": "summit.mail.deliver_due", "schedule": dt.timedelta(seconds=BEAT_EVERY)},
            "jobs-sweep": {"task": "summit.jobs.sweep", "schedule": dt.timedelta(seconds=BEAT_EVERY)},
        },
        beat_schedule_filename=str(Path(app.config["INSTANCE_DIR"]) / "celerybeat-schedule"),
        imports=("summit.core.tasks",),
        timezone="UTC",
    )
    import summit.core.tasks  # noqa: F401  (the tasks, bound to this app when it is finalized)

    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def schedule(app: Flask, periodic: dict[str, tuple[str, float]]) -> None:
    """Adds the features' periodic work (features.periodic_tasks) to the scheduler's table."""
    table = app.extensions["celery"].conf.beat_schedule
    for entry, (task, seconds) in periodic.items():
        table[entry] = {"task": task, "schedule": dt.timedelta(seconds=seconds)}


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the worker that started it dies, even by kill -9,
    so that no pool process goes on rendering (and holding memory) for a dead worker."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@worker_process_init.connect
def _pool_process_started(**_kwargs) -> None:
    _die_with_parent()
    from celery import current_app as celery_app

    flask_app = getattr(celery_app, "flask_app", None)
    if flask_app is not None:  # connections opened before the fork are the parent's
        from summit.extensions import db

        with flask_app.app_context():
            db.engine.dispose(close=False)


@beat_init.connect
def _beat_started(**_kwargs) -> None:
    _die_with_parent()


def send(name: str, *args, **kwargs) -> bool:
    """Publish task `name`; False (and a line in the log) when the broker cannot be reached:
    callers keep their state in the database, so the workers' rounds find it later."""
    celery: Celery = current_app.extensions["celery"]
    task = celery.tasks[name]
    if celery.conf.task_always_eager:
        task.apply(args=args, kwargs=kwargs, throw=True)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # the broker is down: the caller's rows wait for the workers' rounds
        log.exception("task not published", extra={"fields": {"task": name}})
        return False
    return True
