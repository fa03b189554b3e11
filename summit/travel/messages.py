"""The translated message of each rule code (rules.CODES), for the views and services to show
next to the field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

RULE_MESSAGES = {
    "mode_unknown": _l("Choose flight or train."),
    "number_missing": _l("Enter the flight or train number."),
    "flight_number_shape": _l("A flight number is the airline's two-character code and up to four digits, "
                              "e.g. SC4651 or MU5101."),
    "train_number_shape": _l("A train number is a letter (G, D, C, Z, T, K, Y, S or L) and up to four digits, "
                             "e.g. G202 or D6001, or four digits."),
    "time_missing": _l("Enter the date and time."),
    "departure_before_arrival": _l("The departure must be later than the arrival."),
}
