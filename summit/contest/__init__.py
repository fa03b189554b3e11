"""The 千创汇·智崂山 innovation contest: tracks, entries, rounds, rubrics, judges, scoring, ranking, awards."""
