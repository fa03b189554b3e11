"""A checked import file (identity numbers and phones) lives only until it is confirmed or
cancelled, an hour at most; `summit shred` removes what is left; it is written 0600."""
from __future__ import annotations

import io
import os
import re
import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from summit.core.models import Summit
from summit.registration.models import Registration
from tests.web.test_registration_import_export import csv_bytes, rows_ok


@pytest.fixture
def client(reg_client):
    return reg_client


def _kept(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def _preview(client) -> str:
    answer = client.post("/organizer/registrations/import",
                         data={"file": (io.BytesIO(csv_bytes(rows_ok())), "invitees.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 200
    return re.search(r'name="upload" value="([^"]+)"', answer.get_data(as_text=True)).group(1)


def test_confirm_and_cancel_delete_the_checked_file(app, client, db, login, reg_summit):
    login("organizer")
    upload = _preview(client)
    [kept] = _kept(app)
    assert kept.name == upload and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) & 0o077 == 0
    cancelled = client.post("/organizer/registrations/import", data={"upload": upload, "cancel": "1"})
    assert cancelled.status_code == 303 and _kept(app) == []
    assert db.session.scalar(select(Registration)) is None
    upload = _preview(client)
    assert client.post("/organizer/registrations/import", data={"upload": upload}).status_code == 303
    assert _kept(app) == [] and len(db.session.scalars(select(Registration)).all()) == 3


def test_a_file_never_confirmed_is_gone_after_an_hour(app, client, db, login, reg_summit):
    login("organizer")
    old, recent = _preview(client), _preview(client)
    hour_ago = time.time() - 3601
    os.utime(Path(app.config["UPLOAD_DIR"]) / "imports" / old, (hour_ago, hour_ago))
    assert client.get("/organizer/registrations/import").status_code == 200
    assert [p.name for p in _kept(app)] == [recent]
    late = client.post("/organizer/registrations/import", data={"upload": old})
    assert late.status_code == 303 and db.session.scalar(select(Registration)) is None


def test_shred_removes_what_is_left(app, client, db, login, reg_summit):
    import datetime as dt

    login("organizer")
    _preview(client)
    past = Summit(year=2020, name_zh="2020千山峰会", name_en="Qianshan Summit 2020", starts_on=dt.date(2020, 11, 1),
                  ends_on=dt.date(2020, 11, 2), is_current=False)
    db.session.add(past)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["shred", "2020", "--yes"])
    assert result.exit_code == 0, result.output
    assert _kept(app) == []


def test_the_workers_scheduler_sweeps_without_any_visit(app, client, db, login, reg_summit):
    """The worker that runs the scheduler (summit worker --beat) starts the sweep every ten
    minutes, so an hour-old file goes even when nobody opens the import page."""
    login("organizer")
    old, recent = _preview(client), _preview(client)
    hour_ago = time.time() - 3601
    os.utime(Path(app.config["UPLOAD_DIR"]) / "imports" / old, (hour_ago, hour_ago))
    entry = app.extensions["celery"].conf.beat_schedule["import-previews-sweep"]
    assert entry["schedule"].total_seconds() == 600
    task = app.extensions["celery"].tasks[entry["task"]]
    with app.app_context():
        assert task.apply().get() == 1
    assert [p.name for p in _kept(app)] == [recent]
