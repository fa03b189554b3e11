"""The wheel, as an IT department installs it: built from a clean copy of the tree (no .venv,
no instance, no compiled catalogs), installed (not editable) into a fresh virtualenv, run from
an empty directory.

The virtualenv borrows the test's own site-packages for the dependencies (a .pth file added
after the wheel is installed), so the test needs no network and stays quick.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# What a fresh clone lacks: never copied, even when the checkout has them.
LEFT_OUT = (".venv", "instance", "build", "dist", ".git", "__pycache__", "*.pyc", "*.mo", "*.egg-info",
            ".pytest_cache", ".hypothesis", "artifacts")


def _clean_copy(target: Path) -> None:
    """The tree as git sees it (tracked files and new ones not ignored), or a filtered copy."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*LEFT_OUT))
        return
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if not source.is_file() or name.endswith(".mo"):
            continue  # deleted in the work tree, or a stray catalog: a clone has neither
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)


def _env(**extra) -> dict:
    """The environment of a host that never saw the checkout: none of the test run's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMIT_", "PYTHON", "FLASK_"))}
    env.update({"SUMMIT_LOG_FORMAT": "text", "SUMMIT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, **extra)
    return env


def _run(args, cwd: Path, env: dict, timeout: float = 120) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, empty working directory): the wheel installed, its database built, the demo loaded."""
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, workdir = base / "source", base / "dist", base / "venv", base / "empty"
    source.mkdir()
    workdir.mkdir()
    _clean_copy(source)
    assert not list(source.rglob("*.mo"))
    env = _env()
    # The build uses this environment's setuptools and Babel (pyproject's build requirements).
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", str(dist), str(source)], base, env)
    wheel = next(dist.glob("qianshan_summit-*.whl"))
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
          "--quiet", str(wheel)], base, env)
    # Only now the dependencies: pip above saw a bare environment.
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     base, env).strip())
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz-dependencies.pth").write_text("\n".join(paths) + "\n")
    return venv, workdir, wheel


def test_wheel_carries_templates_migrations_catalogs_and_fonts(installed):
    import zipfile

    _venv, _workdir, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "summit/templates/base.html" in names
    assert "summit/templates/errors/error.html" in names
    assert "summit/migrations/env.py" in names and "summit/migrations/alembic.ini" in names
    assert any(n.startswith("summit/migrations/versions/0001_") for n in names)
    for feature in ("", "registration/", "badges/", "contest/"):
        for lang in ("zh", "en"):
            assert f"summit/{feature}translations/{lang}/LC_MESSAGES/messages.mo" in names
    assert "summit/printing/fonts/manifest.json" in names
    assert sum(n.startswith("summit/printing/fonts/summit-sans-sc-") for n in names) > 100
    assert "summit/static/css/app.css" in names
    metadata = zipfile.ZipFile(wheel).read("qianshan_summit-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata


def test_installed_wheel_serves_from_an_empty_directory(installed):
    venv, workdir, _wheel = installed
    python, summit = venv / "bin" / "python", venv / "bin" / "summit"
    env = _env()
    where = _run([str(python), "-c", "import summit; print(summit.__file__)"], workdir, env)
    assert where.startswith(str(venv)), where  # the wheel's copy, not the checkout

    _run([str(summit), "init-db"], workdir, env)
    assert (workdir / "instance" / "summit.db").exists()  # beside the user, not in site-packages
    demo = _run([str(summit), "demo"], workdir, env)
    assert "organizer@demo.qianshan.cn" in demo
    token = _run([str(summit), "create-token", "--role", "organizer", "--name", "printer"], workdir, env)
    token = token.strip().splitlines()[0].strip()

    port = _free_port()
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen([str(python), "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                               "summit:create_app()"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (workdir / "gunicorn.log").read_text()
            time.sleep(0.2)

        zh = requests.get(f"{base}/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}, timeout=10)
        assert zh.status_code == 200
        assert "工作人员登录" in zh.text and "在线报名" in zh.text  # the shared and registration catalogs
        en = requests.get(f"{base}/?lang=en", timeout=10)
        assert en.status_code == 200
        assert "Staff login" in en.text and "工作人员登录" not in en.text

        form = requests.get(f"{base}/register", headers={"Accept-Language": "zh-CN"}, timeout=10)
        assert form.status_code == 200 and 'name="csrf_token"' in form.text
        css = requests.get(f"{base}/static/css/app.css", timeout=10)
        assert css.status_code == 200 and "text/css" in css.headers["Content-Type"] and len(css.content) > 100

        # The API answers a Chinese client in Chinese (the catalogs are compiled into the wheel).
        missing = requests.get(f"{base}/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"}, timeout=10)
        assert missing.status_code == 404 and re.search(r"[\u4e00-\u9fff]", missing.json()["error"])

        auth = {"Authorization": f"Bearer {token}"}
        pdf = requests.get(f"{base}/api/v1/registrations/1/badge.pdf", headers=auth, timeout=60)
        assert pdf.status_code == 200, pdf.text[:500]
        assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        from pypdf import PdfReader
        import io

        fonts = {str(f) for page in PdfReader(io.BytesIO(pdf.content)).pages
                 for f in (page.get("/Resources", {}).get("/Font", {}) or {}).values()}
        assert fonts, "the badge embeds the package's fonts"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    log_text = (workdir / "gunicorn.log").read_text()
    assert "TemplateNotFound" not in log_text and "Traceback" not in log_text, log_text
