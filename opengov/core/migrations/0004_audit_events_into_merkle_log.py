"""Move the hash-chained audit events into the "audit" Merkle log, without personal data.

Each existing event, in sequence order, is first stripped of what a permanent log must not
hold (titles and other text in `target_repr` and `changes`, the actor's name in
`actor_label`; accounts become pseudonyms, and closed accounts are left unlinked), then
appended as a leaf. Sequence numbers are renumbered gap-free (leaf index + 1).
"""

import secrets

from django.conf import settings
from django.db import migrations
from django.db.models import F
from django.utils import timezone, translation

LOG = "audit"


def _role(user):
    if user is None:
        return "system"
    for flag, role in (
        ("is_superuser", "administrator"),
        ("is_staff", "staff"),
        ("is_moderator", "moderator"),
        ("is_reviewer", "reviewer"),
    ):
        if getattr(user, flag, False):
            return role
    return "user"


def forwards(apps, schema_editor):
    from opengov.core.audit import canonical, scrub_changes
    from opengov.core.tlog import leaf_hash, node_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditActor = apps.get_model("core", "AuditActor")
    LogHead = apps.get_model("core", "LogHead")
    LogLeaf = apps.get_model("core", "LogLeaf")
    LogNode = apps.get_model("core", "LogNode")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    user_label = settings.AUTH_USER_MODEL.lower()

    if LogHead.objects.filter(log=LOG).exists():
        raise RuntimeError("the audit Merkle log already exists")
    users = {u.pk: u for u in User.objects.filter(pk__in=AuditEvent.objects.values("actor_id"))}
    refs = {}
    now = timezone.now()

    def ref_for(user):
        if user is None:
            return ""
        if getattr(user, "closed_at", None):
            return "p-" + secrets.token_hex(10)  # linked to nothing
        if user.pk not in refs:
            existing = AuditActor.objects.filter(user=user).first()
            if existing is None:
                existing = AuditActor.objects.create(
                    user=user, ref="p-" + secrets.token_hex(10), created_at=now
                )
            refs[user.pk] = existing.ref
        return refs[user.pk]

    def user_by_public_id(value):
        try:
            return User.objects.filter(public_id=value).first()
        except Exception:  # not a UUID
            return None

    def label_for(target_type):
        if not target_type:
            return ""
        try:
            with translation.override("en"):
                return str(apps.get_model(target_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return target_type.rsplit(".", 1)[-1]

    frontier, batch = [], []
    leaves, nodes = [], []

    def flush():
        AuditEvent.objects.bulk_update(
            batch,
            [
                "seq",
                "leaf_index",
                "actor",
                "actor_ref",
                "actor_label",
                "target_id",
                "target_repr",
                "changes",
            ],
        )
        LogLeaf.objects.bulk_create(leaves)
        LogNode.objects.bulk_create(nodes)
        batch.clear()
        leaves.clear()
        nodes.clear()

    state = {"size": 0}

    def convert(event):
        size = state["size"]
        user = users.get(event.actor_id)
        event.actor_label = _role(user)
        event.actor_ref = ref_for(user)
        if user is not None and getattr(user, "closed_at", None):
            event.actor_id = None
        changes = event.changes if isinstance(event.changes, dict) else {}
        if event.target_type == user_label:
            event.target_id = ref_for(user_by_public_id(event.target_id)) if event.target_id else ""
        if isinstance(changes.get("user"), str):
            target_user = user_by_public_id(changes["user"])
            if target_user is not None:
                changes = {**changes, "user": ref_for(target_user)}
        event.changes = scrub_changes(changes)
        event.target_repr = label_for(event.target_type)
        event.leaf_index, event.seq = size, size + 1
        h = leaf_hash(canonical(event))
        leaves.append(LogLeaf(log=LOG, index=size, leaf_hash=h))
        acc, level, idx = h, 0, size
        while idx & 1:
            acc = node_hash(frontier.pop(), acc)
            level, idx = level + 1, idx >> 1
            nodes.append(LogNode(log=LOG, level=level, index=idx, hash=acc))
        frontier.append(acc)
        state["size"] = size + 1
        batch.append(event)

    # renumbered gap-free below: first move every number out of the way
    AuditEvent.objects.update(seq=-F("seq"))
    order = list(AuditEvent.objects.order_by("-seq").values_list("pk", flat=True))
    for start in range(0, len(order), 2000):
        chunk = order[start : start + 2000]
        found = AuditEvent.objects.in_bulk(chunk)
        for pk in chunk:
            convert(found[pk])
        flush()
    LogHead.objects.create(log=LOG, size=state["size"], frontier=b"".join(frontier))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_log_pseudonyms_and_leaves"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
