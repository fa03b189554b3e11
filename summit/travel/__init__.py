"""Invited talents' journey: invitations and replies, travel (arrival, departure), airport and
station pickups (Vehicle, Run), hotels and room blocks. So far: the pickup planner
(pickups.py, `summit plan-pickups`) and the travel form's rules (rules.py)."""


def init_feature(app, features) -> None:
    from . import commands

    features.commands.extend(commands.COMMANDS)
