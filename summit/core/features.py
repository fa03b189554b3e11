"""How features meet: one registry per application, filled by each feature's `init_feature`.

create_app imports every package named in summit.FEATURES, in that order, and calls its
`init_feature(app, features)`. That function is the one place where a feature
- registers its blueprint, menu entries and home-page links,
- adds its `summit` commands,
- connects its receivers to the signals of summit/core/signals.py (each signal is documented there),
- and offers what other features show: registration export columns, the "checked in" source of
  the registrations list, dashboard sections, demo data, API descriptions, stage kinds, and the
  words of its audit trail (audit_labels: action and field names, and the labels of coded values).

Nothing is found by module name and nothing is appended to another feature's lists at import
time, so what a feature offers can be read in its `__init__.py`, and a test checks the real
application's wiring (tests/web/test_wiring.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app


@dataclass
class ExportColumn:
    """A column of the registrations export (web and `summit export-registrations --columns`)."""

    key: str
    label: Any  # a lazy string
    value: Callable[[Any], Any] | None = None  # (Registration) -> cell value
    personal: bool = False
    default: bool = True
    # ([Registration]) -> cell values, one query for the whole export instead of one a row.
    values: Callable[[list], list] | None = None

    def cells(self, registrations: list) -> list:
        return self.values(registrations) if self.values else [self.value(r) for r in registrations]


@dataclass
class AuditLabels:
    """The words for one kind of record's audit trail (AuditEvent.subject_type, a table name):
    action code -> label, field key -> label, and field key -> {code -> label} for coded values.
    Read by summit.core.audit.describe(), so every history page reads as words."""

    actions: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Features:
    nav: list = field(default_factory=list)  # NavItem, in menu order
    home_links: list = field(default_factory=list)  # NavItem
    commands: list = field(default_factory=list)  # click commands of `summit`
    export_columns: dict[str, ExportColumn] = field(default_factory=dict)  # key -> column, in order
    # (summit) -> a SELECT of the ids of registrations that have checked in; the registrations
    # list offers its "checked in" filter only when a feature gives one.
    checked_in_source: Callable | None = None
    # (feature, figures(summit) -> [section dict]) in FEATURES order; see dashboard/services.py.
    dashboard_sections: list[tuple[str, Callable]] = field(default_factory=list)
    # (feature, load(summit) -> lines to print), run by `summit demo` after the core's data.
    demo_loaders: list[tuple[str, Callable]] = field(default_factory=list)
    # (feature, paths, schemas) of the JSON API's OpenAPI description.
    api_specs: list[tuple[str, dict, dict]] = field(default_factory=list)
    # name -> contest.stage.StageKind: what can be put on stage in a hall.
    stage_kinds: dict[str, Any] = field(default_factory=dict)
    # (feature, shred(scope) -> None) in FEATURES order: each blanks the personal fields of its
    # own tables that a summit.core.shredding.ShredScope reaches (an edition, or one person in
    # it) and tells the scope the values, audit subjects and files that go. Run together, in one
    # transaction, by summit/registration/retention.py (`summit shred`, `summit shred-person`).
    shredders: list[tuple[str, Callable]] = field(default_factory=list)
    # subject_type (table name) -> AuditLabels; several features may add to one table's words
    # (matchmaking adds its actions on registrations).
    audit_labels: dict[str, AuditLabels] = field(default_factory=dict)

    # entry name -> (task name, seconds): work the worker that runs the scheduler (summit worker
    # --beat) starts every so often; the task is a Celery shared_task the feature imports.
    periodic_tasks: dict[str, tuple[str, float]] = field(default_factory=dict)

    def add_views(self, app, bp, nav=(), home_links=()) -> None:
        app.register_blueprint(bp)
        self.nav.extend(nav)
        self.home_links.extend(home_links)

    def add_export_column(self, column: ExportColumn) -> None:
        if column.key in self.export_columns:
            raise ValueError(f"export column {column.key!r} is offered twice")
        self.export_columns[column.key] = column

    def set_checked_in_source(self, source: Callable) -> None:
        if self.checked_in_source is not None:
            raise ValueError("only one feature can say who has checked in")
        self.checked_in_source = source

    def add_audit_labels(self, subject_type: str, actions: dict | None = None, fields: dict | None = None,
                         values: dict | None = None) -> None:
        labels = self.audit_labels.setdefault(subject_type, AuditLabels())
        for code in actions or {}:
            if code in labels.actions:
                raise ValueError(f"audit action {subject_type}.{code} is labelled twice")
        labels.actions.update(actions or {})
        for key, label in (fields or {}).items():
            labels.fields.setdefault(key, label)
        for key, codes in (values or {}).items():
            labels.values.setdefault(key, {}).update(codes)

    def add_periodic_task(self, entry: str, task: str, seconds: float) -> None:
        self.periodic_tasks[entry] = (task, seconds)

    def add_stage_kind(self, kind) -> None:
        self.stage_kinds[kind.name] = kind


EXTENSION = "summit.features"


def features() -> Features:
    """The running application's registry."""
    return current_app.extensions[EXTENSION]
