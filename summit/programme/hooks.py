"""How other features add to an attendee's personal agenda, without this package importing them.

    from summit.programme.hooks import personal_agenda_items

    @personal_agenda_items.connect
    def booth_meetings(registration, locale, **extra):
        return [{"start": datetime, "end": datetime, "title": str, "room": str}, ...]

sender: the Registration; `locale` is "zh_CN" or "en". start/end are naive UTC datetimes
(as every table stores them); title and room are already in that locale. A receiver may
also give "kind" (a short code, default "other") and "note".
"""
from blinker import Namespace

_signals = Namespace()

personal_agenda_items = _signals.signal("personal-agenda-items")
