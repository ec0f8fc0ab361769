"""Reads of core tables."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from . import audit
from .calendar import Calendar
from .jurisdiction import jurisdiction
from .models import AuditEvent, Holiday, OutboundMessage


def calendar_for(code: str | None = None) -> Calendar:
    """The working-day calendar of a jurisdiction (the one in force by default)."""
    code = code or jurisdiction().holiday_calendar
    holidays, workdays = [], []
    for day, kind in Holiday.objects.filter(calendar=code).values_list("date", "kind"):
        (workdays if kind == Holiday.Kind.WORKDAY else holidays).append(day)
    return Calendar.of(holidays, workdays)


def public_audit_events(verb: str = "") -> QuerySet[AuditEvent]:
    """Audit events marked public, newest first (the public action log).

    With `verb`, only that verb's events, including those stored under its old names.
    """
    events = AuditEvent.objects.filter(public=True)
    if verb:
        events = events.filter(verb__in=audit.stored_verbs(verb))
    return events.order_by("-seq")


def _own_addresses(viewer: Any) -> set[str]:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return set()
    return {a for a in (getattr(viewer, "email", ""), getattr(viewer, "phone", "")) if a}


def owns_message(viewer: Any, message: OutboundMessage) -> bool:
    """True when `viewer` is the message's recipient: the account it was sent for, or (for a
    message sent for no account) the holder of its address."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if message.user_id is not None:
        return message.user_id == viewer.pk
    return message.recipient.lower() in {a.lower() for a in _own_addresses(viewer)}


def outbox_messages(
    *, recipient: str | None = None, viewer: Any = None, everyone: bool = False
) -> QuerySet[OutboundMessage]:
    """Messages in the outbox, newest first, optionally for one recipient.

    With `everyone` (operators) every message; otherwise only the viewer's own.
    """
    qs = OutboundMessage.objects.all()
    if not everyone:
        addresses = _own_addresses(viewer)
        if not addresses:
            return qs.none()
        own = Q(user_id=viewer.pk)
        for address in addresses:
            own |= Q(user__isnull=True, recipient__iexact=address)
        qs = qs.filter(own)
    if recipient:
        qs = qs.filter(recipient=recipient)
    return qs.order_by("-created_at", "-id")


_LINK = re.compile(r"https?://\S+")
_CODE = re.compile(r"(?<![\w-])\d{4,8}(?![\w-])")


def redact_secrets(text: str) -> str:
    """A sensitive message as others may see it: every link and code replaced."""
    text = _LINK.sub("[link hidden: only its recipient sees it]", text)
    return _CODE.sub("••••••", text)


_TOKEN_LINK = re.compile(r"https?://\S*/[A-Za-z0-9_-]{20,}/?\S*")
_SIX_DIGITS = re.compile(r"(?<![\w-])\d{6}(?![\w-])")


def redact_likely_secrets(text: str) -> str:
    """Any message as others may see it: links carrying a token and 6-digit codes hidden
    (in case a code was ever sent without being marked sensitive)."""
    text = _TOKEN_LINK.sub("[link hidden: only its recipient sees it]", text)
    return _SIX_DIGITS.sub("••••••", text)


def outbox_body(viewer: Any, message: OutboundMessage) -> str:
    """The body `viewer` may read: whole for its recipient, codes and links hidden otherwise."""
    if owns_message(viewer, message):
        return message.body
    if message.sensitive:
        return redact_secrets(message.body)
    return redact_likely_secrets(message.body)
