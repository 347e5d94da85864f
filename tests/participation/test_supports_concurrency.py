"""Exact support counting under concurrency.

Threads need a database every thread can open. With SQLite that means a file database: run
    FAELLES_TEST_SQLITE=/tmp/faelles-test.sqlite3 .venv/bin/python -m pytest tests/participation
The in-memory test database is shared between threads through SQLite's shared cache, whose
table locks fail at once instead of waiting (busy_timeout does not apply), so these tests are
skipped there. On PostgreSQL they always run.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from faelles.participation import services
from faelles.participation.models import Contribution, Process, Support

IN_MEMORY = connection.vendor == "sqlite" and (
    connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:")
)
needs_shared_db = pytest.mark.skipif(
    IN_MEMORY, reason="threads need a file database: set FAELLES_TEST_SQLITE (see docstring)"
)


def _run_parallel(jobs: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int, job: Any) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_supports_count_exactly_fifty(process, make_contribution, make_user):
    contribution = make_contribution()
    users = [make_user(confirmed=i % 5 != 0) for i in range(50)]

    def job(user: Any) -> Any:
        def run() -> bool:
            fresh = Contribution.objects.select_related("process").get(pk=contribution.pk)
            return services.support_add(contribution=fresh, user=user)
        return run

    results = _run_parallel([job(u) for u in users])
    assert results == [True] * 50, [r for r in results if r is not True][:3]
    contribution.refresh_from_db()
    assert contribution.support_count == 50
    assert Support.objects.filter(contribution=contribution).count() == 50
    # Only the 40 confirmed accounts count toward the threshold.
    assert contribution.confirmed_support_count == 40
    assert Process.objects.get(pk=process.pk).support_count == 50


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_double_click_gives_one_support(process, make_contribution, make_user):
    contribution = make_contribution()
    user = make_user()

    def run() -> bool:
        fresh = Contribution.objects.select_related("process").get(pk=contribution.pk)
        return services.support_add(contribution=fresh, user=user)

    results = _run_parallel([run, run, run])
    assert sorted(results, key=str) == [False, False, True], results
    contribution.refresh_from_db()
    assert contribution.support_count == 1


@pytest.mark.django_db
def test_support_twice_in_sequence_counts_once_and_remove_counts_down(
    process, make_contribution, make_user
):
    contribution = make_contribution()
    user = make_user(confirmed=False)
    assert services.support_add(contribution=contribution, user=user) is True
    assert services.support_add(contribution=contribution, user=user) is False
    contribution.refresh_from_db()
    assert (contribution.support_count, contribution.confirmed_support_count) == (1, 0)
    assert services.support_remove(contribution=contribution, user=user) is True
    assert services.support_remove(contribution=contribution, user=user) is False
    contribution.refresh_from_db()
    assert (contribution.support_count, contribution.confirmed_support_count) == (0, 0)


@pytest.mark.django_db
def test_support_limit_per_person(make_process, make_user):
    process = make_process(supports_per_user=2, slug="graense")
    author = make_user()
    items = [services.contribution_create(process=process, author=author,
                                          title=f"Idé nummer {i}", text="En god idé til byen.")
             for i in range(3)]
    voter = make_user()
    assert services.support_add(contribution=items[0], user=voter)
    assert services.support_add(contribution=items[1], user=voter)
    with pytest.raises(services.ParticipationError):
        services.support_add(contribution=items[2], user=voter)
