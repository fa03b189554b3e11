"""Invited talents' journey: invitations and replies, travel (arrival, departure), airport and
station pickups (Vehicle, Run), hotels and room blocks. So far: invitations with their letter
(invitations.py, letters.py), the invitee's reply and travel form, the pickup planner
(pickups.py, `summit plan-pickups`) and the travel form's rules (rules.py)."""


def init_feature(app, features) -> None:
    from . import commands, dashboard, shredding, views

    features.add_views(app, views.bp, views.NAV)
    features.commands.extend(commands.COMMANDS)
    features.dashboard_sections.append(("travel", dashboard.figures))
    features.shredders.append(("travel", shredding.shred))
