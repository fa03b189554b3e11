"""`summit plan-pickups FILE.json -o OUT.json` on the real application: a plan that keeps the
rules, and bad input that exits non-zero with a message and writes nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from summit import create_app
from tests.conftest import BASE_CONFIG

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runner():
    # The command reads a file and writes a file; it never opens the database.
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_cli_runner()


def problem(**changes) -> dict:
    data = {"max_wait_minutes": 40, "seats": 6, "arrivals": [
        {"id": "a1", "place": "TAO", "time": "2024-11-18T09:40", "party": 2},
        {"id": "a2", "place": "TAO", "time": "2024-11-18T10:05", "party": 4},
        {"id": "a3", "place": "TAO", "time": "2024-11-18T10:20", "party": 1},
        {"id": "a4", "place": "TAO", "time": "2024-11-18T11:30", "party": 3},
        {"id": "b1", "place": "青岛北站", "time": "2024-11-18T10:20", "party": 1},
    ]}
    data.update(changes)
    return data


def write(tmp_path: Path, data, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_command_is_registered_by_the_travel_feature(runner):
    from summit.core.features import features

    with runner.app.app_context():
        assert "plan-pickups" in {c.name for c in features().commands}


def test_plan_pickups_writes_the_fewest_runs_that_keep_the_rules(runner, tmp_path):
    data = problem()
    out = tmp_path / "out.json"
    result = runner.invoke(args=["plan-pickups", str(write(tmp_path, data)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 runs for 5 arrivals, optimal" in result.output
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert set(plan) == {"runs", "seconds"} and isinstance(plan["seconds"], (int, float))
    arrivals = {a["id"]: a for a in data["arrivals"]}
    ridden = [r for run in plan["runs"] for r in run["riders"]]
    assert sorted(ridden) == sorted(arrivals)
    for run in plan["runs"]:
        times = [datetime.fromisoformat(arrivals[r]["time"]) for r in run["riders"]]
        departs = datetime.fromisoformat(run["departs"])
        assert {arrivals[r]["place"] for r in run["riders"]} == {run["place"]}
        assert sum(arrivals[r]["party"] for r in run["riders"]) <= 6
        assert max(times) <= departs <= min(times) + timedelta(minutes=40)
    # a1, a2, a3 need 7 seats within 40 minutes: two runs; a4 is 70 minutes later; the station is
    # another place.
    assert len(plan["runs"]) == 4


def test_a_larger_file_is_planned_and_checked(runner, tmp_path):
    import random

    rng = random.Random(5)
    arrivals = [{"id": f"t{k}", "place": rng.choice(["TAO", "QDN", "QDB"]),
                 "time": (datetime(2024, 11, 18, 7) + timedelta(days=rng.randrange(2), minutes=5 * rng.randrange(160)))
                 .strftime("%Y-%m-%dT%H:%M"), "party": rng.choice([1, 1, 2, 3])} for k in range(300)]
    out = tmp_path / "out.json"
    result = runner.invoke(args=["plan-pickups", str(write(tmp_path, problem(seats=7, arrivals=arrivals))),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(r for run in plan["runs"] for r in run["riders"]) == sorted(a["id"] for a in arrivals)
    assert f"{len(plan['runs'])} runs for 300 arrivals, optimal" in result.output


BAD = [
    (problem(vehicles=2), "unknown field(s) 'vehicles'"),
    (problem(arrivals=[{"id": "a1", "place": "TAO", "time": "2024-11-18T09:40", "party": 1, "name": "张三"}]),
     "arrivals[0]: unknown field(s) 'name'"),
    (problem(arrivals=[{"id": "a1", "place": "TAO", "time": "2024-11-18T09:40", "party": 9}]),
     "a party of 9 does not fit in a vehicle of 6 seats"),
    (problem(arrivals=[{"id": "a1", "place": "TAO", "time": "18/11/2024 09:40", "party": 1}]),
     "arrivals[0].time must look like 2024-11-18T09:40"),
    (problem(arrivals=[{"id": "a1", "place": "TAO", "time": "2024-11-31T09:40", "party": 1}]),
     "arrivals[0].time is not a real date and time"),
    (problem(arrivals=[{"id": "a1", "place": "TAO", "time": "2024-11-18T09:40", "party": 1},
                       {"id": "a1", "place": "TAO", "time": "2024-11-18T09:45", "party": 1}]),
     "arrivals[1].id 'a1' is used twice"),
    (problem(arrivals=[{"id": "a1", "time": "2024-11-18T09:40", "party": 1}]), "arrivals[0]: missing field(s) place"),
    ({"max_wait_minutes": 40, "arrivals": []}, "missing field(s) seats"),
    (problem(seats=0), "seats must be at least 1"),
    ('{"max_wait_minutes": 40, "seats": 6, "arrivals": [', "not valid JSON"),
]


@pytest.mark.parametrize("data, message", BAD)
def test_bad_input_exits_non_zero_with_a_message_and_writes_nothing(runner, tmp_path, data, message):
    out = tmp_path / "out.json"
    result = runner.invoke(args=["plan-pickups", str(write(tmp_path, data)), "-o", str(out)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "in.json"]


def test_bad_input_leaves_an_earlier_plan_untouched(runner, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("earlier plan", encoding="utf-8")
    result = runner.invoke(args=["plan-pickups", str(write(tmp_path, problem(seats=-1))), "-o", str(out)])
    assert result.exit_code != 0 and "seats must be at least 1" in result.output
    assert out.read_text(encoding="utf-8") == "earlier plan"


def test_missing_files_and_directories_are_refused(runner, tmp_path):
    result = runner.invoke(args=["plan-pickups", str(tmp_path / "nowhere.json"), "-o", str(tmp_path / "o.json")])
    assert result.exit_code != 0 and "does not exist" in result.output
    result = runner.invoke(args=["plan-pickups", str(write(tmp_path, problem())), "-o",
                                 str(tmp_path / "no-such-dir" / "o.json")])
    assert result.exit_code != 0 and "cannot write there" in result.output
    result = runner.invoke(args=["plan-pickups", str(write(tmp_path, problem()))])
    assert result.exit_code != 0 and "-o" in result.output


def test_the_summit_command_runs_it_in_its_own_process(tmp_path):
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-m", "summit.cli", "plan-pickups", str(write(tmp_path, problem())),
                           "-o", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["runs"]) == 4
    bad = subprocess.run([sys.executable, "-m", "summit.cli", "plan-pickups",
                          str(write(tmp_path, problem(seats="six"), "bad.json")), "-o", str(tmp_path / "bad-out.json")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0 and "seats must be a whole number" in bad.stderr
    assert not (tmp_path / "bad-out.json").exists()


def test_a_file_saved_with_a_bom_and_an_empty_list_of_arrivals(runner, tmp_path):
    path = tmp_path / "in.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(problem(arrivals=[])).encode())
    out = tmp_path / "out.json"
    result = runner.invoke(args=["plan-pickups", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["runs"] == []
