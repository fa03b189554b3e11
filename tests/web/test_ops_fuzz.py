"""Property-based: every public form (found from app.url_map and its own page) takes any input
without a server error, and a refused submission writes nothing."""
from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from tests.web.test_ops_routes import PUBLIC, routes

NASTY = st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "<script>alert(1)</script>", "' OR 1=1 --",
                         "\u0000", "𠀀𪚥", "a" * 5000, "=cmd|' /C calc'!A0", "../../etc/passwd"])
VALUE = st.one_of(st.text(max_size=200), NASTY)


class FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._in_main = True
        if self._in_main and tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs["name"] != "csrf_token":
                self.names.add(attrs["name"])


def public_forms(app, client):
    for rule, methods in routes(app):
        if rule.endpoint in PUBLIC and "POST" in methods and "GET" in methods and not rule.arguments:
            parser = FieldNames()
            parser.feed(client.get(rule.rule).get_data(as_text=True))
            if parser.names:
                yield rule.rule, sorted(parser.names)


def row_counts(db) -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_public_forms_take_any_input(app, db, client):
    forms = list(public_forms(app, client))
    assert any(url == "/login" for url, _names in forms)
    for url, names in forms:
        @given(data=st.fixed_dictionaries({name: VALUE for name in names}))
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def submit(data):
            before = row_counts(db)
            db.session.rollback()
            response = client.post(url, data=data)
            assert response.status_code < 500, (url, data, response.status_code)
            if response.status_code >= 400:
                assert row_counts(db) == before, f"{url} refused the input but wrote rows"
            db.session.rollback()

        submit()
