"""Operations: the OpenAPI description of the JSON API, backup and restore."""


def init_feature(app, features) -> None:
    from . import api_spec, commands, views

    features.add_views(app, views.bp)
    features.commands.extend(commands.COMMANDS)
    features.api_specs.append(("ops", api_spec.PATHS, api_spec.SCHEMAS))
