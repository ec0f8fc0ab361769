"""Who may do what in procurement. Everyone reads published processes, flags and projects.

Importing OCDS data and refreshing flags is for platform operators and officials of the
procurement keeper agencies (`jurisdiction().procurement.keeper_agencies`: the Public
Construction Commission and the Agency Against Corruption). An integrity project is run by
officials of its agency (documents, milestones, answers) and followed by its monitors (notes);
signed-in people ask questions. Unpublished projects are seen only by those who run them.
Forbidden looks like not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from opengov.accounts.permissions import (
    acts_for_agency,
    agency_scope_q,
    is_signed_in,
    serves_agencies,
)
from opengov.core.errors import NotFound
from opengov.core.jurisdiction import jurisdiction

from .models import ImportRun, IntegrityProject, ProjectMonitor


def is_keeper(user: Any) -> bool:
    """Operators, and officials of a procurement keeper agency (or one of its units)."""
    return serves_agencies(user, jurisdiction().procurement.keeper_agencies)


def require_keeper(user: Any) -> None:
    """Refuse (as not found) anyone who may not import data or set up projects."""
    if not is_keeper(user):
        raise NotFound(_("Not found."))


def visible_import_runs(user: Any) -> QuerySet[ImportRun]:
    """Import runs: only for keepers."""
    if not is_keeper(user):
        return ImportRun.objects.none()
    return ImportRun.objects.all()


def runs_project(user: Any, project: IntegrityProject) -> bool:
    """Keepers and officials acting for the project's agency run it."""
    return is_keeper(user) or (is_signed_in(user) and acts_for_agency(user, project.agency))


def monitor_of(user: Any, project: IntegrityProject) -> ProjectMonitor | None:
    """The user's monitor seat on the project, if any."""
    if not is_signed_in(user):
        return None
    return ProjectMonitor.objects.filter(project=project, user=user).first()


def visible_projects(user: Any) -> QuerySet[IntegrityProject]:
    """Published projects for everyone; unpublished ones for those who run or monitor them."""
    base = IntegrityProject.objects.select_related("agency")
    if is_keeper(user):
        return base
    if not is_signed_in(user):
        return base.filter(published=True)
    scope = Q(published=True) | Q(monitors__user=user) | agency_scope_q(user)
    return base.filter(scope).distinct()
