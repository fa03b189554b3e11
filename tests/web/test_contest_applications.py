import datetime as dt
import io

from sqlalchemy import select

from summit.contest.models import Entry
from summit.core.models import AuditEvent
from tests.fixtures.contest import pdf_bytes

FORM = {
    "track": "growth", "project_name": "海洋多糖敷料", "field": "other", "organisation": "青岛海胶生物科技有限公司",
    "leader_name": "李雷", "leader_phone": "13912345678", "leader_email": "lilei@example.com",
    "members-0-name": "韩梅梅", "members-0-role": "CTO", "members-0-organisation": "青岛大学",
    "founded_on": "2022-03-01", "is_company": "y", "registered_capital": "500", "financing_stage": "angel",
    "summary": "海洋来源多糖医用敷料。",
}


def post(client, data, plan=b"", name="plan.pdf", url="/contest/apply"):
    body = dict(data)
    if plan is not None:
        body["business_plan"] = (io.BytesIO(plan), name)
    return client.post(url, data=body, content_type="multipart/form-data")


def test_apply_then_edit_through_private_link(client, db, contest):
    r = post(client, FORM, pdf_bytes(2))
    assert r.status_code == 201, r.data[:400]
    html = r.get_data(as_text=True)
    link = html.split("/contest/team/")[1].split("<")[0]
    entry = db.session.scalar(select(Entry))
    assert entry.project_name == "海洋多糖敷料" and entry.eligible and entry.members[0]["name"] == "韩梅梅"
    assert len(link) >= 40 and link not in (entry.team_token_hash,)
    assert client.get(f"/contest/team/{link}").status_code == 200
    r = post(client, dict(FORM, project_name="海洋多糖敷料二代"), None, url=f"/contest/team/{link}")
    assert r.status_code == 302
    db.session.rollback()
    assert db.session.get(Entry, entry.id).project_name == "海洋多糖敷料二代"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.updated")).after == {
        "project_name": "海洋多糖敷料二代"}
    assert client.get("/contest/team/not-a-real-token").status_code == 404


def test_plan_must_really_be_a_pdf(client, db, contest):
    r = post(client, FORM, b"MZ\x90\x00 this is an executable renamed", name="plan.pdf")
    assert r.status_code == 422 and "PDF" in r.get_data(as_text=True)
    r = post(client, FORM, b"%PDF-1.7\n garbage that is no pdf at all", name="plan.pdf")
    assert r.status_code == 422
    r = post(client, FORM, None)
    assert r.status_code == 422
    assert db.session.scalar(select(Entry)) is None


def test_plan_size_limited(app, client, db, contest):
    app.config["CONTEST_PLAN_MAX_MB"] = 1
    big = pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    r = post(client, FORM, big)
    assert r.status_code == 413
    assert db.session.scalar(select(Entry)) is None


def test_growth_rules_flag_with_reason_and_override_needs_note(client, db, contest, login):
    r = post(client, dict(FORM, founded_on="2019-01-01"), pdf_bytes())
    assert r.status_code == 201
    entry = db.session.scalar(select(Entry))
    assert not entry.eligible and entry.eligibility_reasons[0][0] == "founded_too_early"
    login("organizer")
    page = client.get(f"/contest/admin/entries/{entry.id}").get_data(as_text=True)
    assert "2020-11-19" in page  # the earliest founding date the rule accepts
    url = f"/contest/admin/entries/{entry.id}"
    # A refused action goes back to the entry's page with the reason (303), and changes nothing.
    r = client.post(f"{url}/admit")
    assert r.status_code == 303 and r.location.endswith(url)
    assert "该项目不符合参赛资格" in client.get(url).get_data(as_text=True)
    r = client.post(f"{url}/override", data={"ov-decision": "eligible", "ov-note": ""})
    assert r.status_code == 303 and r.location.endswith(url)
    assert "请填写人工认定的理由" in client.get(url).get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Entry, entry.id).status == "submitted"
    assert db.session.get(Entry, entry.id).eligibility_override is None
    r = client.post(f"{url}/override", data={"ov-decision": "eligible", "ov-note": "区人才办认定为特殊引进项目"})
    assert r.status_code == 302
    assert client.post(f"{url}/admit").status_code == 302
    db.session.rollback()
    entry = db.session.get(Entry, entry.id)
    assert entry.status == "admitted" and entry.eligibility_note == "区人才办认定为特殊引进项目"
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "entry.eligibility_override" in actions and "entry.admitted" in actions


def test_closed_after_deadline(client, db, contest, add_entry):
    entry = add_entry("startup", admitted=False)
    contest.application_deadline = dt.datetime(2000, 1, 1)
    db.session.commit()
    assert post(client, FORM, pdf_bytes()).status_code == 409
    r = post(client, dict(FORM, track="startup"), None, url=f"/contest/team/{entry.token}")
    assert r.status_code == 409


def test_bad_fields_beside_the_field(client, db, contest):
    r = post(client, dict(FORM, leader_email="not-an-email", summary="长" * 1001), pdf_bytes())
    assert r.status_code == 422
    assert r.get_data(as_text=True).count("invalid-feedback") >= 2
    assert db.session.scalar(select(Entry)) is None


def test_admin_pages_need_the_organizer_role(client, contest, login):
    assert client.get("/contest/admin").status_code == 302
    login("judge")
    assert client.get("/contest/admin").status_code == 403
    assert client.get("/contest/admin/scores.xlsx").status_code == 403
    assert client.post("/stage/control", data={"action": "clear"}).status_code == 403
