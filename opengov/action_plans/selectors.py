"""Reads of action plans: lists, detail pages, the dashboard roll-up, report and exports.

The dashboard is built in a fixed number of queries whatever the plan's size: commitments,
milestones, update counts, latest updates and follow-up are each one query; progress,
overdue and due-soon are computed from those rows and the clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from opengov.core import clock
from opengov.core.jurisdiction import jurisdiction

from . import rules
from .models import (
    ActionPlan,
    Assessment,
    Commitment,
    CommitmentValue,
    Evidence,
    FollowUpDecision,
    Milestone,
    PolicyArea,
    ProgressUpdate,
    TaskForceMember,
    UpdateComment,
)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def plans() -> QuerySet[ActionPlan]:
    """Every plan, newest cycle first."""
    return ActionPlan.objects.order_by("-number")


def plan_by_slug(slug: str) -> ActionPlan | None:
    """One plan by its short name."""
    return ActionPlan.objects.filter(slug=slug).first()


def commitments_of(plan: ActionPlan) -> QuerySet[Commitment]:
    """A plan's commitments in number order, with their lead agency and area."""
    return (
        Commitment.objects.filter(plan=plan)
        .select_related("lead_agency", "area", "plan")
        .order_by("number")
    )


def commitment_by_public_id(public_id: Any) -> Commitment | None:
    """One commitment with what its page needs."""
    key = _uuid(public_id)
    if key is None:
        return None
    return (
        Commitment.objects.select_related("plan", "lead_agency", "area")
        .prefetch_related(
            Prefetch("values", queryset=CommitmentValue.objects.order_by("id")),
            "policy_areas",
            Prefetch(
                "follow_up_decisions",
                queryset=FollowUpDecision.objects.select_related("recorded_by"),
            ),
        )
        .filter(public_id=key)
        .first()
    )


def milestone_by_public_id(public_id: Any) -> Milestone | None:
    """One milestone with its commitment, plan and lead agency."""
    key = _uuid(public_id)
    if key is None:
        return None
    return (
        Milestone.objects.select_related(
            "commitment", "commitment__plan", "commitment__lead_agency"
        )
        .filter(public_id=key)
        .first()
    )


def update_by_public_id(public_id: Any) -> ProgressUpdate | None:
    """One progress update with its milestone, commitment and plan."""
    key = _uuid(public_id)
    if key is None:
        return None
    return (
        ProgressUpdate.objects.select_related(
            "milestone",
            "milestone__commitment",
            "milestone__commitment__plan",
            "milestone__commitment__lead_agency",
            "agency",
        )
        .filter(public_id=key)
        .first()
    )


def policy_areas() -> QuerySet[PolicyArea]:
    """The OGP policy-area taxonomy."""
    return PolicyArea.objects.all()


@dataclass
class MilestoneView:
    """A milestone with what follows from the clock."""

    milestone: Milestone
    overdue: bool
    due_soon: bool

    @property
    def done(self) -> bool:
        return rules.is_done(self.milestone.status, self.milestone.progress)


@dataclass
class CommitmentView:
    """A commitment with its rolled-up progress."""

    commitment: Commitment
    milestones: list[MilestoneView] = field(default_factory=list)
    update_count: int = 0

    @property
    def progress(self) -> float:
        return rules.weighted_progress(
            (m.milestone.weight, m.milestone.progress) for m in self.milestones
        )

    @property
    def overdue_count(self) -> int:
        return sum(1 for m in self.milestones if m.overdue)


@dataclass
class AgencyView:
    """Completion of one lead agency's commitments in the plan."""

    agency: Any
    commitments: list[CommitmentView]

    @property
    def progress(self) -> float:
        return rules.mean_progress(c.progress for c in self.commitments)

    @property
    def overdue_count(self) -> int:
        return sum(c.overdue_count for c in self.commitments)


@dataclass
class Dashboard:
    """Everything the plan dashboard, the report and the API summary show."""

    plan: ActionPlan
    today: dt.date
    commitments: list[CommitmentView]
    agencies: list[AgencyView]
    overdue: list[MilestoneView]
    due_soon: list[MilestoneView]
    status_counts: dict[str, int]
    recent_updates: list[ProgressUpdate]
    update_total: int

    @property
    def progress(self) -> float:
        return rules.mean_progress(c.progress for c in self.commitments)

    @property
    def milestone_total(self) -> int:
        return sum(len(c.milestones) for c in self.commitments)


def milestone_view(milestone: Milestone, today: dt.date, due_soon_days: int) -> MilestoneView:
    """The derived state of one milestone on `today`."""
    return MilestoneView(
        milestone=milestone,
        overdue=rules.is_overdue(
            end_date=milestone.end_date,
            status=milestone.status,
            progress=milestone.progress,
            today=today,
        ),
        due_soon=rules.is_due_soon(
            end_date=milestone.end_date,
            status=milestone.status,
            progress=milestone.progress,
            today=today,
            due_soon_days=due_soon_days,
        ),
    )


def commitment_progress(commitment: Commitment, today: dt.date | None = None) -> CommitmentView:
    """One commitment's milestones (with derived state) and rolled-up progress."""
    today = today or clock.today()
    due_soon_days = jurisdiction().action_plans.due_soon_days
    view = CommitmentView(commitment=commitment)
    for m in Milestone.objects.filter(commitment=commitment).order_by("order", "end_date", "id"):
        view.milestones.append(milestone_view(m, today, due_soon_days))
    return view


def plan_dashboard(plan: ActionPlan, *, today: dt.date | None = None) -> Dashboard:
    """The plan's roll-up in a bounded number of queries (5, whatever the plan's size)."""
    today = today or clock.today()
    section = jurisdiction().action_plans
    commitments = list(commitments_of(plan))
    views = {c.pk: CommitmentView(commitment=c) for c in commitments}
    milestones = Milestone.objects.filter(commitment__plan=plan).order_by(
        "commitment_id", "order", "end_date", "id"
    )
    status_counts = {"done": 0, "overdue": 0, "due_soon": 0, "open": 0}
    overdue: list[MilestoneView] = []
    due_soon: list[MilestoneView] = []
    for m in milestones:
        mv = milestone_view(m, today, section.due_soon_days)
        view = views[m.commitment_id]
        m.commitment = view.commitment
        view.milestones.append(mv)
        if mv.done:
            status_counts["done"] += 1
        elif mv.overdue:
            status_counts["overdue"] += 1
            overdue.append(mv)
        elif mv.due_soon:
            status_counts["due_soon"] += 1
            due_soon.append(mv)
        else:
            status_counts["open"] += 1
    counts = (
        ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
        .values("milestone__commitment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = 0
    for row in counts:
        views[row["milestone__commitment_id"]].update_count = row["n"]
        total += row["n"]
    recent = list(
        ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
        .select_related("milestone", "milestone__commitment", "agency")
        .order_by("-created_at", "-id")[: section.recent_updates_shown]
    )
    by_agency: dict[int, AgencyView] = {}
    for view in views.values():
        agency = view.commitment.lead_agency
        by_agency.setdefault(agency.pk, AgencyView(agency=agency, commitments=[]))
        by_agency[agency.pk].commitments.append(view)
    overdue.sort(key=lambda v: (v.milestone.end_date, v.milestone.pk))
    due_soon.sort(key=lambda v: (v.milestone.end_date, v.milestone.pk))
    return Dashboard(
        plan=plan,
        today=today,
        commitments=list(views.values()),
        agencies=sorted(by_agency.values(), key=lambda a: a.agency.code),
        overdue=overdue,
        due_soon=due_soon,
        status_counts=status_counts,
        recent_updates=recent,
        update_total=total,
    )


def task_force(plan: ActionPlan) -> list[TaskForceMember]:
    """The plan's task force, co-conveners first."""
    return list(plan.task_force.select_related("user"))


def updates_for_commitment(commitment: Commitment) -> QuerySet[ProgressUpdate]:
    """Every progress update on a commitment's milestones, newest first, with evidence and
    comments: the history of what was reported when."""
    return (
        ProgressUpdate.objects.filter(milestone__commitment=commitment)
        .select_related("milestone", "author", "agency")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id")),
            Prefetch("comments", queryset=UpdateComment.objects.select_related("author")),
        )
        .order_by("-reported_on", "-created_at", "-id")
    )


def published_assessments(commitment: Commitment) -> QuerySet[Assessment]:
    """The published IRM assessments of a commitment."""
    return (
        Assessment.objects.filter(commitment=commitment, published_at__isnull=False)
        .select_related("reviewer")
        .order_by("published_at", "id")
    )


def progress_by_commitment_ids(ids: list[int], today: dt.date | None = None) -> dict[int, float]:
    """Rolled-up progress of several commitments in one query."""
    grouped: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for cid, weight, progress in Milestone.objects.filter(commitment_id__in=ids).values_list(
        "commitment_id", "weight", "progress"
    ):
        grouped[cid].append((weight, progress))
    return {cid: rules.weighted_progress(grouped.get(cid, [])) for cid in ids}


def latest_updates_by_milestone(plan: ActionPlan) -> dict[int, ProgressUpdate]:
    """The latest progress update of each milestone of the plan (one query)."""
    latest: dict[int, ProgressUpdate] = {}
    rows = (
        ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
        .order_by("milestone_id", "-reported_on", "-created_at", "-id")
        .only("id", "milestone_id", "reported_on", "created_at", "text", "progress", "status")
    )
    # PostgreSQL could use DISTINCT ON; this stays portable and streams the rows once.
    for update in rows.iterator(chunk_size=2000):
        latest.setdefault(update.milestone_id, update)
    return latest


def values_by_commitment(plan: ActionPlan) -> dict[int, list[CommitmentValue]]:
    """The values each commitment of the plan claims, with justifications (one query)."""
    out: dict[int, list[CommitmentValue]] = defaultdict(list)
    for v in CommitmentValue.objects.filter(commitment__plan=plan).order_by("id"):
        out[v.commitment_id].append(v)
    return out


# --- co-creation through the consultations module (its selectors only) ----------------------
def consultation_for(commitment: Commitment) -> Any:
    """The published consultation on a draft commitment, or None."""
    if not commitment.consultation_ref:
        return None
    from opengov.consultations import selectors as consultations

    return consultations.consultation_by_public_id(commitment.consultation_ref)


@dataclass
class CoCreation:
    """A draft commitment open (or opened) for public comment, with the comments and how the
    drafters answered them."""

    commitment: Commitment
    consultation: Any
    comments: list[Any]
    #: whether the drafters' answers are public yet (the consultation's report is published)
    answers_published: bool = False


def co_creation(plan: ActionPlan) -> list[CoCreation]:
    """Each commitment of the plan that went to public consultation, with its comments."""
    from opengov.consultations import selectors as consultations

    drafts = list(commitments_of(plan).exclude(consultation_ref=""))
    found = consultations.consultations_by_public_id(c.consultation_ref for c in drafts)
    comments = consultations.comments_by_consultation(found.values(), include_hidden=False)
    out = []
    for commitment in drafts:
        consultation = found.get(str(commitment.consultation_ref))
        if consultation is not None:
            decisions = consultations.decisions_visible(consultation)
            listed = comments.get(consultation.pk, [])
            for comment in listed:
                comment.decision = consultations.visible_response(comment, decisions=decisions)
            out.append(
                CoCreation(
                    commitment=commitment,
                    consultation=consultation,
                    comments=listed,
                    answers_published=decisions,
                )
            )
    return out
