"""Research results through the team's private link, the roadshow's running order, technology
needs, matches, interest from a phone, the follow-up list, the dashboard and the .xlsx export."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from summit.core.models import OutboundMail
from summit.programme import common, dashboard, errors, items, needs, roadshow
from summit.programme.models import Interest, ProgrammeItem, ResearchResult, RoadshowSlot, TechNeed

RESULT = {"title": "面向工业培训的虚拟现实交互系统", "team": "万志波\n李晓明", "fields": ["vr", "ai"],
          "maturity": "pilot", "patents_text": "ZL202310123456.6\nCN115123456A", "cooperation": ["licence", "joint_development"],
          "summary": "自研手势识别与空间定位算法，用于工业培训。", "contact_name": "万志波",
          "contact_phone": "138 0000 9999", "contact_email": "wan@example.edu.cn"}


def _link(client, summit_year=2024):
    response = client.post("/programme/results/new", data={"institution": "青岛大学", "contact_name": "万志波",
                                                            "contact_email": "wan@example.edu.cn"})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def _submitted(db, summit, n: int, fields=("vr",), text="虚拟现实手势识别", start=0):
    made = []
    for i in range(start, start + n):
        r = ResearchResult(summit_id=summit.id, title=f"成果{i}", institution="中国海洋大学", team=f"负责人{i}\n成员",
                           fields=list(fields), summary=text, status="submitted", contact_email=f"r{i}@example.com",
                           token_hash=hashlib.sha256(f"r{i}".encode()).hexdigest())
        db.session.add(r)
        made.append(r)
    db.session.commit()
    return made


def _block(db, summit, published=True):
    item = items.create_item(summit, {"kind": "roadshow", "part": "", "title_zh": "繁星计划路演",
                                      "starts_at": dt.datetime(2024, 11, 19, 5, 30),
                                      "ends_at": dt.datetime(2024, 11, 19, 6, 30)})
    if published:
        items.publish_programme(summit)
    return item


def test_stage_control_lists_roadshow_results_and_the_big_screen_shows_one(client, login, psummit, db):
    """The programme's "result" stage kind as registered by init_feature: the control page lists
    each roadshow block's submitted results in running order, one goes on stage with its minutes as
    the countdown, and the hall's screen data describes it in the viewer's language."""
    from summit.contest import stage

    summit = psummit["summit"]
    a, b = _submitted(db, summit, 2)
    draft = ResearchResult(summit_id=summit.id, title="草稿", institution="青岛大学", status="draft",
                           token_hash="e" * 64)
    elsewhere = _submitted(db, summit, 1, start=5)[0]  # submitted but in no block
    db.session.add(draft)
    db.session.commit()
    block = _block(db, summit)
    for result, minutes in ((b, 12), (a, 10)):
        roadshow.add_to_block(block, result, minutes)
    a_id, b_id, block_id, draft_id, elsewhere_id = a.id, b.id, block.id, draft.id, elsewhere.id
    assert stage.kinds()["result"].describe is roadshow._stage_describe  # the programme registered it
    login("organizer")
    page = client.get("/stage/control").get_data(as_text=True)
    assert f'value="result:{b_id}:{block_id}"' in page and f'value="result:{a_id}:{block_id}"' in page
    assert page.index("繁星计划路演 · 1. 成果1") < page.index("繁星计划路演 · 2. 成果0")
    assert f"result:{elsewhere_id}:" not in page and f"result:{draft_id}:" not in page
    r = client.post("/stage/control", data={"action": "show", "item": f"result:{a_id}:{block_id}"})
    assert r.status_code == 302
    screen = client.application.test_client()  # the hall's screen: no login
    state = screen.get("/stage/state.json").json
    assert state["kind"] == "result" and state["id"] == a_id and state["context"] == {"block_id": block_id}
    assert state["item"] == {"title": "成果0", "subtitle": "繁星计划路演",
                             "lines": ["中国海洋大学", "负责人0、成员", "虚拟现实"], "score": None}
    assert state["phase"]["name"] == "pitch" and state["phase"]["length"] == 10 * 60
    assert "Virtual reality" in screen.get("/stage/state.json?lang=en").json["item"]["lines"]
    assert "成果0" in client.get("/stage/control").get_data(as_text=True)
    # A result in no block, or a draft, cannot be put on stage.
    for item_id in (elsewhere_id, draft_id, 987654):
        with pytest.raises(stage.StageError) as err:
            stage.control(db.session.get(type(summit), summit.id), "show", kind="result", item_id=item_id,
                          context={"block_id": block_id})
        assert err.value.code == "unknown_item"
        db.session.rollback()


def test_team_gets_a_private_link_and_submits_its_result(client, psummit, db, pdf_bytes, app):
    token = _link(client)
    assert len(token) >= 40
    result = db.session.scalar(select(ResearchResult))
    assert result.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in result.token_hash
    mail = db.session.scalar(select(OutboundMail))
    assert mail.to_addr == "wan@example.edu.cn" and f"/programme/results/t/{token}" in mail.body_text
    db.session.rollback()
    page = client.get(f"/programme/results/t/{token}")
    assert page.status_code == 200 and "青岛大学" in page.get_data(as_text=True)
    response = client.post(f"/programme/results/t/{token}", data={**RESULT, "submit": "1",
                                                                 "deck": (io.BytesIO(pdf_bytes(3)), "路演.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.rollback()
    result = db.session.scalar(select(ResearchResult))
    assert result.status == "submitted" and result.patents == ["CN202310123456.6", "CN115123456A"]
    assert result.contact_phone == "13800009999" and result.fields == ["vr", "ai"] and result.deck_pages == 3
    deck = Path(app.config["UPLOAD_DIR"]) / result.deck_path
    assert deck.read_bytes()[:5] == b"%PDF-"
    download = client.get(f"/programme/results/t/{token}/deck.pdf")
    assert download.status_code == 200 and download.data[:5] == b"%PDF-"
    # A new deck replaces the old file.
    client.post(f"/programme/results/t/{token}", data={**RESULT, "save": "1",
                                                      "deck": (io.BytesIO(pdf_bytes(1)), "v2.pdf")},
                content_type="multipart/form-data")
    db.session.rollback()
    result = db.session.scalar(select(ResearchResult))
    assert not deck.exists() and result.deck_pages == 1 and result.deck_filename == "v2.pdf"


def test_private_links_refuse_wrong_tokens(client, psummit):
    assert client.get("/programme/results/t/wrong").status_code == 404
    assert client.post("/programme/results/t/wrong", data=RESULT).status_code == 404
    assert client.get("/programme/results/t/wrong/deck.pdf").status_code == 404
    assert client.get("/programme/needs/t/wrong").status_code == 404


@pytest.mark.parametrize("change, deck, status, message", [
    ({"patents_text": "CN202310123456.7"}, None, 422, "不是有效的专利号：CN202310123456.7"),
    ({"fields": ["vr", "quantum"]}, None, 400, None),  # not a choice: the form refuses it
    ({"contact_email": "not-an-email"}, None, 422, "请填写有效的邮箱地址"),
    ({"contact_phone": "12345"}, None, 422, "请填写11位手机号"),
    ({"title": ""}, "pdf", 422, "提交前请填写此项"),
    ({}, None, 422, "提交前请上传路演材料"),
    ({}, b"<html>not a pdf</html>", 422, "路演材料必须是 PDF 文件"),
    ({}, b"%PDF-1.7\nbroken\n%%EOF", 422, "无法读取该 PDF"),
])
def test_bad_results_are_refused_and_nothing_is_written(client, psummit, db, pdf_bytes, app,
                                                         change, deck, status, message):
    token = _link(client)
    data = {**RESULT, **change, "submit": "1"}
    if deck is not None:
        data["deck"] = (io.BytesIO(pdf_bytes(1) if deck == "pdf" else deck), "deck.pdf")
    response = client.post(f"/programme/results/t/{token}", data=data, content_type="multipart/form-data")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page  # the message sits beside its field
    if message:
        assert message in page
    db.session.rollback()
    result = db.session.scalar(select(ResearchResult))
    assert result.status == "draft" and result.title == "" and result.deck_path is None
    folder = Path(app.config["UPLOAD_DIR"]) / "programme" / "decks"
    assert not folder.exists() or not any(folder.iterdir())


def test_an_oversized_deck_is_refused(client, psummit, db, app, pdf_bytes):
    app.config["PROGRAMME_DECK_MAX_MB"] = 1
    token = _link(client)
    big = pdf_bytes(1) + b"%" + b"x" * (1024 * 1024)
    response = client.post(f"/programme/results/t/{token}", data={**RESULT, "submit": "1",
                                                                 "deck": (io.BytesIO(big), "big.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "超过 1 MB" in response.get_data(as_text=True)


def test_roadshow_running_order_and_stage_description(client, login, psummit, db):
    summit = psummit["summit"]
    a, b, c = _submitted(db, summit, 3)
    draft = ResearchResult(summit_id=summit.id, title="草稿", institution="青岛大学", status="draft",
                           token_hash="d" * 64)
    db.session.add(draft)
    db.session.commit()
    block = _block(db, summit)
    a, b, c, draft_id, block_id = a.id, b.id, c.id, draft.id, block.id
    login("organizer")
    for rid, minutes in ((a, 10), (b, 12), (c, 8)):
        assert client.post(f"/programme/admin/blocks/{block_id}", data={"result_id": rid, "minutes": minutes}).status_code == 302
    # Twice the same result, a draft, too many minutes: refused.
    assert client.post(f"/programme/admin/blocks/{block_id}", data={"result_id": a, "minutes": 5}).status_code == 400
    db.session.rollback()  # a fresh snapshot: see what the requests wrote
    block = db.session.get(ProgrammeItem, block_id)
    with client.application.test_request_context(), pytest.raises(errors.ProgrammeError) as err:
        roadshow.add_to_block(block, db.session.get(ResearchResult, a), 5)
    assert err.value.status == 409
    with client.application.test_request_context(), pytest.raises(errors.ProgrammeError):
        roadshow.add_to_block(block, db.session.get(ResearchResult, draft_id), 5)
    db.session.rollback()
    assert client.post(f"/programme/admin/blocks/{block_id}", data={"result_id": c, "minutes": 90}).status_code == 400
    db.session.rollback()
    block = db.session.get(ProgrammeItem, block_id)
    order = roadshow.running_order(block)
    assert [row["result"].id for row in order] == [a, b, c]
    assert [row["starts_at"].strftime("%H:%M") for row in order] == ["05:30", "05:40", "05:52"]
    slot_c = next(s for s in block.slots if s.result_id == c)
    assert client.post(f"/programme/admin/slots/{slot_c.id}", data={"action": "up"}).status_code == 302
    assert client.post(f"/programme/admin/slots/{slot_c.id}", data={"action": "minutes", "minutes": 45}).status_code == 302
    db.session.rollback()
    block = db.session.get(ProgrammeItem, block_id)
    assert [s.result_id for s in block.slots] == [a, c, b]
    assert roadshow.block_overrun(block) == 10 + 45 + 12 - 60
    assert client.post(f"/programme/admin/slots/{slot_c.id}", data={"action": "minutes", "minutes": 0}).status_code == 422
    stage = roadshow.describe_result(c, "zh_CN")
    assert stage == {"kind": "result", "id": c, "title": "成果2", "team": ["负责人2", "成员"], "lead": "负责人2",
                     "institution": "中国海洋大学", "fields": ["虚拟现实"], "seconds": 45 * 60, "block_id": block.id,
                     "position": 2}
    db.session.rollback()
    assert roadshow.describe_result(draft_id, "en")["seconds"] is None
    assert client.post(f"/programme/admin/slots/{slot_c.id}", data={"action": "remove"}).status_code == 302
    db.session.rollback()
    assert [s.position for s in db.session.get(ProgrammeItem, block_id).slots] == [1, 2]
    # The public roadshow page lists the running order; the programme shows it under the block.
    page = client.get("/programme/roadshow").get_data(as_text=True)
    assert "成果0" in page and "成果1" in page and "成果2" not in page
    assert "成果1" in client.get("/programme/").get_data(as_text=True)


def test_interest_from_a_phone_and_the_follow_up(client, login, psummit, db):
    summit = psummit["summit"]
    on_stage, off_stage = _submitted(db, summit, 2)
    block = _block(db, summit)
    roadshow.add_to_block(block, on_stage, 8)
    on_id, off_id = on_stage.id, off_stage.id
    form = {"name": "王建华", "organisation": "歌尔股份", "contact": "139 0000 0011", "kind": "enterprise",
            "cooperation": "licence", "note": "路演后交流"}
    assert client.get(f"/programme/roadshow/{off_id}/interest").status_code == 404
    assert client.post(f"/programme/roadshow/{off_id}/interest", data=form).status_code == 404
    response = client.post(f"/programme/roadshow/{on_id}/interest", data=form)
    assert response.status_code == 200 and "组委会将为您对接" in response.get_data(as_text=True)
    # The same person again: one interest, updated.
    again = client.post(f"/programme/roadshow/{on_id}/interest", data={**form, "contact": "+86 13900000011",
                                                                       "note": "想要样机"})
    assert "现已更新" in again.get_data(as_text=True)
    bad = client.post(f"/programme/roadshow/{on_id}/interest", data={**form, "contact": "call me"})
    assert bad.status_code == 422 and "请填写手机号或邮箱" in bad.get_data(as_text=True)
    assert client.post(f"/programme/roadshow/{on_id}/interest", data={**form, "name": ""}).status_code == 400
    db.session.rollback()
    rows = db.session.scalars(select(Interest)).all()
    assert len(rows) == 1 and rows[0].contact == "13900000011" and rows[0].note == "想要样机"
    interest_id = rows[0].id
    assert client.get("/programme/admin/interests").status_code == 302
    login("organizer")
    assert "王建华" in client.get("/programme/admin/interests").get_data(as_text=True)
    assert client.post(f"/programme/admin/interests/{interest_id}",
                       data={"follow_up": "contacted", "follow_up_note": "已约11月25日面谈"}).status_code == 302
    assert client.post(f"/programme/admin/interests/{interest_id}", data={"follow_up": "lost"}).status_code == 422
    db.session.rollback()
    assert db.session.get(Interest, interest_id).follow_up == "contacted"
    assert "王建华" in client.get("/programme/admin/interests?follow_up=contacted").get_data(as_text=True)
    assert "王建华" not in client.get("/programme/admin/interests?follow_up=new").get_data(as_text=True)


NEED = {"enterprise": "歌尔股份", "title": "VR头显手势识别", "fields": ["vr"], "budget": "200_500",
        "description": "需要低延迟的手势识别与空间定位算法，用于工业培训。", "contact_name": "王工",
        "contact_phone": "13800000003", "contact_email": "goertek@example.com", "status": "open"}


def test_needs_matches_and_the_enterprise_link(client, login, psummit, db):
    summit = psummit["summit"]
    _submitted(db, summit, 1, fields=("vr", "ai"), text="工业培训的虚拟现实手势识别与空间定位")
    _submitted(db, summit, 1, fields=("marine_bio",), text="海洋微藻多糖", start=1)
    login("organizer")
    response = client.post("/programme/admin/needs", data={**NEED, "send_link": "y"})
    assert response.status_code == 302
    bad = client.post("/programme/admin/needs", data={**NEED, "description": ""})
    assert bad.status_code == 422 and "发布需求前请填写此项" in bad.get_data(as_text=True)
    assert client.post("/programme/admin/needs", data={**NEED, "budget": "lots"}).status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TechNeed)) == 1
    mail = db.session.scalar(select(OutboundMail).where(OutboundMail.to_addr == "goertek@example.com"))
    token = mail.body_text.split("/programme/needs/t/")[1].split()[0]
    need_page = client.get(f"/programme/needs/t/{token}").get_data(as_text=True)
    # The enterprise sees the VR result, with the reason, and not the marine one.
    assert "成果0" in need_page and "成果1" not in need_page
    assert "共同领域" in need_page and "手势" in need_page
    assert client.post(f"/programme/needs/t/{token}", data={**NEED, "title": "VR手势识别（更新）"}).status_code == 302
    db.session.rollback()
    need = db.session.scalar(select(TechNeed))
    assert need.title == "VR手势识别（更新）"
    # A new link replaces the old one.
    assert client.post(f"/programme/admin/needs/{need.id}", data={"action": "new_link"}).status_code == 302
    assert client.get(f"/programme/needs/t/{token}").status_code == 404
    # Organizer pages: matches with reasons, the result's side.
    matches = client.get("/programme/admin/matches").get_data(as_text=True)
    assert "VR手势识别（更新）" in matches and "手势" in matches
    result = db.session.scalar(select(ResearchResult).where(ResearchResult.title == "成果0"))
    assert "VR手势识别（更新）" in client.get(f"/programme/admin/results/{result.id}").get_data(as_text=True)


def test_dashboard_figures_and_xlsx_export(client, login, psummit, db):
    summit = psummit["summit"]
    results = _submitted(db, summit, 3, fields=("vr",), text="虚拟现实手势识别")
    block = _block(db, summit)
    for r in results[:2]:
        roadshow.add_to_block(block, r, 8)
    needs.create_need(summit, NEED)
    roadshow.register_interest(results[0], {"name": "李强", "contact": "li@example.com", "kind": "investor"})
    roadshow.register_interest(results[0], {"name": "赵敏", "contact": "13900000012", "kind": "enterprise"})
    roadshow.register_interest(results[1], {"name": "赵敏", "contact": "13900000012", "kind": "enterprise"})
    with client.application.test_request_context():
        section, = dashboard.figures(summit)
    stats = {s["label"]: s["value"] for s in section["stats"]}
    assert stats == {"已提交成果": 3, "路演成果": 2, "征集中的技术需求": 1, "匹配": 3, "意向": 3}
    assert section["charts"][0]["points"] == [["虚拟现实", 3]]
    assert section["tables"][0]["rows"][0] == ["成果0", "中国海洋大学", 2]
    login("organizer")
    response = client.get("/programme/admin/export.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["汇总", "成果", "需求", "匹配", "意向"]
    assert [row[1].value for row in wb["汇总"].iter_rows(min_row=2)] == [3, 2, 1, 3, 3]
    interests = list(wb["意向"].iter_rows(min_row=2, values_only=True))
    assert len(interests) == 3 and {r[3] for r in interests} == {"李强", "赵敏"}
    assert wb["成果"]["B2"].value == "成果0"
    assert client.get("/programme/admin/export.xlsx?lang=en").status_code == 200
    # Organizers only.
    client.post("/logout")
    login("judge")
    assert client.get("/programme/admin/export.xlsx").status_code == 403


def test_demo_load_is_idempotent_and_complete(db, demo_summit):
    from summit.programme import demo

    first = list(demo.load(demo_summit))
    db.session.commit()
    second = list(demo.load(demo_summit))
    db.session.commit()
    assert "programme items added: 10" in first and "programme items added: 0" in second
    assert db.session.scalar(select(func.count()).select_from(RoadshowSlot)) == 8
    assert db.session.scalar(select(func.count()).select_from(TechNeed)) == 6
    found = needs.matches(demo_summit)
    assert len(found["pairs"]) >= 5
    opening = db.session.scalar(select(ProgrammeItem).where(ProgrammeItem.kind == "opening"))
    assert common.utc_to_local(opening.starts_at) == dt.datetime(2024, 11, 19, 9, 0) and "千山大厦" in opening.room_zh
