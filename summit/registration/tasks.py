"""Registration's periodic work on the task queue (registered in init_feature)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="summit.registration.sweep_previews")
def sweep_previews() -> int:
    """Checked import files that nobody confirmed or cancelled go after an hour, visited or not:
    they hold identity numbers."""
    from summit.registration import imports

    return imports.sweep_previews()
