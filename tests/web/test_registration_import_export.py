"""Import (.xlsx, .csv in UTF-8 and GBK: a preview of bad rows, then all or nothing),
export (.xlsx, CSV with BOM, chosen columns, logged), and the same from the command line."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from sqlalchemy import func, select

from summit.core.models import AuditEvent
from summit.registration import export, tabular
from summit.registration.models import Registration
from tests.fixtures.registration import resident_id

HEADER = ["姓名 Name", "参会类别 Category", "单位 Organisation", "手机 Mobile phone", "邮箱 Email", "证件类型 ID type",
          "证件号码 ID number", "研究/产业领域 Fields", "状态 Status"]


def rows_ok():
    return [
        ["王敏", "企业代表", "海尔集团", "13800000101", "wm@example.com", "居民身份证", resident_id(1980, 101), "人工智能、虚拟现实", ""],
        ["Emily Carter", "talent", "University of Toronto", "+1 416 555 0101", "emily@example.com", "护照", "AB123456", "ai", "pending"],
        ["赵海波", "高层次人才", "中国海洋大学", "13800000103", "zhb@example.com", "", "", "", "approved"],
    ]


def csv_bytes(rows, encoding="utf-8-sig"):
    out = io.StringIO()
    csv.writer(out).writerows([HEADER] + rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([int(v) if v.isdigit() and len(v) == 11 else v for v in row])  # Excel makes phones numbers
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def count(db):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Registration))


@pytest.fixture
def client(reg_client):
    return reg_client


@pytest.mark.parametrize("kind", ["csv-utf8", "csv-gbk", "xlsx"])
def test_import_preview_then_all_rows(client, db, login, reg_summit, kind):
    login("organizer")
    data, name = {"csv-utf8": (csv_bytes(rows_ok()), "invitees.csv"),
                  "csv-gbk": (csv_bytes(rows_ok(), "gbk"), "invitees.csv"),
                  "xlsx": (xlsx_bytes(rows_ok()), "invitees.xlsx")}[kind]
    preview = client.post("/organizer/registrations/import", data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "全部 3 行检查通过" in page and "王敏" in page and count(db) == 0
    upload = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    done = client.post("/organizer/registrations/import", data={"upload": upload})
    assert done.status_code == 303 and count(db) == 3
    regs = {r.name: r for r in db.session.scalars(select(Registration))}
    assert regs["王敏"].status == "approved" and regs["王敏"].fields == ["ai", "vr"] and regs["王敏"].source == "import"
    assert regs["Emily Carter"].status == "pending" and regs["Emily Carter"].phone == "+14165550101"
    assert regs["赵海波"].birth_year is None and regs["王敏"].birth_year == 1980
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "imported")) == 3
    # The same upload cannot be written twice.
    assert client.post("/organizer/registrations/import", data={"upload": upload}).status_code == 303
    assert count(db) == 3


def test_import_shows_each_bad_row_and_writes_nothing(client, db, login, reg_summit, person):
    client.post("/register", data=person(phone="13800000199"))
    login("organizer")
    rows = rows_ok() + [
        ["", "企业代表", "海尔", "13800000104", "a@example.com", "", "", "", ""],               # row 5: no name
        ["李雷", "火星人", "海尔", "13800000105", "b@example.com", "", "", "", ""],            # row 6: category
        ["韩梅梅", "媒体", "青岛日报", "12345", "c@example.com", "身份证", "110101199003078031", "", ""],  # row 7
        ["王敏二", "企业代表", "海尔", "13800000101", "d@example.com", "", "", "", ""],         # row 8: same phone as row 2
        ["已报名", "企业代表", "海尔", "13800000199", "e@example.com", "", "", "", ""],         # row 9: registered online
        ["状态错", "企业代表", "海尔", "13800000106", "f@example.com", "", "", "", "maybe"],    # row 10
    ]
    response = client.post("/organizer/registrations/import", data={"file": (io.BytesIO(csv_bytes(rows, "gbk")), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    table = page[page.index('id="bad-rows"'):]
    for number, text in [(5, "此项为必填项"), (6, "请从选项中选择"), (7, "11位大陆手机号"), (7, "校验码"),
                         (8, "与本文件第 2 行重复"), (9, "已报名本届峰会"), (10, "状态须为空")]:
        assert re.search(rf"<td>{number}</td><td>[^<]*</td><td>[^<]*{text}", table), (number, text)
    assert 'name="upload"' not in page
    assert count(db) == 1


@pytest.mark.parametrize("content,reason", [
    (b"\x00\x01garbage\xff\xfe\xfa", "既不是 UTF-8 也不是 GBK"),
    (b"PK\x03\x04broken", "无法读取该 .xlsx"),
    ("foo,bar\n1,2\n".encode(), "第一行须为模板中的列名"),
    (b"", "文件为空"),
])
def test_import_refuses_unreadable_files(client, db, login, reg_summit, content, reason):
    login("organizer")
    response = client.post("/organizer/registrations/import", data={"file": (io.BytesIO(content), "bad.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and reason in response.get_data(as_text=True)


def test_import_refuses_files_beyond_the_limits_with_a_clear_message(client, db, login, reg_summit):
    """A CSV field over 128 KB (the csv module's own limit raised a 500) and a sheet as wide as
    Excel allows: a 422 naming the row, nothing written."""
    from tests.unit.test_core_spreadsheet import wide_bomb

    login("organizer")
    huge = csv_bytes(rows_ok()[:1] + [["李雷", "企业代表", "x" * 140_000, "13800000104", "ll@example.com", "", "", "", ""]])
    for content, name, reason in ((huge, "big.csv", "单元格超过 32,767 个字符"),
                                  (wide_bomb(), "wide.xlsx", "表格超过 200 列")):
        response = client.post("/organizer/registrations/import", data={"file": (io.BytesIO(content), name)},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and reason in page, re.findall(r"<td>([^<]*)</td>", page)
    assert count(db) == 0


def test_template_download_is_importable_as_is(client, db, login, reg_summit):
    login("organizer")
    response = client.get("/organizer/registrations/import/template.xlsx")
    assert response.status_code == 200
    unknown, rows = tabular.read_rows("t.xlsx", response.data)
    assert unknown == [] and rows[0][1]["name"] == "张学莹"


def test_export_xlsx_and_csv_with_chosen_columns(client, db, login, reg_summit, person):
    for _ in range(3):
        client.post("/register", data=person())
    login("organizer")
    response = client.post("/organizer/registrations/export", data={"columns": ["name", "phone", "id_number"], "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "姓名", "手机号码", "证件号码"] and len(rows) == 4
    ids = db.session.scalars(select(Registration.id).order_by(Registration.id)).all()
    assert [int(r[0]) for r in rows[1:]] == ids
    response = client.post("/organizer/registrations/export", data={"columns": ["name", "category", "fields"], "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0] == ("编号", "姓名", "参会类别", "研究/产业领域") and values[1][2] == "企业代表" and values[1][3] == "人工智能"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registrations_exported")).all()
    assert len(events) == 2 and events[0].after["rows"] == 3 and events[0].actor_label.startswith("organizer")
    assert client.post("/organizer/registrations/export", data={"format": "csv"}).status_code == 422


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_export_holds_words_not_codes(client, db, login, reg_summit, person, language):
    """Every column of the workbook, read back: values and the sheet's name in the organizer's
    language, no code a person cannot read."""
    client.post("/register", data=person("talent", gender="female", degree="phd",
                                         programme_parts=["opening", "recruitment"]))
    login("organizer")
    client.post("/lang/" + language)
    with client.application.app_context():
        keys = [c.key for c in export.export_columns()]
    response = client.post("/organizer/registrations/export", data={"columns": keys, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    header, row = list(sheet.values)[:2]
    cells = dict(zip(header, row))
    codes = {"female", "phd", "pending", "approved", "opening", "recruitment", "resident_id", "online", "zh_CN",
             "talent", "ai", "True", "False"}
    for value in row:
        for part in str(value).replace("、", ",").split(","):
            assert part.strip() not in codes, (value, cells)
    if language == "en":
        assert sheet.title == "Registrations"
        assert cells["Gender"] == "Female" and cells["Highest degree"] == "Doctorate"
        assert cells["Status"] == "Awaiting approval" and cells["Category"] == "High-level talent"
        assert cells["Programme parts"] == "Opening ceremony, Recruitment sessions"
        assert cells["Research or industry fields"] == "Artificial intelligence" and cells["ID type"] == "Resident identity card"
    else:
        assert sheet.title == "报名名单"
        assert cells["性别"] == "女" and cells["最高学历"] == "博士" and cells["状态"] == "待审核"
        assert "、" in cells["参加环节"] and "opening" not in cells["参加环节"]


def test_the_badge_code_column_is_wired(client, db, login, reg_summit, person, app, tmp_path):
    """The badges feature offers its column through the real app's registry: the web export
    lists it and includes it by default, and `summit export-registrations --columns` takes it."""
    from summit.badges.models import Badge

    client.post("/register", data=person())
    codes = {b.registration_id: b.code for b in db.session.scalars(select(Badge).where(Badge.status == "active"))}
    assert codes, "the approved registration has a badge"
    login("organizer")
    form = client.get("/organizer/registrations/export").get_data(as_text=True)
    assert 'value="badge_code" id="col-badge_code" checked' in form  # offered, and on by default
    response = client.post("/organizer/registrations/export", data={"columns": ["badge_code"], "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "参会证编码"]
    assert {int(r[0]): r[1] for r in rows[1:]} == codes
    runner = app.test_cli_runner()
    for out, columns in ((tmp_path / "chosen.csv", ["--columns", "id,badge_code"]), (tmp_path / "default.csv", [])):
        result = runner.invoke(args=["export-registrations", "-o", str(out), "--format", "csv", *columns])
        assert result.exit_code == 0, result.output
        with open(out, encoding="utf-8-sig") as f:
            cli_rows = list(csv.reader(f))
        at = cli_rows[0].index("参会证编码")
        assert {int(r[0]): r[at] for r in cli_rows[1:]} == codes


def test_export_writes_formulas_as_text(client, db, login, reg_summit, person):
    client.post("/register", data=person(name="=cmd|' /C calc'!A0"))
    login("organizer")
    response = client.post("/organizer/registrations/export", data={"columns": ["name", "phone"], "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=") and rows[1][2][0] == "\t" and rows[1][2][1:].isdigit()


def test_csv_export_keeps_identity_and_phone_numbers_as_text_in_libreoffice(client, db, login, reg_summit, person,
                                                                            tmp_path, database_url):
    """LibreOffice opens the CSV (converted headless, as a person's double-click would read it):
    an 18-digit identity number stays 18 digits of text, not 3.70212198803E+17, and a phone
    number keeps its digits and its "+"."""
    if not database_url.startswith("sqlite"):
        pytest.skip("how a spreadsheet reads the file does not depend on the database; checked once, on SQLite")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc-nogui, in the Makefile's DEBS)")
    for data in (person(), person(phone="+1 416 555 0101"), person(phone="13012345678")):
        assert client.post("/register", data=data).status_code == 303
    login("organizer")
    response = client.post("/organizer/registrations/export",
                           data={"columns": ["name", "phone", "id_number"], "format": "csv"})
    source = tmp_path / "registrations.csv"
    source.write_bytes(response.data)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "registrations.xlsx").active
    read = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    db.session.rollback()
    people = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert len(people) == 3 and "+14165550101" in {p.phone for p in people}
    for reg in people:
        _id, _name, phone, id_number = read[reg.id]
        for cell, stored in ((phone, reg.phone), (id_number, reg.id_number)):
            assert cell.data_type == "s" and cell.value.strip() == stored, (cell.value, stored)


# ------------------------------------------------------------------ the command line

def test_cli_import_template_export(app, db, reg_summit, tmp_path):
    runner = app.test_cli_runner()
    template = tmp_path / "template.xlsx"
    result = runner.invoke(args=["import-registrations", "--template", str(template)])
    assert result.exit_code == 0 and template.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(rows_ok(), "gbk"))
    result = runner.invoke(args=["import-registrations", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 registrations imported" in result.output and count(db) == 3
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export-registrations", "-o", str(out), "--format", "csv"])
    assert result.exit_code == 0 and "3 registrations written" in result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    ids = sorted(db.session.scalars(select(Registration.id)).all())
    assert rows[0][0] == "编号" and sorted(int(r[0]) for r in rows[1:]) == ids
    xlsx = tmp_path / "out.xlsx"
    assert runner.invoke(args=["export-registrations", "-o", str(xlsx)]).exit_code == 0
    assert len(list(openpyxl.load_workbook(xlsx).active.values)) == 4
    assert runner.invoke(args=["export-registrations", "-o", str(xlsx), "--columns", "nope"]).exit_code != 0


def test_cli_import_with_a_bad_row_writes_nothing(app, db, reg_summit, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(rows_ok() + [["李雷", "企业代表", "海尔", "999", "x@example.com", "", "", "", ""]]))
    result = runner.invoke(args=["import-registrations", str(bad)])
    assert result.exit_code == 1
    assert "row 5" in result.output and "nothing imported" in result.output
    assert count(db) == 0
    assert runner.invoke(args=["import-registrations", str(tmp_path / "missing.csv")]).exit_code != 0


def test_cli_shred_a_past_edition(app, db, demo_summit):
    from summit.core.models import Summit

    old = db.session.scalar(select(Summit).where(Summit.year == 2023))
    db.session.add(Registration(summit_id=old.id, category_id=db.session.scalar(
        select(Registration.category_id).limit(1)), name="往届 张三", phone="13900000001", email="old@example.com",
        id_type="resident_id", id_number=resident_id(1990, 5), birth_year=1990, organisation="青岛大学",
        overseas=True, fields=["ai"], status="approved", manage_token_hash="x" * 64))
    db.session.commit()
    reg_id = db.session.scalar(select(Registration.id).where(Registration.summit_id == old.id))
    from summit.core import audit
    audit.record(db.session.get(Registration, reg_id), "edited", {"name": "往届 张三"}, {"name": "往届 张三"})
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["shred", "2024", "--yes"]).exit_code != 0  # the current edition stays
    result = runner.invoke(args=["shred", "2023", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    reg = db.session.get(Registration, reg_id)
    assert reg.name == f"#{reg_id}" and reg.id_number == "" and "old@example.com" != reg.email
    assert reg.manage_token_hash is None
    assert (reg.organisation, reg.birth_year, reg.overseas, reg.fields, reg.status) == ("青岛大学", 1990, True, ["ai"], "approved")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == reg_id, AuditEvent.action == "edited"))
    assert event.before is None and event.after is None
    assert db.session.scalar(select(Summit.shredded_at).where(Summit.year == 2023)) is not None
