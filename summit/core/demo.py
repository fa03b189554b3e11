"""The demo summit, modelled on the 2024 千山峰会 (19 Nov 2024, 崂山区).

load_demo() is idempotent: every part looks for what it would create first. After the
core data each feature's demo.load(summit) adds its own part (contest, sessions, ...).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random

from sqlalchemy import func, select

from summit.auth.models import User
from summit.core.models import Summit
from summit.extensions import db
from summit.registration.identity import resident_id_check_char
from summit.registration.models import Category, FieldTag, Registration

DEMO_PASSWORD = "qianshan2024"
DEMO_USERS = [
    # email, name (a person's name: it is printed on letters and certificates), roles, organisation, expertise
    ("organizer@demo.qianshan.cn", "王敏", ["organizer"], "青岛千山创新科技有限公司", []),
    ("checkin@demo.qianshan.cn", "李娜", ["checkin"], "青岛千山创新科技有限公司", []),
    ("judge1@demo.qianshan.cn", "陈立新", ["judge"], "青岛大学", ["ai", "vr"]),
    ("judge2@demo.qianshan.cn", "赵海波", ["judge"], "中国海洋大学", ["marine_bio", "new_materials"]),
    ("judge3@demo.qianshan.cn", "孙雅琴", ["judge"], "青岛科技大学", ["smart_mfg", "new_materials"]),
    ("judge4@demo.qianshan.cn", "周建国", ["judge"], "海尔集团", ["smart_mfg", "ai"]),
    ("judge5@demo.qianshan.cn", "Emily Carter", ["judge"], "Qingdao Angel Fund", ["finance", "ai"]),
    ("judge6@demo.qianshan.cn", "吴晓峰", ["judge"], "青岛国际人才会客厅", ["microelectronics", "it"]),
    ("host@demo.qianshan.cn", "中国海洋大学 人事处", ["host"], "中国海洋大学", []),
    ("host2@demo.qianshan.cn", "海信 人力资源部", ["host"], "海信集团", []),
]

CATEGORIES = [
    # code, zh, en, needs approval, capacity, colour
    ("talent", "高层次人才", "High-level talent", True, 150, "#c0392b"),
    ("enterprise", "企业代表", "Enterprise representative", False, 70, "#1f5fa8"),
    ("academic", "高校院所代表", "University / institute representative", False, 70, "#1e8449"),
    ("government", "政府部门", "Government", False, None, "#7d3c98"),
    ("media", "媒体", "Media", True, 20, "#d68910"),
    ("guest", "嘉宾", "Guest", False, None, "#b9770e"),
]

FIELDS = [
    ("vr", "虚拟现实", "Virtual reality"),
    ("ai", "人工智能", "Artificial intelligence"),
    ("marine_bio", "海洋生物医药", "Marine biomedicine"),
    ("smart_mfg", "智能制造及工业互联网", "Smart manufacturing & industrial internet"),
    ("microelectronics", "微电子（集成电路）", "Microelectronics (ICs)"),
    ("new_materials", "新材料", "New materials"),
    ("finance", "金融", "Finance"),
    ("culture_tourism", "文旅", "Culture & tourism"),
    ("it", "信息技术", "Information technology"),
]

ORGS = {
    "talent": ["中国海洋大学", "青岛大学", "青岛科技大学", "中国科学院青岛生物能源与过程研究所", "山东科技大学",
               "University of Toronto", "新加坡国立大学", "慕尼黑工业大学", "青岛虚拟现实研究院", "致真精密仪器(青岛)有限公司"],
    "enterprise": ["海尔集团", "海信集团", "歌尔股份", "致真精密仪器(青岛)有限公司", "青岛千山创新科技有限公司", "青岛国际人才会客厅"],
    "academic": ["中国海洋大学", "青岛大学", "青岛科技大学", "山东中医药大学", "中国农科院烟草研究所", "山东产业技术研究院"],
    "government": ["崂山区委组织部", "崂山区人才工作领导小组办公室", "青岛市委组织部", "崂山区科技局"],
    "media": ["青岛日报", "青岛电视台", "大众日报", "半岛都市报"],
    "guest": ["院士智谷", "青岛海洋人才创新园", "千山大厦", "午山馨苑人才公寓"],
}
TITLES = {
    "talent": ["教授", "研究员", "博士后", "副教授", "首席科学家", "创始人"],
    "enterprise": ["总经理", "人力资源总监", "技术总监", "董事长"],
    "academic": ["院长", "人事处处长", "科研处副处长", "教授"],
    "government": ["处长", "科长", "主任"],
    "media": ["记者", "编辑", "摄影记者"],
    "guest": ["特邀嘉宾", "主任", "理事长"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
         "霞", "平", "刚", "桂英", "晨", "海燕", "志强", "子涵", "浩然", "梓萱", "一诺", "思远", "雨桐", "俊杰", "欣怡", "博文",
         "晓东", "文博", "嘉怡", "宇航", "天佑", "若曦", "振华", "立新", "建华", "海涛", "明轩"]
# Names the badge printer must get right: rare CJK characters (Ext A and B) and names as people wrote them.
SPECIAL_NAMES = [("刘䶮", "talent"), ("王㛃", "talent"), ("吉𠮷", "talent"), ("张学莹", "enterprise"),
                 ("万志波", "academic"), ("严小天", "talent"), ("龑明", "talent"), ("欧阳䶮", "guest")]
ENGLISH_NAMES = ["Emily Carter", "David Müller", "Sophie Laurent", "Rajesh Kumar", "Anna Kowalska",
                 "Michael O'Brien", "Yuki Tanaka", "Maximilian Alexander von Hohenberg-Schwarzenstein"]
PREFIXES = "110101 370202 370212 370203 370211 310104 440305 320102".split()


def _resident_id(rng: random.Random, birth_year: int) -> str:
    body = f"{rng.choice(PREFIXES)}{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + resident_id_check_char(body)


def _ensure_users() -> list[str]:
    made = []
    for email, name, roles, org, expertise in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            user = User(email=email, name=name, roles=roles, organisation=org, expertise=expertise)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            made.append(email)
    return made


def _ensure_summits() -> Summit:
    if db.session.scalar(select(Summit).where(Summit.year == 2023)) is None:
        db.session.add(Summit(
            year=2023, name_zh="2023千山峰会", name_en="Qianshan Summit 2023",
            starts_on=dt.date(2023, 10, 24), ends_on=dt.date(2023, 10, 25),
            venue_zh="青岛市崂山区 青岛国际人才会客厅", venue_en="Qingdao International Talent Lounge, Laoshan, Qingdao",
            organizer_zh="青岛千山创新科技有限公司", organizer_en="Qingdao Qianshan Innovation Technology Co., Ltd.",
            is_current=False))
    summit = db.session.scalar(select(Summit).where(Summit.year == 2024))
    if summit is None:
        summit = Summit(
            year=2024, name_zh="2024千山峰会", name_en="Qianshan Summit 2024",
            starts_on=dt.date(2024, 11, 19), ends_on=dt.date(2024, 11, 20),
            venue_zh="青岛市崂山区 千山大厦", venue_en="Qianshan Tower, Laoshan District, Qingdao",
            organizer_zh="青岛千山创新科技有限公司", organizer_en="Qingdao Qianshan Innovation Technology Co., Ltd.",
            is_current=True,
            registration_opens_at=dt.datetime(2024, 9, 1),
            registration_closes_at=dt.datetime(2030, 12, 31),
            edit_deadline=dt.datetime(2030, 12, 31),
            privacy_policy_zh="我们仅为组织本届千山峰会收集您的个人信息（姓名、单位、联系方式、证件号码等），用于报名审核、"
                              "制作参会证、现场签到和会后联络；不向第三方出售。活动结束后按规定期限匿名化处理。",
            privacy_policy_en="We collect your personal data (name, organisation, contact details, identity number) only to run "
                              "this Qianshan Summit: vetting, badges, check-in and follow-up. We never sell it. "
                              "After the retention period it is anonymised.")
        db.session.add(summit)
    db.session.flush()
    return summit


def _ensure_reference_data(summit: Summit) -> None:
    for pos, (code, zh, en, approval, capacity, color) in enumerate(CATEGORIES):
        if db.session.scalar(select(Category).where(Category.summit_id == summit.id, Category.code == code)) is None:
            db.session.add(Category(summit_id=summit.id, code=code, name_zh=zh, name_en=en, needs_approval=approval,
                                    capacity=capacity, color=color, position=pos))
    for pos, (code, zh, en) in enumerate(FIELDS):
        if db.session.scalar(select(FieldTag).where(FieldTag.summit_id == summit.id, FieldTag.code == code)) is None:
            db.session.add(FieldTag(summit_id=summit.id, code=code, name_zh=zh, name_en=en, position=pos))
    db.session.flush()


def _people(rng: random.Random):
    """About 300 people: (name, category) in a fixed order."""
    plan = [("talent", 118), ("enterprise", 60), ("academic", 58), ("government", 24), ("media", 14), ("guest", 18)]
    people = list(SPECIAL_NAMES) + [(n, "talent" if i % 2 else "enterprise") for i, n in enumerate(ENGLISH_NAMES)]
    seen = {n for n, _ in people}
    for category, count in plan:
        made = 0
        while made < count:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name in seen:
                continue
            seen.add(name)
            people.append((name, category))
            made += 1
    return people


def _ensure_registrations(summit: Summit) -> int:
    existing = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.summit_id == summit.id))
    if existing:
        return 0
    rng = random.Random(2024)
    categories = {c.code: c for c in db.session.scalars(select(Category).where(Category.summit_id == summit.id))}
    field_codes = [f[0] for f in FIELDS]
    start = dt.datetime(2024, 9, 2, 9, 0)
    for i, (name, code) in enumerate(_people(rng)):
        english = all(ord(ch) < 0x2E80 for ch in name)
        talent = code == "talent"
        # About 71% of the invited talents are under 40 (born after 1984).
        if talent:
            birth_year = rng.randint(1985, 1996) if rng.random() < 0.71 else rng.randint(1960, 1984)
        else:
            birth_year = rng.randint(1965, 1995)
        overseas = english or (talent and rng.random() < 0.45)
        if english or (overseas and rng.random() < 0.3):
            id_type, id_number = "passport", f"E{rng.randint(10_000_000, 99_999_999)}"
        else:
            id_type, id_number = "resident_id", _resident_id(rng, birth_year)
        phone = f"+4915{rng.randint(10_000_000, 99_999_999)}" if english and i % 3 == 0 else f"138{i:08d}"
        status = "approved"
        roll = rng.random()
        if roll < 0.08:
            status = "pending"
        elif roll < 0.10:
            status = "rejected"
        elif roll < 0.12:
            status = "cancelled"
        elif roll < 0.14 and talent:
            status = "waitlisted"
        category = categories[code]
        created = start + dt.timedelta(hours=i * 5.3 + rng.random() * 3)
        db.session.add(Registration(
            summit_id=summit.id, category_id=category.id, name=name,
            gender=rng.choice(["male", "female"]),
            organisation=rng.choice(ORGS[code]), title=rng.choice(TITLES[code]),
            phone=phone, email=f"demo{i:03d}@example.com",
            id_type=id_type, id_number=id_number, birth_year=birth_year,
            degree="phd" if talent else rng.choice(["bachelor", "master", "phd"]),
            overseas=overseas, fields=rng.sample(field_codes, k=rng.randint(1, 3)),
            programme_parts=["opening"] + (["recruitment"] if talent else []) + (["contest_final"] if rng.random() < 0.5 else []),
            dietary=rng.choice(["", "", "", "清真", "素食", "vegetarian"]),
            language="en" if english else "zh_CN", consent_at=created, status=status,
            status_reason="名额已满" if status == "rejected" else "",
            source="import" if code in ("government", "guest") else "online",
            manage_token_hash=hashlib.sha256(f"demo-{i}-{rng.random()}".encode()).hexdigest(),
            waitlisted_at=created if status == "waitlisted" else None,
            created_at=created, updated_at=created))
    db.session.flush()
    return i + 1


def load_demo():
    """Yields lines to print."""
    from summit.core.features import features

    made_users = _ensure_users()
    summit = _ensure_summits()
    _ensure_reference_data(summit)
    count = _ensure_registrations(summit)
    db.session.commit()
    yield f"summit: {summit.name_zh} ({summit.year}); registrations added: {count}"
    for feature, load in features().demo_loaders:
        for line in load(summit) or []:
            yield f"{feature}: {line}"
        db.session.commit()
    if made_users:
        yield f"accounts added: {len(made_users)}"
    yield "demo logins (password for all: %s):" % DEMO_PASSWORD
    for email, name, roles, _org, _exp in DEMO_USERS:
        yield f"  {', '.join(roles):10s} {email}"
