"""Policy areas, plans, their thematic areas and task force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import is_moderator
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.text import clean_plain

from ..models import ActionPlan, PlanStatus, PolicyArea, TaskForceMember, ThematicArea
from .checks import (
    LANGS,
    RESERVED_SLUGS,
    _bump,
    _date,
    _require_manager,
    _required,
    _status,
    _whole_number,
)


# --- taxonomy and plans -----------------------------------------------------------------------
@transaction.atomic
def policy_area_save(
    *, actor: Any, slug: str, name_zh_hant: str, name_en: str = "", order: int = 0
) -> PolicyArea:
    """Add or rename an OGP policy area (platform operators; `actor=None` for seeding)."""
    if actor is not None and not is_moderator(actor):
        raise Forbidden(_("Only platform operators edit the policy-area taxonomy."))
    slug = _required(slug, "slug", _("Give the policy area a code.")).lower()
    name = _required(name_zh_hant, "name_zh_hant", _("Give the policy area a name."))
    area, created = PolicyArea.objects.update_or_create(
        slug=slug, defaults={"name_zh_hant": name, "name_en": clean_plain(name_en), "order": order}
    )
    audit.record(
        actor=actor,
        verb="policy_area.created" if created else "policy_area.updated",
        target=area,
        public=True,
        changes={"slug": slug},
    )
    return area


def _plan_slug(value: Any) -> str:
    """A plan's short name as typed, lower-cased; refused when it is empty, too long, not
    letters, digits and hyphens, or a path segment of the plan pages."""
    slug = _required(value, "slug", _("Give the plan a short name.")).lower()
    if slug in RESERVED_SLUGS or not slug.replace("-", "").isalnum() or len(slug) > 64:
        raise ServiceError(
            "invalid_slug",
            _("Use letters, digits and hyphens, and not one of: %(words)s.")
            % {"words": ", ".join(RESERVED_SLUGS)},
            field="slug",
        )
    return slug


def _check_slug_free(slug: str, plan: ActionPlan | None = None) -> None:
    if ActionPlan.objects.filter(slug=slug).exclude(pk=getattr(plan, "pk", None)).exists():
        raise Conflict("slug_taken", _("A plan with this short name exists."), field="slug")


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    slug: str,
    number: int,
    title_zh_hant: str,
    title_en: str = "",
    start_date: dt.date,
    end_date: dt.date,
    status: str = PlanStatus.DRAFTING,
    summary_zh_hant: str = "",
    summary_en: str = "",
) -> ActionPlan:
    """Open a new action-plan cycle (platform operators; `actor=None` for seeding)."""
    if actor is not None and not is_moderator(actor):
        raise Forbidden(_("Only platform operators open a new action plan."))
    slug = _plan_slug(slug)
    title = _required(title_zh_hant, "title_zh_hant", _("Give the plan a title."))
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    if end < start:
        raise ServiceError(
            "end_before_start", _("The end date cannot be before the start date."), field="end_date"
        )
    if ActionPlan.objects.filter(number=number).exists():
        raise Conflict("number_taken", _("A plan with this number exists."), field="number")
    _check_slug_free(slug)
    now = clock.now()
    plan = ActionPlan.objects.create(
        slug=slug,
        number=number,
        title_zh_hant=title,
        title_en=clean_plain(title_en),
        summary_zh_hant=clean_plain(summary_zh_hant),
        summary_en=clean_plain(summary_en),
        start_date=start,
        end_date=end,
        status=_status(status, PlanStatus.values),
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor, verb="action_plan.created", target=plan, public=True, changes={"slug": slug}
    )
    return plan


@transaction.atomic
def plan_set_status(*, actor: Any, plan: ActionPlan, status: str) -> ActionPlan:
    """Move a plan to another stage of its cycle (plan managers)."""
    _require_manager(actor, plan)
    status = _status(status, PlanStatus.values)
    old = plan.status
    plan.status = status
    plan.updated_at = clock.now()
    plan.save(update_fields=["status", "updated_at"])
    _bump(plan)
    audit.record(
        actor=actor,
        verb="action_plan.status_changed",
        target=plan,
        public=True,
        changes={"from": old, "to": status},
    )
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan: ActionPlan, **fields: Any) -> ActionPlan:
    """Change a plan's number, short name, titles, summaries or dates (plan managers; the status
    moves with `plan_set_status`). Only the fields given change; the plan's commitments must
    stay within its dates."""
    _require_manager(actor, plan)
    allowed = {"slug", "number", "start_date", "end_date"}
    allowed |= {f"{f}_{lang}" for f in ("title", "summary") for lang in LANGS}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError("unknown_field", _("Unknown field."), field=sorted(unknown)[0])
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "slug":
            value = _plan_slug(value)
            _check_slug_free(value, plan)
        elif name == "number":
            value = _whole_number(value, "number")
            if ActionPlan.objects.filter(number=value).exclude(pk=plan.pk).exists():
                raise Conflict("number_taken", _("A plan with this number exists."), field="number")
        elif name in ("start_date", "end_date"):
            value = _date(value, name)
        else:
            value = clean_plain(str(value or ""))
            if name == "title_zh_hant" and not value:
                raise ServiceError("required", _("Give the plan a title."), field=name)
        if getattr(plan, name) != value:
            changed[name] = value
    start = changed.get("start_date", plan.start_date)
    end = changed.get("end_date", plan.end_date)
    if end < start:
        raise ServiceError(
            "end_before_start", _("The end date cannot be before the start date."), field="end_date"
        )
    if ("start_date" in changed or "end_date" in changed) and plan.commitments.exclude(
        start_date__gte=start, end_date__lte=end
    ).exists():
        raise ServiceError(
            "commitments_outside",
            _("Some commitments would fall outside these dates; move them first."),
            field="start_date" if "start_date" in changed else "end_date",
        )
    if not changed:
        return plan
    for name, value in changed.items():
        setattr(plan, name, value)
    plan.updated_at = clock.now()
    plan.save(update_fields=[*changed, "updated_at"])
    _bump(plan)
    audit.record(
        actor=actor,
        verb="action_plan.updated",
        target=plan,
        public=True,
        changes={"fields": sorted(changed)},
    )
    return plan


@transaction.atomic
def thematic_area_add(
    *, actor: Any, plan: ActionPlan, name_zh_hant: str, name_en: str = "", order: int = 0
) -> ThematicArea:
    """Add a thematic area to a plan (plan managers; `actor=None` for seeding)."""
    if actor is not None:
        _require_manager(actor, plan)
    name = _required(name_zh_hant, "name_zh_hant", _("Give the area a name."))
    area = ThematicArea.objects.create(
        plan=plan, name_zh_hant=name, name_en=clean_plain(name_en), order=order
    )
    _bump(plan)
    audit.record(actor=actor, verb="thematic_area.added", target=area, public=True)
    return area


@transaction.atomic
def thematic_area_remove(*, actor: Any, area: ThematicArea) -> None:
    """Take a thematic area off a plan (plan managers); refused while commitments use it."""
    plan = area.plan
    _require_manager(actor, plan)
    if area.commitments.exists():
        raise Conflict(
            "area_in_use",
            _("“%(name)s” is the area of some commitments; move them to another area first.")
            % {"name": area.name_zh_hant},
            field="remove_areas",
        )
    audit.record(actor=actor, verb="thematic_area.removed", target=area, public=True)
    area.delete()
    _bump(plan)


@transaction.atomic
def task_force_member_add(
    *,
    actor: Any,
    plan: ActionPlan,
    user: Any,
    sector: str,
    organisation: str = "",
    is_co_convener: bool = False,
) -> TaskForceMember:
    """Seat a person on the plan's task force (plan managers; `actor=None` for seeding)."""
    if actor is not None:
        _require_manager(actor, plan)
    sector = _status(sector, TaskForceMember.Sector.values, field="sector")
    if TaskForceMember.objects.filter(plan=plan, user=user).exists():
        raise Conflict("already_member", _("This person already sits on the task force."))
    member = TaskForceMember.objects.create(
        plan=plan,
        user=user,
        sector=sector,
        organisation=clean_plain(organisation)[:200],
        is_co_convener=bool(is_co_convener),
        joined_at=clock.now(),
    )
    _bump(plan)
    audit.record(
        actor=actor,
        verb="task_force.member_added",
        target=member,
        public=True,
        changes={"sector": sector, "co_convener": bool(is_co_convener)},
    )
    return member


@transaction.atomic
def task_force_member_remove(*, actor: Any, member: TaskForceMember) -> None:
    """Take a seat off the plan's task force (plan managers)."""
    _require_manager(actor, member.plan)
    plan = member.plan
    audit.record(
        actor=actor,
        verb="task_force.member_removed",
        target=member,
        public=True,
        changes={"sector": member.sector},
    )
    member.delete()
    _bump(plan)
