"""Pages and downloads of the open data catalogue (under /data/)."""

from __future__ import annotations

import urllib.parse
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opengov.accounts.permissions import is_signed_in
from opengov.core.errors import RateLimited, ServiceError
from opengov.core.forms import apply_service_error, form_status, mark_refused, submit
from opengov.core.jurisdiction import jurisdiction
from opengov.core.pagination import page_number

from . import access, conditional, dcat, ingest, permissions, selectors, services, streaming
from .forms import DatasetForm, MetadataForm, ModerationForm, ShowcaseForm, VersionForm
from .models import Frequency, Showcase, Theme

PAGE_SIZE = 20
#: seconds a public read (download, DCAT) may be cached by browsers and proxies
PUBLIC_MAX_AGE = 300
#: seconds the "latest version" download of an uploaded dataset may be cached
LATEST_MAX_AGE = 60
#: seconds one version's download may be cached (its data never changes)
VERSION_MAX_AGE = 365 * 24 * 3600


def _entry_or_404(name: str) -> selectors.Entry:
    entry = selectors.get_entry(name)
    if entry is None:
        raise Http404
    return entry


def catalogue(request: HttpRequest) -> HttpResponse:
    """Search the catalogue, with facets by publisher, theme, format and licence."""
    q = (request.GET.get("q") or "").strip()
    chosen = {
        "organization": (request.GET.get("publisher") or "").strip(),
        "theme": (request.GET.get("theme") or "").strip(),
        "res_format": (request.GET.get("format") or "").strip(),
        "license_id": (request.GET.get("licence") or "").strip(),
    }
    fq = " ".join(f'{k}:"{v}"' for k, v in chosen.items() if v and '"' not in v)
    page = page_number(request.GET.get("page"))
    error = ""
    try:
        found = selectors.search(
            q=q.replace(":", " "),
            fq=fq,
            sort="metadata_modified desc" if not q else None,
            start=(page - 1) * PAGE_SIZE,
            rows=PAGE_SIZE,
            facet_fields=("organization", "theme", "res_format", "license_id"),
        )
    except selectors.SearchQueryError as exc:
        error = str(exc)
        found = selectors.SearchResult(count=0, entries=[], facets={})
    publisher_names = {code: name for code, name, _n in selectors.publishers()}
    themes = dict(Theme.choices)
    facet_labels = {
        "organization": (_("Publisher"), "publisher", lambda v: publisher_names.get(v, v)),
        "theme": (_("Theme"), "theme", lambda v: themes.get(v, v)),
        "res_format": (_("Format"), "format", lambda v: v),
        "license_id": (_("Licence"), "licence", lambda v: v),
    }
    facets = []
    for key, (title, param, label) in facet_labels.items():
        counter = found.facets.get(key) or Counter()
        facets.append(
            {
                "title": title,
                "param": param,
                "chosen": chosen[key],
                "items": [(v, label(v), n) for v, n in counter.most_common(20)],
            }
        )
    counts = selectors.download_counts([e.name for e in found.entries])
    last_page = max(1, -(-found.count // PAGE_SIZE))
    keep = urllib.parse.urlencode(
        {k: v for k, v in {"q": q, **{f["param"]: f["chosen"] for f in facets}}.items() if v}
    )
    return render(
        request,
        "open_data/catalogue.html",
        {
            "q": q,
            "found": found,
            "rows": [(e, counts.get(e.name, 0)) for e in found.entries],
            "facets": facets,
            "error": error,
            "page": page,
            "last_page": last_page,
            "keep": keep,
            "can_publish": permissions.publishing_agencies(request.user).exists(),
        },
    )


def dataset(request: HttpRequest, name: str) -> HttpResponse:
    """One dataset: metadata, licence and attribution, downloads, preview, versions."""
    entry = _entry_or_404(name)
    preview_rows = selectors.preview(entry, jurisdiction().open_data.preview_rows)
    versions = list(selectors.versions_of(entry.dataset)) if entry.dataset else []
    can_upload = bool(entry.dataset) and permissions.can_publish_for(
        request.user, entry.dataset.agency
    )
    return render(
        request,
        "open_data/dataset.html",
        {
            "entry": entry,
            "preview": preview_rows,
            "versions": versions,
            "downloads": selectors.download_counts([entry.name]).get(entry.name, 0),
            "showcases": selectors.published_showcases(entry.name),
            "can_upload": can_upload,
            "theme_label": dict(Theme.choices).get(entry.theme, entry.theme),
            "frequency_label": dict(Frequency.choices).get(
                entry.update_frequency, entry.update_frequency
            ),
        },
    )


def dictionary(request: HttpRequest, name: str) -> HttpResponse:
    """The data dictionary: every published field, its type and meaning."""
    entry = _entry_or_404(name)
    return render(request, "open_data/dictionary.html", {"entry": entry})


def _error_json(exc: ServiceError) -> JsonResponse:
    response = JsonResponse({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _stream(
    request: HttpRequest,
    entry: selectors.Entry,
    fmt: str,
    version: Any = None,
) -> HttpResponseBase:
    """Stream a dataset. `?bom=1` (CSV) is the spreadsheet variant: a BOM first and text
    cells that would start a formula made inert; the plain CSV is the exact data."""
    try:
        access.throttle_download(request)
    except ServiceError as exc:
        return _error_json(exc)
    chosen = None if entry.exporter is not None else (version or entry.latest)
    fields = chosen.schema if chosen is not None else entry.fields
    names = [f["name"] for f in fields]
    types = [f.get("type", "string") for f in fields]
    bom = fmt == "csv" and request.GET.get("bom") in ("1", "true", "yes")
    label = entry.version if chosen is None else str(chosen.number)
    if fmt == "csv" and chosen is not None and bom:
        body = streaming.csv_rows(
            names,
            types,
            selectors.text_batches(chosen),
            bom=True,
            spreadsheet=True,
            lineterminator="\n",  # as the stored file: only the BOM and inert cells differ
        )
    elif fmt == "csv" and chosen is not None:
        body = streaming.csv_file(lambda: chosen.data.open("rb"))
    elif fmt == "csv":
        body = streaming.csv_rows(
            names, types, selectors.typed_batches(entry), bom=bom, spreadsheet=bom
        )
    elif fmt == "json":
        body = streaming.json_rows(names, types, selectors.typed_batches(entry, chosen))
    else:
        body = streaming.jsonl_rows(names, types, selectors.typed_batches(entry, chosen))
    response = StreamingHttpResponse(body, content_type=streaming.CONTENT_TYPES[fmt])
    filename = f"{entry.name}-v{label}.{fmt}" if entry.kind == "upload" else f"{entry.name}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    page = dcat.absolute(reverse("open_data:dataset", args=[entry.name]))
    links = [f'<{page}>; rel="describedby"']
    if entry.licence.url:
        links.append(f'<{entry.licence.url}>; rel="license"')
    response["Link"] = ", ".join(links)
    attribution = entry.attribution(label)
    response["X-Licence"] = entry.licence.id
    response["X-Attribution"] = urllib.parse.quote(attribution)
    response["Access-Control-Allow-Origin"] = "*"
    if chosen is None:
        # Registry data is live and has no cheap, reliable change marker: no validator.
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        # One version's data never changes (its checksum is stored); a version's own URL
        # can be cached for long, the "latest" URL only briefly.
        patch_cache_control(
            response,
            public=True,
            max_age=VERSION_MAX_AGE if version is not None else LATEST_MAX_AGE,
        )
        etag = conditional.strong_etag(
            str(entry.dataset.public_id),
            str(chosen.number),
            chosen.sha256,
            fmt,
            "spreadsheet" if bom else "exact",
            entry.licence.id,
            attribution,
        )
        answered = conditional.answer(request, response, etag=etag, last_modified=chosen.created_at)
        if answered is not response:
            return answered
    services.download_count(name=entry.name)
    return response


def download(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    """The latest version of a dataset (stable URL), streamed."""
    entry = _entry_or_404(name)
    return _stream(request, entry, fmt)


def version_download(request: HttpRequest, name: str, number: int, fmt: str) -> HttpResponseBase:
    """One version of an uploaded dataset, streamed."""
    entry = _entry_or_404(name)
    version = selectors.get_version(entry, number)
    if version is None:
        raise Http404
    return _stream(request, entry, fmt, version)


def version_original(request: HttpRequest, name: str, number: int) -> HttpResponseBase:
    """The file of a version exactly as the agency uploaded it."""
    entry = _entry_or_404(name)
    version = selectors.get_version(entry, number)
    if version is None:
        raise Http404
    try:
        access.throttle_download(request)
    except ServiceError as exc:
        return _error_json(exc)
    types = {
        "csv": "text/csv",
        "json": "application/json",
        "xlsx": dcat.MEDIA_TYPES["xlsx"][1],
    }
    response = StreamingHttpResponse(
        streaming.csv_file(lambda: version.original.open("rb")),
        content_type=types[version.original_format],
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{entry.name}-v{version.number}-original.{version.original_format}"'
    )
    # The file as uploaded never changes: the version identifies it.
    patch_cache_control(response, public=True, max_age=VERSION_MAX_AGE)
    etag = conditional.strong_etag(
        str(entry.dataset.public_id), str(version.number), version.sha256, "original"
    )
    answered = conditional.answer(request, response, etag=etag, last_modified=version.created_at)
    if answered is response:
        services.download_count(name=entry.name)
    return answered


def dataset_dcat(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    """One dataset in DCAT-AP (JSON-LD or Turtle)."""
    entry = _entry_or_404(name)
    body, content_type = dcat.serialize(dcat.dataset_graph(entry), fmt)
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return conditional.answer_with_body(request, response)


def catalogue_dcat(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The catalogue in DCAT-AP, one page at a time (`?page=`), with Hydra paging."""
    size = jurisdiction().open_data.catalog_page_size
    page = page_number(request.GET.get("page"))
    found = selectors.search(sort="name asc", start=(page - 1) * size, rows=size)
    graph = dcat.catalogue_graph(
        found.entries,
        page=page,
        page_size=size,
        total=found.count,
        base_path=reverse("open_data:catalogue_dcat", args=[fmt]),
    )
    body, content_type = dcat.serialize(graph, fmt)
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return conditional.answer_with_body(request, response)


@require_http_methods(["GET", "POST"])
def dataset_new(request: HttpRequest) -> HttpResponse:
    """Publish a new dataset (officials, for their agency)."""
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    agencies = list(permissions.publishing_agencies(request.user))
    if not agencies:
        raise Http404
    problems: list[ingest.Problem] = []
    form = DatasetForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = next(a for a in agencies if a.code == data["agency"])
        try:
            created = services.dataset_create(
                actor=request.user,
                agency=agency,
                name=data["name"],
                title=data["title"],
                description=data["description"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                theme=data["theme"],
                update_frequency=data["update_frequency"],
                upload=data["file"],
                keywords=data["keywords"],
                licence=data["licence"],
                temporal_start=data["temporal_start"],
                temporal_end=data["temporal_end"],
                spatial=data["spatial"],
                encoding=data["encoding"],
                fields_text=data["fields"],
                note=data["note"],
            )
        except ingest.UploadRejected as exc:
            problems = exc.problems
            apply_service_error(form, exc)
            mark_refused(request, exc)
        except ServiceError as exc:
            apply_service_error(form, exc)
            mark_refused(request, exc)
        else:
            messages.success(request, _("The dataset is published."))
            return redirect("open_data:dataset", created.name)
    status = form_status(request)
    return render(
        request,
        "open_data/dataset_form.html",
        {"form": form, "problems": problems, "dataset": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, name: str) -> HttpResponse:
    """Upload a new version of a dataset (officials of its agency)."""
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    target = get_object_or_404(permissions.managed_datasets(request.user), name=name)
    problems: list[ingest.Problem] = []
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.dataset_add_version(
                actor=request.user,
                dataset=target,
                upload=data["file"],
                encoding=data["encoding"],
                fields_text=data["fields"],
                note=data["note"],
            )
        except ingest.UploadRejected as exc:
            problems = exc.problems
            apply_service_error(form, exc)
            mark_refused(request, exc)
        except ServiceError as exc:
            apply_service_error(form, exc)
            mark_refused(request, exc)
        else:
            messages.success(request, _("Version %(n)d is published.") % {"n": version.number})
            return redirect("open_data:dataset", target.name)
    latest = target.versions.filter(number=target.latest_version).first()
    status = form_status(request)
    return render(
        request,
        "open_data/dataset_form.html",
        {
            "form": form,
            "problems": problems,
            "dataset": target,
            "current_fields": ingest.field_lines(latest.schema) if latest else "",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def dataset_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Change a dataset's description (officials of its agency)."""
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    target = get_object_or_404(permissions.managed_datasets(request.user), name=name)
    initial = {f: getattr(target, f) for f in MetadataForm.METADATA if f != "keywords"}
    initial["keywords"] = ", ".join(target.keywords.values_list("name", flat=True))
    form = MetadataForm(request.POST or None, initial=initial)
    if response := submit(
        request,
        form,
        lambda data: services.dataset_update(actor=request.user, dataset=target, **data),
        then=reverse("open_data:dataset", args=[target.name]),
        done=_("The description is saved."),
    ):
        return response
    status = form_status(request)
    return render(
        request, "open_data/metadata_form.html", {"form": form, "dataset": target}, status=status
    )


def showcases(request: HttpRequest) -> HttpResponse:
    """Applications built on the platform's data."""
    return render(
        request,
        "open_data/showcases.html",
        {
            "showcases": selectors.published_showcases(),
            "can_moderate": permissions.can_moderate_showcases(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def showcase_submit(request: HttpRequest) -> HttpResponse:
    """Submit an application for the showcase (signed-in people)."""
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    initial = {"datasets": request.GET.get("dataset", "")}
    form = ShowcaseForm(request.POST or None, initial=initial)
    if response := submit(
        request,
        form,
        lambda data: services.showcase_submit(
            actor=request.user,
            title=data["title"],
            description=data["description"],
            url=data["url"],
            datasets=data["datasets"].replace("，", ",").split(","),
        ),
        then=reverse("open_data:showcases"),
        done=_("Thank you. A moderator will review the application."),
    ):
        return response
    return render(
        request, "open_data/showcase_form.html", {"form": form}, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
def showcase_moderation(request: HttpRequest) -> HttpResponse:
    """Pending applications and the moderators' decisions."""
    if not permissions.can_moderate_showcases(request.user):
        raise Http404
    if request.method == "POST":
        showcase = get_object_or_404(Showcase, public_id=request.POST.get("showcase"))
        form = ModerationForm(request.POST)
        if form.is_valid():
            try:
                services.showcase_moderate(
                    actor=request.user,
                    showcase=showcase,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Decision saved."))
        return redirect("open_data:showcase_moderation")
    return render(
        request,
        "open_data/showcase_moderation.html",
        {"pending": selectors.pending_showcases(), "form": ModerationForm()},
    )
