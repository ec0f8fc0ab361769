"""Every write to action plans: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event.

Bad input is refused with a ServiceError naming the field; a refused write changes nothing.
Every write under a plan bumps `ActionPlan.revision`, the key of cached dashboards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.accounts.permissions import is_moderator, require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.text import clean_plain

from . import rules
from .models import (
    ActionPlan,
    Assessment,
    Commitment,
    CommitmentValue,
    Completion,
    Evidence,
    FollowUpDecision,
    Milestone,
    MilestoneStatus,
    OpenedGovernment,
    PlanStatus,
    PolicyArea,
    Potential,
    ProgressUpdate,
    TaskForceMember,
    ThematicArea,
    UpdateComment,
)
from .permissions import (
    assesses,
    comments_on_updates,
    edits_commitment,
    manages_plan,
    reports_for,
)

LANGS = ("zh_hant", "en")
#: path segments of the action-plan pages that a plan's short name cannot take
RESERVED_SLUGS = ("commitments", "milestones", "updates", "new")
COMMITMENT_TEXT_FIELDS = (
    "actors_government",
    "actors_civil_society",
    "actors_private_sector",
    "problem",
    "description",
    "how_it_helps",
    "budget",
    "other_plans",
)


# --- helpers ----------------------------------------------------------------------------------
def _bump(plan: ActionPlan) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1, updated_at=clock.now())


def _required(value: Any, field: str, message: str) -> str:
    text = clean_plain(str(value or ""))
    if not text:
        raise ServiceError("required", message, field=field)
    return text


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ServiceError("invalid_date", _("Enter a date as YYYY-MM-DD."), field=field) from None


def _check_span(
    start: dt.date, end: dt.date, outer_start: dt.date, outer_end: dt.date, outer: str
) -> None:
    problem = rules.dates_problem(start, end, outer_start, outer_end)
    if problem == "end_before_start":
        raise ServiceError(
            "end_before_start", _("The end date cannot be before the start date."), field="end_date"
        )
    if problem == "starts_before":
        raise ServiceError(
            "outside_dates",
            _("The start date must be on or after %(outer)s's start (%(date)s).")
            % {"outer": outer, "date": outer_start.isoformat()},
            field="start_date",
        )
    if problem == "ends_after":
        raise ServiceError(
            "outside_dates",
            _("The end date must be on or before %(outer)s's end (%(date)s).")
            % {"outer": outer, "date": outer_end.isoformat()},
            field="end_date",
        )


def _progress(value: Any) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    problem = rules.progress_problem(value)
    if problem:
        raise ServiceError(
            "invalid_progress",
            _("Progress is a whole percentage from 0 to 100."),
            field="progress",
        )
    return value


def _weight(value: Any) -> Decimal:
    if rules.weight_problem(value if value not in (None, "") else "x"):
        raise ServiceError(
            "invalid_weight", _("The weight must be a number greater than zero."), field="weight"
        )
    try:
        weight = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ServiceError(
            "invalid_weight", _("The weight must be a number greater than zero."), field="weight"
        ) from None
    if weight <= 0 or weight >= Decimal("100000"):
        raise ServiceError(
            "invalid_weight",
            _("The weight must be a number greater than zero (and below 100,000)."),
            field="weight",
        )
    return weight


def _status(value: Any, choices: Iterable[str], field: str = "status") -> str:
    value = str(value or "")
    if value not in choices:
        raise ServiceError("invalid_choice", _("Choose one of the listed values."), field=field)
    return value


def _translated(data: dict[str, Any], base: str) -> dict[str, str]:
    return {f"{base}_{lang}": clean_plain(str(data.get(f"{base}_{lang}") or "")) for lang in LANGS}


def _require_manager(actor: Any, plan: ActionPlan) -> None:
    require_signed_in(actor)
    if not manages_plan(actor, plan):
        raise Forbidden(_("Only the plan's co-conveners and platform operators can do this."))


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
        slug=slug,
        defaults={"name_zh_hant": name, "name_en": clean_plain(name_en), "order": order},
    )
    audit.record(
        actor=actor,
        verb="policy_area.created" if created else "policy_area.updated",
        target=area,
        public=True,
        changes={"slug": slug},
    )
    return area


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    slug: str,
    number: int,
    title_zh_hant: str,
    title_en: str = "",
    start_date: Any,
    end_date: Any,
    status: str = PlanStatus.DRAFTING,
    summary_zh_hant: str = "",
    summary_en: str = "",
) -> ActionPlan:
    """Open a new action-plan cycle (platform operators; `actor=None` for seeding)."""
    if actor is not None and not is_moderator(actor):
        raise Forbidden(_("Only platform operators open a new action plan."))
    slug = _required(slug, "slug", _("Give the plan a short name.")).lower()
    if slug in RESERVED_SLUGS or not slug.replace("-", "").isalnum() or len(slug) > 64:
        raise ServiceError(
            "invalid_slug",
            _("Use letters, digits and hyphens, and not one of: %(words)s.")
            % {"words": ", ".join(RESERVED_SLUGS)},
            field="slug",
        )
    title = _required(title_zh_hant, "title_zh_hant", _("Give the plan a title."))
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    if end < start:
        raise ServiceError(
            "end_before_start", _("The end date cannot be before the start date."), field="end_date"
        )
    if ActionPlan.objects.filter(number=number).exists():
        raise Conflict("number_taken", _("A plan with this number exists."), field="number")
    if ActionPlan.objects.filter(slug=slug).exists():
        raise Conflict("slug_taken", _("A plan with this short name exists."), field="slug")
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
            value = _required(value, "slug", _("Give the plan a short name.")).lower()
            if value in RESERVED_SLUGS or not value.replace("-", "").isalnum() or len(value) > 64:
                raise ServiceError(
                    "invalid_slug",
                    _("Use letters, digits and hyphens, and not one of: %(words)s.")
                    % {"words": ", ".join(RESERVED_SLUGS)},
                    field="slug",
                )
            if ActionPlan.objects.filter(slug=value).exclude(pk=plan.pk).exists():
                raise Conflict("slug_taken", _("A plan with this short name exists."), field="slug")
        elif name == "number":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ServiceError(
                    "invalid_number", _("Enter a whole number."), field="number"
                ) from None
            if value < 1:
                raise ServiceError("invalid_number", _("Enter a whole number."), field="number")
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
    audit.record(
        actor=actor,
        verb="thematic_area.removed",
        target=area,
        public=True,
    )
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


# --- commitments ------------------------------------------------------------------------------
def _clean_values(values: Sequence[dict[str, Any]] | None) -> list[dict[str, str]]:
    allowed = jurisdiction().action_plans.values
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in values or ():
        value = str(item.get("value") or "")
        if rules.unknown_values([value], allowed):
            raise ServiceError(
                "unknown_value",
                _("Unknown value “%(value)s”; choose from: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)},
                field="values",
            )
        if value in seen:
            continue
        seen.add(value)
        texts = _translated(item, "justification")
        if not (texts["justification_zh_hant"] or texts["justification_en"]):
            raise ServiceError(
                "justification_required",
                _("Say briefly why the commitment is relevant to “%(value)s”.") % {"value": value},
                field=f"justification_{value}",
            )
        cleaned.append({"value": value, **texts})
    return cleaned


def _policy_areas(slugs: Iterable[str] | None) -> list[PolicyArea]:
    slugs = [s for s in (slugs or ()) if s]
    areas = list(PolicyArea.objects.filter(slug__in=slugs))
    missing = set(slugs) - {a.slug for a in areas}
    if missing:
        raise ServiceError(
            "unknown_policy_area",
            _("Unknown policy area: %(slugs)s.") % {"slugs": ", ".join(sorted(missing))},
            field="policy_areas",
        )
    return areas


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    plan: ActionPlan,
    number: int,
    lead_agency: Agency,
    title_zh_hant: str,
    title_en: str = "",
    start_date: Any,
    end_date: Any,
    area: ThematicArea | None = None,
    values: Sequence[dict[str, Any]] | None = None,
    policy_areas: Iterable[str] | None = None,
    sdgs: str = "",
    is_draft: bool = True,
    **texts: str,
) -> Commitment:
    """Add a (draft) commitment to a plan (plan managers; `actor=None` for seeding).

    `texts` holds the template's text fields per language, e.g. `problem_zh_hant`, `problem_en`.
    """
    if actor is not None:
        _require_manager(actor, plan)
    unknown = set(texts) - {f"{f}_{lang}" for f in COMMITMENT_TEXT_FIELDS for lang in LANGS}
    if unknown:
        raise ServiceError("unknown_field", _("Unknown field."), field=sorted(unknown)[0])
    title = _required(title_zh_hant, "title_zh_hant", _("Give the commitment a title."))
    if lead_agency is None:
        raise ServiceError("required", _("Choose the lead agency."), field="lead_agency")
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    _check_span(start, end, plan.start_date, plan.end_date, _("the plan"))
    goals = rules.parse_sdgs(sdgs)
    if goals is None:
        raise ServiceError(
            "invalid_sdgs", _("List goal numbers from 1 to 17, separated by commas."), field="sdgs"
        )
    if area is not None and area.plan_id != plan.pk:
        raise ServiceError("invalid_choice", _("Choose one of the plan's areas."), field="area")
    cleaned_values = _clean_values(values)
    tags = _policy_areas(policy_areas)
    if Commitment.objects.filter(plan=plan, number=number).exists():
        raise Conflict(
            "number_taken", _("The plan already has a commitment with this number."), field="number"
        )
    now = clock.now()
    commitment = Commitment.objects.create(
        plan=plan,
        number=number,
        title_zh_hant=title,
        title_en=clean_plain(title_en),
        lead_agency=lead_agency,
        area=area,
        start_date=start,
        end_date=end,
        sdgs=", ".join(str(g) for g in goals),
        is_draft=is_draft,
        created_at=now,
        updated_at=now,
        **{k: clean_plain(v or "") for k, v in texts.items()},
    )
    for item in cleaned_values:
        CommitmentValue.objects.create(commitment=commitment, **item)
    commitment.policy_areas.set(tags)
    _bump(plan)
    audit.record(
        actor=actor,
        verb="commitment.created",
        target=commitment,
        agency_code=lead_agency.code,
        public=True,
        changes={"plan": plan.slug, "number": number},
    )
    return commitment


@transaction.atomic
def commitment_update(
    *,
    actor: Any,
    commitment: Commitment,
    values: Sequence[dict[str, Any]] | None = None,
    policy_areas: Iterable[str] | None = None,
    **fields: Any,
) -> Commitment:
    """Change a commitment's template text, dates, values or tags (plan managers and the lead
    agency's officials). Only the fields given change. Its number, lead agency and thematic
    area are the plan managers' to change."""
    require_signed_in(actor)
    if not edits_commitment(actor, commitment):
        raise Forbidden(_("Only the lead agency and the plan's co-conveners edit a commitment."))
    allowed = {f"{f}_{lang}" for f in (*COMMITMENT_TEXT_FIELDS, "title") for lang in LANGS}
    allowed |= {"start_date", "end_date", "sdgs", "is_draft"}
    manager_only = {"number", "lead_agency", "area"}
    unknown = set(fields) - allowed - manager_only
    if unknown:
        raise ServiceError("unknown_field", _("Unknown field."), field=sorted(unknown)[0])
    if set(fields) & manager_only and not manages_plan(actor, commitment.plan):
        raise Forbidden(
            _("Only the plan's co-conveners change a commitment's number, lead agency or area.")
        )
    changed: list[str] = []
    for name, value in fields.items():
        if name == "number":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ServiceError(
                    "invalid_number", _("Enter a whole number."), field="number"
                ) from None
            if value < 1:
                raise ServiceError("invalid_number", _("Enter a whole number."), field="number")
            taken = Commitment.objects.filter(plan=commitment.plan, number=value)
            if taken.exclude(pk=commitment.pk).exists():
                raise Conflict(
                    "number_taken",
                    _("The plan already has a commitment with this number."),
                    field="number",
                )
        elif name == "lead_agency":
            if value is None:
                raise ServiceError("required", _("Choose the lead agency."), field="lead_agency")
            if not value.active:
                raise ServiceError(
                    "invalid_choice", _("Choose an active agency."), field="lead_agency"
                )
        elif name == "area":
            if value is not None and value.plan_id != commitment.plan_id:
                raise ServiceError(
                    "invalid_choice", _("Choose one of the plan's areas."), field="area"
                )
        elif name in ("start_date", "end_date"):
            value = _date(value, name)
        elif name == "sdgs":
            goals = rules.parse_sdgs(value)
            if goals is None:
                raise ServiceError(
                    "invalid_sdgs",
                    _("List goal numbers from 1 to 17, separated by commas."),
                    field="sdgs",
                )
            value = ", ".join(str(g) for g in goals)
        elif name == "is_draft":
            value = bool(value)
        else:
            value = clean_plain(str(value or ""))
            if name == "title_zh_hant" and not value:
                raise ServiceError("required", _("Give the commitment a title."), field=name)
        setattr(commitment, name, value)
        changed.append(name)
    plan = commitment.plan
    _check_span(
        commitment.start_date, commitment.end_date, plan.start_date, plan.end_date, _("the plan")
    )
    outside = commitment.milestones.exclude(
        start_date__gte=commitment.start_date, end_date__lte=commitment.end_date
    )
    if ("start_date" in fields or "end_date" in fields) and outside.exists():
        raise ServiceError(
            "milestones_outside",
            _("Some milestones would fall outside these dates; move them first."),
            field="start_date" if "start_date" in fields else "end_date",
        )
    commitment.updated_at = clock.now()
    commitment.save()
    if values is not None:
        cleaned = _clean_values(values)
        commitment.values.all().delete()
        for item in cleaned:
            CommitmentValue.objects.create(commitment=commitment, **item)
        changed.append("values")
    if policy_areas is not None:
        commitment.policy_areas.set(_policy_areas(policy_areas))
        changed.append("policy_areas")
    _bump(plan)
    audit.record(
        actor=actor,
        verb="commitment.updated",
        target=commitment,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"fields": sorted(changed)},
    )
    return commitment


@transaction.atomic
def commitment_follow_up(
    *,
    actor: Any,
    commitment: Commitment,
    on_list: bool,
    meeting: str,
    reason: str,
    decided_on: Any = None,
) -> FollowUpDecision:
    """Record the task force's decision to keep a commitment on its follow-up list (列管) or
    take it off (解除列管), with the meeting and the reason (plan managers)."""
    if actor is not None:
        _require_manager(actor, commitment.plan)
    meeting = _required(meeting, "meeting", _("Name the task-force meeting that decided."))
    reason = _required(reason, "reason", _("Give the reason for the decision."))
    day = clock.today() if decided_on in (None, "") else _date(decided_on, "decided_on")
    if day > clock.today():
        raise ServiceError(
            "future_date", _("A decision cannot be dated in the future."), field="decided_on"
        )
    decision = FollowUpDecision.objects.create(
        commitment=commitment,
        on_list=bool(on_list),
        meeting=meeting[:200],
        reason=reason,
        decided_on=day,
        recorded_by=actor,
        created_at=clock.now(),
    )
    latest = commitment.follow_up_decisions.order_by("-decided_on", "-id").first()
    commitment.on_follow_up_list = latest.on_list
    commitment.save(update_fields=["on_follow_up_list"])
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="commitment.follow_up_kept" if on_list else "commitment.follow_up_released",
        target=commitment,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"decided_on": day.isoformat(), "decision": str(decision.pk)},
    )
    return decision


# --- milestones and progress ------------------------------------------------------------------
@transaction.atomic
def milestone_create(
    *,
    actor: Any,
    commitment: Commitment,
    title_zh_hant: str,
    title_en: str = "",
    start_date: Any,
    end_date: Any,
    weight: Any = 1,
    order: int | None = None,
) -> Milestone:
    """Add a milestone to a commitment (plan managers and the lead agency's officials)."""
    if actor is not None:
        require_signed_in(actor)
        if not edits_commitment(actor, commitment):
            raise Forbidden(_("Only the lead agency and the plan's co-conveners add milestones."))
    title = _required(title_zh_hant, "title_zh_hant", _("Give the milestone a title."))
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    _check_span(start, end, commitment.start_date, commitment.end_date, _("the commitment"))
    w = _weight(weight)
    if order is None:
        order = commitment.milestones.count() + 1
    now = clock.now()
    milestone = Milestone.objects.create(
        commitment=commitment,
        order=order,
        title_zh_hant=title,
        title_en=clean_plain(title_en),
        start_date=start,
        end_date=end,
        weight=w,
        created_at=now,
        updated_at=now,
    )
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="milestone.created",
        target=milestone,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"commitment": str(commitment.public_id), "weight": str(w)},
    )
    return milestone


@transaction.atomic
def milestone_update(*, actor: Any, milestone: Milestone, **fields: Any) -> Milestone:
    """Change a milestone's title, dates or weight (plan managers and the lead agency)."""
    commitment = milestone.commitment
    require_signed_in(actor)
    if not edits_commitment(actor, commitment):
        raise Forbidden(_("Only the lead agency and the plan's co-conveners edit milestones."))
    allowed = {"title_zh_hant", "title_en", "start_date", "end_date", "weight", "order"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError("unknown_field", _("Unknown field."), field=sorted(unknown)[0])
    for name, value in fields.items():
        if name in ("start_date", "end_date"):
            value = _date(value, name)
        elif name == "weight":
            value = _weight(value)
        elif name == "order":
            value = int(value)
        else:
            value = clean_plain(str(value or ""))
            if name == "title_zh_hant" and not value:
                raise ServiceError("required", _("Give the milestone a title."), field=name)
        setattr(milestone, name, value)
    _check_span(
        milestone.start_date,
        milestone.end_date,
        commitment.start_date,
        commitment.end_date,
        _("the commitment"),
    )
    milestone.updated_at = clock.now()
    milestone.save()
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="milestone.updated",
        target=milestone,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"fields": sorted(fields)},
    )
    return milestone


def _clean_links(links: Iterable[str] | None) -> list[str]:
    validator = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links or ():
        link = clean_plain(link)
        if not link:
            continue
        try:
            validator(link)
        except Exception:
            raise ServiceError(
                "invalid_url", _("Evidence links must be http(s) addresses."), field="links"
            ) from None
        if len(link) > 500:
            raise ServiceError("invalid_url", _("This link is too long."), field="links")
        cleaned.append(link)
    return cleaned


def _check_files(files: Iterable[UploadedFile] | None) -> list[UploadedFile]:
    rules_ = jurisdiction().action_plans
    checked = []
    for upload in files or ():
        suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
        if suffix not in rules_.evidence_extensions:
            raise ServiceError(
                "invalid_file_type",
                _("Evidence files may be: %(types)s.")
                % {"types": ", ".join(rules_.evidence_extensions)},
                field="files",
            )
        if upload.size > rules_.evidence_max_bytes:
            raise ServiceError(
                "file_too_large",
                _("An evidence file can be at most %(mb)d MB.")
                % {"mb": rules_.evidence_max_bytes // (1024 * 1024)},
                field="files",
            )
        checked.append(upload)
    return checked


@transaction.atomic
def progress_update_post(
    *,
    actor: Any,
    milestone: Milestone,
    progress: Any,
    text: str,
    status: str = "",
    reported_on: Any = None,
    links: Iterable[str] | None = None,
    files: Iterable[UploadedFile] | None = None,
) -> ProgressUpdate:
    """An official of the lead agency (only) reports a milestone's progress, with evidence.

    The update is kept as history; the milestone shows the latest report. Without a status,
    it follows from the progress (0 % not started, 100 % completed, in progress between).
    """
    commitment = milestone.commitment
    require_signed_in(actor)
    if not reports_for(actor, commitment):
        raise Forbidden(_("Only officials of the lead agency report progress on this commitment."))
    value = _progress(progress)
    body = _required(text, "text", _("Say what was done."))
    if status:
        status = _status(status, MilestoneStatus.values)
    else:
        status = (
            MilestoneStatus.COMPLETED
            if value == rules.PROGRESS_MAX
            else MilestoneStatus.NOT_STARTED
            if value == rules.PROGRESS_MIN
            else MilestoneStatus.IN_PROGRESS
        )
    if status == MilestoneStatus.COMPLETED and value != rules.PROGRESS_MAX:
        raise ServiceError(
            "inconsistent_status",
            _("A completed milestone is at 100 %; correct the progress or the status."),
            field="status",
        )
    today = clock.today()
    day = today if reported_on in (None, "") else _date(reported_on, "reported_on")
    if day > today:
        raise ServiceError(
            "future_date", _("A report cannot be dated in the future."), field="reported_on"
        )
    clean_links = _clean_links(links)
    uploads = _check_files(files)
    now = clock.now()
    update = ProgressUpdate.objects.create(
        milestone=milestone,
        author=actor,
        agency=commitment.lead_agency,
        reported_on=day,
        status=status,
        progress=value,
        text=body,
        created_at=now,
    )
    for link in clean_links:
        Evidence.objects.create(milestone=milestone, update=update, url=link, created_at=now)
    for upload in uploads:
        Evidence.objects.create(
            milestone=milestone,
            update=update,
            file=upload,
            title=clean_plain(PurePath(upload.name).name)[:200],
            created_at=now,
        )
    old = {"progress": milestone.progress, "status": milestone.status}
    milestone.progress, milestone.status, milestone.updated_at = value, status, now
    milestone.save(update_fields=["progress", "status", "updated_at"])
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="milestone.progress_reported",
        target=milestone,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={
            "from": old,
            "to": {"progress": value, "status": status},
            "reported_on": day.isoformat(),
            "evidence": len(clean_links) + len(uploads),
        },
    )
    return update


@transaction.atomic
def update_comment_post(*, actor: Any, update: ProgressUpdate, body: str) -> UpdateComment:
    """A civil-society member of the plan's task force comments on a progress update."""
    require_signed_in(actor)
    plan = update.milestone.commitment.plan
    if not comments_on_updates(actor, plan):
        raise Forbidden(_("Only civil-society members of the task force comment on updates."))
    text = _required(body, "body", _("Write your comment."))
    comment = UpdateComment.objects.create(
        update=update, author=actor, body=text, created_at=clock.now()
    )
    _bump(plan)
    audit.record(
        actor=actor,
        verb="progress_update.commented",
        target=comment,
        agency_code=update.agency.code,
        public=True,
        changes={"update": str(update.public_id)},
    )
    return comment


# --- independent assessment -------------------------------------------------------------------
@transaction.atomic
def assessment_save(
    *,
    actor: Any,
    commitment: Commitment,
    verifiable: Any,
    verifiable_justification: str,
    relevance: Iterable[str] | None = None,
    relevance_justification: str = "",
    potential: str = "",
    potential_justification: str = "",
    completion: str = "",
    completion_justification: str = "",
    opened_government: str = "",
    opened_government_justification: str = "",
    publish: bool = True,
) -> Assessment:
    """An independent reviewer records (or revises) their IRM assessment of a commitment.

    Every indicator given needs its justification. Not verifiable: not assessed further.
    """
    require_signed_in(actor)
    if not assesses(actor):
        raise Forbidden(_("Only independent reviewers assess commitments."))
    if verifiable in (None, ""):
        raise ServiceError("required", _("Say whether it is verifiable."), field="verifiable")
    verifiable = verifiable in (True, "true", "yes", "1", 1, "on")
    why = {
        "verifiable": clean_plain(verifiable_justification),
        "relevance": clean_plain(relevance_justification),
        "potential": clean_plain(potential_justification),
        "completion": clean_plain(completion_justification),
        "opened_government": clean_plain(opened_government_justification),
    }
    if not why["verifiable"]:
        raise ServiceError(
            "justification_required",
            _("Give the reason for this rating."),
            field="verifiable_justification",
        )
    relevance = list(dict.fromkeys(v for v in (relevance or ()) if v))
    unknown = rules.unknown_values(relevance, jurisdiction().action_plans.values)
    if unknown:
        raise ServiceError("unknown_value", _("Unknown value."), field="relevance")
    potential = _status(potential, ["", *Potential.values], field="potential")
    completion = _status(completion, ["", *Completion.values], field="completion")
    opened = _status(opened_government, ["", *OpenedGovernment.values], "opened_government")
    if not verifiable and (relevance or potential):
        raise ServiceError(
            "not_verifiable",
            _("A commitment that is not verifiable is not assessed further."),
            field="potential" if potential else "relevance",
        )
    for name, given in (
        ("relevance", bool(relevance)),
        ("potential", bool(potential)),
        ("completion", bool(completion)),
        ("opened_government", bool(opened)),
    ):
        if given and not why[name]:
            raise ServiceError(
                "justification_required",
                _("Give the reason for this rating."),
                field=f"{name}_justification",
            )
    now = clock.now()
    assessment, created = Assessment.objects.select_for_update().get_or_create(
        commitment=commitment,
        reviewer=actor,
        defaults={
            "verifiable": verifiable,
            "verifiable_justification": why["verifiable"],
            "created_at": now,
            "updated_at": now,
        },
    )
    assessment.verifiable = verifiable
    assessment.verifiable_justification = why["verifiable"]
    assessment.relevance = relevance
    assessment.relevance_justification = why["relevance"] if relevance else ""
    assessment.potential = potential
    assessment.potential_justification = why["potential"] if potential else ""
    assessment.completion = completion
    assessment.completion_justification = why["completion"] if completion else ""
    assessment.opened_government = opened
    assessment.opened_government_justification = why["opened_government"] if opened else ""
    assessment.updated_at = now
    assessment.published_at = (assessment.published_at or now) if publish else None
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ServiceError(
            "justification_required", _("Give the reason for each rating."), field="verifiable"
        ) from None
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="assessment.recorded" if created else "assessment.revised",
        target=assessment,
        agency_code=commitment.lead_agency.code,
        public=bool(publish),
        changes={
            "commitment": str(commitment.public_id),
            "verifiable": verifiable,
            "potential": potential,
            "completion": completion,
            "published": bool(publish),
        },
    )
    return assessment


# --- co-creation ------------------------------------------------------------------------------
@transaction.atomic
def commitment_open_consultation(
    *, actor: Any, commitment: Commitment, closes_on: Any = None
) -> Any:
    """Open a draft commitment for public comment: a published policy consultation of the
    lead agency (through the consultations services), linked to the commitment.

    The lead agency's officials do this; the consultations module checks its own rules (the
    minimum comment period of the profile in force). Answers to the comments are given there
    and shown on the plan page.
    """
    from opengov.consultations import services as consultations

    require_signed_in(actor)
    if not reports_for(actor, commitment):
        raise Forbidden(_("Only the lead agency opens its draft commitment for comment."))
    if not commitment.is_draft:
        raise Conflict("not_draft", _("Only a draft commitment is opened for comment."))
    if commitment.consultation_ref:
        raise Conflict("already_open", _("This draft is already open for comment."))
    sections = [
        (_("The public problem"), commitment.problem_zh_hant or commitment.problem_en),
        (_("What the commitment is"), commitment.description_zh_hant or commitment.description_en),
        (_("How it will help"), commitment.how_it_helps_zh_hant or commitment.how_it_helps_en),
    ]
    summary = "\n\n".join(f"### {head}\n\n{text}" for head, text in sections if text)
    consultation = consultations.consultation_create(
        actor=actor,
        agency=commitment.lead_agency,
        kind="policy",
        title=(commitment.title_zh_hant or commitment.title_en)[:200],
        summary=summary or (commitment.title_zh_hant or commitment.title_en),
        closes_on=None if closes_on in (None, "") else _date(closes_on, "closes_on"),
    )
    consultation = consultations.consultation_publish(actor=actor, consultation=consultation)
    commitment.consultation_ref = str(consultation.public_id)
    commitment.updated_at = clock.now()
    commitment.save(update_fields=["consultation_ref", "updated_at"])
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="commitment.opened_for_comment",
        target=commitment,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"consultation": commitment.consultation_ref},
    )
    return consultation
