"""Background work for indicators: recomputing assessments and refreshing StatBank data."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def recompute_indicator(indicator_id: int) -> int:
    """Recompute every stored assessment of one indicator; returns how many series.

    Enqueued whenever its observations or targets change. Idempotent: it always computes from
    the current data, so a duplicate or late run does no harm.
    """
    from faelles.indicators.models import Indicator
    from faelles.indicators.services import indicator_recompute

    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:  # deleted after the task was enqueued
        return 0
    return len(indicator_recompute(indicator=indicator))


@task()
def refresh_statbank(mapping_id: int) -> str:
    """Fetch one mapped StatBank table and import it; failures are kept on the mapping."""
    from faelles.indicators.models import StatBankMapping
    from faelles.indicators.services import ObservationImportError, statbank_refresh

    mapping = StatBankMapping.objects.select_related("indicator").filter(pk=mapping_id).first()
    if mapping is None:
        return "missing"
    try:
        statbank_refresh(mapping=mapping)
    except ObservationImportError:
        logger.warning("StatBank refresh failed for %s: %s", mapping, mapping.last_error)
        return "failed"
    return "ok"


@task()
def refresh_all_statbank() -> int:
    """The daily job: one refresh task per active mapping, so one slow table blocks no other."""
    from faelles.indicators.models import StatBankMapping

    ids = list(StatBankMapping.objects.filter(is_active=True).values_list("pk", flat=True))
    for mapping_id in ids:
        refresh_statbank.enqueue(mapping_id)
    return len(ids)
