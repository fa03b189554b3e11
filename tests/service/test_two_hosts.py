"""Two hosts: two web servers (gunicorn, two workers each) and two task queue workers, each in a
working directory of its own, sharing one PostgreSQL database, one Redis and one storage
directory, as a deployment behind a proxy does. Nothing may live in one process or one host."""
from __future__ import annotations

import io
import re
import time

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import create_engine, select, text

from tests.fixtures.processes import base_env

from tests.fixtures.registration import resident_id

LOGIN_LIMIT = 4  # per minute and client address, on every host together


@pytest.fixture
def deployment(database_url, db, demo_summit, redis_url, processes, tmp_path):
    from summit.auth import services

    token = services.create_token("organizer", "print shop")[1]
    db.session.commit()
    shared = tmp_path / "shared-storage"
    shared.mkdir()

    def env(host: str) -> dict[str, str]:
        return base_env(SUMMIT_DATABASE_URL=database_url, SUMMIT_REDIS_URL=redis_url,
                        SUMMIT_INSTANCE_DIR=str(tmp_path / host / "instance"), SUMMIT_STORAGE_DIR=str(shared),
                        SUMMIT_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute", SUMMIT_BATCH_CHUNK="10")

    started = [processes.worker("wa", tmp_path / "worker-a", env("worker-a"), beat=True, wait=False),
               processes.worker("wb", tmp_path / "worker-b", env("worker-b"), wait=False),
               processes.web("web-a", tmp_path / "web-a", env("web-a"), wait=False),
               processes.web("web-b", tmp_path / "web-b", env("web-b"), wait=False)]
    processes.ready(*started)
    return {"a": started[2].url, "b": started[3].url, "token": token, "database": database_url}


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_batch_a_registration_a_login_and_the_rate_limit_span_both_hosts(deployment):
    a, b = deployment["a"], deployment["b"]
    bearer = {"Authorization": f"Bearer {deployment['token']}"}

    # A batch started through host A, run by the workers, downloaded through host B.
    started = requests.post(f"{a}/api/v1/badge-batches", json={"category": "media"}, headers=bearer, timeout=30)
    assert started.status_code == 202, started.text
    job_id = started.json()["job"]
    deadline = time.monotonic() + 120
    while (job := requests.get(f"{b}/api/v1/jobs/{job_id}", headers=bearer, timeout=30).json())["status"] != "done":
        assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
        time.sleep(0.3)
    assert job["total"] > 0 and job["done"] == job["total"]
    assert job["result_url"].startswith(f"{b}/")
    pdf = requests.get(job["result_url"], headers=bearer, timeout=30)
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.content)).pages) == job["total"]
    engine = create_engine(deployment["database"])
    with engine.connect() as conn:
        workers = set(conn.scalars(text("SELECT worker FROM job_parts WHERE job_id = :j"), {"j": job_id}))
    engine.dispose()
    assert workers and all(w.split("@")[0] in ("wa", "wb") for w in workers)

    # A login on A is valid on B.
    organizer = requests.Session()
    response = organizer.post(f"{a}/login", allow_redirects=False, timeout=30, data={
        "csrf_token": csrf(organizer, f"{a}/login"), "email": "organizer@demo.qianshan.cn", "password": "qianshan2024"})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    page = organizer.get(f"{b}/badges", allow_redirects=False, timeout=30)
    assert page.status_code == 200 and "/logout" in page.text

    # A registration made on A appears on B (in the organizers' list).
    visitor = requests.Session()
    token = csrf(visitor, f"{a}/register")
    category = re.search(r'<option value="(\d+)"', visitor.get(f"{a}/register", timeout=30).text).group(1)
    response = visitor.post(f"{a}/register", allow_redirects=False, timeout=30, data={
        "csrf_token": token, "name": "王两地", "gender": "male", "category_id": category, "organisation": "海尔集团",
        "title": "工程师", "phone": "13900099999", "email": "two.hosts@example.com", "id_type": "resident_id",
        "id_number": resident_id(1988, 99999), "birth_year": "1988", "degree": "phd", "overseas": "yes",
        "fields": ["ai"], "programme_parts": ["opening"], "consent": "y"})
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["Location"].endswith("/register/sent"), response.headers["Location"]
    listed = organizer.get(f"{b}/organizer/registrations", params={"q": "王两地"}, timeout=30)
    assert listed.status_code == 200 and "王两地" in listed.text, listed.text[listed.text.find("<main"):][:3000]

    # The login rate limit counts on both hosts together: the login above was the first try.
    guesser = requests.Session()
    form = csrf(guesser, f"{a}/login")
    codes = []
    for attempt in range(LOGIN_LIMIT):
        host = (b, a)[attempt % 2]
        codes.append(guesser.post(f"{host}/login", data={"csrf_token": form, "email": "organizer@demo.qianshan.cn",
                                                         "password": "wrong"}, allow_redirects=False,
                                  timeout=30).status_code)
    assert 429 not in codes[:LOGIN_LIMIT - 1] and codes[-1] == 429, codes
