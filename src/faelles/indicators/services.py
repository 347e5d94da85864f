"""Writes for indicators: imports, manual values, targets and the stored assessments.

Every import goes through `observations_import`, whatever its source (CSV file, StatBank, a
value typed in the back-office), so validation, revisions, the import log and the recompute
are the same for all of them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from faelles.core import pagecache
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
from faelles.indicators.periods import AnnualRule, Period, parse_period, reduce_to_annual

BATCH = 2000
STAGE_BATCH = 20_000  # rows per executemany or COPY into the staging table


def _connection() -> Any:
    return connections[router.db_for_write(Observation)]


def _tables() -> tuple[str, str]:
    qn = _connection().ops.quote_name
    return qn(Observation._meta.db_table), qn(ObservationRevision._meta.db_table)


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


class _Refused(Exception):
    def __init__(self, errors: list[RowError], rows: int) -> None:
        super().__init__(len(errors))
        self.errors = errors
        self.rows = rows


class _Stage:
    """A temporary table holding the incoming rows, merged into observations by set-based SQL.

    Python keeps nothing per existing row: the database compares old and new values, writes
    the revisions and inserts or updates in a handful of statements, so memory stays flat and
    a million-row import costs a few bulk statements instead of a million round trips. The
    SQL is plain enough for SQLite (>= 3.33, for UPDATE ... FROM) and PostgreSQL alike.
    Identifiers are the models' own, quoted; every value is a parameter.
    """

    COLUMNS = ("period", "year", "quarter", "month", "value", "disaggregation", "dkey", "dims",
               "series", "units", "geocode")

    def __init__(self) -> None:
        self.connection = connections[router.db_for_write(Observation)]
        qn = self.connection.ops.quote_name
        self.table = qn("indicators_observation_stage")
        self.obs = qn(Observation._meta.db_table)
        self.rev = qn(ObservationRevision._meta.db_table)
        self.json_cast = (
            "CAST(s.disaggregation AS jsonb)" if self.connection.vendor == "postgresql"
            else "s.disaggregation"
        )
        self.insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            self.table, ", ".join(self.COLUMNS), ", ".join(["%s"] * len(self.COLUMNS))
        )

    def create(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (period VARCHAR(8) NOT NULL, "
                "year INTEGER NOT NULL, quarter INTEGER, month INTEGER, "
                "value DOUBLE PRECISION NOT NULL, disaggregation TEXT NOT NULL, "
                "dkey TEXT NOT NULL, dims TEXT NOT NULL, series TEXT NOT NULL, "
                "units TEXT NOT NULL, geocode TEXT NOT NULL)"
            )

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            if self.connection.vendor == "postgresql":
                _bulk_write(self.connection, self.table, self.COLUMNS, rows)
            else:
                with self.connection.cursor() as cursor:
                    cursor.executemany(self.insert_sql, rows)
            rows.clear()

    @contextmanager
    def _large_cache(self, cursor: Any) -> Iterator[None]:
        """On SQLite, a 64 MB page cache for the merge (the default is 2 MB), then back.

        The merge touches every index page of the indicator's rows; with the default cache
        pages are evicted and re-read many times over. The cache only grows as it is used."""
        if self.connection.vendor != "sqlite":
            yield
            return
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -65536")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")

    def merge(
        self, *, indicator: Indicator, run: ImportRun, source: str, retrieved_at: datetime,
        changed_at: datetime,
    ) -> tuple[int, int, int]:
        """(created, changed, unchanged). Order matters: revisions read the old values before
        the update overwrites them, and new rows are inserted last so they match nothing."""
        t, o, r = self.table, self.obs, self.rev
        adapt = self.connection.ops.adapt_datetimefield_value
        retrieved, changed_time = adapt(retrieved_at), adapt(changed_at)
        mid, iid, rid = indicator.municipality_id, indicator.pk, run.pk
        match = (
            "o.indicator_id = %s AND o.period = s.period AND o.disaggregation_key = s.dkey "
            "AND o.series = s.series AND o.units = s.units"
        )
        # On SQLite, rows go in in the order of the series index (breakdown, then period), so
        # index pages fill one after the other instead of at random: for a million new rows
        # that is the difference between a warm and a thrashed page cache. PostgreSQL's
        # shared buffers do not need it, and its collation-aware sort would cost more.
        order = (
            "ORDER BY s.dkey, s.year, s.quarter, s.month, s.series, s.units"
            if self.connection.vendor == "sqlite" else ""
        )
        with self.connection.cursor() as cursor, self._large_cache(cursor):
            cursor.execute(f"SELECT 1 FROM {o} WHERE indicator_id = %s LIMIT 1", [iid])  # noqa: S608
            existing = cursor.fetchone() is not None
            changed = unchanged = 0
            if existing:
                cursor.execute(
                    f"CREATE INDEX indicators_stage_key ON {t} (dkey, period, series, units)"
                )
                cursor.execute(
                    f"INSERT INTO {r} (municipality_id, observation_id, old_value, new_value, "  # noqa: S608
                    "old_source, source, import_run_id, old_import_run_id, changed_at) "
                    f"SELECT %s, o.id, o.value, s.value, o.source, %s, %s, o.import_run_id, %s "
                    f"FROM {t} s JOIN {o} o ON {match} WHERE o.value <> s.value",
                    [mid, source, rid, changed_time, iid],
                )
                changed = cursor.rowcount
                cursor.execute(
                    f"UPDATE {o} AS o SET retrieved_at = %s FROM {t} s "  # noqa: S608
                    f"WHERE {match} AND o.value = s.value",
                    [retrieved, iid],
                )
                unchanged = cursor.rowcount
                if changed:
                    cursor.execute(
                        f"UPDATE {o} AS o SET value = s.value, source = %s, retrieved_at = %s, "  # noqa: S608
                        f"import_run_id = %s, geocode = s.geocode FROM {t} s "
                        f"WHERE {match} AND o.value <> s.value",
                        [source, retrieved, rid, iid],
                    )
            # A first import (the indicator has no rows yet) matches nothing: no lookups.
            new_only = f"WHERE NOT EXISTS (SELECT 1 FROM {o} o WHERE {match})" if existing else ""  # noqa: S608
            cursor.execute(
                f"INSERT INTO {o} (municipality_id, indicator_id, period, year, quarter, month, "  # noqa: S608
                "value, disaggregation, disaggregation_key, dimensions, series, units, geocode, "
                "source, retrieved_at, import_run_id) "
                f"SELECT %s, %s, s.period, s.year, s.quarter, s.month, s.value, {self.json_cast}, "
                "s.dkey, s.dims, s.series, s.units, s.geocode, %s, %s, %s "
                f"FROM {t} s {new_only} {order}",
                [mid, iid, source, retrieved, rid] + ([iid] if existing else []),
            )
            created = cursor.rowcount
            cursor.execute(f"DROP TABLE {t}")
        return created, changed, unchanged


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

    Parsers report duplicates by their own key (which includes the geocode); the stored key is
    (period, breakdown, series, units), so rows are checked again here, and the unique
    constraint is never the one to complain.
    """
    from faelles.indicators.tasks import recompute_indicator

    started_at = timezone.now()
    retrieved_at = retrieved_at or started_at
    source = source[:300]
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                municipality_id=indicator.municipality_id, indicator=indicator,
                actor=actor if getattr(actor, "pk", None) else None, kind=kind, source=source,
                status=ImportStatus.SUCCEEDED, started_at=started_at,
            )
            stage = _Stage()
            stage.create()
            json_field = Observation._meta.get_field("disaggregation")
            connection = stage.connection
            keys: dict[int, tuple[str, str, Any]] = {}  # id(dict) -> keys; dicts are shared
            # Periods seen per (breakdown, series, units): Period objects are shared by the
            # parser's cache, so a set of them costs a pointer per row, not a tuple of strings.
            seen: dict[tuple[str, str, str], set[Period]] = {}
            errors: list[RowError] = []
            batch: list[tuple[Any, ...]] = []
            count = 0
            for count, obs in enumerate(observations, start=1):  # noqa: B007
                value = float(obs.value)
                if not math.isfinite(value):
                    errors.append(RowError("non_numeric", None, {"value": str(obs.value)}))
                    continue
                cached = keys.get(id(obs.disaggregation))
                if cached is None:
                    cached = (
                        disaggregation_key(obs.disaggregation),
                        dimensions_key(obs.disaggregation),
                        json_field.get_db_prep_save(obs.disaggregation, connection),
                    )
                    keys[id(obs.disaggregation)] = cached
                series, units = obs.series or "", obs.units or ""
                periods = seen.setdefault((cached[0], series, units), set())
                period = obs.period
                if period in periods:
                    errors.append(RowError("duplicate_key", None, {"period": str(period)}))
                    continue
                periods.add(period)
                if errors:
                    continue  # refused anyway: keep checking, stop writing
                batch.append((
                    str(period), period.year, period.quarter, period.month, value, cached[2],
                    cached[0], cached[1], series, units, obs.geocode or "",
                ))
                if len(batch) >= STAGE_BATCH:
                    stage.write(batch)
            if errors:
                raise _Refused(errors, count)
            stage.write(batch)
            del seen, keys
            created, changed, unchanged = stage.merge(
                indicator=indicator, run=run, source=source, retrieved_at=retrieved_at,
                changed_at=started_at,
            )
            run.rows = count
            run.created, run.updated, run.unchanged = created, changed, unchanged
            run.finished_at = timezone.now()
            run.save(update_fields=["rows", "created", "updated", "unchanged", "finished_at"])
            if indicator.reporting_status != ReportingStatus.DATA_AVAILABLE and count:
                indicator.reporting_status = ReportingStatus.DATA_AVAILABLE
                indicator.save(update_fields=["reporting_status"])
            # Enqueued inside the transaction on purpose: with the database task backend the
            # task row commits (or rolls back) together with the data it is about.
            recompute_indicator.enqueue(indicator.pk)
    except _Refused as refused:
        # The transaction is rolled back; the refusal itself is logged, outside it.
        failed = _log_failed(
            indicator=indicator, kind=kind, source=source, actor=actor, rows=refused.rows,
            errors=refused.errors, started_at=started_at,
        )
        raise ObservationImportError(failed) from None
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
        restore = list(
            ObservationRevision.objects.filter(import_run=run).values_list(
                "old_value", "old_source", "old_import_run_id", "observation_id"
            )
        )
        obs_table, rev_table = _tables()
        with _connection().cursor() as cursor:
            # Plain SQL, not QuerySet.delete(): with signal receivers connected (the page
            # cache) Django would load and signal every row; the page cache is bumped once.
            # Values this run created: stamped with the run and not merely changed by it.
            cursor.execute(
                f"DELETE FROM {obs_table} WHERE import_run_id = %s AND id NOT IN "  # noqa: S608
                f"(SELECT observation_id FROM {rev_table} WHERE import_run_id = %s)",
                [run.pk, run.pk],
            )
            created_count = cursor.rowcount
            cursor.executemany(
                f"UPDATE {obs_table} SET value = %s, source = %s, import_run_id = %s "  # noqa: S608
                "WHERE id = %s",
                restore,
            )
            cursor.execute(
                f"DELETE FROM {rev_table} WHERE import_run_id = %s",  # noqa: S608
                [run.pk],
            )
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


class AssessmentRow(NamedTuple):
    """One stored assessment as `indicator_recompute` wrote it (no model instance per series:
    building 100,000 of them cost more than the assessments themselves)."""

    series_key: str
    disaggregation: dict[str, str]
    status: str
    receipt: dict[str, Any] | None
    target_value: float | None
    target_year: int
    error: str


def _pick_headline(counts: Mapping[tuple[str, str], int]) -> tuple[str, str] | None:
    # A file may hold several series or units; the one with most values is the one assessed,
    # ties broken by name so the choice never flips between runs.
    if not counts:
        return None
    return min(counts, key=lambda combo: (-counts[combo], combo))


def _series_stream(
    cursor: Any, sql: str, params: list[Any], chunk: int = 20_000
) -> Iterator[tuple[str, dict[tuple[str, str], list[tuple[Any, ...]]]]]:
    """(key, {(series, units): rows}) per breakdown, from rows ordered by breakdown key.

    Streamed with fetchmany, so a million rows are never all in memory: one breakdown's rows
    at a time."""
    cursor.execute(sql, params)
    current: str | None = None
    groups: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    while True:
        rows = cursor.fetchmany(chunk)
        if not rows:
            break
        for key, series, units, *rest in rows:
            if key != current:
                if current is not None:
                    yield current, groups
                current, groups = key, {}
            combo = (series, units)
            points = groups.get(combo)
            if points is None:
                points = groups[combo] = []
            points.append(rest)
    if current is not None:
        yield current, groups


def indicator_recompute(*, indicator: Indicator) -> list[AssessmentRow]:
    """Assess the headline and every breakdown series and store each receipt.

    The headline uses the indicator's target; a breakdown uses its own target from
    `series_targets` if it has one, otherwise it is assessed without a target (DESIGN.md,
    progress method step 7). A series that cannot be assessed (e.g. quarterly data with the
    rule `annual`) is stored as `insufficient_data` with the reason in `error`.

    Set-wise, for 100,000 series: every observation of the indicator is read once, ordered by
    breakdown, in plain tuples; yearly data skip the Period objects; the assessments are
    replaced with one DELETE and one bulk write (COPY on PostgreSQL).
    """
    connection = _connection()
    qn = connection.ops.quote_name
    obs = qn(Observation._meta.db_table)
    table = qn(Assessment._meta.db_table)
    pk = indicator.pk
    try:
        rule: AnnualRule | None = AnnualRule.parse(indicator.annual_rule)
        rule_error = ""
    except ValueError as exc:
        rule, rule_error = None, str(exc)
    base_year = indicator.base_year
    direction = indicator.direction
    targets = indicator.series_targets if isinstance(indicator.series_targets, dict) else {}
    default_year = indicator.effective_target_year
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT series, units, COUNT(*) FROM {obs} "  # noqa: S608
            "WHERE indicator_id = %s AND disaggregation_key = '' GROUP BY series, units",
            [pk],
        )
        preferred = _pick_headline({(s, u): n for s, u, n in cursor.fetchall()})
        cursor.execute(
            f"SELECT 1 FROM {obs} WHERE indicator_id = %s "  # noqa: S608
            "AND (quarter IS NOT NULL OR month IS NOT NULL) LIMIT 1",
            [pk],
        )
        # Yearly data (the usual case) go straight to {year: value}; anything sub-annual
        # through Period objects and `reduce_to_annual`, which knows the rules and errors.
        yearly = cursor.fetchone() is None and rule is not None and rule.kind in (
            "annual", "mean"
        )
        columns = "year, value" if yearly else "year, quarter, month, value"
        sql = (
            f"SELECT disaggregation_key, series, units, {columns} FROM {obs} "  # noqa: S608
            f"WHERE indicator_id = %s ORDER BY disaggregation_key, year"
            + ("" if yearly else ", quarter, month")
        )
        periods: dict[tuple[int, int | None, int | None], Period] = {}
        results: list[AssessmentRow] = []
        for key, groups in _series_stream(cursor, sql, [pk]):
            combo = preferred if preferred in groups else min(
                groups, key=lambda c: (-len(groups[c]), c)
            )
            if key:
                own = targets.get(key)
                target_value = own.get("value") if own else None
                target_year = (own.get("year") if own else None) or default_year
            else:
                target_value, target_year = indicator.target_value, default_year
            status, receipt, error = progress.Status.INSUFFICIENT_DATA, None, rule_error
            if rule is not None:
                try:
                    if yearly:
                        annual = dict(groups[combo])
                    else:
                        points = []
                        for year, quarter, month, value in groups[combo]:
                            period = periods.get((year, quarter, month))
                            if period is None:  # a few hundred, shared by every series
                                period = periods[(year, quarter, month)] = Period(
                                    year, quarter, month
                                )
                            points.append((period, value))
                        annual = reduce_to_annual(points, rule)
                    assessed = progress.assess(
                        annual, direction=direction, target_value=target_value,
                        target_year=target_year, base_year=base_year,
                    )
                except ValueError as exc:  # ProgressError is a ValueError too
                    error = str(exc)
                else:
                    status, receipt = assessed.status, assessed.to_dict()
            results.append(AssessmentRow(
                key, dict(_pairs(key)), str(status), receipt, target_value, target_year, error,
            ))

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    mid = indicator.municipality_id
    dumps = json.dumps
    with transaction.atomic(using=connection.alias):
        # Plain DELETE: QuerySet.delete() would signal each of possibly 100,000 rows.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE indicator_id = %s", [pk])  # noqa: S608
        _bulk_write(
            connection, table,
            ("municipality_id", "indicator_id", "series_key", "disaggregation", "status",
             "receipt", "target_value", "target_year", "error", "computed_at"),
            (
                (mid, pk, r.series_key, dumps(r.disaggregation), r.status,
                 None if r.receipt is None else dumps(r.receipt), r.target_value,
                 r.target_year, r.error, now)
                for r in results
            ),
        )
        # Raw SQL sends no signals either: the public pages show these statuses.
        pagecache.bump(indicator.municipality_id)
    return results


def _bulk_write(
    connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
    chunk: int = 10_000,
) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany in large chunks elsewhere.

    `table` is quoted already; columns are the models' own names. JSON columns take JSON
    text (COPY parses it into jsonb; SQLite stores text).
    """
    count = 0
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3's own cursor: COPY ... FROM STDIN
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        table, ", ".join(connection.ops.quote_name(c) for c in columns), placeholders
    )
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


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
