"""Citizen proposals (join.gov.tw 提點子): proposals, co-signatures, responses, discussion.

Stored `status` records what people did (submitted, published, responded...); the state a
reader sees (open, failed, awaiting response, overdue) is derived from it and the clock by
`rules.proposal_state()`, so it is right whether or not a job has run.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opengov.core.files import RandomName

#: rows of the sharded co-signature counter per proposal (spreads the hot row)
COUNTER_SHARDS = 16


class Status(models.TextChoices):
    """What has been done to a proposal (the stored part of its state)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Published")
    RESPONDED = "responded", _("Responded")


class Tag(models.Model):
    """A topic tag (e.g. 交通, education) that proposals are filed under."""

    slug = models.SlugField(max_length=50, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic tag")

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    """A policy proposal by a resident, reviewed by an operator and co-signed by the public.

    `passed_at` is set once, by a conditional update, when the co-signature count first
    reaches the threshold. `cosign_deadline` is fixed at publication (end of the window's
    last day, local time). The count itself lives in `ProposalCounter` shards and always
    equals the number of `Signature` rows.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=80)
    content = models.TextField(_("content or suggestion"), max_length=5000)
    benefits = models.TextField(_("benefits and impact"), max_length=3000)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    agencies = models.ManyToManyField(
        "accounts.Agency", related_name="proposals", verbose_name=_("responsible agencies")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="proposals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_message = models.TextField(blank=True)
    rejection_grounds = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cosign_deadline = models.DateTimeField(null=True, blank=True)
    threshold = models.PositiveIntegerField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    passed_count = models.PositiveIntegerField(null=True, blank=True)
    response_due = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    failure_notified_at = models.DateTimeField(null=True, blank=True)
    #: the key of the participation space the proposal is held in (blank: the national
    #: platform); its rules come from `core.scopes.jurisdiction_for(space)`
    space = models.CharField(max_length=50, blank=True, default="", db_default="", db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "review_due"]),
            models.Index(fields=["cosign_deadline"]),
            models.Index(fields=["passed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(passed_at__isnull=True) | Q(published_at__isnull=False),
                name="proposal_passed_only_if_published",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "responded"])
                | Q(published_at__isnull=False, cosign_deadline__isnull=False),
                name="proposal_published_has_deadline",
            ),
        ]
        verbose_name = _("proposal")

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """Supporting evidence uploaded with a proposal (type- and size-checked by the service).

    Stored under a random name; served only by the proposal's attachment view, to those who
    may see the proposal, with `name` (the original name) in Content-Disposition.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=RandomName("proposals"))
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A person's choice about one proposal's e-mail notices: `following` True to receive
    them without having co-signed, False to stop them although they proposed or co-signed.

    Proposers and co-signers follow without a row; notices also need the person's
    `notify_by_email`.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_follows"
    )
    following = models.BooleanField(default=True)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="proposal_one_follow_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'follows' if self.following else 'muted'} {self.proposal_id}"


class Signature(models.Model):
    """One person's co-signature of one proposal: final once given, one per person.

    `network` is the signer's /24 (IPv4) or /48 (IPv6) network, never the raw address, to
    spot bursts. These rows are the count: they can be exported (without the signer).
    """

    #: no foreign-key constraint in the database: PostgreSQL checks one by locking the
    #: referenced row (FOR KEY SHARE), so every co-signature of a popular proposal would lock
    #: its row, each adding a MultiXact and rewriting the same heap page. The signing
    #: statement checks that the proposal exists (and may be co-signed) itself, and proposals
    #: are never deleted (no service does; the admin refuses). No index of its own either:
    #: the unique (proposal, signer) and (proposal, created_at) indexes serve lookups.
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="signatures",
        db_constraint=False,
        db_index=False,
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_signatures"
    )
    created_at = models.DateTimeField()
    reason = models.CharField(_("reason (public)"), max_length=200, blank=True)
    network = models.CharField(max_length=50, blank=True)
    is_proposer = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "signer"], name="proposal_one_signature_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["proposal", "created_at"]),
            models.Index(fields=["created_at", "network"]),
        ]

    def __str__(self) -> str:
        return f"{self.signer_id} → {self.proposal_id}"


class ProposalCounter(models.Model):
    """One shard of a proposal's co-signature count; the count is the sum of its shards.

    Each co-signature adds one to a random shard in the same transaction as its
    `Signature` row, so concurrent signers rarely wait on the same row.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="counters")
    shard = models.PositiveSmallIntegerField()
    signatures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "shard"], name="proposal_one_counter_per_shard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}#{self.shard}={self.signatures}"


class ProposalDayCount(models.Model):
    """One shard of a proposal's co-signatures given on one local day, for the chart.

    The signing statement adds one to the day's row of the same random shard as the
    `ProposalCounter` it bumps, so the chart reads at most (days in the window × shards) rows
    however many people co-sign, and the sum over every row is the count.
    """

    #: no foreign-key constraint, as on `Signature`: checking one would lock the proposal's
    #: row (FOR KEY SHARE) each time a day's shard is first written
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="day_counts",
        db_constraint=False,
        db_index=False,
    )
    day = models.DateField()
    shard = models.PositiveSmallIntegerField()
    signatures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "day", "shard"], name="proposal_one_day_count_per_shard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}@{self.day}#{self.shard}={self.signatures}"


class Extension(models.Model):
    """A public notice by the agency extending its response deadline, with progress so far."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="extensions")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    progress = models.TextField(_("progress so far"), max_length=3000)
    new_due = models.DateField(_("new response date"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.new_due}"


class Response(models.Model):
    """The responsible agency's published answer: a summary and points (one per proposal)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="response")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("summary"), max_length=5000)
    easy_read_summary = models.TextField(
        _("easy-read summary"),
        max_length=3000,
        blank=True,
        db_default="",
        help_text=_(
            "The answer in short sentences and everyday words (易讀版), for people with "
            "intellectual disabilities, new readers of the language, anyone in a hurry."
        ),
    )
    published_at = models.DateTimeField()
    on_time = models.BooleanField()

    def __str__(self) -> str:
        return f"response to {self.proposal_id}"


class Meeting(models.Model):
    """A collaboration meeting (協作會議) that a responsible agency calls on a passed proposal:
    the proposer takes part, and co-signers take the seats (the profile's number, fixed when
    the meeting is called) first come after the open call."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="meeting")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place or online link"), max_length=300)
    details = models.TextField(_("details"), max_length=3000, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats for co-signers"))
    called_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"meeting on {self.proposal_id}"


class MeetingSeat(models.Model):
    """A co-signer's seat at a collaboration meeting (first come, one per person)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats_taken")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="proposal_one_seat_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.meeting_id}"


class Position(models.TextChoices):
    """The agency's position on one point of a proposal."""

    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly_adopted", _("Partly adopted")
    STUDY = "under_study", _("Under study")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class ResponsePoint(models.Model):
    """One point of a response: the part of the proposal it answers, the position,
    explanation, planned actions and their date."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveSmallIntegerField()
    #: which part of the proposal the point answers: "" the whole proposal, "content:N" the
    #: N-th paragraph of its content, "benefits" its benefits and impact (`rules.proposal_parts`)
    answers = models.CharField(_("answers"), max_length=20, blank=True, default="")
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    explanation = models.TextField(_("explanation"), max_length=3000)
    planned_actions = models.TextField(_("planned actions"), max_length=2000, blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "order"], name="proposal_one_point_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id}.{self.order}"


class Feedback(models.Model):
    """A proposer's or co-signer's rating (1–5) and comment on the response, in its period."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "author"], name="proposal_one_feedback_per_person"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="proposal_feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"


class Comment(models.Model):
    """A public comment on a proposal; editable for a few minutes, hidden by moderators."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_comments"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_ground = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class CommentReport(models.Model):
    """A person's report that a comment breaks the published rules."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="proposal_one_report_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"report on {self.comment_id}"
