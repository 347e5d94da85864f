"""Import 1,000,000 observations from an Open SDG CSV file and recompute every assessment.

    .venv/bin/python bench/indicators_bench.py [--rows 1000000] [--var-dir DIR] [--keep]

Runs against a fresh SQLite database in a temporary FAELLES_VAR_DIR (never the shared
var/faelles.sqlite3) unless DATABASE_URL is set. The file has 50 years x N areas x 100 age
groups, i.e. N x 100 breakdown series plus no headline; every series is assessed. Phases:

1. parse: `parse_opensdg_csv` over the file (streamed);
2. import: `observations_import` of all rows into an empty indicator (bulk inserts);
3. recompute: `indicator_recompute` of every series;
4. re-import: the same file again (every value unchanged: only retrieval times move);
5. import with changes: the same file with every 10th value changed (revisions kept);
6. the indicator page and a download of everything;
7. a second indicator with `--series` series (default 100,000) x 10 years (2015-2024):
   parse+import, then `indicator_recompute` of all of them (the issue's 100,000-series target).

Prints wall seconds, CPU seconds of this process (`time.process_time`, which includes
SQLite's work but not the PostgreSQL server's), the process's peak resident memory and the
1-minute load average after each phase. On a shared machine wall time is inflated by the
other processes; CPU time is the figure to compare between runs.

PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/faelles_indicators_bench` (a
fresh database whose name contains "bench"; it is migrated here).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_csv(
    path: Path, rows: int, *, changed: bool = False, years: range = range(1975, 2025)
) -> int:
    ages = 100
    areas = max(1, rows // (len(years) * ages))
    n = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("Year,Bydel,Alder,Value\n")
        for area in range(areas):
            for age in range(ages):
                base = 1000 + area * 3 + age
                for i, year in enumerate(years):
                    value = base + i * ((age % 7) - 3) * 0.5
                    if changed and n % 10 == 0:
                        value += 1
                    out.write(f"{year},Område {area},{age} år,{value:g}\n")
                    n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--var-dir", help="FAELLES_VAR_DIR to use (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--series", type=int, default=100_000,
        help="series of the second indicator (10 years each) for the recompute; 0 to skip",
    )
    args = parser.parse_args()

    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="faelles-indicators-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["FAELLES_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faelles.config.settings")
    # Time the page itself, not the anonymous page cache.
    os.environ.setdefault("FAELLES_PAGE_CACHE", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from faelles.core.models import Municipality
    from faelles.indicators.importers.opensdg_csv import parse_opensdg_csv
    from faelles.indicators.models import Assessment, Indicator, Observation, ObservationRevision
    from faelles.indicators.services import indicator_recompute, observations_import_result
    from faelles.strategy.models import Goal, Pillar, Vision

    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" and "bench" not in name:
        sys.exit(f"refusing database {name!r}: its name must contain 'bench'")
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    print(f"database: {connection.vendor} {name}; started {started}")
    call_command("migrate", verbosity=0)
    municipality, _ = Municipality.objects.get_or_create(
        slug="bench", defaults={"name": "Bench Kommune", "code": "999"}
    )
    vision, _ = Vision.objects.get_or_create(
        municipality=municipality, slug="v", defaults={"title": "V"}
    )
    pillar, _ = Pillar.objects.get_or_create(
        municipality=municipality, slug="p", defaults={"vision": vision, "title": "P"}
    )
    goal, _ = Goal.objects.get_or_create(
        municipality=municipality, slug="g",
        defaults={"pillar": pillar, "title": "G", "dimension": "social"},
    )
    Indicator.objects.filter(municipality=municipality, slug="bench").delete()
    indicator = Indicator.objects.create(
        municipality=municipality, goal=goal, slug="bench", title_da="Bench", direction="increase",
        target_value=2000, target_year=2030,
    )

    csv_path = var_dir / "bench.csv"
    changed_path = var_dir / "bench-changed.csv"
    t = time.perf_counter()
    rows = write_csv(csv_path, args.rows)
    write_csv(changed_path, args.rows, changed=True)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"file: {rows:,} rows, {size_mb:.1f} MB (written in {time.perf_counter() - t:.1f} s)")
    print(f"{'phase':<26}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}{'load avg':>10}")
    cpu = [time.process_time()]

    def phase(name: str, started: float) -> None:
        now_cpu = time.process_time()
        print(
            f"{name:<26}{time.perf_counter() - started:>9.3f}{now_cpu - cpu[0]:>9.3f}"
            f"{peak_mb():>13.0f}{os.getloadavg()[0]:>10.1f}"
        )
        sys.stdout.flush()

    t = time.perf_counter()
    cpu[0] = time.process_time()
    with csv_path.open("rb") as f:
        result = parse_opensdg_csv(f)
    assert result.ok, result.errors[:5]
    phase("parse", t)

    t = time.perf_counter()
    cpu[0] = time.process_time()
    run = observations_import_result(indicator=indicator, result=result, source="bench.csv")
    phase("import (new)", t)
    assert run.created == rows, (run.created, rows)
    del result

    t = time.perf_counter()
    cpu[0] = time.process_time()
    assessments = indicator_recompute(indicator=indicator)
    phase("recompute", t)
    statuses: dict[str, int] = {}
    for a in assessments:
        statuses[a.status] = statuses.get(a.status, 0) + 1

    t = time.perf_counter()
    cpu[0] = time.process_time()
    with csv_path.open("rb") as f:
        run = observations_import_result(
            indicator=indicator, result=parse_opensdg_csv(f), source="bench.csv"
        )
    phase("parse+re-import", t)
    assert run.unchanged == rows

    t = time.perf_counter()
    cpu[0] = time.process_time()
    with changed_path.open("rb") as f:
        run = observations_import_result(
            indicator=indicator, result=parse_opensdg_csv(f), source="bench-changed.csv"
        )
    phase("parse+import changes", t)

    # The indicator page and a download of one breakdown, on the million-row indicator: the
    # page loads two series, so its time should not depend on the size of the indicator.
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from faelles.core.models import MunicipalityHost

    MunicipalityHost.objects.get_or_create(host="testserver", defaults={
        "municipality": municipality})
    client = Client()
    page = "/data/bench/?Bydel=Omr%C3%A5de+3&Alder=5+%C3%A5r"
    client.get(page)  # warm-up
    t = time.perf_counter()
    cpu[0] = time.process_time()
    with CaptureQueriesContext(db) as queries:
        response = client.get(page)
    assert response.status_code == 200, response.status_code
    phase(f"page ({len(queries)} queries)", t)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for q in queries.captured_queries:
            print("   ", q["sql"][:150])
    t = time.perf_counter()
    cpu[0] = time.process_time()
    response = client.get("/data/bench/hent.csv?all=1")
    size = sum(len(chunk) for chunk in response.streaming_content)
    phase(f"CSV all ({size / 1e6:.0f} MB)", t)

    if args.series:
        # Recompute at 100,000 series: a second indicator, 10 yearly values per series.
        wide = Indicator.objects.create(
            municipality=municipality, goal=goal, slug="bench-series", title_da="Bench serier",
            direction="decrease",
        )
        wide_path = var_dir / "bench-series.csv"
        wide_rows = write_csv(wide_path, args.series * 10, years=range(2015, 2025))
        t = time.perf_counter()
        cpu[0] = time.process_time()
        with wide_path.open("rb") as f:
            wide_run = observations_import_result(
                indicator=wide, result=parse_opensdg_csv(f), source="bench-series.csv"
            )
        assert wide_run.created == wide_rows, (wide_run.created, wide_rows)
        phase(f"parse+import {args.series // 1000}k series", t)
        t = time.perf_counter()
        cpu[0] = time.process_time()
        wide_assessments = indicator_recompute(indicator=wide)
        phase(f"recompute {len(wide_assessments) // 1000}k series", t)
        wide_statuses: dict[str, int] = {}
        for a in wide_assessments:
            wide_statuses[a.status] = wide_statuses.get(a.status, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(wide_statuses.items()))
        print(f"second indicator: {summary}")

    print(
        f"observations: {Observation.objects.filter(indicator=indicator).count():,}; "
        f"assessments: {Assessment.objects.filter(indicator=indicator).count():,} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}); "
        f"revisions: {ObservationRevision.objects.filter(import_run=run).count():,} "
        f"(changed {run.updated:,})"
    )
    if not args.keep and not args.var_dir:
        import shutil

        shutil.rmtree(var_dir, ignore_errors=True)
    else:
        print(f"kept {var_dir}")


if __name__ == "__main__":
    main()
