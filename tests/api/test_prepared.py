"""Prepared queries return exactly what the ORM returns, for every shape, and page 1 of each
unfiltered list (served by a prepared query) is the page the keyset walk gives."""

from __future__ import annotations

from typing import Any

import pytest

from faelles.api import selectors, v1
from faelles.api.pagination import BY_ID, BY_ORDER, NEWEST, first_page, keyset_page
from faelles.api.prepared import Prepared

pytestmark = pytest.mark.django_db


def test_prepared_rows_equal_the_orm_rows_for_each_shape(world: Any) -> None:
    from faelles.core.models import Municipality
    from faelles.indicators.models import Assessment
    from faelles.participation.models import Contribution

    ids = list(Contribution.objects.values_list("id", flat=True))
    assessments = list(Assessment.objects.values_list("indicator_id", flat=True))
    for build, values in [
        (selectors._q_states, ids), (selectors._q_outcomes, ids),
        (selectors._q_contribution_pillars, ids), (selectors._q_contribution_targets, ids),
        (selectors._q_redactions, ids),
    ]:
        query = Prepared(build)
        for part in (values, values[:1], values[::-1], values + values[:2]):
            assert query(ids=part) == list(build(part))
            assert query(ids=part) == list(build(part))  # the second call runs the plan
    # Converted columns: JSON, datetimes, booleans; a modeltranslation queryset (reordered
    # columns) and a flat list.
    query = Prepared(selectors._indicator_assessments.build)
    assert query(ids=assessments) == list(selectors._indicator_assessments.build(assessments))
    statuses = Prepared(selectors._q_statuses)
    for m in Municipality.objects.all():
        assert statuses(municipality=m.pk) == list(selectors._q_statuses(m.pk)) == \
            statuses(municipality=m.pk)
    flat = Prepared(lambda ids: Contribution.objects.filter(pk__in=ids).order_by("id")
                    .values_list("id", flat=True))
    assert flat(ids=ids) == sorted(ids)
    assert flat(ids=[]) == []


def test_first_pages_equal_the_keyset_walk(world: Any, municipality: Any) -> None:
    from tests.api.test_behaviour import make_contributions

    make_contributions(world.process, 7)
    cases = [
        (v1._FIRST_GOALS, selectors.public_goal_values, BY_ORDER),
        (v1._FIRST_INITIATIVES, selectors.public_initiative_values, BY_ID),
        (v1._FIRST_INDICATORS, selectors.public_indicator_values, BY_ORDER),
        (v1._FIRST_PROCESSES, selectors.public_process_values, NEWEST),
        (v1._FIRST_CONTRIBUTIONS,
         lambda m: selectors.contribution_values(selectors.public_contributions(m)), NEWEST),
    ]
    for query, values, ordering in cases:
        for limit in (1, 2, 5, 500):
            walked = keyset_page(values(municipality), ordering=ordering, cursor=None,
                                 limit=limit)
            first = first_page(query, ordering=ordering, limit=limit,
                               municipality=municipality.pk)
            assert first.items == walked.items
            assert first.next_cursor == walked.next_cursor


def test_unfiltered_and_filtered_first_pages_answer_the_same(world: Any,
                                                           client_for: Any) -> None:
    """`?status=` off / on: a filter that keeps every row gives the same page through the
    ORM path as the prepared page 1."""
    client = client_for(None)
    for lang in ("da", "en"):
        prepared = client.get(f"/api/v1/processes?lang={lang}").json()
        built = client.get(f"/api/v1/processes?lang={lang}&sdg=11").json()
        assert [p for p in prepared["items"] if 11 in p["sdgs"]] == built["items"]
