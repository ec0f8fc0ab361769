"""Writes of open_data: publishing datasets and their versions, counting downloads, showcases.

An upload is checked (ingest.py) before its transaction starts, so a long validation never
holds a database lock; the records, files and audit event are then written in one transaction.
Files are not transactional: those written inside a transaction that then fails are deleted
(`_files_removed_on_failure`). A caller's own enclosing transaction that rolls back later is
beyond reach; the services are meant to be called outside one, as the views and API do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.exporters import get_exporter

from . import ingest, permissions, rules
from .models import (
    Dataset,
    DatasetKeyword,
    DatasetVersion,
    DownloadCount,
    Frequency,
    Showcase,
    Theme,
)

MAX_KEYWORDS = 20
logger = logging.getLogger(__name__)


def _clean_keywords(keywords: list[str] | str) -> list[str]:
    if isinstance(keywords, str):
        keywords = keywords.replace("，", ",").replace("、", ",").split(",")
    cleaned: list[str] = []
    for keyword in keywords:
        keyword = keyword.strip()[:100]
        if keyword and keyword not in cleaned:
            cleaned.append(keyword)
    if len(cleaned) > MAX_KEYWORDS:
        raise ServiceError(
            "invalid",
            _("At most %(n)d keywords.") % {"n": MAX_KEYWORDS},
            field="keywords",
        )
    return cleaned


def _check_metadata(
    *,
    title: str,
    description: str,
    contact_name: str,
    contact_email: str,
    theme: str,
    update_frequency: str,
    licence: str,
    temporal_start: dt.date | None,
    temporal_end: dt.date | None,
) -> None:
    for field, value, label in (
        ("title", title, _("a title")),
        ("description", description, _("a description")),
        ("contact_name", contact_name, _("a contact point")),
        ("contact_email", contact_email, _("a contact e-mail address")),
    ):
        if not (value or "").strip():
            raise ServiceError(
                "required", _("Please give %(what)s.") % {"what": label}, field=field
            )
    if theme not in Theme.values:
        raise ServiceError("invalid", _("Choose a theme from the list."), field="theme")
    if update_frequency not in Frequency.values:
        raise ServiceError(
            "invalid", _("Choose an update frequency from the list."), field="update_frequency"
        )
    if licence not in rules.LICENCES:
        raise ServiceError("invalid", _("Choose a licence from the list."), field="licence")
    if temporal_start and temporal_end and temporal_end < temporal_start:
        raise ServiceError(
            "invalid",
            _("The end of the temporal coverage is before its start."),
            field="temporal_end",
        )


def _spool(upload: Any) -> tempfile.TemporaryDirectory:
    """Copy an uploaded file to a private temporary folder (the checks read it from disk)."""
    folder = tempfile.TemporaryDirectory(prefix="opengov-upload-src-")
    target = Path(folder.name) / "upload"
    with target.open("wb") as out:
        if hasattr(upload, "chunks"):
            for chunk in upload.chunks():
                out.write(chunk)
        else:
            shutil.copyfileobj(upload, out)
    return folder


def _check_upload(
    upload: Any,
    *,
    encoding: str,
    fields_text: str,
    previous: list[dict[str, Any]] | None,
) -> ingest.Ingested:
    if upload is None:
        raise ServiceError("required", _("Choose a file to upload."), field="file")
    filename = Path(getattr(upload, "name", "") or "upload").name
    declared = ingest.parse_field_lines(fields_text) if fields_text.strip() else None
    folder = _spool(upload)
    try:
        return ingest.ingest(
            source=Path(folder.name) / "upload",
            filename=filename,
            encoding=encoding,
            fields=declared,
            previous_fields=previous,
        )
    finally:
        folder.cleanup()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _StoredFiles:
    """Names of files written to storage during a service's transaction."""

    def __init__(self) -> None:
        self.files: list[Any] = []

    def add(self, field_file: Any) -> None:
        self.files.append((field_file.storage, field_file.name))

    def remove(self) -> None:
        for storage, name in self.files:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("open_data: could not delete %s after a failed upload", name)


@contextlib.contextmanager
def _files_removed_on_failure() -> Iterator[_StoredFiles]:
    """Delete the files written in the block when it raises (the transaction rolled back)."""
    stored = _StoredFiles()
    try:
        yield stored
    except BaseException:
        stored.remove()
        raise


def _store_version(
    *,
    actor: Any,
    dataset: Dataset,
    upload: Any,
    checked: ingest.Ingested,
    note: str,
    stored: _StoredFiles,
) -> DatasetVersion:
    number = dataset.latest_version + 1
    filename = Path(getattr(upload, "name", "") or f"upload.{checked.fmt}").name
    version = DatasetVersion(
        dataset=dataset,
        number=number,
        original_name=filename[:200],
        original_format=checked.fmt,
        encoding=checked.encoding,
        schema=checked.schema,
        row_count=checked.row_count,
        byte_size=checked.data_path.stat().st_size,
        sha256=_sha256(checked.data_path),
        note=(note or "").strip()[:500],
        uploaded_by=actor,
        created_at=clock.now(),
    )
    if hasattr(upload, "seek"):
        upload.seek(0)
    version.original.save(f"{dataset.name}.{checked.fmt}", File(upload), save=False)
    stored.add(version.original)
    with checked.data_path.open("rb") as data:
        version.data.save(f"{dataset.name}.csv", File(data), save=False)
    stored.add(version.data)
    try:
        with transaction.atomic():
            version.save(force_insert=True)
    except IntegrityError:
        raise Conflict(
            "conflict", _("Another version was uploaded at the same time; try again.")
        ) from None
    updated = Dataset.objects.filter(pk=dataset.pk, latest_version=dataset.latest_version).update(
        latest_version=number, original_format=checked.fmt, updated_at=version.created_at
    )
    if not updated:
        raise Conflict("conflict", _("Another version was uploaded at the same time; try again."))
    dataset.latest_version = number
    dataset.original_format = checked.fmt
    dataset.updated_at = version.created_at
    return version


def dataset_create(
    *,
    actor: Any,
    agency: Agency,
    name: str,
    title: str,
    description: str,
    contact_name: str,
    contact_email: str,
    theme: str,
    update_frequency: str,
    upload: Any,
    keywords: list[str] | str = (),
    licence: str | None = None,
    temporal_start: dt.date | None = None,
    temporal_end: dt.date | None = None,
    spatial: str = "",
    encoding: str = "auto",
    fields_text: str = "",
    note: str = "",
) -> Dataset:
    """Publish a new agency dataset with its first version (officials of `agency` only).

    The whole upload is refused (ingest.UploadRejected, with row and column) when any row is
    broken; nothing is then stored.
    """
    require_signed_in(actor)
    if not permissions.can_publish_for(actor, agency):
        raise Forbidden(_("Only officials of the publishing agency may publish its datasets."))
    licence = licence or rules.default_licence()
    name = slugify(name or "")[:100]
    if not name:
        raise ServiceError("required", _("Give the dataset an identifier."), field="name")
    if get_exporter(name) is not None or Dataset.objects.filter(name=name).exists():
        raise Conflict(
            "name_taken", _("The identifier “%(name)s” is taken.") % {"name": name}, field="name"
        )
    _check_metadata(
        title=title,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
        theme=theme,
        update_frequency=update_frequency,
        licence=licence,
        temporal_start=temporal_start,
        temporal_end=temporal_end,
    )
    cleaned_keywords = _clean_keywords(keywords)
    checked = _check_upload(upload, encoding=encoding, fields_text=fields_text, previous=None)
    try:
        with _files_removed_on_failure() as stored:
            return _dataset_create_atomic(
                actor=actor,
                agency=agency,
                values={
                    "name": name,
                    "title": title.strip()[:200],
                    "description": description.strip(),
                    "contact_name": contact_name.strip()[:100],
                    "contact_email": contact_email.strip(),
                    "theme": theme,
                    "update_frequency": update_frequency,
                    "licence": licence,
                    "temporal_start": temporal_start,
                    "temporal_end": temporal_end,
                    "spatial": (spatial or "").strip()[:200],
                },
                keywords=cleaned_keywords,
                upload=upload,
                checked=checked,
                note=note,
                stored=stored,
            )
    finally:
        checked.cleanup()


@transaction.atomic
def _dataset_create_atomic(
    *,
    actor: Any,
    agency: Agency,
    values: dict[str, Any],
    keywords: list[str],
    upload: Any,
    checked: ingest.Ingested,
    note: str,
    stored: _StoredFiles,
) -> Dataset:
    now = clock.now()
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                agency=agency, created_by=actor, created_at=now, updated_at=now, **values
            )
    except IntegrityError:
        raise Conflict(
            "name_taken",
            _("The identifier “%(name)s” is taken.") % {"name": values["name"]},
            field="name",
        ) from None
    DatasetKeyword.objects.bulk_create(DatasetKeyword(dataset=dataset, name=k) for k in keywords)
    version = _store_version(
        actor=actor, dataset=dataset, upload=upload, checked=checked, note=note, stored=stored
    )
    audit.record(
        actor=actor,
        verb="open_data.dataset_published",
        target=dataset,
        changes={"version": version.number, "rows": version.row_count},
        agency_code=agency.code,
        public=True,
    )
    return dataset


def dataset_add_version(
    *,
    actor: Any,
    dataset: Dataset,
    upload: Any,
    encoding: str = "auto",
    fields_text: str = "",
    note: str = "",
) -> DatasetVersion:
    """Upload a new version of a dataset; older versions stay downloadable.

    Without declared fields the file must have the previous version's header.
    """
    require_signed_in(actor)
    if not permissions.can_publish_for(actor, dataset.agency):
        raise NotFound(_("No such dataset."))
    previous = (
        dataset.versions.filter(number=dataset.latest_version)
        .values_list("schema", flat=True)
        .first()
    )
    checked = _check_upload(upload, encoding=encoding, fields_text=fields_text, previous=previous)
    try:
        with _files_removed_on_failure() as stored:
            return _dataset_add_version_atomic(
                actor=actor,
                dataset=dataset,
                upload=upload,
                checked=checked,
                note=note,
                stored=stored,
            )
    finally:
        checked.cleanup()


@transaction.atomic
def _dataset_add_version_atomic(
    *,
    actor: Any,
    dataset: Dataset,
    upload: Any,
    checked: ingest.Ingested,
    note: str,
    stored: _StoredFiles,
) -> DatasetVersion:
    version = _store_version(
        actor=actor, dataset=dataset, upload=upload, checked=checked, note=note, stored=stored
    )
    audit.record(
        actor=actor,
        verb="open_data.version_published",
        target=dataset,
        changes={"version": version.number, "rows": version.row_count},
        agency_code=dataset.agency.code,
        public=True,
    )
    return version


METADATA_FIELDS = (
    "title",
    "description",
    "contact_name",
    "contact_email",
    "theme",
    "update_frequency",
    "licence",
    "temporal_start",
    "temporal_end",
    "spatial",
)


@transaction.atomic
def dataset_update(
    *, actor: Any, dataset: Dataset, keywords: list[str] | str | None = None, **changes: Any
) -> Dataset:
    """Change a dataset's description (officials of its agency); the data stays as it is."""
    require_signed_in(actor)
    if not permissions.can_publish_for(actor, dataset.agency):
        raise NotFound(_("No such dataset."))
    unknown = set(changes) - set(METADATA_FIELDS)
    if unknown:
        raise ValueError(f"not metadata: {sorted(unknown)}")
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    values = {name: getattr(dataset, name) for name in METADATA_FIELDS}
    for name, value in changes.items():
        values[name] = value.strip() if isinstance(value, str) else value
    _check_metadata(**{k: v for k, v in values.items() if k != "spatial"})
    diff = {
        name: [str(getattr(dataset, name) or ""), str(values[name] or "")]
        for name in METADATA_FIELDS
        if getattr(dataset, name) != values[name]
    }
    for name, value in values.items():
        setattr(dataset, name, value)
    if keywords is not None:
        cleaned = _clean_keywords(keywords)
        current = list(dataset.keywords.values_list("name", flat=True))
        if sorted(current) != sorted(cleaned):
            diff["keywords"] = [", ".join(sorted(current)), ", ".join(sorted(cleaned))]
            dataset.keywords.all().delete()
            DatasetKeyword.objects.bulk_create(
                DatasetKeyword(dataset=dataset, name=k) for k in cleaned
            )
    if not diff:
        return dataset
    dataset.updated_at = clock.now()
    dataset.save()
    audit.record(
        actor=actor,
        verb="open_data.dataset_updated",
        target=dataset,
        changes={"fields": sorted(diff)},
        agency_code=dataset.agency.code,
        public=True,
    )
    return dataset


def download_count(*, name: str) -> None:
    """Count one download of a dataset (a counter, not an action: no audit event)."""
    updated = DownloadCount.objects.filter(name=name).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                DownloadCount.objects.create(name=name, count=1)
        except IntegrityError:
            DownloadCount.objects.filter(name=name).update(count=F("count") + 1)


@transaction.atomic
def showcase_submit(
    *, actor: Any, title: str, description: str, url: str, datasets: list[str]
) -> Showcase:
    """Submit an application built on the platform's data; moderators publish it."""
    from . import selectors

    require_signed_in(actor)
    if not (title or "").strip():
        raise ServiceError("required", _("Please give a title."), field="title")
    if not (description or "").strip():
        raise ServiceError("required", _("Please describe the application."), field="description")
    if not (url or "").startswith(("https://", "http://")):
        raise ServiceError(
            "invalid", _("Give the application's web address (https://…)."), field="url"
        )
    names = []
    for name in datasets:
        name = name.strip()
        if not name or name in names:
            continue
        if selectors.get_entry(name) is None:
            raise ServiceError(
                "invalid", _("Unknown dataset “%(name)s”.") % {"name": name}, field="datasets"
            )
        names.append(name)
    if not names:
        raise ServiceError(
            "required", _("Name at least one dataset the application uses."), field="datasets"
        )
    showcase = Showcase.objects.create(
        title=title.strip()[:200],
        description=description.strip(),
        url=url.strip()[:500],
        datasets=names,
        submitted_by=actor,
        created_at=clock.now(),
    )
    audit.record(actor=actor, verb="open_data.showcase_submitted", target=showcase)
    return showcase


@transaction.atomic
def showcase_moderate(*, actor: Any, showcase: Showcase, approve: bool, note: str = "") -> Showcase:
    """Publish or turn down a submitted application (moderators only)."""
    if not permissions.can_moderate_showcases(actor):
        raise NotFound(_("No such application."))
    showcase = Showcase.objects.select_for_update().get(pk=showcase.pk)
    if showcase.status != Showcase.Status.PENDING:
        raise Conflict("already_moderated", _("This application has already been reviewed."))
    showcase.status = Showcase.Status.APPROVED if approve else Showcase.Status.REJECTED
    showcase.moderated_by = actor
    showcase.moderated_at = clock.now()
    showcase.moderation_note = (note or "").strip()[:500]
    showcase.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
    audit.record(
        actor=actor,
        verb="open_data.showcase_approved" if approve else "open_data.showcase_rejected",
        target=showcase,
        changes={"note_given": bool(showcase.moderation_note)},
        public=approve,
    )
    return showcase
