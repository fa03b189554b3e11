"""Signals between features, so that registration need not import badges (and so on).

A receiver is connected at import time of the feature's services module, e.g.
    @signals.registration_approved.connect
    def issue_badge(registration, **extra): ...
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Registration, after its status changed (still inside the caller's transaction).
# new=True when the registration was inserted in that same transaction (it has nothing yet).
registration_approved = _signals.signal("registration-approved")
registration_cancelled = _signals.signal("registration-cancelled")
registration_rejected = _signals.signal("registration-rejected")
registration_changed = _signals.signal("registration-changed")

# sender: the Registration whose confirmation mail is being written. Receivers return a
# dict {"attachments": [...], "html": "...", "text": "..."} of extra parts (the badge QR and PDF).
confirmation_mail_parts = _signals.signal("confirmation-mail-parts")
