"""Every signal between features, so that registration need not import badges (and so on).

A feature connects its receivers in its init_feature (summit/core/features.py), e.g.
    signals.registration_approved.connect(services.on_registration_approved)
Each signal below says who sends it, with what, and what a receiver may return.
"""
from blinker import Namespace

_signals = Namespace()

# Sent by registration when a registration becomes approved, inside the deciding transaction.
# sender: the Registration; new=True when it was inserted in that same transaction (it has
# nothing yet). Received by badges (the person gets a badge).
registration_approved = _signals.signal("registration-approved")

# Sent by registration while it writes the confirmation mail of an approved registration.
# sender: the Registration. A receiver returns a dict {"attachments": [...], "html": "...",
# "text": "..."} of extra parts. Received by badges (the QR code and the badge PDF).
confirmation_mail_parts = _signals.signal("confirmation-mail-parts")

# Sent by programme when it builds an attendee's personal agenda (the /me/<token> page, its .ics).
# sender: the Registration; locale: "zh_CN" or "en". A receiver returns a list of
# {"start": datetime, "end": datetime, "title": str, "room": str} (naive UTC datetimes, text in
# that locale), optionally with "kind" (a short code, default "other"), "note" and "uid".
# Received by matchmaking (published booth meetings).
personal_agenda_items = _signals.signal("personal-agenda-items")

# Sent by registration when a registration is cancelled (by the person or an organizer) or
# rejected, inside the deciding transaction, after its new status is set. sender: the
# Registration; reason: "cancelled" or "rejected". A receiver releases what the person held in
# its feature, in that same transaction (all of it goes, or nothing), and returns a list of
# texts, one per released thing, as lazy strings (flask_babel.lazy_gettext or LazyString) so
# that each reader gets them in their own language: registration lists them in the person's
# mail, records them in the registration's history and shows them to the organizer. Nothing
# comes back when the registration is approved again. Received by matchmaking (future meetings
# and meeting requests; it mails the hosts), badges (revokes the badge) and programme (withdraws
# the programme parts the person had picked).
registration_withdrawn = _signals.signal("registration-withdrawn")
