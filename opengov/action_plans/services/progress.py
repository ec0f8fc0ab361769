"""Milestones, progress updates with their evidence, comments on updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Forbidden, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.text import clean_plain

from .. import rules
from ..models import Commitment, Evidence, Milestone, MilestoneStatus, ProgressUpdate, UpdateComment
from ..permissions import comments_on_updates, edits_commitment, reports_for
from .checks import _bump, _check_span, _date, _progress, _required, _status, _weight


# --- milestones and progress ------------------------------------------------------------------
@transaction.atomic
def milestone_create(
    *,
    actor: Any,
    commitment: Commitment,
    title_zh_hant: str,
    title_en: str = "",
    start_date: dt.date,
    end_date: dt.date,
    weight: Decimal | int = 1,
    order: int | None = None,
) -> Milestone:
    """Add a milestone to a commitment (plan managers and the lead agency's officials)."""
    if actor is not None:
        require_signed_in(actor)
        if not edits_commitment(actor, commitment):
            raise Forbidden(_("Only the lead agency and the plan's co-conveners add milestones."))
    title = _required(title_zh_hant, "title_zh_hant", _("Give the milestone a title."))
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    _check_span(start, end, commitment.start_date, commitment.end_date, _("the commitment"))
    w = _weight(weight)
    if order is None:
        order = commitment.milestones.count() + 1
    now = clock.now()
    milestone = Milestone.objects.create(
        commitment=commitment,
        order=order,
        title_zh_hant=title,
        title_en=clean_plain(title_en),
        start_date=start,
        end_date=end,
        weight=w,
        created_at=now,
        updated_at=now,
    )
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="milestone.created",
        target=milestone,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"commitment": str(commitment.public_id), "weight": str(w)},
    )
    return milestone


@transaction.atomic
def milestone_update(*, actor: Any, milestone: Milestone, **fields: Any) -> Milestone:
    """Change a milestone's title, dates or weight (plan managers and the lead agency)."""
    commitment = milestone.commitment
    require_signed_in(actor)
    if not edits_commitment(actor, commitment):
        raise Forbidden(_("Only the lead agency and the plan's co-conveners edit milestones."))
    allowed = {"title_zh_hant", "title_en", "start_date", "end_date", "weight", "order"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError("unknown_field", _("Unknown field."), field=sorted(unknown)[0])
    for name, value in fields.items():
        if name in ("start_date", "end_date"):
            value = _date(value, name)
        elif name == "weight":
            value = _weight(value)
        elif name == "order":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ServiceError("invalid_number", _("Enter a whole number."), field="order")
        else:
            value = clean_plain(str(value or ""))
            if name == "title_zh_hant" and not value:
                raise ServiceError("required", _("Give the milestone a title."), field=name)
        setattr(milestone, name, value)
    _check_span(
        milestone.start_date,
        milestone.end_date,
        commitment.start_date,
        commitment.end_date,
        _("the commitment"),
    )
    milestone.updated_at = clock.now()
    milestone.save()
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="milestone.updated",
        target=milestone,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"fields": sorted(fields)},
    )
    return milestone


def _clean_links(links: Iterable[str] | None) -> list[str]:
    validator = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links or ():
        link = clean_plain(link)
        if not link:
            continue
        try:
            validator(link)
        except Exception:
            raise ServiceError(
                "invalid_url", _("Evidence links must be http(s) addresses."), field="links"
            ) from None
        if len(link) > 500:
            raise ServiceError("invalid_url", _("This link is too long."), field="links")
        cleaned.append(link)
    return cleaned


def _check_files(files: Iterable[UploadedFile] | None) -> list[UploadedFile]:
    rules_ = jurisdiction().action_plans
    checked = []
    for upload in files or ():
        suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
        if suffix not in rules_.evidence_extensions:
            raise ServiceError(
                "invalid_file_type",
                _("Evidence files may be: %(types)s.")
                % {"types": ", ".join(rules_.evidence_extensions)},
                field="files",
            )
        if upload.size > rules_.evidence_max_bytes:
            raise ServiceError(
                "file_too_large",
                _("An evidence file can be at most %(mb)d MB.")
                % {"mb": rules_.evidence_max_bytes // (1024 * 1024)},
                field="files",
            )
        checked.append(upload)
    return checked


@transaction.atomic
def progress_update_post(
    *,
    actor: Any,
    milestone: Milestone,
    progress: int,
    text: str,
    status: str = "",
    reported_on: dt.date | None = None,
    links: Iterable[str] | None = None,
    files: Iterable[UploadedFile] | None = None,
) -> ProgressUpdate:
    """An official of the lead agency (only) reports a milestone's progress, with evidence.

    The update is kept as history; the milestone shows the latest report. Without a status,
    it follows from the progress (0 % not started, 100 % completed, in progress between).
    """
    commitment = milestone.commitment
    require_signed_in(actor)
    if not reports_for(actor, commitment):
        raise Forbidden(_("Only officials of the lead agency report progress on this commitment."))
    value = _progress(progress)
    body = _required(text, "text", _("Say what was done."))
    if status:
        status = _status(status, MilestoneStatus.values)
    else:
        status = (
            MilestoneStatus.COMPLETED
            if value == rules.PROGRESS_MAX
            else MilestoneStatus.NOT_STARTED
            if value == rules.PROGRESS_MIN
            else MilestoneStatus.IN_PROGRESS
        )
    if status == MilestoneStatus.COMPLETED and value != rules.PROGRESS_MAX:
        raise ServiceError(
            "inconsistent_status",
            _("A completed milestone is at 100 %; correct the progress or the status."),
            field="status",
        )
    today = clock.today()
    day = today if reported_on in (None, "") else _date(reported_on, "reported_on")
    if day > today:
        raise ServiceError(
            "future_date", _("A report cannot be dated in the future."), field="reported_on"
        )
    clean_links = _clean_links(links)
    uploads = _check_files(files)
    now = clock.now()
    update = ProgressUpdate.objects.create(
        milestone=milestone,
        author=actor,
        agency=commitment.lead_agency,
        reported_on=day,
        status=status,
        progress=value,
        text=body,
        created_at=now,
    )
    for link in clean_links:
        Evidence.objects.create(milestone=milestone, update=update, url=link, created_at=now)
    for upload in uploads:
        Evidence.objects.create(
            milestone=milestone,
            update=update,
            file=upload,
            title=clean_plain(PurePath(upload.name).name)[:200],
            created_at=now,
        )
    old = {"progress": milestone.progress, "status": milestone.status}
    milestone.progress, milestone.status, milestone.updated_at = value, status, now
    milestone.save(update_fields=["progress", "status", "updated_at"])
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="milestone.progress_reported",
        target=milestone,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={
            "from": old,
            "to": {"progress": value, "status": status},
            "reported_on": day.isoformat(),
            "evidence": len(clean_links) + len(uploads),
        },
    )
    return update


@transaction.atomic
def update_comment_post(*, actor: Any, update: ProgressUpdate, body: str) -> UpdateComment:
    """A civil-society member of the plan's task force comments on a progress update."""
    require_signed_in(actor)
    plan = update.milestone.commitment.plan
    if not comments_on_updates(actor, plan):
        raise Forbidden(_("Only civil-society members of the task force comment on updates."))
    text = _required(body, "body", _("Write your comment."))
    comment = UpdateComment.objects.create(
        update=update, author=actor, body=text, created_at=clock.now()
    )
    _bump(plan)
    audit.record(
        actor=actor,
        verb="progress_update.commented",
        target=comment,
        agency_code=update.agency.code,
        public=True,
        changes={"update": str(update.public_id)},
    )
    return comment
