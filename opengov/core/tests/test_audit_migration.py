"""Migration core.0004: the old hash-chained events become leaves of the Merkle log, in
order, renumbered without gaps, and stripped of names, titles and notes."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from opengov.core import audit, tlog

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0002_transparency_log")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_legacy_events_become_leaves_without_personal_data(citizen):
    from opengov.core.models import AuditActor, AuditEvent, LogHead, LogLeaf, LogNode

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("core")
    for model in (AuditEvent, AuditActor, LogHead, LogLeaf, LogNode):
        model.objects.all().delete()  # start from a database of the old version
    old_apps = _migrate(BEFORE)
    Event = old_apps.get_model("core", "AuditEvent")
    when = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    rows = [
        # (seq, actor, verb, target_type, target_id, target_repr, changes)
        (1, None, "agency.created", "accounts.agency", "a1", "行政院", {"name": "行政院"}),
        (
            2,
            citizen.pk,
            "user.updated",
            "accounts.user",
            str(citizen.public_id),
            citizen.display_name,
            {"fields": ["real_name"]},
        ),
        # seq 3 was deleted long ago: the new log numbers without gaps
        (
            4,
            citizen.pk,
            "consultation.comment_hidden",
            "consultations.comment",
            str(uuid.uuid4()),
            "我的電話0912345678",
            {"ground": "advertising", "note": "王小明的廣告"},
        ),
    ]
    for seq, actor_id, verb, ttype, tid, trepr, changes in rows:
        Event.objects.create(
            seq=seq,
            created_at=when,
            actor_id=actor_id,
            actor_label=citizen.display_name if actor_id else "system",
            verb=verb,
            target_type=ttype,
            target_id=tid,
            target_repr=trepr,
            changes=changes,
            prev_hash="0" * 64,
            hash="f" * 64,
        )
    _migrate(latest)

    events = list(AuditEvent.objects.order_by("seq"))
    assert [(e.seq, e.leaf_index, e.verb) for e in events] == [
        (1, 0, "agency.created"),
        (2, 1, "user.updated"),
        (3, 2, "consultation.comment_hidden"),
    ]
    assert tlog.tree_size(audit.AUDIT_LOG) == 3
    assert audit.verify().ok
    ref = AuditActor.objects.get(user=citizen).ref
    assert events[1].actor_ref == ref == events[1].target_id
    assert events[2].changes == {"ground": "advertising", "note": audit.WITHHELD}
    text = "".join(audit.canonical(e).decode() for e in events) + "".join(
        f"{e.actor_label}{e.target_repr}" for e in events
    )
    for personal in (
        "行政院",
        citizen.display_name,
        str(citizen.public_id),
        "0912345678",
        "王小明",
    ):
        assert personal not in text
