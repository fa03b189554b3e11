"""The one private-link lookup every feature's private page uses, and duplicates told apart by
the unique constraint the database names (on SQLite and on PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from summit.registration import attendee, links
from summit.registration.errors import DuplicateRegistration
from summit.registration.models import Category
from tests.fixtures.registration import link_token


@pytest.fixture
def client(reg_client):
    return reg_client


def _clean(reg_summit, db, n: int, **overrides) -> dict:
    category_id = db.session.scalar(select(Category.id).where(Category.summit_id == reg_summit.id,
                                                              Category.code == "enterprise"))
    # Addresses and numbers that name other fields: a match on the error's text would be fooled.
    return {"name": f"李{n}", "category_id": category_id, "organisation": "海尔集团",
            "phone": f"1390000{n:04d}", "email": f"phone.email.{n}@example.com",
            "id_type": "passport", "id_number": f"E{n:07d}", "language": "zh_CN", **overrides}


@pytest.mark.parametrize("field", ["phone", "email", "id_number"])
def test_a_duplicate_names_the_field_of_the_constraint_it_broke(db, reg_summit, field):
    first = _clean(reg_summit, db, 1)
    attendee.submit(reg_summit, first, send_mail=False)
    second = _clean(reg_summit, db, 2, **{field: first[field]})
    if field == "id_number":
        second["id_type"] = first["id_type"]
    with pytest.raises(DuplicateRegistration) as caught:
        attendee.submit(reg_summit, second, send_mail=False)
    assert caught.value.fields == [field] and caught.value.field == field
    assert caught.value.status == 409


def test_a_duplicate_from_an_edit_names_its_field(db, reg_summit):
    first = _clean(reg_summit, db, 1)
    attendee.submit(reg_summit, first, send_mail=False)
    reg, _token = attendee.submit(reg_summit, _clean(reg_summit, db, 2), send_mail=False)
    with pytest.raises(DuplicateRegistration) as caught:
        attendee.save_changes(reg, {"email": first["email"]}, "edited")
    assert caught.value.fields == ["email"]


def test_one_lookup_for_the_private_link(db, reg_summit):
    reg, token = attendee.submit(reg_summit, _clean(reg_summit, db, 1), send_mail=False)
    assert links.registration_by_token(token).id == reg.id
    assert links.registration_by_token(token, allow_closed=False).id == reg.id
    for bad in ("", "x" * 201, token[:-1]):
        assert links.registration_by_token(bad) is None
    attendee.cancel(reg, by_attendee=True, token=token)
    # The registration's own page still opens (it shows the cancellation); the agenda does not.
    assert links.registration_by_token(token).status == "cancelled"
    assert links.registration_by_token(token, allow_closed=False) is None


def test_each_private_page_keeps_its_rule_for_a_cancelled_registration(client, db, reg_summit, person):
    response = client.post("/register", data=person())
    assert response.status_code == 303
    token = link_token()
    assert client.post(f"/r/{token}/cancel").status_code == 303
    assert client.get(f"/r/{token}").status_code == 200
    assert client.get(f"/me/{token}/sessions").status_code == 200
    assert client.get(f"/me/{token}").status_code == 404
