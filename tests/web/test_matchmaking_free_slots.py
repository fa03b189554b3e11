"""The talent's "book a free time" offers only times the talent can take: not one that clashes
with the talent's own meeting in another session (booking it would be refused)."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from summit.matchmaking import booking, sessions_admin, timetable
from summit.matchmaking.models import Meeting


def test_a_time_that_clashes_with_the_talents_own_meeting_is_not_offered(client, db, mm):
    a, _b = mm["booths"]
    reg, token = mm["talents"][0]
    first = mm["session"]  # 09:00–10:00, four slots of 15 minutes
    # Another session the same morning, 09:30–10:30, whose booth has every time free.
    second = sessions_admin.create_session(mm["summit"], title_zh="青岛大学引才专场", title_en="QDU session",
                                           host_org_zh="青岛大学", host_org_en="Qingdao University", kind="university",
                                           day=dt.date(2024, 11, 20), start=dt.time(9, 30), end=dt.time(10, 30),
                                           slot_minutes=15, room_zh="报告厅")
    c = sessions_admin.add_booth(second, name_zh="计算机科学技术学院", name_en="Computer Science", fields=["ai"],
                                 capacity=3)
    for s in (first, second):
        timetable.publish(s)
    db.session.rollback()
    # The talent's own (published) meeting at 09:45 in the first session.
    at_945 = next(s for s in first.slots if s.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).time()
                  == dt.time(9, 45))
    with client.application.test_request_context("/"):
        booking.book(reg, a, at_945)
    db.session.rollback()
    page = client.get(f"/me/{token}/sessions/{second.id}").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d+):(\d+)">([0-9:]+) ·', page)
    times = {label for _b, _s, label in offered}
    assert "09:45" not in times and {"09:30", "10:00", "10:15"} <= times, times
    # Each time offered can be booked.
    booth_id, slot_id, label = next(o for o in offered if o[2] == "10:00")
    r = client.post(f"/me/{token}/sessions/{second.id}/book", data={"place": f"{booth_id}:{slot_id}"},
                    headers={"Accept": "application/json"})
    assert r.status_code in (200, 201, 303), r.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(Meeting).where(Meeting.registration_id == reg.id,
                                                   Meeting.booth_id == c.id)).slot_id == int(slot_id)
