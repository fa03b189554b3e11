"""Badges (胸卡) with QR codes, badge PDFs in Chinese, and check-in (签到) at the door."""


def init_feature(app, features) -> None:
    from flask_babel import lazy_gettext as _l

    from summit.core import signals
    from summit.core.features import ExportColumn

    from . import api_spec, checkin, commands, dashboard, demo, services, shredding, views

    features.add_views(app, views.bp, views.NAV, views.HOME_LINKS)
    features.shredders.append(("badges", shredding.shred))
    features.commands.extend(commands.COMMANDS)
    features.dashboard_sections.append(("badges", dashboard.figures))
    features.demo_loaders.append(("badges", demo.load))
    features.api_specs.append(("badges", api_spec.PATHS, api_spec.SCHEMAS))
    features.add_export_column(ExportColumn("badge_code", _l("Badge code"), values=services.export_badge_codes))
    features.set_checked_in_source(checkin.checked_in_ids)
    features.add_audit_labels("registrations", actions={"badge_reissued": _l("New badge issued")},
                              fields={"badge": _l("Badge")})
    signals.registration_approved.connect(services.on_registration_approved)
    signals.confirmation_mail_parts.connect(services.confirmation_mail_parts)
    signals.registration_withdrawn.connect(services.on_registration_withdrawn)
