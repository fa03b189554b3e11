"""Recruitment sessions (引才专场对接会): booths, slots, meeting requests, the scheduler, agendas.

Who reaches what:
- a talent, through the registration's private management link token:
  /me/<token>/sessions (sessions, booths, requests, times away, CV, booking),
  /me/<token>/agenda and /me/<token>/agenda.ics;
- a host account (role host; User.organisation names its organisation, or Booth.host_user_id):
  /host/booths (requests, decisions, the day's marks, walk-ins, printable A4 agenda);
- organizers: /matchmaking/ (sessions, booths, building and publishing the timetable, the
  booth x slot grid, the .xlsx export).
The solver alone: `summit schedule FILE.json -o OUT.json` (summit/matchmaking/scheduler.py).
"""


def init_feature(app, features) -> None:
    from flask_babel import lazy_gettext as _l

    from summit.core import signals

    from . import booking, commands, dashboard, demo, lookups, shredding, views

    features.add_views(app, views.bp, views.NAV)
    features.shredders.append(("matchmaking", shredding.shred))
    features.commands.extend(commands.COMMANDS)
    features.dashboard_sections.append(("matchmaking", dashboard.figures))
    features.demo_loaders.append(("matchmaking", demo.load))
    signals.personal_agenda_items.connect(lookups.agenda_items)
    signals.registration_withdrawn.connect(booking.release_registration)
    # Its actions on a registration, in that registration's history.
    features.add_audit_labels("registrations", actions={"meeting_requests_set": _l("Meeting requests chosen"),
                                                        "cv_uploaded": _l("CV uploaded")},
                              fields={"booths": _l("Booths"), "unavailable": _l("Times away")})
