"""The programme's pages, one blueprint ("programme") in one module per audience: public.py (the
programme, the attendee's agenda, the roadshow, the result and need links) and organizer.py."""
from summit.programme.views.shared import HOME_LINKS, NAV, bp
from summit.programme.views import organizer, public  # noqa: F401  (their routes join bp)

__all__ = ["HOME_LINKS", "NAV", "bp"]
