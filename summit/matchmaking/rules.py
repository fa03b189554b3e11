"""Pure rules of the sessions (no Flask, no database): slot times, request weights, booth
recommendations, figures."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
DEGREE_ORDER = {"": 0, "other": 0, "bachelor": 1, "master": 2, "phd": 3}


def to_utc(local: dt.datetime) -> dt.datetime:
    """A naive Asia/Shanghai time as the naive UTC time the database keeps."""
    return local.replace(tzinfo=LOCAL).astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL).replace(tzinfo=None)


def parse_breaks(text: str) -> list[list[str]]:
    """"12:00-12:30, 15:00-15:10" -> [["12:00", "12:30"], ["15:00", "15:10"]]; ValueError if malformed."""
    out = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip().replace("–", "-").replace("～", "-").replace("~", "-")
        if not part:
            continue
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(part)
        a = dt.datetime.strptime(start.strip(), "%H:%M").time()
        b = dt.datetime.strptime(end.strip(), "%H:%M").time()
        if b <= a:
            raise ValueError(part)
        out.append([a.strftime("%H:%M"), b.strftime("%H:%M")])
    return out


def build_slots(start_local: dt.datetime, end_local: dt.datetime, minutes: int,
                breaks: list[list[str]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Consecutive slots of `minutes` from start to end (local times), skipping every slot that
    touches a break; a slot that would run past the end is left out."""
    if minutes <= 0:
        raise ValueError("minutes")
    pauses = []
    for a, b in breaks:
        day = start_local.date()
        pauses.append((dt.datetime.combine(day, dt.time.fromisoformat(a)),
                       dt.datetime.combine(day, dt.time.fromisoformat(b))))
    slots = []
    t = start_local
    step = dt.timedelta(minutes=minutes)
    while t + step <= end_local:
        pause_end = next((b for a, b in pauses if t < b and a < t + step), None)
        if pause_end is not None:
            t = pause_end  # the next slot starts when the break ends
            continue
        slots.append((t, t + step))
        t += step
    return slots


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def request_weight(rank: int, max_requests: int, status: str, priority: bool) -> int:
    """The scheduler's weight of a request: the talent's preference order sets the base
    (first choice K, last 1), the host's acceptance adds 2 and priority adds K, so a host's
    priority weighs as much as one step up the talent's whole list. Declined: 0 (never met)."""
    if status == "declined":
        return 0
    base = max(max_requests + 1 - rank, 1)
    return base + (2 if status == "accepted" else 0) + (max_requests if priority else 0)


def booth_score(talent_fields: list[str], talent_degree: str, booth_fields: list[str], needs: list[dict]) -> int:
    """How well a booth fits a talent: shared fields, and needs whose field and degree the talent meets."""
    mine = set(talent_fields or [])
    score = 2 * len(mine & set(booth_fields or []))
    level = DEGREE_ORDER.get(talent_degree or "", 0)
    for need in needs or []:
        field_ok = not need.get("field") or need.get("field") in mine
        degree_ok = DEGREE_ORDER.get(need.get("degree") or "", 0) <= level
        if field_ok and degree_ok:
            score += 3 if need.get("field") else 1
    return score


def recommend(talent_fields, talent_degree, booths: list[dict], limit: int = 3) -> list:
    """Ids of the best-fitting booths (score > 0), best first, ties by table order."""
    scored = [(booth_score(talent_fields, talent_degree, b.get("fields", []), b.get("needs", [])), i, b["id"])
              for i, b in enumerate(booths)]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [s[2] for s in scored[:limit]]


def session_figures(meetings: list[dict]) -> dict:
    """meetings: [{"status", "outcome", "source"}] -> counts and the no-show rate."""
    held = sum(1 for m in meetings if m["status"] == "held")
    no_show = sum(1 for m in meetings if m["status"] == "no_show")
    marked = held + no_show
    outcomes = {o: sum(1 for m in meetings if m["status"] == "held" and m["outcome"] == o)
                for o in ("interest", "in_depth", "intent_to_sign")}
    return {
        "meetings": len(meetings),
        "held": held,
        "no_show": no_show,
        "planned": len(meetings) - marked,
        "walk_ins": sum(1 for m in meetings if m["source"] == "walk_in"),
        "no_show_rate": round(no_show / marked, 4) if marked else 0.0,
        "outcomes": outcomes,
    }
