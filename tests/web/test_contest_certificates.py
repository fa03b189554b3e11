"""Certificates: issuing for awards, participation and judges (idempotent), the PDFs read back,
the public check page, the organizer's page, the batch job and the CLI."""
from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from summit.contest import awards, certificate_records, errors, tracks
from summit.contest.models import Certificate
from tests.fixtures.pdfcheck import extracted_text, glyph_problems

TEAM = dict(project_name="基于大模型的海洋遥感影像智能解译", leader_name="刘䶮",
            members=[{"name": "王㛃", "role": "技术负责人"}, {"name": "吉𠮷", "role": "产品经理"}, {"name": " "}])


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def count(db, **where) -> int:
    stmt = select(func.count()).select_from(Certificate)
    for name, value in where.items():
        stmt = stmt.where(getattr(Certificate, name) == value)
    return db.session.scalar(stmt)


@pytest.fixture
def awarded(db, contest, add_entry):
    """Two awarded entries of the startup track (first and second prize) and one without an award."""
    track = tracks.track_by_code(contest, "startup")
    first = add_entry(**TEAM)
    second = add_entry(project_name="轻量化VR光学模组", leader_name="张学莹", members=[])
    add_entry(project_name="未获奖项目")
    awards.confirm_awards(track, {first.id: "first", second.id: "second"})
    return track, first, second


def test_award_certificates_are_sequential_and_issued_once(app, db, contest, awarded):
    track, first, second = awarded
    assert certificate_records.issue_award_certificates(track) == {"issued": 6, "kept": 0, "replaced": 0}
    team = db.session.scalars(select(Certificate).where(Certificate.kind == "award").order_by(Certificate.id)).all()
    assert [(c.serial, c.recipient, c.entry_id) for c in team] == [
        ("QS2024-A-0001", first.project_name, first.id), ("QS2024-A-0002", second.project_name, second.id)]
    members = db.session.scalars(select(Certificate).where(Certificate.kind == "member_award")
                                 .order_by(Certificate.id)).all()
    assert [c.serial for c in members] == [f"QS2024-M-{n:04d}" for n in range(1, 5)]
    assert [c.recipient for c in members] == ["刘䶮", "王㛃", "吉𠮷", "张学莹"]  # the blank member gets none
    assert members[0].title_zh == "初创组一等奖" and members[0].title_en == "First prize, startup"
    assert len({c.code for c in team + members}) == 6 and all(len(c.code) >= 24 for c in team + members)

    # Again: nothing new.
    assert certificate_records.issue_award_certificates(track) == {"issued": 0, "kept": 6, "replaced": 0}
    assert count(db) == 6

    # The second entry's award changes: its old certificates stop verifying, new ones follow the numbering.
    awards.confirm_awards(track, {second.id: "third"})
    assert certificate_records.issue_award_certificates(track) == {"issued": 2, "kept": 4, "replaced": 2}
    replaced = db.session.scalars(select(Certificate).where(Certificate.entry_id == second.id)
                                  .order_by(Certificate.id)).all()
    assert [(c.serial, c.revoked_at is not None, c.title_zh) for c in replaced] == [
        ("QS2024-A-0002", True, "初创组二等奖"), ("QS2024-M-0004", True, "初创组二等奖"),
        ("QS2024-A-0003", False, "初创组三等奖"), ("QS2024-M-0005", False, "初创组三等奖")]

    growth = tracks.track_by_code(contest, "growth")
    with app.test_request_context(), pytest.raises(errors.ContestError) as refused:
        certificate_records.issue_award_certificates(growth)
    assert refused.value.status == 409 and count(db) == 8


def test_participation_and_judge_letters_once_each(db, contest, add_entry, panel, make_user):
    admitted = [add_entry(), add_entry("growth")]
    add_entry(admitted=False)  # still under review: no certificate
    make_user("judge")  # a judge account on no panel of this contest: no letter
    assert certificate_records.issue_participation_certificates(contest) == {"issued": 2, "kept": 0}
    assert certificate_records.issue_participation_certificates(contest) == {"issued": 0, "kept": 2}
    certs = db.session.scalars(select(Certificate).where(Certificate.kind == "participation")
                               .order_by(Certificate.id)).all()
    assert [c.entry_id for c in certs] == [e.id for e in admitted]
    assert [c.serial for c in certs] == ["QS2024-P-0001", "QS2024-P-0002"]
    assert certificate_records.issue_judge_certificates(contest.summit) == {"issued": 4, "kept": 0}
    assert certificate_records.issue_judge_certificates(contest.summit) == {"issued": 0, "kept": 4}
    letters = db.session.scalars(select(Certificate).where(Certificate.kind == "judge")).all()
    assert sorted(c.user_id for c in letters) == sorted(uid for uid, _e, _p in panel)
    assert {c.serial for c in letters} == {f"QS2024-J-{n:04d}" for n in range(1, 5)}


def test_certificate_pdf_reads_back(db, contest, awarded, tmp_path):
    import zxingcpp
    from PIL import Image

    track, first, _second = awarded
    certificate_records.issue_award_certificates(track)
    cert = db.session.scalar(select(Certificate).where(Certificate.recipient == "刘䶮"))
    data = certificate_records.certificate_pdf(cert)
    assert pages(data) == 1
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = extracted_text(data)
    url = certificate_records.verify_url(cert.code)
    for part in ("刘䶮", cert.serial, first.project_name, "一等奖", "First prize", "初创组", url):
        assert part in text, part
    squeezed = re.sub(r"\s+", "", text)  # the titles are letter-spaced
    assert squeezed.index("荣誉证书") < squeezed.index("CERTIFICATEOFAWARD")  # Chinese first
    assert glyph_problems(data) == []
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(path), str(tmp_path / "p")], check=True)
    found = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("p*.png"))))
    assert [b.text for b in found] == [url] and url.endswith(f"/verify/{cert.code}")


def test_every_kind_prints_with_rare_characters(db, contest, add_entry, make_user):
    from summit.contest.models import PanelJudge

    track = tracks.track_by_code(contest, "startup")
    entry = add_entry(project_name="欧阳䶮的<b>项目</b>", leader_name="龑明")
    awards.confirm_awards(track, {entry.id: "excellence"})
    judge_id, _email, _pw = make_user("judge", name="吉𠮷", organisation="中国海洋大学")
    db.session.add(PanelJudge(round_id=track.rounds[0].id, user_id=judge_id))
    db.session.commit()
    certificate_records.issue_award_certificates(track)
    certificate_records.issue_participation_certificates(contest)
    certificate_records.issue_judge_certificates(contest.summit)
    certs = certificate_records.certificate_list(contest.summit)
    assert [c.kind for c in certs] == ["award", "member_award", "participation", "judge"]
    data = certificate_records.render_certificates(certs)
    assert pages(data) == 4 and glyph_problems(data) == []
    text = extracted_text(data)
    for part in ("欧阳䶮的<b>项目</b>", "龑明", "吉𠮷", "中国海洋大学", "优秀奖", "Honourable mention"):
        assert part in text, part
    squeezed = re.sub(r"\s+", "", text)  # the titles are letter-spaced
    for title in ("荣誉证书", "参赛证明", "聘书", "LETTEROFAPPOINTMENT", "CERTIFICATEOFPARTICIPATION"):
        assert title in squeezed, title


def test_verify_page_confirms_and_shows_revoked(client, login, db, contest, awarded):
    track, first, _second = awarded
    certificate_records.issue_award_certificates(track)
    cert = db.session.scalar(select(Certificate).where(Certificate.recipient == "王㛃"))
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "genuine" in page and "王㛃" in page and cert.serial in page and first.project_name in page
    assert client.get("/verify/no-such-code").status_code == 404
    login("organizer")
    assert client.post(f"/contest/admin/certificates/{cert.id}/revoke").status_code == 303
    response = client.get(f"/verify/{cert.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "revoked" in page and cert.serial in page and "genuine" not in page
    again = client.post(f"/contest/admin/certificates/{cert.id}/revoke")  # once is enough
    assert again.status_code == 303 and again.location.endswith("/contest/admin/certificates")
    assert "This certificate is already revoked." in client.get("/contest/admin/certificates").get_data(as_text=True)
    assert client.get(f"/contest/admin/certificates/{cert.id}/certificate.pdf").status_code == 410


def test_pages_need_an_organizer(client, login, db, contest, awarded):
    track, _first, _second = awarded
    certificate_records.issue_award_certificates(track)
    cert = db.session.scalar(select(Certificate))
    urls = [("get", "/contest/admin/certificates"), ("get", f"/contest/admin/certificates/{cert.id}/certificate.pdf"),
            ("post", "/contest/admin/certificates/issue"), ("post", f"/contest/admin/certificates/{cert.id}/revoke"),
            ("post", "/contest/admin/certificates/batch")]
    for method, url in urls:
        response = getattr(client, method)(url, data={"action": "judge"} if method == "post" else None)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    login("judge")
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    db.session.rollback()
    assert db.session.get(Certificate, cert.id).revoked_at is None and count(db) == 6


def test_organizer_issues_prints_and_batches(client, login, db, contest, awarded, panel):
    track, first, _second = awarded
    login("organizer")
    assert "/contest/admin/certificates" in client.get("/contest/admin").get_data(as_text=True)
    response = client.post("/contest/admin/certificates/issue", data={"action": "award", "track": "startup"})
    assert response.status_code == 303
    assert client.post("/contest/admin/certificates/issue", data={"action": "judge"}).status_code == 303
    assert client.post("/contest/admin/certificates/issue", data={"action": "participation"}).status_code == 303
    db.session.rollback()
    assert count(db) == 6 + 4 + 3 and count(db, kind="participation") == 3
    # Bad input: a clear refusal, nothing written.
    assert client.post("/contest/admin/certificates/issue", data={"action": "bogus"}).status_code == 400
    assert client.post("/contest/admin/certificates/issue", data={"action": "award", "track": "x"}).status_code == 400
    refused = client.post("/contest/admin/certificates/issue", data={"action": "award", "track": "growth"})
    assert refused.status_code == 303 and refused.location.endswith("/contest/admin/certificates")
    assert "该组别尚无已确认的奖项" in client.get("/contest/admin/certificates").get_data(as_text=True)
    db.session.rollback()
    assert count(db) == 13

    page = client.get("/contest/admin/certificates").get_data(as_text=True)
    assert "QS2024-A-0001" in page and "QS2024-J-0004" in page and "刘䶮" in page
    cert = db.session.scalar(select(Certificate).where(Certificate.serial == "QS2024-M-0001"))
    one = client.get(f"/contest/admin/certificates/{cert.id}/certificate.pdf")
    assert one.status_code == 200 and one.mimetype == "application/pdf" and pages(one.data) == 1
    assert "刘䶮" in extracted_text(one.data)
    filtered = client.get("/contest/admin/certificates?kind=member_award&track=startup").get_data(as_text=True)
    assert "QS2024-M-0004" in filtered and "QS2024-A-0001" not in filtered

    # A batch of the team members' certificates, one revoked first: it is not printed.
    client.post(f"/contest/admin/certificates/{cert.id}/revoke")
    response = client.post("/contest/admin/certificates/batch", data={"kind": "member_award", "track": "startup"})
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    job = client.get(f"/jobs/{job_id}").json
    assert job["status"] == "done" and job["done"] == job["total"] == 3 and job["percent"] == 100
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/contest/admin/certificates/batches/{job_id}/download" in page
    pdf = client.get(f"/contest/admin/certificates/batches/{job_id}/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pages(pdf.data) == 3
    text = extracted_text(pdf.data)
    assert "王㛃" in text and "吉𠮷" in text and "张学莹" in text and "QS2024-M-0001" not in text
    assert glyph_problems(pdf.data) == []
    # Every certificate of the summit, the revoked one left out.
    response = client.post("/contest/admin/certificates/batch", data={})
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert pages(client.get(f"/contest/admin/certificates/batches/{job_id}/download").data) == 12
    # Nothing to print: refused, no job.
    empty = client.post("/contest/admin/certificates/batch", data={"kind": "award", "track": "growth"})
    assert empty.status_code == 303 and empty.location.endswith("/contest/admin/certificates")
    assert "没有符合所选条件的有效证书" in client.get("/contest/admin/certificates").get_data(as_text=True)
    assert client.get("/contest/admin/certificates/batches/999999").status_code == 404


def test_state_changes_need_the_csrf_token(app, client, login, db, contest, awarded):
    login("organizer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/contest/admin/certificates/issue",
                           data={"action": "award", "track": "startup"}).status_code == 400
        assert client.post("/contest/admin/certificates/batch", data={}).status_code == 400
        page = client.get("/contest/admin/certificates").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/contest/admin/certificates/issue",
                               data={"action": "award", "track": "startup", "csrf_token": token})
        assert response.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.rollback()
    assert count(db) == 6


def test_cli_writes_a_pdf(app, db, contest, awarded, tmp_path):
    track, _first, _second = awarded
    certificate_records.issue_award_certificates(track)
    out = tmp_path / "certs.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "-o", str(out), "--kind", "member_award", "--track", "startup"])
    assert result.exit_code == 0, result.output
    assert "4 certificate(s)" in result.output and pages(out.read_bytes()) == 4
    assert "刘䶮" in extracted_text(out.read_bytes())
    result = runner.invoke(args=["certificates", "-o", str(out)])
    assert result.exit_code == 0 and pages(out.read_bytes()) == 6
    result = runner.invoke(args=["certificates", "-o", str(out), "--kind", "judge"])
    assert result.exit_code != 0 and "no valid certificate" in result.output
    result = runner.invoke(args=["certificates", "-o", str(out), "--kind", "poster"])
    assert result.exit_code != 0


def test_demo_issues_certificates_once_awards_are_confirmed(db, demo_summit):
    from summit.contest import demo

    list(demo.load(demo_summit))
    assert count(db) == 0  # no confirmed awards yet: nothing to certify
    track = tracks.track_by_code(tracks.contest_for(demo_summit), "startup")
    # The demo's final has no scores yet: the places come from the preliminary round, by choice.
    awards.confirm_awards(track, {p["entry"].id: p["level"] for p in awards.propose_awards(track)[:3]},
                          earlier_round_ok=True)
    lines = list(demo.load(demo_summit))
    assert any("award certificates issued" in line for line in lines)
    issued = count(db)
    assert count(db, kind="award") == 3 and issued > 3
    assert list(demo.load(demo_summit)) == [] and count(db) == issued
