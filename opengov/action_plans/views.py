"""Pages of action plans: the list, a plan's dashboard, its printable bilingual report, a
commitment with its milestones, updates and assessments, and the forms to report progress,
comment, assess and record follow-up decisions; for the people who run a plan, the pages to
create and edit plans and commitments and to manage the task force. Everything works without
JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from opengov.accounts.permissions import is_moderator, is_signed_in
from opengov.accounts.selectors import user_by_email
from opengov.core import clock, files, ratelimit
from opengov.core.errors import ServiceError
from opengov.core.forms import apply_service_error, form_status, submit

from . import charts, selectors, services
from .forms import (
    AssessmentForm,
    CommentForm,
    CommitmentForm,
    FollowUpForm,
    MemberForm,
    MilestoneForm,
    PlanForm,
    ProgressUpdateForm,
    value_choices,
)
from .models import Assessment, Commitment, Evidence, Milestone
from .permissions import (
    assesses,
    comments_on_updates,
    edits_commitment,
    manages_plan,
    reports_for,
)

DASHBOARD_CACHE_SECONDS = 3600
UPDATES_PER_PAGE = 20
#: bump when the dashboard fragment's markup changes, so cached copies are not reused
DASHBOARD_CACHE_VERSION = 1


def _plan_or_404(slug: str):
    plan = selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404
    return plan


def _commitment_or_404(public_id: str):
    commitment = selectors.commitment_by_public_id(public_id)
    if commitment is None:
        raise Http404
    return commitment


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not is_signed_in(request.user):
        return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
    return None


def plan_list(request: HttpRequest) -> HttpResponse:
    """Every action plan with its overall progress."""
    plans = list(selectors.plans())
    rows = [(p, selectors.plan_dashboard(p).progress) for p in plans]
    return render(
        request,
        "action_plans/plan_list.html",
        {"rows": rows, "can_create": is_moderator(request.user)},
    )


def dashboard_context(plan, today) -> dict[str, Any]:
    """What the dashboard fragment shows: the roll-up and its charts."""
    board = selectors.plan_dashboard(plan, today=today)
    commitment_bars = [
        charts.Bar(
            label=f"{v.commitment.number}. {v.commitment.title}",
            value=v.progress,
            note=_("%(n)d overdue") % {"n": v.overdue_count} if v.overdue_count else "",
            href=reverse("action_plans:commitment", args=[v.commitment.public_id]),
        )
        for v in board.commitments
    ]
    agency_bars = [
        charts.Bar(
            label=str(a.agency),
            value=a.progress,
            note=_("%(n)d overdue") % {"n": a.overdue_count} if a.overdue_count else "",
        )
        for a in board.agencies
    ]
    rows = []
    for v in board.commitments:
        states = []
        for m in v.milestones:
            state = (
                "done"
                if m.done
                else "overdue"
                if m.overdue
                else "due_soon"
                if m.due_soon
                else "open"
            )
            states.append((m.milestone.end_date, state, m.milestone.title))
        rows.append(
            charts.TimelineRow(
                label=str(v.commitment.number),
                start=v.commitment.start_date,
                end=v.commitment.end_date,
                milestones=states,
            )
        )
    return {
        "plan": plan,
        "board": board,
        "commitment_chart": charts.progress_bars(
            "ap-c",
            commitment_bars,
            title=_("Completion by commitment"),
            desc=_("Weighted progress of each commitment's milestones, in percent."),
        ),
        "agency_chart": charts.progress_bars(
            "ap-a",
            agency_bars,
            title=_("Completion by lead agency"),
            desc=_("Mean progress of each lead agency's commitments, in percent."),
        ),
        "status_chart": charts.status_strip(
            "ap-s", board.status_counts, title=_("Milestones by state")
        ),
        "timeline_chart": charts.timeline(
            "ap-t",
            rows,
            start=plan.start_date,
            end=plan.end_date,
            today=board.today,
            title=_("Timeline of commitments and milestones"),
            desc=_(
                "Each line is a commitment from its start to its end date; shapes mark "
                "milestone end dates: filled circle done, ring open, diamond due soon, "
                "cross overdue."
            ),
        ),
    }


def dashboard_html(request: HttpRequest, plan) -> str:
    """The dashboard fragment, cached per plan revision, day and language (a write under the
    plan bumps the revision; a new day re-derives overdue milestones)."""
    today = clock.today()
    key = (
        f"action_plans:dashboard:v{DASHBOARD_CACHE_VERSION}:{plan.pk}:{plan.revision}:"
        f"{today.isoformat()}:"
        f"{translation.get_language()}"
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "action_plans/_dashboard.html", dashboard_context(plan, today), request=request
        )
        cache.set(key, html, DASHBOARD_CACHE_SECONDS)
    return html


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan: its dashboard, thematic areas and task force."""
    plan = _plan_or_404(slug)
    return render(
        request,
        "action_plans/plan_detail.html",
        {
            "plan": plan,
            "dashboard": dashboard_html(request, plan),
            "areas": list(plan.areas.all()),
            "task_force": selectors.task_force(plan),
            "can_manage": manages_plan(request.user, plan),
            "co_creation": selectors.co_creation(plan),
        },
    )


def _both(key: str) -> tuple[str, str]:
    with translation.override("zh-hant"):
        zh = _(key)
    with translation.override("en"):
        en = _(key)
    return zh, en


REPORT_LABELS = {
    "report": gettext_noop("Progress report"),
    "as_of": gettext_noop("As of"),
    "overall": gettext_noop("Overall progress"),
    "commitment": gettext_noop("Commitment"),
    "lead_agency": gettext_noop("Lead agency"),
    "dates": gettext_noop("Dates"),
    "progress": gettext_noop("Progress"),
    "milestones": gettext_noop("Milestones"),
    "milestone": gettext_noop("Milestone"),
    "status": gettext_noop("Status"),
    "end_date": gettext_noop("End date"),
    "overdue": gettext_noop("Overdue"),
    "follow_up": gettext_noop("Task force follow-up"),
    "on_list": gettext_noop("On the follow-up list"),
    "off_list": gettext_noop("Taken off the follow-up list"),
    "problem": gettext_noop("The public problem"),
    "description": gettext_noop("What the commitment is"),
    "latest": gettext_noop("Latest update"),
    "by_agency": gettext_noop("Completion by lead agency"),
    "agency": gettext_noop("Agency"),
    "commitments": gettext_noop("Commitments"),
    "print": gettext_noop("Print this report"),
    "values": gettext_noop("Relevance to the values"),
}


def plan_report(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable, bilingual (zh-Hant / English) progress report of a plan."""
    plan = _plan_or_404(slug)
    board = selectors.plan_dashboard(plan)
    latest = selectors.latest_updates_by_milestone(plan)
    values = selectors.values_by_commitment(plan)
    labels = {k: _both(v) for k, v in REPORT_LABELS.items()}
    return render(
        request,
        "action_plans/plan_report.html",
        {
            "plan": plan,
            "board": board,
            "latest": latest,
            "values": values,
            "L": labels,
            "value_names": {k: _both(str(v)) for k, v in _value_names().items()},
            "status_names": _status_names(),
        },
    )


def _value_names() -> dict[str, str]:
    names = {
        "transparency": "Transparency",
        "civic_participation": "Civic participation",
        "public_accountability": "Public accountability",
        "inclusion": "Inclusion",
    }
    return {k: names.get(k, k) for k, _label in value_choices()}


def _status_names() -> dict[str, tuple[str, str]]:
    from .models import MilestoneStatus

    out = {}
    for value in MilestoneStatus.values:
        with translation.override("zh-hant"):
            zh = str(MilestoneStatus(value).label)
        with translation.override("en"):
            en = str(MilestoneStatus(value).label)
        out[value] = (zh, en)
    return out


def commitment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A commitment: the template fields, milestones, the history of updates with comments,
    follow-up decisions and published IRM assessments."""
    commitment = _commitment_or_404(public_id)
    view = selectors.commitment_progress(commitment)
    user = request.user
    own_assessment = (
        Assessment.objects.filter(commitment=commitment, reviewer=user).first()
        if assesses(user)
        else None
    )
    return render(
        request,
        "action_plans/commitment_detail.html",
        {
            "commitment": commitment,
            "plan": commitment.plan,
            "view": view,
            "updates": Paginator(
                selectors.updates_for_commitment(commitment), UPDATES_PER_PAGE
            ).get_page(request.GET.get("page")),
            "assessments": list(selectors.published_assessments(commitment)),
            "own_assessment": own_assessment,
            "can_report": reports_for(user, commitment),
            "can_comment": comments_on_updates(user, commitment.plan),
            "can_assess": assesses(user),
            "can_manage": manages_plan(user, commitment.plan),
            "can_edit": edits_commitment(user, commitment),
            "comment_form": CommentForm(),
            "value_names": dict(value_choices()),
            "consultation": selectors.consultation_for(commitment),
            "consultations_available": consultations_available(),
        },
    )


@require_http_methods(["GET", "POST"])
def milestone_report(request: HttpRequest, public_id: str) -> HttpResponse:
    """An official of the lead agency reports progress on a milestone, with evidence."""
    if (response := _login_required(request)) is not None:
        return response
    milestone = selectors.milestone_by_public_id(public_id)
    if milestone is None:
        raise Http404
    commitment = milestone.commitment
    allowed = reports_for(request.user, commitment)
    form = ProgressUpdateForm(request.POST or None, initial={"progress": milestone.progress})
    files_error = ""
    status = 200
    if request.method == "POST" and allowed:
        if form.is_valid():
            try:
                services.progress_update_post(
                    actor=request.user,
                    milestone=milestone,
                    progress=form.cleaned_data["progress"],
                    status=form.cleaned_data["status"],
                    reported_on=form.cleaned_data["reported_on"],
                    text=form.cleaned_data["text"],
                    links=form.link_list(),
                    files=request.FILES.getlist("files"),
                )
            except ServiceError as exc:
                if exc.field == "files":
                    files_error = str(exc.message)
                else:
                    apply_service_error(form, exc)
            else:
                messages.success(request, _("Your progress report is published."))
                return redirect(
                    reverse("action_plans:commitment", args=[commitment.public_id])
                    + f"#m-{milestone.public_id}"
                )
        status = 400
    elif request.method == "POST":
        status = 403
    return render(
        request,
        "action_plans/milestone_report.html",
        {
            "milestone": milestone,
            "commitment": commitment,
            "form": form,
            "allowed": allowed,
            "files_error": files_error,
        },
        status=status if allowed or request.method == "POST" else 403,
    )


@require_POST
def update_comment(request: HttpRequest, public_id: str) -> HttpResponse:
    """A civil-society task-force member comments on a progress update."""
    if (response := _login_required(request)) is not None:
        return response
    update = selectors.update_by_public_id(public_id)
    if update is None:
        raise Http404
    commitment = update.milestone.commitment
    target = reverse("action_plans:commitment", args=[commitment.public_id])
    form = CommentForm(request.POST)
    try:
        services.update_comment_post(
            actor=request.user, update=update, body=request.POST.get("body", "")
        )
    except ServiceError as exc:
        if exc.status in (401, 403):
            return render(
                request,
                "action_plans/forbidden.html",
                {"message": exc.message, "back": target},
                status=exc.status,
            )
        apply_service_error(form, exc)
        messages.error(request, str(exc.message))
        return redirect(f"{target}#u-{update.public_id}")
    messages.success(request, _("Your comment is published."))
    return redirect(f"{target}#u-{update.public_id}")


@require_http_methods(["GET", "POST"])
def commitment_assess(request: HttpRequest, public_id: str) -> HttpResponse:
    """An independent reviewer records their IRM assessment of a commitment."""
    if (response := _login_required(request)) is not None:
        return response
    commitment = _commitment_or_404(public_id)
    if not assesses(request.user):
        return render(
            request,
            "action_plans/forbidden.html",
            {
                "message": _("Only independent reviewers assess commitments."),
                "back": reverse("action_plans:commitment", args=[commitment.public_id]),
            },
            status=403,
        )
    existing = Assessment.objects.filter(commitment=commitment, reviewer=request.user).first()
    initial: dict[str, Any] = {"publish": True}
    if existing:
        initial = {
            "verifiable": "yes" if existing.verifiable else "no",
            "verifiable_justification": existing.verifiable_justification,
            "relevance": existing.relevance,
            "relevance_justification": existing.relevance_justification,
            "potential": existing.potential,
            "potential_justification": existing.potential_justification,
            "completion": existing.completion,
            "completion_justification": existing.completion_justification,
            "opened_government": existing.opened_government,
            "opened_government_justification": existing.opened_government_justification,
            "publish": existing.published_at is not None,
        }
    form = AssessmentForm(request.POST or None, initial=initial)

    def save_assessment(cleaned: dict[str, Any]):
        """Save the assessment, with the yes/no answer on verifiability as a boolean."""
        data = dict(cleaned)
        verifiable = {"yes": True, "no": False}.get(data.pop("verifiable"), "")
        return services.assessment_save(
            actor=request.user, commitment=commitment, verifiable=verifiable, **data
        )

    if response := submit(
        request,
        form,
        save_assessment,
        then=reverse("action_plans:commitment", args=[commitment.public_id]) + "#assessments",
        done=_("Your assessment is saved."),
    ):
        return response
    return render(
        request,
        "action_plans/assess.html",
        {"commitment": commitment, "form": form},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def commitment_follow_up(request: HttpRequest, public_id: str) -> HttpResponse:
    """Plan managers record a task-force follow-up decision (列管 / 解除列管)."""
    if (response := _login_required(request)) is not None:
        return response
    commitment = _commitment_or_404(public_id)
    back = reverse("action_plans:commitment", args=[commitment.public_id])
    if not manages_plan(request.user, commitment.plan):
        return render(
            request,
            "action_plans/forbidden.html",
            {
                "message": _("Only the plan's co-conveners record follow-up decisions."),
                "back": back,
            },
            status=403,
        )
    form = FollowUpForm(request.POST or None, initial={"decided_on": clock.today()})
    if response := submit(
        request,
        form,
        lambda data: services.commitment_follow_up(
            actor=request.user,
            commitment=commitment,
            on_list=data["on_list"] == "yes",
            meeting=data["meeting"],
            reason=data["reason"],
            decided_on=data["decided_on"],
        ),
        then=back + "#follow-up",
        done=_("The decision is recorded."),
    ):
        return response
    return render(
        request,
        "action_plans/follow_up.html",
        {"commitment": commitment, "form": form},
        status=form_status(request),
    )


@require_POST
def commitment_open_for_comment(request: HttpRequest, public_id: str) -> HttpResponse:
    """The lead agency opens its draft commitment for public comment (a consultation)."""
    if (response := _login_required(request)) is not None:
        return response
    commitment = _commitment_or_404(public_id)
    back = reverse("action_plans:commitment", args=[commitment.public_id])
    try:
        services.commitment_open_consultation(actor=request.user, commitment=commitment)
    except ServiceError as exc:
        if exc.status in (401, 403):
            return render(
                request,
                "action_plans/forbidden.html",
                {"message": exc.message, "back": back},
                status=exc.status,
            )
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, _("The draft is open for public comment."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def milestone_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """The lead agency (or a plan manager) adds a milestone to a commitment."""
    if (response := _login_required(request)) is not None:
        return response
    return _milestone_page(request, _commitment_or_404(public_id), None)


@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The lead agency (or a plan manager) changes a milestone's title, dates or weight."""
    if (response := _login_required(request)) is not None:
        return response
    milestone = selectors.milestone_by_public_id(public_id)
    if milestone is None:
        raise Http404
    return _milestone_page(request, milestone.commitment, milestone)


def _milestone_page(
    request: HttpRequest, commitment: Commitment, milestone: Milestone | None
) -> HttpResponse:
    """The form adding a milestone (`milestone` None) or changing one."""
    back = reverse("action_plans:commitment", args=[commitment.public_id])
    if not edits_commitment(request.user, commitment):
        return render(
            request,
            "action_plans/forbidden.html",
            {
                "message": _("Only the lead agency and the plan's co-conveners edit milestones."),
                "back": back,
            },
            status=403,
        )
    if milestone is None:
        initial = {"start_date": commitment.start_date, "end_date": commitment.end_date}
    else:
        initial = {
            "title_zh_hant": milestone.title_zh_hant,
            "title_en": milestone.title_en,
            "start_date": milestone.start_date,
            "end_date": milestone.end_date,
            "weight": f"{milestone.weight.normalize():f}",
        }
    form = MilestoneForm(request.POST or None, initial=initial)

    def save_milestone(data: dict[str, Any]) -> Milestone:
        """Add the milestone to the commitment, or change the one shown."""
        if milestone is None:
            return services.milestone_create(actor=request.user, commitment=commitment, **data)
        return services.milestone_update(actor=request.user, milestone=milestone, **data)

    if response := submit(
        request,
        form,
        save_milestone,
        then=lambda saved: f"{back}#m-{saved.public_id}",
        done=_("The milestone is added.") if milestone is None else _("The milestone is saved."),
    ):
        return response
    return render(
        request,
        "action_plans/milestone_form.html",
        {"commitment": commitment, "milestone": milestone, "form": form},
        status=form_status(request),
    )


# --- authoring: plans, commitments, the task force ----------------------------------------------
def _forbidden(request: HttpRequest, message: str, back: str) -> HttpResponse:
    return render(
        request, "action_plans/forbidden.html", {"message": message, "back": back}, status=403
    )


def _add_areas(actor, plan, areas: list[tuple[str, str]]) -> None:
    start = max(plan.areas.values_list("order", flat=True), default=0)
    for i, (zh, en) in enumerate(areas, start=1):
        services.thematic_area_add(
            actor=actor, plan=plan, name_zh_hant=zh, name_en=en, order=start + i
        )


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """Platform operators open a new action-plan cycle."""
    if (response := _login_required(request)) is not None:
        return response
    if not is_moderator(request.user):
        return _forbidden(
            request,
            _("Only platform operators open a new action plan."),
            reverse("action_plans:list"),
        )
    form = PlanForm(request.POST or None, initial={"status": "drafting"})

    def create_plan(cleaned: dict[str, Any]):
        """Create the plan and its thematic areas, all or nothing."""
        data = dict(cleaned)
        areas = data.pop("new_areas")
        with transaction.atomic():
            plan = services.plan_create(actor=request.user, **data)
            _add_areas(request.user, plan, areas)
        return plan

    if response := submit(
        request,
        form,
        create_plan,
        then=lambda plan: reverse("action_plans:plan", kwargs={"slug": plan.slug}),
        done=_("The plan is created."),
    ):
        return response
    return render(
        request,
        "action_plans/plan_form.html",
        {"form": form, "plan": None},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Plan managers change a plan's number, name, titles, dates and status, and add areas."""
    if (response := _login_required(request)) is not None:
        return response
    plan = _plan_or_404(slug)
    if not manages_plan(request.user, plan):
        return _forbidden(
            request,
            _("Only the plan's co-conveners and platform operators can do this."),
            reverse("action_plans:plan", args=[plan.slug]),
        )
    initial = {
        name: getattr(plan, name) for name in ("number", "slug", "start_date", "end_date", "status")
    }
    for base in ("title", "summary"):
        for lang in ("zh_hant", "en"):
            initial[f"{base}_{lang}"] = getattr(plan, f"{base}_{lang}")
    form = PlanForm(request.POST or None, initial=initial, plan=plan)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            areas = data.pop("new_areas")
            new_status = data.pop("status")
            remove = set(data.pop("remove_areas", None) or ())
            try:
                with transaction.atomic():
                    services.plan_update(actor=request.user, plan=plan, **data)
                    if new_status != plan.status:
                        services.plan_set_status(actor=request.user, plan=plan, status=new_status)
                    for area in plan.areas.all():
                        if str(area.pk) in remove:
                            services.thematic_area_remove(actor=request.user, area=area)
                    _add_areas(request.user, plan, areas)
            except ServiceError as exc:
                plan.refresh_from_db()
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("action_plans:plan", slug=plan.slug)
        status = 400
    return render(
        request,
        "action_plans/plan_form.html",
        {"form": form, "plan": plan},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Plan managers add a (draft) commitment to a plan."""
    if (response := _login_required(request)) is not None:
        return response
    plan = _plan_or_404(slug)
    if not manages_plan(request.user, plan):
        return _forbidden(
            request,
            _("Only the plan's co-conveners and platform operators can do this."),
            reverse("action_plans:plan", args=[plan.slug]),
        )
    next_number = (
        plan.commitments.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    form = CommitmentForm(
        request.POST or None,
        plan=plan,
        initial={
            "number": next_number,
            "start_date": plan.start_date,
            "end_date": plan.end_date,
            "is_draft": True,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                commitment = services.commitment_create(
                    actor=request.user,
                    plan=plan,
                    values=form.value_list(),
                    policy_areas=form.cleaned_data["policy_areas"],
                    **form.service_fields(),
                )
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The commitment is added."))
                return redirect("action_plans:commitment", public_id=commitment.public_id)
        status = 400
    return render(
        request,
        "action_plans/commitment_form.html",
        {"form": form, "plan": plan, "commitment": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Plan managers and the lead agency's officials edit a commitment (its number, lead agency
    and area only the plan managers)."""
    if (response := _login_required(request)) is not None:
        return response
    commitment = _commitment_or_404(public_id)
    plan = commitment.plan
    back = reverse("action_plans:commitment", args=[commitment.public_id])
    if not edits_commitment(request.user, commitment):
        return _forbidden(
            request,
            _("Only the lead agency and the plan's co-conveners edit a commitment."),
            back,
        )
    manager = manages_plan(request.user, plan)
    form = CommitmentForm(
        request.POST or None,
        plan=plan,
        manager=manager,
        initial=CommitmentForm.initial_for(commitment),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.commitment_update(
                    actor=request.user,
                    commitment=commitment,
                    values=form.value_list(),
                    policy_areas=form.cleaned_data["policy_areas"],
                    **form.service_fields(),
                )
            except ServiceError as exc:
                commitment.refresh_from_db()
                form.add_service_error(exc)
            else:
                messages.success(request, _("The commitment is saved."))
                return redirect(back)
        status = 400
    return render(
        request,
        "action_plans/commitment_form.html",
        {
            "form": form,
            "plan": plan,
            "commitment": commitment,
            "can_open_for_comment": commitment.is_draft
            and not commitment.consultation_ref
            and reports_for(request.user, commitment)
            and consultations_available(),
        },
        status=status,
    )


def consultations_available() -> bool:
    """Whether the consultations app (which publishes drafts for comment) is installed."""
    return apps.is_installed("opengov.consultations")


@require_http_methods(["GET", "POST"])
def task_force_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Plan managers list the task force, seat a registered person (found by e-mail) and
    remove members."""
    if (response := _login_required(request)) is not None:
        return response
    plan = _plan_or_404(slug)
    if not manages_plan(request.user, plan):
        return _forbidden(
            request,
            _("Only the plan's co-conveners and platform operators can do this."),
            reverse("action_plans:plan", args=[plan.slug]),
        )
    form = MemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            # bounded: each try tells whether an address has an account
            ratelimit.hit("task_force_seat", account=str(request.user.public_id))
        except ServiceError as exc:
            form.is_valid()
            form.add_error(None, str(exc.message))
            return render(
                request,
                "action_plans/task_force.html",
                {"plan": plan, "form": form, "members": selectors.task_force(plan)},
                status=exc.status,
            )
        if form.is_valid():
            # looked up only after the permission check: e-mail addresses stay private
            person = user_by_email(form.cleaned_data["email"])
            if person is None:
                form.add_error("email", _("No account has this e-mail address."))
            else:
                try:
                    services.task_force_member_add(
                        actor=request.user,
                        plan=plan,
                        user=person,
                        sector=form.cleaned_data["sector"],
                        organisation=form.cleaned_data["organisation"],
                        is_co_convener=form.cleaned_data["is_co_convener"],
                    )
                except ServiceError as exc:
                    if exc.code == "already_member":
                        form.add_error("email", str(exc.message))
                    else:
                        apply_service_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("%(name)s now sits on the task force.") % {"name": person.display_name},
                    )
                    return redirect("action_plans:task_force", slug=plan.slug)
        status = 400
    return render(
        request,
        "action_plans/task_force.html",
        {"plan": plan, "form": form, "members": selectors.task_force(plan)},
        status=status,
    )


@require_POST
def task_force_remove(request: HttpRequest, slug: str, user_id: str) -> HttpResponse:
    """Plan managers take a member off the task force."""
    if (response := _login_required(request)) is not None:
        return response
    plan = _plan_or_404(slug)
    back = reverse("action_plans:task_force", args=[plan.slug])
    if not manages_plan(request.user, plan):
        return _forbidden(
            request,
            _("Only the plan's co-conveners and platform operators can do this."),
            reverse("action_plans:plan", args=[plan.slug]),
        )
    member = next((m for m in selectors.task_force(plan) if str(m.user.public_id) == user_id), None)
    if member is None:
        raise Http404
    try:
        services.task_force_member_remove(actor=request.user, member=member)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(
        request,
        _("%(name)s no longer sits on the task force.") % {"name": member.user.display_name},
    )
    if not manages_plan_fresh(request.user, plan):
        return redirect("action_plans:plan", slug=plan.slug)
    return redirect(back)


def manages_plan_fresh(user, plan) -> bool:
    """`manages_plan` without the per-request seat cache (after a seat changed)."""
    if hasattr(user, "_task_force_seats"):
        del user._task_force_seats
    return manages_plan(user, plan)


def evidence_file(request: HttpRequest, public_id: str) -> HttpResponse:
    """An evidence file of a progress report (plans and their reports are public), sent
    under the name it was uploaded with."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    evidence = Evidence.objects.filter(public_id=key).exclude(file="").first()
    if evidence is None:
        raise Http404
    return files.file_response(evidence.file, filename=evidence.title, public=True)
