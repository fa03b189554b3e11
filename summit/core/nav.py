"""Menu entries a feature offers: views.py lists NAV (the top menu) and HOME_LINKS (buttons
on the home page); create_app collects them in FEATURES order."""
from __future__ import annotations

from typing import NamedTuple


class NavItem(NamedTuple):
    endpoint: str
    label: object  # a lazy_gettext string
    roles: tuple[str, ...] = ()  # empty: everyone
