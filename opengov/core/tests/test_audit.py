"""The hash-chained audit log: appends in order; alteration, removal, insertion detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from opengov.core import audit
from opengov.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _append(n, actor=None):
    with transaction.atomic():
        for i in range(n):
            audit.record(
                actor=actor, verb="test.happened", changes={"i": i, "text": "測試<script>"}
            )


def test_chain_links_each_row_to_the_previous(citizen):
    start = AuditChainHead.objects.get(id=1).last_seq
    _append(3, actor=citizen)
    rows = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
    assert [r.seq for r in rows] == [start + 1, start + 2, start + 3]
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert audit.verify_chain()[1] is None
    call_command("verify_audit_log")


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(actor=None, verb="x")


def test_altered_row_is_named():
    _append(5)
    victim = AuditEvent.objects.order_by("seq")[2]
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"i": 999})
    _, problem = audit.verify_chain()
    assert problem.seq == victim.seq and problem.kind == "altered"
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_audit_log")


def test_removed_row_is_named():
    _append(5)
    victim = AuditEvent.objects.order_by("seq")[2]
    victim.delete()
    _, problem = audit.verify_chain()
    assert problem.seq == victim.seq and problem.kind == "removed"


def test_inserted_row_is_detected():
    _append(3)
    rows = list(AuditEvent.objects.order_by("seq"))
    # Make room and slip a forged row in the middle, renumbering what follows.
    for row in reversed(rows[1:]):
        AuditEvent.objects.filter(pk=row.pk).update(seq=row.seq + 1)
    forged = AuditEvent(
        seq=rows[1].seq,
        created_at=rows[1].created_at,
        verb="forged",
        prev_hash=rows[0].hash,
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    _, problem = audit.verify_chain()
    assert problem is not None and problem.seq == rows[1].seq


def test_truncated_tail_is_detected():
    _append(4)
    AuditEvent.objects.order_by("-seq").first().delete()
    _, problem = audit.verify_chain()
    assert problem.kind == "truncated"


def test_forging_needs_the_key(settings):
    _append(2)
    settings.AUDIT_CHAIN_KEY = "a different key"
    _, problem = audit.verify_chain()
    assert problem is not None and problem.kind == "altered"


def test_rows_written_at_a_local_time_verify(clock):
    clock.set(2026, 3, 2, 9, 30)  # Asia/Taipei, not UTC
    _append(2)
    assert audit.verify_chain()[1] is None
