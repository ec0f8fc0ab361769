"""Writes to core tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, clock
from .errors import ServiceError
from .models import ContentTranslation, Holiday, OutboundMessage


@dataclass
class ImportReport:
    """The outcome of an all-or-nothing import: rows taken, or every rejected row and why."""

    accepted: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.errors


def decode_upload(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else Big5/CP950; else refuse."""
    for encoding in ("utf-8-sig", "cp950", "big5"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("The file is neither UTF-8 nor Big5; please save it as UTF-8.")


def holidays_import(*, actor: Any, calendar: str, data: bytes) -> ImportReport:
    """Load a holiday list (CSV: date,name[,kind]) for one calendar, all or nothing.

    Rows for the same dates replace the old ones; kind is `holiday` (default) or `workday`.
    """
    report = ImportReport()
    try:
        text = decode_upload(data)
    except ValueError as exc:
        report.errors.append((0, "", str(exc)))
        return report
    reader = csv.DictReader(io.StringIO(text))
    missing = {"date", "name"} - set(reader.fieldnames or [])
    if missing:
        report.errors.append((1, ",".join(sorted(missing)), "missing column(s) in the header"))
        return report
    rows: dict[dt.date, tuple[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        try:
            day = dt.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            report.errors.append((line, "date", f"not a date (YYYY-MM-DD): {row.get('date')!r}"))
            continue
        name = (row.get("name") or "").strip()
        if not name:
            report.errors.append((line, "name", "the name is empty"))
            continue
        kind = (row.get("kind") or "holiday").strip() or "holiday"
        if kind not in Holiday.Kind.values:
            report.errors.append((line, "kind", f"kind must be holiday or workday, not {kind!r}"))
            continue
        if day in rows:
            report.errors.append((line, "date", f"{day} is listed twice"))
            continue
        rows[day] = (name[:200], kind)
    if report.errors:
        return report
    with transaction.atomic():
        Holiday.objects.filter(calendar=calendar, date__in=rows).delete()
        Holiday.objects.bulk_create(
            Holiday(calendar=calendar, date=d, name=n, kind=k) for d, (n, k) in rows.items()
        )
        audit.record(
            actor=actor,
            verb="calendar.holidays_imported",
            changes={"calendar": calendar, "rows": len(rows)},
        )
    report.accepted = len(rows)
    return report


def outbox_erase(*, user_id: int | None, addresses: set[str] | list[str]) -> int:
    """Erase outbox rows sent for an account or to any of its addresses (closing an account).

    Returns how many rows went. Addresses are matched without regard to case.
    """
    from django.db.models import Q

    query = Q(user_id=user_id) if user_id else Q(pk__in=[])
    for address in {a.strip() for a in addresses if a and a.strip()}:
        query |= Q(recipient__iexact=address)
    deleted, _by_model = OutboundMessage.objects.filter(query).delete()
    return deleted


@transaction.atomic
def outbox_retry(*, actor: Any, message: OutboundMessage) -> OutboundMessage:
    """Send a dead letter again (operators): queued now, `sent` or `failed` after the job."""
    from . import clock
    from .errors import Conflict, NotFound
    from .tasks import send_email, send_sms

    if not (
        getattr(actor, "is_authenticated", False)
        and (getattr(actor, "is_moderator", False) or getattr(actor, "is_superuser", False))
    ):
        raise NotFound()
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboundMessage.Status.FAILED:
        raise Conflict("not_failed", _("Only a message that failed can be sent again."))
    message.status = OutboundMessage.Status.QUEUED
    message.updated_at = clock.now()
    message.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        verb="outbox.retried",
        changes={"message": message.pk, "channel": message.channel},
    )
    fields = {"user_id": message.user_id, "sensitive": message.sensitive, "message_id": message.pk}
    if message.channel == OutboundMessage.Channel.SMS:
        job = lambda: send_sms.delay(phone=message.recipient, text=message.body, **fields)  # noqa: E731
    else:
        job = lambda: send_email.delay(  # noqa: E731
            to=message.recipient, subject=message.subject, body=message.body, **fields
        )
    transaction.on_commit(job)
    return message


@transaction.atomic
def content_translation_set(
    *, actor: Any, obj: Any, field: str, language: str, text: str
) -> ContentTranslation | None:
    """Save the translation of `obj.field` into `language`, or remove it when `text` is empty.

    Only registered fields (`core.translations.register_translatable`), only shipped languages
    other than the original, only by the users the owning app allows. Public in the audit log.
    """
    from django.contrib.contenttypes.models import ContentType

    from .errors import Forbidden
    from .translations import translatable_for, translation_languages

    entry = translatable_for(obj)
    if entry is None or field not in entry.fields:
        raise ServiceError("invalid", _("This field cannot be translated."), field="field")
    if not entry.may_translate(actor, obj):
        raise Forbidden(_("Only the people who may edit this record may translate it."))
    if language not in dict(translation_languages()):
        raise ServiceError("invalid", _("Unknown language."), field="language")
    text = (text or "").replace("\x00", "").strip()
    if len(text) > entry.max_length:
        raise ServiceError(
            "too_long",
            _("At most %(n)d characters.") % {"n": entry.max_length},
            field=field,
        )
    now = clock.now()
    content_type = ContentType.objects.get_for_model(obj)
    key = {"content_type": content_type, "object_id": obj.pk, "field": field, "language": language}
    verb = "core.translation_saved"
    row: ContentTranslation | None = None
    if text:
        row, _created = ContentTranslation.objects.update_or_create(
            **key,
            defaults={"text": text, "translated_by": actor, "updated_at": now},
        )
    else:
        deleted, _kinds = ContentTranslation.objects.filter(**key).delete()
        if not deleted:
            return None
        verb = "core.translation_removed"
    obj.__dict__.pop("_content_translations", None)  # what `translated` read is stale
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        # a record's translations are part of it: feeds and dataset dates move with them
        type(obj)._default_manager.filter(pk=obj.pk).update(updated_at=now)
    audit.record(
        actor=actor,
        verb=verb,
        target=obj,
        changes={"field": field, "language": language},
        public=True,
    )
    return row
