"""The 千创汇·智崂山 innovation contest: tracks, entries, rounds, rubrics, judges, scoring, ranking, awards."""


def init_feature(app, features) -> None:
    from . import commands, dashboard, demo, shredding, stage, views

    features.add_views(app, views.bp, views.NAV, views.HOME_LINKS)
    features.shredders.append(("contest", shredding.shred))
    features.commands.extend(commands.COMMANDS)
    features.dashboard_sections.append(("contest", dashboard.figures))
    features.demo_loaders.append(("contest", demo.load))
    features.add_stage_kind(stage.ENTRY_KIND)
