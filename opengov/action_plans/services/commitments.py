"""Commitments: creation, changes, the follow-up decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    ActionPlan,
    Commitment,
    CommitmentValue,
    FollowUpDecision,
    PolicyArea,
    ThematicArea,
)
from ..permissions import edits_commitment, manages_plan
from .checks import (
    COMMITMENT_TEXT_FIELDS,
    LANGS,
    _bump,
    _check_span,
    _date,
    _require_manager,
    _required,
    _translated,
    _whole_number,
)


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


def _sdgs(value: str) -> str:
    """The Sustainable Development Goals as typed (`3, 16`), written as they are kept;
    refused unless each is a goal number."""
    goals = rules.parse_sdgs(value)
    if goals is None:
        raise ServiceError(
            "invalid_sdgs", _("List goal numbers from 1 to 17, separated by commas."), field="sdgs"
        )
    return ", ".join(str(g) for g in goals)


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    plan: ActionPlan,
    number: int,
    lead_agency: Agency,
    title_zh_hant: str,
    title_en: str = "",
    start_date: dt.date,
    end_date: dt.date,
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
    goals = _sdgs(sdgs)
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
        sdgs=goals,
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
            value = _whole_number(value, "number")
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
            value = _sdgs(value)
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
    decided_on: dt.date | None = None,
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
