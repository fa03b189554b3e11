"""How features meet, checked on the real application (summit/core/features.py): what each
feature's init_feature registers is there and works, with nothing installed by the test."""
from __future__ import annotations

from sqlalchemy import select


def test_every_feature_registers_its_menu_and_dashboard_section(app):
    from summit import FEATURES
    from summit.core.features import features

    with app.app_context():
        registry = features()
        endpoints = {item.endpoint for item in registry.nav}
        assert {"core.summits", "registration.admin_list", "badges.index", "badges.checkin_page",
                "contest.admin", "contest.judge_home", "matchmaking.org_index", "matchmaking.host_index",
                "programme.admin", "travel.invitations", "dashboard.index"} <= endpoints
        assert all(endpoint in app.view_functions for endpoint in endpoints)
        assert [f for f, _ in registry.dashboard_sections] == ["registration", "badges", "contest",
                                                              "matchmaking", "programme", "travel"]
        assert [f for f, _ in registry.demo_loaders] == ["registration", "badges", "contest",
                                                        "matchmaking", "programme"]
        assert {"badges", "ops"} <= {f for f, _p, _s in registry.api_specs}
        assert {"entry", "result"} <= set(registry.stage_kinds)
        assert {c.name for c in registry.commands} >= {"init-db", "demo", "export-registrations", "badges",
                                                       "certificates", "schedule", "backup", "plan-pickups"}
        assert list(registry.export_columns)[0] == "id" and "badge_code" in registry.export_columns
        assert registry.checked_in_source is not None
        # Every feature with personal data shreds it (tests/web/test_registration_shred_everything.py).
        assert [f for f, _ in registry.shredders] == ["registration", "badges", "contest", "matchmaking",
                                                      "programme", "travel"]
        assert {c.name for c in registry.commands} >= {"shred", "shred-person"}
    assert list(FEATURES)[:3] == ["core", "auth", "registration"]


def test_the_registrations_list_filters_by_check_in(client, db, login, reg_summit, person):
    from summit.badges import checkin
    from summit.badges.models import Badge
    from summit.registration.models import Registration

    for _ in range(2):
        assert client.post("/register", data=person()).status_code == 303
    db.session.rollback()  # SQLite (WAL): a read transaction begun earlier would not see them
    first, second = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    code = db.session.scalar(select(Badge.code).where(Badge.registration_id == first.id, Badge.status == "active"))
    assert checkin.check_in(code)["status"] == "ok"
    login("organizer")
    page = client.get("/organizer/registrations").get_data(as_text=True)
    assert 'name="checked_in"' in page
    checked = client.get("/organizer/registrations?checked_in=yes").get_data(as_text=True)
    not_checked = client.get("/organizer/registrations?checked_in=no").get_data(as_text=True)
    assert first.name in checked and second.name not in checked
    assert second.name in not_checked and first.name not in not_checked


def test_the_dashboard_shows_every_features_section(client, login, demo_summit):
    login("organizer")
    page = client.get(f"/dashboard/{demo_summit.id}").get_data(as_text=True)
    for title in ("报名", "参会证与签到", "创新创业大赛", "引才专场"):
        assert title in page
