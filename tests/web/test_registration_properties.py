"""Property-based: whatever the public form receives, the answer is never a 500 and the
database holds either one whole, valid registration or nothing new."""
from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, func, select

from summit.core.models import AuditEvent, OutboundMail
from summit.registration.identity import is_valid_passport, is_valid_resident_id, normalise_phone
from summit.registration.models import Registration
from summit.registration.validation import LIMITS
from tests.fixtures.registration import resident_id

# Any text a browser can send: no surrogates (not encodable), otherwise anything, including
# control characters, NUL, right-to-left overrides, script tags and SQL.
nasty = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400),
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE registrations; --", "\x00", "王" * 121,
                     "1" * 11, "+" + "9" * 16, "=SUM(A1)", "\u202e", "   ", "NaN", "1e309", "-0", "1899", "2999"]),
)
field_names = ["name", "gender", "category_id", "organisation", "title", "phone", "email", "id_type", "id_number",
               "birth_year", "degree", "overseas", "dietary", "consent"]


def fuzzed(base: dict, data) -> dict:
    form = dict(base)
    for name in data.draw(st.lists(st.sampled_from(field_names + ["fields", "programme_parts", "unknown"]),
                                   max_size=6, unique=True)):
        if name in ("fields", "programme_parts"):
            form[name] = data.draw(st.lists(nasty, max_size=4))
        elif data.draw(st.booleans()) and name in form:
            del form[name]
        else:
            form[name] = data.draw(nasty)
    return form


@pytest.fixture
def app_config():
    return {"MAIL_DISPATCH": "off"}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_public_form_never_fails_and_never_half_writes(app, db, reg_summit, person, data):
    base = person(data.draw(st.sampled_from(["enterprise", "talent", "media"])))
    form = fuzzed(base, data)
    client = app.test_client()
    response = client.post("/register", data=form)
    # A NUL byte is refused at the request boundary, before the form is read.
    has_nul = any("\x00" in v for value in form.values() for v in (value if isinstance(value, list) else [value]))
    assert response.status_code in ((400,) if has_nul else (303, 422)), response.status_code
    db.session.rollback()
    regs = db.session.scalars(select(Registration)).all()
    mails = db.session.scalar(select(func.count()).select_from(OutboundMail))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    if response.status_code == 303:
        [reg] = regs
        assert mails == 1 and events == 1
        assert reg.name.strip() and len(reg.name) <= LIMITS["name"] and "\x00" not in reg.organisation
        assert normalise_phone(reg.phone) == reg.phone
        assert (reg.id_type == "resident_id" and is_valid_resident_id(reg.id_number)) or \
               (reg.id_type == "passport" and is_valid_passport(reg.id_number))
        assert reg.status in ("approved", "pending", "waitlisted")
        assert client.get(response.headers["Location"]).status_code == 200  # the same page for everyone
    else:
        assert regs == [] and mails == 0 and events == 0
    # Start the next example from an empty table.
    db.session.execute(delete(AuditEvent))
    db.session.execute(delete(OutboundMail))
    db.session.execute(delete(Registration))
    db.session.commit()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.sampled_from(["q", "sort", "dir", "status", "category", "page", "checked_in"]),
                             st.text(alphabet=string.printable + "王%_\\", max_size=30)))
def test_organizer_list_takes_any_query(app, db, reg_summit, make_user, query):
    # One account per app (hypothesis runs every example with the same fixtures).
    if _accounts.get(id(app)) is None:
        _accounts[id(app)] = make_user("organizer")
    _uid, email, password = _accounts[id(app)]
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    assert client.get("/organizer/registrations", query_string=query).status_code == 200


_accounts: dict[int, tuple] = {}


def test_resident_id_fixture_is_valid():
    assert is_valid_resident_id(resident_id(1990, 7))
