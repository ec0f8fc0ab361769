"""JSON API of action plans, under /api/v1/action-plans/.

Reads are public. Writes call a service: commitments and milestones (plan managers, lead
agency), progress updates (lead agency officials only), comments (civil-society task-force
members), assessments (independent reviewers), follow-up decisions (plan managers).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponseNotModified, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.accounts.selectors import agency_by_code, user_by_email
from opengov.core import clock, ratelimit
from opengov.core.errors import NotFound, ServiceError
from opengov.core.pagination import PageParams, paginate
from opengov.core.schemas import IsoDate

from . import selectors, services
from .forms import weight_from_text
from .permissions import manages_plan
from .serializers import (
    assessment_dict,
    comment_dict,
    commitment_dict,
    milestone_dict,
    plan_dict,
    update_dict,
)

router = Router(tags=["action_plans"])


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else request.user


def _plan(slug: str):
    plan = selectors.plan_by_slug(slug)
    if plan is None:
        raise NotFound(_("No such action plan."))
    return plan


def _commitment(public_id: str):
    commitment = selectors.commitment_by_public_id(public_id)
    if commitment is None:
        raise NotFound(_("No such commitment."))
    return commitment


def _milestone(public_id: str):
    milestone = selectors.milestone_by_public_id(public_id)
    if milestone is None:
        raise NotFound(_("No such milestone."))
    return milestone


# --- reads ------------------------------------------------------------------------------------
class PlanOut(Schema):
    """An action plan's public fields; titles and summaries in both languages."""

    id: str
    slug: str
    number: int
    title: dict[str, str]
    summary: dict[str, str]
    start_date: str
    end_date: str
    status: str


class PlanPage(Schema):
    """One page of action plans."""

    items: list[PlanOut]
    count: int


#: a text in both languages: {"zh-hant": ..., "en": ...}
Bilingual = dict[str, str]


class ActionPlanMemberOut(Schema):
    """A seat on the plan's multi-stakeholder task force."""

    id: int
    name: str = Field(description="the member's public display name")
    sector: str
    organisation: str
    co_convener: bool


class ActionPlanCommitmentOut(Schema):
    """A commitment's public fields (the OGP template), texts in both languages."""

    id: str
    plan: str
    number: int
    title: Bilingual
    lead_agency: str
    lead_agency_name: Bilingual
    area: Bilingual | None
    other_actors: dict[str, Bilingual] = Field(
        description="government, civil_society, private_sector"
    )
    problem: Bilingual
    description: Bilingual
    how_it_helps: Bilingual
    budget: Bilingual
    other_plans: Bilingual
    sdgs: list[int]
    start_date: str
    end_date: str
    is_draft: bool
    on_follow_up_list: bool
    progress: float | None = Field(None, description="weighted progress of its milestones, %")


class ActionPlanCommitmentPage(Schema):
    """One page of a plan's commitments."""

    items: list[ActionPlanCommitmentOut]
    count: int


class ActionPlanMilestoneOut(Schema):
    """A milestone; `overdue` only where it is derived (a plan's or commitment's view)."""

    id: str
    commitment: str
    title: Bilingual
    start_date: str
    end_date: str
    weight: str = Field(description="a decimal, as a string")
    status: str
    progress: int
    overdue: bool | None = None


class ActionPlanAgencyRollupOut(Schema):
    """An agency's share of a plan."""

    agency: str
    commitments: int
    progress: float
    overdue_milestones: int


class ActionPlanDetailOut(PlanOut):
    """A plan with its roll-up: progress, areas, task force, commitments, agencies,
    milestones by status (with the overdue ones) and the number of updates."""

    progress: float
    areas: list[Bilingual]
    task_force: list[ActionPlanMemberOut]
    commitments: list[ActionPlanCommitmentOut]
    agencies: list[ActionPlanAgencyRollupOut]
    milestones: dict[str, Any] = Field(
        description="`total`, a count per status and `overdue_list` (milestones)"
    )
    updates: int
    as_of: str


class ActionPlanFollowUpOut(Schema):
    """A follow-up decision on a commitment."""

    on_list: bool
    meeting: str
    reason: str
    decided_on: str


class ActionPlanAssessmentOut(Schema):
    """An IRM assessment with the justification of each indicator."""

    id: str
    commitment: str
    reviewer: str
    verifiable: bool
    verifiable_justification: str
    relevance: list[str]
    relevance_justification: str
    potential: str
    potential_justification: str
    completion: str
    completion_justification: str
    opened_government: str
    opened_government_justification: str
    published_at: str | None


class ActionPlanValueOut(Schema):
    """An open-government value the commitment serves, and why."""

    value: str
    justification: Bilingual


class ActionPlanCommitmentDetailOut(ActionPlanCommitmentOut):
    """A commitment in full: values, policy areas, milestones, follow-up, assessments."""

    values: list[ActionPlanValueOut]
    policy_areas: list[str]
    milestones: list[ActionPlanMilestoneOut]
    follow_up: list[ActionPlanFollowUpOut]
    assessments: list[ActionPlanAssessmentOut]


class ActionPlanEvidenceOut(Schema):
    """Evidence of an update: a link, or the address of the uploaded file."""

    title: str
    url: str


class ActionPlanUpdateOut(Schema):
    """A progress update: what was reported when, by which agency, with its evidence."""

    id: str
    milestone: str
    agency: str
    author: str
    reported_on: str
    recorded_at: str
    status: str
    progress: int
    text: str
    evidence: list[ActionPlanEvidenceOut]


class ActionPlanUpdatePage(Schema):
    """One page of a milestone's updates."""

    items: list[ActionPlanUpdateOut]
    count: int


class ActionPlanCommentOut(Schema):
    """A task-force member's comment on an update."""

    id: str
    update: str
    author: str
    body: str
    created_at: str


class ActionPlanCommentPage(Schema):
    """One page of comments on an update."""

    items: list[ActionPlanCommentOut]
    count: int


class ActionPlanPolicyAreaOut(Schema):
    """An OGP policy area."""

    slug: str
    name: Bilingual


class ActionPlanPolicyAreaPage(Schema):
    """One page of the OGP policy areas."""

    items: list[ActionPlanPolicyAreaOut]
    count: int


class ActionPlanConsultationOut(Schema):
    """The consultation a draft commitment was opened for comment in."""

    commitment: str
    consultation: str
    closes_on: str


@router.get("/plans", auth=OPTIONAL, response=PlanPage, summary="Action plans, newest first")
def list_plans(request: HttpRequest, params: Query[PageParams]):
    return paginate(selectors.plans(), params, plan_dict)


PUBLIC_MAX_AGE = 60


@router.get(
    "/plans/{slug}",
    auth=OPTIONAL,
    exclude_unset=True,
    response=ActionPlanDetailOut,
    summary="One plan with its roll-up",
)
def get_plan(request: HttpRequest, slug: str):
    """Cacheable: the ETag follows the plan's revision and the day (overdue is derived from
    the date), so an unchanged plan answers 304 without rolling anything up."""
    plan = _plan(slug)
    etag = f'"{plan.public_id}-{plan.revision}-{clock.today().isoformat()}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(_plan_summary(plan), json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


def _plan_summary(plan: Any) -> dict[str, Any]:
    board = selectors.plan_dashboard(plan)
    return {
        **plan_dict(plan),
        "progress": round(board.progress, 1),
        "areas": [{"zh-hant": a.name_zh_hant, "en": a.name_en or ""} for a in plan.areas.all()],
        "task_force": [_member_dict(m) for m in selectors.task_force(plan)],
        "commitments": [commitment_dict(v.commitment, v.progress) for v in board.commitments],
        "agencies": [
            {
                "agency": a.agency.code,
                "commitments": len(a.commitments),
                "progress": round(a.progress, 1),
                "overdue_milestones": a.overdue_count,
            }
            for a in board.agencies
        ],
        "milestones": {
            "total": board.milestone_total,
            **board.status_counts,
            "overdue_list": [milestone_dict(v.milestone, overdue=True) for v in board.overdue],
        },
        "updates": board.update_total,
        "as_of": board.today.isoformat(),
    }


@router.get(
    "/plans/{slug}/commitments",
    auth=OPTIONAL,
    exclude_unset=True,
    response=ActionPlanCommitmentPage,
    summary="A plan's commitments",
)
def list_commitments(request: HttpRequest, slug: str, params: Query[PageParams]):
    plan = _plan(slug)
    qs = selectors.commitments_of(plan)
    progress = selectors.progress_by_commitment_ids(list(qs.values_list("pk", flat=True)))
    return paginate(qs, params, lambda c: commitment_dict(c, progress[c.pk]))


@router.get(
    "/commitments/{public_id}",
    auth=OPTIONAL,
    exclude_unset=True,
    response=ActionPlanCommitmentDetailOut,
    summary="One commitment in full",
)
def get_commitment(request: HttpRequest, public_id: str):
    c = _commitment(public_id)
    view = selectors.commitment_progress(c)
    return {
        **commitment_dict(c, view.progress),
        "values": [
            {"value": v.value, "justification": both_justification(v)} for v in c.values.all()
        ],
        "policy_areas": [p.slug for p in c.policy_areas.all()],
        "milestones": [milestone_dict(m.milestone, overdue=m.overdue) for m in view.milestones],
        "follow_up": [
            {
                "on_list": d.on_list,
                "meeting": d.meeting,
                "reason": d.reason,
                "decided_on": d.decided_on.isoformat(),
            }
            for d in c.follow_up_decisions.all()
        ],
        "assessments": [assessment_dict(a) for a in selectors.published_assessments(c)],
    }


def both_justification(v: Any) -> dict[str, str]:
    return {"zh-hant": v.justification_zh_hant or "", "en": v.justification_en or ""}


@router.get(
    "/milestones/{public_id}/updates",
    auth=OPTIONAL,
    response=ActionPlanUpdatePage,
    summary="Updates on a milestone",
)
def list_updates(request: HttpRequest, public_id: str, params: Query[PageParams]):
    m = _milestone(public_id)
    qs = (
        m.updates.select_related("milestone", "author", "agency")
        .prefetch_related("evidence")
        .order_by("-reported_on", "-created_at", "-id")
    )
    return paginate(qs, params, update_dict)


@router.get(
    "/updates/{public_id}/comments",
    auth=OPTIONAL,
    response=ActionPlanCommentPage,
    summary="Comments on an update",
)
def list_comments(request: HttpRequest, public_id: str, params: Query[PageParams]):
    update = selectors.update_by_public_id(public_id)
    if update is None:
        raise NotFound(_("No such update."))
    qs = update.comments.select_related("author", "update").order_by("created_at", "id")
    return paginate(qs, params, comment_dict)


@router.get(
    "/policy-areas",
    auth=OPTIONAL,
    response=ActionPlanPolicyAreaPage,
    summary="The OGP policy-area taxonomy",
)
def list_policy_areas(request: HttpRequest, params: Query[PageParams]):
    return paginate(
        selectors.policy_areas(),
        params,
        lambda p: {"slug": p.slug, "name": {"zh-hant": p.name_zh_hant, "en": p.name_en or ""}},
    )


# --- writes -----------------------------------------------------------------------------------
class ValueIn(Schema):
    value: str
    justification_zh_hant: str = ""
    justification_en: str = ""


class CommitmentIn(Schema):
    number: int
    lead_agency: str
    title_zh_hant: str
    title_en: str = ""
    start_date: IsoDate
    end_date: IsoDate
    values: list[ValueIn] = []
    policy_areas: list[str] = []
    sdgs: str = ""
    problem_zh_hant: str = ""
    problem_en: str = ""
    description_zh_hant: str = ""
    description_en: str = ""
    how_it_helps_zh_hant: str = ""
    how_it_helps_en: str = ""


@router.post(
    "/plans/{slug}/commitments",
    auth=REQUIRED,
    exclude_unset=True,
    response={201: ActionPlanCommitmentOut},
)
def create_commitment(request: HttpRequest, slug: str, payload: CommitmentIn):
    plan = _plan(slug)
    data = payload.dict()
    agency = agency_by_code(data.pop("lead_agency"))
    if agency is None:
        raise ServiceError("invalid_choice", _("Unknown agency code."), field="lead_agency")
    c = services.commitment_create(actor=_user(request), plan=plan, lead_agency=agency, **data)
    return Status(201, commitment_dict(c, 0.0))


def _weight(text: str | None) -> Decimal:
    """The weight of a milestone as sent (a decimal written as a string), as a number;
    refused, naming the field, when it is not one."""
    weight = None if text is None else weight_from_text(text)
    if weight is None:
        raise ServiceError(
            "invalid_weight", _("The weight must be a number greater than zero."), field="weight"
        )
    return weight


class MilestoneIn(Schema):
    title_zh_hant: str
    title_en: str = ""
    start_date: IsoDate
    end_date: IsoDate
    weight: str = "1"


@router.post(
    "/commitments/{public_id}/milestones",
    auth=REQUIRED,
    exclude_unset=True,
    response={201: ActionPlanMilestoneOut},
)
def create_milestone(request: HttpRequest, public_id: str, payload: MilestoneIn):
    c = _commitment(public_id)
    fields = payload.dict()
    fields["weight"] = _weight(fields["weight"])
    m = services.milestone_create(actor=_user(request), commitment=c, **fields)
    return Status(201, milestone_dict(m))


class MilestonePatch(Schema):
    title_zh_hant: str | None = None
    title_en: str | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    weight: str | None = None


@router.patch(
    "/milestones/{public_id}", auth=REQUIRED, exclude_unset=True, response=ActionPlanMilestoneOut
)
def update_milestone(request: HttpRequest, public_id: str, payload: MilestonePatch):
    m = _milestone(public_id)
    fields = payload.dict(exclude_unset=True)
    if "weight" in fields:
        fields["weight"] = _weight(fields["weight"])
    m = services.milestone_update(actor=_user(request), milestone=m, **fields)
    return milestone_dict(m)


class UpdateIn(Schema):
    progress: int
    text: str
    status: str = ""
    reported_on: IsoDate | None = None
    links: list[str] = []


@router.post("/milestones/{public_id}/updates", auth=REQUIRED, response={201: ActionPlanUpdateOut})
def post_update(request: HttpRequest, public_id: str, payload: UpdateIn):
    m = _milestone(public_id)
    u = services.progress_update_post(actor=_user(request), milestone=m, **payload.dict())
    return Status(201, update_dict(u))


class UpdateCommentIn(Schema):
    body: str


@router.post("/updates/{public_id}/comments", auth=REQUIRED, response={201: ActionPlanCommentOut})
def post_comment(request: HttpRequest, public_id: str, payload: UpdateCommentIn):
    update = selectors.update_by_public_id(public_id)
    if update is None:
        raise NotFound(_("No such update."))
    c = services.update_comment_post(actor=_user(request), update=update, body=payload.body)
    return Status(201, comment_dict(c))


class AssessmentIn(Schema):
    verifiable: bool
    verifiable_justification: str = ""
    relevance: list[str] = []
    relevance_justification: str = ""
    potential: str = ""
    potential_justification: str = ""
    completion: str = ""
    completion_justification: str = ""
    opened_government: str = ""
    opened_government_justification: str = ""
    publish: bool = True


@router.put(
    "/commitments/{public_id}/assessment",
    auth=REQUIRED,
    response=ActionPlanAssessmentOut,
    summary="My IRM assessment",
)
def save_assessment(request: HttpRequest, public_id: str, payload: AssessmentIn):
    c = _commitment(public_id)
    a = services.assessment_save(actor=_user(request), commitment=c, **payload.dict())
    return assessment_dict(a)


class FollowUpIn(Schema):
    on_list: bool
    meeting: str
    reason: str
    decided_on: IsoDate | None = None


@router.post(
    "/commitments/{public_id}/follow-up", auth=REQUIRED, response={201: ActionPlanFollowUpOut}
)
def follow_up(request: HttpRequest, public_id: str, payload: FollowUpIn):
    c = _commitment(public_id)
    d = services.commitment_follow_up(actor=_user(request), commitment=c, **payload.dict())
    return Status(
        201,
        {
            "on_list": d.on_list,
            "meeting": d.meeting,
            "reason": d.reason,
            "decided_on": d.decided_on.isoformat(),
        },
    )


class CommitmentConsultationIn(Schema):
    closes_on: IsoDate | None = None


@router.post(
    "/commitments/{public_id}/consultation",
    auth=REQUIRED,
    response={201: ActionPlanConsultationOut},
    summary="Open a draft commitment for public comment",
)
def open_consultation(request: HttpRequest, public_id: str, payload: CommitmentConsultationIn):
    c = _commitment(public_id)
    consultation = services.commitment_open_consultation(
        actor=_user(request), commitment=c, closes_on=payload.closes_on
    )
    return Status(
        201,
        {
            "commitment": str(c.public_id),
            "consultation": str(consultation.public_id),
            "closes_on": consultation.closes_on.isoformat(),
        },
    )


class PlanIn(Schema):
    slug: str
    number: int
    title_zh_hant: str
    title_en: str = ""
    summary_zh_hant: str = ""
    summary_en: str = ""
    start_date: IsoDate
    end_date: IsoDate
    status: str = "drafting"


@router.post("/plans", auth=REQUIRED, response={201: PlanOut}, summary="Open a new plan cycle")
def create_plan(request: HttpRequest, payload: PlanIn):
    plan = services.plan_create(actor=_user(request), **payload.dict())
    return Status(201, plan_dict(plan))


class PlanPatch(Schema):
    slug: str | None = None
    number: int | None = None
    title_zh_hant: str | None = None
    title_en: str | None = None
    summary_zh_hant: str | None = None
    summary_en: str | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None


@router.patch("/plans/{slug}", auth=REQUIRED, response=PlanOut, summary="Edit a plan")
def update_plan(request: HttpRequest, slug: str, payload: PlanPatch):
    """Change a plan's number, short name, titles, summaries or dates (plan managers)."""
    plan = services.plan_update(
        actor=_user(request), plan=_plan(slug), **payload.dict(exclude_unset=True)
    )
    return plan_dict(plan)


class StatusIn(Schema):
    status: str


@router.post(
    "/plans/{slug}/status", auth=REQUIRED, response=PlanOut, summary="Move a plan to another stage"
)
def set_plan_status(request: HttpRequest, slug: str, payload: StatusIn):
    plan = services.plan_set_status(actor=_user(request), plan=_plan(slug), status=payload.status)
    return plan_dict(plan)


class CommitmentPatch(Schema):
    number: int | None = None
    lead_agency: str | None = None
    title_zh_hant: str | None = None
    title_en: str | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    sdgs: str | None = None
    is_draft: bool | None = None
    problem_zh_hant: str | None = None
    problem_en: str | None = None
    description_zh_hant: str | None = None
    description_en: str | None = None
    how_it_helps_zh_hant: str | None = None
    how_it_helps_en: str | None = None
    budget_zh_hant: str | None = None
    budget_en: str | None = None
    other_plans_zh_hant: str | None = None
    other_plans_en: str | None = None
    actors_government_zh_hant: str | None = None
    actors_government_en: str | None = None
    actors_civil_society_zh_hant: str | None = None
    actors_civil_society_en: str | None = None
    actors_private_sector_zh_hant: str | None = None
    actors_private_sector_en: str | None = None
    values: list[ValueIn] | None = None
    policy_areas: list[str] | None = None


@router.patch(
    "/commitments/{public_id}",
    auth=REQUIRED,
    exclude_unset=True,
    response=ActionPlanCommitmentOut,
    summary="Edit a commitment",
)
def update_commitment(request: HttpRequest, public_id: str, payload: CommitmentPatch):
    c = _commitment(public_id)
    fields = payload.dict(exclude_unset=True)
    if "lead_agency" in fields:
        agency = agency_by_code(fields["lead_agency"] or "")
        if agency is None:
            raise ServiceError("invalid_choice", _("Unknown agency code."), field="lead_agency")
        fields["lead_agency"] = agency
    c = services.commitment_update(actor=_user(request), commitment=c, **fields)
    view = selectors.commitment_progress(c)
    return commitment_dict(c, view.progress)


class MemberIn(Schema):
    email: str
    sector: str
    organisation: str = ""
    co_convener: bool = False


def _member_dict(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.user.display_name,
        "sector": m.sector,
        "organisation": m.organisation,
        "co_convener": m.is_co_convener,
    }


@router.post("/plans/{slug}/task-force", auth=REQUIRED, response={201: ActionPlanMemberOut})
def add_member(request: HttpRequest, slug: str, payload: MemberIn):
    """Seat a registered person on the task force (plan managers); found by e-mail."""
    plan = _plan(slug)
    actor = _user(request)
    if not manages_plan(actor, plan):  # before the lookup: e-mail addresses stay private
        raise ServiceError(
            "forbidden",
            _("Only the plan's co-conveners and platform operators can do this."),
            status=403,
        )
    ratelimit.hit("task_force_seat", account=str(actor.public_id))
    user = user_by_email(payload.email)
    if user is None:
        raise ServiceError(
            "unknown_person", _("No account has this e-mail address."), field="email"
        )
    member = services.task_force_member_add(
        actor=actor,
        plan=plan,
        user=user,
        sector=payload.sector,
        organisation=payload.organisation,
        is_co_convener=payload.co_convener,
    )
    return Status(201, _member_dict(member))


@router.delete("/plans/{slug}/task-force/{member_id}", auth=REQUIRED, response={204: None})
def remove_member(request: HttpRequest, slug: str, member_id: int):
    """Take a seat off the task force (plan managers)."""
    plan = _plan(slug)
    member = next((m for m in selectors.task_force(plan) if m.pk == member_id), None)
    if member is None:
        raise NotFound(_("No such member."))
    services.task_force_member_remove(actor=_user(request), member=member)
    return Status(204, None)
