"""Pages of procurement: processes, the risk pages of a process, a buyer and a supplier (their
red flags with the evidence and links to the releases), imports with their progress, the
integrity-platform projects, and downloads."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengov.accounts import selectors as account_selectors
from opengov.core.errors import ServiceError
from opengov.core.files import file_response
from opengov.core.forms import form_status, mark_refused, submit

from . import exporting, importer, selectors, services, tasks
from .forms import (
    AnswerForm,
    DocumentForm,
    HideForm,
    ImportForm,
    MilestoneForm,
    NoteForm,
    NoticeImportForm,
    ProjectForm,
    QuestionForm,
)
from .imports import import_start
from .permissions import (
    is_keeper,
    monitor_of,
    runs_project,
    visible_import_runs,
    visible_projects,
)

PAGE_SIZE = 25


def _hits(rows: Any) -> list[dict[str, Any]]:
    """Flag hits with their definitions, for the templates."""
    definitions = selectors.flag_definitions()
    return [{"hit": h, "definition": definitions.get(h.code)} for h in rows]


def process_list(request: HttpRequest) -> HttpResponse:
    """Processes, searchable by ocid, title or buyer."""
    term = request.GET.get("q", "")[:100]
    page = Paginator(selectors.records(term), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/list.html",
        {"page": page, "term": term, "keeper": is_keeper(request.user)},
    )


def process_page(request: HttpRequest, ocid: str) -> HttpResponse:
    """A process: its stages, bids and contracts, its red flags with their evidence, and its
    releases as published."""
    record = selectors.process_detail(ocid)
    if record is None:
        raise Http404
    tender = getattr(record, "tender", None)
    return render(
        request,
        "procurement/process.html",
        {
            "record": record,
            "tender": tender,
            "large": selectors.large_contract_ids(record),
            "hits": _hits(selectors.process_flags(record)),
            "releases": selectors.process_releases(record),
        },
    )


def buyer_page(request: HttpRequest, key: str) -> HttpResponse:
    """A buyer: its processes and the red flags raised on it and on its processes."""
    rows = selectors.buyer_records(key)
    name = selectors.buyer_name(key)
    if not name and not rows.exists():
        raise Http404
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/buyer.html",
        {
            "key": key,
            "name": name or key,
            "page": page,
            "own_hits": _hits(selectors.subject_flags("buyer", key)),
            "process_hits": _hits(selectors.buyer_process_flags(key)[:200]),
        },
    )


def supplier_page(request: HttpRequest, key: str) -> HttpResponse:
    """A supplier or tenderer: awards won, bids, red flags, and its registry entry (directors,
    owners) when the registry knows it."""
    parties = selectors.supplier_key_parties(key)
    party = parties.order_by("-record__date").first()
    if party is None:
        raise Http404
    organisation = selectors.registry_organisation(party)
    return render(
        request,
        "procurement/supplier.html",
        {
            "key": key,
            "party": party,
            "organisation": organisation,
            "board": selectors.registry_board(organisation) if organisation else [],
            "awards": selectors.supplier_awards(key)[:200],
            "bids": selectors.supplier_bids(key)[:200],
            "hits": _hits(selectors.supplier_flags(key)),
        },
    )


def record_json(request: HttpRequest, ocid: str) -> HttpResponse:
    """One process as an OCDS record package (its releases, or linked, and compiled)."""
    record = selectors.record_by_ocid(ocid)
    if record is None:
        raise Http404
    package = exporting.record_package([record], uri=request.build_absolute_uri())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


def release_json(request: HttpRequest, ocid: str, release_id: str) -> HttpResponse:
    """One release exactly as published, in a release package."""
    release = selectors.release(ocid, release_id)
    if release is None:
        raise Http404
    package = exporting.release_package([release.data], uri=request.build_absolute_uri())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})


def flag_list(request: HttpRequest) -> HttpResponse:
    """Every red flag found, by code, with the definitions and thresholds."""
    code = request.GET.get("code", "")[:10]
    rows = selectors.all_flags(code)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.flag_counts()
    return render(
        request,
        "procurement/flags.html",
        {
            "page": page,
            "hits": _hits(page.object_list),
            "code": code,
            "definitions": [
                (d, counts.get(d.code, 0))
                for d in sorted(selectors.flag_definitions().values(), key=lambda d: d.code)
            ],
            "keeper": is_keeper(request.user),
            "query_string": f"code={code}" if code else "",
        },
    )


@require_POST
def flags_refresh(request: HttpRequest) -> HttpResponse:
    """Run the red-flag engine again (keepers)."""
    if not is_keeper(request.user):
        raise Http404
    if not settings.JOBS_IN_PROCESS:  # a worker runs the engine; the page does not wait
        tasks.refresh_flags.delay(user_id=request.user.pk)
        messages.success(request, _("The red flags are being run again."))
        return redirect("procurement:flags")
    count = services.flags_refresh(actor=request.user)
    messages.success(request, _("Red flags refreshed: %(n)d found.") % {"n": count})
    return redirect("procurement:flags")


def imports(request: HttpRequest) -> HttpResponse:
    """Upload an OCDS file (keepers), and the runs so far."""
    if not is_keeper(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)

    def action(data: dict[str, Any]):
        upload = data["file"]
        return import_start(
            actor=request.user,
            filename=upload.name,
            file=upload,
            size=upload.size,
            keep_valid=data["keep_valid"],
        )

    done = submit(
        request,
        form,
        action,
        then=lambda run: reverse("procurement:import", args=[run.public_id]),
        done=_("The file was received; its import has started."),
    )
    if done:
        return done
    runs = visible_import_runs(request.user).select_related("created_by")[:50]
    return render(
        request,
        "procurement/imports.html",
        {"form": form, "runs": runs},
        status=form_status(request),
    )


def import_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One import: a progress bar while it runs (the page refreshes itself), then its result
    and every rejected release with its position and reason."""
    run = visible_import_runs(request.user).filter(public_id=_uuid(public_id)).first()
    if run is None:
        raise Http404
    return render(
        request,
        "procurement/import.html",
        {"run": run, "progress": importer.progress(run)},
    )


def notice_import(request: HttpRequest) -> HttpResponse:
    """Upload PCC notices in their "section:field" form (keepers)."""
    if not is_keeper(request.user):
        raise Http404
    form = NoticeImportForm(request.POST or None, request.FILES or None)
    report = None
    rejections: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            notices = _read_notices(upload)
            report = services.notices_import(
                actor=request.user,
                notices=notices,
                keep_valid=form.cleaned_data["keep_valid"],
                source=upload.name,
            )
            rejections = report.rejections
        except ServiceError as exc:
            form.add_service_error(exc)
            rejections = exc.details or []
            mark_refused(request, exc)
    return render(
        request,
        "procurement/notices.html",
        {"form": form, "report": report, "rejections": rejections},
        status=form_status(request, form) if report is None else 200,
    )


def _read_notices(upload: Any) -> list[Any]:
    limit = selectors.notice_max_bytes()
    if upload.size > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)},
            field="file",
        )
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("encoding", _("The file is not UTF-8."), field="file") from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            raise ServiceError(
                "not_json", _("The file is neither JSON nor JSON Lines."), field="file"
            ) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ServiceError("not_json", _("Expected a list of notices."), field="file")
    return data


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _download(stream: Any, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_releases(request: HttpRequest) -> HttpResponse:
    """Every release as one OCDS release package (streamed)."""
    uri = request.build_absolute_uri()
    return _download(
        exporting.stream_release_package(uri), "application/json", "procurement-releases.json"
    )


def download_records(request: HttpRequest) -> HttpResponse:
    """Every process as one OCDS record package (streamed)."""
    uri = request.build_absolute_uri()
    return _download(
        exporting.stream_record_package(uri), "application/json", "procurement-records.json"
    )


def download_contracts_csv(request: HttpRequest) -> HttpResponse:
    """Contracts with their suppliers, categories and periods, as CSV for spreadsheets."""
    return _download(
        exporting.contracts_csv(), "text/csv; charset=utf-8", "procurement-contracts.csv"
    )


def project_list(request: HttpRequest) -> HttpResponse:
    """Projects followed on the integrity platform (published ones; unpublished ones for those
    who run or monitor them); keepers set up new ones here."""
    keeper = is_keeper(request.user)
    if request.method == "POST" and not keeper:
        raise Http404
    form = ProjectForm(request.POST or None) if keeper else None

    def action(data: dict[str, Any]):
        agency = account_selectors.agency_by_code(data["agency"])
        if agency is None:
            raise ServiceError("invalid", _("No such agency."), field="agency")
        return services.project_create(
            actor=request.user,
            slug=data["slug"],
            title=data["title"],
            agency=agency,
            summary=data["summary"],
            budget=data["budget"],
            ocids=data["ocids"].split(),
            published=data["published"],
        )

    if form is not None:
        done = submit(
            request,
            form,
            action,
            then=lambda p: reverse("procurement:project", args=[p.slug]),
            done=_("Saved."),
        )
        if done:
            return done
    rows = visible_projects(request.user).order_by("-created_at", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/projects.html",
        {"page": page, "form": form},
        status=form_status(request),
    )


def project_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A project: its processes, documents, milestones, monitors' notes, and the public's
    questions with the agency's answers. Forms for those allowed to use them."""
    project = visible_projects(request.user).filter(slug=slug).first()
    if project is None:
        raise Http404
    user = request.user
    runs = runs_project(user, project)
    monitor = monitor_of(user, project)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = {
        "question": QuestionForm(request.POST if action == "question" else None, prefix="q"),
        "note": NoteForm(request.POST if action == "note" else None, prefix="n"),
        "milestone": MilestoneForm(request.POST if action == "milestone" else None, prefix="m"),
        "document": DocumentForm(
            request.POST if action == "document" else None,
            request.FILES if action == "document" else None,
            prefix="d",
        ),
        "answer": AnswerForm(request.POST if action == "answer" else None, prefix="a"),
        "hide": HideForm(request.POST if action == "hide" else None, prefix="h"),
    }
    here = reverse("procurement:project", args=[project.slug])
    handlers = {
        "question": lambda d: services.question_ask(actor=user, project=project, body=d["body"]),
        "note": lambda d: services.note_add(actor=user, project=project, body=d["body"]),
        "milestone": lambda d: services.milestone_add(
            actor=user, project=project, title=d["title"], due_on=d["due_on"], done_on=d["done_on"]
        ),
        "document": lambda d: services.document_add(
            actor=user, project=project, title=d["title"], upload=d["file"]
        ),
        "answer": lambda d: services.question_answer(
            actor=user, question=_question(project, d["question"]), answer=d["answer"]
        ),
        "hide": lambda d: services.question_hide(
            actor=user, question=_question(project, d["question"]), reason=d["reason"]
        ),
    }
    if action in handlers:
        done = submit(request, forms_[action], handlers[action], then=here, done=_("Saved."))
        if done:
            return done
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "procurement/project.html",
        {
            "project": project,
            "runs": runs,
            "monitor": monitor,
            "forms": forms_,
            "records": selectors.records_by_ocids(project.ocids),
            "milestones": project.milestones.all(),
            "documents": project.documents.all(),
            "notes": project.notes.select_related("monitor"),
            "questions": selectors.public_questions(project),
            "monitors": project.monitors.all(),
        },
        status=form_status(request) if action else 200,
    )


def _question(project: Any, public_id: Any) -> Any:
    question = project.questions.filter(public_id=public_id).first()
    if question is None:
        raise ServiceError("not_found", _("No such question."), field="question")
    return question


def project_document(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    """A project's document, sent after the project's visibility check."""
    project = visible_projects(request.user).filter(slug=slug).first()
    if project is None:
        raise Http404
    document = project.documents.filter(public_id=_uuid(public_id)).first()
    if document is None:
        raise Http404
    return file_response(document.file, filename=document.filename)
