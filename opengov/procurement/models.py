"""Open contracting: OCDS releases as published, the records compiled from them, the parts of
each compiled release the platform queries (parties, tender, bids, awards, contracts), the red
flags found in them, the import runs that brought them, and the integrity-platform projects
(採購廉政平臺) that agencies and civil society follow together.

Parties point at the registry by business number (統一編號) and the registry organisation's
public id; the registry never imports this app.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opengov.core.files import RandomName


class Category(models.TextChoices):
    """OCDS `mainProcurementCategory` (closed codelist), which picks the large-procurement
    threshold."""

    WORKS = "works", _("Works")
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")


class ImportRun(models.Model):
    """One upload of OCDS data (release or record package, JSON or JSON Lines) as a job.

    All or nothing unless `keep_valid`: while any release is rejected and the operator did not
    choose to keep the valid ones, nothing is stored; `rejections` lists every unreadable
    release with its position and reason. `processed` (bytes read) and `size` drive the
    progress bar.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=RandomName("procurement/imports"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    keep_valid = models.BooleanField(_("keep the valid releases"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    file_format = models.CharField(max_length=40, blank=True)
    processed = models.PositiveBigIntegerField(default=0)
    releases_read = models.PositiveIntegerField(default=0)
    releases_stored = models.PositiveIntegerField(default=0)
    records_compiled = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def finished(self) -> bool:
        """True once the run has ended, whichever way."""
        return self.state in (self.State.SUCCEEDED, self.State.REJECTED, self.State.FAILED)


class Release(models.Model):
    """One OCDS release exactly as published (`data`), kept so that records can be compiled
    again and every flag can link to what the publisher said."""

    ocid = models.CharField(max_length=200, db_index=True)
    release_id = models.CharField(max_length=200)
    date = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=list)
    data = models.JSONField()
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="releases"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["ocid", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "release_id"], name="procurement_release_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ocid} {self.release_id}"


class Record(models.Model):
    """A contracting process (one `ocid`): its compiled release, merged from its releases with
    the OCDS merge, and the few facts pages sort and search by."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ocid = models.CharField(max_length=200, unique=True)
    compiled = models.JSONField()
    title = models.CharField(max_length=1000, blank=True)
    buyer_name = models.CharField(max_length=500, blank=True)
    buyer_identifier = models.CharField(max_length=200, blank=True)
    procurement_method = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=10, choices=Category.choices, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    release_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "ocid"]

    def __str__(self) -> str:
        return self.title or self.ocid


class Party(models.Model):
    """An organisation taking part in a process (OCDS `parties[]`): buyer, tenderer, supplier…

    `business_number` is the unified business number (統一編號) when the party's identifiers
    carry one; `key` names the organisation across processes as the red-flag engine does (its
    `identifier.id`, else its party `id`); `organisation_public_id` is the registry
    organisation it resolved to.
    """

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="parties")
    party_id = models.CharField(max_length=200)
    name = models.CharField(max_length=500, blank=True)
    scheme = models.CharField(max_length=60, blank=True)
    identifier = models.CharField(max_length=200, blank=True)
    business_number = models.CharField(max_length=8, blank=True, db_index=True)
    key = models.CharField(max_length=200, db_index=True)
    roles = models.JSONField(default=list)
    address = models.CharField(max_length=500, blank=True)
    telephone = models.CharField(max_length=60, blank=True)
    organisation_public_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["record_id", "party_id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "party_id"], name="procurement_party_unique")
        ]

    def __str__(self) -> str:
        return self.name or self.party_id


class Tender(models.Model):
    """The tender stage of a process (OCDS `tender`)."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="tender")
    tender_id = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=40, blank=True)
    method_details = models.CharField(max_length=500, blank=True)
    category = models.CharField(max_length=10, choices=Category.choices, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    number_of_tenderers = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title or self.tender_id


class Bid(models.Model):
    """One bid (OCDS bid extension `bids.details[]`)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="bids")
    bid_id = models.CharField(max_length=200)
    date = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    tenderers = models.ManyToManyField(Party, related_name="bids", blank=True)

    class Meta:
        ordering = ["record_id", "bid_id"]

    def __str__(self) -> str:
        return self.bid_id


class Award(models.Model):
    """One award decision (OCDS `awards[]`) with its suppliers."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="awards")
    award_id = models.CharField(max_length=200)
    title = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    suppliers = models.ManyToManyField(Party, related_name="awards", blank=True)

    class Meta:
        ordering = ["record_id", "award_id"]

    def __str__(self) -> str:
        return self.title or self.award_id


class Contract(models.Model):
    """One contract (OCDS `contracts[]`): its value, its category (the process's
    `mainProcurementCategory`) and its performance period, which together say whether it is a
    large procurement (巨額採購) in performance on a date."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="contracts")
    award = models.ForeignKey(
        Award, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    contract_id = models.CharField(max_length=200)
    title = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=10, choices=Category.choices, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    date_signed = models.DateField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["record_id", "contract_id"]

    def __str__(self) -> str:
        return self.title or self.contract_id


class FlagHit(models.Model):
    """A red flag the engine found, with the evidence a person needs to check it again (the
    values compared, the threshold or quartiles and fence used, related processes)."""

    code = models.CharField(max_length=10, db_index=True)
    ocid = models.CharField(max_length=200, blank=True, db_index=True)
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.CASCADE, related_name="flag_hits"
    )
    subject = models.CharField(max_length=10)
    subject_id = models.CharField(max_length=200, db_index=True)
    evidence = models.JSONField(default=dict)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "ocid", "subject_id", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.ocid or self.subject_id}"


class IntegrityProject(models.Model):
    """A major project followed on the procurement integrity platform (採購廉政平臺): the
    agency, prosecutors, auditors and civil-society monitors around one large procurement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="integrity_projects"
    )
    budget = models.DecimalField(
        _("budget (NT$)"), max_digits=20, decimal_places=0, null=True, blank=True
    )
    ocids = models.JSONField(default=list, blank=True)
    published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectMonitor(models.Model):
    """A person who follows a project for an agency or for civil society and may write notes."""

    class Role(models.TextChoices):
        AGENCY = "agency", _("Agency")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        AUDITOR = "auditor", _("Auditor")

    project = models.ForeignKey(IntegrityProject, on_delete=models.CASCADE, related_name="monitors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["project_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="procurement_monitor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.role}"


class ProjectDocument(models.Model):
    """A document published on a project's page (minutes, contract, inspection report…)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        IntegrityProject, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(upload_to=RandomName("procurement/documents"), max_length=255)
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["project_id", "-added_at", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectMilestone(models.Model):
    """A milestone of a project: planned date, and the date it was reached."""

    project = models.ForeignKey(
        IntegrityProject, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class MonitorNote(models.Model):
    """A monitor's note on a project (published with the monitor's role and organisation)."""

    project = models.ForeignKey(IntegrityProject, on_delete=models.CASCADE, related_name="notes")
    monitor = models.ForeignKey(ProjectMonitor, on_delete=models.PROTECT, related_name="notes")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["project_id", "-created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class PublicQuestion(models.Model):
    """A question the public asks about a project, and the agency's answer. A question the
    agency or a keeper hides (abuse, personal data) stays stored with the reason, unpublished."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        IntegrityProject, on_delete=models.CASCADE, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("question"))
    asked_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=300, blank=True, db_default=""
    )

    class Meta:
        ordering = ["project_id", "-asked_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
