from sqlalchemy import func, select

from summit.auth.models import User
from summit.contest import certificate_records, dashboard, ranking, rounds
from summit.contest.models import Contest, Entry, ScoreEvent


def test_verify_page_confirms_a_certificate(client, db, contest, add_entry):
    entry = add_entry()
    summit = contest.summit
    first = certificate_records.issue_certificate(summit, "award", "张学莹", "一等奖", "First prize", entry=entry)
    second = certificate_records.issue_certificate(summit, "award", "万志波", "二等奖")
    assert first.serial == "QS2024-A-0001" and second.serial == "QS2024-A-0002"
    assert first.code != second.code and len(first.code) >= 24
    page = client.get(f"/verify/{first.code}").get_data(as_text=True)
    assert "张学莹" in page and "QS2024-A-0001" in page and entry.project_name in page
    assert client.get("/verify/forged-code").status_code == 404
    assert client.get("/verify/" + "x" * 200).status_code == 404


def test_demo_contest_is_complete_and_idempotent(app, db, demo_summit):
    from summit.contest import demo

    lines = list(demo.load(demo_summit))
    assert any("scored online" in line for line in lines)
    assert list(demo.load(demo_summit)) == []  # a second run changes nothing
    contest = db.session.scalar(select(Contest))
    assert [t.code for t in contest.tracks] == ["startup", "growth"]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 40
    for track in contest.tracks:
        prelim, final = track.rounds
        assert prelim.status == "closed" and [c["max"] for c in prelim.rubric] == [30, 25, 20, 15, 10]
        ranked = ranking.ranking(prelim)
        assert len(ranked["rows"]) >= 15 and ranked["agreement"] is not None
        assert all(r["judges"] == 3 for r in ranked["rows"])
        assert len(rounds.round_entries(final)) >= 8
    # The judges' own organisations are recused automatically: none scored such an entry.
    for ev in db.session.scalars(select(ScoreEvent)):
        judge = db.session.get(User, ev.judge_id)
        assert judge.organisation not in db.session.get(Entry, ev.entry_id).organisations()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        figures = dashboard.figures(demo_summit)
    stats = {s["label"]: s["value"] for s in figures[0]["stats"]}
    assert stats["Contest entries"] == 40
    assert sum(p[1] for p in figures[0]["charts"][0]["points"]) == 40
    final_rows = [r for r in figures[0]["tables"][0]["rows"] if r[1] == "决赛"]
    assert all(r[3] == 0 and r[4] > 0 for r in final_rows)  # the final is open, no scores yet
    assert figures[0]["tables"][1]["rows"]  # judges with scores missing in the open final


def test_dashboard_without_contest(db, demo_summit):
    assert dashboard.figures(demo_summit) == []
