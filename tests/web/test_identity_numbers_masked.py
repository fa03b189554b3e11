"""Identity numbers are masked in the audit trail as everywhere else."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from summit.core.models import AuditEvent
from summit.registration.models import Registration
from tests.fixtures.registration import resident_id


@pytest.fixture
def client(reg_client):
    return reg_client


def test_an_edited_identity_number_is_masked_in_the_history(client, db, login, reg_summit, person):
    data = person("talent")
    client.post("/register", data=data)
    login("organizer")
    reg = db.session.scalar(select(Registration))
    new_number = resident_id(1988, 777)
    form = {"name": reg.name, "category_id": str(reg.category_id), "organisation": reg.organisation,
            "phone": reg.phone, "email": reg.email, "id_type": "resident_id", "id_number": new_number,
            "birth_year": "1988", "overseas": "yes", "gender": "male", "fields": ["ai"],
            "programme_parts": ["opening"]}
    assert client.post(f"/organizer/registrations/{reg.id}/edit", data=form).status_code == 303
    db.session.expire_all()
    assert reg.id_number == new_number
    page = client.get(f"/organizer/registrations/{reg.id}").get_data(as_text=True)
    for number in (data["id_number"], new_number):
        assert number not in page
        assert "*" * 14 + number[-4:] in page
    rows = db.session.scalars(select(AuditEvent)).all()
    stored = repr([(row.before, row.after, row.note) for row in rows])
    assert data["id_number"] not in stored and new_number not in stored
