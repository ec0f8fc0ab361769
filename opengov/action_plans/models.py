"""Models of action_plans: OGP national action plans, their commitments, milestones,
progress updates, task-force follow-up and independent (IRM) assessments.

Progress is never stored on a commitment or plan: it is rolled up from the milestones when
read (`rules.weighted_progress`). Whether a milestone is overdue follows from its dates and
the clock, also when read.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opengov.accounts.models import Agency
from opengov.core.files import RandomName


class PlanStatus(models.TextChoices):
    """Where an action plan stands in its cycle."""

    DRAFTING = "drafting", _("Drafting")
    CONSULTATION = "consultation", _("Public consultation")
    ADOPTED = "adopted", _("Adopted")
    IMPLEMENTING = "implementing", _("Implementing")
    COMPLETED = "completed", _("Completed")


class PolicyArea(models.Model):
    """An OGP policy area (the editable taxonomy the OGP Support Unit uses for analysis)."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("OGP policy area")
        verbose_name_plural = _("OGP policy areas")

    def __str__(self) -> str:
        return self.name


class ActionPlan(models.Model):
    """A numbered national action plan cycle (e.g. the first plan, 2021–2024).

    `revision` grows with every write under the plan; cached dashboards are keyed on it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=64, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFTING
    )
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="plan_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ThematicArea(models.Model):
    """One of a plan's thematic areas (e.g. open data and transparency, integrity)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    """A member of a plan's multi-stakeholder task force, from government or civil society.

    The display name is public; the account behind it is not exported.
    """

    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "civil_society", _("Civil society")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="task_force")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_force_seats"
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    is_co_convener = models.BooleanField(_("co-convener"), default=False)
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "-is_co_convener", "sector", "id"]
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_seat_per_plan"),
            models.CheckConstraint(
                condition=Q(sector__in=["government", "civil_society"]),
                name="task_force_sector_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.sector})"


class Commitment(models.Model):
    """A commitment of a plan, following the OGP commitment template (bilingual fields).

    `is_draft` marks a commitment still being co-created; `on_follow_up_list` is the task
    force's current decision (列管 / 解除列管), whose history is in FollowUpDecision.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    area = models.ForeignKey(
        ThematicArea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
        verbose_name=_("thematic area"),
    )
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="led_commitments",
        verbose_name=_("lead agency"),
    )
    actors_government = models.TextField(_("other actors: government"), blank=True)
    actors_civil_society = models.TextField(_("other actors: civil society"), blank=True)
    actors_private_sector = models.TextField(_("other actors: private sector"), blank=True)
    problem = models.TextField(_("the public problem"), blank=True)
    description = models.TextField(_("what the commitment is"), blank=True)
    how_it_helps = models.TextField(_("how it will help"), blank=True)
    budget = models.TextField(_("budget"), blank=True)
    other_plans = models.TextField(_("links to other plans"), blank=True)
    sdgs = models.CharField(
        _("Sustainable Development Goals"),
        max_length=100,
        blank=True,
        help_text=_("Goal numbers separated by commas, e.g. 5, 16."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_draft = models.BooleanField(_("draft"), default=True)
    policy_areas = models.ManyToManyField(
        PolicyArea, blank=True, related_name="commitments", verbose_name=_("OGP policy areas")
    )
    on_follow_up_list = models.BooleanField(_("on the task force follow-up list"), default=True)
    consultation_ref = models.CharField(
        max_length=64, blank=True, help_text="public id of the consultation on this draft"
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="commitment_number_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="commitment_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CommitmentValue(models.Model):
    """A value the commitment claims relevance to (transparency, civic participation, public
    accountability, inclusion — the list is `jurisdiction().action_plans.values`), with why."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=32)
    justification = models.TextField(_("justification"))

    class Meta:
        ordering = ["commitment", "id"]
        verbose_name = _("value relevance")
        verbose_name_plural = _("value relevance")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "value"], name="one_claim_per_value"),
        ]

    def __str__(self) -> str:
        return self.value


class FollowUpDecision(models.Model):
    """A task-force decision to keep a commitment on its follow-up list (列管) or take it off
    (解除列管), with the meeting and the reason. Rows are never changed: this is the history."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="follow_up_decisions"
    )
    on_list = models.BooleanField(_("kept on the follow-up list"))
    meeting = models.CharField(_("meeting"), max_length=200)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["commitment", "-decided_on", "-id"]
        verbose_name = _("follow-up decision")
        verbose_name_plural = _("follow-up decisions")

    def __str__(self) -> str:
        return f"{self.commitment_id}: {'on' if self.on_list else 'off'} ({self.decided_on})"


class MilestoneStatus(models.TextChoices):
    """The state an agency reports for a milestone."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Milestone(models.Model):
    """A dated, weighted step of a commitment. `progress` and `status` are the latest the
    lead agency reported (each report is a ProgressUpdate row, kept as history)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2, default=1)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["commitment", "order", "end_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="milestone_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="milestone_progress_0_100"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="milestone_weight_positive"),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated progress report on a milestone by an official of the lead agency: what was
    reported when. Never edited; a correction is a new update."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("date of the report"))
    status = models.CharField(_("status"), max_length=16, choices=MilestoneStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("what was done"))
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-reported_on", "-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [models.Index(fields=["milestone", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="update_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.reported_on}: {self.progress}%"


class Evidence(models.Model):
    """A link or a file backing a milestone, usually attached to a progress update.

    A file is stored under a random name and served by the evidence view, named `title` (the
    original file name).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=RandomName("action_plans/evidence"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="evidence_has_link_or_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.file.name


class UpdateComment(models.Model):
    """A civil-society task-force member's comment on a progress update."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment on an update")
        verbose_name_plural = _("comments on updates")

    def __str__(self) -> str:
        return self.body[:40]


class Potential(models.TextChoices):
    """IRM potential for results."""

    UNCLEAR = "unclear", _("Unclear")
    MODEST = "modest", _("Modest")
    SUBSTANTIAL = "substantial", _("Substantial")


class Completion(models.TextChoices):
    """IRM completion (results report, after the plan)."""

    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class OpenedGovernment(models.TextChoices):
    """IRM 'did it open government?' (results report)."""

    WORSENED = "worsened", _("Worsened")
    DID_NOT_CHANGE = "did_not_change", _("Did not change")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class Assessment(models.Model):
    """An independent reviewer's assessment of one commitment on the OGP IRM indicators.

    Each indicator given carries its justification. A commitment that is not verifiable is
    not assessed further; completion and "did it open government" belong to the results
    report and may stay empty until then. Published assessments show on the commitment page.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="assessments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verifiable = models.BooleanField(_("verifiable"))
    verifiable_justification = models.TextField(_("why (verifiable)"))
    relevance = models.JSONField(_("open-government relevance"), default=list, blank=True)
    relevance_justification = models.TextField(_("why (relevance)"), blank=True)
    potential = models.CharField(
        _("potential for results"), max_length=16, choices=Potential.choices, blank=True
    )
    potential_justification = models.TextField(_("why (potential)"), blank=True)
    completion = models.CharField(
        _("completion"), max_length=16, choices=Completion.choices, blank=True
    )
    completion_justification = models.TextField(_("why (completion)"), blank=True)
    opened_government = models.CharField(
        _("did it open government?"), max_length=16, choices=OpenedGovernment.choices, blank=True
    )
    opened_government_justification = models.TextField(_("why (open government)"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["commitment", "-updated_at", "id"]
        verbose_name = _("IRM assessment")
        verbose_name_plural = _("IRM assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "reviewer"], name="one_assessment_per_reviewer"
            ),
            models.CheckConstraint(
                condition=~Q(verifiable_justification=""), name="assessment_verifiable_justified"
            ),
            models.CheckConstraint(
                condition=Q(potential="") | ~Q(potential_justification=""),
                name="assessment_potential_justified",
            ),
            models.CheckConstraint(
                condition=Q(completion="") | ~Q(completion_justification=""),
                name="assessment_completion_justified",
            ),
            models.CheckConstraint(
                condition=Q(opened_government="") | ~Q(opened_government_justification=""),
                name="assessment_opened_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"assessment of {self.commitment_id}"
