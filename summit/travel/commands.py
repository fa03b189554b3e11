from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click


@click.command("plan-pickups")
@click.argument("infile", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "outfile", required=True, type=click.Path(dir_okay=False),
              help="Where to write the runs (JSON).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the exact search may take in all; past it the plan keeps every rule "
                   "but is not proven to have the fewest runs.")
def plan_pickups_command(infile, outfile, time_limit):
    """Group arrivals into pickup runs: FILE.json -> OUT.json.

    Input {"max_wait_minutes": W, "seats": C, "arrivals": [{"id", "place", "time", "party"}]},
    times as 2024-11-18T09:40 (Asia/Shanghai). Output {"runs": [{"place", "departs", "riders"}],
    "seconds"}: every arrival in one run at its place, at most C seats a run, nobody waits more
    than W minutes, as few runs as possible. Bad input writes nothing.
    """
    from summit.travel.pickups import PickupInputError, as_json, check, parse, plan

    try:
        with open(infile, encoding="utf-8-sig") as fh:  # a BOM, as Windows editors write it, is fine
            data = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{infile}: not valid JSON ({exc})")
    try:
        arrivals, seats, max_wait = parse(data)
    except PickupInputError as exc:
        raise click.ClickException(f"{infile}: {exc}")
    result = plan(arrivals, seats, max_wait, time_limit=time_limit)
    problems = check(arrivals, seats, max_wait, result.runs)
    if problems:  # never expected: the planner's own guarantee, checked independently
        raise click.ClickException("invalid plan: " + "; ".join(problems[:5]))
    out = as_json(result)
    # Written whole or not at all: a temporary file beside the target, then renamed over it.
    target = Path(outfile)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent.resolve())
    except OSError as exc:
        raise click.ClickException(f"{outfile}: cannot write there ({exc.strerror})")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    proof = "optimal" if result.optimal else f"not proven optimal (at least {result.lower_bound} runs needed)"
    click.echo(f"{len(result.runs)} runs for {len(arrivals)} arrivals, {proof}, {result.seconds} s", err=True)


COMMANDS = [plan_pickups_command]
