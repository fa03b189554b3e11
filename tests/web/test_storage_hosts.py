"""Files that any host may serve are stored relative to one storage root (SUMMIT_STORAGE_DIR), so a
host that mounts the shared volume elsewhere still finds what another host wrote."""
from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select, text

from summit import create_app
from summit.badges.models import PrintBatch
from summit.core.models import Job
from tests.conftest import BASE_CONFIG


def test_a_host_that_mounts_the_storage_elsewhere_serves_what_another_wrote(
        app, client, login, db, make_registration, database_url, tmp_path, make_user):
    from summit.core import mail

    for i in range(3):
        make_registration(f"参会人{i}")
    login("organizer")
    assert client.post("/badges/print", data={"layout": "a6", "category": "", "mode": "all"}).status_code == 303
    db.session.rollback()
    batch = db.session.scalar(select(PrintBatch))
    assert batch.status == "done" and batch.file_path.startswith("badges/")  # relative to the root
    job = db.session.get(Job, batch.job_id)
    assert job.result_path == batch.file_path
    # A mail attachment written on this host (an agenda) ...
    from summit.core import storage

    stored = storage.save("mail", "agenda-1.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    # ... and another host, whose mount of the shared volume is somewhere else.
    elsewhere = tmp_path / "mounted-elsewhere"
    (tmp_path / "uploads").rename(elsewhere)
    host_b = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(elsewhere)})
    b = host_b.test_client()
    _uid, email, password = make_user("organizer")
    assert b.post("/login", data={"email": email, "password": password}).status_code == 302
    pdf = b.get(f"/badges/batches/{batch.id}/download")
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.data)).pages) == 3
    with host_b.app_context():
        assert mail.attachment_bytes({"path": stored}).startswith(b"BEGIN:VCALENDAR")
        db.session.remove()
        db.engine.dispose()


def test_the_migration_makes_absolute_paths_under_the_root_relative(app, db, tmp_path):
    from flask_migrate import downgrade, upgrade

    from summit.core.models import Summit

    root = tmp_path / "uploads"
    downgrade(revision="0900_features_merged")
    summit = Summit(year=2024, name_zh="2024千山峰会", name_en="Qianshan Summit 2024", starts_on=dt.date(2024, 11, 19),
                    ends_on=dt.date(2024, 11, 20))
    db.session.add(summit)
    db.session.flush()
    # The jobs table as it was at that revision (later ones add columns the model has).
    ids = tuple(db.session.execute(text(
        "INSERT INTO jobs (kind, status, done, total, params, error, created_at, result_path) "
        "VALUES (:kind, 'done', 0, 0, '{}', '', :now, :path) RETURNING id"),
        {"kind": kind, "now": dt.datetime(2024, 11, 1), "path": path}).scalar_one()
        for kind, path in (("badges", f"{root}/badges/batch-1.pdf"),
                           ("certificates", "/srv/old-instance/certificates/c-2.pdf")))
    db.session.add(PrintBatch(summit_id=summit.id, layout="a6", selection={}, job_id=ids[0], status="done",
                              file_path=f"{root}/badges/batch-1.pdf"))
    db.session.commit()
    db.session.remove()

    upgrade(revision="heads")
    assert dict(db.session.execute(select(Job.id, Job.result_path)).all()) == {
        ids[0]: "badges/batch-1.pdf", ids[1]: "/srv/old-instance/certificates/c-2.pdf"}
    assert db.session.scalar(select(PrintBatch.file_path)) == "badges/batch-1.pdf"
    db.session.remove()
    downgrade(revision="0900_features_merged")
    assert db.session.scalar(select(PrintBatch.file_path)) == f"{root}/badges/batch-1.pdf"
    db.session.remove()
    upgrade(revision="heads")
