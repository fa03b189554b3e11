"""Chinese names and input: full-width codes on every path, stroke and pinyin order, search by
pinyin, initials and traditional characters, the pinyin line on badges (both databases)."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from summit.badges import checkin, sheets
from summit.core import names
from summit.registration import listing
from summit.registration.models import Registration
from tests.fixtures.pdfcheck import extracted_text, glyph_problems
from tests.fixtures.registration import link_token

FULL_PHONE = "１３９００００１１１１"
FULL_ID = "１１０１０１１９９００３０７８０３Ｘ"
# By surname strokes: 丁 2, 马 3, 王 4, 白 5, 刘 6, 李 7, 欧 8 (欧阳), 曾 12; 劉 15.
PEOPLE = ["王小明", "刘䶮", "欧阳修", "丁一", "李四", "马云", "白居易", "曾国藩", "Emily Carter"]
STROKE = ["丁一", "马云", "王小明", "白居易", "刘䶮", "李四", "欧阳修", "曾国藩"]
# CLDR's pinyin order reads 曾 by its everyday reading (céng), as ICU ships it.
PINYIN = ["白居易", "曾国藩", "丁一", "李四", "刘䶮", "马云", "欧阳修", "王小明"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.fixture
def client(reg_client):
    return reg_client


def test_full_width_codes_through_the_form_the_edit_page_and_the_import(client, db, login, reg_summit, person):
    data = person(name="刘䶮", phone=FULL_PHONE, id_number=FULL_ID, birth_year="１９９０",
                  email="ＬＩＵＹＡＮ＠ｅｘａｍｐｌｅ。ｃｏｍ", organisation="ＡＢＣ科技")
    response = client.post("/register", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    reg = db.session.scalar(select(Registration))
    assert (reg.phone, reg.id_number, reg.email, reg.birth_year) == ("13900001111", "11010119900307803X",
                                                                     "liuyan@example.com", 1990)
    assert reg.name == "刘䶮" and reg.organisation == "ＡＢＣ科技"  # text stays as typed
    # The same number typed half-width is the same person: no second registration.
    client.post("/register", data=person(phone="139 0000 1111"))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1

    token = link_token("liuyan@example.com")  # the private link went out by mail
    edit = {"organisation": "海信集团", "phone": "１３７－００００－０００２", "email": "ｎｅｗ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            "gender": "male", "overseas": "no", "fields": ["vr"], "programme_parts": ["opening"], "degree": "master"}
    assert client.post(f"/r/{token}/edit", data=edit).status_code == 303
    reg = db.session.scalar(select(Registration))
    assert reg.phone == "13700000002" and reg.email == "new@example.com"

    login("organizer")
    rows = [["姓名 Name", "参会类别 Category", "单位 Organisation", "手机 Mobile phone", "邮箱 Email",
             "证件类型 ID type", "证件号码 ID number"],
            ["欧阳修", "企业代表", "海尔集团", "１３８ ００００ ０１０１", "ｏｙｘ＠ｅｘａｍｐｌｅ。ｃｏｍ", "护照",
             "ｅ１２３ ４５６７８"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    preview = client.post("/organizer/registrations/import", data={"file": (io.BytesIO(out.getvalue().encode()), "x.csv")},
                          content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    upload = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    assert client.post("/organizer/registrations/import", data={"upload": upload}).status_code == 303
    imported = db.session.scalar(select(Registration).where(Registration.name == "欧阳修"))
    assert (imported.phone, imported.email, imported.id_number) == ("13800000101", "oyx@example.com", "E12345678")


def test_full_width_badge_code_and_phone_at_the_doors_api(client, db, login, make_registration, badge_code):
    liu = make_registration("刘䶮", phone="13900001111")
    code = badge_code(liu)
    login("checkin")
    answer = client.post("/api/v1/checkin", json={"code": full_width(code)}).json
    assert answer["status"] == "ok" and answer["registration"]["name"] == "刘䶮"
    for query in (FULL_PHONE, "１１１１", "liuyan", "ly", "劉", "Liú Yǎn"):
        found = client.get("/api/v1/checkin/search", query_string={"q": query}).json["results"]
        assert [r["name"] for r in found] == ["刘䶮"], query


def test_the_registrations_list_sorts_by_strokes_and_pinyin_and_finds_by_pinyin(client, db, login, make_registration):
    for i, name in enumerate(PEOPLE):
        make_registration(name, phone=f"1380000{i:04d}")
    login("organizer")

    def listed(**args):
        page = client.get("/organizer/registrations", query_string=args).get_data(as_text=True)
        return [n for n in re.findall(r'<a href="/organizer/registrations/\d+">([^<]+)</a>', page)]

    assert [n for n in listed(sort="stroke", dir="asc") if n != "Emily Carter"] == STROKE
    assert [n for n in listed(sort="pinyin", dir="asc") if n != "Emily Carter"] == PINYIN
    assert [n for n in listed(sort="stroke", dir="desc") if n != "Emily Carter"] == STROKE[::-1]
    for query in ("liuyan", "liu yan", "LIU YAN", "liú yǎn", "劉", "䶮"):
        assert listed(q=query) == ["刘䶮"], query
    assert sorted(listed(q="ly")) == ["Emily Carter", "刘䶮"]  # initials, and the letters inside Emily
    assert listed(q="ouyang") == ["欧阳修"] and listed(q="oyx") == ["欧阳修"]
    assert listed(q="zengguofan") == ["曾国藩"]
    assert listed(q="emily") == ["Emily Carter"]
    assert set(listed(q="zhongguohaiyang")) == set()  # the organisation is searched by its characters
    assert len(listed(q="中国海洋")) == len(PEOPLE)


def test_exports_in_stroke_and_pinyin_order(app, client, db, login, make_registration, tmp_path):
    for i, name in enumerate(PEOPLE):
        make_registration(name, phone=f"1380000{i:04d}")
    runner = app.test_cli_runner()
    out = tmp_path / "stroke.csv"
    result = runner.invoke(args=["export-registrations", "-o", str(out), "--sort", "stroke", "--columns", "name"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))[1:]
    assert [r[1] for r in rows if r[1] != "Emily Carter"] == STROKE
    result = runner.invoke(args=["export-registrations", "-o", str(out), "--columns", "name"])
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))[1:]
    assert [r[1] for r in rows] == PEOPLE  # default: as registered
    assert runner.invoke(args=["export-registrations", "-o", str(out), "--sort", "nope"]).exit_code != 0

    login("organizer")
    assert "姓氏笔画" in client.get("/organizer/registrations/export").get_data(as_text=True)
    response = client.post("/organizer/registrations/export", data={"columns": ["name"], "format": "xlsx",
                                                                    "sort": "pinyin"})
    values = [row[1] for row in list(openpyxl.load_workbook(io.BytesIO(response.data)).active.values)[1:]]
    assert [v for v in values if v != "Emily Carter"] == PINYIN


def test_a_badge_batch_in_stroke_order_with_the_pinyin_line(client, db, login, make_registration, small_summit, tmp_path):
    for i, name in enumerate(PEOPLE):
        make_registration(name, phone=f"1380000{i:04d}", category="enterprise" if name == "丁一" else "talent")
    entries = sheets.select_for_print(small_summit)
    # By category (talent first), then by surname strokes inside each.
    assert [r.name for r, _b in entries] == [n for n in STROKE if n != "丁一"] + ["Emily Carter", "丁一"]
    assert [r.name for r, _b in sheets.select_for_print(small_summit, order="pinyin")][:3] == ["白居易", "曾国藩", "李四"]

    plain = extracted_text(sheets.render_badges(entries[:3], "a4-4up"))
    assert "MA Yun" not in plain  # off by default
    login("organizer")
    response = client.post("/badges/print", data={"layout": "a4-4up", "category": "", "mode": "all",
                                                  "order": "stroke", "pinyin": "y"})
    assert response.status_code == 303
    from summit.badges.models import PrintBatch

    db.session.rollback()
    batch = db.session.scalar(select(PrintBatch))
    assert batch.selection["order"] == "stroke" and batch.selection["pinyin"] is True
    pdf = client.get(f"/badges/batches/{batch.id}/download").data
    (tmp_path / "batch.pdf").write_bytes(pdf)
    text = extracted_text(pdf)
    for name, latin in (("刘䶮", "LIU Yan"), ("欧阳修", "OUYANG Xiu"), ("曾国藩", "ZENG Guofan"), ("马云", "MA Yun")):
        assert name in text and latin in text, (name, latin)
    assert "Emily" in text and "Carter" in text
    order = [text.index(n) for n in STROKE if n != "丁一"]
    assert order == sorted(order)
    assert glyph_problems(pdf) == []
    assert client.post("/badges/print", data={"layout": "a6", "category": "", "mode": "all",
                                              "order": "nope"}).status_code == 303  # refused, flashed


def test_every_demo_name_is_found_by_its_pinyin(db, demo_summit):
    from pypinyin import lazy_pinyin

    regs = db.session.scalars(select(Registration).where(Registration.summit_id == demo_summit.id)).all()
    assert len(regs) > 100
    chinese = 0
    for reg in regs:
        if names.is_chinese(reg.name):
            chinese += 1
            spelled = names.romanised(reg.name) or " ".join(lazy_pinyin(reg.name))
            queries = [spelled, spelled.replace(" ", "").lower(),
                       "".join(s[0] for s in names.search_key(reg.name).split()[1:2])]
        else:
            queries = [reg.name.lower()]
        for query in queries:
            found = db.session.scalars(listing.list_query(demo_summit, q=query).limit(500)).all()
            assert reg.id in [r.id for r in found], (reg.name, query)
        door = checkin.search(demo_summit, queries[0], limit=500)
        assert reg.id in [r["id"] for r in door], (reg.name, queries[0])
    assert chinese > 100


def test_the_keys_follow_a_name_change_and_the_migration_fills_them(app, db, make_registration):
    from flask_migrate import downgrade, upgrade

    reg_id = make_registration("刘䶮")
    reg = db.session.get(Registration, reg_id)
    assert "liuyan" in reg.name_search and reg.name_sort_stroke == names.sort_key("刘䶮", "stroke")
    reg.name = "欧阳修"
    db.session.commit()
    reg = db.session.get(Registration, reg_id)
    assert "ouyangxiu" in reg.name_search and "liuyan" not in reg.name_search
    assert reg.name_sort_pinyin == names.sort_key("欧阳修", "pinyin")
    db.session.rollback()
    db.session.remove()
    downgrade(revision="1010_sessions_and_uploads")
    upgrade(revision="heads")
    reg = db.session.get(Registration, reg_id)
    assert "ouyangxiu" in reg.name_search and reg.name_sort_stroke == names.sort_key("欧阳修", "stroke")
    # After an ICU upgrade the keys are computed again by a command.
    db.session.execute(Registration.__table__.update().values(name_sort_stroke=None, name_search=""))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["names-reindex"])
    assert result.exit_code == 0 and "1 registrations reindexed" in result.output
    db.session.expire_all()
    reg = db.session.get(Registration, reg_id)
    assert "ouyangxiu" in reg.name_search and reg.name_sort_stroke == names.sort_key("欧阳修", "stroke")


def test_shredding_a_person_leaves_no_pinyin_of_the_name(db, make_registration, small_summit):
    from summit.registration import retention

    reg_id = make_registration("刘䶮", phone="13900009999")
    retention.shred_person(small_summit, email="13900009999@example.com", actor_label="test")
    db.session.expire_all()
    reg = db.session.get(Registration, reg_id)
    assert "liuyan" not in reg.name_search and "刘" not in reg.name_search and " ly " not in reg.name_search
    assert reg.name_sort_stroke == names.sort_key(reg.name, "stroke")
