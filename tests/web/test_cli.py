from __future__ import annotations

from sqlalchemy import func, select

from summit.auth.models import ApiToken


def _row_counts() -> dict[str, int]:
    from summit.extensions import db

    return {name: db.session.scalar(select(func.count()).select_from(table))
            for name, table in sorted(db.metadata.tables.items())}


def test_demo_twice_changes_nothing(app):
    """The second `summit demo` adds, removes and queues nothing: every table keeps its row count."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "organizer@demo.qianshan.cn" in first.output
    with app.app_context():
        counts = _row_counts()
    assert counts["registrations"] and counts["booth_meetings"] and counts["contest_score_events"] and counts["audit_events"]
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        after = _row_counts()
    assert {n: (counts[n], after[n]) for n in counts if counts[n] != after[n]} == {}


def test_create_user_and_duplicate(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "Judge@Example.com", "--role", "judge", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-user", "judge@example.com", "--role", "judge", "--password", "long-enough-1"])
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(args=["create-user", "x@example.com", "--role", "judge", "--password", "short"])
    assert short.exit_code != 0 and "8 characters" in short.output
    bad_role = runner.invoke(args=["create-user", "y@example.com", "--role", "king", "--password", "long-enough-1"])
    assert bad_role.exit_code != 0


def test_tokens_create_list_revoke(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-token", "--role", "checkin", "--name", "door-1"])
    assert result.exit_code == 0
    plain = result.stdout.strip().splitlines()[0]
    assert len(plain) >= 40
    with app.app_context():
        from summit.extensions import db

        token = db.session.scalar(select(ApiToken))
        assert token.token_hash != plain and token.name == "door-1"
        token_id = token.id
    listing = runner.invoke(args=["list-tokens"])
    assert "door-1" in listing.output and plain not in listing.output
    assert runner.invoke(args=["revoke-token", str(token_id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["list-tokens"]).output
    assert runner.invoke(args=["revoke-token", "999"]).exit_code != 0
