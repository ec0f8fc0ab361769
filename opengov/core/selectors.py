"""Reads of core tables."""

from __future__ import annotations

from django.db.models import QuerySet

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


def public_audit_events() -> QuerySet[AuditEvent]:
    """Audit events marked public, newest first (the public action log)."""
    return AuditEvent.objects.filter(public=True).order_by("-seq")


def outbox_messages(*, recipient: str | None = None) -> QuerySet[OutboundMessage]:
    """Messages in the outbox, newest first, optionally for one recipient."""
    qs = OutboundMessage.objects.all()
    if recipient:
        qs = qs.filter(recipient=recipient)
    return qs.order_by("-created_at", "-id")
