"""The contest's shredder (summit/core/shredding.py): team leaders' and members' names and
contacts, the teams' private links, the business plans, the certificates that name a person
and the certificate PDFs. Project names, scores, awards and member counts stay."""
from __future__ import annotations

from sqlalchemy import select

from summit.contest.models import Certificate, Contest, Entry, Track
from summit.core import jobs
from summit.core.models import Job
from summit.core.shredding import random_hash
from summit.extensions import db


def shred(scope) -> None:
    summit_id = scope.summit.id
    entries = db.session.scalars(select(Entry).join(Track).join(Contest).where(Contest.summit_id == summit_id)
                                 .order_by(Entry.id)).all()
    touched = []
    for entry in entries:
        members = list(entry.members or [])
        leader = scope.matches(entry.leader_email, entry.leader_phone)
        names = {t.lower() for t in scope.texts}
        mine = [m for m in members if _is_theirs(scope, names, m)]
        if not leader and not mine:
            continue
        touched.append(entry.id)
        if leader:
            scope.forget(entry.leader_name, entry.leader_phone, entry.leader_email)
            entry.leader_name, entry.leader_phone, entry.leader_email = f"#{entry.id}", "", ""
            # The team's private link is the leader's: no token leads to the entry any more.
            entry.team_token_hash = random_hash()
            if entry.plan_path:
                scope.remove_file(entry.plan_path)
                entry.plan_path, entry.plan_filename = None, ""
        kept = []
        for m in members:
            if m in mine:
                scope.forget(m.get("name"), m.get("phone"), m.get("email"))
                kept.append({"role": m.get("role") or "", "organisation": m.get("organisation") or ""})
            else:
                kept.append(m)
        entry.members = kept
    scope.audit_of("contest_entries", touched)
    scope.rows["contest_entries"] += len(touched)
    db.session.flush()
    certs = db.session.scalars(select(Certificate).where(Certificate.summit_id == summit_id)).all()
    names = {t.lower() for t in scope.texts}
    named = [c for c in certs if c.recipient and c.recipient.strip().lower() in names]
    for cert in named:
        cert.recipient = ""
    scope.audit_of("contest_certificates", [c.id for c in named])
    scope.rows["contest_certificates"] += len(named)
    # Certificate PDFs list the people: a batch that holds one of the edition's named certificates goes.
    ids = {c.id for c in (certs if scope.everyone else named)}
    if ids:
        for job in db.session.scalars(select(Job).where(Job.kind == "certificates")):
            if ids & {int(i) for i in (job.params or {}).get("ids") or []}:
                jobs.forget_files(job, scope.remove_file)


def _is_theirs(scope, names: set[str], member: dict) -> bool:
    """A member with a contact is matched by it; one without, by the person's name."""
    email, phone = member.get("email") or "", member.get("phone") or ""
    if email or phone:
        return scope.matches(email, phone)
    return scope.everyone or (member.get("name") or "").strip().lower() in names
