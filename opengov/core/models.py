"""Core tables: the audit log, transparency logs, the message outbox, the holiday calendar."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One significant action, appended in the same transaction as the action itself.

    Each event is leaf `leaf_index` of the "audit" transparency log (`core.tlog`): the leaf
    is the event's canonical JSON (`core.audit.canonical`), so the signed checkpoints
    published at /audit/checkpoint commit to every event, and `opengov verify_audit_log`
    detects an altered, removed or inserted event, a truncated tail, a wipe or a rewrite.

    A leaf can never be erased, so an event holds references and field names, never
    user-written text or personal data: the actor is a pseudonym (`actor_ref`, see
    `AuditActor`) and a role, the target a type and public id, `changes` field names and
    codes (withheld text is marked). `actor` links the event to the account while it lives
    (for the person's own data export) and is cleared when the account closes; it is not
    part of the leaf.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    leaf_index = models.BigIntegerField(unique=True, editable=False)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_ref = models.CharField(max_length=40, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    agency_code = models.CharField(max_length=64, blank=True, db_index=True)
    verb = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True, db_index=True)
    target_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_type} {self.target_id}"


class AuditActor(models.Model):
    """The pseudonym under which an account appears in the audit log.

    The log names actors (and accounts as targets) only by `ref`, a random string; this
    row links it to the account. Closing the account deletes the row, after which the
    permanent log holds nothing that leads to the person.
    """

    ref = models.CharField(max_length=40, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"audit pseudonym {self.ref}"


class OutboundMessage(models.Model):
    """An e-mail or SMS message as sent by the default (outbox) senders.

    With no mail server or SMS gateway configured, messages land here, where platform
    operators (and tests) read them. Real senders may also record here for support.
    `user` is the account the message was sent for (when known) and `sensitive` marks a
    message carrying a one-time code or link: only that account sees it unredacted. The rows
    of a closed account are erased.

    The table is also the dead-letter list of real delivery: a message the mail server or
    SMS gateway kept refusing after every retry is stored with status `failed`, its tries and
    last error, until an operator sends it again (`queued`, then `sent` or `failed`).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        KEPT = "kept", _("Kept in the outbox")
        FAILED = "failed", _("Failed: not delivered")
        QUEUED = "queued", _("Queued again")
        SENT = "sent", _("Sent")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sensitive = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.KEPT, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.subject or self.body[:40]}"


class Holiday(models.Model):
    """A listed holiday, or a make-up working day (補班日), of one jurisdiction's calendar.

    Loaded each year from the published list (`opengov load_holidays FILE.csv`).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    calendar = models.CharField(max_length=16, default="tw")
    date = models.DateField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class LogHead(models.Model):
    """The head of one transparency log (`core.tlog`): its size and its right edge.

    Appending locks this row (SELECT … FOR UPDATE), which orders concurrent writers of the
    same log. `frontier` holds the hashes of the perfect subtrees that make the current tree
    (one per set bit of `size`, largest first), so the root and the next nodes need no read.
    """

    log = models.CharField(max_length=100, unique=True)
    size = models.BigIntegerField(default=0)
    frontier = models.BinaryField(default=b"")

    def __str__(self) -> str:
        return f"log {self.log} at {self.size} leaves"


class LogLeaf(models.Model):
    """One leaf of a transparency log: its index and RFC 9162 leaf hash.

    The leaf's data stays in the rows of the app that appended it (the audit event, the
    petition signature record); `tlog.verify_log` recomputes the hash from that data.
    Rows are never updated or deleted.
    """

    log = models.CharField(max_length=100)
    index = models.BigIntegerField()
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "index"], name="logleaf_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.log}[{self.index}]"


class LogNode(models.Model):
    """The hash of one complete subtree of a transparency log: 2**level leaves from
    index * 2**level. Written when the subtree fills, never changed; they make the root, an
    inclusion proof or a consistency proof at any size a read of O(log n) rows."""

    log = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "level", "index"], name="lognode_unique")
        ]

    def __str__(self) -> str:
        return f"{self.log} node {self.level}/{self.index}"


class LogCheckpoint(models.Model):
    """A signed checkpoint of a transparency log (C2SP tlog-checkpoint in a signed note).

    Every checkpoint ever issued is kept and published: anyone who saved one can ask for a
    consistency proof from it to any later one, and `verify_log` checks the database
    against all of them.
    """

    log = models.CharField(max_length=100)
    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["log", "size"]
        indexes = [models.Index(fields=["log", "size"])]

    def __str__(self) -> str:
        return f"{self.log} checkpoint at {self.size}"

    @property
    def root_b64(self) -> str:
        import base64

        return base64.b64encode(bytes(self.root)).decode()


class ContentTranslation(models.Model):
    """A translation of one field of one institutional record (a consultation's summary, a
    space's description) into a shipped language, written by someone who may edit the record.

    The record keeps its text in the language it was written in (zh-Hant by default); pages
    show the translation for the reader's language when there is one, and the original, marked
    with its own `lang`, when there is none. Which fields of which models can be translated,
    and who may translate them, is registered by the owning app (`core.translations`).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=64)
    language = models.CharField(max_length=16)
    text = models.TextField()
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="core_content_translation_unique",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}.{self.field}@{self.language}"
