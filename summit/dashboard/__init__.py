"""The organizer's dashboard: every feature's figures on one page and in one workbook."""


def init_feature(app, features) -> None:
    from . import views

    features.add_views(app, views.bp, views.NAV, views.HOME_LINKS)
