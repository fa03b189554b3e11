"""What every feature shares: summit editions, the audit trail, mail, background jobs."""


def init_feature(app, features) -> None:
    from . import commands, views

    features.add_views(app, views.bp, views.NAV)
    features.commands.extend(commands.COMMANDS)
