"""Concurrent appends to one transparency log (PostgreSQL): every leaf gets its own index,
none is lost, and the stored tree verifies; rolled-back appends leave no gap."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections, transaction

from opengov.core import audit, tlog
from opengov.core.models import AuditEvent

# verbs these tests record (services register theirs in their app's audit_events.py)
audit.register_verbs("tests", "test.raced")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
EACH = 15


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true: the concurrency test must run on PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def test_concurrent_appends_are_ordered_and_complete(on_postgres):
    barrier = threading.Barrier(THREADS)
    got: list[tuple[int, bytes]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                data = b"thread %d item %d" % (t, i)
                try:
                    with transaction.atomic():
                        index = tlog.append("race", data)
                        audit.record(actor=None, verb="test.raced", changes={"t": t, "i": i})
                        if i % 5 == 4:
                            raise RuntimeError("roll back")
                except RuntimeError:
                    continue
                with lock:
                    got.append((index, data))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    kept = THREADS * EACH - THREADS * (EACH // 5)
    assert sorted(i for i, _ in got) == list(range(kept))
    assert tlog.tree_size("race") == kept
    leaves = [b for _, b in sorted(got)]
    assert tlog.verify_log("race", leaf_data=leaves).ok
    assert AuditEvent.objects.count() == kept == tlog.tree_size(audit.AUDIT_LOG)
    assert audit.verify().ok
