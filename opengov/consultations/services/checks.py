"""What the consultation services share: permission checks and checks of typed-in values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core.errors import Forbidden, NotFound, ServiceError
from opengov.core.selectors import calendar_for
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    Consultation,
    Topic,
)
from ..permissions import can_manage

ATTACHMENT_EXTENSIONS = (".pdf", ".odt", ".docx", ".doc", ".txt", ".md", ".csv", ".xlsx", ".ods")


def _date(day: dt.date) -> str:
    return formats.date_format(day, "Y-m-d")


def _require_manager(actor: Any, consultation: Consultation) -> None:
    require_signed_in(actor)
    if not can_manage(actor, consultation):
        if consultation.published_at is None:
            raise NotFound()
        raise Forbidden(_("Only officials of the agency that owns this consultation can do this."))


def _required_text(value: str, field: str, label: str, max_length: int | None = None) -> str:
    text = clean_plain(value or "")
    if not text:
        raise ServiceError("required", _("%(field)s is required.") % {"field": label}, field=field)
    if max_length and len(text) > max_length:
        raise ServiceError(
            "too_long",
            _("%(field)s can have at most %(n)d characters.") % {"field": label, "n": max_length},
            field=field,
        )
    return text


def _check_choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ServiceError("invalid", _("Choose one of the listed options."), field=field)
    return value


def _check_foreign(topic: str, foreign: bool) -> None:
    if foreign and not rules.foreign_residents_allowed(topic):
        raise ServiceError(
            "foreign_residents_topic",
            _("Foreign residents may comment only on these topics: %(topics)s.")
            % {
                "topics": ", ".join(
                    str(Topic(t).label) if t in Topic.values else t
                    for t in rules.section().foreign_resident_topics
                )
                or "—"
            },
            field="foreign_residents_may_comment",
        )


def _check_period(kind: str, published_on: dt.date, closes_on: dt.date) -> None:
    earliest = rules.earliest_last_day(kind, published_on, calendar_for())
    if closes_on < earliest:
        period = rules.min_period(kind)
        raise ServiceError(
            "period_too_short",
            _(
                "Comments must be taken for at least %(period)s; published on %(published)s, "
                "the earliest last day is %(earliest)s."
            )
            % {"period": period, "published": _date(published_on), "earliest": _date(earliest)},
            field="closes_on",
        )
