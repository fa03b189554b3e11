"""Shredding reaches every feature: after `summit shred YEAR` (or `summit shred-person`, or the
organizer's page) no name, phone, email, identity number, private link or file of the people
is left in any table or under the instance directory, and the figures stay.

The people come in through the real import (with its mails and private links), then get a
contest entry (leader, member, business plan, certificate PDF), booth meetings (CV, published
agenda mails with calendar files, the host's mail), roadshow interest, a research result and a
technology need, badge PDFs, audit values naming them, and an abandoned import preview."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, func, select

from summit.core.models import OutboundMail, Summit
from summit.extensions import db as _db
from summit.registration.models import Category, FieldTag, Registration
from tests.fixtures.contest import pdf_bytes
from tests.fixtures.registration import resident_id

PEOPLE = [
    # name, phone, email, identity number
    ("欧阳㛃", "13911112222", "ouyang.jie@example.com", resident_id(1985, 11)),
    ("司马䶮", "13933334444", "sima.yan@example.com", resident_id(1979, 12)),
    ("Ingrid Castellanos", "+4915112345678", "ingrid.castellanos@example.com", "C01X00T47"),
]
# People of the edition who never registered: a team member, a result's contact, an interested investor.
MEMBER = ("诸葛瑾瑜", "13955556666", "zhuge.jinyu@example.com")
RESULT_CONTACT = ("上官婉清", "13977778888", "shangguan.wq@example.com")
INVESTOR = ("慕容复兴", "13966667777", "murong.fx@example.com")
# A person of the current edition: untouched.
KEEP = ("长孙无忌", "13900009999", "zhangsun.wuji@example.com", resident_id(1970, 13))


@pytest.fixture
def app_config(tmp_path):
    instance = tmp_path / "instance"
    return {"INSTANCE_DIR": str(instance), "UPLOAD_DIR": str(instance / "uploads"),
            "PUBLIC_BASE_URL": "https://summit.example.org"}


def _csv(rows) -> bytes:
    header = "姓名,参会类别,单位,手机,邮箱,证件类型,证件号码,语言,状态\n"
    return (header + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


def _editions(db):
    past = Summit(year=2023, name_zh="2023千山峰会", name_en="Qianshan Summit 2023", starts_on=dt.date(2023, 11, 19),
                  ends_on=dt.date(2023, 11, 20), organizer_zh="千山", organizer_en="Qianshan")
    current = Summit(year=2099, name_zh="2099千山峰会", name_en="Qianshan Summit 2099", is_current=True,
                     starts_on=dt.date(2099, 11, 19), ends_on=dt.date(2099, 11, 20))
    db.session.add_all([past, current])
    db.session.flush()
    for s in (past, current):
        db.session.add_all([Category(summit_id=s.id, code="talent", name_zh="高层次人才", name_en="High-level talent"),
                            Category(summit_id=s.id, code="enterprise", name_zh="企业代表", name_en="Enterprise"),
                            FieldTag(summit_id=s.id, code="ai", name_zh="人工智能", name_en="AI")])
    db.session.commit()
    return past, current


def _import(app, tmp_path, year, rows):
    path = tmp_path / f"import-{year}.csv"
    path.write_bytes(_csv(rows))
    result = app.test_cli_runner().invoke(args=["import-registrations", str(path), "--year", str(year), "--send-mail"])
    assert result.exit_code == 0, result.output


def _tokens(db, email):
    bodies = db.session.scalars(select(OutboundMail.body_text).where(OutboundMail.to_addr == email)).all()
    found = {t for b in bodies for t in re.findall(r"/r/([A-Za-z0-9_-]{20,})", b)}
    assert found, email
    return found


def _everything(app, db, tmp_path):
    """The past edition with its people everywhere; returns what the test looks for."""
    from summit.auth import services as accounts
    from summit.badges import sheets
    from summit.contest import applications, certificate_batches, certificate_records
    from summit.contest.models import Award, Contest, Entry, Round, ScoreEvent, Track
    from summit.matchmaking import booking, requests as mm_requests, sessions_admin, timetable
    from summit.programme.models import Interest, ResearchResult, TechNeed
    from summit.registration import attendee

    past, current = _editions(db)
    _import(app, tmp_path, 2023, [(n, "高层次人才" if i < 2 else "企业代表", "青岛大学", p, e,
                                   "居民身份证" if i < 2 else "护照", idn, "en" if i == 2 else "zh_CN", "approved")
                                  for i, (n, p, e, idn) in enumerate(PEOPLE)])
    _import(app, tmp_path, 2099, [(KEEP[0], "高层次人才", "海尔", KEEP[1], KEEP[2], "居民身份证", KEEP[3], "zh_CN",
                                   "approved")])
    db.session.rollback()
    regs = {r.email: r for r in db.session.scalars(select(Registration).where(Registration.summit_id == past.id))}
    tokens = {e: _tokens(db, e) for _n, _p, e, _i in PEOPLE}
    keep_token = _tokens(db, KEEP[2])
    # An import preview left waiting (the first step of the organizer's page keeps the file).
    imports_dir = Path(app.config["UPLOAD_DIR"]) / "imports"
    imports_dir.mkdir(parents=True, exist_ok=True)
    (imports_dir / "abandonedpreviewfile0000000000.csv").write_bytes(_csv([(PEOPLE[0][0], "高层次人才", "青岛大学",
                                                                           PEOPLE[0][1], PEOPLE[0][2], "", "", "", "")]))
    # An organizer's edit: the audit trail keeps the old and new values.
    first = regs[PEOPLE[0][2]]
    attendee.save_changes(first, {"title": f"{PEOPLE[0][0]}教授", "dietary": f"call {PEOPLE[0][1]}"}, "edited")

    # The contest: person 1 leads, person 2 and a non-registrant are members; a business plan.
    contest = Contest(summit_id=past.id, name_zh="千创汇", name_en="Contest", contest_date=dt.date(2023, 11, 19))
    db.session.add(contest)
    db.session.flush()
    track = Track(contest_id=contest.id, code="startup", name_zh="初创组", name_en="Startup")
    db.session.add(track)
    db.session.flush()
    rnd = Round(track_id=track.id, name_zh="决赛", name_en="Final", kind="roadshow", status="closed")
    db.session.add(rnd)
    entry = Entry(track_id=track.id, project_name="深海机器人", organisation="青岛大学", leader_name=PEOPLE[0][0],
                  leader_phone=PEOPLE[0][1], leader_email=PEOPLE[0][2], team_token_hash=hashlib.sha256(b"team").hexdigest(),
                  members=[{"name": PEOPLE[1][0], "role": "CTO", "phone": PEOPLE[1][1], "email": PEOPLE[1][2]},
                           {"name": MEMBER[0], "role": "工程师", "phone": MEMBER[1], "email": MEMBER[2]}],
                  plan_path=applications.store_plan(pdf_bytes(2)), plan_filename=f"{PEOPLE[0][0]}-计划书.pdf")
    db.session.add(entry)
    db.session.flush()
    judge_id = accounts.create_user("judge@example.com", "correct-horse", ["judge"]).id
    db.session.add(ScoreEvent(round_id=rnd.id, entry_id=entry.id, judge_id=judge_id, kind="submit",
                              values={"innovation": 18.5}))
    db.session.add(Award(track_id=track.id, entry_id=entry.id, level="first", rank=1, score=88.5))
    db.session.commit()
    certificate_records.issue_certificate(past, "member_award", MEMBER[0], "一等奖", entry=entry)
    certificate_records.issue_certificate(past, "award", "深海机器人", "一等奖", entry=entry)
    db.session.commit()
    certificate_batches.start_certificate_batch(past, None, None, None)
    db.session.rollback()

    # Booth meetings: requests, a booking, the CV, the published timetable (agenda mails with
    # calendar files, the host's mail naming the talents).
    host_id = accounts.create_user("host@example.com", "correct-horse", ["host"]).id
    session = sessions_admin.create_session(past, title_zh="海大专场", title_en="OUC", host_org_zh="中国海洋大学",
                                            host_org_en="OUC", kind="university", day=dt.date(2023, 11, 20),
                                            start=dt.time(9, 0), end=dt.time(10, 0), slot_minutes=15)
    booth = sessions_admin.add_booth(session, name_zh="海洋学院", host_user_id=host_id, capacity=2)
    db.session.refresh(session)
    for n, (_name, _p, email, _i) in enumerate(PEOPLE[:2]):
        reg = db.session.get(Registration, regs[email].id)
        mm_requests.set_requests(reg, session, [booth.id], [])
        mm_requests.save_cv(reg, f"{_name}.pdf", pdf_bytes(1))
        booking.book(reg, booth, session.slots[n])
    from summit.matchmaking.models import Meeting

    # As the scheduler leaves them: drafts, published (and mailed) together.
    db.session.execute(_db.update(Meeting).values(published_at=None))
    db.session.commit()
    timetable.publish(db.session.get(type(session), session.id))
    # The host's note on the day, kept in the meeting's audit values too.
    from summit.matchmaking import host as mm_host

    met = db.session.scalar(select(Meeting).where(Meeting.registration_id == regs[PEOPLE[0][2]].id))
    mm_host.mark(met, "held", "interest", note=f"{PEOPLE[0][0]} 下周来面试，电话 {PEOPLE[0][1]}")

    # The roadshow: a result with its contact and team, an investor's interest, a technology need.
    result = ResearchResult(summit_id=past.id, title="海洋传感器", institution="中国海洋大学",
                            team=f"{RESULT_CONTACT[0]}、{PEOPLE[2][0]}", contact_name=RESULT_CONTACT[0],
                            contact_email=RESULT_CONTACT[2], contact_phone=RESULT_CONTACT[1], status="submitted",
                            token_hash=hashlib.sha256(b"result-token").hexdigest())
    db.session.add(result)
    db.session.flush()
    db.session.add(Interest(result_id=result.id, name=INVESTOR[0], organisation="崂山资本", contact=INVESTOR[1],
                            note=f"请联系 {INVESTOR[2]}"))
    db.session.add(Interest(result_id=result.id, name=PEOPLE[2][0], organisation="Acme", contact=PEOPLE[2][2]))
    # Person 1 left only a phone number here: shredding them by email must follow it.
    db.session.add(Interest(result_id=result.id, name=PEOPLE[0][0], organisation="青岛大学", contact=PEOPLE[0][1]))
    db.session.add(TechNeed(summit_id=past.id, enterprise="海尔集团", title="机器视觉", contact_name=PEOPLE[1][0],
                            contact_phone=PEOPLE[1][1], contact_email=PEOPLE[1][2],
                            token_hash=hashlib.sha256(b"need-token").hexdigest()))
    db.session.commit()

    # Badge PDFs of both editions.
    sheets.start_batch(past, "a6", None, "all", None)
    sheets.start_batch(current, "a6", None, "all", None)
    db.session.rollback()

    people = [(n, p, e, i, *tokens[e]) for n, p, e, i in PEOPLE]
    others = [MEMBER, RESULT_CONTACT, INVESTOR]
    needles = [v for person in people + others for v in person]
    needles += [hashlib.sha256(t.encode()).hexdigest() for _n, _p, e, _i in PEOPLE for t in tokens[e]]
    needles += [hashlib.sha256(t).hexdigest() for t in (b"team", b"result-token", b"need-token")]
    kept = [*KEEP, *keep_token]
    return past, needles, kept


def _database_text(db) -> str:
    """Every string and JSON value of every table, as one text."""
    parts = []
    for table in _db.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not cols:
            continue
        for row in db.session.execute(select(*cols)):
            for value in row:
                if value is not None:
                    parts.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return "\n".join(parts)


def _file_texts(root: Path) -> dict[Path, str]:
    """Every file under the instance directory, with the text a reader would find in it."""
    from pypdf import PdfReader

    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        text = data.decode("utf-8", "ignore")
        if data[:5] == b"%PDF-":
            text += "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        found[path] = text
    return found


def _figures(db, summit_id):
    from summit.contest.models import Award, Entry, ScoreEvent

    return {
        "by_category": sorted(db.session.execute(
            select(Category.code, Registration.status, func.count()).join(Category)
            .where(Registration.summit_id == summit_id).group_by(Category.code, Registration.status)).all()),
        "scores": db.session.scalars(select(ScoreEvent.values)).all(),
        "awards": db.session.execute(select(Entry.project_name, Award.level, Award.score).join(Award)).all(),
        "members": [len(m) for m in db.session.scalars(select(Entry.members))],
    }


def test_shredding_an_edition_leaves_nothing_of_its_people(app, db, tmp_path):
    past, needles, kept = _everything(app, db, tmp_path)
    instance = Path(app.config["INSTANCE_DIR"])
    before_text, before_files = _database_text(db), _file_texts(instance)
    # The setup did put every value somewhere, in the database or in a file.
    for needle in needles:
        assert needle in before_text or any(needle in t for t in before_files.values()), needle
    from summit.badges.models import PrintBatch

    stored = db.session.scalar(select(PrintBatch.file_path).where(PrintBatch.summit_id != past.id))
    current_sheet = Path(app.config["UPLOAD_DIR"]) / stored  # stored relative to the storage root
    files_of_people = [p for p in before_files if p != current_sheet and any(
        part in p.parts for part in ("cv", "contest", "imports", "mail", "certificates", "badges"))]
    assert {p.parent.name for p in files_of_people} >= {"cv", "contest", "imports", "mail", "certificates", "badges"}
    figures = _figures(db, past.id)
    db.session.rollback()

    result = app.test_cli_runner().invoke(args=["shred", "2023", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.rollback()

    text = _database_text(db)
    assert [n for n in needles if n.lower() in text.lower()] == []
    files = _file_texts(instance)
    assert [(p.name, n) for p, t in files.items() for n in needles if n in t] == []
    # The current edition's person, mail and badge sheet stay.
    assert all(v in text for v in kept)
    assert [p for p in files_of_people if p in files] == []
    assert [p for p in before_files if p not in files and p not in files_of_people] == []
    assert current_sheet in files
    assert _figures(db, past.id) == figures
    assert db.session.scalar(select(Summit.shredded_at).where(Summit.id == past.id)) is not None


def _gone_and_kept(app, db, gone, kept):
    db.session.rollback()
    text = _database_text(db).lower()
    files = _file_texts(Path(app.config["INSTANCE_DIR"]))
    assert [v for v in gone if v.lower() in text] == []
    assert [(p.name, v) for p, t in files.items() for v in gone if v in t] == []
    assert [v for v in kept if v.lower() not in text] == []


def _last_audit(db):
    from summit.core.models import AuditEvent

    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


def test_shred_person_on_the_command_line(app, db, tmp_path):
    past, needles, _kept = _everything(app, db, tmp_path)
    name, phone, email, id_number = PEOPLE[0]
    tokens = _tokens(db, email)
    cv_dir = Path(app.config["UPLOAD_DIR"]) / "cv"
    assert len(list(cv_dir.iterdir())) == 2
    figures = _figures(db, past.id)
    db.session.rollback()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["shred-person", "--year", "2023", "--yes"]).exit_code != 0  # whom?
    missing = runner.invoke(args=["shred-person", "--email", "nobody@example.com", "--year", "2023", "--yes"])
    assert missing.exit_code != 0
    result = runner.invoke(args=["shred-person", "--email", email.upper(), "--year", "2023", "--yes"])
    assert result.exit_code == 0, result.output
    _gone_and_kept(app, db, [name, phone, email, id_number, *tokens,
                             *[hashlib.sha256(t.encode()).hexdigest() for t in tokens]],
                   # The others of the edition stay: the member of the same team, the contacts.
                   [PEOPLE[1][0], PEOPLE[1][2], MEMBER[0], MEMBER[1], RESULT_CONTACT[2], INVESTOR[0]])
    assert len(list(cv_dir.iterdir())) == 1  # the other talent's CV stays
    assert _figures(db, past.id) == figures
    event = _last_audit(db)
    assert event.action == "person_shredded" and event.subject_type == "summits"
    assert name not in json.dumps([event.before, event.after, event.note], ensure_ascii=False)
    assert event.after["registrations"] == 1 and event.after["contest_entries"] == 1
    assert event.after["result_interests"] == 1


def test_shred_person_by_phone_reaches_rows_without_a_registration(app, db, tmp_path):
    _everything(app, db, tmp_path)
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["shred-person", "--phone", f"+86 {INVESTOR[1]}", "--year", "2023",
                                                "--yes"])
    assert result.exit_code == 0, result.output
    _gone_and_kept(app, db, list(INVESTOR), [PEOPLE[0][0], RESULT_CONTACT[0]])


def test_the_organizers_page_names_the_person_then_shreds_them(app, db, tmp_path, client, login):
    _everything(app, db, tmp_path)
    name, phone, email, id_number = PEOPLE[2]
    tokens = _tokens(db, email)
    db.session.rollback()
    login("organizer")
    assert client.get("/organizer/registrations/shred-person").status_code == 200
    assert "shred-person" in client.get("/organizer/registrations").get_data(as_text=True)
    bad = client.post("/organizer/registrations/shred-person?lang=en", data={"year": "2023", "email": "", "phone": ""})
    assert bad.status_code == 400 and "Give the person" in bad.get_data(as_text=True)
    nobody = client.post("/organizer/registrations/shred-person", data={"year": "2023", "email": "no@example.com"})
    assert nobody.status_code == 404
    asked = client.post("/organizer/registrations/shred-person", data={"year": "2023", "phone": "+49 151 12345678"})
    page = asked.get_data(as_text=True)
    # The confirmation names the person and what would change (her registration, her interest, a team list).
    assert asked.status_code == 200 and name in page and "result_interests</code> 1" in page
    assert "research_results</code> 1" in page and "registrations</code> 1" in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration).where(Registration.name == name)) == 1
    # Without the CSRF token the shredding is refused.
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/organizer/registrations/shred-person",
                              data={"year": "2023", "phone": "+49 151 12345678", "confirm": "1"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    done = client.post("/organizer/registrations/shred-person",
                       data={"year": "2023", "phone": "+49 151 12345678", "confirm": "1"})
    assert done.status_code == 303
    _gone_and_kept(app, db, [name, phone, email, id_number, *tokens], [PEOPLE[0][0], PEOPLE[1][2]])
    event = _last_audit(db)
    assert event.action == "person_shredded" and event.actor_id is not None
    assert name not in json.dumps([event.before, event.after, event.note, event.actor_label], ensure_ascii=False)
