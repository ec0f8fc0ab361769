"""Writes of the procurement app: storing releases and compiling them into records, refreshing
the red flags, and the integrity-platform projects. Each public service is atomic, checks
permission, and records its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opengov.accounts.models import Agency
from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import NotFound, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.registry import selectors as registry_selectors

from . import exporting, ocds, pcc
from .models import (
    Award,
    Bid,
    Contract,
    FlagHit,
    IntegrityProject,
    MonitorNote,
    Party,
    ProjectDocument,
    ProjectMilestone,
    ProjectMonitor,
    PublicQuestion,
    Record,
    Release,
    Tender,
)
from .permissions import is_keeper, monitor_of, require_keeper, runs_project
from .projection import Projection, project

#: releases written per database round trip
CHUNK = 500


@dataclass(frozen=True)
class StoreResult:
    """What storing a batch of releases did."""

    releases_stored: int
    releases_unchanged: int
    records_compiled: int


def _release_row(release: dict[str, Any], run_id: int | None, now: dt.datetime) -> Release:
    tags = release.get("tag") if isinstance(release.get("tag"), list) else []
    return Release(
        ocid=ocds.text(release.get("ocid"), 200),
        release_id=ocds.text(release.get("id"), 200),
        date=ocds.parse_datetime(release.get("date")),
        tags=[t for t in tags if isinstance(t, str)],
        data=release,
        import_run_id=run_id,
        created_at=now,
    )


def store_releases(releases: Iterable[dict[str, Any]], *, run_id: int | None = None) -> StoreResult:
    """Store releases (a release already held, same `ocid` and `id`, is replaced) and compile
    the records of the processes they touch, chunk by chunk (flat memory). The caller holds
    the transaction and has checked permission and validity (see `releases_store` and
    `importer`)."""
    now = clock.now()
    stored = compiled = 0
    batch: list[Release] = []

    def flush() -> None:
        nonlocal stored, compiled
        if not batch:
            return
        keys = {(r.ocid, r.release_id) for r in batch}
        batch_ocids = {r.ocid for r in batch}
        held = list(
            Release.objects.filter(ocid__in=batch_ocids).values_list("pk", "ocid", "release_id")
        )
        Release.objects.filter(pk__in=[pk for pk, o, i in held if (o, i) in keys]).delete()
        unique = {(r.ocid, r.release_id): r for r in batch}  # the last of a repeated id wins
        Release.objects.bulk_create(unique.values())
        stored += len(unique)
        # processes with nothing held before: compiled from the batch, not read back
        held_ocids = {o for _pk, o, _i in held}
        fresh: dict[str, list[dict[str, Any]]] = {}
        for r in unique.values():
            if r.ocid not in held_ocids:
                fresh.setdefault(r.ocid, []).append(r.data)
        batch.clear()
        compiled += compile_records(batch_ocids, fresh=fresh)

    for release in releases:
        batch.append(_release_row(release, run_id, now))
        if len(batch) >= CHUNK:
            flush()
    flush()
    return StoreResult(releases_stored=stored, releases_unchanged=0, records_compiled=compiled)


def compile_records(
    ocids: Iterable[str], *, fresh: dict[str, list[dict[str, Any]]] | None = None
) -> int:
    """Compile (again) the records of these processes from their stored releases, and store
    what the platform queries of them. `fresh` gives the releases of processes that have no
    others stored (saves reading them back). Returns the number of records compiled."""
    fresh = fresh or {}
    ocid_list = sorted(set(ocids))
    count = 0
    for start in range(0, len(ocid_list), CHUNK):
        chunk = ocid_list[start : start + CHUNK]
        grouped: dict[str, list[dict[str, Any]]] = {o: list(fresh.get(o, ())) for o in chunk}
        stored = [o for o in chunk if o not in fresh]
        for ocid, data in (
            Release.objects.filter(ocid__in=stored)
            .order_by("ocid", "date", "id")
            .values_list("ocid", "data")
        ):
            grouped[ocid].append(data)
        projections = []
        compiled_by_ocid = {}
        for ocid, releases in grouped.items():
            if not releases:
                continue
            compiled = ocds.compile_releases(releases)
            compiled_by_ocid[ocid] = (compiled, len(releases))
            projections.append(project(compiled))
        _store_projections(projections, compiled_by_ocid)
        count += len(projections)
    return count


def store_compiled(compiled_releases: Iterable[dict[str, Any]]) -> int:
    """Store compiled releases as records, as a record package brings them (no releases held:
    the publisher compiled them). The caller holds the transaction."""
    count = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal count
        if not batch:
            return
        projections = [project(c) for c in batch]
        _store_projections(projections, {c["ocid"]: (c, 0) for c in batch})
        count += len(batch)
        batch.clear()

    for compiled in compiled_releases:
        batch.append(compiled)
        if len(batch) >= CHUNK:
            flush()
    flush()
    return count


def _store_projections(
    projections: list[Projection], compiled_by_ocid: dict[str, tuple[dict[str, Any], int]]
) -> None:
    now = clock.now()
    ocids = [p.ocid for p in projections]
    held = {r.ocid: r for r in Record.objects.filter(ocid__in=ocids).defer("compiled")}
    if held:  # compiled again: what was stored of them goes
        held_ids = [r.pk for r in held.values()]
        for model in (Contract, Bid, Award, Tender, Party):
            model.objects.filter(record_id__in=held_ids).delete()
    new, changed = [], []
    for p in projections:
        compiled, release_count = compiled_by_ocid[p.ocid]
        fields = {
            "compiled": compiled,
            "title": p.title,
            "buyer_name": p.buyer_name,
            "buyer_identifier": p.buyer_identifier[:200],
            "procurement_method": p.procurement_method,
            "category": p.category,
            "date": p.date,
            "release_count": release_count,
            "updated_at": now,
        }
        record = held.get(p.ocid)
        if record is None:
            new.append(Record(ocid=p.ocid, **fields))
        else:
            for key, value in fields.items():
                setattr(record, key, value)
            changed.append(record)
    Record.objects.bulk_create(new)
    if changed:
        Record.objects.bulk_update(changed, list(fields))
    records = {**held, **{r.ocid: r for r in new}}
    if any(r.pk is None for r in new):  # a database that returns no keys from bulk inserts
        records = {r.ocid: r for r in Record.objects.filter(ocid__in=ocids).defer("compiled")}
    parties = []
    for p in projections:
        seen = set()
        for v in p.parties:
            if v.party_id in seen:
                continue
            seen.add(v.party_id)
            parties.append(
                Party(
                    record=records[p.ocid],
                    party_id=v.party_id,
                    name=v.name,
                    scheme=v.scheme,
                    identifier=v.identifier,
                    business_number=v.business_number,
                    key=v.key,
                    roles=v.roles,
                    address=v.address,
                    telephone=v.telephone,
                )
            )
    Party.objects.bulk_create(parties)
    if all(p.pk is not None for p in parties):
        party_pk = {(p.record.ocid, p.party_id): p.pk for p in parties}
    else:
        party_pk = {
            (ocid, pid): pk
            for pk, ocid, pid in Party.objects.filter(record__ocid__in=ocids).values_list(
                "pk", "record__ocid", "party_id"
            )
        }
    tenders, bids, bid_links, awards, award_links, contracts = [], [], [], [], [], []
    for p in projections:
        record = records[p.ocid]
        if p.tender is not None:
            tenders.append(Tender(record=record, **p.tender.__dict__))
        for b in p.bids:
            values = {k: v for k, v in b.__dict__.items() if k != "tenderer_ids"}
            bids.append(Bid(record=record, **values))
            bid_links.append([party_pk.get((p.ocid, t)) for t in b.tenderer_ids])
        for a in p.awards:
            values = {k: v for k, v in a.__dict__.items() if k != "supplier_ids"}
            awards.append(Award(record=record, **values))
            award_links.append([party_pk.get((p.ocid, s)) for s in a.supplier_ids])
    Tender.objects.bulk_create(tenders)
    Bid.objects.bulk_create(bids)
    Award.objects.bulk_create(awards)
    _insert_links(
        Bid.tenderers.through,
        ("bid", "party"),
        [
            (bid.pk, pk)
            for bid, links in zip(bids, bid_links, strict=True)
            for pk in set(links)
            if pk
        ],
    )
    _insert_links(
        Award.suppliers.through,
        ("award", "party"),
        [
            (award.pk, pk)
            for award, links in zip(awards, award_links, strict=True)
            for pk in set(links)
            if pk
        ],
    )
    award_pk = {(a.record.ocid, a.award_id): a.pk for a in awards}
    for p in projections:
        for c in p.contracts:
            values = {k: v for k, v in c.__dict__.items() if k != "award_id"}
            contracts.append(
                Contract(
                    record=records[p.ocid], award_id=award_pk.get((p.ocid, c.award_id)), **values
                )
            )
    Contract.objects.bulk_create(contracts)


def _insert_links(through: Any, fields: tuple[str, str], rows: list[tuple[int, int]]) -> None:
    """Rows of a many-to-many table in one statement per chunk (no model per row)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(through._meta.get_field(f).column) for f in fields)
    # table and column names come from the model, quoted; values are parameters
    sql = f"INSERT INTO {quote(through._meta.db_table)} ({columns}) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK * 4):
            cursor.executemany(sql, rows[start : start + CHUNK * 4])


@transaction.atomic
def releases_store(*, actor: Any, releases: list[dict[str, Any]], source: str = "") -> StoreResult:
    """Store checked OCDS releases (from the PCC mapping, the demo, or a program) and compile
    their records. Every release needs `ocid` and `id`."""
    require_keeper(actor)
    for position, release in enumerate(releases, start=1):
        if not isinstance(release, dict) or not ocds.text(release.get("ocid")):
            raise ServiceError(
                "invalid",
                _("Release %(n)d has no ocid.") % {"n": position},
                field="releases",
            )
        if not ocds.text(release.get("id")):
            raise ServiceError(
                "invalid", _("Release %(n)d has no id.") % {"n": position}, field="releases"
            )
    result = store_releases(releases)
    audit.record(
        actor=actor,
        verb="procurement.releases_stored",
        changes={
            "source": source[:100],
            "releases": result.releases_stored,
            "records": result.records_compiled,
        },
    )
    return result


# ---- registry links -------------------------------------------------------------------------


def parties_link(*, actor: Any) -> int:
    """Point parties that carry a business number at their registry organisation (those the
    registry knows; none is created). Returns how many parties were linked."""
    require_keeper(actor)
    with transaction.atomic():
        linked = _link_parties()
        audit.record(actor=actor, verb="procurement.parties_linked", changes={"parties": linked})
    return linked


def _link_parties() -> int:
    numbers = (
        Party.objects.filter(organisation_public_id__isnull=True)
        .exclude(business_number="")
        .values_list("business_number", flat=True)
        .distinct()
    )
    linked = 0
    for number in list(numbers):
        org = registry_selectors.organisation_by_business_number(number)
        if org is None:
            continue
        linked += Party.objects.filter(
            business_number=number, organisation_public_id__isnull=True
        ).update(organisation_public_id=org.public_id)
    return linked


# ---- red flags --------------------------------------------------------------------------------

#: registry reasons → the engine's kinds of business similarity
LINK_KINDS = {"address": "address", "representative": "representative", "director": "director"}


def _normalised_phone(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return digits[-9:] if len(digits) >= 7 else ""


def bidder_links() -> list[tuple[str, str, str, str]]:
    """Business similarities between tenderers: a shared address, representative or director
    (from the registry), or a shared telephone (from the parties as published). Each pair once,
    the lower business number first."""
    tenderers = set(
        Party.objects.filter(bids__isnull=False)
        .exclude(business_number="")
        .values_list("business_number", flat=True)
        .distinct()
    )
    links: set[tuple[str, str, str, str]] = set()
    for number in sorted(tenderers):
        org = registry_selectors.organisation_by_business_number(number)
        if org is None:
            continue
        for sharing in registry_selectors.organisations_sharing(org, reasons=tuple(LINK_KINDS)):
            other = sharing.organisation.business_number
            if not other or other == number or other not in tenderers:
                continue
            for reason, values in sharing.reasons.items():
                a, b = sorted((number, other))
                for value in values:
                    links.add((a, b, LINK_KINDS[reason], value))
    phones: dict[str, set[str]] = {}
    for number, phone in (
        Party.objects.filter(business_number__in=tenderers)
        .exclude(telephone="")
        .values_list("business_number", "telephone")
        .distinct()
    ):
        key = _normalised_phone(phone)
        if key:
            phones.setdefault(key, set()).add(number)
    for key, numbers in phones.items():
        ordered = sorted(numbers)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                links.add((a, b, "phone", key))
    return sorted(links)


def write_compiled_jsonl(path: Path) -> int:
    """Every compiled release as JSON Lines (the engine's input); returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for compiled in exporting.compiled_releases():
            out.write(json.dumps(compiled, ensure_ascii=False, default=str))
            out.write("\n")
            count += 1
    return count


def flags_refresh(*, actor: Any, codes: Iterable[str] | None = None) -> int:
    """Run the red-flag engine over every compiled release (with the registry's business
    similarities between tenderers) and replace the stored hits. Returns the number of hits."""
    require_keeper(actor)
    from . import flags as engine

    with tempfile.TemporaryDirectory(prefix="procurement-flags-") as tmp:
        path = Path(tmp) / "compiled.jsonl"
        processes = write_compiled_jsonl(path)
        con = duckdb.connect(":memory:")
        try:
            engine.load_compiled_releases(con, path)
            engine.load_bidder_links(con, bidder_links())
            hits = engine.run(con, codes=codes)
        finally:
            con.close()
    now = clock.now()
    with transaction.atomic():
        old = FlagHit.objects.all()
        if codes is not None:
            old = old.filter(code__in=list(codes))
        removed, _kinds = old.delete()
        records = dict(Record.objects.values_list("ocid", "pk"))
        FlagHit.objects.bulk_create(
            [
                FlagHit(
                    code=h.code,
                    ocid=h.ocid or "",
                    record_id=records.get(h.ocid or ""),
                    subject=h.subject,
                    subject_id=str(h.subject_id)[:200],
                    evidence=json.loads(json.dumps(h.evidence, default=str)),
                    found_at=now,
                )
                for h in hits
            ],
            batch_size=CHUNK,
        )
        audit.record(
            actor=actor,
            verb="procurement.flags_refreshed",
            changes={"processes": processes, "hits": len(hits), "removed": removed},
            public=True,
        )
    return len(hits)


# ---- integrity-platform projects ---------------------------------------------------------------


def _project_check(actor: Any, project: IntegrityProject) -> None:
    if not runs_project(actor, project):
        raise NotFound()


def _required(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError("required", _("This field is required."), field=field)
    if len(value) > limit:
        raise ServiceError("too_long", _("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


@transaction.atomic
def project_create(
    *,
    actor: Any,
    slug: str,
    title: str,
    agency: Agency,
    summary: str = "",
    budget: int | None = None,
    ocids: Iterable[str] = (),
    published: bool = False,
) -> IntegrityProject:
    """Set up a project on the integrity platform (keepers: the procurement authority and the
    Agency Against Corruption)."""
    require_keeper(actor)
    title = _required(title, "title", 300)
    slug = _required(slug, "slug", 80).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise ServiceError(
            "invalid", _("Use lower-case letters, digits and hyphens."), field="slug"
        )
    if IntegrityProject.objects.filter(slug=slug).exists():
        raise ServiceError("taken", _("This address is already used."), field="slug", status=409)
    if budget is not None and budget < 0:
        raise ServiceError("invalid", _("The budget cannot be negative."), field="budget")
    now = clock.now()
    project = IntegrityProject.objects.create(
        slug=slug,
        title=title,
        summary=(summary or "").strip()[:20000],
        agency=agency,
        budget=budget,
        ocids=sorted({o.strip() for o in ocids if o and o.strip()})[:200],
        published=published,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor,
        verb="procurement.project_created",
        target=project,
        changes={"slug": slug, "agency": agency.code, "published": published},
        agency_code=agency.code,
        public=published,
    )
    return project


@transaction.atomic
def project_publish(*, actor: Any, project: IntegrityProject, published: bool) -> IntegrityProject:
    """Publish (or withdraw) a project's page."""
    _project_check(actor, project)
    project.published = published
    project.updated_at = clock.now()
    project.save(update_fields=["published", "updated_at"])
    audit.record(
        actor=actor,
        verb="procurement.project_published" if published else "procurement.project_withdrawn",
        target=project,
        agency_code=project.agency.code,
        public=True,
    )
    return project


@transaction.atomic
def monitor_add(
    *, actor: Any, project: IntegrityProject, user: Any, role: str, organisation: str = ""
) -> ProjectMonitor:
    """Give someone a monitor's seat on a project (agency, civil society, prosecutor,
    auditor)."""
    if not is_keeper(actor):
        raise NotFound()
    if role not in ProjectMonitor.Role.values:
        raise ServiceError("invalid", _("Choose a role."), field="role")
    if user is None or not getattr(user, "is_active", False):
        raise ServiceError("not_found", _("No such account."), field="user")
    if ProjectMonitor.objects.filter(project=project, user=user).exists():
        raise ServiceError(
            "taken", _("This person already monitors the project."), field="user", status=409
        )
    monitor = ProjectMonitor.objects.create(
        project=project,
        user=user,
        role=role,
        organisation=(organisation or "").strip()[:200],
        added_at=clock.now(),
    )
    audit.record(
        actor=actor,
        verb="procurement.monitor_added",
        target=project,
        changes={"role": role, "organisation": monitor.organisation},
        agency_code=project.agency.code,
    )
    return monitor


@transaction.atomic
def milestone_add(
    *,
    actor: Any,
    project: IntegrityProject,
    title: str,
    due_on: dt.date,
    done_on: dt.date | None = None,
) -> ProjectMilestone:
    """Add a milestone to a project (its agency's officials, keepers)."""
    _project_check(actor, project)
    title = _required(title, "title", 300)
    if done_on is not None and done_on > clock.today():
        raise ServiceError(
            "invalid", _("A milestone cannot be done in the future."), field="done_on"
        )
    milestone = ProjectMilestone.objects.create(
        project=project, title=title, due_on=due_on, done_on=done_on
    )
    audit.record(
        actor=actor,
        verb="procurement.milestone_added",
        target=project,
        changes={"title": title, "due_on": due_on.isoformat()},
        agency_code=project.agency.code,
        public=project.published,
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *, actor: Any, milestone: ProjectMilestone, done_on: dt.date
) -> ProjectMilestone:
    """Mark a milestone as reached."""
    _project_check(actor, milestone.project)
    if done_on > clock.today():
        raise ServiceError(
            "invalid", _("A milestone cannot be done in the future."), field="done_on"
        )
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record(
        actor=actor,
        verb="procurement.milestone_completed",
        target=milestone.project,
        changes={"title": milestone.title, "done_on": done_on.isoformat()},
        agency_code=milestone.project.agency.code,
        public=milestone.project.published,
    )
    return milestone


@transaction.atomic
def document_add(
    *, actor: Any, project: IntegrityProject, title: str, upload: Any
) -> ProjectDocument:
    """Publish a document on a project (its agency's officials, keepers)."""
    _project_check(actor, project)
    title = _required(title, "title", 300)
    if upload is None or not getattr(upload, "size", 0):
        raise ServiceError("required", _("Choose a file."), field="file")
    limit = jurisdiction().procurement.document_max_bytes
    if upload.size > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)},
            field="file",
        )
    document = ProjectDocument(
        project=project,
        title=title,
        filename=(getattr(upload, "name", "") or "document")[:255],
        size=upload.size,
        added_by=actor,
        added_at=clock.now(),
    )
    document.file.save(document.filename, upload, save=False)
    document.save()
    audit.record(
        actor=actor,
        verb="procurement.document_added",
        target=project,
        changes={"title": title, "filename": document.filename, "size": document.size},
        agency_code=project.agency.code,
        public=project.published,
    )
    return document


@transaction.atomic
def note_add(*, actor: Any, project: IntegrityProject, body: str) -> MonitorNote:
    """A monitor's note on the project (monitors only)."""
    monitor = monitor_of(actor, project)
    if monitor is None:
        raise NotFound()
    body = _required(body, "body", 20000)
    note = MonitorNote.objects.create(
        project=project, monitor=monitor, body=body, created_at=clock.now()
    )
    audit.record(
        actor=actor,
        verb="procurement.note_added",
        target=project,
        changes={"role": monitor.role},
        agency_code=project.agency.code,
    )
    return note


@transaction.atomic
def question_ask(*, actor: Any, project: IntegrityProject, body: str) -> PublicQuestion:
    """A signed-in person asks a question on a published project."""
    require_signed_in(actor)
    if not project.published:
        raise NotFound()
    body = _required(body, "body", jurisdiction().procurement.question_max_chars)
    question = PublicQuestion.objects.create(
        project=project, asked_by=actor, body=body, asked_at=clock.now()
    )
    audit.record(
        actor=actor,
        verb="procurement.question_asked",
        target=project,
        agency_code=project.agency.code,
    )
    return question


@transaction.atomic
def question_answer(*, actor: Any, question: PublicQuestion, answer: str) -> PublicQuestion:
    """The agency answers a public question (its officials, keepers)."""
    _project_check(actor, question.project)
    question.answer = _required(answer, "answer", 20000)
    question.answered_by = actor
    question.answered_at = clock.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(
        actor=actor,
        verb="procurement.question_answered",
        target=question.project,
        agency_code=question.project.agency.code,
        public=question.project.published,
    )
    return question


# ---- PCC notices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeReport:
    """What importing PCC notices did: releases stored, and every notice refused."""

    stored: int
    records: int
    rejections: list[dict[str, Any]]


NOTICE_REASONS = {
    "minguo_date": _lazy("A date that is not a Minguo date (e.g. 113/05/07)."),
    "amount": _lazy("An amount that is not a number (e.g. 308,100元)."),
    "period": _lazy("A performance period that is not two Minguo dates."),
    "number": _lazy("Not a whole number."),
    "required": _lazy("This field is required."),
    "not_object": _lazy('Not a notice (a JSON object of "section:field" keys).'),
}


@transaction.atomic
def notices_import(
    *, actor: Any, notices: list[Any], keep_valid: bool = False, source: str = ""
) -> NoticeReport:
    """Map PCC notices to OCDS releases and store them. All or nothing unless `keep_valid`:
    a notice that cannot be read is named in the report with its position, field and reason."""
    require_keeper(actor)
    prefix = jurisdiction().procurement.ocid_prefix
    releases, rejections = [], []
    for position, notice in enumerate(notices, start=1):
        try:
            releases.append(pcc.notice_to_release(notice, prefix=prefix))
        except pcc.NoticeError as exc:
            rejections.append(
                {
                    "position": position,
                    "field": exc.field,
                    "value": exc.value[:80],
                    "reason": exc.reason,
                    "message": str(NOTICE_REASONS.get(exc.reason, exc.reason)),
                }
            )
    if rejections and not keep_valid:
        raise ServiceError(
            "rejected",
            _("Nothing was imported: %(n)d notices cannot be read.") % {"n": len(rejections)},
            field="file",
            status=422,
            details=rejections,
        )
    result = store_releases(releases)
    audit.record(
        actor=actor,
        verb="procurement.notices_imported",
        changes={
            "source": source[:100],
            "releases": result.releases_stored,
            "records": result.records_compiled,
            "rejected": len(rejections),
        },
    )
    return NoticeReport(result.releases_stored, result.records_compiled, rejections)


@transaction.atomic
def question_hide(*, actor: Any, question: PublicQuestion, reason: str) -> PublicQuestion:
    """Hide a public question (abuse, personal data): the project's agency or a keeper, with
    the reason; the question stays stored."""
    _project_check(actor, question.project)
    question.hidden_reason = _required(reason, "reason", 300)
    question.save(update_fields=["hidden_reason"])
    audit.record(
        actor=actor,
        verb="procurement.question_hidden",
        target=question.project,
        changes={"reason": question.hidden_reason},
        agency_code=question.project.agency.code,
    )
    return question
