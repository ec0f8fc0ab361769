"""Pages of the registry: search, the company page, the person page (each with the sections
other apps register), imports with their progress and report, the match review queue."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opengov.core.forms import form_status, submit

from . import importer, pages, selectors, services
from .forms import AsOfForm, DecisionForm, ImportForm, SearchForm
from .imports import import_start
from .models import Status
from .permissions import can_manage, reviewable_candidates, visible_import_runs

PAGE_SIZE = 25
REASON_LABELS = {
    "address": gettext_lazy("same address"),
    "representative": gettext_lazy("same representative"),
    "director": gettext_lazy("same director"),
    "director_name": gettext_lazy("a director of the same name"),
}


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def search(request: HttpRequest) -> HttpResponse:
    """Organisations and people by business number or name."""
    form = SearchForm(request.GET or None)
    term = form.cleaned_data["q"] if form.is_valid() else ""
    organisations = people = None
    if term:
        organisations = Paginator(selectors.search_organisations(term), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        people = selectors.search_people(term)[:PAGE_SIZE]
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "term": term,
            "organisations": organisations,
            "people": people,
            "can_manage": can_manage(request.user),
        },
    )


def organisation_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """Everything the platform knows about an organisation."""
    wanted = _uuid(public_id)
    org = selectors.organisation_by_public_id(wanted)
    if org is None:
        raise Http404
    if org.public_id != wanted:  # merged into another organisation
        return redirect("registry:organisation", org.public_id)
    as_of_form = AsOfForm(request.GET or None)
    on = as_of_form.cleaned_data.get("on") if as_of_form.is_valid() else None
    state = selectors.organisation_as_of(org, on) if on else None
    sharing = [
        (s.organisation, [(REASON_LABELS[r], v) for r, v in s.reasons.items()])
        for s in selectors.organisations_sharing(org)[:50]
    ]
    board_history = selectors.board(org, current=False).filter(valid_to__isnull=False)
    return render(
        request,
        "registry/organisation.html",
        {
            "org": org,
            "status_label": Status(selectors.current_status(org)).label,
            "names": org.names.order_by("valid_from", "id"),
            "status_records": org.status_records.order_by("valid_from", "id"),
            "board": state.board if state else selectors.board(org),
            "board_history": board_history,
            "state": state,
            "as_of_form": as_of_form,
            "sharing": sharing,
            "main_members": selectors.main_member_flags(org),
            "sections": pages.render_sections("organisation", org, request),
        },
    )


def person_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """Everything the platform knows about a person (never an ID number, only as published)."""
    person = selectors.person_by_public_id(_uuid(public_id))
    if person is None:
        raise Http404
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "seats": selectors.person_seats(person),
            "positions": selectors.person_positions(person),
            "exposed": selectors.is_politically_exposed(person),
            "sections": pages.render_sections("person", person, request),
        },
    )


def imports(request: HttpRequest) -> HttpResponse:
    """Upload a registry file (registry managers), and the runs so far."""
    if not can_manage(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)

    def action(data: dict[str, Any]):
        upload = data["file"]
        return import_start(
            actor=request.user,
            filename=upload.name,
            data=upload.read(),
            dataset=data["dataset"],
            as_of=data["as_of"],
        )

    done = submit(
        request,
        form,
        action,
        then=lambda run: reverse("registry:import", args=[run.public_id]),
        done=_("The file was received; its import has started."),
    )
    if done:
        return done
    runs = visible_import_runs(request.user).defer("data").select_related("created_by")[:50]
    return render(
        request,
        "registry/imports.html",
        {"form": form, "runs": runs},
        status=form_status(request),
    )


def import_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One import: a progress bar while it runs (the page refreshes itself, with or without
    JavaScript), then its result and every rejected row."""
    run = visible_import_runs(request.user).filter(public_id=_uuid(public_id)).first()
    if run is None:
        raise Http404
    return render(
        request,
        "registry/import.html",
        {"run": run, "progress": importer.progress(run)},
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    """Uncertain matches, most similar first (registry managers)."""
    if not can_manage(request.user):
        raise Http404
    queue = Paginator(reviewable_candidates(request.user).filter(decision=""), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registry/review.html",
        {"queue": queue, "form": DecisionForm()},
    )


def review_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    """Decide one queued match: same, different or unsure."""
    item = reviewable_candidates(request.user).filter(public_id=_uuid(public_id)).first()
    if item is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.match_decide(
            actor=request.user, candidate=item, decision=data["decision"], note=data["note"]
        ),
        then=reverse("registry:review"),
        done=_("Decision recorded."),
    )
    if done:
        return done
    return render(
        request,
        "registry/decide.html",
        {"item": item, "form": form},
        status=form_status(request),
    )
