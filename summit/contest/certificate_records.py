"""Certificate records (获奖证书、参赛证明、评委聘书): issuing with per-summit serials, revoking,
the print selection, and the plain data of each page. The pages are laid out by certificates.py
and printed by the shared engine (summit.printing)."""
from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from summit.auth.models import User
from summit.core import audit
from summit.core.database import for_update, transaction
from summit.core.models import Summit, utcnow
from summit.extensions import db
from summit.printing.pdf import render_pdf
from summit.printing.qr import qr_svg

from .awards import award_level, awards
from .certificates import KINDS, QR_MM, CertificateData, document_html
from .errors import ContestError
from .models import Certificate, Contest, Entry, PanelJudge, Round, Track
from .tracks import contest_for


def _lock_serials(summit: Summit) -> None:
    """Serials are numbered per summit: one issuer at a time (the write lock on SQLite, taken by
    transaction(lock=True); the summit's row on PostgreSQL), so two organizers issuing at once
    cannot draw the same number."""
    db.session.scalar(for_update(select(Summit).where(Summit.id == summit.id)))


def _new_certificate(summit: Summit, kind: str, recipient: str, title_zh: str, title_en: str = "",
                     entry_id: int | None = None, user_id: int | None = None):
    """A certificate in the caller's transaction (which holds _lock_serials)."""
    prefix = f"QS{summit.year}-{kind[0].upper()}-"
    last = db.session.scalar(select(func.max(Certificate.serial)).where(Certificate.serial.like(prefix + "%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    cert = Certificate(summit_id=summit.id, kind=kind, serial=f"{prefix}{number:04d}",
                       code=secrets.token_urlsafe(18), recipient=recipient.strip()[:200], title_zh=title_zh[:200],
                       title_en=title_en[:200], entry_id=entry_id, user_id=user_id)
    db.session.add(cert)
    db.session.flush()
    audit.record(cert, "certificate.issued", None, {"serial": cert.serial, "kind": kind, "recipient": cert.recipient})
    return cert


def issue_certificate(summit: Summit, kind: str, recipient: str, title_zh: str, title_en: str = "",
                      entry: Entry | None = None, user: User | None = None):
    """A certificate record with a serial (QS2024-A-0001) and an unguessable verification code."""
    if kind not in KINDS:
        raise ContestError(_("Unknown certificate kind."), "kind")
    if not (recipient or "").strip():
        raise ContestError(_("The certificate needs a recipient."), "recipient")
    entry_id, user_id = (entry.id if entry else None), (user.id if user else None)
    with transaction(lock=True):
        _lock_serials(summit)
        cert = _new_certificate(summit, kind, recipient, title_zh, title_en, entry_id, user_id)
    return cert


def _valid_certificates(summit_id: int, kind: str, **where) -> list:
    stmt = select(Certificate).where(Certificate.summit_id == summit_id, Certificate.kind == kind,
                                     Certificate.revoked_at.is_(None))
    for name, value in where.items():
        stmt = stmt.where(getattr(Certificate, name) == value)
    return list(db.session.scalars(stmt.order_by(Certificate.id)))


def team_names(entry: Entry) -> list[str]:
    """The team leader and every member, each once per person named (two members may share a name)."""
    names = [entry.leader_name] + [(m or {}).get("name") or "" for m in entry.members or []]
    return [" ".join(n.split()) for n in names if n and n.strip()]


def issue_award_certificates(track: Track) -> dict:
    """Certificates for the track's confirmed awards: one for each entry (its team) and one for
    each team member. Issuing again makes none twice: a valid certificate with the same title is
    kept; one whose award has since changed level is revoked and replaced. One transaction.
    Returns {"issued", "kept", "replaced"}."""
    track_id = track.id
    summit = track.contest.summit
    with transaction(lock=True):
        _lock_serials(summit)
        track = db.session.get(Track, track_id)
        counts = {"issued": 0, "kept": 0, "replaced": 0}
        confirmed = [a for a in awards(track) if a.confirmed_at is not None]
        if not confirmed:
            raise ContestError(_("This track has no confirmed awards yet. Confirm the awards first."), status=409)
        for award in confirmed:
            entry = award.entry
            level = award_level(track, award.level)
            title_zh = f"{track.name_zh}{level.get('name_zh') or award.level}"
            title_en = f"{level.get('name_en') or award.level}, {track.name_en}"
            for kind, wanted in (("award", [entry.project_name]), ("member_award", team_names(entry))):
                existing = _valid_certificates(summit.id, kind, entry_id=entry.id)
                for cert in existing:
                    if cert.title_zh != title_zh[:200]:  # the award changed: the old paper must not verify
                        cert.revoked_at = utcnow()
                        audit.record(cert, "certificate.revoked", {"title": cert.title_zh}, {"revoked": True},
                                     note="award changed")
                        counts["replaced"] += 1
                current = [c for c in existing if c.revoked_at is None]
                for name in wanted:
                    # The team's certificate is the entry's whatever its name; a member's is theirs.
                    match = next((c for c in current if kind == "award" or c.recipient == name.strip()[:200]), None)
                    if match is not None:
                        current.remove(match)
                        counts["kept"] += 1
                        continue
                    _new_certificate(summit, kind, name, title_zh, title_en, entry_id=entry.id)
                    counts["issued"] += 1
    return counts


def issue_participation_certificates(contest: Contest, track: Track | None = None) -> dict:
    """A participation certificate for each admitted entry (of one track, or of all). One transaction."""
    summit = contest.summit
    track_id = track.id if track else None
    stmt = (select(Entry).join(Track).where(Track.contest_id == contest.id, Entry.status == "admitted")
            .order_by(Track.position, Entry.id))
    if track_id is not None:
        stmt = stmt.where(Track.id == track_id)
    with transaction(lock=True):
        _lock_serials(summit)
        counts = {"issued": 0, "kept": 0}
        for entry in db.session.scalars(stmt).all():
            if _valid_certificates(summit.id, "participation", entry_id=entry.id):
                counts["kept"] += 1
                continue
            _new_certificate(summit, "participation", entry.project_name, f"{entry.track.name_zh}参赛证明",
                             f"Participation, {entry.track.name_en}", entry_id=entry.id)
            counts["issued"] += 1
    return counts


def summit_judges(summit: Summit, order: str = "stroke") -> list[User]:
    """Judges on a panel of any round of the summit's contest, by name in stroke (姓氏笔画, as
    official lists are) or pinyin order; "" keeps them in the order they were added."""
    from summit.core import names

    return names.sorted_by(db.session.scalars(
        select(User).where(User.id.in_(
            select(PanelJudge.user_id).join(Round, Round.id == PanelJudge.round_id)
            .join(Track, Track.id == Round.track_id).join(Contest, Contest.id == Track.contest_id)
            .where(Contest.summit_id == summit.id))).order_by(User.id)), order, lambda u: u.name)


def issue_judge_certificates(summit: Summit) -> dict:
    """An appointment letter (评委聘书) for each judge of the summit's contest. One transaction."""
    with transaction(lock=True):
        _lock_serials(summit)
        counts = {"issued": 0, "kept": 0}
        for judge in summit_judges(summit):
            if _valid_certificates(summit.id, "judge", user_id=judge.id):
                counts["kept"] += 1
                continue
            _new_certificate(summit, "judge", judge.name or judge.email, "评委", "Judge", user_id=judge.id)
            counts["issued"] += 1
    return counts


def revoke_certificate(cert, note: str = "") -> None:
    """From now on the certificate's QR code shows it as revoked."""
    if cert.revoked_at is not None:
        raise ContestError(_("This certificate is already revoked."), status=409)
    with transaction():
        cert.revoked_at = utcnow()
        audit.record(cert, "certificate.revoked", {"revoked": False}, {"revoked": True},
                     note=(note or "").strip()[:500])


def certificate_list(summit: Summit, kind: str | None = None, track_code: str | None = None,
                     include_revoked: bool = True, order: str = "serial") -> list:
    """The summit's certificates in print order: kind, then serial, or the recipient's name in
    stroke (姓氏笔画) or pinyin order."""
    from summit.core import names

    stmt = select(Certificate).where(Certificate.summit_id == summit.id)
    if kind:
        if kind not in KINDS:
            raise ContestError(_("Unknown certificate kind."), "kind")
        stmt = stmt.where(Certificate.kind == kind)
    if track_code:
        if track_code not in ("startup", "growth"):
            raise ContestError(_("Unknown track."), "track")
        stmt = stmt.join(Entry, Entry.id == Certificate.entry_id).join(Track, Track.id == Entry.track_id).where(
            Track.code == track_code)
    if not include_revoked:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    kinds = {k: i for i, k in enumerate(KINDS)}
    if order in names.ORDERS:
        return sorted(db.session.scalars(stmt), key=lambda c: (kinds.get(c.kind, 9), names.sort_key(c.recipient, order),
                                                                c.serial))
    return sorted(db.session.scalars(stmt), key=lambda c: (kinds.get(c.kind, 9), c.serial))


def verify_url(code: str) -> str:
    """The certificate's public check: what its QR code holds (also from the CLI and jobs)."""
    from summit.core import links

    return links.external_url("contest.verify", code=code)


def certificate_data(cert, qr: bool = True):
    """The plain data of the certificate's page (certificates.CertificateData)."""
    from zoneinfo import ZoneInfo

    summit = db.session.get(Summit, cert.summit_id)
    contest = contest_for(summit)
    entry = db.session.get(Entry, cert.entry_id) if cert.entry_id else None
    track = entry.track if entry else None
    level_zh = level_en = ""
    if cert.kind in ("award", "member_award") and track is not None:
        # The level the certificate was issued for (its title), even if the award changed since.
        level = next((lv for lv in track.award_levels or [] if f"{track.name_zh}{lv.get('name_zh')}" == cert.title_zh),
                     None)
        if level is not None:
            level_zh, level_en = level.get("name_zh") or "", level.get("name_en") or ""
        else:
            level_zh = cert.title_zh.removeprefix(track.name_zh) or cert.title_zh
            level_en = cert.title_en.rsplit(",", 1)[0] if cert.title_en else level_zh
    organisation = ""
    if cert.kind == "judge" and cert.user_id:
        judge = db.session.get(User, cert.user_id)
        organisation = judge.organisation if judge else ""
    url = verify_url(cert.code)
    shanghai = ZoneInfo("Asia/Shanghai")
    issued = cert.issued_at.replace(tzinfo=dt.timezone.utc).astimezone(shanghai).date()
    return CertificateData(
        kind=cert.kind, recipient=cert.recipient, serial=cert.serial, verify_url=url,
        summit_zh=summit.name_zh, summit_en=summit.name_en,
        contest_zh=contest.name_zh if contest else "", contest_en=contest.name_en if contest else "",
        track_zh=track.name_zh if track else "", track_en=track.name_en if track else "",
        entry_name=entry.project_name if entry else "", level_zh=level_zh, level_en=level_en,
        organisation=organisation, date=issued, qr_svg=qr_svg(url, QR_MM) if qr else "")


def render_certificates(certs: list) -> bytes:
    """Certificates as one PDF, one landscape A4 page each."""
    return render_pdf(document_html([certificate_data(c) for c in certs]))


def certificate_pdf(cert) -> bytes:
    return render_certificates([cert])
