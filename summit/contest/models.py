"""Contest tables. Scores are an append-only ledger (ScoreEvent); the current score of a
judge for an entry and every ranking are computed from it."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.auth.models import User
from summit.core.models import Summit, utcnow
from summit.extensions import db

TRACK_CODES = ("startup", "growth")
ENTRY_STATUSES = ("submitted", "admitted", "rejected", "withdrawn")
ROUND_KINDS = ("online", "roadshow")
ROUND_STATUSES = ("draft", "open", "closed")
FINANCING_STAGES = ("none", "angel", "seed", "a", "b", "c_plus")


def _loc(obj, name: str, locale: str) -> str:
    en = getattr(obj, f"{name}_en")
    return en if str(locale).startswith("en") and en else getattr(obj, f"{name}_zh")


class Contest(db.Model):
    """千创汇·智崂山 at one summit."""

    __tablename__ = "contests"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Eligibility is judged against this date (the final's day).
    contest_date: Mapped[dt.date]
    applications_open: Mapped[bool] = mapped_column(default=True)
    # Until this moment a team may edit its application through its private link.
    application_deadline: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    tracks: Mapped[list["Track"]] = relationship(back_populates="contest", order_by="Track.position")

    def name(self, locale: str) -> str:
        return _loc(self, "name", locale)


class Track(db.Model):
    """初创组 / 成长组, with its eligibility rules and award levels."""

    __tablename__ = "contest_tracks"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    eligibility_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{"key": "first", "name_zh": "一等奖", "name_en": "First prize", "count": 1}, ...]; count None = N.
    award_levels: Mapped[list] = mapped_column(JSON, default=list)
    results_published_at: Mapped[Optional[dt.datetime]]

    contest: Mapped[Contest] = relationship(back_populates="tracks")
    rounds: Mapped[list["Round"]] = relationship(back_populates="track", order_by="Round.position")
    __table_args__ = (UniqueConstraint("contest_id", "code"),)

    def name(self, locale: str) -> str:
        return _loc(self, "name", locale)


class Entry(db.Model):
    """参赛项目: one team's application in one track."""

    __tablename__ = "contest_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("contest_tracks.id", ondelete="CASCADE"), index=True)
    project_name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(40), default="")  # a FieldTag code
    organisation: Mapped[str] = mapped_column(String(200), default="")  # university or company
    leader_name: Mapped[str] = mapped_column(String(120))
    leader_phone: Mapped[str] = mapped_column(String(20))
    leader_email: Mapped[str] = mapped_column(String(320))
    # [{"name", "role", "organisation", "phone", "email"}]
    members: Mapped[list] = mapped_column(JSON, default=list)
    founded_on: Mapped[Optional[dt.date]]
    is_company: Mapped[bool] = mapped_column(default=False)
    registered_capital: Mapped[Optional[float]] = mapped_column(Float)  # 万元
    financing_stage: Mapped[str] = mapped_column(String(20), default="none")
    prior_awards: Mapped[str] = mapped_column(Text, default="")
    prior_talent_award: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    plan_path: Mapped[Optional[str]] = mapped_column(String(300))
    plan_filename: Mapped[str] = mapped_column(String(200), default="")
    plan_size: Mapped[int] = mapped_column(default=0)
    # Plans uploaded so far (applications.MAX_PLAN_UPLOADS caps it).
    plan_uploads: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    eligible: Mapped[bool] = mapped_column(default=True)
    # [[code, {params}]] from eligibility.check at the last submission
    eligibility_reasons: Mapped[list] = mapped_column(JSON, default=list)
    eligibility_override: Mapped[Optional[bool]] = mapped_column(Boolean)
    eligibility_note: Mapped[str] = mapped_column(Text, default="")
    team_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    track: Mapped[Track] = relationship()

    @property
    def is_eligible(self) -> bool:
        return self.eligibility_override if self.eligibility_override is not None else self.eligible

    def organisations(self) -> set[str]:
        found = {self.organisation.strip()} | {(m.get("organisation") or "").strip() for m in self.members or []}
        return {o for o in found if o}


class Round(db.Model):
    """初赛 / 复赛 / 决赛 of one track, with its rubric (评分细则) and panel."""

    __tablename__ = "contest_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("contest_tracks.id", ondelete="CASCADE"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="online")
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    method: Mapped[str] = mapped_column(String(20), default="mean")
    judges_per_entry: Mapped[int] = mapped_column(default=3)
    # The rubric: [{"key", "name_zh", "name_en", "description_zh", "description_en", "max", "weight"}]
    rubric: Mapped[list] = mapped_column(JSON, default=list)
    # Criteria keys in tie-break order; empty = the rubric's order.
    tiebreak: Mapped[list] = mapped_column(JSON, default=list)
    pitch_seconds: Mapped[int] = mapped_column(default=480)
    questions_seconds: Mapped[int] = mapped_column(default=300)
    advance_top_n: Mapped[Optional[int]]
    advance_threshold: Mapped[Optional[float]] = mapped_column(Float)
    advanced_at: Mapped[Optional[dt.datetime]]

    track: Mapped[Track] = relationship(back_populates="rounds")

    def name(self, locale: str) -> str:
        return _loc(self, "name", locale)


class RoundEntry(db.Model):
    """An entry taking part in a round (admitted to the first, advanced to the next)."""

    __tablename__ = "contest_round_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # roadshow order
    entry: Mapped[Entry] = relationship()
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)


class PanelJudge(db.Model):
    """A judge on a round's panel."""

    __tablename__ = "contest_panel_judges"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user: Mapped[User] = relationship()
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)


class Assignment(db.Model):
    """Which judge reviews which entry in an online round."""

    __tablename__ = "contest_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="auto")  # auto/manual
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "judge_id"),)


class Conflict(db.Model):
    """回避: a judge declared one, or an organizer set one. (Same organisation is automatic.)"""

    __tablename__ = "contest_conflicts"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # declared/organizer
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    __table_args__ = (UniqueConstraint("entry_id", "judge_id"),)


class ScoreEvent(db.Model):
    """The score ledger: append-only. kind: draft (values so far), submit (locks), unlock
    (by an organizer). A judge's current score for an entry is the fold of its events."""

    __tablename__ = "contest_score_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    # Generated on the tablet: a retried upload of the same draft or submission is recognised.
    client_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Award(db.Model):
    """An award decision for an entry: proposed from the ranking, confirmed by an organizer."""

    __tablename__ = "contest_awards"
    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("contest_tracks.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id", ondelete="CASCADE"), unique=True)
    level: Mapped[str] = mapped_column(String(40))
    rank: Mapped[Optional[int]]
    score: Mapped[Optional[float]] = mapped_column(Float)
    confirmed_at: Mapped[Optional[dt.datetime]]
    entry: Mapped[Entry] = relationship()


class StageState(db.Model):
    """What is on a stage now (one row per hall): an item of a registered kind, a countdown, a reveal."""

    __tablename__ = "stage_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    hall: Mapped[str] = mapped_column(String(40), default="main")
    item_kind: Mapped[Optional[str]] = mapped_column(String(40))
    item_id: Mapped[Optional[int]]
    context: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. {"round_id": 3}
    # [["pitch", 480], ["questions", 300]]
    phases: Mapped[list] = mapped_column(JSON, default=list)
    phase_index: Mapped[int] = mapped_column(default=0)
    phase_started_at: Mapped[Optional[dt.datetime]]
    paused_remaining: Mapped[Optional[int]]
    revealed: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("summit_id", "hall"),)


class Certificate(db.Model):
    """获奖证书 / 参赛证明 / 评委聘书, each with a serial and a public verification code."""

    __tablename__ = "contest_certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # award/member_award/participation/judge
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # in the QR: /verify/<code>
    recipient: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contest_entries.id", ondelete="SET NULL"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[dt.datetime]]
    entry: Mapped[Optional[Entry]] = relationship()
