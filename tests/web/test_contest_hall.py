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


def _scored_preliminary(app, db, add_entry, panel):
    """Three startup entries scored in the preliminary (online) round only: 项目1 < 项目2 < 项目3."""
    from summit.contest.models import Assignment

    entries = [add_entry() for _ in range(3)]
    prelim = round_of(db, "online")
    for entry in entries:
        db.session.add(Assignment(round_id=prelim.id, entry_id=entry.id, judge_id=panel[0][0], source="manual"))
    db.session.commit()
    for i, entry in enumerate(entries):
        submit(app, panel[0], prelim.id, entry.id, dict(GOOD, innovation=10 + 5 * i))
    return entries, prelim


def _awards(db, track_id):
    db.session.rollback()
    return {a.entry_id: a.level for a in db.session.scalars(select(Award).where(Award.track_id == track_id))}


def test_awards_are_reviewed_and_an_earlier_round_needs_an_explicit_choice(client, app, db, contest, add_entry,
                                                                          panel, login):
    entries, prelim = _scored_preliminary(app, db, add_entry, panel)
    track_id = prelim.track_id
    login("organizer")
    page = f"/contest/admin/tracks/{track_id}/awards"
    decisions = {f"level_{entries[2].id}": "first", f"level_{entries[1].id}": "second", f"level_{entries[0].id}": ""}
    # "Confirm awards" first shows what would be confirmed: the round, the entries, their places.
    r = client.post(f"{page}/confirm", data=decisions)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and _awards(db, track_id) == {}
    assert "名次依据初赛的排名" in body and "初赛不是本组的最后一轮" in body and "2 个项目将获奖" in body
    assert body.index(entries[2].project_name) < body.index("二等奖") < body.index(entries[1].project_name)
    assert 'name="earlier_round_ok"' in body and f'name="round_id" value="{prelim.id}"' in body
    # Confirmed without choosing the earlier round: refused, nothing saved, the reason on the page.
    confirmed = dict(decisions, confirmed="1", round_id=str(prelim.id))
    r = client.post(f"{page}/confirm", data=confirmed)
    assert r.status_code == 303 and r.location.endswith(page) and _awards(db, track_id) == {}
    assert "不是最后一轮" in client.get(page).get_data(as_text=True)
    # A review of another round than the ranking's now: refused as stale.
    r = client.post(f"{page}/confirm", data=dict(confirmed, earlier_round_ok="1",
                                                  round_id=str(round_of(db, "roadshow").id)))
    assert r.status_code == 303 and _awards(db, track_id) == {}
    r = client.post(f"{page}/confirm", data=dict(confirmed, earlier_round_ok="1"))
    assert r.status_code == 302 and _awards(db, track_id) == {entries[2].id: "first", entries[1].id: "second"}
    # In English the review names the round in English.
    english = client.post(f"{page}/confirm", data=decisions, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Preliminary is not the last round of this track" in english and "2 entries will be awarded" in english

    # "Publish" shows what the public page will show, and publishes only when confirmed.
    r = client.post(f"/contest/admin/tracks/{track_id}/results/publish")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "2 个项目及其奖项将被公布" in body and entries[2].project_name in body
    assert "初赛不是本组的最后一轮" in body
    assert client.get("/contest/results/startup").status_code == 404
    r = client.post(f"/contest/admin/tracks/{track_id}/results/publish", data={"confirmed": "1"})
    assert r.status_code == 302 and client.get("/contest/results/startup").status_code == 200


def test_awards_from_the_last_round_need_no_extra_choice(client, app, db, contest, add_entry, panel, login):
    entry = add_entry()
    final = round_of(db, "roadshow")
    submit(app, panel[0], final.id, entry.id)
    login("organizer")
    page = f"/contest/admin/tracks/{final.track_id}/awards"
    body = client.post(f"{page}/confirm", data={f"level_{entry.id}": "first"}).get_data(as_text=True)
    assert "名次依据决赛的排名" in body and "earlier_round_ok" not in body and "1 个项目将获奖" in body
    english = client.post(f"{page}/confirm", data={f"level_{entry.id}": "first"},
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 entry will be awarded" in english
    r = client.post(f"{page}/confirm", data={f"level_{entry.id}": "first", "confirmed": "1", "round_id": str(final.id)})
    assert r.status_code == 302 and _awards(db, final.track_id) == {entry.id: "first"}


def test_words_not_codes_on_the_contest_pages_and_dashboard(client, app, db, contest, add_entry, panel, login):
    import re

    from summit.contest import awards
    from summit.core.demo import DEMO_USERS

    entry = add_entry()
    add_entry(admitted=False)
    final = round_of(db, "roadshow")
    submit(app, panel[0], final.id, entry.id)
    db.session.rollback()  # a stale SQLite snapshot cannot write
    awards.publish_results(db.session.get(Track, final.track_id))  # outside a request: the system acts
    login("organizer")

    def text(url, lang="zh-CN"):
        html = client.get(url, headers={"Accept-Language": lang}, follow_redirects=True).get_data(as_text=True)
        return re.sub(r"<[^>]+>", " ", html[html.index("<main"):html.index("</main>")])

    log = text("/contest/admin/audit")
    assert "提交评分" in log and "公布结果" in log and "系统" in log
    assert "score.submitted" not in log and "results.published" not in log and "system" not in log
    english = text("/contest/admin/audit", "en")
    assert "Score submitted" in english and "Results published" in english and "System" in english
    entries = text("/contest/admin/entries")
    assert "已入围" in entries and "Admitted" in text("/contest/admin/entries", "en")
    assert not re.search(r"\b(admitted|submitted)\b", entries)
    assert not re.search(r"\b(admitted|submitted)\b", text(f"/contest/admin/entries/{entry.id}"))
    # The English dashboard names tracks and rounds in English.
    dashboard = text("/dashboard/", "en")
    assert "Final" in dashboard and "决赛" not in dashboard and "初创组" not in dashboard
    assert "决赛" in text("/dashboard/") and "初创组" in text("/dashboard/")
    # Demo accounts carry people's names, not their role (letters print "评委 <name>" themselves).
    for _email, name, roles, _org, _fields in DEMO_USERS:
        if {"judge", "organizer", "checkin"} & set(roles):
            assert not re.search(r"评委|组委会|签到|Judge|Organizer", name), name
