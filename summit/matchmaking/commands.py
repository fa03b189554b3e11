from __future__ import annotations

import json

import click


@click.command("schedule")
@click.argument("infile", type=click.File("r", encoding="utf-8"))
@click.option("-o", "--output", "outfile", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the timetable (default: standard output).")
@click.option("--time-limit", type=float, default=25.0, show_default=True,
              help="Seconds the exact integer program may take on a small problem.")
def schedule_command(infile, outfile, time_limit):
    """Build a meeting timetable from FILE.json (slots, booths, talents, requests).

    Writes {"meetings": [{"talent", "booth", "slot"}], "objective", "bound", "seconds"}:
    the objective is the total weight of the requests met, the bound a proven upper bound on it.
    """
    from summit.matchmaking.scheduler import ScheduleInputError, check, schedule

    try:
        data = json.load(infile)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{infile.name}: not valid JSON ({exc})")
    try:
        result = schedule(data, time_limit=time_limit)
    except ScheduleInputError as exc:
        raise click.ClickException(f"{infile.name}: {exc}")
    problems = check(data, result)
    if problems:  # never expected: the solver's own guarantee, checked independently
        raise click.ClickException("invalid timetable: " + "; ".join(problems[:5]))
    out = {k: result[k] for k in ("meetings", "objective", "bound", "seconds")}
    json.dump(out, outfile, ensure_ascii=False, indent=1)
    outfile.write("\n")
    if outfile.name != "<stdout>":
        click.echo(f"{len(result['meetings'])} meetings, objective {result['objective']}, "
                   f"bound {result['bound']}, {result['seconds']} s", err=True)


COMMANDS = [schedule_command]
