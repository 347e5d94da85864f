"""Writes for indicators: imports, manual values, targets and the stored assessments.

Every import goes through `observations_import`, whatever its source (CSV file, StatBank, a
value typed in the back-office), so validation, revisions, the import log and the recompute
are the same for all of them.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from faelles.core.audit import audit_log, snapshot
from faelles.indicators import progress
from faelles.indicators.importers.base import ParsedObservation, ParseResult, RowError, message
from faelles.indicators.importers.statbank import StatBankClient
from faelles.indicators.importers.statbank import StatBankMapping as StatBankSpec
from faelles.indicators.models import (
    Assessment,
    ImportKind,
    ImportRun,
    ImportStatus,
    Indicator,
    Observation,
    ObservationRevision,
    ReportingStatus,
    StatBankMapping,
    dimensions_key,
    disaggregation_key,
)
from faelles.indicators.periods import Period, parse_period, reduce_to_annual

BATCH = 2000
# Sub-queries on ids are chunked below SQLite's old 999-parameter limit.
ID_CHUNK = 900


class ObservationImportError(Exception):
    """The data were refused; nothing was stored. `run` is the logged, failed import."""

    def __init__(self, run: ImportRun) -> None:
        super().__init__(f"import refused with {len(run.errors)} error(s)")
        self.run = run


def error_dicts(errors: Iterable[RowError]) -> list[dict[str, Any]]:
    """Errors as stored in `ImportRun.errors`; `import_errors` turns them back into text."""
    return [{"code": e.code, "line": e.line, "params": dict(e.params)} for e in errors]


def import_errors(run: ImportRun, lang: str = "da") -> list[str]:
    """The stored errors of a run as sentences, with their line numbers."""
    return [
        message(RowError(e["code"], e.get("line"), e.get("params") or {}), lang)
        for e in run.errors
    ]


def _log_failed(
    *, indicator: Indicator, kind: str, source: str, actor: Any, rows: int,
    errors: Sequence[RowError], started_at: datetime,
) -> ImportRun:
    return ImportRun.objects.create(
        municipality_id=indicator.municipality_id, indicator=indicator,
        actor=actor if getattr(actor, "pk", None) else None, kind=kind, source=source[:300],
        status=ImportStatus.FAILED, rows=rows, errors=error_dicts(errors),
        started_at=started_at, finished_at=timezone.now(),
    )


@dataclass(frozen=True, slots=True)
class _Row:
    period: Period
    value: float
    disaggregation: dict[str, str]
    key: str
    dims: str
    series: str
    units: str
    geocode: str


def _validate(observations: Iterable[ParsedObservation]) -> tuple[list[_Row], list[RowError]]:
    """Normalise parsed observations and refuse what the database key cannot hold.

    Parsers report duplicates by their own key (which includes the geocode); the stored key is
    (period, breakdown, series, units), so a second check here keeps the unique constraint
    from ever being the one to complain.
    """
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    keys: dict[int, tuple[str, str]] = {}  # id(dict) -> keys; parsers share breakdown dicts
    for position, obs in enumerate(observations, start=1):
        value = float(obs.value)
        if not math.isfinite(value):
            errors.append(RowError("non_numeric", None, {"value": str(obs.value)}))
            continue
        cached = keys.get(id(obs.disaggregation))
        if cached is None:
            cached = (disaggregation_key(obs.disaggregation), dimensions_key(obs.disaggregation))
            keys[id(obs.disaggregation)] = cached
        row = _Row(
            obs.period, value, obs.disaggregation, cached[0], cached[1],
            obs.series or "", obs.units or "", obs.geocode or "",
        )
        db_key = (str(row.period), row.key, row.series, row.units)
        first = seen.setdefault(db_key, position)
        if first != position:
            errors.append(
                RowError(
                    "duplicate_key", None, {"period": str(row.period), "first_line": first}
                )
            )
            continue
        rows.append(row)
    return rows, errors


class _BulkWriter:
    """Plain INSERT/UPDATE statements run with `executemany`.

    The ORM's bulk_create compiles SQL per batch (on SQLite a batch is 999 parameters, i.e.
    58 rows here) and bulk_update builds CASE expressions; for a million rows that was about
    0.8 ms a row. One prepared statement per kind, with values adapted by the model fields
    themselves (JSON, datetimes), is portable and an order of magnitude faster.
    """

    def __init__(
        self, *, indicator: Indicator, run: ImportRun, source: str, retrieved_at: datetime,
        changed_at: datetime,
    ) -> None:
        self.connection = connections[router.db_for_write(Observation)]
        obs = Observation._meta
        rev = ObservationRevision._meta
        qn = self.connection.ops.quote_name
        self.insert_columns = [
            "municipality_id", "indicator_id", "period", "year", "quarter", "month", "value",
            "disaggregation", "disaggregation_key", "dimensions", "series", "units",
            "geocode", "source", "retrieved_at", "import_run_id",
        ]
        # Identifiers below are the models' own, quoted; every value is a parameter.
        self.insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            qn(obs.db_table), ", ".join(qn(c) for c in self.insert_columns),
            ", ".join(["%s"] * len(self.insert_columns)),
        )
        self.update_sql = (
            "UPDATE {} SET {} = %s, {} = %s, {} = %s, {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608
                qn(obs.db_table), qn("value"), qn("source"), qn("retrieved_at"),
                qn("import_run_id"), qn("geocode"), qn("id"),
            )
        )
        revision_columns = [
            "municipality_id", "observation_id", "old_value", "new_value", "old_source",
            "source", "import_run_id", "old_import_run_id", "changed_at",
        ]
        self.revision_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            qn(rev.db_table), ", ".join(qn(c) for c in revision_columns),
            ", ".join(["%s"] * len(revision_columns)),
        )
        self.json_field = obs.get_field("disaggregation")
        self.mid = indicator.municipality_id
        self.indicator_id = indicator.pk
        self.run_id = run.pk
        self.source = source
        self.retrieved = obs.get_field("retrieved_at").get_db_prep_save(
            retrieved_at, self.connection
        )
        self.changed_at = rev.get_field("changed_at").get_db_prep_save(
            changed_at, self.connection
        )
        self._json: dict[str, Any] = {}
        self.new: list[tuple[Any, ...]] = []
        self.updates: list[tuple[Any, ...]] = []
        self.revisions: list[tuple[Any, ...]] = []
        self.changed = 0

    def _json_for(self, row: _Row) -> Any:
        value = self._json.get(row.key)
        if value is None:
            value = self.json_field.get_db_prep_save(row.disaggregation, self.connection)
            self._json[row.key] = value
        return value

    def add_new(self, row: _Row) -> None:
        period = row.period
        self.new.append((
            self.mid, self.indicator_id, str(period), period.year, period.quarter, period.month,
            row.value, self._json_for(row), row.key, row.dims, row.series, row.units,
            row.geocode, self.source, self.retrieved, self.run_id,
        ))
        if len(self.new) >= BATCH:
            self._write_new()

    def add_change(
        self, pk: int, row: _Row, old_value: float, old_source: str, old_run: int | None
    ) -> None:
        self.changed += 1
        self.updates.append((row.value, self.source, self.retrieved, self.run_id, row.geocode,
                             pk))
        self.revisions.append((self.mid, pk, old_value, row.value, old_source, self.source,
                               self.run_id, old_run, self.changed_at))
        if len(self.updates) >= BATCH:
            self._write_changes()

    def _write_new(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.insert_sql, self.new)
        self.new.clear()

    def _write_changes(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.update_sql, self.updates)
            cursor.executemany(self.revision_sql, self.revisions)
        self.updates.clear()
        self.revisions.clear()

    def flush(self) -> None:
        if self.new:
            self._write_new()
        if self.updates:
            self._write_changes()


def observations_import(
    *,
    indicator: Indicator,
    observations: Iterable[ParsedObservation],
    source: str,
    actor: Any = None,
    kind: str = ImportKind.CSV,
    retrieved_at: datetime | None = None,
) -> ImportRun:
    """Store observations atomically: all of them or, on any error, none.

    New periods are created; a changed value is updated and its old value kept as an
    `ObservationRevision`; equal values only get the new retrieval time. Observations missing
    from the input are left alone (a file may carry only the latest year). Raises
    `ObservationImportError` (with the failed, logged run) when the data are refused; on
    success the indicator's assessments are recomputed by the `recompute_indicator` task.
    """
    from faelles.indicators.tasks import recompute_indicator

    started_at = timezone.now()
    retrieved_at = retrieved_at or started_at
    rows, errors = _validate(observations)
    if errors:
        run = _log_failed(
            indicator=indicator, kind=kind, source=source, actor=actor,
            rows=len(rows) + len(errors), errors=errors, started_at=started_at,
        )
        raise ObservationImportError(run)

    source = source[:300]
    with transaction.atomic():
        run = ImportRun.objects.create(
            municipality_id=indicator.municipality_id, indicator=indicator,
            actor=actor if getattr(actor, "pk", None) else None, kind=kind, source=source,
            status=ImportStatus.SUCCEEDED, rows=len(rows), started_at=started_at,
        )
        existing: dict[tuple[str, str, str, str], tuple[int, float, str, int | None]] = {
            (period, key, series, units): (pk, value, old_source, old_run)
            for pk, period, key, series, units, value, old_source, old_run in (
                Observation.objects.filter(indicator=indicator)
                .values_list("pk", "period", "disaggregation_key", "series", "units", "value",
                             "source", "import_run_id")
                .iterator(chunk_size=10_000)
            )
        }
        writer = _BulkWriter(indicator=indicator, run=run, source=source,
                             retrieved_at=retrieved_at, changed_at=started_at)
        unchanged_ids: list[int] = []
        for row in rows:
            hit = existing.get((str(row.period), row.key, row.series, row.units))
            if hit is None:
                writer.add_new(row)
                continue
            pk, old_value, old_source, old_run = hit
            if old_value == row.value:
                unchanged_ids.append(pk)
            else:
                writer.add_change(pk, row, old_value, old_source, old_run)
        writer.flush()
        for start in range(0, len(unchanged_ids), ID_CHUNK):
            Observation.objects.filter(pk__in=unchanged_ids[start : start + ID_CHUNK]).update(
                retrieved_at=retrieved_at
            )
        changed = writer.changed
        run.created = len(rows) - changed - len(unchanged_ids)
        run.updated = changed
        run.unchanged = len(unchanged_ids)
        run.finished_at = timezone.now()
        run.save(update_fields=["created", "updated", "unchanged", "finished_at"])
        if indicator.reporting_status != ReportingStatus.DATA_AVAILABLE and rows:
            indicator.reporting_status = ReportingStatus.DATA_AVAILABLE
            indicator.save(update_fields=["reporting_status"])
        # Enqueued inside the transaction on purpose: with the database task backend the task
        # row commits (or rolls back) together with the data it is about.
        recompute_indicator.enqueue(indicator.pk)
    return run


def observations_import_result(
    *,
    indicator: Indicator,
    result: ParseResult,
    source: str,
    actor: Any = None,
    kind: str = ImportKind.CSV,
) -> ImportRun:
    """Import what a parser read; a result with errors is logged as a failed run and raised."""
    if not result.ok:
        run = _log_failed(
            indicator=indicator, kind=kind, source=source, actor=actor,
            rows=0, errors=result.errors, started_at=timezone.now(),
        )
        raise ObservationImportError(run)
    return observations_import(
        indicator=indicator, observations=result.observations, source=source, actor=actor,
        kind=kind,
    )


def observation_set(
    *,
    indicator: Indicator,
    period: str,
    value: float,
    disaggregation: dict[str, str] | None = None,
    series: str = "",
    units: str = "",
    source: str = "",
    actor: Any = None,
) -> ImportRun:
    """One value typed in the back-office: the same path and checks as a file import."""
    parsed = ParsedObservation(
        parse_period(period), float(value), dict(disaggregation or {}), units or None,
        series or None,
    )
    return observations_import(
        indicator=indicator, observations=[parsed], source=source or "manual", actor=actor,
        kind=ImportKind.MANUAL,
    )


class ImportRevertError(Exception):
    """The import cannot be undone; the message says why."""


def import_run_revert(*, run: ImportRun, actor: Any = None) -> ImportRun:
    """Undo a successful import: remove the values it added, restore the ones it changed.

    Only the indicator's latest successful import can be undone (a later one, including a
    typed value, must be undone first), so history unwinds in order and no newer figure is
    lost.
    """
    from faelles.indicators.tasks import recompute_indicator

    if run.status != ImportStatus.SUCCEEDED:
        raise ImportRevertError("Only a successful import can be undone.")
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportStatus.SUCCEEDED:
            raise ImportRevertError("Only a successful import can be undone.")
        later = ImportRun.objects.filter(
            indicator_id=run.indicator_id, status=ImportStatus.SUCCEEDED, pk__gt=run.pk
        )
        if later.exists():
            raise ImportRevertError("A later import exists; undo it first.")
        revisions = ObservationRevision.objects.filter(import_run=run)
        # Values this run created: stamped with the run and not merely changed by it.
        created = Observation.objects.filter(import_run=run).exclude(
            pk__in=revisions.values("observation_id")
        )
        created_count, _ = created.delete()
        restore = list(
            revisions.values_list("old_value", "old_source", "old_import_run_id", "observation_id")
        )
        table = connections[router.db_for_write(Observation)].ops.quote_name(
            Observation._meta.db_table
        )
        with connections[router.db_for_write(Observation)].cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET value = %s, source = %s, import_run_id = %s "  # noqa: S608
                "WHERE id = %s",
                restore,
            )
        ObservationRevision.objects.filter(import_run=run).delete()
        run.status = ImportStatus.REVERTED
        run.reverted_at = timezone.now()
        run.save(update_fields=["status", "reverted_at"])
        audit_log(
            actor=actor, action="indicator.import_revert", obj=run.indicator,
            after={"import_run": run.pk, "removed": created_count, "restored": len(restore)},
        )
        recompute_indicator.enqueue(run.indicator_id)
    return run


# --- Targets ---------------------------------------------------------------------------------


def indicator_set_target(
    *,
    indicator: Indicator,
    target_value: float | None,
    target_year: int | None,
    actor: Any = None,
) -> Indicator:
    """Change the headline target, audit it and recompute the assessments."""
    from faelles.indicators.tasks import recompute_indicator

    before = snapshot(indicator)
    indicator.target_value = target_value
    indicator.target_year = target_year
    indicator.full_clean()
    with transaction.atomic():
        indicator.updated_at = timezone.now()
        indicator.save(update_fields=["target_value", "target_year", "updated_at"])
        audit_log(
            actor=actor, action="indicator.set_target", obj=indicator, before=before,
            after=snapshot(indicator),
        )
        recompute_indicator.enqueue(indicator.pk)
    return indicator


# --- Assessments -----------------------------------------------------------------------------


def _pick_headline(counts: Counter[tuple[str, str]]) -> tuple[str, str] | None:
    # A file may hold several series or units; the one with most values is the one assessed,
    # ties broken by name so the choice never flips between runs.
    if not counts:
        return None
    return min(counts, key=lambda combo: (-counts[combo], combo))


def indicator_recompute(*, indicator: Indicator) -> list[Assessment]:
    """Assess the headline and every breakdown series and store each receipt.

    The headline uses the indicator's target; a breakdown uses its own target from
    `series_targets` if it has one, otherwise it is assessed without a target (DESIGN.md,
    progress method step 7). A series that cannot be assessed (e.g. quarterly data with the
    rule `annual`) is stored as `insufficient_data` with the reason in `error`.
    """
    points: dict[str, dict[tuple[str, str], list[tuple[Period, float]]]] = {}
    for key, year, quarter, month, value, series, units in (
        Observation.objects.filter(indicator=indicator)
        .order_by()
        .values_list("disaggregation_key", "year", "quarter", "month", "value", "series", "units")
        .iterator(chunk_size=10_000)
    ):
        points.setdefault(key, {}).setdefault((series, units), []).append(
            (Period(year, quarter, month), value)
        )

    headline_counts = Counter({combo: len(v) for combo, v in points.get("", {}).items()})
    preferred = _pick_headline(headline_counts)
    now = timezone.now()
    assessments: list[Assessment] = []
    for key in sorted(points):
        groups = points[key]
        # Every key in `points` has at least one group, so a combination always exists.
        combo = preferred if preferred in groups else min(
            groups, key=lambda c: (-len(groups[c]), c)
        )
        if key:
            own = indicator.series_targets.get(key) if indicator.series_targets else None
            target_value = own.get("value") if own else None
            target_year = (own.get("year") if own else None) or indicator.effective_target_year
        else:
            target_value = indicator.target_value
            target_year = indicator.effective_target_year
        assessment = Assessment(
            municipality_id=indicator.municipality_id, indicator=indicator, series_key=key,
            disaggregation=dict(_pairs(key)), target_value=target_value,
            target_year=target_year, computed_at=now,
        )
        try:
            annual = reduce_to_annual(groups[combo], indicator.annual_rule)
            receipt = progress.assess(
                annual, direction=indicator.direction, target_value=target_value,
                target_year=target_year, base_year=indicator.base_year,
            )
        except ValueError as exc:  # ProgressError is a ValueError too
            assessment.status = progress.Status.INSUFFICIENT_DATA
            assessment.error = str(exc)
        else:
            assessment.status = receipt.status
            assessment.receipt = receipt.to_dict()
        assessments.append(assessment)

    with transaction.atomic():
        Assessment.objects.filter(indicator=indicator).delete()
        Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    return assessments


def _pairs(key: str) -> list[tuple[str, str]]:
    return [(str(a), str(b)) for a, b in json.loads(key)] if key else []


# --- StatBank ----------------------------------------------------------------------------------


def statbank_spec(mapping: StatBankMapping) -> StatBankSpec:
    """The importer's mapping from the stored one."""
    return StatBankSpec(
        table=mapping.table,
        selections={k: list(v) for k, v in (mapping.selections or {}).items()},
        time_variable=mapping.time_variable or "Tid",
        disaggregations=dict(mapping.disaggregations or {}),
        totals=dict(mapping.totals or {}),
        value_presentation=mapping.value_presentation,  # type: ignore[arg-type]
    )


def statbank_refresh(
    *, mapping: StatBankMapping, actor: Any = None, base_url: str | None = None,
    timeout: float = 30.0,
) -> ImportRun:
    """Fetch a mapped table and import it; the outcome is kept on the mapping as well.

    Raises `ObservationImportError` (with the logged run) when the API or the data fail.
    """
    indicator = mapping.indicator
    source = f"Danmarks Statistik, {mapping.table}"
    with StatBankClient(
        base_url=base_url or settings.FAELLES_STATBANK_URL, timeout=timeout
    ) as client:
        result = client.fetch(statbank_spec(mapping))
    try:
        run = observations_import_result(
            indicator=indicator, result=result, source=source, actor=actor,
            kind=ImportKind.STATBANK,
        )
    except ObservationImportError as exc:
        mapping.last_error = "\n".join(import_errors(exc.run))
        mapping.save(update_fields=["last_error"])
        raise
    mapping.last_refreshed = timezone.now()
    mapping.last_error = ""
    mapping.save(update_fields=["last_refreshed", "last_error"])
    return run
