"""Registration: sign-up, approval, waitlist, self-service links, import/export.

What it offers other features and what it asks of them goes through init_feature below
(see summit/core/features.py): its own export columns come first, other features add theirs
(the badges feature: the badge code) and the "checked in" source of the list's filter.
It sends registration_approved, registration_withdrawn and confirmation_mail_parts
(summit/core/signals.py), and runs every feature's shredder (retention.py).
"""


def init_feature(app, features) -> None:
    from . import choices, commands, dashboard, demo, export, retention, tasks, views
    from . import organizer_views, retention_views  # noqa: F401 (their routes join views.bp before the blueprint is registered)

    features.add_views(app, views.bp, views.NAV, views.HOME_LINKS)
    features.commands.extend(commands.COMMANDS)
    features.dashboard_sections.append(("registration", dashboard.figures))
    features.demo_loaders.append(("registration", demo.load))
    features.shredders.append(("registration", retention.shred_registrations))
    features.add_periodic_task("import-previews-sweep", tasks.sweep_previews.name, 600)
    for column in export.EXPORT_COLUMNS:
        features.add_export_column(column)
    features.add_audit_labels("registrations", actions=choices.AUDIT_ACTIONS, fields=choices.AUDIT_FIELDS,
                              values=choices.AUDIT_VALUES)
    features.add_audit_labels("summits", actions=choices.SUMMIT_AUDIT_ACTIONS, fields=choices.SUMMIT_AUDIT_FIELDS)
