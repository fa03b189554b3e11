"""Demo data: the 2024 programme, a 繁星计划 roadshow block with eight results, six technology
needs and a few interests. Idempotent: each part looks for what it would create first."""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import func, select

from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.programme.models import Interest, ProgrammeItem, ResearchResult, RoadshowSlot, TechNeed
from summit.programme.patents import cn_check_digit
from summit.programme.common import local_to_utc

D1, D2 = dt.date(2024, 11, 19), dt.date(2024, 11, 20)

# day, start, end, kind, part, title zh/en, room zh/en, hosts zh/en, speakers zh/en
PROGRAMME = [
    (D1, "09:00", "09:50", "opening", "opening", "2024千山峰会开幕式", "Opening ceremony of the Qianshan Summit 2024",
     "千山大厦 一层报告厅", "Qianshan Tower, Auditorium (1F)", "崂山区委组织部", "Organisation Department of Laoshan District",
     "崂山区领导致辞；发布崂山区人才政策", "Address by district leaders; Laoshan's talent policy announced"),
    (D1, "09:50", "10:30", "keynote", "opening", "主旨演讲：虚拟现实与人工智能产业的下一个十年",
     "Keynote: the next decade of virtual reality and AI", "千山大厦 一层报告厅", "Qianshan Tower, Auditorium (1F)",
     "", "", "严小天（青岛虚拟现实研究院）", "Yan Xiaotian (Qingdao Virtual Reality Research Institute)"),
    (D1, "10:30", "11:00", "signing", "opening", "人才项目与平台集中签约", "Signing of talent projects and platforms",
     "千山大厦 一层报告厅", "Qianshan Tower, Auditorium (1F)", "青岛千山创新科技有限公司",
     "Qingdao Qianshan Innovation Technology Co., Ltd.", "", ""),
    (D1, "13:30", "15:30", "roadshow", "", "繁星计划 高校院所科研成果路演", "繁星计划: research results roadshow",
     "千山大厦 三层路演厅", "Qianshan Tower, Roadshow Hall (3F)", "崂山区科技局", "Laoshan District Science and Technology Bureau",
     "", ""),
    (D1, "13:30", "17:30", "contest_final", "contest_final", "千创汇·智崂山创新创业大赛 决赛",
     "Qianchuanghui · Smart Laoshan innovation contest: final", "青岛国际人才会客厅", "Qingdao International Talent Lounge",
     "", "", "初创组、成长组决赛项目路演", "Final pitches of the startup and growth groups"),
    (D1, "17:30", "18:00", "contest_final", "contest_final", "大赛颁奖仪式", "Contest award ceremony",
     "青岛国际人才会客厅", "Qingdao International Talent Lounge", "", "", "", ""),
    # The recruitment sessions at the times and rooms of the demo's matchmaking sessions.
    (D1, "15:00", "17:30", "recruitment", "recruitment", "重点企业产才融合对接会（海尔、海信、歌尔）",
     "Key enterprises sessions (Haier, Hisense, Goertek)", "青岛国际人才会客厅 洽谈室",
     "Qingdao International Talent Lounge, meeting rooms", "海尔集团、海信集团、歌尔股份", "Haier, Hisense, Goertek", "", ""),
    (D2, "09:00", "11:45", "recruitment", "recruitment", "中国海洋大学引才专场对接会",
     "Recruitment session: Ocean University of China", "千山大厦 三楼 多功能厅", "Qianshan Tower, 3F multi-function hall",
     "中国海洋大学 人事处", "Ocean University of China, Human Resources", "", ""),
    (D2, "14:00", "16:30", "recruitment", "recruitment", "青岛大学引才专场对接会", "Recruitment session: Qingdao University",
     "千山大厦 二楼 A厅", "Qianshan Tower, 2F hall A", "青岛大学 人事处", "Qingdao University, Human Resources", "", ""),
    (D2, "14:00", "16:00", "recruitment", "recruitment", "青岛科技大学引才专场对接会",
     "Recruitment session: Qingdao University of Science and Technology", "千山大厦 二楼 B厅", "Qianshan Tower, 2F hall B",
     "青岛科技大学 人事处", "QUST, Human Resources", "", ""),
]

# title, institution, team, fields, maturity, patents (12-digit application numbers), cooperation, summary
RESULTS = [
    ("面向工业培训的轻量化虚拟现实交互系统", "青岛大学", "万志波\n李晓明\n王若琳", ["vr", "ai"], "pilot",
     ["202210345678"], ["licence", "joint_development"],
     "自研手势识别与空间定位算法，头显端延迟低于20毫秒，已在两家制造企业开展工业培训与设备维修虚拟仿真试点。"),
    ("基于深度学习的海洋鱼类智能识别与计数", "中国海洋大学", "刘海涛\n陈思远", ["ai", "marine_bio"], "pilot",
     ["202310234567"], ["transfer", "licence"],
     "水下图像增强与目标检测模型，识别鱼类品种与数量，准确率95%以上，可用于深远海养殖工船与海洋牧场的智能监测。"),
    ("海洋微藻来源抗肿瘤多糖候选药物", "中国海洋大学", "赵海波\n孙蕾\n周一鸣", ["marine_bio"], "lab",
     ["202110456789", "202210567890"], ["transfer", "equity"],
     "从海洋微藻中分离硫酸多糖，体外与动物实验显示显著抑制肿瘤生长，拟开展临床前研究，寻求药企合作开发。"),
    ("高性能芳纶纳米纤维复合隔膜材料", "青岛科技大学", "孙雅琴\n高峰", ["new_materials"], "pilot",
     ["202210678901"], ["licence", "joint_development", "equity"],
     "芳纶纳米纤维复合隔膜耐高温、阻燃，用于动力电池与储能电池，已完成中试线验证，热收缩率低于2%。"),
    ("绿色轮胎用高分散白炭黑橡胶复合材料", "青岛科技大学", "王立新\n韩雪", ["new_materials", "smart_mfg"], "industrial",
     ["202010789012"], ["transfer", "licence"],
     "橡胶混炼工艺与改性白炭黑配方，降低滚动阻力与生热，已在轮胎企业量产应用。"),
    ("微生物合成生物基材料单体", "中科院青岛能源所", "张博\n李静\n何川", ["new_materials", "marine_bio"], "pilot",
     ["202110890123"], ["joint_development", "equity"],
     "以秸秆糖为原料，通过合成生物学改造菌株发酵生产生物基尼龙单体，成本接近石化路线，寻求产业化合作。"),
    ("家电视觉质检的小样本缺陷检测算法", "中科院青岛能源所", "吴晓峰\n郑楠", ["ai", "smart_mfg"], "pilot",
     ["202310901234"], ["licence", "joint_development"],
     "少量缺陷样本即可训练的视觉检测模型，适用于家电外观与钣金件质检，检出率98%，可部署在产线边缘设备。"),
    ("Micro-OLED近眼显示光学模组", "青岛大学", "Emily Carter\n林涛", ["vr", "microelectronics"], "lab",
     ["202310012345"], ["joint_development", "transfer"],
     "Pancake折叠光路与Micro-OLED近眼显示方案，模组厚度小于15毫米，适用于轻量化VR/AR头显。"),
]

# enterprise, title, fields, budget, description, contact
NEEDS = [
    ("海尔集团", "家电外观缺陷视觉质检", ["ai", "smart_mfg"], "200_500",
     "冰箱、洗衣机外观与钣金件缺陷检测，现有算法在小样本缺陷上漏检率高，需要可部署在产线边缘设备的视觉检测方案。",
     "海尔 张工", "13800000001", "needs-haier@example.com"),
    ("海信集团", "激光显示与近眼显示光学方案", ["vr", "microelectronics"], "500_1000",
     "寻求轻量化VR/AR头显的近眼显示光学模组与Micro-OLED显示驱动技术，要求模组薄、视场角大。",
     "海信 李工", "13800000002", "needs-hisense@example.com"),
    ("歌尔股份", "VR头显手势识别与空间定位", ["vr", "ai"], "200_500",
     "VR头显需要低延迟的手势识别与空间定位算法，用于工业培训和消费级应用场景。",
     "歌尔 王工", "13800000003", "needs-goertek@example.com"),
    ("青岛明月海藻集团", "海藻多糖药用开发", ["marine_bio"], "50_200",
     "希望与高校合作开发海藻来源多糖的药用与功能食品用途，开展药效评价与临床前研究。",
     "明月海藻 赵经理", "13800000004", "needs-seaweed@example.com"),
    ("赛轮集团", "低滚阻轮胎橡胶材料", ["new_materials"], "200_500",
     "开发低滚动阻力、高耐磨的绿色轮胎胎面橡胶复合材料，需改性白炭黑与混炼工艺技术。",
     "赛轮 孙工", "13800000005", "needs-sailun@example.com"),
    ("青岛港", "港口集装箱智能识别", ["ai"], "negotiable",
     "集装箱箱号与残损的智能识别，要求在雨雾天气下稳定工作。", "青岛港 陈工", "13800000006", "needs-port@example.com"),
]

INTERESTS = [
    # result index, name, organisation, contact, kind, cooperation, note, follow-up
    (0, "王建华", "歌尔股份", "13900000011", "enterprise", "licence", "希望路演后安排技术交流", "contacted"),
    (1, "Emily Carter", "Qingdao Angel Fund", "emily.carter@example.com", "investor", "equity", "Interested in a seed round.", "new"),
    (2, "赵敏", "青岛明月海藻集团", "13900000012", "enterprise", "joint_development", "", "negotiating"),
    (6, "周建国", "海尔集团", "13900000013", "enterprise", "joint_development", "产线试点", "new"),
    (3, "李强", "崂山科创基金", "13900000014", "investor", "equity", "", "new"),
]


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return local_to_utc(dt.datetime.combine(day, dt.time(int(h), int(m))))


def _hash(text: str) -> str:
    return hashlib.sha256(f"programme-demo:{text}".encode()).hexdigest()


def load(summit: Summit):
    if summit.year != 2024:
        return
    published = dt.datetime(2024, 11, 1, 2, 0)
    items = 0
    for (day, start, end, kind, part, t_zh, t_en, r_zh, r_en, h_zh, h_en, s_zh, s_en) in PROGRAMME:
        if db.session.scalar(select(ProgrammeItem).where(ProgrammeItem.summit_id == summit.id,
                                                         ProgrammeItem.title_zh == t_zh)) is None:
            db.session.add(ProgrammeItem(summit_id=summit.id, kind=kind, part=part, starts_at=_at(day, start),
                                         ends_at=_at(day, end), title_zh=t_zh, title_en=t_en, room_zh=r_zh,
                                         room_en=r_en, hosts_zh=h_zh, hosts_en=h_en, speakers_zh=s_zh,
                                         speakers_en=s_en, published_at=published))
            items += 1
    db.session.flush()
    yield f"programme items added: {items}"

    results = []
    added = 0
    for i, (title, inst, team, fields, maturity, apps, coop, summary) in enumerate(RESULTS):
        result = db.session.scalar(select(ResearchResult).where(ResearchResult.summit_id == summit.id,
                                                                ResearchResult.title == title))
        if result is None:
            lead = team.split("\n")[0]
            result = ResearchResult(
                summit_id=summit.id, title=title, institution=inst, team=team, fields=fields, maturity=maturity,
                patents=[f"CN{a}.{cn_check_digit(a)}" for a in apps], cooperation=coop, summary=summary,
                contact_name=lead, contact_email=f"result{i + 1}@example.edu.cn", contact_phone=f"1370000{i:04d}",
                status="submitted", token_hash=_hash(f"result-{i}"), submitted_at=dt.datetime(2024, 10, 20 + i % 5, 3))
            db.session.add(result)
            added += 1
        results.append(result)
    db.session.flush()
    yield f"research results added: {added}"

    block = db.session.scalar(select(ProgrammeItem).where(ProgrammeItem.summit_id == summit.id,
                                                          ProgrammeItem.kind == "roadshow"))
    if block is not None and not db.session.scalar(select(func.count()).select_from(RoadshowSlot)
                                                   .where(RoadshowSlot.block_id == block.id)):
        for position, result in enumerate(results, start=1):
            db.session.add(RoadshowSlot(block_id=block.id, result_id=result.id, position=position, minutes=12))
        db.session.flush()
        yield f"roadshow running order: {len(results)} presenters"

    added = 0
    for i, (ent, title, fields, budget, desc, cname, cphone, cmail) in enumerate(NEEDS):
        if db.session.scalar(select(TechNeed).where(TechNeed.summit_id == summit.id, TechNeed.title == title)) is None:
            db.session.add(TechNeed(summit_id=summit.id, enterprise=ent, title=title, fields=fields, budget=budget,
                                    description=desc, contact_name=cname, contact_phone=cphone, contact_email=cmail,
                                    status="open", token_hash=_hash(f"need-{i}")))
            added += 1
    db.session.flush()
    yield f"technology needs added: {added}"

    added = 0
    for idx, name, org, contact, kind, coop, note, follow in INTERESTS:
        result = results[idx]
        if db.session.scalar(select(Interest).where(Interest.result_id == result.id,
                                                    Interest.contact == contact)) is None:
            db.session.add(Interest(result_id=result.id, name=name, organisation=org, contact=contact, kind=kind,
                                    cooperation=coop, note=note, follow_up=follow,
                                    created_at=dt.datetime(2024, 11, 19, 6, 10 + idx), updated_at=utcnow()))
            added += 1
    db.session.flush()
    yield f"interests added: {added}"
