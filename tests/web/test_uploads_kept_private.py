"""Uploads: a replaced business plan or CV leaves no file behind, a team's re-uploads are
capped, and every stored upload is readable by the application's account only (0600)."""
from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import select

from summit.contest import applications
from summit.contest.models import Entry
from tests.fixtures.contest import pdf_bytes as plan_pdf
from tests.web.test_contest_applications import FORM, post


def _files(app, folder: str) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"]) / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_replacing_the_business_plan_keeps_one_private_file(app, client, db, contest):
    answer = post(client, FORM, plan_pdf(1))
    assert answer.status_code == 201
    link = answer.get_data(as_text=True).split("/contest/team/")[1].split("<")[0]
    for pages in range(2, 7):  # five replacements
        assert post(client, FORM, plan_pdf(pages), url=f"/contest/team/{link}").status_code == 302
    files = _files(app, "contest")
    assert len(files) == 1
    db.session.rollback()
    entry = db.session.scalar(select(Entry))
    assert Path(app.config["UPLOAD_DIR"]) / entry.plan_path == files[0] and entry.plan_uploads == 6
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) & 0o077 == 0


def test_uploads_per_application_are_capped(app, client, db, contest, monkeypatch):
    monkeypatch.setattr(applications, "MAX_PLAN_UPLOADS", 3)
    link = post(client, FORM, plan_pdf(1)).get_data(as_text=True).split("/contest/team/")[1].split("<")[0]
    codes = [post(client, FORM, plan_pdf(2), url=f"/contest/team/{link}").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    refused = post(client, FORM, plan_pdf(2), url=f"/contest/team/{link}", ).get_data(as_text=True)
    assert "上传次数已达上限" in refused
    # Changes without a new plan still go through.
    assert post(client, dict(FORM, project_name="二代"), None, url=f"/contest/team/{link}").status_code == 302
    assert len(_files(app, "contest")) == 1


def test_a_new_cv_replaces_the_old_file(app, client, db, mm, pdf_bytes):
    import io

    _reg, token = mm["talents"][0]
    for pages in range(1, 6):
        answer = client.post(f"/me/{token}/cv", data={"cv": (io.BytesIO(pdf_bytes(pages)), "cv.pdf")},
                             content_type="multipart/form-data")
        assert answer.status_code == 303
    files = _files(app, "cv")
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
