"""Core tables: the audit log and its chain head, the message outbox, the holiday calendar."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One significant action, appended in the same transaction as the action itself.

    Rows are never updated or deleted. Each carries `hash` = HMAC(AUDIT_CHAIN_KEY, previous
    row's hash + this row's content), so `opengov verify_audit_log` finds the first row that
    was altered, removed or inserted. `seq` is gap-free: a missing number is a deleted row.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    agency_code = models.CharField(max_length=64, blank=True, db_index=True)
    verb = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True, db_index=True)
    target_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_repr}"


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence number and hash.

    Appending locks this row (SELECT … FOR UPDATE), which orders concurrent writers; the
    verifier compares the last row of the log against it, so truncating the tail is detected.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_seq}"


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
