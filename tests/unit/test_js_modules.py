"""The page scripts' pure modules (the offline queue, the score sheet's rules), tested with
Node's own test runner: tests/js/*.test.mjs import the very files the pages load from
summit/static. No npm package is needed."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = sorted((ROOT / "tests" / "js").glob("*.test.mjs"))
OLDEST_NODE = (18, 19)  # node:test with describe/beforeEach/afterEach (Debian 12 ships 18.20)


def _node() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("the JavaScript unit tests need Node.js (Debian package nodejs; `make system-deps`)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    found = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    if found < OLDEST_NODE:
        pytest.skip(f"the JavaScript unit tests need Node.js {'.'.join(map(str, OLDEST_NODE))} or newer, found {version}")
    return node


def test_node_test_runner_passes_the_page_modules_tests():
    assert TESTS, "no tests/js/*.test.mjs found"
    node = _node()
    result = subprocess.run([node, "--test", *map(str, TESTS)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    passed = re.search(r"^# pass (\d+)$", report, re.M)
    assert passed and int(passed.group(1)) > 0 and re.search(r"^# fail 0$", report, re.M), report[-3000:]
