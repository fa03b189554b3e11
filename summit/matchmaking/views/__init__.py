"""The recruitment sessions' pages, one blueprint ("matchmaking") in one module per audience:
talent.py (the private link's pages), host.py (the booth host's pages), organizer.py."""
from summit.matchmaking.views.shared import NAV, bp
from summit.matchmaking.views import host, organizer, talent  # noqa: F401  (their routes join bp)

__all__ = ["NAV", "bp"]
