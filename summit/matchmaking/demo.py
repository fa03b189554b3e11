"""The 2024 recruitment sessions of the demo summit: booths, requests from demo talents,
host decisions, a published timetable and, for the sessions already held, outcomes."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from summit.auth.models import User
from summit.extensions import db
from summit.matchmaking import requests, rules, sessions_admin, timetable
from summit.matchmaking.models import Meeting, MeetingRequest, RecruitmentSession
from summit.registration.models import Category, Registration

# (zh, en, fields)
OUC = [("海洋与大气学院", "College of Oceanic and Atmospheric Sciences", ["marine_bio", "ai"]),
       ("信息科学与工程学部", "Faculty of Information Science and Engineering", ["it", "ai", "vr"]),
       ("化学化工学院", "College of Chemistry and Chemical Engineering", ["new_materials"]),
       ("海洋地球科学学院", "College of Marine Geosciences", ["marine_bio"]),
       ("海洋生命学院", "College of Marine Life Sciences", ["marine_bio"]),
       ("水产学院", "Fisheries College", ["marine_bio"]),
       ("食品科学与工程学院", "College of Food Science and Engineering", ["marine_bio", "new_materials"]),
       ("医药学院", "School of Medicine and Pharmacy", ["marine_bio"]),
       ("工程学院", "College of Engineering", ["smart_mfg"]),
       ("环境科学与工程学院", "College of Environmental Science and Engineering", ["new_materials"]),
       ("材料科学与工程学院", "School of Materials Science and Engineering", ["new_materials", "microelectronics"]),
       ("数学科学学院", "School of Mathematical Sciences", ["ai", "finance"]),
       ("物理与光电工程学院", "College of Physics and Optoelectronic Engineering", ["microelectronics", "vr"]),
       ("经济学院", "School of Economics", ["finance"]),
       ("管理学院", "Management College", ["finance", "culture_tourism"]),
       ("法学院", "Law School", ["culture_tourism"]),
       ("三亚海洋研究院", "Sanya Oceanographic Institution", ["marine_bio", "it"])]
QDU = [("青岛医学院", "Qingdao Medical College", ["marine_bio"]),
       ("数学与统计学院", "School of Mathematics and Statistics", ["ai", "finance"]),
       ("物理科学学院", "College of Physics", ["microelectronics"]),
       ("化学化工学院", "College of Chemistry and Chemical Engineering", ["new_materials"]),
       ("计算机科学技术学院", "College of Computer Science and Technology", ["ai", "it", "vr"]),
       ("电子信息学院", "College of Electronics and Information", ["microelectronics", "it"]),
       ("自动化学院", "College of Automation", ["smart_mfg", "ai"]),
       ("机电工程学院", "College of Mechanical and Electrical Engineering", ["smart_mfg"]),
       ("材料科学与工程学院", "College of Materials Science and Engineering", ["new_materials"]),
       ("纺织服装学院", "College of Textiles and Clothing", ["new_materials", "culture_tourism"]),
       ("生命科学学院", "College of Life Sciences", ["marine_bio"]),
       ("经济学院", "School of Economics", ["finance"]),
       ("商学院", "Business School", ["finance", "culture_tourism"])]
QUST = [("机电工程学院", "College of Electromechanical Engineering", ["smart_mfg"]),
        ("高分子科学与工程学院", "College of Polymer Science and Engineering", ["new_materials"]),
        ("自动化与电子工程学院", "College of Automation and Electronic Engineering", ["smart_mfg", "microelectronics"]),
        ("化工学院", "College of Chemical Engineering", ["new_materials"]),
        ("材料科学与工程学院", "College of Materials Science and Engineering", ["new_materials"]),
        ("信息科学技术学院", "College of Information Science and Technology", ["it", "ai"]),
        ("化学与分子工程学院", "College of Chemistry and Molecular Engineering", ["new_materials"]),
        ("环境与安全工程学院", "College of Environment and Safety Engineering", ["new_materials"]),
        ("数理学院", "College of Mathematics and Physics", ["ai"]),
        ("经济与管理学院", "College of Economics and Management", ["finance"])]
HAIER = [("海尔智家研究院", "Haier Smart Home Research Institute", ["ai", "smart_mfg"]),
         ("卡奥斯工业互联网", "COSMOPlat Industrial Internet", ["smart_mfg", "it"]),
         ("海尔生物医疗", "Haier Biomedical", ["marine_bio"])]
HISENSE = [("海信视像研发中心", "Hisense Visual Technology R&D", ["ai", "vr", "microelectronics"]),
           ("海信激光显示", "Hisense Laser Display", ["microelectronics", "new_materials"]),
           ("海信网络科技", "Hisense TransTech", ["it", "ai"]),
           ("海信日立", "Hisense Hitachi", ["smart_mfg"])]
GOERTEK = [("歌尔声学", "Goertek Acoustics", ["microelectronics"]),
           ("歌尔微电子", "Goertek Microelectronics", ["microelectronics", "smart_mfg"]),
           ("歌尔 VR/AR 研发中心", "Goertek VR/AR R&D Center", ["vr", "ai"])]

# title_zh, title_en, host zh, host en, kind, day, start, end, breaks, room zh, room en, booths, talents, held
SESSIONS = [
    ("中国海洋大学引才专场对接会", "Ocean University of China recruitment session", "中国海洋大学",
     "Ocean University of China", "university", dt.date(2024, 11, 20), dt.time(9, 0), dt.time(11, 45),
     [["10:15", "10:30"]], "千山大厦 三楼 多功能厅", "Qianshan Tower, 3F multi-function hall", OUC, 40, True),
    ("青岛大学引才专场对接会", "Qingdao University recruitment session", "青岛大学", "Qingdao University",
     "university", dt.date(2024, 11, 20), dt.time(14, 0), dt.time(16, 30), [], "千山大厦 二楼 A厅",
     "Qianshan Tower, 2F hall A", QDU, 42, True),
    ("青岛科技大学引才专场对接会", "Qingdao University of Science and Technology recruitment session", "青岛科技大学",
     "Qingdao University of Science and Technology", "university", dt.date(2024, 11, 20), dt.time(14, 0),
     dt.time(16, 0), [], "千山大厦 二楼 B厅", "Qianshan Tower, 2F hall B", QUST, 32, False),
    ("海尔集团产才融合对接会", "Haier talent-industry session", "海尔集团", "Haier Group", "enterprise",
     dt.date(2024, 11, 19), dt.time(15, 0), dt.time(16, 30), [], "青岛国际人才会客厅 1号洽谈室",
     "Qingdao International Talent Lounge, room 1", HAIER, 18, False),
    ("海信集团产才融合对接会", "Hisense talent-industry session", "海信集团", "Hisense Group", "enterprise",
     dt.date(2024, 11, 19), dt.time(15, 0), dt.time(16, 30), [], "青岛国际人才会客厅 2号洽谈室",
     "Qingdao International Talent Lounge, room 2", HISENSE, 20, False),
    ("歌尔股份产才融合对接会", "Goertek talent-industry session", "歌尔股份", "Goertek", "enterprise",
     dt.date(2024, 11, 19), dt.time(16, 30), dt.time(17, 30), [], "青岛国际人才会客厅 1号洽谈室",
     "Qingdao International Talent Lounge, room 1", GOERTEK, 15, False),
]
POSITIONS = ["青年教师", "博士后", "学科带头人", "研究员", "工程师", "首席科学家"]


def load(summit):
    if summit.year != 2024:
        return []
    existing = set(db.session.scalars(select(RecruitmentSession.title_zh).where(RecruitmentSession.summit_id == summit.id)))
    talent_cat = db.session.scalar(select(Category).where(Category.summit_id == summit.id, Category.code == "talent"))
    if talent_cat is None:
        return ["no talent category: sessions skipped"]
    talents = list(db.session.scalars(select(Registration).where(
        Registration.summit_id == summit.id, Registration.category_id == talent_cat.id,
        Registration.status == "approved").order_by(Registration.id)))
    hosts = {u.organisation: u for u in db.session.scalars(select(User)) if u.has_role("host")}
    rng = random.Random(20241120)
    lines = []
    for (title_zh, title_en, org_zh, org_en, kind, day, start, end, breaks, room_zh, room_en, booths,
         n_talents, held) in SESSIONS:
        if title_zh in existing:
            continue
        session = sessions_admin.create_session(
            summit, title_zh=title_zh, title_en=title_en, host_org_zh=org_zh, host_org_en=org_en, kind=kind,
            day=day, start=start, end=end, slot_minutes=15, breaks=",".join(f"{a}-{b}" for a, b in breaks),
            room_zh=room_zh, room_en=room_en, max_requests=5)
        host = hosts.get(org_zh)
        for i, (zh, en, fields) in enumerate(booths, start=1):
            needs = [{"position": rng.choice(POSITIONS), "field": fields[0], "degree": "phd",
                      "count": rng.randint(1, 4)}]
            sessions_admin.add_booth(session, name_zh=zh, name_en=en, table_no=i, fields=fields, needs=needs,
                                     capacity=2 if kind == "enterprise" or i % 4 == 0 else 1,
                                     host_user_id=host.id if host else None)
        db.session.refresh(session)
        _requests(session, talents, n_talents, rng)
        summary = timetable.run_scheduler(session)
        timetable.publish(session, notify=False)
        if held:
            _outcomes(session, rng)
        lines.append(f"{title_zh}: {len(booths)} booths, {summary['requests']} requests, "
                     f"{summary['meetings']} meetings (weight {summary['objective']} of bound {summary['bound']})")
    if lines:  # only on the first load: a second run changes nothing, links included
        lines.append(_sample_talent_link(summit))
    return lines


def _sample_talent_link(summit) -> str:
    """A private link for one demo talent with booth meetings, so that the attendee's side can be
    tried at once. Private tokens are stored hashed: a new one is issued here (no mail)."""
    from summit.core.models import utcnow
    from summit.registration.links import manage_url, new_token

    reg = db.session.scalar(select(Registration).join(Meeting, Meeting.registration_id == Registration.id)
                            .where(Registration.summit_id == summit.id, Meeting.published_at.is_not(None))
                            .order_by(Registration.id).limit(1))
    if reg is None:
        return "no talent with meetings: no sample link"
    token, token_hash = new_token()
    reg.manage_token_hash, reg.link_issued_at = token_hash, utcnow()
    db.session.commit()
    return f"private link of the demo talent {reg.name} (agenda, sessions): {manage_url(token)}"


def _requests(session: RecruitmentSession, talents: list[Registration], count: int, rng: random.Random) -> None:
    booths = list(session.booths)
    slots = list(session.slots)
    for reg in rng.sample(talents, min(count, len(talents))):
        # Mostly the booths that fit the talent's fields, a few out of curiosity.
        scored = sorted(booths, key=lambda b: (-rules.booth_score(reg.fields, reg.degree, b.fields, b.needs)
                                               - rng.random() * 3, b.table_no))
        wanted = scored[:rng.randint(2, min(5, len(booths)))]
        off = []
        if rng.random() < 0.25:  # away for part of the session (the contest final, a talk)
            k = rng.randrange(len(slots))
            off = [s.id for s in slots[k:k + rng.randint(1, 3)]]
        requests.set_requests(reg, session, [b.id for b in wanted], off)
    for req in db.session.scalars(select(MeetingRequest).where(MeetingRequest.session_id == session.id)
                                  .order_by(MeetingRequest.id)):
        roll = rng.random()
        if roll < 0.45:
            req.status = "accepted"
        elif roll < 0.52:
            req.status = "declined"
        if req.status != "declined" and rng.random() < 0.12:
            req.priority = True
    db.session.commit()


def _outcomes(session: RecruitmentSession, rng: random.Random) -> None:
    for m in db.session.scalars(select(Meeting).where(Meeting.session_id == session.id).order_by(Meeting.id)):
        roll = rng.random()
        if roll < 0.1:
            m.status = "no_show"
        else:
            m.status = "held"
            m.outcome = rng.choices(["", "interest", "in_depth", "intent_to_sign"], weights=[2, 5, 3, 1])[0]
            if m.outcome == "intent_to_sign":
                m.note = "双方约定一周内安排实验室参观并商谈入职细节。"
    db.session.commit()
