import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from summit.contest import awards, ranking
from summit.contest.models import Assignment, Round, RoundEntry, ScoreEvent, Track
from summit.core.models import AuditEvent

GOOD = {"innovation": 25, "market": 20, "team": 15, "business": 10, "feasibility": 8}


def login_as(client, email, password):
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302


def final_round(db, code="startup") -> Round:
    return db.session.scalar(select(Round).join(Track).where(Track.code == code, Round.kind == "roadshow"))


def online_round(db, code="startup") -> Round:
    return db.session.scalar(select(Round).join(Track).where(Track.code == code, Round.kind == "online"))


def send(client, round_id, entry_id, kind="submit", values=None, client_id=None):
    body = {"round": round_id, "entry": entry_id, "kind": kind, "values": GOOD if values is None else values,
            "comment": "好", "client_id": client_id}
    return client.post("/contest/judge/scores", data=json.dumps(body), content_type="application/json")


def test_submit_is_idempotent_and_locks(client, db, contest, add_entry, panel):
    entry = add_entry()
    rid = final_round(db).id
    login_as(client, *panel[0][1:])
    assert send(client, rid, entry.id, "draft", {"innovation": 12}, "d-1").status_code == 201
    assert send(client, rid, entry.id, "draft", {"innovation": 12}, "d-1").status_code == 200  # a retry
    r = send(client, rid, entry.id, "submit", client_id="s-1")
    assert r.status_code == 201 and r.json["locked"]
    r = send(client, rid, entry.id, "submit", client_id="s-1")  # the tablet resends after a dropped reply
    assert r.status_code == 200 and r.json["duplicate"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScoreEvent).where(ScoreEvent.kind == "submit")) == 1
    r = send(client, rid, entry.id, "submit", dict(GOOD, team=1), client_id="s-2")
    assert r.status_code == 409 and "组委会" in r.json["error"] and r.json["code"] == "locked"
    assert send(client, rid, entry.id, "draft", {"team": 1}, "d-2").status_code == 409
    db.session.rollback()
    ranked = ranking.ranking(db.session.get(Round, rid))
    assert ranked["rows"][0]["score"] == 78


def test_points_out_of_range_refused_with_a_clear_message(client, db, contest, add_entry, panel):
    entry = add_entry()
    rid = final_round(db).id
    login_as(client, *panel[0][1:])
    r = send(client, rid, entry.id, "submit", dict(GOOD, innovation=31), "x-1")
    assert r.status_code == 422 and "0–30" in r.json["error"] and "技术创新性" in r.json["error"]
    assert r.json["field"] == "innovation"
    r = send(client, rid, entry.id, "submit", {"innovation": 3}, "x-2")
    assert r.status_code == 422
    r = send(client, rid, entry.id, "submit", dict(GOOD, market="lots"), "x-3")
    assert r.status_code == 422
    assert client.post("/contest/judge/scores", data="nonsense", content_type="application/json").status_code == 400
    # Ids beyond the database's range, or true for 1: no such round or entry.
    assert send(client, 2**40, entry.id, "submit", client_id="x-4").status_code == 404
    assert send(client, True, entry.id, "submit", client_id="x-5").status_code == 404
    assert send(client, rid, 2**40, "submit", client_id="x-6").status_code in (403, 404, 422)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScoreEvent)) == 0


def test_submission_with_an_unscored_criterion_is_refused_naming_it(client, db, contest, add_entry, panel):
    """A tablet that skipped the page's own check (or an older page) cannot submit a sheet with
    a criterion left unscored: the refusal names it in the judge's language, and nothing is
    recorded."""
    entry = add_entry()
    rid = final_round(db).id
    login_as(client, *panel[0][1:])
    unscored_market = {k: v for k, v in GOOD.items() if k != "market"}
    r = send(client, rid, entry.id, "submit", unscored_market, "m-1")
    assert r.status_code == 422 and r.json["field"] == "market"
    assert r.json["error"] == "市场前景 尚未打分。"
    r = client.post("/contest/judge/scores", headers={"Accept-Language": "en"}, content_type="application/json",
                    data=json.dumps({"round": rid, "entry": entry.id, "kind": "submit", "client_id": "m-2",
                                     "values": dict(GOOD, team=None)}))
    assert r.status_code == 422 and r.json["error"] == "Team has no points yet."
    # A draft may leave criteria unscored: it is not a submission.
    assert send(client, rid, entry.id, "draft", unscored_market, "m-3").status_code == 201
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScoreEvent).where(ScoreEvent.kind == "submit")) == 0


def test_unlock_only_by_organizer_and_logged(client, app, db, contest, add_entry, panel, make_user):
    entry = add_entry()
    round_ = final_round(db)
    login_as(client, *panel[0][1:])
    send(client, round_.id, entry.id, client_id="s-1")
    unlock = {"entry_id": entry.id, "judge_id": panel[0][0], "note": "评委误触"}
    page = f"/contest/admin/rounds/{round_.id}"
    assert client.post(f"{page}/unlock", data=unlock).status_code == 403
    _uid, email, password = make_user("organizer")
    other = app.test_client()
    login_as(other, email, password)
    r = other.post(f"{page}/unlock", data=dict(unlock, note=""))
    assert r.status_code == 303 and r.location.endswith(page)
    assert "请说明解锁理由" in other.get(page).get_data(as_text=True)
    assert not db.session.scalar(select(func.count()).select_from(ScoreEvent).where(ScoreEvent.kind == "unlock"))
    assert other.post(f"{page}/unlock", data=unlock).status_code == 302
    db.session.rollback()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "score.unlocked"))
    assert event.note == "评委误触" and event.actor_label == email
    # Unlocked: no longer counted until resubmitted; then the new values count.
    assert ranking.ranking(db.session.get(Round, round_.id))["rows"] == []
    assert send(client, round_.id, entry.id, "submit", dict(GOOD, team=5), "s-2").status_code == 201
    db.session.rollback()
    assert ranking.ranking(db.session.get(Round, round_.id))["rows"][0]["score"] == 68


def test_recused_judge_never_sees_the_entry(client, db, contest, add_entry, panel):
    mine = add_entry(organisation="机构0")  # judge 0's own organisation
    other = add_entry(organisation="某研究院", members=[{"name": "王五", "organisation": "机构1"}])
    rid = final_round(db).id
    login_as(client, *panel[0][1:])
    data = client.get(f"/contest/judge/rounds/{rid}/data.json").json
    assert [e["id"] for e in data["entries"]] == [other.id]
    assert send(client, rid, mine.id, client_id="r-1").status_code == 403
    # Declared conflict: the entry disappears from the judge's list as well.
    assert client.post(f"/contest/judge/rounds/{rid}/conflict", data={"entry_id": other.id, "note": "合作者"}).status_code == 302
    assert client.get(f"/contest/judge/rounds/{rid}/data.json").json["entries"] == []
    assert send(client, rid, other.id, client_id="r-2").status_code == 403


def test_judges_never_see_other_judges_scores(client, app, db, contest, add_entry, panel):
    entry = add_entry()
    rid = final_round(db).id
    login_as(client, *panel[0][1:])
    send(client, rid, entry.id, "submit", dict(GOOD, innovation=29), "a-1")
    second = app.test_client()
    login_as(second, *panel[1][1:])
    body = second.get(f"/contest/judge/rounds/{rid}/data.json").get_data(as_text=True)
    assert '"innovation": 29' not in body and '"innovation":29' not in body
    assert json.loads(body)["entries"][0]["values"] == {}
    assert second.get(f"/contest/plan/{entry.id}").status_code == 404  # no plan uploaded in this fixture


def test_closed_round_refuses_scores(client, db, contest, add_entry, panel):
    entry = add_entry()
    round_ = final_round(db)
    round_.status = "closed"
    db.session.commit()
    login_as(client, *panel[0][1:])
    assert send(client, round_.id, entry.id, client_id="c-1").status_code == 409


def test_online_round_assignment_ranking_advance_awards(client, db, contest, add_entry, panel, login):
    entries = [add_entry(field="ai" if i % 2 else "vr") for i in range(6)]
    prelim, final = online_round(db), final_round(db)
    db.session.execute(RoundEntry.__table__.delete().where(RoundEntry.round_id == final.id))
    db.session.commit()
    login("organizer")
    assert client.post(f"/contest/admin/rounds/{prelim.id}/assign").status_code == 302
    db.session.rollback()
    pairs = list(db.session.scalars(select(Assignment).where(Assignment.round_id == prelim.id)))
    per_entry = {e.id: sum(1 for a in pairs if a.entry_id == e.id) for e in entries}
    assert set(per_entry.values()) == {2}
    loads = [sum(1 for a in pairs if a.judge_id == j[0]) for j in panel]
    assert max(loads) - min(loads) <= 1
    # Each assigned judge submits: entry i gets 50 + 5*i points.
    judges = {j[0]: j for j in panel}
    for a in pairs:
        c = client.application.test_client()
        login_as(c, *judges[a.judge_id][1:])
        i = [e.id for e in entries].index(a.entry_id)
        values = dict(GOOD, innovation=i * 5)
        assert send(c, prelim.id, a.entry_id, "submit", values, f"p-{a.id}").status_code == 201
    page = client.get(f"/contest/admin/rounds/{prelim.id}").get_data(as_text=True)
    assert "ICC(1)" in page
    r = client.post(f"/contest/admin/rounds/{prelim.id}/advance/preview", data={"a-top_n": "3"})
    assert r.status_code == 200 and entries[5].project_name in r.get_data(as_text=True)
    r = client.post(f"/contest/admin/rounds/{prelim.id}/advance", data={
        "a-top_n": "3", "entry_ids": [str(e.id) for e in entries[3:]]})
    assert r.status_code == 302
    db.session.rollback()
    assert {re.entry_id for re in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == final.id))} == {
        e.id for e in entries[3:]}
    track = db.session.get(Track, prelim.track_id)
    db.session.rollback()
    proposal = awards.propose_awards(track)
    assert [(p["entry"].id, p["level"]) for p in proposal[:3]] == [
        (entries[5].id, "first"), (entries[4].id, "second"), (entries[3].id, "second")]
    assert client.get("/contest/results/startup").status_code == 404
    form = {f"level_{p['entry'].id}": p["level"] for p in proposal}
    awards_page = f"/contest/admin/tracks/{track.id}/awards"
    # The final has no scores: the places come from the preliminary round, chosen explicitly.
    confirmed = dict(form, confirmed="1", earlier_round_ok="1")
    assert client.post(f"{awards_page}/confirm", data=confirmed).status_code == 302
    assert client.post(f"/contest/admin/tracks/{track.id}/results/publish", data={"confirmed": "1"}).status_code == 302
    page = client.get("/contest/results/startup").get_data(as_text=True)
    assert entries[5].project_name in page
    r = client.post(f"{awards_page}/confirm", data={f"level_{entries[0].id}": "platinum"})
    assert r.status_code == 303 and r.location.endswith(awards_page)
    assert "未知的奖项等级" in client.get(awards_page).get_data(as_text=True)
    db.session.rollback()
    assert {a.level for a in awards.awards(db.session.get(Track, track.id))} <= {"first", "second", "third",
                                                                                 "excellence"}
    log = client.get("/contest/admin/audit").get_data(as_text=True)
    assert "确认奖项" in log and "提交评分" in log and "晋级下一轮" in log  # words, not the codes
    assert "award.confirmed" not in log and "score.submitted" not in log and "round.advanced" not in log
    # Every score in the workbook.
    wb = load_workbook(io.BytesIO(client.get("/contest/admin/scores.xlsx").data))
    assert sum(1 for _ in wb["初创组-初赛"].iter_rows(min_row=2)) == len(pairs)
    assert sum(1 for _ in wb["评分记录 Ledger"].iter_rows(min_row=2)) == len(pairs)


def test_rubric_validated_and_copied(client, db, contest, login):
    login("organizer")
    prelim, final = online_round(db), final_round(db, "growth")
    bad = {"key_0": "a", "name_zh_0": "甲", "max_0": "0"}
    page = f"/contest/admin/rounds/{prelim.id}"
    r = client.post(f"{page}/rubric", data=bad)
    assert r.status_code == 303 and r.location.endswith(page)
    assert "第 1 项：满分须在 1 到 1000 之间" in client.get(page).get_data(as_text=True)
    good = {"key_0": "tech", "name_zh_0": "技术", "max_0": "60", "weight_0": "1.5",
            "key_1": "biz", "name_zh_1": "商业", "max_1": "40", "tiebreak": "biz, tech"}
    assert client.post(f"{page}/rubric", data=good).status_code == 302
    assert client.post(f"/contest/admin/rounds/{final.id}/rubric/copy",
                       data={"source_id": prelim.id}).status_code == 302
    db.session.rollback()
    copied = db.session.get(Round, final.id)
    assert [c["key"] for c in copied.rubric] == ["tech", "biz"] and copied.tiebreak == ["biz", "tech"]
    assert copied.rubric[0]["weight"] == 1.5


def test_stage_follows_and_reveals(client, app, db, contest, add_entry, panel, login):
    entry = add_entry()
    final = final_round(db)
    judge = app.test_client()
    login_as(judge, *panel[0][1:])
    send(judge, final.id, entry.id, "submit", GOOD, "st-1")
    login("organizer")
    page = client.get("/stage/control").get_data(as_text=True)
    key = f"entry:{entry.id}:{final.id}"
    assert key in page
    assert client.post("/stage/control", data={"action": "show", "item": key}).status_code == 302
    client.post("/stage/control", data={"action": "start"})
    state = app.test_client().get("/stage/state.json").json  # the hall's screen: no login
    assert state["kind"] == "entry" and state["id"] == entry.id and state["context"]["round_id"] == final.id
    assert state["phase"]["name"] == "pitch" and 470 <= state["phase"]["remaining"] <= 480
    assert state["item"]["score"] is None
    client.post("/stage/control", data={"action": "next_phase"})
    assert app.test_client().get("/stage/state.json").json["phase"]["name"] == "questions"
    client.post("/stage/control", data={"action": "reveal", "incomplete_ok": "1"})  # one judge of four
    state = app.test_client().get("/stage/state.json").json
    assert state["revealed"] and state["item"]["score"] == "78.00"
    r = client.post("/stage/control", data={"action": "explode"})
    assert r.status_code == 303 and r.location.endswith("/stage/control")
    assert "当前无法执行该操作" in client.get("/stage/control").get_data(as_text=True)
    assert app.test_client().get("/stage/state.json").json["revealed"]  # unchanged
    assert app.test_client().get("/stage/screen").status_code == 200


def test_rank_cli(app, tmp_path):
    doc = {"method": "median", "criteria": [{"id": "q", "max": 10, "weight": 2}],
           "scores": [{"judge": "a", "entry": "E1", "values": {"q": 4}}, {"judge": "b", "entry": "E1", "values": {"q": 6}},
                      {"judge": "a", "entry": "E2", "values": {"q": 9}}]}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc))
    result = app.test_cli_runner().invoke(args=["rank", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ranking": [{"entry": "E2", "rank": 1, "score": 18},
                                                     {"entry": "E1", "rank": 2, "score": 10}]}
    doc["scores"][0]["values"]["q"] = 11
    path.write_text(json.dumps(doc))
    result = app.test_cli_runner().invoke(args=["rank", str(path)])
    assert result.exit_code == 1 and "outside 0..10" in result.output
    path.write_text("{not json")
    assert app.test_cli_runner().invoke(args=["rank", str(path)]).exit_code == 1


def test_hand_adjustments_respect_recusals_and_scores(client, db, contest, add_entry, panel, login):
    entry = add_entry(organisation="机构2")  # judge 2 is recused automatically
    prelim = online_round(db)
    judge_ids = [j[0] for j in panel]
    login("organizer")
    url = f"/contest/admin/rounds/{prelim.id}"
    r = client.post(f"{url}/assignments/add", data={"judge_id": judge_ids[2], "entry_id": entry.id})
    assert r.status_code == 303 and r.location.endswith(url)
    assert "该评委须回避此项目" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/assignments/add", data={"judge_id": judge_ids[0],
                                                       "entry_id": entry.id}).status_code == 302
    db.session.rollback()
    assert {a.judge_id for a in db.session.scalars(select(Assignment).where(
        Assignment.entry_id == entry.id))} == {judge_ids[0]}
    judge = client.application.test_client()
    login_as(judge, *panel[0][1:])
    assert send(judge, prelim.id, entry.id, "draft", {"team": 3}, "h-1").status_code == 201
    # Work already done keeps the assignment.
    r = client.post(f"{url}/assignments/remove", data={"judge_id": judge_ids[0], "entry_id": entry.id})
    assert r.status_code == 303 and "该评委已为此项目评分" in client.get(url).get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.entry_id == entry.id)) == 1
    # An organizer-set conflict removes the entry from the judge's list at once.
    r = client.post(f"/contest/admin/entries/{entry.id}/conflicts", data={"judge_id": judge_ids[0],
                                                                          "n-note": "曾为该项目顾问"})
    assert r.status_code == 302
    assert judge.get(f"/contest/judge/rounds/{prelim.id}/data.json").json["entries"] == []
    assert send(judge, prelim.id, entry.id, "submit", GOOD, "h-2").status_code == 403
    page = client.get(url).get_data(as_text=True)
    assert page.count("回避") >= 2  # shown as recused for judges 0 and 2


def test_auto_assignment_explains_when_impossible(client, db, contest, add_entry, panel, login):
    entry = add_entry(organisation="机构0", members=[{"name": "甲", "organisation": "机构1"},
                                                      {"name": "乙", "organisation": "机构2"}])
    prelim = online_round(db)
    login("organizer")
    page = f"/contest/admin/rounds/{prelim.id}"
    r = client.post(f"{page}/assign")
    assert r.status_code == 303 and r.location.endswith(page)
    # Judges 0, 1 and 2 share an organisation with the team: one judge is left; two are needed.
    assert "有项目只有 1 位无需回避的评委，需要 2 位。" in client.get(page).get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.entry_id == entry.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "round.assigned")) == 0


def test_same_submission_sent_twice_at_once_is_counted_once(app, db, contest, add_entry, panel):
    """Four uploads of one submission race through a real threaded server: one is recorded."""
    import logging
    import socket
    import threading

    import requests
    from werkzeug.serving import make_server

    entry = add_entry()
    rid = final_round(db).id
    db.session.rollback()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        sessions = []
        for _ in range(4):
            http = requests.Session()
            r = http.post(base + "/login", data={"email": panel[0][1], "password": panel[0][2]},
                          allow_redirects=False)
            assert r.status_code == 302
            sessions.append(http)
        body = {"round": rid, "entry": entry.id, "kind": "submit", "values": GOOD, "client_id": "same-id"}
        results, barrier = [], threading.Barrier(len(sessions))

        def go(http):
            barrier.wait()
            results.append(http.post(base + "/contest/judge/scores", json=body, timeout=30).status_code)

        threads = [threading.Thread(target=go, args=(h,)) for h in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
    assert sorted(results) == [200, 200, 200, 201]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScoreEvent)) == 1


def test_every_organizer_form_posts_to_a_route_of_its_own(client, app, db, contest, add_entry, panel, login):
    """Each button of the organizers' pages is one action with its own route: every form and
    formaction on the pages points at a POST route that exists, and every such route is offered."""
    import re

    entry = add_entry()
    final, prelim = final_round(db), online_round(db)
    judge = app.test_client()
    login_as(judge, *panel[0][1:])
    assert send(judge, final.id, entry.id, "submit", GOOD, "f-1").status_code == 201
    login("organizer")
    assert client.post(f"/contest/admin/entries/{entry.id}/conflicts",
                       data={"judge_id": panel[1][0], "n-note": "同门"}).status_code == 302
    track = db.session.get(Track, final.track_id)
    assert client.post(f"/contest/admin/tracks/{track.id}/awards/confirm",
                       data={f"level_{entry.id}": "first", "confirmed": "1"}).status_code == 302
    pages = [client.get(url).get_data(as_text=True) for url in (
        f"/contest/admin/rounds/{final.id}", f"/contest/admin/rounds/{prelim.id}", f"/contest/admin/entries/{entry.id}",
        f"/contest/admin/tracks/{track.id}", f"/contest/admin/tracks/{track.id}/awards")]
    preview = client.post(f"/contest/admin/rounds/{prelim.id}/advance/preview", data={"a-top_n": "1"})
    assert preview.status_code == 200
    pages.append(preview.get_data(as_text=True))
    adapter = app.url_map.bind("localhost")
    posted = set()
    for page in pages:
        forms = re.findall(r"<form [^>]*method=\"post\"[^>]*>", page)
        assert forms and all("action=" in form for form in forms), forms  # none posts back to the page itself
        for url in re.findall(r"(?:form)?action=\"([^\"]+)\"", "".join(forms) + page):
            if url.startswith("/contest/admin/") and "certificates" not in url:
                endpoint, _args = adapter.match(url.replace("&amp;", "&"), method="POST")
                posted.add(endpoint)
    admin_posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
                   and rule.rule.startswith("/contest/admin/") and "certificates" not in rule.rule}
    assert posted == admin_posts - {"contest.admin_setup", "contest.admin_results_withdraw"}
