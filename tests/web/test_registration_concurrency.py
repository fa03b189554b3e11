"""Concurrent submissions: the same person twice gives one row; the last seat goes once."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from summit.registration.models import Registration


def _race(app, payloads):
    """Post every payload at the same moment from its own thread and client."""
    barrier = threading.Barrier(len(payloads))
    results = [None] * len(payloads)

    def run(i, data):
        client = app.test_client()
        barrier.wait()
        results[i] = client.post("/register", data=data).status_code

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(payloads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_concurrent_submissions_of_one_person_make_one_row(app, db, reg_summit, person):
    data = person()
    db.session.rollback()
    for _attempt in range(3):
        statuses = _race(app, [data, data])
        assert statuses == [303, 303]  # the same answer: nobody learns who registered first
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_same_phone_different_email_concurrently(app, db, reg_summit, person):
    first = person()
    second = person(phone=first["phone"])
    db.session.rollback()
    statuses = _race(app, [first, second, first])
    assert statuses == [303, 303, 303]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_the_last_seats_are_not_overbooked(app, db, reg_summit, person):
    people = [person("media") for _ in range(6)]  # capacity 2
    db.session.rollback()
    statuses = _race(app, people)
    assert statuses == [303] * 6
    db.session.rollback()
    rows = db.session.scalars(select(Registration.status)).all()
    assert sorted(rows) == ["approved", "approved", "waitlisted", "waitlisted", "waitlisted", "waitlisted"]
