"""Pages of beneficial ownership: the list, an entity's page (public view, or the confidential
register for AML reviewers, audited), declarations, imports and downloads."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opengov.accounts.selectors import user_by_email
from opengov.core.errors import NotFound, ServiceError
from opengov.core.forms import apply_service_error, form_status, submit

from . import charts, exporting, permissions, rules, selectors, services
from .forms import DeclarationForm, EntityForm, ImportForm, RepresentativeForm
from .models import Party


def _entity(public_id: str) -> Party:
    party = selectors.party_by_public_id(public_id)
    if party is None or party.is_person:
        raise Http404
    return party


def entity_list(request: HttpRequest) -> HttpResponse:
    """Entities with ownership data, searchable by name or business number."""
    term = request.GET.get("q", "")[:100]
    page = Paginator(selectors.entities(term), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ownership/list.html",
        {
            "page": page,
            "term": term,
            "manages": permissions.manages_register(request.user),
            "threshold": rules.ubo_rules().threshold * 100,
        },
    )


def entity_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public view of an entity's ownership: what the law lets be published."""
    party = _entity(public_id)
    net = selectors.network(party)
    det = selectors.determination(net)
    view = selectors.public_view(net, det)
    return render(
        request,
        "ownership/entity.html",
        {
            "party": party,
            "view": view,
            "svg": charts.network_svg(view),
            "restricted": False,
            "sees_restricted": permissions.sees_restricted(request.user),
            "declares": permissions.declares_for(request.user, party),
            "manages": permissions.manages_register(request.user),
        },
    )


def entity_register(request: HttpRequest, public_id: str) -> HttpResponse:
    """The confidential register of an entity (AML reviewers); every view is audited. Anyone
    else gets "not found", and nothing is written."""
    party = _entity(public_id)
    try:
        services.restricted_view_record(actor=request.user, party=party, what="entity_page")
    except NotFound:
        raise Http404 from None
    net = selectors.network(party)
    det = selectors.determination(net)
    view = selectors.restricted_view(net, det)
    response = render(
        request,
        "ownership/entity.html",
        {
            "party": party,
            "view": view,
            "svg": charts.network_svg(view),
            "restricted": True,
            "sees_restricted": True,
            "declares": permissions.declares_for(request.user, party),
            "manages": permissions.manages_register(request.user),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, public_id: str) -> HttpResponse:
    """A representative declares a holder of an interest in the entity."""
    party = _entity(public_id)
    if not permissions.declares_for(request.user, party):
        raise Http404
    form = DeclarationForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        return services.declaration_submit(
            actor=request.user,
            subject=party,
            holder_kind=data["holder_kind"],
            holder_name=data["holder_name"],
            interest_type=data["interest_type"],
            share_exact=data.get("share_exact"),
            share_min=data.get("share_min"),
            share_max=data.get("share_max"),
            direct_or_indirect=data["direct_or_indirect"],
            nationality=data.get("nationality", ""),
            national_id=data.get("national_id", ""),
            birth_date=data.get("birth_date", ""),
            business_number=data.get("business_number", ""),
        )

    if (
        response := submit(
            request,
            form,
            save,
            then=reverse("ownership:entity", args=[party.public_id]),
            done=_("The declaration was recorded."),
        )
    ) is not None:
        return response
    return render(
        request,
        "ownership/declare.html",
        {"party": party, "form": form},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Import a BODS file (AML reviewers, operators): all or nothing, with its report."""
    if not permissions.manages_register(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            source = services.bods_import(
                actor=request.user, stream=upload.file, filename=upload.name, size=upload.size
            )
        except services.ImportRefused as exc:
            problems = [p.as_dict() for p in exc.problems]
            apply_service_error(form, exc)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(n)d statements were imported.") % {"n": source.statements},
            )
            return redirect("ownership:list")
    return render(
        request,
        "ownership/import.html",
        {"form": form, "problems": problems},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def entity_new(request: HttpRequest) -> HttpResponse:
    """Add an entity to the register (AML reviewers, operators)."""
    if not permissions.manages_register(request.user):
        raise Http404
    form = EntityForm(request.POST or None)

    def save(data: dict[str, Any]) -> Party:
        return services.entity_register(
            actor=request.user, name=data["name"], business_number=data["business_number"]
        )

    if (
        response := submit(
            request,
            form,
            save,
            then=lambda p: reverse("ownership:entity", args=[p.public_id]),
            done=_("The entity was added."),
        )
    ) is not None:
        return response
    return render(
        request, "ownership/entity_form.html", {"form": form}, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
def representative_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record who may declare for an entity (AML reviewers, operators)."""
    party = _entity(public_id)
    if not permissions.manages_register(request.user):
        raise Http404
    form = RepresentativeForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        user = user_by_email(data["email"])
        if user is None:
            raise ServiceError("not_found", _("No account has this e-mail address."), field="email")
        return services.representative_grant(actor=request.user, user=user, party=party)

    if (
        response := submit(
            request,
            form,
            save,
            then=reverse("ownership:entity", args=[party.public_id]),
            done=_("The representative was recorded."),
        )
    ) is not None:
        return response
    return render(
        request,
        "ownership/representative.html",
        {"party": party, "form": form},
        status=form_status(request),
    )


def _json_stream(items: Any) -> Any:
    yield "["
    for i, item in enumerate(items):
        yield ("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False, default=str)
    yield "\n]\n"


def download_bods(request: HttpRequest) -> StreamingHttpResponse:
    """The public part of the register as BODS 0.4 statements."""
    response = StreamingHttpResponse(
        _json_stream(exporting.bods_statements(full=False)), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="ownership-bods.json"'
    return response


def download_ftm(request: HttpRequest) -> StreamingHttpResponse:
    """The public part of the register as FollowTheMoney entities (JSON Lines)."""
    lines = (json.dumps(e, ensure_ascii=False) + "\n" for e in exporting.ftm_entities(full=False))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="ownership-ftm.jsonl"'
    return response


def download_register(request: HttpRequest) -> StreamingHttpResponse:
    """The whole register as BODS (AML reviewers; audited)."""
    try:
        services.restricted_view_record(actor=request.user, party=None, what="bods_full")
    except NotFound:
        raise Http404 from None
    response = StreamingHttpResponse(
        _json_stream(exporting.bods_statements(full=True)), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="ownership-register-bods.json"'
    response["Cache-Control"] = "private, no-store"
    return response
