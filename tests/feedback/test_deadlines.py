"""The answer deadline: calendar days in Europe/Copenhagen, due at the end of that day."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from faelles.feedback.models import deadline_for

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


def test_due_at_the_end_of_the_local_day() -> None:
    # Received 10 June 2026 at 15:00: 30 days later is 10 July, due until 24:00 that day
    # (22:00 UTC in summer time).
    assert deadline_for(local(2026, 6, 10, 15), 30) == dt.datetime(2026, 7, 10, 22, 0, tzinfo=UTC)


def test_one_minute_either_side_of_midnight_gives_different_days() -> None:
    before = deadline_for(local(2026, 6, 10, 23, 59), 30)
    after = deadline_for(local(2026, 6, 11, 0, 1), 30)
    assert after - before == dt.timedelta(days=1)
    # 23:59 local is already the next day in UTC minus two hours, but the local day counts.
    utc_late = dt.datetime(2026, 6, 10, 22, 30, tzinfo=UTC)  # 00:30 on 11 June in Copenhagen
    assert deadline_for(utc_late, 30) == after


def test_across_the_spring_change_to_summer_time() -> None:
    # 1 March (winter time) + 30 days = 31 March (summer time since 29 March 2026).
    assert deadline_for(local(2026, 3, 1, 9), 30) == dt.datetime(2026, 3, 31, 22, 0, tzinfo=UTC)


def test_across_the_autumn_change_to_winter_time() -> None:
    # 1 October (summer time) + 30 days = 31 October (winter time since 25 October 2026).
    assert deadline_for(local(2026, 10, 1, 9), 30) == dt.datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def test_due_day_on_the_night_of_the_change() -> None:
    # Due on 24 October 2026: the deadline is local midnight before the clocks go back.
    assert deadline_for(local(2026, 10, 23, 12), 1) == dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    # Due on 28 March 2026: midnight before the clocks go forward (still winter time).
    assert deadline_for(local(2026, 3, 27, 12), 1) == dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


def test_override_sets_the_due_day() -> None:
    assert deadline_for(local(2026, 6, 10, 15), 30, dt.date(2026, 6, 20)) == dt.datetime(
        2026, 6, 20, 22, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_overdue_flips_exactly_at_local_midnight_across_dst(
    municipality: Any, make_process: Any, citizen: Any,
) -> None:
    from faelles.feedback.selectors import figures, traces_for
    from faelles.feedback.services import statuses_ensure
    from faelles.participation.models import Contribution

    statuses_ensure(municipality=municipality)
    process = make_process(days=30)
    c = Contribution.objects.create(municipality=municipality, process=process, author=citizen,
                                    title="Idé", text="Tekst", created_at=local(2026, 3, 1, 9))
    c = Contribution.objects.select_related("process", "municipality").get(pk=c.pk)
    with time_machine.travel(dt.datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC), tick=False):
        assert not traces_for([c])[c.pk].is_overdue
        assert figures(municipality=municipality)[None].overdue == []
    with time_machine.travel(dt.datetime(2026, 3, 31, 22, 0, 0, tzinfo=UTC), tick=False):
        trace = traces_for([c])[c.pk]
        assert trace.is_overdue
        assert trace.due_date == dt.date(2026, 3, 31)
        [item] = figures(municipality=municipality)[None].overdue
        assert item["pk"] == c.pk and item["days_overdue"] == 1


@pytest.mark.django_db
def test_an_answered_contribution_is_never_overdue(
    municipality: Any, make_process: Any, citizen: Any, pm: Any,
) -> None:
    from faelles.feedback import services
    from faelles.feedback.selectors import figures
    from faelles.participation.models import Contribution

    process = make_process(days=1)
    c = Contribution.objects.create(municipality=municipality, process=process, author=citizen,
                                    title="Idé", text="Tekst", created_at=local(2026, 1, 5, 9))
    services.answer_publish(contributions=[c], text="Tak.", actor=pm,
                            at=local(2026, 1, 9, 9), silent=True)
    f = figures(municipality=municipality)[None]
    assert f.overdue == [] and f.answered == 1 and f.median_days == 4.0
    assert f.share_answered == 100
