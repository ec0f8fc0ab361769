"""Reads of accounts tables."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Agency


def active_agencies() -> QuerySet[Agency]:
    """Active agencies in tree order."""
    return Agency.objects.filter(active=True).order_by("path")


def agency_by_code(code: str) -> Agency | None:
    """The active agency with this code, or None."""
    return Agency.objects.filter(code=code, active=True).first()


def agency_subtree(agency: Agency) -> QuerySet[Agency]:
    """An agency and all its sub-units."""
    return Agency.objects.filter(path__startswith=agency.path)
