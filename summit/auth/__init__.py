"""Accounts, roles, login, API tokens and the permission helpers."""


def init_feature(app, features) -> None:
    from . import commands, views

    features.add_views(app, views.bp)
    features.commands.extend(commands.COMMANDS)
