"""Invited talents' journey: invitations and replies, travel (arrival, departure), airport and
station pickups (Vehicle, Run), hotels and room blocks. So far: invitations with their letter
(invitations.py, letters.py), the reply and travel form, the pickup planner (pickups.py,
`summit plan-pickups`) and the travel form's rules (rules.py)."""


def init_feature(app, features) -> None:
    from . import commands, models  # noqa: F401  (the tables join the metadata)

    features.commands.extend(commands.COMMANDS)
