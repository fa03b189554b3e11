"""Private links never reach the logs: every route with a token in its URL is logged as its rule."""
from __future__ import annotations

import json
import secrets

from summit import create_app
from tests.conftest import BASE_CONFIG
from tests.web.test_ops_routes import sample_url


def test_no_private_link_token_in_the_request_log(database_url, tmp_path, capsys):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(tmp_path),
                      "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    client = app.test_client()
    urls = []
    for rule in app.url_map.iter_rules():
        if any(name.endswith("token") for name in rule.arguments):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                url = sample_url(app, rule)
                client.open(url, method=method)
                urls.append((rule.rule, url))
    # A mistyped private link matches no route.
    typo = f"/r/{secrets.token_urlsafe(32)}/no-such-page"
    client.get(typo)
    assert {"/r/<token>", "/programme/me/<token>", "/me/<token>/sessions", "/contest/team/<token>",
            "/programme/needs/t/<token>"} <= {r for r, _u in urls}
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    logged = [line for line in lines if line.get("logger") == "summit.request"]
    assert len(logged) >= len(urls)
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for _rule, url in urls:
        token = next(part for part in url.split("/") if len(part) >= 40)
        assert token not in text, url
    assert typo.split("/")[2] not in text
    paths = {line["path"] for line in logged}
    assert "/r/<token>" in paths and "/contest/team/<token>" in paths and "/r/…" in paths
