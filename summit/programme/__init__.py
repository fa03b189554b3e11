"""The programme (日程), the 繁星计划 research-results roadshow, enterprises' technology needs
(企业点题) matched with results (院所答题), and interest (意向) in results."""


def init_feature(app, features) -> None:
    from summit.core import signals

    from . import dashboard, demo, items, roadshow, shredding, views

    features.add_views(app, views.bp, views.NAV, views.HOME_LINKS)
    features.shredders.append(("programme", shredding.shred))
    features.dashboard_sections.append(("programme", dashboard.figures))
    features.demo_loaders.append(("programme", demo.load))
    features.add_stage_kind(roadshow.stage_kind())  # research results on the roadshow stage
    signals.registration_withdrawn.connect(items.withdraw_registration)
