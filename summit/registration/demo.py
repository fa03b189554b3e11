"""Demo data of the registration feature: extra questions and private links for the demo summit."""
from __future__ import annotations

from sqlalchemy import select

from summit.extensions import db
from summit.registration.models import ExtraQuestion

QUESTIONS = [
    ("single", "您希望对接的方向", "What would you like to discuss?", False,
     [{"value": "job", "zh": "全职岗位", "en": "A full-time position"},
      {"value": "project", "zh": "项目落地", "en": "Bringing a project to Laoshan"},
      {"value": "cooperation", "zh": "科研合作", "en": "Research cooperation"}]),
    ("yesno", "是否需要协助预订住宿", "Do you need help booking a hotel?", False, []),
    ("date", "预计抵达青岛日期", "When do you arrive in Qingdao?", False, []),
]


def load(summit):
    made = 0
    for position, (kind, zh, en, required, choices) in enumerate(QUESTIONS):
        if db.session.scalar(select(ExtraQuestion).where(ExtraQuestion.summit_id == summit.id,
                                                         ExtraQuestion.label_zh == zh)) is None:
            db.session.add(ExtraQuestion(summit_id=summit.id, kind=kind, label_zh=zh, label_en=en,
                                         required=required, choices=choices, position=position))
            made += 1
    db.session.flush()
    yield f"extra questions added: {made}"
