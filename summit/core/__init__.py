"""What every feature shares: summit editions, the audit trail, mail, background jobs on the task queue."""


def init_feature(app, features) -> None:
    from . import api_spec, commands, views

    features.add_views(app, views.bp, views.NAV)
    features.commands.extend(commands.COMMANDS)
    features.api_specs.append(("core", api_spec.PATHS, api_spec.SCHEMAS))
