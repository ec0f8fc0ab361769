"""A consultation: creating, editing and publishing it, and the space it belongs to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opengov.accounts.models import Agency
from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock, scopes
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.selectors import calendar_for
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    Consultation,
    Kind,
    State,
    Topic,
)
from .checks import (
    _check_choice,
    _check_foreign,
    _check_period,
    _date,
    _require_manager,
    _required_text,
)

# --- consultations ---------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    agency: Agency,
    kind: str,
    title: str,
    summary: str,
    legal_basis: str = "",
    contact: str = "",
    closes_on: dt.date | None = None,
    topic: str = Topic.GENERAL,
    foreign_residents_may_comment: bool = False,
    is_amendment: bool = False,
    easy_read_summary: str = "",
) -> Consultation:
    """Create an unpublished consultation owned by `agency` (its officials only).

    `closes_on` (the last day for comments) defaults to the earliest day the profile allows
    if published today; the minimum is checked again at publication.
    """
    require_signed_in(actor)
    from opengov.accounts.permissions import acts_for_agency

    if not acts_for_agency(actor, agency):
        raise Forbidden(_("Only officials of this agency can open a consultation for it."))
    _check_choice(kind, Kind, "kind")
    _check_choice(topic, Topic, "topic")
    _check_foreign(topic, foreign_residents_may_comment)
    today = clock.today()
    if closes_on is None:
        closes_on = rules.earliest_last_day(kind, today, calendar_for())
    else:
        _check_period(kind, today, closes_on)
    now = clock.now()
    consultation = Consultation.objects.create(
        agency=agency,
        kind=kind,
        topic=topic,
        title=_required_text(title, "title", _("Title"), 200),
        summary=_required_text(summary, "summary", pgettext("consultation", "Summary"), 20000),
        easy_read_summary=_easy_read(easy_read_summary),
        legal_basis=clean_plain(legal_basis)[:500],
        contact=clean_plain(contact)[:500],
        is_amendment=bool(is_amendment),
        foreign_residents_may_comment=bool(foreign_residents_may_comment),
        closes_on=closes_on,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor,
        verb="consultation.created",
        target=consultation,
        agency_code=agency.code,
        changes={"kind": kind, "closes_on": closes_on},
    )
    return consultation


def _easy_read(text: str | None) -> str:
    """An easy-read summary: optional, at most 5,000 characters, kept as written."""
    text = (text or "").strip()
    if len(text) > 5000:
        raise ServiceError(
            "too_long",
            _("%(field)s can have at most %(n)d characters.")
            % {"field": _("Easy-read summary"), "n": 5000},
            field="easy_read_summary",
        )
    return text


EDITABLE_BEFORE_PUBLICATION = (
    "kind",
    "topic",
    "title",
    "summary",
    "easy_read_summary",
    "legal_basis",
    "contact",
    "closes_on",
    "is_amendment",
    "foreign_residents_may_comment",
)
# The easy-read summary is an aid to reading the notice, not part of it: it may be added or
# improved while comments are open (each change is in the audit log).
EDITABLE_WHILE_OPEN = ("contact", "closes_on", "easy_read_summary")


@transaction.atomic
def consultation_update(*, actor: Any, consultation: Consultation, **changes: Any) -> Consultation:
    """Change fields: any before publication; while open only the contact, and the last day
    may be moved later (never earlier); nothing once closed."""
    _require_manager(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    state = consultation.state
    allowed = EDITABLE_BEFORE_PUBLICATION if state == State.DRAFT else EDITABLE_WHILE_OPEN
    if state in (State.CLOSED, State.REPORTED):
        raise Conflict("closed", _("A closed consultation can no longer be edited."))
    unknown = set(changes) - set(EDITABLE_BEFORE_PUBLICATION)
    if unknown:
        raise ServiceError("invalid", _("Unknown field."), field=sorted(unknown)[0])
    for name in changes:
        if name not in allowed:
            raise Conflict(
                "published",
                _("This cannot change after publication; only the contact and a later last day."),
            )
    if "closes_on" in changes and not isinstance(changes["closes_on"], dt.date):
        raise ServiceError("required", _("Give the last day for comments."), field="closes_on")
    old = {name: getattr(consultation, name) for name in changes}
    if "title" in changes:
        changes["title"] = _required_text(changes["title"], "title", _("Title"), 200)
    if "summary" in changes:
        changes["summary"] = _required_text(
            changes["summary"], "summary", pgettext("consultation", "Summary"), 20000
        )
    if "easy_read_summary" in changes:
        changes["easy_read_summary"] = _easy_read(changes["easy_read_summary"])
    for name in ("legal_basis", "contact"):
        if name in changes:
            changes[name] = clean_plain(changes[name] or "")[:500]
    if "kind" in changes:
        _check_choice(changes["kind"], Kind, "kind")
    if "topic" in changes:
        _check_choice(changes["topic"], Topic, "topic")
    for name, value in changes.items():
        setattr(consultation, name, value)
    _check_foreign(consultation.topic, consultation.foreign_residents_may_comment)
    if "closes_on" in changes or "kind" in changes:
        if state == State.DRAFT:
            _check_period(consultation.kind, clock.today(), consultation.closes_on)
        elif consultation.closes_on < old["closes_on"]:
            raise ServiceError(
                "period_shortened",
                _("The last day can be moved later, never earlier (it was %(day)s).")
                % {"day": _date(old["closes_on"])},
                field="closes_on",
            )
    consultation.updated_at = clock.now()
    consultation.save()
    audit.record(
        actor=actor,
        verb="consultation.updated",
        target=consultation,
        agency_code=consultation.agency.code,
        public=state != State.DRAFT,
        changes={
            "fields": sorted(changes),
            # codes and dates, never the text written
            **{
                name: [old[name], getattr(consultation, name)]
                for name in ("kind", "topic", "closes_on", "is_amendment")
                if name in changes
            },
        },
    )
    return consultation


@transaction.atomic
def consultation_publish(*, actor: Any, consultation: Consultation) -> Consultation:
    """Publish: comments open now and close at the end of `closes_on`.

    Refused when the period is shorter than the profile's minimum for the kind (60 days for
    draft regulations in Taiwan), or a draft regulation has no articles.
    """
    _require_manager(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.published_at is not None:
        raise Conflict("already_published", _("This consultation is already published."))
    if consultation.kind == Kind.DRAFT_REGULATION and not consultation.articles.exists():
        raise ServiceError(
            "no_articles",
            _("A draft regulation needs its articles before it can be published."),
            field="articles",
        )
    _check_period(consultation.kind, clock.today(), consultation.closes_on)
    consultation.published_at = clock.now()
    consultation.updated_at = consultation.published_at
    consultation.save(update_fields=["published_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="consultation.published",
        target=consultation,
        agency_code=consultation.agency.code,
        public=True,
        changes={"closes_on": consultation.closes_on},
    )
    return consultation


@transaction.atomic
def consultation_set_space(*, actor: Any, consultation: Consultation, space: str) -> Consultation:
    """Hold the consultation in a participation space (blank: the national platform only);
    officials of the owning agency, for a space that lets them in (`core.scopes`)."""
    _require_manager(actor, consultation)
    refusal = scopes.entry_refusal(space, actor)
    if refusal:
        raise Forbidden(refusal, code="space_refused")
    consultation.space = space
    consultation.updated_at = clock.now()
    consultation.save(update_fields=["space", "updated_at"])
    audit.record(
        actor=actor,
        verb="consultation.space_set",
        target=consultation,
        changes={"space": space},
        public=True,
    )
    return consultation
