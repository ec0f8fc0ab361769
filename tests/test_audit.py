"""The audit log as a Merkle log: appends in order, signed checkpoints published, and an
altered, removed or inserted event, a truncated tail, a wipe or a rewrite detected against a
checkpoint someone saved. It holds no user-written text and no personal data."""

import base64
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from opengov.core import audit, tlog
from opengov.core.models import (
    AuditActor,
    AuditEvent,
    LogCheckpoint,
    LogHead,
    LogLeaf,
    LogNode,
)

# verbs these tests record (services register theirs in their app's audit_events.py)
audit.register_verbs(
    "tests", "test.happened", "test.undone", "test.user_touched", "test.user_viewed"
)

pytestmark = pytest.mark.django_db


def _append(n, actor=None, public=False):
    with transaction.atomic():
        for i in range(n):
            audit.record(actor=actor, verb="test.happened", changes={"i": i}, public=public)


def _save_checkpoint(tmp_path, name="checkpoint.txt"):
    path = tmp_path / name
    path.write_text(audit.checkpoint().note, encoding="utf-8")
    return path


def _verify(path=None):
    args = ["--checkpoint", str(path)] if path else []
    call_command("verify_audit_log", *args)


def _rewrite_history(events):
    """What someone with full database access (and the signing key) can do: drop the audit
    tables and rebuild the log from the events they choose, re-signed and consistent."""
    for model in (LogLeaf, LogNode, LogCheckpoint, LogHead):
        model.objects.filter(log=audit.AUDIT_LOG).delete()
    AuditEvent.objects.all().delete()
    with transaction.atomic():
        for verb, changes in events:
            audit.record(actor=None, verb=verb, changes=changes)
    audit.checkpoint()


def test_each_event_is_a_leaf_of_the_audit_log(citizen):
    _append(3, actor=citizen)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.leaf_index for r in rows] == [r.seq - 1 for r in rows] == list(range(len(rows)))
    assert tlog.tree_size(audit.AUDIT_LOG) == len(rows)
    for row in rows:
        leaf = tlog.leaf_hash(audit.canonical(row))
        assert tlog.leaf_hash_at(audit.AUDIT_LOG, row.leaf_index) == leaf
        proof = tlog.inclusion_proof(audit.AUDIT_LOG, row.leaf_index)
        assert tlog.verify_inclusion(
            leaf, row.leaf_index, len(rows), proof, tlog.root(audit.AUDIT_LOG)
        )
    assert audit.verify().ok
    _verify()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(actor=None, verb="x")
    assert not AuditEvent.objects.exists()


def test_a_rolled_back_action_leaves_no_leaf():
    _append(2)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(actor=None, verb="test.undone")
        1 / 0
    assert tlog.tree_size(audit.AUDIT_LOG) == 2 == AuditEvent.objects.count()
    assert audit.verify().ok


def test_altered_event_is_named(tmp_path):
    _append(5)
    victim = AuditEvent.objects.order_by("seq")[2]
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"i": 999})
    report = audit.verify()
    assert report.problem.kind == "leaf" and report.problem.index == victim.leaf_index
    with pytest.raises(CommandError, match=f"event #{victim.seq}"):
        _verify()


def test_removed_event_is_named():
    _append(5)
    victim = AuditEvent.objects.order_by("seq")[2]
    victim.delete()
    report = audit.verify()
    assert report.problem.kind == "missing" and report.problem.index == victim.leaf_index


def test_inserted_event_is_detected():
    _append(3)
    rows = list(AuditEvent.objects.order_by("seq"))
    # make room and slip a forged event in the middle, renumbering what follows
    for row in reversed(rows[1:]):
        AuditEvent.objects.filter(pk=row.pk).update(seq=row.seq + 1, leaf_index=row.leaf_index + 1)
    AuditEvent.objects.create(
        seq=rows[1].seq, leaf_index=rows[1].leaf_index, created_at=rows[1].created_at, verb="forged"
    )
    report = audit.verify()
    assert report.problem.kind in {"leaf", "inserted"}
    assert report.problem.index == rows[1].leaf_index


def test_event_added_after_the_log_is_detected():
    _append(2)
    AuditEvent.objects.create(seq=3, leaf_index=2, created_at=AuditEvent.objects.first().created_at)
    assert audit.verify().problem.kind == "inserted"


def test_deleting_the_last_events_and_rolling_back_is_detected(tmp_path):
    """The old hash chain passed this: delete the tail and roll the head back."""
    _append(6)
    saved = _save_checkpoint(tmp_path)
    _verify(saved)
    cut = 4
    AuditEvent.objects.filter(leaf_index__gte=cut).delete()
    LogLeaf.objects.filter(log=audit.AUDIT_LOG, index__gte=cut).delete()
    LogNode.objects.filter(log=audit.AUDIT_LOG).delete()
    LogCheckpoint.objects.filter(log=audit.AUDIT_LOG).delete()
    LogHead.objects.filter(log=audit.AUDIT_LOG).delete()
    # rebuild the stored tree over the remaining leaves so that it looks whole
    hashes = list(
        LogLeaf.objects.filter(log=audit.AUDIT_LOG).order_by("index").values_list("leaf_hash")
    )
    LogLeaf.objects.filter(log=audit.AUDIT_LOG).delete()
    with transaction.atomic():
        head = tlog._locked_head(audit.AUDIT_LOG)
        tlog._append_hashes(head, [bytes(h) for (h,) in hashes])
    assert audit.verify().ok  # on its own, the shortened log is consistent
    with pytest.raises(CommandError, match="truncated"):
        _verify(saved)


def test_wiping_the_log_is_detected(tmp_path):
    _append(4)
    saved = _save_checkpoint(tmp_path)
    for model in (LogLeaf, LogNode, LogCheckpoint, LogHead):
        model.objects.all().delete()
    AuditEvent.objects.all().delete()
    assert audit.verify().ok
    with pytest.raises(CommandError, match="wiped"):
        _verify(saved)


def test_rewriting_the_whole_log_with_the_key_is_detected(tmp_path):
    """The old hash chain passed this: recompute every hash with the key."""
    _append(4)
    saved = _save_checkpoint(tmp_path)
    _rewrite_history([("test.happened", {"i": i * 10}) for i in range(6)])
    assert audit.verify().ok  # a perfect forgery on its own
    with pytest.raises(CommandError, match="rewritten"):
        _verify(saved)


def test_a_checkpoint_from_another_key_is_refused(tmp_path, settings):
    _append(2)
    saved = _save_checkpoint(tmp_path)
    settings.TLOG_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    with pytest.raises(CommandError, match="signature"):
        _verify(saved)


def test_stored_checkpoints_are_checked(tmp_path):
    _append(3)
    audit.checkpoint()
    _append(2)
    audit.checkpoint()
    cp = LogCheckpoint.objects.filter(log=audit.AUDIT_LOG).order_by("size").first()
    LogCheckpoint.objects.filter(pk=cp.pk).update(size=cp.size + 1)
    with pytest.raises(CommandError, match="checkpoint"):
        _verify()


def test_verify_reads_a_missing_checkpoint_file_as_an_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _verify(tmp_path / "nope.txt")


def test_rows_written_at_a_local_time_verify(clock):
    clock.set(2026, 3, 2, 9, 30)  # Asia/Taipei, not UTC
    _append(2)
    assert audit.verify().ok


def test_periodic_task_issues_a_checkpoint_only_when_the_log_grew():
    from opengov.core.tasks import audit_checkpoint

    _append(2)
    assert audit_checkpoint() == 2
    assert audit_checkpoint() == 2
    assert LogCheckpoint.objects.filter(log=audit.AUDIT_LOG).count() == 1


# ------------------------------------------------------------------ no personal data


def test_changes_keep_codes_and_withhold_text():
    scrubbed = audit.scrub_changes(
        {
            "status": ["draft", "published"],
            "count": 3,
            "ok": True,
            "closes_on": __import__("datetime").date(2026, 3, 2),
            "title": ["Old <script>", "新標題"],
            "note": "王小明 called 0912345678",
            "phone": "0912345678",
            "free": "some words here",
            "email": "a@b.tw",
            "nested": {"reason": "x", "level": "mobile"},
            "fields": ["title", "body"],
        }
    )
    assert scrubbed == {
        "status": ["draft", "published"],
        "count": 3,
        "ok": True,
        "closes_on": "2026-03-02",
        "title": audit.WITHHELD,
        "note": audit.WITHHELD,
        "phone": audit.WITHHELD,
        "free": audit.WITHHELD,
        "email": audit.WITHHELD,
        "nested": {"reason": audit.WITHHELD, "level": "mobile"},
        "fields": ["title", "body"],
    }


def test_events_name_roles_and_pseudonyms_not_people(citizen, moderator):
    with transaction.atomic():
        event = audit.record(actor=moderator, verb="test.user_touched", target=citizen)
    text = audit.canonical(event).decode()
    for personal in (citizen.email, citizen.display_name, moderator.email, moderator.display_name):
        assert personal not in text
    assert str(citizen.public_id) not in text
    assert event.actor_label == "moderator"
    assert event.actor_ref == AuditActor.objects.get(user=moderator).ref
    assert event.target_id == AuditActor.objects.get(user=citizen).ref
    assert event.target_repr == "user"


def _everything_in_the_log() -> str:
    rows = AuditEvent.objects.order_by("seq")
    stored = json.dumps(
        list(rows.values("actor_ref", "actor_label", "target_id", "target_repr", "changes")),
        ensure_ascii=False,
    )
    return stored + "".join(audit.canonical(e).decode() for e in rows)


def test_a_closed_account_leaves_no_personal_data_in_the_log(citizen, moderator):
    from opengov.accounts import services as accounts
    from opengov.accounts.tests.factories import DEMO_PASSWORD

    name, email = citizen.display_name, citizen.email
    accounts.user_update(actor=citizen, user=citizen, real_name="王小明")
    with transaction.atomic():
        audit.record(actor=moderator, verb="test.user_viewed", target=citizen)
    ref = AuditActor.objects.get(user=citizen).ref
    accounts.user_close(actor=citizen, user=citizen, password=DEMO_PASSWORD)
    log = _everything_in_the_log()
    for personal in (name, email, "王小明", str(citizen.public_id)):
        assert personal not in log
    assert ref in log  # the events are still there, under the pseudonym ...
    assert not AuditActor.objects.filter(ref=ref).exists()  # ... which leads to no one
    assert not AuditEvent.objects.filter(actor=citizen).exists()
    assert AuditEvent.objects.filter(verb="user.closed").exists()
    assert audit.verify().ok


# ------------------------------------------------------------------ public pages


def test_checkpoint_is_published_as_a_signed_note(client):
    _append(3)
    response = client.get("/audit/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = tlog.open_checkpoint(response.content.decode(), [tlog.log_verifier("audit")])
    assert body.size == 3 and body.root == tlog.root(audit.AUDIT_LOG)
    assert body.origin == tlog.origin("audit")
    vkey = client.get("/audit/key").content.decode().strip()
    assert tlog.NoteVerifier.from_vkey(vkey) == tlog.log_verifier("audit")
    # the same checkpoint until the log grows
    assert client.get("/audit/checkpoint").content == response.content
    _append(1)
    newer = client.get("/audit/checkpoint").content.decode()
    assert tlog.parse_checkpoint(newer).size == 4
    old = client.get("/audit/checkpoint?size=3")
    assert old.content == response.content
    assert client.get("/audit/checkpoint?size=2").status_code == 404
    assert client.get("/audit/checkpoint?size=x").status_code == 400


def test_consistency_proof_between_published_checkpoints(client):
    _append(5)
    first = tlog.parse_checkpoint(client.get("/audit/checkpoint").content.decode())
    _append(6)
    second = tlog.parse_checkpoint(client.get("/audit/checkpoint").content.decode())
    data = client.get(f"/audit/proof/consistency?from={first.size}").json()
    assert data["to"] == second.size
    proof = [base64.b64decode(p) for p in data["proof"]]
    assert tlog.verify_consistency(first.size, second.size, first.root, second.root, proof)


def test_inclusion_proof_of_a_public_event(client):
    _append(3)
    _append(1, public=True)
    event = AuditEvent.objects.get(public=True)
    data = client.get(f"/audit/proof/inclusion?index={event.leaf_index}").json()
    cp = tlog.parse_checkpoint(client.get("/audit/checkpoint").content.decode())
    assert data["size"] == cp.size and base64.b64decode(data["root"]) == cp.root
    leaf = tlog.leaf_hash(data["event"].encode())
    proof = [base64.b64decode(p) for p in data["proof"]]
    assert tlog.verify_inclusion(leaf, event.leaf_index, cp.size, proof, cp.root)
    private = client.get("/audit/proof/inclusion?index=0").json()
    assert "event" not in private


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/audit/proof/inclusion", "index"),
        ("/audit/proof/inclusion?index=10^20", "index"),
        ("/audit/proof/inclusion?index=99999999999999999999999", "index"),
        ("/audit/proof/inclusion?index=-1", "index"),
        ("/audit/proof/inclusion?index=%00", "index"),
        ("/audit/proof/inclusion?index=2", "index"),
        ("/audit/proof/inclusion?index=0&size=9", "size"),
        ("/audit/proof/consistency", "from"),
        ("/audit/proof/consistency?from=3&to=1", "from"),
        ("/audit/proof/consistency?from=1&to=9", "to"),
        ("/audit/proof/consistency?from=%00", "from"),
    ],
)
def test_bad_proof_requests_get_a_json_error(client, url, field):
    _append(2)
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_checkpoints_page_lists_them_with_the_key(client):
    _append(2)
    audit.checkpoint()
    _append(1)
    response = client.get("/audit/checkpoints/")
    assert response.status_code == 200
    text = response.content.decode()
    assert tlog.log_verifier("audit").vkey in text
    assert LogCheckpoint.objects.filter(log="audit").count() == 2
    for cp in LogCheckpoint.objects.filter(log="audit"):
        assert cp.root_b64 in text


def test_checkpoints_are_open_data():
    from opengov.core.exporters import get_exporter

    _append(2)
    audit.checkpoint()
    rows = list(get_exporter("audit-log-checkpoints").public_rows())
    assert [r["size"] for r in rows] == [2]
    assert tlog.open_checkpoint(rows[0]["note"], [tlog.log_verifier("audit")]).size == 2


def test_audit_checkpoint_command_prints_a_note_that_verify_accepts(tmp_path):
    from io import StringIO

    _append(3)
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    saved = tmp_path / "cp.txt"
    saved.write_text(out.getvalue(), encoding="utf-8")
    assert tlog.parse_checkpoint(out.getvalue()).size == 3
    _append(2)
    out = StringIO()
    call_command("verify_audit_log", "--checkpoint", str(saved), stdout=out)
    assert "contains the saved checkpoint at 3 events" in out.getvalue()
