"""Models of opinion mapping (Polis, as vTaiwan uses it) in consultations.

A `Conversation` belongs to one consultation, or to one article of it, named by the
consultation's public id and the article's position (this app reaches consultations only
through their selectors and services, never by a foreign key). People vote on short
`Statement`s; every vote is a row of `Vote`, never changed: a changed vote is a new row that
supersedes the earlier one, so the vote history can be published and any published `OpinionMap`
recomputed from it. Participants appear in published data only by their per-conversation
pseudonym (`Participant.pseudonym`, a keyed hash).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """Opinion mapping turned on for a consultation (`article_position` empty) or one article.

    `seed` is the random seed of every map of the conversation and of the order in which
    statements are shown. Closed conversations take no statements or votes.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation_public_id = models.UUIDField(db_index=True)
    article_position = models.PositiveIntegerField(null=True, blank=True)
    agency_code = models.CharField(max_length=50, help_text="the consultation's agency, for audit")
    topic = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    seed = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    statement_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("opinion mapping")
        verbose_name_plural = _("opinion mappings")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation_public_id"],
                condition=Q(article_position__isnull=True),
                name="opinions_one_per_consultation",
            ),
            models.UniqueConstraint(
                fields=["consultation_public_id", "article_position"],
                condition=Q(article_position__isnull=False),
                name="opinions_one_per_article",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_closed(self) -> bool:
        """Closed by the agency."""
        return self.closed_at is not None


class StatementStatus(models.TextChoices):
    """Where a statement is in moderation."""

    PENDING = "pending", _("Awaiting moderation")
    ACCEPTED = "accepted", _("Shown")
    REJECTED = "rejected", _("Not shown")


class Statement(models.Model):
    """A short statement people vote on; seed statements come from the agency and are shown
    at once, participants' statements after moderation. `number` is its public number in the
    conversation (the column of the vote matrix). Vote counts are kept by the vote service."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField()
    text = models.CharField(_("statement"), max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opinion_statements"
    )
    is_seed = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    created_at = models.DateTimeField()
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ground = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=500, blank=True)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="opinions_statement_number"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(ground=""),
                name="opinions_rejected_has_ground",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def vote_count(self) -> int:
        """Current votes (a changed vote counts once)."""
        return self.agree_count + self.disagree_count + self.pass_count


class Participant(models.Model):
    """A person taking part in one conversation, with their pseudonym for published data.

    A moderator may ban a participant (with a published ground): a banned participant can no
    longer vote or add statements, and their votes are left out of the map and the open data.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opinion_participations"
    )
    pseudonym = models.CharField(max_length=32)
    joined_at = models.DateTimeField()
    vote_count = models.PositiveIntegerField(default=0)
    banned_at = models.DateTimeField(null=True, blank=True)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ban_ground = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="opinions_one_participation_per_person"
            ),
            models.UniqueConstraint(
                fields=["conversation", "pseudonym"], name="opinions_pseudonym"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def is_banned(self) -> bool:
        """Banned by a moderator."""
        return self.banned_at is not None


class VoteValue(models.IntegerChoices):
    """A vote on a statement."""

    AGREE = 1, _("Agree")
    PASS = 0, _("Pass / unsure")
    DISAGREE = -1, _("Disagree")


class Vote(models.Model):
    """One vote, never changed. A changed vote adds a row and marks the earlier one
    `superseded`; exactly one current row per participant and statement. The rows' order
    (`id`) is the published sequence that lets anyone rebuild the matrix of any map."""

    # No database constraint on the conversation: its check would take a share lock on the
    # one conversation row for every vote, and concurrent voters would queue on it (the vote
    # statement checks that the conversation exists and is open; deleting one deletes its
    # votes through Django's cascade). The index on (conversation, id) serves the lookups.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="votes",
        db_constraint=False,
        db_index=False,
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField()
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"],
                condition=Q(superseded=False),
                name="opinions_one_current_vote",
            ),
            models.CheckConstraint(condition=Q(value__in=(-1, 0, 1)), name="opinions_vote_value"),
        ]
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.statement_id}={self.value}"


class OpinionMap(models.Model):
    """A computed, published map: the result of `math.compute`, with what is needed to check
    it: the SHA-256 of the anonymised vote matrix, the parameters and the seed, and
    `votes_through`, the last vote (by its sequence in the published vote history) counted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="maps")
    version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    last_vote_id = models.BigIntegerField(default=0)
    votes_through = models.PositiveIntegerField(default=0)
    matrix_sha256 = models.CharField(max_length=64)
    result_sha256 = models.CharField(max_length=64)
    seed = models.PositiveIntegerField()
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    k = models.PositiveSmallIntegerField(default=0)
    n_participants = models.PositiveIntegerField(default=0)
    n_placed = models.PositiveIntegerField(default=0)
    n_votes = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["conversation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "version"], name="opinions_map_version")
        ]

    def __str__(self) -> str:
        return f"map {self.version} of {self.conversation_id}"


class ConsensusResponse(models.Model):
    """How the agency responded to one consensus statement (shown on the map and in the
    consultation's report)."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        NOTED = "noted", _("Noted")

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="response")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.reason[:40]}"
