"""The registry: organisations (companies, civic groups, parties, government bodies,
foundations) and people, with the history that re-imports keep (former names, status changes,
board seats), reviewers' match decisions and the import runs of the company registry's open
data.

Other transparency apps (ownership, procurement, donations) point at `Organisation` and
`Person`; the registry never imports them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What sort of organisation it is (the donation limits of the Political Donations Act
    Art. 17, 18 differ by kind)."""

    COMPANY = "company", _("Company")
    CIVIC_GROUP = "civic_group", _("Civic group")
    PARTY = "party", _("Political party")
    GOVERNMENT = "government", _("Government body")
    FOUNDATION = "foundation", _("Foundation")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """The organisation's legal status, folded from the registry's descriptions
    (核准設立, 停業, 解散, 廢止, 撤銷, …); the registry's own words are kept beside it."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")
    REVOKED = "revoked", _("Revoked")
    UNKNOWN = "unknown", _("Unknown")


class NumberFlag(models.TextChoices):
    """Why a unified business number fails (the number is kept, never dropped)."""

    NONE = "", _("Valid or not given")
    CHECKSUM = "checksum", _("Fails the check digit rule")
    LENGTH = "length", _("Not 8 digits")
    MASKED = "masked", _("Masked in the source")
    NOT_DIGITS = "not_digits", _("Contains characters other than digits")
    DUPLICATE = "duplicate", _("Already held by another organisation")


class Organisation(models.Model):
    """A company, civic group, party, government body or foundation: the one place where the
    transparency apps find it.

    `business_number` is the unified business number (統一編號) when it has 8 digits (even
    one that fails the check, whose reason is in `business_number_flag`); the source's text is
    kept in `business_number_raw`. Only numbers that pass the check identify an organisation
    (unique among unflagged numbers). `normalised_name` is the matching key
    (`matching.normalise_name`). Current values live here; `OrganisationName`,
    `OrganisationStatusRecord` and `BoardSeat` keep the history.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business_number = models.CharField(max_length=8, blank=True, db_index=True)
    business_number_raw = models.CharField(max_length=40, blank=True)
    business_number_flag = models.CharField(
        max_length=12, choices=NumberFlag.choices, blank=True, default=NumberFlag.NONE
    )
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    normalised_name = models.CharField(max_length=300, db_index=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMPANY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    status_text = models.CharField(_("status as published"), max_length=100, blank=True)
    set_up_on = models.DateField(_("set-up date"), null=True, blank=True)
    registered_on = models.DateField(_("registered"), null=True, blank=True)
    suspended_from = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    normalised_address = models.CharField(max_length=300, blank=True, db_index=True)
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    normalised_representative = models.CharField(max_length=200, blank=True, db_index=True)
    capital = models.BigIntegerField(_("capital (NT$)"), null=True, blank=True)
    paid_in_capital = models.BigIntegerField(_("paid-in capital (NT$)"), null=True, blank=True)
    government_share = models.DecimalField(
        _("government share (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    party_invested = models.BooleanField(_("run or invested in by a party"), default=False)
    accumulated_loss_years = models.JSONField(default=list, blank=True)
    foreign_main_member = models.BooleanField(default=False)
    mainland_main_member = models.BooleanField(default=False)
    hong_kong_main_member = models.BooleanField(default=False)
    macau_main_member = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["normalised_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_number"],
                condition=Q(business_number_flag="") & ~Q(business_number=""),
                name="registry_org_valid_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(government_share__isnull=True)
                | (Q(government_share__gte=0) & Q(government_share__lte=100)),
                name="registry_org_government_share_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationName(models.Model):
    """A name an organisation bore from `valid_from` until `valid_to` (exclusive; open when
    null). The current name has `valid_to` null; a re-import that sees a new name closes it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=300)
    normalised_name = models.CharField(max_length=300, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["organisation", "valid_from", "id"]

    def __str__(self) -> str:
        return self.name


class OrganisationStatusRecord(models.Model):
    """The status an organisation had from `valid_from` until `valid_to` (exclusive)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="status_records"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    status_text = models.CharField(max_length=100, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.status}"


class OrganisationRedirect(models.Model):
    """The public id of an organisation merged into another: other apps that kept the old id
    (as a reference, not a foreign key) are sent to the organisation it became."""

    public_id = models.UUIDField(unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.public_id} -> {self.organisation_id}"


class Person(models.Model):
    """A natural person: a director, a donor, a beneficial owner, a holder of public office.

    `masked_id` is the ID number as published (e.g. A12345****); `id_hash` is the keyed hash
    (`core.identifiers.national_id_hash`) of a full ID when one was known. The ID itself is
    never stored.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True, editable=False)
    masked_id = models.CharField(_("ID as published"), max_length=20, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    nationality = models.CharField(_("nationality"), max_length=40, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["normalised_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=~Q(id_hash=""), name="registry_person_id_hash_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A public position a person holds or held (a politically exposed person, PEP)."""

    class Category(models.TextChoices):
        ELECTED = "elected", _("Elected office")
        POLITICAL_APPOINTEE = "appointee", _("Political appointee")
        SENIOR_OFFICIAL = "official", _("Senior official")
        JUDICIAL = "judicial", _("Judge or prosecutor")
        MILITARY = "military", _("Senior military officer")
        PARTY = "party", _("Party leadership")
        STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise leadership")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_name = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["person", "-valid_from", "id"]

    def __str__(self) -> str:
        return self.title


class BoardSeat(models.Model):
    """A seat on an organisation's board (director, supervisor, chair, manager) held by a
    person, by a legal person, or by a person representing a legal person (法人代表), with the
    shares held, from `valid_from` until `valid_to` (exclusive; open when null).

    A re-import closes the seats that disappeared and opens the new ones, so the board on any
    date can be read back.
    """

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        DIRECTOR = "director", _("Director")
        INDEPENDENT_DIRECTOR = "independent", _("Independent director")
        SUPERVISOR = "supervisor", _("Supervisor")
        MANAGER = "manager", _("Manager")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="board_seats"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="board_seats"
    )
    represents = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="represented_on",
    )
    represents_name = models.CharField(_("legal person represented"), max_length=300, blank=True)
    position = models.CharField(_("position as published"), max_length=100)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.OTHER)
    shareholding = models.BigIntegerField(_("shares held"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    import_run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(represents_name=""),
                name="registry_seat_has_holder",
            ),
            models.CheckConstraint(
                condition=Q(shareholding__isnull=True) | Q(shareholding__gte=0),
                name="registry_seat_shareholding_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.person or self.represents_name}"


class MatchDecision(models.Model):
    """A reviewer's decision that two names or records are the same, different, or unsure.

    Stored under the pair of normalised keys (in sorted order, so the pair is unordered) and
    reused by every later match of the same pair, so nobody reviews it twice.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")

    class Decision(models.TextChoices):
        SAME = "same", _("Same")
        DIFFERENT = "different", _("Different")
        UNSURE = "unsure", _("Unsure")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    left_key = models.CharField(max_length=300)
    right_key = models.CharField(max_length=300)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    score = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "left_key", "right_key"], name="registry_match_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.left_key} ~ {self.right_key}: {self.decision}"


class MatchCandidate(models.Model):
    """An uncertain match waiting in the review queue: a name (as met in an import or a
    filing) and the registry organisation it resembles, with the score.

    Open while `decision` is empty; a reviewer's decision is also kept as a `MatchDecision`.
    When the name was registered as its own organisation (`organisation`), deciding "same"
    merges it into `candidate`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=300)
    normalised_name = models.CharField(max_length=300)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    context = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    decision = models.CharField(
        max_length=10, choices=MatchDecision.Decision.choices, blank=True, default=""
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "created_at", "id"]
        indexes = [models.Index(fields=["decision", "-score"])]

    def __str__(self) -> str:
        return f"{self.name} ~ {self.candidate_id} ({self.score:.2f})"


class ImportRun(models.Model):
    """One upload of the company registry's open data (basic data or directors), as a job.

    All or nothing: while any row is rejected nothing is applied, and `rejections` lists every
    rejected row with the field and the reason. `processed`/`total` drive the progress bar.
    """

    class Dataset(models.TextChoices):
        BASIC = "basic", _("Company basic data")
        DIRECTORS = "directors", _("Directors and supervisors")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.CharField(max_length=10, choices=Dataset.choices)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField(default=0)
    as_of = models.DateField(_("data as of"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    encoding = models.CharField(max_length=20, blank=True)
    file_format = models.CharField(max_length=10, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
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
        return f"{self.get_dataset_display()} {self.filename}"

    @property
    def percent(self) -> int:
        """How far the run is, 0 to 100."""
        if self.state in (self.State.SUCCEEDED, self.State.REJECTED, self.State.FAILED):
            return 100
        if not self.total:
            return 0
        return min(100, self.processed * 100 // self.total)

    @property
    def finished(self) -> bool:
        """True once the run has ended, whichever way."""
        return self.state in (self.State.SUCCEEDED, self.State.REJECTED, self.State.FAILED)
