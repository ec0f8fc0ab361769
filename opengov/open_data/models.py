"""Models of open_data: agency datasets and their versions, download counts, showcases.

Datasets that apps publish through the exporter registry (`opengov.core.exporters`) have no
rows here: they are produced live from their exporter. Uploaded agency datasets are
`Dataset` rows, each upload a new `DatasetVersion` whose file stays downloadable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opengov.core.files import random_name


class Theme(models.TextChoices):
    """DCAT-AP data themes (EU Publications Office authority table `data-theme`)."""

    AGRI = "AGRI", _("Agriculture, fisheries, forestry and food")
    ECON = "ECON", _("Economy and finance")
    EDUC = "EDUC", _("Education, culture and sport")
    ENER = "ENER", _("Energy")
    ENVI = "ENVI", _("Environment")
    GOVE = "GOVE", _("Government and public sector")
    HEAL = "HEAL", _("Health")
    INTR = "INTR", _("International issues")
    JUST = "JUST", _("Justice, legal system and public safety")
    REGI = "REGI", _("Regions and cities")
    SOCI = "SOCI", _("Population and society")
    TECH = "TECH", _("Science and technology")
    TRAN = "TRAN", _("Transport")


class Frequency(models.TextChoices):
    """Update frequencies (EU authority table `frequency`, as data.gov.tw's 更新頻率)."""

    CONTINUOUS = "continuous", _("Continuously updated")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Yearly")
    IRREGULAR = "irregular", _("Irregularly")
    NEVER = "never", _("Not updated (historical)")


class SourceFormat(models.TextChoices):
    """Formats an agency may upload."""

    CSV = "csv", "CSV"
    JSON = "json", "JSON"
    XLSX = "xlsx", "XLSX"


class Dataset(models.Model):
    """A dataset an agency publishes by uploading files, with DCAT-AP / data.gov.tw metadata.

    `name` is the stable CKAN name used in URLs. The data itself lives in its versions; the
    dataset is listed once it has at least one (`latest_version` > 0). `original_format` is
    that of the latest upload (a facet of the catalogue search).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(_("identifier"), max_length=100, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="open_datasets",
        verbose_name=_("publisher"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    contact_name = models.CharField(_("contact point"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    theme = models.CharField(_("theme"), max_length=4, choices=Theme.choices)
    temporal_start = models.DateField(_("temporal coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("temporal coverage to"), null=True, blank=True)
    spatial = models.CharField(_("spatial coverage"), max_length=200, blank=True)
    update_frequency = models.CharField(
        _("update frequency"), max_length=20, choices=Frequency.choices
    )
    licence = models.CharField(_("licence"), max_length=50)
    latest_version = models.PositiveIntegerField(default=0, editable=False)
    original_format = models.CharField(max_length=4, choices=SourceFormat.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_end__gte=F("temporal_start")),
                name="open_data_dataset_temporal_order",
            ),
            models.CheckConstraint(
                condition=Q(theme__in=[t.value for t in Theme]), name="open_data_dataset_theme"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DatasetKeyword(models.Model):
    """One keyword (tag) of a dataset; a table of its own so search can filter and count."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="keywords")
    name = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="open_data_keyword_once")
        ]

    def __str__(self) -> str:
        return self.name


def original_upload_to(instance: DatasetVersion, filename: str) -> str:
    """Where the file as uploaded is stored: a random name (served only by the dataset's
    views, named after the dataset and version)."""
    return random_name("open_data/original", filename)


def data_upload_to(instance: DatasetVersion, filename: str) -> str:
    """Where the normalised CSV of a version is stored: a random name."""
    return random_name("open_data/data", filename)


class DatasetVersion(models.Model):
    """One upload of a dataset, kept forever: the file as sent and its normalised UTF-8 CSV.

    `schema` is the list of fields ({name, type, required, description}) the upload was
    validated against; `data` holds the validated rows as UTF-8 CSV with a header, which every
    download of this version streams from.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    original = models.FileField(upload_to=original_upload_to, max_length=300)
    original_name = models.CharField(max_length=200)
    original_format = models.CharField(max_length=4, choices=SourceFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=20)
    data = models.FileField(upload_to=data_upload_to, max_length=300)
    schema = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    byte_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "number"], name="open_data_version_number_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="open_data_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.name} v{self.number}"


class DownloadCount(models.Model):
    """How many times a dataset (registry or uploaded, by name) has been downloaded."""

    name = models.CharField(max_length=100, unique=True)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"


class Showcase(models.Model):
    """A value-added application someone built on the platform's data, shown once approved.

    `datasets` lists the names of the catalogue datasets it uses (registry or uploaded).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not published")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    url = models.URLField(_("address of the application"), max_length=500)
    datasets = models.JSONField(_("datasets used"), default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("application showcase")
        verbose_name_plural = _("application showcases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="open_data_showcase_status",
            )
        ]

    def __str__(self) -> str:
        return self.title
