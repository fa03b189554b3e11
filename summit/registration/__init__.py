"""Registration: sign-up, approval, waitlist, self-service links, import/export.

What other features can plug in (without this package importing them):
- services.EXPORT_COLUMNS: append an ExportColumn(key, label, value(registration)) and the
  organizer's export (web and `summit export-registrations --columns`) offers it, e.g.
  ExportColumn("badge_code", _l("Badge code"), lambda r: ...).
- services.CHECKED_IN_SOURCES: append a callable (summit) -> SELECT of registration ids that
  have checked in; the list page then offers the "checked in" filter.
- core.signals: registration_approved/rejected/cancelled/changed are sent inside the deciding
  transaction; confirmation_mail_parts.send(registration) is asked for extra text, html and
  attachments when a confirmation mail of an approved registration is written.
"""
