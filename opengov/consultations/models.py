"""Models of consultations (眾開講): policy consultations and draft-regulation pre-announcements.

State that follows from time (open, closed) is derived when read from `published_at`,
`closes_on` and the clock (see `Consultation.state_at` and `rules.py`); only the acts of
people are stored (publication, handling of comments, publication of the report).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opengov.accounts.models import Agency
from opengov.core import clock
from opengov.core.files import RandomName


class Kind(models.TextChoices):
    """What is put out for comment."""

    POLICY = "policy", _("Policy consultation")
    DRAFT_REGULATION = "draft_regulation", _("Draft regulation pre-announcement")


class Topic(models.TextChoices):
    """Subject area; trade, investment and IP drafts may be opened to foreign residents."""

    GENERAL = "general", _("General")
    TRADE = "trade", _("Trade")
    INVESTMENT = "investment", _("Investment")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Intellectual property")


class State(models.TextChoices):
    """The derived state of a consultation."""

    DRAFT = "draft", _("Not yet published")
    OPEN = "open", _("Open for comment")
    CLOSED = "closed", _("Closed, being handled")
    REPORTED = "reported", _("Report published")


class Stance(models.TextChoices):
    """A comment's position."""

    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    SUGGESTION = "suggestion", _("Suggestion")


class Decision(models.TextChoices):
    """How the agency handled a comment (or a group of similar comments)."""

    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    NOTED = "noted", _("Noted")


class FinalStatus(models.TextChoices):
    """What became of an article in the final text."""

    AS_PROPOSED = "as_proposed", _("As proposed")
    AMENDED = "amended", _("Amended after comments")
    REMOVED = "removed", _("Removed")


class Consultation(models.Model):
    """A policy or a draft regulation put out for public comment by one agency.

    Administrative Procedure Act Art. 154: the notice names the agency, the legal basis, the
    full draft (its articles), where to send comments and until when. `closes_on` is the last
    day (comments close at the end of it, local time). Draft regulations must stay open at
    least the profile's minimum (60 days in Taiwan), checked when published.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, default="general")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("Markdown is allowed."))
    easy_read_summary = models.TextField(
        _("easy-read summary"),
        blank=True,
        db_default="",
        help_text=_(
            "The same in short sentences and everyday words (易讀版), for people with "
            "intellectual disabilities, new readers of the language, anyone in a hurry."
        ),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=500,
        blank=True,
        help_text=_("The office that takes comments: unit, telephone, e-mail (published)."),
    )
    is_amendment = models.BooleanField(
        _("amendment draft"),
        default=False,
        help_text=_("Articles carry the current text beside the proposed text."),
    )
    foreign_residents_may_comment = models.BooleanField(
        _("foreign residents may also comment"), default=False
    )
    closes_on = models.DateField(_("last day for comments"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    report_summary = models.TextField(_("report summary"), blank=True)
    report_published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    report_notified_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    whole_text_comment_count = models.PositiveIntegerField(default=0)
    counts_version = models.PositiveIntegerField(
        default=0, help_text="Bumped whenever a stored count changes (keys cached fragments)."
    )
    #: the key of the participation space the consultation is held in (blank: national)
    space = models.CharField(max_length=50, blank=True, default="", db_default="", db_index=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["agency", "kind", "closes_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_published_at__isnull=True) | Q(published_at__isnull=False),
                name="consultation_report_after_publication",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self) -> dt.datetime:
        """The last instant for comments: the end of `closes_on`, local time."""
        return clock.end_of_local_day(self.closes_on)

    def state_at(self, moment: dt.datetime) -> str:
        """Derived state at `moment`."""
        if self.report_published_at:
            return State.REPORTED
        if not self.published_at or self.published_at > moment:
            return State.DRAFT
        if moment > self.closes_at:
            return State.CLOSED
        return State.OPEN

    @property
    def state(self) -> str:
        """Derived state now."""
        return self.state_at(clock.now())

    def get_state_display(self) -> str:
        """Label of the derived state."""
        return State(self.state).label


class Article(models.Model):
    """One article of the draft: its number, the proposed text and its explanation (說明).

    In an amendment draft `current_text` holds the article as in force (現行條文); empty for a
    new article. A proposed text of 「（刪除）」 or empty with a current text is a deletion.
    After the period the agency records the final text (`final_status`, `final_text`).
    Comment counts are kept here by the comment services, so the consultation page is one
    query for all articles.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="articles"
    )
    position = models.PositiveIntegerField(help_text="1-based order within the consultation")
    label = models.CharField(_("article number"), max_length=50)
    chapter = models.CharField(_("chapter"), max_length=200, blank=True)
    text = models.TextField(_("proposed text"), blank=True)
    current_text = models.TextField(_("current text"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    final_status = models.CharField(
        max_length=20, choices=FinalStatus.choices, default=FinalStatus.AS_PROPOSED
    )
    final_text = models.TextField(_("final text"), blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    support_count = models.PositiveIntegerField(default=0)
    oppose_count = models.PositiveIntegerField(default=0)
    suggestion_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="article_unique_position"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="article_position_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_new(self) -> bool:
        """In an amendment: an article with no current text."""
        return self.consultation.is_amendment and not self.current_text.strip()

    @property
    def is_deletion(self) -> bool:
        """In an amendment: the article is proposed for deletion."""
        proposed = self.text.strip().strip("（）()")
        return bool(self.current_text.strip()) and proposed in ("", "刪除")

    @property
    def effective_final_text(self) -> str:
        """The text in force after the consultation."""
        if self.final_status == FinalStatus.AS_PROPOSED:
            return self.text
        if self.final_status == FinalStatus.REMOVED:
            return ""
        return self.final_text


class Attachment(models.Model):
    """A file published with the consultation (impact assessment, comparison table, ...).

    Stored under a random name; served only by the attachment view, to those who may see the
    consultation (a draft's only to its agency's officials), named `original_name`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=RandomName("consultations"))
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class CommentResponse(models.Model):
    """The agency's handling of one comment, or of a group of similar comments together.

    Every comment of the group points here; `decision` and `reason` are published in the
    report. A response with no comments left is deleted by the services.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
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


class Comment(models.Model):
    """A comment on the whole text (`article` empty) or on one article.

    The author may edit it for the profile's minutes after posting. Moderators hide a comment
    with one of the published grounds, which is shown in its place. `response` is set when
    the agency has handled it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_comments"
    )
    stance = models.CharField(_("position"), max_length=20, choices=Stance.choices)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_ground = models.CharField(max_length=40, blank=True)
    hidden_note = models.CharField(max_length=500, blank=True)
    response = models.ForeignKey(
        CommentResponse,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "article", "created_at"]),
            models.Index(fields=["consultation", "created_at"]),
            models.Index(fields=["consultation", "response"]),
            models.Index(fields=["author", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_ground=""),
                name="comment_hidden_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        """Hidden by a moderator."""
        return self.hidden_at is not None


class CommentReport(models.Model):
    """A person's report that a comment breaks the published rules (one per person)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"report on {self.comment_id}"
