"""Beneficial ownership: parties, their relationships and interests (BODS 0.4), where they came
from (imports and declarations), and who may declare for a company.

A party links to the registry's organisation or person by its public id (`registry_id`),
looked up through `registry.selectors`; the ownership graph stays whole without the registry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Party(models.Model):
    """An entity or a natural person in the ownership graph (a BODS entity or person record).

    `record_id` is the BODS recordId, unique across imports and declarations. Personal fields
    (`birth_date`, `masked_id`, `id_hash`, `address`) belong to the confidential register
    (Company Act Art. 22-1): the public view never shows them; `id_hash` is a keyed hash of a
    full ID number, never the number.
    """

    class Kind(models.TextChoices):
        ENTITY = "entity", _("Entity")
        PERSON = "person", _("Person")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: BODS entityType.type or personType
    subtype = models.CharField(max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10, blank=True)
    business_number = models.CharField(_("business number"), max_length=20, blank=True)
    identifiers = models.JSONField(default=list, blank=True)
    nationality = models.CharField(_("nationality"), max_length=10, blank=True)
    birth_date = models.CharField(_("date of birth"), max_length=10, blank=True)
    masked_id = models.CharField(_("ID number (masked)"), max_length=20, blank=True)
    id_hash = models.CharField(max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    #: the public id of the registry's organisation or person, when matched
    registry_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name", "record_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["entity", "person"]), name="ownership_party_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.record_id

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON


class Source(models.Model):
    """Where statements came from: a BODS file import or a representative's declaration."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("BODS import")
        DECLARATION = "declaration", _("Declaration")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    filename = models.CharField(max_length=300, blank=True)
    statements = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("source")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or f"{self.kind} {self.created_at:%Y-%m-%d}"


class Relationship(models.Model):
    """A BODS relationship record: the interests `interested_party` holds in `subject`.

    Without an interested party, `unspecified_reason` says why (BODS unspecifiedReason, e.g.
    subjectUnableToConfirmOrIdentifyBeneficialOwner): a declared unknown is kept, not dropped.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_id = models.CharField(max_length=200, unique=True)
    subject = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="owned_by")
    interested_party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="holds"
    )
    unspecified_reason = models.CharField(max_length=60, blank=True)
    unspecified_description = models.TextField(blank=True)
    statement_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("relationship")
        ordering = ["record_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interested_party__isnull=False) | ~Q(unspecified_reason=""),
                name="ownership_relationship_party_or_reason",
            )
        ]

    def __str__(self) -> str:
        return self.record_id


class Interest(models.Model):
    """One interest of a relationship: its BODS type, direct or indirect, and its share in
    percent (exact when `share_min` = `share_max`; both empty when not stated)."""

    class Directness(models.TextChoices):
        DIRECT = "direct", _("direct")
        INDIRECT = "indirect", _("indirect")
        UNKNOWN = "unknown", _("unknown")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="interests"
    )
    type = models.CharField(_("interest"), max_length=60)
    direct_or_indirect = models.CharField(
        max_length=10, choices=Directness.choices, default=Directness.DIRECT
    )
    beneficial_ownership_or_control = models.BooleanField(default=False)
    share_min = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    share_max = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    details = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("interest")
        ordering = ["relationship_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(share_min__isnull=True) | Q(share_min__gte=0, share_min__lte=100))
                & (Q(share_max__isnull=True) | Q(share_max__gte=0, share_max__lte=100)),
                name="ownership_interest_share_0_100",
            ),
            models.CheckConstraint(
                condition=Q(share_min__isnull=True)
                | Q(share_max__isnull=True)
                | Q(share_min__lte=models.F("share_max")),
                name="ownership_interest_share_min_max",
            ),
        ]

    def __str__(self) -> str:
        return self.type

    @property
    def exact(self):
        return (
            self.share_min
            if self.share_min is not None and self.share_min == self.share_max
            else None
        )


class Representative(models.Model):
    """A person who may declare the beneficial owners of one entity for it (a company's
    responsible person or an agent), as recorded by an AML reviewer or an operator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ownership_represents"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="representatives")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("representative")
        constraints = [
            models.UniqueConstraint(fields=["user", "party"], name="ownership_one_grant")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.party}"
