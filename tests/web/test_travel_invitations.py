"""Invitations: organizers invite a selection, remind those who have not answered; the invitee
replies and gives the travel through the private link; the letter PDF read back."""
from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from summit.core.models import AuditEvent, OutboundMail
from summit.registration.models import Registration
from summit.travel import invitations as service
from summit.travel.models import Invitation, Place, Travel
from tests.fixtures.pdfcheck import extracted_text, glyph_problems

PASSPORT = "E12345678"


@pytest.fixture
def people(db, reg_summit, category_ids):
    """Four registrations: two talents (one a passport holder), an enterprise representative and
    a cancelled talent."""
    rows = [
        Registration(summit_id=reg_summit.id, category_id=category_ids["talent"], name="严小天", phone="13900000001",
                     email="yan@example.com", status="approved", organisation="青岛虚拟现实研究院"),
        Registration(summit_id=reg_summit.id, category_id=category_ids["talent"], name="Anna Müller",
                     phone="+4915112345678", email="anna@example.com", status="approved", id_type="passport",
                     id_number=PASSPORT, language="en", organisation="TU München"),
        Registration(summit_id=reg_summit.id, category_id=category_ids["enterprise"], name="万志波",
                     phone="13900000003", email="wan@example.com", status="approved"),
        Registration(summit_id=reg_summit.id, category_id=category_ids["talent"], name="张学莹",
                     phone="13900000004", email="zhang@example.com", status="cancelled"),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def count(db, model, *where) -> int:
    db.session.rollback()  # a fresh read (SQLite WAL keeps an old snapshot in an open transaction)
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def token_in(body: str) -> str:
    return re.search(r"/travel/i/([A-Za-z0-9_-]+)", body).group(1)


def invite_all(client, db, people):
    response = client.post("/travel/invitations/invite", data={"registration_ids": [str(i) for i in people[:3]]})
    assert response.status_code == 303
    db.session.rollback()
    mails = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)).all()
    return {m.to_addr: token_in(m.body_text) for m in mails}


def test_organizer_lists_filters_and_invites_a_selection(client, db, login, people, reg_summit):
    login("organizer")
    page = client.get("/travel/invitations?category=talent").get_data(as_text=True)
    assert "严小天" in page and "Anna Müller" in page and "万志波" not in page
    assert "张学莹" not in client.get("/travel/invitations?status=approved").get_data(as_text=True)

    tokens = invite_all(client, db, people)
    invs = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [i.serial for i in invs] == ["QS2030-Y-0001", "QS2030-Y-0002", "QS2030-Y-0003"]
    assert {i.status for i in invs} == {"invited"}
    assert set(tokens) == {"yan@example.com", "anna@example.com", "wan@example.com"}
    # Only the hash of the private link is kept.
    assert all(i.token_hash == service.hash_token(tokens[i.registration.email]) for i in invs)
    assert not any(t in (i.token_hash, i.verify_code) for i in invs for t in tokens.values())
    mail = db.session.scalar(select(OutboundMail).where(OutboundMail.to_addr == "anna@example.com"))
    assert mail.subject.startswith("Invitation to the Qianshan Summit 2030") and mail.language == "en"
    assert mail.attachments[0]["render"] == "summit.travel.invitations:letter_pdf_for"
    chinese = db.session.scalar(select(OutboundMail).where(OutboundMail.to_addr == "yan@example.com"))
    assert "邀请" in chinese.subject and PASSPORT not in chinese.body_text

    # Inviting again makes no second invitation and no second mail.
    again = client.post("/travel/invitations/invite", data={"registration_ids": [str(people[0])]})
    assert again.status_code == 303
    assert count(db, Invitation) == 3 and count(db, OutboundMail) == 3
    page = client.get("/travel/invitations?invitation=invited").get_data(as_text=True)
    assert "QS2030-Y-0003" in page and 'id="count-not_answered">3<' in page


def test_bad_invitations_write_nothing(client, db, login, people):
    login("organizer")
    # A cancelled registration in the selection: the whole selection is refused.
    response = client.post("/travel/invitations/invite", data={"registration_ids": [str(people[0]), str(people[3])]},
                           follow_redirects=True)
    assert "张学莹" in response.get_data(as_text=True) and "不能邀请" in response.get_data(as_text=True)
    for data in ({}, {"registration_ids": ["abc"]}, {"registration_ids": ["99999"]},
                 {"registration_ids": ["99999999999999999999"]}):
        response = client.post("/travel/invitations/invite", data=data)
        assert response.status_code == 303, data
    assert count(db, Invitation) == 0 and count(db, OutboundMail) == 0


def test_pages_need_an_organizer(client, login, people):
    assert client.get("/travel/invitations").status_code == 302  # to the login page
    assert client.post("/travel/invitations/invite", data={"registration_ids": [str(people[0])]}).status_code == 302
    login("checkin")
    assert client.get("/travel/invitations").status_code == 403
    assert client.post("/travel/invitations/remind").status_code == 403


GOOD = {"arrival_mode": "flight", "arrival_number": "sc 4651", "arrival_at": "2030-11-18T09:40",
        "arrival_place_id": "1", "departure_mode": "train", "departure_number": "G202",
        "departure_at": "2030-11-21T14:05", "departure_place_id": "3", "party_size": "2", "pickup_wanted": "y",
        "check_in_on": "2030-11-18", "check_out_on": "2030-11-21", "room_preference": "shared",
        "dietary": "清真"}


def test_invitee_accepts_and_gives_travel(client, db, login, people):
    login("organizer")
    token = invite_all(client, db, people)["yan@example.com"]
    client.get("/logout")
    page = client.get(f"/travel/i/{token}").get_data(as_text=True)
    assert "严小天" in page and "接受" in page
    assert client.get(f"/travel/i/{token}x").status_code == 404
    # The travel form waits for the answer.
    assert client.get(f"/travel/i/{token}/travel").status_code == 303
    assert client.post(f"/travel/i/{token}/reply", data={"answer": "maybe"}).status_code == 400
    assert count(db, Invitation, Invitation.status != "invited") == 0

    response = client.post(f"/travel/i/{token}/reply", data={"answer": "accept"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/travel/i/{token}/travel")
    form = client.get(f"/travel/i/{token}/travel").get_data(as_text=True)
    assert "青岛胶东国际机场" in form and "青岛北站" in form

    bad = client.post(f"/travel/i/{token}/travel", data={
        **GOOD, "arrival_number": "XYZ12345", "departure_at": "2030-11-18T08:00", "arrival_place_id": "77",
        "party_size": "0", "check_out_on": "2030-11-17"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "航班号" in text and "离开时间必须晚于抵达时间。" in text
    assert "请从列表中选择机场或车站。" in text and "退房日期必须晚于入住日期。" in text
    assert count(db, Travel) == 0
    malformed = client.post(f"/travel/i/{token}/travel", data={**GOOD, "arrival_at": "tomorrow",
                                                               "departure_number": ""})
    assert malformed.status_code == 422 and "请填写航班号或车次。" in malformed.get_data(as_text=True)
    assert count(db, Travel) == 0

    ok = client.post(f"/travel/i/{token}/travel", data=GOOD)
    assert ok.status_code == 303
    db.session.rollback()
    travel = db.session.scalar(select(Travel))
    assert travel.arrival_number == "SC4651" and travel.departure_number == "G202"
    assert travel.arrival_at == dt.datetime(2030, 11, 18, 1, 40)  # 09:40 in Qingdao, stored as UTC
    assert travel.arrival_place.code == "TAO" and travel.departure_place.code == "QDN"
    assert (travel.party_size, travel.pickup_wanted, travel.room_preference) == (2, True, "shared")
    assert "SC4651" in client.get(f"/travel/i/{token}").get_data(as_text=True)
    assert 'value="SC4651"' in client.get(f"/travel/i/{token}/travel").get_data(as_text=True)
    login("organizer")
    listed = client.get("/travel/invitations?invitation=accepted").get_data(as_text=True)
    assert "严小天" in listed and "SC4651 · 11-18 09:40 · TAO · 2人" in listed

    # Declining afterwards drops the travel.
    assert client.post(f"/travel/i/{token}/reply", data={"answer": "decline"}).status_code == 303
    assert count(db, Travel) == 0 and count(db, Invitation, Invitation.status == "declined") == 1
    assert count(db, AuditEvent, AuditEvent.action == "invitation.replied") == 2


def test_travel_messages_in_english(client, db, login, people):
    login("organizer")
    token = invite_all(client, db, people)["anna@example.com"]
    client.post(f"/travel/i/{token}/reply", data={"answer": "accept"})
    bad = client.post(f"/travel/i/{token}/travel", data={**GOOD, "arrival_mode": "train", "arrival_number": "SC4651",
                                                         "departure_at": "2030-11-18T09:40"},
                      headers={"Accept-Language": "en"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "A train number is a letter" in text and "The departure must be later than the arrival." in text


def test_remind_those_who_have_not_answered(client, db, login, people):
    login("organizer")
    tokens = invite_all(client, db, people)
    client.post(f"/travel/i/{tokens['wan@example.com']}/reply", data={"answer": "decline"})
    assert client.post("/travel/invitations/remind").status_code == 303  # nobody ticked: refused
    assert count(db, OutboundMail) == 3
    response = client.post("/travel/invitations/remind", data={"all": "1"})
    assert response.status_code == 303
    db.session.rollback()
    reminders = db.session.scalars(select(OutboundMail).where(OutboundMail.id > 3).order_by(OutboundMail.id)).all()
    assert sorted(m.to_addr for m in reminders) == ["anna@example.com", "yan@example.com"]
    assert reminders[0].subject.startswith(("提醒", "Reminder"))
    # The reminder carries a new link; the old one no longer opens.
    fresh = {m.to_addr: token_in(m.body_text) for m in reminders}
    assert client.get(f"/travel/i/{tokens['yan@example.com']}").status_code == 404
    assert client.get(f"/travel/i/{fresh['yan@example.com']}").status_code == 200
    assert count(db, Invitation, Invitation.reminders == 1) == 2
    # Nobody left to remind among the chosen: refused, nothing queued.
    declined = db.session.scalar(select(Invitation.id).where(Invitation.status == "declined"))
    response = client.post("/travel/invitations/remind", data={"invitation_ids": [str(declined)]},
                           follow_redirects=True)
    assert "没有" in response.get_data(as_text=True)
    assert count(db, OutboundMail) == 5


def test_letter_reads_back(client, db, login, people, tmp_path):
    import zxingcpp
    from PIL import Image

    login("organizer")
    tokens = invite_all(client, db, people)
    chinese = db.session.scalar(select(Invitation).join(Registration).where(Registration.email == "yan@example.com"))
    data = client.get(f"/travel/invitations/{chinese.id}/letter.pdf").data
    assert data.startswith(b"%PDF")
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    text = extracted_text(data)
    squeezed = re.sub(r"\s+", "", text)
    for part in ("邀请函", "严小天", chinese.serial, "2030千山峰会", "千山大厦",
                 "2030年11月19日至2030年11月20日", "19November2030to20November2030", "组委会承担"):
        assert part in squeezed, part
    assert squeezed.index("邀请函") < squeezed.index("LETTEROFINVITATION")  # Chinese first (the title in capitals)
    assert glyph_problems(data) == []
    url = f"http://localhost/travel/verify/{chinese.verify_code}"  # where the request that printed it came
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "p")], check=True)
    found = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("p*.png"))))
    assert [b.text for b in found] == [url]
    verify = client.get(url)
    assert verify.status_code == 200 and chinese.serial in verify.get_data(as_text=True)
    assert client.get("/travel/verify/nope").status_code == 404

    # A passport holder: an English letter with the passport number and the dates of stay.
    token = tokens["anna@example.com"]
    client.post(f"/travel/i/{token}/reply", data={"answer": "accept"})
    assert client.post(f"/travel/i/{token}/travel", data=GOOD).status_code == 303
    data = client.get(f"/travel/i/{token}/letter.pdf").data
    squeezed = re.sub(r"\s+", "", extracted_text(data))
    for part in ("LetterofInvitation", "AnnaMüller", PASSPORT, "18November2030", "21November2030"):
        assert part in squeezed, part
    # The number is on the letter and nowhere else.
    db.session.rollback()
    anna = db.session.scalar(select(Invitation).join(Registration).where(Registration.email == "anna@example.com"))
    for page in (f"/travel/i/{token}", f"/travel/verify/{anna.verify_code}",
                 "/travel/invitations"):
        assert PASSPORT not in client.get(page).get_data(as_text=True), page
    assert PASSPORT not in re.sub(r"\s+", "", extracted_text(
        client.get(f"/travel/invitations/{chinese.id}/letter.pdf").data))


def test_dashboard_counts_replies_and_arrivals(client, db, login, people, reg_summit):
    login("organizer")
    tokens = invite_all(client, db, people)
    for email in ("yan@example.com", "anna@example.com"):
        client.post(f"/travel/i/{tokens[email]}/reply", data={"answer": "accept"})
        client.post(f"/travel/i/{tokens[email]}/travel", data=GOOD)
    db.session.rollback()
    counts = service.counts(reg_summit)
    assert counts == {"invited": 3, "accepted": 2, "declined": 0, "not_answered": 1}
    tao = db.session.scalar(select(Place.id).where(Place.code == "TAO"))
    assert service.arrivals(reg_summit) == {(dt.date(2030, 11, 18), tao): 4}  # two parties of two
    page = client.get(f"/dashboard/{reg_summit.id}").get_data(as_text=True)
    assert "邀请与抵达" in page and "青岛胶东国际机场" in page


def test_organizer_keeps_the_list_of_places(client, db, login, people):
    login("organizer")
    page = client.get("/travel/places").get_data(as_text=True)
    assert "青岛胶东国际机场" in page and "青岛站" in page and "青岛北站" in page
    response = client.post("/travel/places", data={"code": "jnz", "kind": "station", "name_zh": "济南西站",
                                                   "name_en": "Jinan West Railway Station"})
    assert response.status_code == 303
    for bad in ({"code": "TAO", "kind": "airport", "name_zh": "重复"}, {"code": "x", "kind": "airport", "name_zh": "短"},
                {"code": "ABC", "kind": "port", "name_zh": "港口"}, {"code": "ABD", "kind": "airport", "name_zh": ""}):
        assert client.post("/travel/places", data=bad).status_code == 303, bad
    assert count(db, Place) == 4
    qdz = db.session.scalar(select(Place).where(Place.code == "QDZ"))
    assert client.post(f"/travel/places/{qdz.id}/active", data={"active": "0"}).status_code == 303
    token = invite_all(client, db, people)["yan@example.com"]
    client.post(f"/travel/i/{token}/reply", data={"answer": "accept"})
    form = client.get(f"/travel/i/{token}/travel").get_data(as_text=True)
    assert "济南西站" in form and "青岛站 (QDZ)" not in form
    refused = client.post(f"/travel/i/{token}/travel", data={**GOOD, "arrival_place_id": str(qdz.id)})
    assert refused.status_code == 422 and count(db, Travel) == 0


NASTY = ["", " ", "0", "-1", "1e309", "NaN", "<script>alert(1)</script>", "\u0000", "𠀀𪚥", "a" * 5000,
         "2030-13-45T25:61", "99999999999999999999"]


def test_travel_form_takes_any_input_without_a_server_error(client, db, login, people):
    login("organizer")
    token = invite_all(client, db, people)["yan@example.com"]
    client.post(f"/travel/i/{token}/reply", data={"answer": "accept"})
    for name in GOOD:
        for value in NASTY:
            response = client.post(f"/travel/i/{token}/travel", data={**GOOD, name: value})
            # 400: the request guard refuses what no database can store (NUL) before the form sees it.
            assert response.status_code in (303, 400, 422), (name, value, response.status_code)
    db.session.rollback()
    travel = db.session.scalar(select(Travel))
    assert travel is not None and "\x00" not in travel.dietary
    assert client.post(f"/travel/i/{token}/reply", data={"answer": "\u0000"}).status_code == 400


def test_travel_pages_are_valid_html(client, db, login, people, database_url, tmp_path):
    """The Nu HTML checker over the pages of the journey, the form with its errors included (the
    demo summit has no invitations, so the project's page walk does not reach them)."""
    import json

    from tests.web.test_ops_html import CHECKER_GAPS, vnu_command

    if not database_url.startswith("sqlite"):
        pytest.skip("the markup does not depend on the database; checked once, on SQLite")
    command = vnu_command()
    login("organizer")
    token = invite_all(client, db, people)["yan@example.com"]
    inv = db.session.scalar(select(Invitation).where(Invitation.status == "invited"))
    pages = {"list": client.get("/travel/invitations"), "places": client.get("/travel/places"),
             "reply": client.get(f"/travel/i/{token}"), "verify": client.get(f"/travel/verify/{inv.verify_code}")}
    client.post(f"/travel/i/{token}/reply", data={"answer": "accept"})
    pages["form"] = client.get(f"/travel/i/{token}/travel")
    pages["form-errors"] = client.post(f"/travel/i/{token}/travel", data={**GOOD, "arrival_number": "X"})
    client.post(f"/travel/i/{token}/travel", data=GOOD)
    pages["accepted"] = client.get(f"/travel/i/{token}")
    folder = tmp_path / "pages"  # not tmp_path itself: the test's database lives there
    folder.mkdir()
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
        (folder / f"{name}.html").write_bytes(response.data)
    done = subprocess.run(command + ["--errors-only", "--format", "json", "--no-langdetect", str(folder)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/', 1)[-1]}: {m['message']} [{m.get('extract', '')[:80]}]"
                for m in messages if (m.get("type") == "error" or m.get("subType") == "fatal")
                and m.get("message") not in CHECKER_GAPS]
    assert not problems, "\n".join(problems)


def test_shredding_a_person_reaches_the_invitation_and_travel(app, client, db, login, people, reg_summit):
    from summit.registration import retention

    login("organizer")
    tokens = invite_all(client, db, people)
    for email in ("yan@example.com", "anna@example.com"):
        client.post(f"/travel/i/{tokens[email]}/reply", data={"answer": "accept"})
        assert client.post(f"/travel/i/{tokens[email]}/travel", data=GOOD).status_code == 303
    with app.test_request_context():
        rows = retention.shred_person(db.session.get(type(reg_summit), reg_summit.id), email="yan@example.com")
    assert rows["invitations"] == 1 and rows["travels"] == 1
    db.session.rollback()
    yan, anna = db.session.scalars(select(Travel).order_by(Travel.id)).all()
    assert (yan.arrival_number, yan.departure_number, yan.dietary) == ("", "", "")
    assert (anna.arrival_number, anna.dietary) == ("SC4651", "清真")  # the other person is untouched
    assert client.get(f"/travel/i/{tokens['yan@example.com']}").status_code == 404
    assert client.get(f"/travel/i/{tokens['anna@example.com']}").status_code == 200
    assert sum(service.arrivals(reg_summit).values()) == 4  # the figures stay
