"""The tasks the workers run. Each is short and may run twice (a worker that dies before it
acknowledges a task has it handed to another): the work they call is written so that a second
run changes nothing (summit.core.jobs, summit.core.mail)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="summit.jobs.plan")
def plan_job(job_id: int) -> None:
    from summit.core import jobs

    jobs.plan(job_id)


@shared_task(name="summit.jobs.part")
def render_part(job_id: int, number: int) -> None:
    from summit.core import jobs

    jobs.render_part(job_id, number)


@shared_task(name="summit.jobs.join")
def join_job(job_id: int) -> None:
    from summit.core import jobs

    jobs.join(job_id)


@shared_task(name="summit.jobs.sweep")
def sweep_jobs() -> None:
    from summit.core import jobs

    jobs.sweep()


@shared_task(name="summit.mail.deliver")
def deliver_mail(ids: list[int]) -> None:
    """The mail that one transaction queued, right after its commit."""
    from summit.core import mail

    mail.deliver_due(ids=ids)


@shared_task(name="summit.mail.deliver_due")
def deliver_due_mail() -> None:
    """The retry round (every minute, from the worker that runs the scheduler): mail whose
    first try failed, and mail whose task was never published (the broker was down)."""
    from summit.core import mail

    while True:
        counts = mail.deliver_due()
        if counts["sent"] + counts["logged"] + counts["deferred"] < 100:
            break
