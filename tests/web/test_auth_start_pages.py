"""After logging in, each role lands on the page it works on, unless a safe `next` says otherwise."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("roles, start", [
    (("host",), "/host/booths"),
    (("judge",), "/contest/judge"),
    (("checkin",), "/checkin"),
    (("organizer",), "/dashboard/"),
    (("organizer", "checkin"), "/dashboard/"),  # the wider role's page first
    (("checkin", "host"), "/checkin"),
])
def test_each_role_lands_on_its_own_start_page(client, reg_summit, make_user, roles, start):
    _id, email, password = make_user(*roles)
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302 and response.headers["Location"] == start
    assert client.get(start, follow_redirects=True).status_code == 200


def test_a_safe_next_wins_and_a_foreign_one_is_ignored(client, make_user):
    _id, email, password = make_user("host")
    response = client.post("/login", data={"email": email, "password": password, "next": "/checkin?x=1"})
    assert response.headers["Location"] == "/checkin?x=1"
    client.post("/logout")
    response = client.post("/login", data={"email": email, "password": password, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/host/booths"
