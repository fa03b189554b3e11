"""The programme's shredder (summit/core/shredding.py): the contacts and team names of research
results and technology needs, their private links and slide decks, and the people who showed
interest in a result. Titles, institutions, enterprises, fields and interest counts stay."""
from __future__ import annotations

from sqlalchemy import select

from summit.core.shredding import random_hash
from summit.extensions import db
from summit.programme.models import Interest, ResearchResult, TechNeed


def shred(scope) -> None:
    summit_id = scope.summit.id
    results = db.session.scalars(select(ResearchResult).where(ResearchResult.summit_id == summit_id)).all()
    mine = [r for r in results if scope.matches(r.contact_email, r.contact_phone)]
    for result in mine:
        scope.forget(result.contact_name, result.contact_email, result.contact_phone, *_team_names(result.team))
        result.contact_name = result.contact_email = result.contact_phone = result.team = ""
        result.token_hash = random_hash()
        if result.deck_path:  # the slides name the team
            scope.remove_file(result.deck_path)
            result.deck_path, result.deck_filename = None, ""
    # The person named in another team's list (a member, not the contact) leaves that list.
    names = {t.lower() for t in scope.texts}
    for result in results:
        if result in mine or not result.team:
            continue
        lines = _team_names(result.team)
        if any(n.lower() in names for n in lines):
            result.team = "、".join(n for n in lines if n.lower() not in names)
            scope.audit_of("research_results", [result.id])
            scope.rows["research_results"] += 1
    scope.audit_of("research_results", [r.id for r in mine])
    scope.rows["research_results"] += len(mine)
    needs = db.session.scalars(select(TechNeed).where(TechNeed.summit_id == summit_id)).all()
    mine_needs = [n for n in needs if scope.matches(n.contact_email, n.contact_phone)]
    for need in mine_needs:
        scope.forget(need.contact_name, need.contact_email, need.contact_phone)
        need.contact_name = need.contact_email = need.contact_phone = ""
        need.token_hash = random_hash()
    scope.audit_of("tech_needs", [n.id for n in mine_needs])
    scope.rows["tech_needs"] += len(mine_needs)
    interests = db.session.scalars(select(Interest).join(ResearchResult)
                                   .where(ResearchResult.summit_id == summit_id)).all()
    mine_interests = [i for i in interests
                      if scope.matches(i.contact if "@" in i.contact else "", "" if "@" in i.contact else i.contact)]
    for interest in mine_interests:
        scope.forget(interest.name, interest.contact)
        interest.name = ""
        interest.contact = f"shredded-{interest.id}"  # unique per result
        interest.note = interest.follow_up_note = ""
    scope.audit_of("result_interests", [i.id for i in mine_interests])
    scope.rows["result_interests"] += len(mine_interests)


def _team_names(team: str) -> list[str]:
    """The names of a team as typed: one a line, or separated by 、 or commas."""
    text = (team or "").replace("、", "\n").replace("，", "\n").replace(",", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]
