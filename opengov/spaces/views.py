"""Pages of participation spaces, places, the revitalisation board and the participation
statement."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengov.accounts.selectors import user_by_email
from opengov.consultations import selectors as consultation_selectors
from opengov.core.clientip import client_ip
from opengov.core.errors import ServiceError
from opengov.core.forms import form_status, mark_refused, submit
from opengov.core.pagination import page_number

from . import forms, rules, selectors, services
from .models import Need, Offer, ProjectMilestone, Space
from .permissions import can_act, can_moderate, can_report_progress

PER_PAGE = 20


def _space(request: HttpRequest, slug: str) -> Space:
    space = selectors.space_by_slug(request.user, slug)
    if space is None:
        raise Http404
    return space


def _place(code: str) -> Any:
    return selectors.place_by_code(code) if code else None


# --- spaces ------------------------------------------------------------------------------------


def space_list(request: HttpRequest) -> HttpResponse:
    """Spaces, by kind, audience and place."""
    form = forms.SpaceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.space_list(
        request.user,
        kind=data.get("kind", ""),
        audience=data.get("audience", ""),
        place=_place(data.get("place", "")),
    )
    return render(request, "spaces/list.html", {"form": form, "spaces": list(qs[:200])})


def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's public page: host, audience, languages, its rules with their source, what is
    held in it, offline input by channel and participation by group."""
    space = _space(request, slug)
    inputs = selectors.offline_inputs(space=space)
    return render(
        request,
        "spaces/detail.html",
        {
            "space": space,
            "audience_label": services.audience_label(space),
            "content": selectors.space_content(space),
            "channel_totals": selectors.channel_totals(inputs),
            "participation": selectors.participation(space),
            "dimension_labels": {
                name: selectors.dimension_label(name) for name, _c in selectors.DIMENSIONS
            },
            "projects": list(space.projects.select_related("place", "place__county")[:20]),
            "limits": rules.rules(),
            "can_act": can_act(request.user, space),
            "can_moderate": can_moderate(request.user, space),
        },
    )


@login_required
def space_propose(request: HttpRequest, slug: str) -> HttpResponse:
    """Submit a proposal in the space."""
    space = _space(request, slug)
    form = forms.ProposeForm(request.POST or None)
    refusal = services.audience_refusal(space, request.user)
    response = submit(
        request,
        form,
        lambda d: services.space_propose(
            actor=request.user, space=space, address=client_ip(request), **d
        ),
        then=lambda p: reverse("proposals:detail", args=[p.public_id]),
        done=_("Your proposal is submitted for review."),
    )
    if response is not None:
        return response
    return render(
        request,
        "spaces/propose.html",
        {"space": space, "form": form, "refusal": refusal},
        status=form_status(request, form),
    )


@login_required
def space_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The officials' page of a space: its rules (moderators), staff, events, offline input
    and consultations. Each form posts to itself with `action`."""
    space = _space(request, slug)
    if not can_act(request.user, space):
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    post = request.POST if request.method == "POST" else None
    bound = {
        name: (post if action == name else None)
        for name in ("rules", "role", "event", "input", "attach", "publish")
    }
    rules_form = forms.RulesForm(
        bound["rules"],
        initial={
            "cosign_threshold": space.cosign_threshold,
            "cosign_window_days": space.cosign_window_days,
            "rules_source": space.rules_source,
        },
        prefix="rules",
    )
    role_form = forms.RoleForm(bound["role"], prefix="role")
    event_form = forms.EventForm(bound["event"], prefix="event")
    input_form = forms.OfflineInputForm(bound["input"], space=space, prefix="input")
    attach_form = forms.AttachForm(bound["attach"], prefix="attach")
    here = reverse("spaces:manage", args=[space.slug])
    done = _("Saved.")
    response = None
    if action == "rules":
        response = submit(
            request,
            rules_form,
            lambda d: services.space_set_rules(
                actor=request.user,
                space=space,
                cosign_threshold=d["cosign_threshold"],
                cosign_window_days=d["cosign_window_days"],
                source=d["rules_source"],
                preset=d["preset"],
            ),
            then=here,
            done=done,
        )
    elif action == "role":

        def grant(d: dict[str, Any]) -> Any:
            person = user_by_email(d["email"])
            if person is None:
                raise ServiceError("not_found", _("No account has this address."), field="email")
            return services.space_role_grant(
                actor=request.user, space=space, user=person, role=d["role"]
            )

        response = submit(request, role_form, grant, then=here, done=done)
    elif action == "event":
        response = submit(
            request,
            event_form,
            lambda d: services.event_create(
                actor=request.user, space=space, **{**d, "place": _place(d["place"])}
            ),
            then=here,
            done=done,
        )
    elif action == "input":

        def enter(d: dict[str, Any]) -> Any:
            event = space.events.filter(public_id=d["event"]).first() if d["event"] else None
            return services.offline_input_add(
                actor=request.user,
                space=space,
                target_kind=d["target_kind"],
                target_id=d["target"],
                channel=d["channel"],
                people=d["people"],
                summary=d["summary"],
                event=event,
            )

        response = submit(request, input_form, enter, then=here, done=done)
    elif action == "attach":

        def attach(d: dict[str, Any]) -> Any:
            consultation = consultation_selectors.consultation_by_public_id(
                d["consultation"], user=request.user
            )
            if consultation is None:
                raise ServiceError("not_found", _("No such consultation."), field="consultation")
            return services.space_consultation_attach(
                actor=request.user, space=space, consultation=consultation
            )

        response = submit(request, attach_form, attach, then=here, done=done)
    elif action == "publish":
        try:
            services.space_publish(actor=request.user, space=space)
            messages.success(request, _("The space is public."))
            return redirect(here)
        except ServiceError as exc:
            mark_refused(request, exc)
            messages.error(request, str(exc.message))
    elif action:
        mark_refused(request)
    if response is not None:
        return response
    return render(
        request,
        "spaces/manage.html",
        {
            "space": space,
            "rules_form": rules_form,
            "role_form": role_form,
            "event_form": event_form,
            "input_form": input_form,
            "attach_form": attach_form,
            "limits": rules.rules(),
            "can_moderate": can_moderate(request.user, space),
            "roles": list(space.roles.select_related("user")),
        },
        status=form_status(request),
    )


# --- places ------------------------------------------------------------------------------------


def place_list(request: HttpRequest) -> HttpResponse:
    """The 22 counties and cities with their official codes."""
    return render(request, "spaces/places.html", {"counties": list(selectors.counties())})


def place_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A county, city or township: its townships, spaces and revitalisation projects."""
    place = selectors.place_by_code(code)
    if place is None:
        raise Http404
    return render(
        request,
        "spaces/place.html",
        {
            "place": place,
            "townships": list(place.townships.order_by("code")),
            "spaces": list(selectors.space_list(request.user, place=place)[:100]),
            "projects": list(selectors.project_board(place=place)[:50]),
        },
    )


# --- who took part ------------------------------------------------------------------------------


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    """State (or withdraw) what you choose to say about yourself."""
    current = selectors.statement_of(request.user)
    if request.method == "POST" and "withdraw" in request.POST:
        services.statement_withdraw(actor=request.user)
        messages.success(request, _("Your statement is withdrawn and counts nowhere."))
        return redirect("spaces:statement")
    initial: dict[str, Any] = {}
    if current is not None:
        tri = {None: "", True: "yes", False: "no"}
        initial = {
            "age_band": current.age_band,
            "gender": current.gender,
            "new_immigrant": tri[current.new_immigrant],
            "indigenous": tri[current.indigenous],
            "hakka": tri[current.hakka],
            "place": current.place.code if current.place_id else "",
        }
    form = forms.StatementForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        lambda d: services.statement_set(actor=request.user, **form.service_kwargs()),
        then=reverse("spaces:statement"),
        done=_("Saved."),
    )
    if response is not None:
        return response
    return render(
        request,
        "spaces/statement.html",
        {"form": form, "current": current, "min_cell": rules.rules().min_cell},
        status=form_status(request, form),
    )


# --- regional revitalisation board --------------------------------------------------------------


def board(request: HttpRequest) -> HttpResponse:
    """The public board of revitalisation projects, by place and need."""
    form = forms.BoardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.project_board(place=_place(data.get("place", "")), need=data.get("need", ""))
    page = Paginator(qs, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "spaces/board.html",
        {"form": form, "page": page, "need_labels": dict(Need.choices)},
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """Post a project on the board."""
    form = forms.ProjectForm(request.POST or None)
    space = selectors.space_by_slug(request.user, request.GET.get("space", ""))
    response = submit(
        request,
        form,
        lambda d: services.project_create(
            actor=request.user, space=space, **{**d, "place": _place(d["place"])}
        ),
        then=lambda p: reverse("spaces:project", args=[p.public_id]),
        done=_("Your project is on the board."),
    )
    if response is not None:
        return response
    return render(
        request,
        "spaces/project_form.html",
        {"form": form, "space": space},
        status=form_status(request, form),
    )


def _project(public_id: uuid.UUID) -> Any:
    project = selectors.project_by_public_id(public_id)
    if project is None:
        raise Http404
    return project


def project_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A project: its place, problem, plan, needs, the offers it got and its progress."""
    project = _project(public_id)
    return render(request, "spaces/project.html", _project_context(request, project))


def _project_context(request: HttpRequest, project: Any, **forms_given: Any) -> dict[str, Any]:
    return {
        "project": project,
        "need_labels": dict(Need.choices),
        "progress": selectors.project_progress(project),
        "offer_form": forms_given.get("offer_form") or forms.OfferForm(),
        "milestone_form": forms_given.get("milestone_form") or forms.MilestoneForm(),
        "progress_form": forms.ProgressForm(),
        "can_report": can_report_progress(request.user, project),
        "is_team": request.user.is_authenticated and project.posted_by_id == request.user.pk,
    }


@login_required
@require_POST
def offer_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Answer a project with an offer."""
    project = _project(public_id)
    form = forms.OfferForm(request.POST)
    here = reverse("spaces:project", args=[project.public_id])
    response = submit(
        request,
        form,
        lambda d: services.offer_create(actor=request.user, project=project, **d),
        then=here,
        done=_("Your offer is sent."),
    )
    if response is not None:
        return response
    context = _project_context(request, project, offer_form=form)
    return render(request, "spaces/project.html", context, status=form_status(request, form))


@login_required
@require_POST
def offer_decide(request: HttpRequest, public_id: uuid.UUID, offer_id: uuid.UUID) -> HttpResponse:
    """The team accepts or declines an offer."""
    project = _project(public_id)
    offer = Offer.objects.filter(project=project, public_id=offer_id).first()
    if offer is None:
        raise Http404
    try:
        services.offer_decide(
            actor=request.user, offer=offer, accept=request.POST.get("accept") == "1"
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, str(exc.message))
    return redirect("spaces:project", public_id=project.public_id)


@login_required
@require_POST
def milestone_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add a milestone to a project."""
    project = _project(public_id)
    form = forms.MilestoneForm(request.POST)
    response = submit(
        request,
        form,
        lambda d: services.milestone_add(actor=request.user, project=project, **d),
        then=reverse("spaces:project", args=[project.public_id]),
        done=_("Saved."),
    )
    if response is not None:
        return response
    context = _project_context(request, project, milestone_form=form)
    return render(request, "spaces/project.html", context, status=form_status(request, form))


@login_required
@require_POST
def progress_new(request: HttpRequest, public_id: uuid.UUID, milestone_id: int) -> HttpResponse:
    """Report a milestone's progress."""
    project = _project(public_id)
    milestone = ProjectMilestone.objects.filter(project=project, pk=milestone_id).first()
    if milestone is None:
        raise Http404
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_report(actor=request.user, milestone=milestone, **form.cleaned_data)
            messages.success(request, _("Progress reported."))
        except ServiceError as exc:
            messages.error(request, str(exc.message))
            mark_refused(request, exc)
    else:
        messages.error(request, _("Check the progress report: every field is needed."))
    return redirect("spaces:project", public_id=project.public_id)
