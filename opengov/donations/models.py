"""Political-donation disclosure: recipients (candidates and parties), elections, filings,
the transactions published by the Control Yuan (kept as read, with what is wrong with each),
their versions after corrections, import runs, and the findings of the verification rules.

Sources: Political Donations Act Art. 7, 10-12, 14, 15, 17, 18, 20-22 (shared rules in
`core.jurisdiction.DonationRules`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.TextChoices):
    """The office an election fills (collection windows and party limits differ, Art. 12, 18)."""

    PRESIDENT = "president", _("President and vice president")
    LEGISLATOR = "legislator", _("Legislator")
    MAYOR = "mayor", _("Mayor or county magistrate")
    COUNCILLOR = "councillor", _("Councillor")
    TOWNSHIP_CHIEF = "township_chief", _("Township chief")
    TOWNSHIP_REPRESENTATIVE = "township_representative", _("Township representative")
    VILLAGE_CHIEF = "village_chief", _("Village chief")


class Election(models.Model):
    """One election: the office, the vote date; the collection window (Art. 12) follows from
    the office and the vote date (`rules.collection_window`) unless it is set
    (`window_start`, `window_end`: a by-election or re-run election opens it the day after
    the event, Art. 12 ¶1), always within the profile's window for the office."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    office = models.CharField(_("office"), max_length=30, choices=Office.choices)
    vote_date = models.DateField(_("vote date"), null=True, blank=True)
    window_start = models.DateField(_("first day of the collection window"), null=True, blank=True)
    window_end = models.DateField(_("last day of the collection window"), null=True, blank=True)

    class Meta:
        ordering = ["-vote_date", "name"]

    def __str__(self) -> str:
        return self.name


class Recipient(models.Model):
    """A candidate (擬參選人) or a party / political group receiving donations, as named in
    the filings; `party` is a candidate's nominating party when known, and `registry_id` the
    registry organisation of a party."""

    class Kind(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        PARTY = "party", _("Party or political group")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CANDIDATE)
    name = models.CharField(_("name"), max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True)
    party = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="nominees"
    )
    business_number = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["normalised_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="donations_recipient_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One upload of a Control Yuan file, as a job: a detail file (`kind` "detail") or a
    correction list (更正資料, `kind` "corrections"). All or nothing: while any row is rejected
    nothing is applied; `rejections` names every rejected row, its field and the reason;
    `processed`/`total` drive the progress bar."""

    class Kind(models.TextChoices):
        DETAIL = "detail", _("Filing details")
        CORRECTIONS = "corrections", _("Correction list")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        max_length=12, choices=Kind.choices, default=Kind.DETAIL, db_default=Kind.DETAIL
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField(default=0)
    election_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    encoding = models.CharField(max_length=20, blank=True)
    layout = models.CharField(max_length=20, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    corrected = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def finished(self) -> bool:
        """True once the run has ended, whichever way."""
        return self.state in (self.State.SUCCEEDED, self.State.REJECTED, self.State.FAILED)


class Filing(models.Model):
    """A recipient's report of income and expenditure for one election (candidates) or one
    year (parties), Art. 20, 21; `serial` is the report's 申報序號／年度 as published."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="filings")
    election = models.ForeignKey(
        Election, null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    serial = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["recipient", "serial", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "election", "serial"], name="donations_filing_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.serial}"


class DonorKind(models.TextChoices):
    """Who gave (limits differ by kind, Art. 17, 18), from the income account (收支科目)."""

    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")
    CIVIC_GROUP = "civic_group", _("Civic group")
    PARTY = "party", _("Party")
    ANONYMOUS = "anonymous", _("Anonymous")
    OTHER = "other", _("Other")
    EXPENSE = "expense", _("Expenditure")


class Transaction(models.Model):
    """One row of a filing, current version. `raw` keeps the row exactly as read and
    `row_hash` the SHA-256 of it (anyone can recompute), `flags` what is wrong with it (a
    broken business number, a masked or missing ID, an anonymous placeholder...): such rows
    are kept, never dropped or silently repaired. Earlier versions are in
    `TransactionVersion`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="transactions")
    line = models.CharField(_("serial (序號)"), max_length=40)
    date = models.DateField(_("date"), null=True, blank=True)
    date_raw = models.CharField(max_length=20, blank=True)
    account = models.CharField(_("account (收支科目)"), max_length=60, blank=True)
    donor_kind = models.CharField(max_length=12, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor or payee"), max_length=200, blank=True)
    normalised_donor = models.CharField(max_length=200, blank=True, db_index=True)
    donor_id_raw = models.CharField(max_length=40, blank=True)
    business_number = models.CharField(max_length=8, blank=True, db_index=True)
    masked_id = models.CharField(max_length=20, blank=True)
    income = models.BigIntegerField(default=0)
    expenditure = models.BigIntegerField(default=0)
    method = models.CharField(_("how given"), max_length=40, blank=True)
    monetary = models.CharField(max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    flags = models.JSONField(default=list, blank=True)
    raw = models.JSONField(default=dict)
    row_hash = models.CharField(max_length=64, db_index=True)
    version = models.PositiveIntegerField(default=1)
    correction_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["filing", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["filing", "line"], name="donations_tx_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.donor_name} {self.income or self.expenditure}"


class TransactionVersion(models.Model):
    """A version of a transaction as one import or correction list brought it: the raw row,
    its hash, the fields that changed from the version before (`changes`: field -> [old,
    new]) and the Control Yuan's correction date (資料更正日期) when one was published."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)
    row_hash = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    correction_note = models.CharField(max_length=200, blank=True)
    corrected_on = models.DateField(_("correction date"), null=True, blank=True)
    run = models.ForeignKey(ImportRun, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["transaction", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "version"], name="donations_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} v{self.version}"


class Finding(models.Model):
    """What a verification rule found: the rule and the article it enforces, the recipient
    and donor, the amount at issue, the evidence rows (with their row hashes), how sure it is
    (`confidence`: exact business-number match, approximate person match with `score`, or a
    statistical screen) and an analyst's review. `key` identifies the same finding across
    refreshes, so a review is kept."""

    class Confidence(models.TextChoices):
        EXACT = "exact", _("Exact (business number or recipient)")
        APPROXIMATE = "approximate", _("Approximate person match")
        SCREEN = "screen", _("Statistical screen, not a violation")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=64, unique=True)
    rule = models.CharField(max_length=40, db_index=True)
    article = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    donor_name = models.CharField(max_length=200, blank=True)
    business_number = models.CharField(max_length=8, blank=True, db_index=True)
    amount = models.BigIntegerField(null=True, blank=True)
    limit = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=500)
    evidence = models.JSONField(default=dict)
    confidence = models.CharField(max_length=12, choices=Confidence.choices)
    score = models.FloatField(default=1.0)
    current = models.BooleanField(default=True)
    detected_at = models.DateTimeField()
    reviewed = models.BooleanField(default=False)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rule", "-amount", "id"]

    def __str__(self) -> str:
        return f"{self.rule} {self.summary}"
