"""Each code of the travel rules has its message, in Chinese (the default) and English."""
from __future__ import annotations

from flask_babel import force_locale

from summit import create_app
from summit.travel.messages import RULE_MESSAGES
from summit.travel.rules import CODES
from tests.conftest import BASE_CONFIG


def test_every_rule_code_has_a_message_in_both_languages():
    assert set(RULE_MESSAGES) == set(CODES)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        with force_locale("zh_CN"):
            chinese = {code: str(message) for code, message in RULE_MESSAGES.items()}
        with force_locale("en"):
            english = {code: str(message) for code, message in RULE_MESSAGES.items()}
    assert chinese["departure_before_arrival"] == "离开时间必须晚于抵达时间。"
    assert "SC4651" in chinese["flight_number_shape"] and "航班号" in chinese["flight_number_shape"]
    assert english["train_number_shape"].startswith("A train number is")
    assert all(chinese[code] != english[code] for code in CODES)
