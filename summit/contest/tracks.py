"""The contest of an edition and its tracks: lookups, setting the contest up, and the organizer's
track settings."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from summit.core import audit
from summit.core.database import transaction
from summit.core.models import Summit
from summit.extensions import db

from . import eligibility, rubric
from .eligibility import DEFAULT_RULES
from .errors import ContestError
from .models import Contest, Round, Track

AWARD_LEVELS = [
    {"key": "first", "name_zh": "一等奖", "name_en": "First prize", "count": 1},
    {"key": "second", "name_zh": "二等奖", "name_en": "Second prize", "count": 2},
    {"key": "third", "name_zh": "三等奖", "name_en": "Third prize", "count": 3},
    {"key": "excellence", "name_zh": "优秀奖", "name_en": "Honourable mention", "count": None},
]


def contest_for(summit: Summit | None) -> Contest | None:
    if summit is None:
        return None
    return db.session.scalar(select(Contest).where(Contest.summit_id == summit.id))


def track_by_code(contest: Contest, code: str) -> Track | None:
    return db.session.scalar(select(Track).where(Track.contest_id == contest.id, Track.code == code))


def first_round(track: Track) -> Round | None:
    return db.session.scalar(select(Round).where(Round.track_id == track.id).order_by(Round.position).limit(1))


def update_settings(track: Track, rules: dict, levels: list[dict]) -> None:
    """The track's eligibility rules and award levels (levels as parsed from the form)."""
    try:
        rules = eligibility.validate_rules(rules)
    except ValueError:
        raise ContestError(_("The eligibility rules are not valid: numbers must be whole and positive."), "rules")
    if len({lv["key"] for lv in levels}) != len(levels):
        raise ContestError(_("Each award level needs its own key."), "levels")
    with transaction():
        audit.record(track, "track.settings", {"rules": track.eligibility_rules, "levels": track.award_levels},
                     {"rules": rules, "levels": levels})
        track.eligibility_rules, track.award_levels = rules, levels


def set_up_contest(summit: Summit, deadline: dt.datetime | None = None) -> tuple[Contest, bool]:
    """The contest of the edition with both tracks, their two rounds and the usual rubric;
    (contest, False) when it exists already. One transaction."""
    contest = contest_for(summit)
    if contest is not None:
        return contest, False
    with transaction():
        contest = Contest(summit_id=summit.id, name_zh="千创汇·智崂山创新创业大赛",
                          name_en="Qianchuanghui · Smart Laoshan Innovation and Entrepreneurship Contest",
                          contest_date=summit.starts_on, application_deadline=deadline)
        db.session.add(contest)
        db.session.flush()
        tracks = [
            ("startup", "初创组", "Startup group",
             "面向国内及驻崂高校院所人才团队，技术创新性强、多数尚未注册企业的项目。",
             "Teams from universities and institutes at home or based in Laoshan with strong technical innovation; "
             "most not yet incorporated."),
            ("growth", "成长组", "Growth group",
             "面向区内成立4年以内、尚未获得人才计划支持的领军人才项目，以及高层次人才创办的优质项目。",
             "Companies in the district founded within four years that have not yet received a talent-programme "
             "award, and quality projects founded by high-level talents."),
        ]
        for pos, (code, zh, en, dzh, den) in enumerate(tracks):
            track = Track(contest_id=contest.id, code=code, name_zh=zh, name_en=en, description_zh=dzh,
                          description_en=den, position=pos, eligibility_rules=dict(DEFAULT_RULES[code]),
                          award_levels=[dict(lv) for lv in AWARD_LEVELS])
            db.session.add(track)
            db.session.flush()
            db.session.add(Round(track_id=track.id, name_zh="初赛", name_en="Preliminary (online review)",
                                 kind="online", position=0, status="draft", method="zscore", judges_per_entry=3,
                                 rubric=rubric.validate(rubric.DEMO_RUBRIC)))
            db.session.add(Round(track_id=track.id, name_zh="决赛", name_en="Final (live roadshow)", kind="roadshow",
                                 position=1, status="draft", method="trimmed",
                                 rubric=rubric.validate(rubric.DEMO_RUBRIC)))
    return contest, True
