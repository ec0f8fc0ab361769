"""JSON API of procurement, under /api/v1/procurement/.

Processes, red flags, large-procurement contracts and integrity-platform projects are public
reads. Imports (OCDS files, PCC notices) and refreshing the flags are for keepers (operators
and officials of the procurement authority and the Agency Against Corruption); to anyone else
they do not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus
from pydantic import Field

from opengov.accounts import selectors as account_selectors
from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.core.errors import NotFound, ServiceError
from opengov.core.pagination import PageParams, paginate

from . import importer, imports, selectors, services
from .models import FlagHit, ImportRun, IntegrityProject, Record
from .permissions import require_keeper, visible_import_runs, visible_projects

router = Router(tags=["procurement"])
PUBLIC_MAX_AGE = 60


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else request.user


def _cacheable(data: Any) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


class ProcurementProcessOut(Schema):
    """A contracting process in short."""

    ocid: str
    title: str
    buyer_name: str
    buyer_id: str
    procurement_method: str
    category: str
    date: dt.datetime | None
    url: str


class ProcurementFlagOut(Schema):
    """A red flag with its evidence."""

    code: str
    ocid: str | None
    subject: str
    subject_id: str
    evidence: dict[str, Any]


class ProcurementProcessListOut(Schema):
    items: list[ProcurementProcessOut]
    count: int


class ProcurementFlagListOut(Schema):
    items: list[ProcurementFlagOut]
    count: int


class ProcurementProcessDetailOut(ProcurementProcessOut):
    """A process with its compiled release (OCDS) and its red flags."""

    compiled_release: dict[str, Any]
    flags: list[ProcurementFlagOut]


def _process(r: Record) -> dict[str, Any]:
    return {
        "ocid": r.ocid,
        "title": r.title,
        "buyer_name": r.buyer_name,
        "buyer_id": r.buyer_identifier,
        "procurement_method": r.procurement_method,
        "category": r.category,
        "date": r.date,
        "url": selectors.process_url(r.ocid),
    }


def _flag(h: FlagHit) -> dict[str, Any]:
    return {
        "code": h.code,
        "ocid": h.ocid or None,
        "subject": h.subject,
        "subject_id": h.subject_id,
        "evidence": h.evidence,
    }


class ProcurementSearchParams(PageParams):
    """`?q=` (part of an ocid, title or buyer name) with the page."""

    q: str = Field("", max_length=100)


@router.get("/processes", auth=OPTIONAL, response=ProcurementProcessListOut, summary="Processes")
def list_processes(request: HttpRequest, params: Query[ProcurementSearchParams]):
    """Contracting processes, newest first."""
    return paginate(selectors.records(params.q), params, _process)


@router.get(
    "/processes/{ocid}",
    auth=OPTIONAL,
    response=ProcurementProcessDetailOut,
    summary="One process with its compiled release and red flags",
)
def get_process(request: HttpRequest, ocid: str):
    record = selectors.record_by_ocid(ocid[:200])
    if record is None:
        raise NotFound(_("No such process."))
    return {
        **_process(record),
        "compiled_release": record.compiled,
        "flags": [_flag(h) for h in selectors.process_flags(record)],
    }


class ProcurementFlagParams(PageParams):
    """`?code=` (one flag, e.g. R018) and `?subject_id=` with the page."""

    code: str = Field("", max_length=10)
    subject_id: str = Field("", max_length=200)


@router.get("/flags", auth=OPTIONAL, response=ProcurementFlagListOut, summary="Red flags")
def list_flags(request: HttpRequest, params: Query[ProcurementFlagParams]):
    """Every red flag found, with the evidence of each."""
    rows = selectors.all_flags(params.code)
    if params.subject_id:
        rows = rows.filter(subject_id=params.subject_id)
    return paginate(rows, params, _flag)


class ProcurementFlagDefinitionOut(Schema):
    """What a flag detects, its source and the profile thresholds it reads."""

    code: str
    title: str
    definition: str
    source: str
    subject: str
    thresholds: list[str]


@router.get(
    "/flag-definitions",
    auth=OPTIONAL,
    response=list[ProcurementFlagDefinitionOut],
    summary="The red flags and what they detect",
)
def flag_definitions(request: HttpRequest):
    return [
        {
            "code": d.code,
            "title": str(d.title),
            "definition": str(d.definition),
            "source": d.source,
            "subject": d.subject,
            "thresholds": list(d.thresholds),
        }
        for d in sorted(selectors.flag_definitions().values(), key=lambda d: d.code)
    ]


class ProcurementLargeParams(Schema):
    """`?business_number=` and `?on=YYYY-MM-DD` (today when absent)."""

    business_number: str = Field(max_length=8, min_length=8, pattern=r"^\d{8}$")
    on: dt.date | None = None


class ProcurementLargeContractOut(Schema):
    """A large-procurement (巨額採購) contract with its performance period."""

    ocid: str
    contract_id: str
    title: str
    buyer_name: str
    supplier_business_number: str
    supplier_name: str
    category: str
    amount: Decimal
    currency: str
    start: dt.date
    end: dt.date | None
    url: str


@router.get(
    "/large-contracts",
    auth=OPTIONAL,
    response=list[ProcurementLargeContractOut],
    summary="Large-procurement contracts of a company in performance on a date",
)
def large_contracts(request: HttpRequest, params: Query[ProcurementLargeParams]):
    """Political Donations Act Art. 7 ¶1(2): a company holding a large-procurement contract
    during its performance may not donate."""
    from opengov.core import clock

    on = params.on or clock.today()
    return [
        c.__dict__ for c in selectors.large_procurement_in_performance(params.business_number, on)
    ]


# --- keepers ---------------------------------------------------------------------------------


class ProcurementImportOut(Schema):
    """An import run: its state, progress and report."""

    id: uuid.UUID
    filename: str
    state: str
    keep_valid: bool
    size: int
    percent: int
    file_format: str
    releases_read: int
    releases_stored: int
    records_compiled: int
    rejected_count: int
    rejections: list[dict[str, Any]]
    message: str


class ProcurementImportListOut(Schema):
    items: list[ProcurementImportOut]
    count: int


def _import(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.public_id,
        "filename": run.filename,
        "state": run.state,
        "keep_valid": run.keep_valid,
        "size": run.size,
        "percent": importer.progress(run)["percent"],
        "file_format": run.file_format,
        "releases_read": run.releases_read,
        "releases_stored": run.releases_stored,
        "records_compiled": run.records_compiled,
        "rejected_count": run.rejected_count,
        "rejections": run.rejections,
        "message": run.message,
    }


class ProcurementImportIn(Schema):
    """The form fields of an upload."""

    keep_valid: bool = Field(False, description="keep the readable releases of a flawed file")


@router.post(
    "/imports",
    auth=REQUIRED,
    response={201: ProcurementImportOut},
    summary="Upload an OCDS file",
)
def create_import(request: HttpRequest, form: Form[ProcurementImportIn], file: File[UploadedFile]):
    """Multipart: `file` (release or record package, JSON or JSON Lines) and `keep_valid`.
    The import runs as a job; poll `GET /imports/{id}` for its progress and report."""
    run = imports.import_start(
        actor=_user(request),
        filename=file.name or "upload.json",
        file=file,
        size=file.size or 0,
        keep_valid=form.keep_valid,
    )
    run.refresh_from_db()
    return HttpStatus(201, _import(run))


@router.get("/imports", auth=REQUIRED, response=ProcurementImportListOut, summary="Import runs")
def list_imports(request: HttpRequest, params: Query[PageParams]):
    require_keeper(_user(request))
    return paginate(visible_import_runs(_user(request)), params, _import)


@router.get(
    "/imports/{public_id}",
    auth=REQUIRED,
    response=ProcurementImportOut,
    summary="An import's progress and report",
)
def get_import(request: HttpRequest, public_id: str):
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        raise NotFound(_("No such import.")) from None
    run = visible_import_runs(_user(request)).filter(public_id=key).first()
    if run is None:
        raise NotFound(_("No such import."))
    return _import(run)


class ProcurementNoticesIn(Schema):
    """PCC notices in their "section:field" form."""

    notices: list[dict[str, Any]] = Field(max_length=10_000)
    keep_valid: bool = False


class ProcurementNoticesOut(Schema):
    """What importing notices did."""

    releases_stored: int
    records_compiled: int
    rejections: list[dict[str, Any]]


@router.post(
    "/notices",
    auth=REQUIRED,
    response={201: ProcurementNoticesOut},
    summary="Import PCC notices",
)
def import_notices(request: HttpRequest, payload: ProcurementNoticesIn):
    """Tender and award notices mapped to OCDS; refused whole (422, every notice named in
    `details`) unless `keep_valid`."""
    report = services.notices_import(
        actor=_user(request), notices=payload.notices, keep_valid=payload.keep_valid
    )
    return HttpStatus(
        201,
        {
            "releases_stored": report.stored,
            "records_compiled": report.records,
            "rejections": report.rejections,
        },
    )


class ProcurementRefreshOut(Schema):
    hits: int


@router.post(
    "/flags/refresh",
    auth=REQUIRED,
    response=ProcurementRefreshOut,
    summary="Run the red flags again",
)
def refresh_flags(request: HttpRequest):
    return {"hits": services.flags_refresh(actor=_user(request))}


# --- integrity-platform projects -------------------------------------------------------------


class ProcurementProjectOut(Schema):
    """An integrity-platform project in short."""

    slug: str
    title: str
    agency: str
    budget: Decimal | None
    ocids: list[str]
    published: bool


class ProcurementProjectListOut(Schema):
    items: list[ProcurementProjectOut]
    count: int


class ProcurementMilestoneOut(Schema):
    title: str
    due_on: dt.date
    done_on: dt.date | None


class ProcurementQuestionOut(Schema):
    id: uuid.UUID
    body: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class ProcurementNoteOut(Schema):
    role: str
    organisation: str
    body: str
    created_at: dt.datetime


class ProcurementProjectDetailOut(ProcurementProjectOut):
    summary: str
    milestones: list[ProcurementMilestoneOut]
    notes: list[ProcurementNoteOut]
    questions: list[ProcurementQuestionOut]


def _project(p: IntegrityProject) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "title": p.title,
        "agency": p.agency.code,
        "budget": p.budget,
        "ocids": p.ocids,
        "published": p.published,
    }


@router.get("/projects", auth=OPTIONAL, response=ProcurementProjectListOut, summary="Projects")
def list_projects(request: HttpRequest, params: Query[PageParams]):
    """Major projects followed on the procurement integrity platform."""
    return paginate(
        visible_projects(_user(request)).order_by("-created_at", "id"), params, _project
    )


def _visible_project(request: HttpRequest, slug: str) -> IntegrityProject:
    project = visible_projects(_user(request)).filter(slug=slug[:80]).first()
    if project is None:
        raise NotFound(_("No such project."))
    return project


@router.get(
    "/projects/{slug}",
    auth=OPTIONAL,
    response=ProcurementProjectDetailOut,
    summary="A project: milestones, monitors' notes, questions and answers",
)
def get_project(request: HttpRequest, slug: str):
    project = _visible_project(request, slug)
    return {
        **_project(project),
        "summary": project.summary,
        "milestones": [
            {"title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in project.milestones.all()
        ],
        "notes": [
            {
                "role": n.monitor.role,
                "organisation": n.monitor.organisation,
                "body": n.body,
                "created_at": n.created_at,
            }
            for n in project.notes.select_related("monitor")
        ],
        "questions": [
            {
                "id": q.public_id,
                "body": q.body,
                "asked_at": q.asked_at,
                "answer": q.answer,
                "answered_at": q.answered_at,
            }
            for q in selectors.public_questions(project)
        ],
    }


class ProcurementQuestionIn(Schema):
    """A question; the service holds it to the profile's `procurement.question_max_chars`."""

    body: str = Field(min_length=1, max_length=20000)


@router.post(
    "/projects/{slug}/questions",
    auth=REQUIRED,
    response={201: ProcurementQuestionOut},
    summary="Ask a question on a project",
)
def ask_question(request: HttpRequest, slug: str, payload: ProcurementQuestionIn):
    project = _visible_project(request, slug)
    q = services.question_ask(actor=_user(request), project=project, body=payload.body)
    return HttpStatus(
        201,
        {
            "id": q.public_id,
            "body": q.body,
            "asked_at": q.asked_at,
            "answer": q.answer,
            "answered_at": q.answered_at,
        },
    )


class ProcurementNoteIn(Schema):
    body: str = Field(min_length=1, max_length=20000)


@router.post(
    "/projects/{slug}/notes",
    auth=REQUIRED,
    response={201: ProcurementNoteOut},
    summary="A monitor's note on a project",
)
def add_note(request: HttpRequest, slug: str, payload: ProcurementNoteIn):
    project = _visible_project(request, slug)
    note = services.note_add(actor=_user(request), project=project, body=payload.body)
    return HttpStatus(
        201,
        {
            "role": note.monitor.role,
            "organisation": note.monitor.organisation,
            "body": note.body,
            "created_at": note.created_at,
        },
    )


class ProcurementProjectIn(Schema):
    """A new integrity-platform project."""

    slug: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=300)
    agency: str = Field(min_length=1, max_length=50, description="the agency's code")
    summary: str = Field("", max_length=20000)
    budget: int | None = Field(None, ge=0)
    ocids: list[str] = Field(default_factory=list, max_length=200)
    published: bool = False


@router.post(
    "/projects",
    auth=REQUIRED,
    response={201: ProcurementProjectOut},
    summary="Set up an integrity-platform project (keepers)",
)
def create_project(request: HttpRequest, payload: ProcurementProjectIn):
    user = _user(request)
    require_keeper(user)
    agency = account_selectors.agency_by_code(payload.agency)
    if agency is None:
        raise ServiceError("invalid", _("No such agency."), field="agency", status=422)
    project = services.project_create(
        actor=user,
        slug=payload.slug,
        title=payload.title,
        agency=agency,
        summary=payload.summary,
        budget=payload.budget,
        ocids=payload.ocids,
        published=payload.published,
    )
    return HttpStatus(201, _project(project))


class ProcurementMonitorIn(Schema):
    """A monitor's seat: the account's e-mail, the role, the organisation."""

    email: str = Field(min_length=3, max_length=254)
    role: str = Field(pattern=r"^(agency|civil_society|prosecutor|auditor)$")
    organisation: str = Field("", max_length=200)


class ProcurementMonitorOut(Schema):
    role: str
    organisation: str


@router.post(
    "/projects/{slug}/monitors",
    auth=REQUIRED,
    response={201: ProcurementMonitorOut},
    summary="Give someone a monitor's seat (keepers)",
)
def add_monitor(request: HttpRequest, slug: str, payload: ProcurementMonitorIn):
    user = _user(request)
    project = _visible_project(request, slug)
    monitor = services.monitor_add(
        actor=user,
        project=project,
        user=account_selectors.user_by_email(payload.email),
        role=payload.role,
        organisation=payload.organisation,
    )
    return HttpStatus(201, {"role": monitor.role, "organisation": monitor.organisation})


class ProcurementMilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    due_on: dt.date
    done_on: dt.date | None = None


@router.post(
    "/projects/{slug}/milestones",
    auth=REQUIRED,
    response={201: ProcurementMilestoneOut},
    summary="Add a milestone (the project's agency, keepers)",
)
def add_milestone(request: HttpRequest, slug: str, payload: ProcurementMilestoneIn):
    project = _visible_project(request, slug)
    m = services.milestone_add(
        actor=_user(request),
        project=project,
        title=payload.title,
        due_on=payload.due_on,
        done_on=payload.done_on,
    )
    return HttpStatus(201, {"title": m.title, "due_on": m.due_on, "done_on": m.done_on})


class ProcurementAnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=20000)


@router.post(
    "/projects/{slug}/questions/{question_id}/answer",
    auth=REQUIRED,
    response=ProcurementQuestionOut,
    summary="Answer a public question (the project's agency, keepers)",
)
def answer_question(
    request: HttpRequest, slug: str, question_id: str, payload: ProcurementAnswerIn
):
    project = _visible_project(request, slug)
    try:
        key = uuid.UUID(question_id)
    except ValueError:
        raise NotFound(_("No such question.")) from None
    question = project.questions.filter(public_id=key).first()
    if question is None:
        raise NotFound(_("No such question."))
    q = services.question_answer(actor=_user(request), question=question, answer=payload.answer)
    return {
        "id": q.public_id,
        "body": q.body,
        "asked_at": q.asked_at,
        "answer": q.answer,
        "answered_at": q.answered_at,
    }
