"""Names in the contest's entries, judges and certificates, and in a booth's talent list:
found by pinyin, initials and traditional characters, ordered by strokes or pinyin (both databases)."""
from __future__ import annotations

import re

from sqlalchemy import select

from summit.contest import certificate_records
from summit.matchmaking import lookups, requests


def test_contest_entries_found_by_pinyin_and_ordered_by_the_leaders_name(client, db, login, add_entry):
    add_entry(leader_name="王小明", project_name="海洋传感器", leader_phone="13800000001")
    add_entry(leader_name="张伟", project_name="智能制造", members=[{"name": "刘䶮"}], leader_phone="13800000002")
    add_entry(leader_name="丁一", project_name="新材料", organisation="中国海洋大学", leader_phone="13800000003")
    login("organizer")

    def listed(**args):
        page = client.get("/contest/admin/entries", query_string=args).get_data(as_text=True)
        return re.findall(r'<a href="/contest/admin/entries/\d+">([^<]+)</a>', page)

    assert listed(q="liuyan") == ["智能制造"]  # a member, by full pinyin
    assert listed(q="劉") == ["智能制造"] and listed(q="ly") == ["智能制造"]
    assert listed(q="wxm") == ["海洋传感器"] and listed(q="Wáng Xiǎomíng") == ["海洋传感器"]
    assert listed(q="１３８０００００００３") == ["新材料"] and listed(q="中国海洋") == ["新材料"]
    assert listed(order="stroke") == ["新材料", "海洋传感器", "智能制造"]  # 丁 2, 王 4, 张 7
    assert listed(order="pinyin") == ["新材料", "海洋传感器", "智能制造"]  # ding, wang, zhang
    assert listed() == ["海洋传感器", "智能制造", "新材料"]  # as applied


def test_judges_and_certificates_in_stroke_or_pinyin_order(app, db, contest, make_user, tmp_path):
    from summit.contest.models import PanelJudge, Round

    user_ids = [make_user("judge", name=name)[0] for name in ("张伟", "丁一", "欧阳修", "白居易")]
    for r in db.session.scalars(select(Round)).all():
        for user_id in user_ids:
            db.session.add(PanelJudge(round_id=r.id, user_id=user_id))
    db.session.commit()
    summit = contest.summit
    assert [u.name for u in certificate_records.summit_judges(summit)] == ["丁一", "白居易", "张伟", "欧阳修"]
    assert [u.name for u in certificate_records.summit_judges(summit, "pinyin")] == ["白居易", "丁一", "欧阳修", "张伟"]
    certificate_records.issue_judge_certificates(summit)
    certs = certificate_records.certificate_list(summit, "judge", order="pinyin")
    assert [c.recipient for c in certs] == ["白居易", "丁一", "欧阳修", "张伟"]
    assert [c.recipient for c in certificate_records.certificate_list(summit, "judge", order="stroke")] == \
        ["丁一", "白居易", "张伟", "欧阳修"]
    out = tmp_path / "judges.pdf"
    result = app.test_cli_runner().invoke(args=["certificates", "-o", str(out), "--kind", "judge", "--sort", "pinyin"])
    assert result.exit_code == 0, result.output
    from tests.fixtures.pdfcheck import extracted_text

    text = extracted_text(out.read_bytes())
    positions = [text.index(n) for n in ("白居易", "丁一", "欧阳修", "张伟")]
    assert positions == sorted(positions)


def test_a_booths_talents_found_by_pinyin_and_a_walk_in_by_a_full_width_phone(client, db, mm, login):
    a, b = mm["booths"]
    for reg, _t in mm["talents"]:
        requests.set_requests(reg, mm["session"], [b.id], [])
    db.session.rollback()
    login("host", organisation="中国海洋大学")

    def talents(q):
        page = client.get(f"/host/booths/{b.id}", query_string={"q": q}).get_data(as_text=True)
        section = page.split('id="requests"', 1)[1]
        return [n for n in ("王㛃", "刘䶮", "张伟", "Emily Carter") if n in section]

    assert talents("") == ["王㛃", "刘䶮", "张伟", "Emily Carter"]
    assert talents("liuyan") == ["刘䶮"] and talents("劉") == ["刘䶮"] and talents("zw") == ["张伟"]
    assert talents("emily") == ["Emily Carter"]
    reg, _t = mm["talents"][1]
    found = lookups.find_attendee(mm["summit"], "１３９０ ０００ ０００１")
    assert found is not None and found.id == reg.id
    assert lookups.find_attendee(mm["summit"], "ＴＡＬＥＮＴ１＠ｅｘａｍｐｌｅ。ｃｏｍ").id == reg.id
