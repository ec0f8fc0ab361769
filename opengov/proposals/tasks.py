"""Jobs of proposals: e-mail notices to followers and the periodic sweep. Only notices:
states that follow from time are derived when read, whether or not these jobs run."""

from __future__ import annotations

from celery import shared_task
from django.db.models import F

from opengov.core import clock

from .models import Proposal, Status
from .notices import EVENTS, notify_followers  # the worker registers them through this module
from .selectors import with_counts

__all__ = ["EVENTS", "notify_followers", "send_due_notices"]


@shared_task
def send_due_notices() -> dict[str, int]:
    """Periodic: record missed threshold crossings and send the one failure notice each."""
    from . import services

    now = clock.now()
    passed = 0
    open_at_threshold = with_counts(
        Proposal.objects.filter(
            status=Status.PUBLISHED, passed_at__isnull=True, cosign_deadline__gte=now
        )
    ).filter(signature_count__gte=F("threshold"))
    for pk in open_at_threshold.values_list("pk", flat=True):
        passed += int(services.record_passing(pk))
    failed = 0
    for pk in Proposal.objects.filter(
        status=Status.PUBLISHED,
        passed_at__isnull=True,
        cosign_deadline__lt=now,
        failure_notified_at__isnull=True,
    ).values_list("pk", flat=True):
        failed += int(services.proposal_mark_failure_notified(proposal_id=pk))
    return {"passed": passed, "failed": failed}
