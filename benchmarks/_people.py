"""Names, organisations and titles of the benchmarks' attendees: Chinese and English, rare characters too."""

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "晨",
         "海燕", "志强", "子涵", "浩然", "梓萱", "一诺", "思远", "雨桐", "俊杰", "欣怡", "博文", "晓东", "䶮", "㛃", "𠮷", "龑"]
ENGLISH = ["Emily Carter", "David Müller", "Sophie Laurent", "Rajesh Kumar", "Anna Kowalska", "Michael O'Brien",
           "Maximilian Alexander von Hohenberg-Schwarzenstein"]
ORGS = ["中国海洋大学", "青岛大学", "青岛科技大学", "中国科学院青岛生物能源与过程研究所", "海尔集团", "海信集团", "歌尔股份",
        "青岛虚拟现实研究院", "致真精密仪器(青岛)有限公司", "University of Toronto", "崂山区科技局", "青岛日报"]
TITLES = ["教授", "研究员", "博士后", "总经理", "技术总监", "院长", "处长", "记者", "Professor"]


def demo_summit(*, fresh: bool = False):
    """Inside an app context: the schema (from nothing when fresh) and the demo's accounts,
    edition and categories. Returns the summit."""
    from flask_migrate import downgrade, upgrade

    from summit.core import demo
    from summit.extensions import db

    if fresh:
        downgrade(revision="base")
    upgrade(revision="heads")
    demo._ensure_users()
    summit = demo._ensure_summits()
    demo._ensure_reference_data(summit)
    db.session.commit()
    return summit


def demo_summit_with_people(count: int, *, fresh: bool = False, seed: int = 7, prefix: str = "b"):
    """demo_summit(), then `count` approved attendees with names from the lists above."""
    import random

    from summit.extensions import db
    from summit.registration.models import Category, Registration

    summit = demo_summit(fresh=fresh)
    categories = db.session.scalars(db.select(Category).where(Category.summit_id == summit.id)).all()
    rng = random.Random(seed)
    for i in range(count):
        english = i % 15 == 0
        db.session.add(Registration(
            summit_id=summit.id, category_id=rng.choice(categories).id,
            name=rng.choice(ENGLISH) if english else rng.choice(SURNAMES) + rng.choice(GIVEN),
            organisation=rng.choice(ORGS), title=rng.choice(TITLES), phone=f"139{i:08d}",
            email=f"{prefix}{i}@example.com", status="approved", language="en" if english else "zh_CN"))
    db.session.commit()
    return summit
