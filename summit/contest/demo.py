"""The demo contest: 千创汇·智崂山 at the 2024 summit, both tracks, ~40 entries, a finished online
round with scores and a live final ready for the roadshow. Idempotent: looks before it creates."""
from __future__ import annotations

import datetime as dt
import io
import random

from sqlalchemy import func, select

from summit.auth.models import User
from summit.core.database import transaction
from summit.extensions import db

from . import applications, certificate_records, judging, ledger, ranking, rounds, tracks
from .models import Contest, Entry, Track


# project, field, organisation
STARTUP = [
    ("基于大模型的海洋遥感影像智能解译", "ai", "中国海洋大学"),
    ("轻量化VR光学模组", "vr", "青岛虚拟现实研究院"),
    ("深海微生物来源的抗肿瘤先导化合物", "marine_bio", "中国科学院青岛生物能源与过程研究所"),
    ("工业视觉缺陷检测一体机", "ai", "青岛科技大学"),
    ("海藻多糖医用敷料", "marine_bio", "青岛大学"),
    ("面向手术培训的VR仿真系统", "vr", "青岛大学"),
    ("智能网联船舶边缘计算平台", "it", "山东科技大学"),
    ("柔性可穿戴健康监测芯片", "microelectronics", "青岛科技大学"),
    ("海洋牧场水下机器人集群", "smart_mfg", "中国海洋大学"),
    ("多模态中医舌诊AI助手", "ai", "山东中医药大学"),
    ("VR文旅数字孪生崂山", "vr", "青岛大学"),
    ("鲎试剂替代重组检测技术", "marine_bio", "中国海洋大学"),
    ("高熵合金耐蚀涂层", "new_materials", "青岛科技大学"),
    ("端侧语音大模型压缩", "ai", "New York University"),
    ("海洋寡糖植物疫苗", "marine_bio", "中国农科院烟草研究所"),
    ("眼动追踪注视点渲染算法", "vr", "慕尼黑工业大学"),
    ("锂电池极片AI质检", "ai", "山东产业技术研究院"),
    ("海参活性肽功能食品", "marine_bio", "青岛大学"),
    ("碳化硅功率器件封装", "microelectronics", "山东科技大学"),
    ("养老机构跌倒预警毫米波雷达", "ai", "新加坡国立大学"),
]
GROWTH = [
    ("致真精密磁学测量仪器", "smart_mfg", "致真精密仪器(青岛)有限公司"),
    ("青岛灵境VR一体机", "vr", "青岛灵境科技有限公司"),
    ("蓝海生物海洋创新药", "marine_bio", "青岛蓝海生物医药有限公司"),
    ("智港AI集装箱调度", "ai", "青岛智港科技有限公司"),
    ("千帆工业互联网平台", "smart_mfg", "青岛千帆工业互联网有限公司"),
    ("崂山云VR直播", "vr", "青岛崂山云视科技有限公司"),
    ("海洋胶原蛋白医美材料", "marine_bio", "青岛海胶生物科技有限公司"),
    ("数字人客服大模型", "ai", "青岛问海智能科技有限公司"),
    ("MicroLED微显示芯片", "microelectronics", "青岛光芯微电子有限公司"),
    ("AR智能巡检眼镜", "vr", "青岛视界增强科技有限公司"),
    ("智慧海洋养殖大数据", "ai", "青岛渔联数据科技有限公司"),
    ("甲壳素止血材料", "marine_bio", "青岛甲壳生物材料有限公司"),
    ("家电柔性产线数字孪生", "smart_mfg", "海尔集团"),
    ("AI药物分子生成平台", "ai", "青岛分子智药科技有限公司"),
    ("VR职业技能实训平台", "vr", "青岛实训元宇宙科技有限公司"),
    ("海洋源抗菌肽饲料添加剂", "marine_bio", "青岛海肽生物科技有限公司"),
    ("石墨烯导热膜", "new_materials", "青岛烯材科技有限公司"),
    ("智能电网故障定位AI", "ai", "青岛电智科技有限公司"),
    ("文旅沉浸式VR剧场", "culture_tourism", "青岛沉浸文旅有限公司"),
    ("金融风控联邦学习平台", "finance", "青岛数盾金融科技有限公司"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余于杜叶程魏苏吕丁"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "晨", "志强", "子涵", "浩然",
         "一诺", "思远", "雨桐", "俊杰", "欣怡", "博文", "晓东", "宇航", "振华", "海涛"]
ROLES = ["技术负责人", "市场负责人", "研发工程师", "财务负责人", "产品经理"]


def _blank_plan() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _ensure_entries(contest: Contest, rng: random.Random) -> int:
    if db.session.scalar(select(func.count()).select_from(Entry).join(Track).where(Track.contest_id == contest.id)):
        return 0
    plan_path = applications.store_plan(_blank_plan())
    with transaction():
        made = 0
        for track in contest.tracks:
            projects = STARTUP if track.code == "startup" else GROWTH
            for i, (name, field, org) in enumerate(projects):
                growth = track.code == "growth"
                leader = rng.choice(SURNAMES) + rng.choice(GIVEN)
                members = [{"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "role": rng.choice(ROLES),
                            "organisation": org, "phone": f"139{made:04d}{k:04d}",
                            "email": f"team{made}-{k}@example.com"}
                           for k in range(rng.randint(1, 4))]
                founded = (dt.date(2021 + i % 4, 1 + i % 12, 10) if growth
                           else (dt.date(2023, 5, 1) if i % 3 == 0 else None))
                if growth and i == 17:
                    founded = dt.date(2018, 6, 1)  # too old for the growth group: flagged, left for review
                entry = Entry(track_id=track.id, project_name=name, field=field, organisation=org, leader_name=leader,
                              leader_phone=f"138{made:08d}", leader_email=f"leader{made}@example.com", members=members,
                              founded_on=founded, is_company=growth or founded is not None,
                              registered_capital=float(rng.choice([100, 200, 500, 1000, 3000])) if growth else None,
                              financing_stage=rng.choice(["none", "angel", "seed", "a"]) if growth else "none",
                              prior_awards=rng.choice(["", "", "中国创新创业大赛优秀企业", "山东省科技进步奖三等奖"]),
                              prior_talent_award=growth and i == 19,
                              summary=f"{name}：面向{org}所在产业链的关键需求，团队已完成核心技术验证，"
                                  "计划在崂山区落地中试与产业化。",
                              plan_path=plan_path, plan_filename="商业计划书.pdf", plan_size=1000,
                              team_token_hash=applications.hash_token(f"demo-{track.code}-{i}-{rng.random()}"))
                db.session.add(entry)
                db.session.flush()
                applications.check_eligibility(entry)
                made += 1
    return made


def _judge(rng: random.Random, top: float, quality: float, harshness: float) -> int:
    return max(0, min(int(top), round(top * min(1.0, max(0.0, quality + harshness + rng.gauss(0, 0.08))))))


def _run_online_round(contest: Contest, rng: random.Random) -> list[str]:
    lines = []
    judges = list(db.session.scalars(select(User).where(User.email.like("judge%@demo.qianshan.cn"))
                                     .order_by(User.email)))
    if not judges:
        return ["no demo judges: skipped the rounds"]
    harsh = {j.id: rng.uniform(-0.12, 0.08) for j in judges}
    for track in contest.tracks:
        prelim, final = track.rounds[0], track.rounds[1]
        if prelim.status != "draft":
            continue
        for entry in db.session.scalars(select(Entry).where(Entry.track_id == track.id).order_by(Entry.id)):
            if entry.is_eligible and entry.status == "submitted":
                applications.admit(entry, "演示数据")
        rounds.set_panel(prelim, [j.id for j in judges])
        rounds.set_panel(final, [j.id for j in judges])
        judging.auto_assign(prelim)
        with transaction():
            prelim.status = "open"
        quality = {e.id: rng.uniform(0.45, 0.92) for e in rounds.round_entries(prelim)}
        n = 0
        for judge in judges:
            for entry in judging.judge_entries(prelim, judge):
                values = {c["key"]: _judge(rng, c["max"], quality[entry.id], harsh[judge.id]) for c in prelim.rubric}
                ledger.record_score(prelim, entry.id, judge, "submit", values,
                                    rng.choice(["", "技术扎实", "市场分析需加强"]),
                                    client_id=f"demo-{prelim.id}-{entry.id}-{judge.id}")
                n += 1
        with transaction():
            prelim.status = "closed"
        top = ranking.advance_proposal(prelim, 8, None)
        ranking.confirm_advance(prelim, [r["entry"] for r in top], 8, None)
        with transaction():
            final.status = "open"
        lines.append(f"{track.name_zh}: {len(quality)} entries scored online ({n} scores), {len(top)} in the final")
    return lines


def load(summit):
    if summit.year != 2024:
        return
    rng = random.Random(20241119)
    contest, made = tracks.set_up_contest(summit, deadline=dt.datetime(2030, 12, 31))
    if made:
        yield f"contest {contest.name_zh} with two tracks"
    count = _ensure_entries(contest, rng)
    if count:
        yield f"entries added: {count}"
    yield from _run_online_round(contest, rng)
    yield from _issue_certificates(contest)


def _issue_certificates(contest: Contest):
    """Award certificates for the tracks whose awards are confirmed (none twice: issuing is idempotent)."""
    from .models import Award

    for track in contest.tracks:
        if not db.session.scalar(select(func.count()).select_from(Award).where(
                Award.track_id == track.id, Award.confirmed_at.is_not(None))):
            continue
        counts = certificate_records.issue_award_certificates(track)
        if counts["issued"]:
            yield f"{track.name_zh}: {counts['issued']} award certificates issued"
