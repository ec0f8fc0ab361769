"""Open data published by action plans: plans, commitments (with rolled-up progress),
milestones, progress updates (what was reported when) and published IRM assessments.

No personal data: people appear by their public display name only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, latest, latest_in, register


def _plans_changed() -> Any:
    """Any write under a plan, and the end of the latest unfinished milestone already past
    (its "overdue" flag, and the plans' overdue counts, change with time alone)."""
    from django.db.models import Max

    from opengov.core import clock

    from .models import (
        ActionPlan,
        Assessment,
        Commitment,
        FollowUpDecision,
        Milestone,
        MilestoneStatus,
        ProgressUpdate,
    )

    last_due = (
        Milestone.objects.filter(end_date__lt=clock.today())
        .exclude(status__in=(MilestoneStatus.COMPLETED, MilestoneStatus.WITHDRAWN))
        .aggregate(m=Max("end_date"))["m"]
    )
    return latest(
        latest_in(ActionPlan.objects.all(), "updated_at"),
        latest_in(Commitment.objects.all(), "updated_at"),
        latest_in(Milestone.objects.all(), "updated_at"),
        latest_in(ProgressUpdate.objects.all(), "created_at"),
        latest_in(FollowUpDecision.objects.all(), "created_at"),
        latest_in(Assessment.objects.all(), "updated_at"),
        clock.end_of_local_day(last_due) if last_due else None,
    )


def _plan_rows() -> Iterator[dict[str, Any]]:
    from . import selectors

    for plan in selectors.plans():
        board = selectors.plan_dashboard(plan)
        yield {
            "id": str(plan.public_id),
            "slug": plan.slug,
            "number": plan.number,
            "title_zh_hant": plan.title_zh_hant,
            "title_en": plan.title_en or "",
            "start_date": plan.start_date.isoformat(),
            "end_date": plan.end_date.isoformat(),
            "status": plan.status,
            "commitments": len(board.commitments),
            "milestones": board.milestone_total,
            "overdue_milestones": board.status_counts["overdue"],
            "progress": round(board.progress, 2),
        }


def _commitment_rows() -> Iterator[dict[str, Any]]:
    from .models import Commitment
    from .selectors import progress_by_commitment_ids

    qs = Commitment.objects.select_related("plan", "lead_agency").order_by("plan__number", "number")
    progress = progress_by_commitment_ids(list(qs.values_list("pk", flat=True)))
    values: dict[int, list[str]] = {}
    from .models import CommitmentValue

    for cid, value in CommitmentValue.objects.values_list("commitment_id", "value").order_by("id"):
        values.setdefault(cid, []).append(value)
    for c in qs.iterator(chunk_size=500):
        yield {
            "id": str(c.public_id),
            "plan": c.plan.slug,
            "number": c.number,
            "title_zh_hant": c.title_zh_hant,
            "title_en": c.title_en or "",
            "lead_agency": c.lead_agency.code,
            "start_date": c.start_date.isoformat(),
            "end_date": c.end_date.isoformat(),
            "values": ";".join(values.get(c.pk, [])),
            "sdgs": c.sdgs.replace(" ", "").replace(",", ";"),
            "is_draft": c.is_draft,
            "on_follow_up_list": c.on_follow_up_list,
            "progress": round(progress[c.pk], 2),
        }


def _milestone_rows() -> Iterator[dict[str, Any]]:
    from opengov.core import clock

    from . import rules
    from .models import Milestone

    today = clock.today()
    qs = Milestone.objects.select_related("commitment").order_by("commitment_id", "order", "id")
    for m in qs.iterator(chunk_size=1000):
        yield {
            "id": str(m.public_id),
            "commitment_id": str(m.commitment.public_id),
            "title_zh_hant": m.title_zh_hant,
            "title_en": m.title_en or "",
            "start_date": m.start_date.isoformat(),
            "end_date": m.end_date.isoformat(),
            "weight": float(m.weight),
            "status": m.status,
            "progress": m.progress,
            "overdue": rules.is_overdue(
                end_date=m.end_date, status=m.status, progress=m.progress, today=today
            ),
        }


def _update_rows() -> Iterator[dict[str, Any]]:
    from .models import ProgressUpdate

    qs = (
        ProgressUpdate.objects.select_related("milestone", "agency", "author")
        .order_by("id")
        .only(
            "public_id",
            "milestone__public_id",
            "agency__code",
            "author__display_name",
            "reported_on",
            "created_at",
            "status",
            "progress",
            "text",
        )
    )
    for u in qs.iterator(chunk_size=2000):
        yield {
            "id": str(u.public_id),
            "milestone_id": str(u.milestone.public_id),
            "agency": u.agency.code,
            "author": u.author.display_name if u.author_id else "",
            "reported_on": u.reported_on.isoformat(),
            "recorded_at": u.created_at.isoformat(),
            "status": u.status,
            "progress": u.progress,
            "text": u.text,
        }


def _assessment_rows() -> Iterator[dict[str, Any]]:
    from .models import Assessment

    qs = (
        Assessment.objects.filter(published_at__isnull=False)
        .select_related("commitment", "reviewer")
        .order_by("id")
    )
    for a in qs.iterator(chunk_size=500):
        yield {
            "id": str(a.public_id),
            "commitment_id": str(a.commitment.public_id),
            "reviewer": a.reviewer.display_name if a.reviewer_id else "",
            "verifiable": a.verifiable,
            "verifiable_justification": a.verifiable_justification,
            "relevance": ";".join(a.relevance or []),
            "relevance_justification": a.relevance_justification,
            "potential": a.potential,
            "potential_justification": a.potential_justification,
            "completion": a.completion,
            "completion_justification": a.completion_justification,
            "opened_government": a.opened_government,
            "opened_government_justification": a.opened_government_justification,
            "published_at": a.published_at.isoformat(),
        }


KEYWORDS = ("OGP", "open government", "action plan")

register(
    Exporter(
        slug="action-plans",
        app_label="action_plans",
        title=_("OGP national action plans"),
        description=_("Each action plan cycle with its dates, status and rolled-up progress."),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("slug", "string", _("Short name")),
            ExportField("number", "integer", _("Plan number")),
            ExportField("title_zh_hant", "string", _("Title (Traditional Chinese)")),
            ExportField("title_en", "string", _("Title (English)")),
            ExportField("start_date", "date", _("Start date")),
            ExportField("end_date", "date", _("End date")),
            ExportField("status", "string", _("Status")),
            ExportField("commitments", "integer", _("Number of commitments")),
            ExportField("milestones", "integer", _("Number of milestones")),
            ExportField("overdue_milestones", "integer", _("Milestones overdue at export time")),
            ExportField("progress", "number", _("Mean progress of the commitments, percent")),
        ),
        rows=_plan_rows,
        last_changed=_plans_changed,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="action-plan-commitments",
        app_label="action_plans",
        title=_("OGP action plan commitments"),
        description=_(
            "Every commitment with its lead agency, dates, values claimed, SDGs, task-force "
            "follow-up state and progress (the weighted mean of its milestones)."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("plan", "string", _("Plan short name")),
            ExportField("number", "integer", _("Commitment number")),
            ExportField("title_zh_hant", "string", _("Title (Traditional Chinese)")),
            ExportField("title_en", "string", _("Title (English)")),
            ExportField("lead_agency", "string", _("Lead agency code")),
            ExportField("start_date", "date", _("Start date")),
            ExportField("end_date", "date", _("End date")),
            ExportField("values", "string", _("Open-government values claimed, separated by ;")),
            ExportField("sdgs", "string", _("Sustainable Development Goals, separated by ;")),
            ExportField("is_draft", "boolean", _("Still a draft")),
            ExportField("on_follow_up_list", "boolean", _("On the task force follow-up list")),
            ExportField("progress", "number", _("Progress, percent")),
        ),
        rows=_commitment_rows,
        last_changed=_plans_changed,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="action-plan-milestones",
        app_label="action_plans",
        title=_("OGP action plan milestones"),
        description=_("Dated, weighted milestones with their latest reported status and progress."),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("commitment_id", "string", _("Commitment identifier")),
            ExportField("title_zh_hant", "string", _("Title (Traditional Chinese)")),
            ExportField("title_en", "string", _("Title (English)")),
            ExportField("start_date", "date", _("Start date")),
            ExportField("end_date", "date", _("End date")),
            ExportField("weight", "number", _("Weight in the commitment's progress")),
            ExportField("status", "string", _("Status")),
            ExportField("progress", "integer", _("Progress, percent")),
            ExportField("overdue", "boolean", _("Overdue at export time")),
        ),
        rows=_milestone_rows,
        last_changed=_plans_changed,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="action-plan-progress-updates",
        app_label="action_plans",
        title=_("OGP action plan progress updates"),
        description=_(
            "Every progress report by a lead agency: the date it covers, when it was recorded, "
            "the status and progress reported and what was done."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("milestone_id", "string", _("Milestone identifier")),
            ExportField("agency", "string", _("Reporting agency code")),
            ExportField("author", "string", _("Public display name of the official")),
            ExportField("reported_on", "date", _("Date of the report")),
            ExportField("recorded_at", "datetime", _("When it was recorded")),
            ExportField("status", "string", _("Status reported")),
            ExportField("progress", "integer", _("Progress reported, percent")),
            ExportField("text", "string", _("What was done")),
        ),
        rows=_update_rows,
        last_changed=_plans_changed,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="action-plan-assessments",
        app_label="action_plans",
        title=_("Independent (IRM) assessments of OGP commitments"),
        description=_("Published assessments on the IRM indicators, each with its justification."),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("commitment_id", "string", _("Commitment identifier")),
            ExportField("reviewer", "string", _("Public display name of the reviewer")),
            ExportField("verifiable", "boolean", _("Verifiable")),
            ExportField("verifiable_justification", "string", _("Why (verifiable)")),
            ExportField("relevance", "string", _("Values it is relevant to, separated by ;")),
            ExportField("relevance_justification", "string", _("Why (relevance)")),
            ExportField("potential", "string", _("Potential for results")),
            ExportField("potential_justification", "string", _("Why (potential)")),
            ExportField("completion", "string", _("Completion")),
            ExportField("completion_justification", "string", _("Why (completion)")),
            ExportField("opened_government", "string", _("Did it open government?")),
            ExportField("opened_government_justification", "string", _("Why (open government)")),
            ExportField("published_at", "datetime", _("Published")),
        ),
        rows=_assessment_rows,
        last_changed=_plans_changed,
        keywords=KEYWORDS,
    )
)
