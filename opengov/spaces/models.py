"""Participation spaces, places, the regional revitalisation board, offline input and the
optional statements of who took part."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PlaceLevel(models.TextChoices):
    COUNTY = "county", _("County or city")
    TOWNSHIP = "township", _("Township, town, city or district")


class Place(models.Model):
    """A county or city, or one of its townships, with the Ministry of the Interior's code
    (5 digits for a county or city, 8 for a township); loaded from `data/places.csv`."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    level = models.CharField(max_length=10, choices=PlaceLevel.choices)
    name = models.CharField(_("name"), max_length=50)
    county = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="townships"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("place")

    def __str__(self) -> str:
        if self.county_id and self.county:
            return f"{self.county.name}{self.name}"
        return self.name


class SpaceKind(models.TextChoices):
    COMMITMENT = "commitment", _("Inclusion commitment")
    LOCAL = "local", _("Local government")
    REVITALISATION = "revitalisation", _("Regional revitalisation")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    YOUTH = "youth", _("Young people")
    WOMEN = "women", _("Women and gender minorities")
    NEW_IMMIGRANT = "new_immigrant", _("New immigrants")
    INDIGENOUS = "indigenous", _("Indigenous peoples")
    HAKKA = "hakka", _("Hakka people")
    RESIDENTS = "residents", _("Residents of a place")


class Space(models.Model):
    """A participation space: hosted by an agency (or a local government), with its own
    public page, staff, audience, languages and, within what the profile allows, its own
    co-signature threshold and window. Proposals and consultations held in it keep its slug.

    `audience_only`: only people who state they belong to the audience may propose in it;
    otherwise the audience is who the space is for, and participation is measured against it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SpaceKind.choices)
    host_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="spaces",
        verbose_name=_("host agency"),
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="spaces"
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    audience_place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience_only = models.BooleanField(_("only the audience may propose"), default=False)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    cosign_threshold = models.PositiveIntegerField(null=True, blank=True)
    cosign_window_days = models.PositiveIntegerField(null=True, blank=True)
    rules_source = models.CharField(_("source of the space's rules"), max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("participation space")
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="residents") | Q(audience_place__isnull=False),
                name="space_residents_audience_has_place",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpaceRole(models.Model):
    """A person's role in one space: moderator (rules, staff) or official (events, offline
    input, consultations)."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        OFFICIAL = "official", _("Official")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="one_role_per_space_and_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.space}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WORKSHOP = "workshop", _("Workshop")
    PAPER_FORM = "paper_form", _("Paper form")
    HOTLINE = "hotline", _("Hotline")
    COMMUNITY_MEETING = "community_meeting", _("Community meeting")


class Event(models.Model):
    """A meeting, workshop, hotline session or paper-form round held in a space."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    held_on = models.DateField(_("held on"))
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    description = models.TextField(_("description"), max_length=3000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class TargetKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    CONSULTATION = "consultation", _("Consultation")


class OfflineInput(models.Model):
    """Input gathered offline and entered by an official into a proposal or consultation:
    its channel, the event it came from, how many people gave it, and what they said."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="offline_inputs")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="inputs"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.UUIDField(db_index=True)
    people = models.PositiveIntegerField(_("number of people"))
    summary = models.TextField(_("what was said"), max_length=5000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(channel="online"), name="offline_input_not_online"),
            models.CheckConstraint(condition=Q(people__gte=1), name="offline_input_has_people"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.summary[:40]}"


class AgeBand(models.TextChoices):
    UNDER_15 = "under_15", _("Under 15")
    A15_19 = "15_19", _("15 to 19")
    A20_24 = "20_24", _("20 to 24")
    A25_29 = "25_29", _("25 to 29")
    A30_35 = "30_35", _("30 to 35")
    A36_49 = "36_49", _("36 to 49")
    A50_64 = "50_64", _("50 to 64")
    A65_PLUS = "65_plus", _("65 or over")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")


class ParticipantStatement(models.Model):
    """What a person chose to state about themselves, each part optional (blank or None: not
    stated); withdrawn by deleting the row (or a part), which takes it out of every
    aggregate, since aggregates are always computed from these rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant_statement"
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    new_immigrant = models.BooleanField(_("new immigrant"), null=True, blank=True)
    indigenous = models.BooleanField(_("indigenous"), null=True, blank=True)
    hakka = models.BooleanField(_("Hakka"), null=True, blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"statement of {self.user_id}"


class Need(models.TextChoices):
    FUNDING = "funding", _("Funding")
    LAND = "land", _("Land or buildings")
    REGULATION = "regulation", _("Regulation changes")
    PARTNERS = "partners", _("Partners")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")


class Project(models.Model):
    """A local team's regional revitalisation project (地方創生) on the public board: where,
    the problem, the plan and what it needs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="projects")
    team = models.CharField(_("team"), max_length=120)
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("problem"), max_length=3000)
    plan = models.TextField(_("plan"), max_length=5000)
    needs = models.JSONField(_("needs"), default=list)
    needs_detail = models.TextField(_("what exactly is needed"), max_length=3000, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Offer(models.Model):
    """What a central agency or a business offers a project, for one of its needs."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="offers")
    need = models.CharField(_("need"), max_length=20, choices=Need.choices)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    description = models.TextField(_("offer"), max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.need}"


class ProjectMilestone(models.Model):
    """A step of a project, reported like an action-plan milestone: dates, status, progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_le_100"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_milestone_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """One progress report on a milestone, kept as history."""

    milestone = models.ForeignKey(
        ProjectMilestone, on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(max_length=12, choices=MilestoneStatus.choices)
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(_("note"), max_length=3000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_report_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.progress} %"
