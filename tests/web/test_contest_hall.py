"""The contest in the hall: the stage control says how many judges have scored the entry on stage
and asks before revealing an incomplete score; awards and the results page are published only
after a review that shows what will be published."""
from __future__ import annotations

import json

from sqlalchemy import select

from summit.contest.models import Award, Round, Track

GOOD = {"innovation": 25, "market": 20, "team": 15, "business": 10, "feasibility": 8}


def login_as(client, email, password):
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302


def round_of(db, kind, code="startup") -> Round:
    return db.session.scalar(select(Round).join(Track).where(Track.code == code, Round.kind == kind))


def submit(app, judge, round_id, entry_id, values=GOOD):
    c = app.test_client()
    login_as(c, *judge[1:])
    body = {"round": round_id, "entry": entry_id, "kind": "submit", "values": values, "comment": "",
            "client_id": f"h-{round_id}-{entry_id}-{judge[0]}"}
    assert c.post("/contest/judge/scores", data=json.dumps(body), content_type="application/json").status_code == 201


def test_stage_control_counts_the_judges_and_confirms_an_incomplete_reveal(client, app, db, contest, add_entry,
                                                                           panel, login):
    entry = add_entry()
    final = round_of(db, "roadshow")
    submit(app, panel[0], final.id, entry.id)
    login("organizer")
    assert client.post("/stage/control", data={"action": "show", "item": f"entry:{entry.id}:{final.id}"}).status_code == 302
    page = client.get("/stage/control").get_data(as_text=True)
    assert "4 位评委中已有 1 位评分" in page
    # The first reveal is a question, not a reveal: the big screen still shows no score.
    r = client.post("/stage/control", data={"action": "reveal"})
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and "评分尚未完成" in body and 'name="incomplete_ok" value="1"' in body
    screen = app.test_client().get("/stage/state.json").json
    assert not screen["revealed"] and screen["item"]["score"] is None and "progress" not in screen or \
        screen.get("progress") is None
    r = client.post("/stage/control", data={"action": "reveal"}, headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.json["code"] == "incomplete_score" and r.json["progress"] == {
        "scored": 1, "expected": 4}
    # Confirmed: revealed, labelled with one judge, in the singular in English.
    assert client.post("/stage/control", data={"action": "reveal", "incomplete_ok": "1"}).status_code == 302
    screen = app.test_client().get("/stage/state.json", headers={"Accept-Language": "en"}).json
    assert screen["revealed"] and screen["item"]["score"] == "78.00" and screen["item"]["score_label"] == "1 judge"
    assert app.test_client().get("/stage/state.json").json["item"]["score_label"] == "1 位评委"
    client.post("/stage/control", data={"action": "hide"})
    # Everyone has scored: revealed at once, no question.
    for judge in panel[1:]:
        submit(app, judge, final.id, entry.id)
    page = client.get("/stage/control", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "4 of 4 judges have scored" in page
    assert client.post("/stage/control", data={"action": "reveal"}).status_code == 302
    screen = app.test_client().get("/stage/state.json", headers={"Accept-Language": "en"}).json
    assert screen["revealed"] and screen["item"]["score_label"] == "4 judges"


def test_a_recused_judge_is_not_waited_for(client, app, db, contest, add_entry, panel, login):
    entry = add_entry(organisation="机构1")  # judge 1 works there: recused
    final = round_of(db, "roadshow")
    for judge in (panel[0], panel[2], panel[3]):
        submit(app, judge, final.id, entry.id)
    login("organizer")
    client.post("/stage/control", data={"action": "show", "item": f"entry:{entry.id}:{final.id}"})
    assert "3 位评委中已有 3 位评分" in client.get("/stage/control").get_data(as_text=True)
    assert client.post("/stage/control", data={"action": "reveal"}).status_code == 302
