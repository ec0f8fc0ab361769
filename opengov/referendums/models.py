"""Referendum petitions (公民投票法): cases, the voter roll, signatures and their evidence.

A `Case` stores what people did (filed, correction requested, approved, code collected,
submitted, checked, top-up...) as timestamps; the stage a reader sees (under review, awaiting
the code, collecting signatures, abandoned...) is derived from them and the clock by
`rules.case_stage()`. Signatures keep the national ID only as a keyed hash (for matching) and
encrypted (for the household office's check); every counted signature and every deletion is a
leaf of the case's transparency log (`core.tlog`, log `referendum/<public id>`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The two signature-gathering stages of a case (Referendum Act Art. 9-12)."""

    PROPOSAL = "proposal", _("Proposal (first stage)")
    PETITION = "petition", _("Petition (second stage)")


class Outcome(models.TextChoices):
    """How a case ended, as announced by the Central Election Commission."""

    NONE = "", _("Pending")
    ESTABLISHED = "established", _("Established")
    NOT_ESTABLISHED = "not_established", _("Not established")
    ABANDONED = "abandoned", _("Abandoned")
    REJECTED = "rejected", _("Rejected")


class Case(models.Model):
    """One referendum case from its proposal to its outcome.

    Times record acts; deadlines are fixed when the act that starts them happens (end of the
    period's last day, local time) so a later change of the profile does not move a running
    deadline. `outcome` is stored when an official records it; an outcome that follows from a
    missed deadline (abandoned, not established) is derived when read and materialised by
    `services.case_settle`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lead_proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referendum_cases"
    )
    lead_id_hash = models.CharField(max_length=64, db_index=True)
    main_text = models.CharField(_("main text"), max_length=500)
    reasons = models.TextField(_("reasons"), max_length=10000)
    issue_key = models.CharField(
        max_length=64, db_index=True, help_text="Normalised hash of the main text (re-filing bar)"
    )
    created_at = models.DateTimeField()
    filed_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateTimeField(null=True, blank=True)
    #: the household offices' check of the proposers (Art. 10): due when the list is sent
    #: (filing, or a correction that brings new proposers), and when it was recorded
    proposers_check_due = models.DateTimeField(null=True, blank=True)
    proposers_checked_at = models.DateTimeField(null=True, blank=True)
    correction_requested_at = models.DateTimeField(null=True, blank=True)
    correction_due = models.DateTimeField(null=True, blank=True)
    correction_note = models.TextField(blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    code_due = models.DateTimeField(null=True, blank=True)
    code_collected_at = models.DateTimeField(null=True, blank=True)
    signature_deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    check_due = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    top_up_due = models.DateTimeField(null=True, blank=True)
    top_up_submitted_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    litigated = models.BooleanField(default=False)
    final_judgment_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    #: the thresholds fixed when each stage opened (profile changes do not move them)
    proposal_threshold = models.PositiveIntegerField(default=0)
    petition_threshold = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referendum case")

    def __str__(self) -> str:
        return self.main_text[:60]

    @property
    def log_name(self) -> str:
        """The name of this case's transparency log."""
        return f"referendum/{self.public_id}"


class RollImport(models.Model):
    """One import of the voter roll (all rows or none), with its reference date."""

    reference_date = models.DateField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("voter roll import")

    def __str__(self) -> str:
        return f"roll of {self.reference_date} ({self.rows} rows)"


class RollEntry(models.Model):
    """A person on the voter roll: keyed hash of the ID, birth date, registration, guardianship.

    No name and no plaintext ID are stored; eligibility (Art. 7, 8) is decided from these
    fields on the case's reference date.
    """

    roll = models.ForeignKey(RollImport, on_delete=models.CASCADE, related_name="entries")
    id_hash = models.CharField(max_length=64)
    birth_date = models.DateField()
    registered_since = models.DateField()
    under_guardianship = models.BooleanField(default=False)
    national = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["roll", "id_hash"], name="roll_entry_once"),
        ]
        verbose_name = _("voter roll entry")

    def __str__(self) -> str:
        return f"roll entry {self.pk}"


class RevocationEvidence(models.Model):
    """A CRL or OCSP response seen while checking a certificate (stored once, by its hash)."""

    KIND_CHOICES = (("crl", "CRL"), ("ocsp", "OCSP"))
    kind = models.CharField(max_length=4, choices=KIND_CHOICES)
    sha256 = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = _("revocation evidence")

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"


class Method(models.TextChoices):
    """How a signature was given."""

    ELECTRONIC = "electronic", _("Electronic (citizen certificate)")
    PAPER = "paper", _("Paper roster")


class Signature(models.Model):
    """One person's signature on a case at one stage, electronic or typed in from paper.

    `id_hash` is the keyed hash of the national ID (matching, deduplication); `id_encrypted`
    is AES-GCM under `ID_ENCRYPTION_KEY` (only for the household check; cleared by the purge).
    `counted` is True for the one signature per person that counts (electronic wins);
    `leaf_index` is its leaf in the case's log; `deleted_reason` is set by the household
    check, which appends a deletion leaf (`deletion_leaf_index`).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    id_hash = models.CharField(max_length=64, blank=True)
    id_encrypted = models.BinaryField(null=True, blank=True)
    signed_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referendum_signatures",
    )
    counted = models.BooleanField(default=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eligibility = models.CharField(max_length=30, blank=True)
    leaf_index = models.BigIntegerField(null=True, blank=True)
    commitment = models.CharField(max_length=64, blank=True)
    deleted_reason = models.CharField(max_length=30, blank=True)
    deletion_leaf_index = models.BigIntegerField(null=True, blank=True)
    # electronic evidence (purged with the personal data)
    signature_value = models.BinaryField(null=True, blank=True)
    certificate_encrypted = models.BinaryField(null=True, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    revocation = models.ManyToManyField(RevocationEvidence, blank=True, related_name="+")
    paper_page = models.CharField(max_length=40, blank=True)
    top_up = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "id_hash"],
                condition=Q(method="electronic") & ~Q(id_hash=""),
                name="one_electronic_signature_per_person",
            ),
        ]
        indexes = [models.Index(fields=["case", "stage", "id_hash"])]
        verbose_name = _("signature")

    def __str__(self) -> str:
        return f"{self.method} signature {self.pk} on case {self.case_id}"


class PublishedCheckpoint(models.Model):
    """A checkpoint of a case's log as published: the C2SP signed note, with the witness's
    co-signature when there is one. Kept for ever; consistency proofs run between any two."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checkpoints")
    size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    note = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "size"]
        constraints = [
            models.UniqueConstraint(fields=["case", "size"], name="one_checkpoint_per_size"),
        ]
        verbose_name = _("published checkpoint")

    def __str__(self) -> str:
        return f"checkpoint of case {self.case_id} at {self.size}"


#: labels of the derived stages (`rules.STAGES`)
STAGE_LABELS = {
    "proposal": _("Gathering proposers"),
    "review": _("Under review by the Central Election Commission"),
    "correction": _("Correction requested"),
    "awaiting_code": _("Approved: awaiting the e-petition code"),
    "collecting": _("Collecting signatures"),
    "checking": _("Signatures under household check"),
    "top_up": _("Short: one top-up allowed"),
    "established": _("Established"),
    "not_established": _("Not established"),
    "abandoned": _("Abandoned"),
    "rejected": _("Rejected"),
}

#: labels of the deletion reasons (`jurisdiction().referendums.deletion_reasons`, Art. 10, 13)
DELETION_LABELS = {
    "ineligible": _("Not eligible (age, residence, nationality or guardianship)"),
    "not_on_roll": _("Not on the household register"),
    "particulars_wrong": _("Name, ID number or address wrong or unclear"),
    "unsigned": _("Not signed"),
    "forged": _("Forged"),
    "duplicate": _("Counted once already"),
}
