"""Links point where the app is served: on SUMMIT_PUBLIC_BASE_URL when it is set, else on the
scheme, host and port of the request that built them; outside a request on the configured URL.
Start-up warns about an unset URL in production and about per-worker rate limits."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from summit.core import links
from summit.core.models import OutboundMail
from tests.fixtures.pdfcheck import extracted_text

SERVED = "http://summit.example.org:5061"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(reg_client):
    return reg_client


def _queued_link(db) -> str:
    body = db.session.scalars(select(OutboundMail.body_text).order_by(OutboundMail.id.desc())).first()
    return re.search(r"https?://\S+/r/[A-Za-z0-9_-]+", body).group(0)


def test_without_a_base_url_mail_links_follow_the_request(client, db, reg_summit, person):
    data = person()
    response = client.post("/register", data=data, base_url=SERVED)
    assert response.status_code == 303
    link = _queued_link(db)
    assert link.startswith(f"{SERVED}/r/"), link
    page = client.get(link[len(SERVED):], base_url=SERVED)
    assert page.status_code == 200 and data["name"] in page.get_data(as_text=True)
    # Another address, another link: each request its own.
    client.post("/register/link", data={"contact": data["email"]}, base_url="https://10.0.0.7:8443")
    assert _queued_link(db).startswith("https://10.0.0.7:8443/r/")


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": "https://summit.example.cn/"}])
def test_a_configured_base_url_wins_over_the_request(client, db, reg_summit, person):
    client.post("/register", data=person(), base_url=SERVED)
    assert _queued_link(db).startswith("https://summit.example.cn/r/")


def test_outside_a_request_the_configured_url_or_the_fallback(app):
    with app.app_context():
        assert links.base_url() == links.FALLBACK
        app.config["PUBLIC_BASE_URL"] = "https://summit.example.cn/hall/"
        assert links.url("/r/abc") == "https://summit.example.cn/hall/r/abc"
        assert links.external_url("contest.verify", code="xyz") == "https://summit.example.cn/hall/verify/xyz"


def test_certificate_qr_codes_follow_the_request(client, make_user, db, contest, awarded):
    from summit.contest import certificate_records
    from summit.contest.models import Certificate

    certificate_records.issue_award_certificates(awarded[0])
    _uid, email, password = make_user("organizer")
    # The session cookie belongs to the host the organizer logged in on.
    assert client.post("/login", data={"email": email, "password": password}, base_url=SERVED).status_code == 302
    cert = db.session.scalar(select(Certificate).where(Certificate.kind == "award").order_by(Certificate.id))
    one = client.get(f"/contest/admin/certificates/{cert.id}/certificate.pdf", base_url=SERVED)
    assert one.status_code == 200
    assert f"{SERVED}/verify/{cert.code}" in extracted_text(one.data)
    # A batch started from that request keeps its address, though it runs outside the request.
    response = client.post("/contest/admin/certificates/batch", data={"kind": "award"}, base_url=SERVED)
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    pdf = client.get(f"/contest/admin/certificates/batches/{job_id}/download", base_url=SERVED)
    assert pdf.status_code == 200 and f"{SERVED}/verify/{cert.code}" in extracted_text(pdf.data)


@pytest.fixture
def awarded(db, contest, add_entry):
    from summit.contest import awards, tracks

    track = tracks.track_by_code(contest, "startup")
    first = add_entry(project_name="海洋遥感影像智能解译", leader_name="刘䶮", members=[])
    awards.confirm_awards(track, {first.id: "first"})
    return track, first


def test_make_run_passes_its_port_to_the_commands():
    """`make run PORT=5061`: the demo's printed link and the links in mail name port 5061."""
    plan = subprocess.run(["make", "-n", "-C", str(ROOT), "run", "PORT=5061", "PYTHON=true"],
                          capture_output=True, text=True, env={**os.environ, "SUMMIT_PUBLIC_BASE_URL": ""})
    commands = [line for line in plan.stdout.splitlines() if re.search(r"summit (init-db|demo|run)\b", line)]
    assert len(commands) == 3, plan.stdout + plan.stderr
    assert all("SUMMIT_PUBLIC_BASE_URL=http://127.0.0.1:5061" in line for line in commands), commands


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_demo_prints_its_private_link_on_the_base_url(app):
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5061"
    output = app.test_cli_runner().invoke(args=["demo"]).output
    assert re.search(r"private link of the demo talent .*: http://127\.0\.0\.1:5061/r/\S+", output), output


def test_production_warns_about_an_unset_base_url(capfd, database_url):
    from summit import create_app
    from tests.conftest import BASE_CONFIG

    create_app({**BASE_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": database_url})
    assert "SUMMIT_PUBLIC_BASE_URL is not set" in capfd.readouterr().err
    create_app({**BASE_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": database_url,
                "PUBLIC_BASE_URL": "https://summit.example.cn"})
    create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})  # the test suite
    assert "SUMMIT_PUBLIC_BASE_URL" not in capfd.readouterr().err


NO_BASE_URL = "SUMMIT_PUBLIC_BASE_URL is not set"


def _gunicorn_log(tmp_path: Path, workers: int, **env) -> str:
    """gunicorn's output from start until every worker has made the app. Without a base URL each
    worker says so when it makes the app: that warning is the sign it has."""
    log = tmp_path / f"gunicorn-{workers}.log"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "SUMMIT_INSTANCE_DIR": str(tmp_path / "instance"), **env}
    for name in ("SUMMIT_REDIS_URL", "SUMMIT_PUBLIC_BASE_URL", "FLASK_DEBUG"):
        if name not in env:
            environment.pop(name, None)
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", "127.0.0.1:0",
                                   "--graceful-timeout", "3", "--log-level", "info", "summit:create_app()"],
                                  env=environment, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and log.read_text().count(NO_BASE_URL) < workers:
                time.sleep(0.1)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return log.read_text()


def test_several_workers_without_redis_warn_that_rate_limits_are_per_worker(tmp_path):
    text = _gunicorn_log(tmp_path, 2)
    assert text.count("2 gunicorn workers without SUMMIT_REDIS_URL") == 2, text  # each worker says so
    assert text.count(NO_BASE_URL) == 2  # and that production needs the base URL
    one = _gunicorn_log(tmp_path, 1)
    assert one.count(NO_BASE_URL) == 1 and "without SUMMIT_REDIS_URL" not in one
    shared = _gunicorn_log(tmp_path, 2, SUMMIT_REDIS_URL="redis://127.0.0.1:6379/2")
    assert shared.count(NO_BASE_URL) == 2 and "without SUMMIT_REDIS_URL" not in shared


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["summit.example.org"]}])
def test_trusted_hosts_refuse_a_forged_host_header(client, db, reg_summit, person):
    """SUMMIT_TRUSTED_HOSTS: a request naming another host is refused, so no mail links to it."""
    data = person()
    assert client.post("/register", data=data, base_url="http://evil.example.com").status_code == 400
    assert db.session.scalar(select(OutboundMail.id)) is None
    assert client.post("/register", data=data, base_url=SERVED).status_code == 303
    assert _queued_link(db).startswith(f"{SERVED}/r/")
