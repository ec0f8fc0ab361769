"""Proposing: drafting, editing and submitting a proposal, and its attachments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_level, require_signed_in
from opengov.core import audit, clock, ratelimit, scopes
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.selectors import calendar_for
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    Attachment,
    Proposal,
    Status,
)
from .checks import FIELD_LIMITS, TITLE_MIN, _agencies, _links, _tags, _text

# --- proposing -----------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    title: str,
    content: str,
    benefits: str,
    agencies: Sequence[Any],
    tags: Sequence[str] = (),
    evidence_links: Sequence[str] = (),
    submit: bool = False,
    address: str = "",
    space: str = "",
) -> Proposal:
    """Save a new proposal as a draft (any signed-in person), or submit it for review at
    once (needs the verification level of the profile). `space`: the key of the
    participation space it is held in, which must let the person in (`core.scopes`)."""
    require_signed_in(actor)
    refusal = scopes.entry_refusal(space, actor)
    if refusal:
        raise Forbidden(refusal, code="space_refused")
    if submit:
        require_level(actor, rules.rules().required_level)
    now = clock.now()
    if submit:
        refusal = rules.blackout_refusal(now)
        if refusal:
            raise Conflict(refusal.code, refusal.message)
    ratelimit.hit("proposal_create", account=str(actor.pk), address=address)
    data = {
        name: _text(value, name, max_length=FIELD_LIMITS[name], required=submit)
        for name, value in (("title", title), ("content", content), ("benefits", benefits))
    }
    if not data["title"]:
        raise ServiceError("required", _("This field is required."), field="title")
    agency_list = _agencies(agencies) if (submit or agencies) else []
    proposal = Proposal.objects.create(
        proposer=actor,
        evidence_links=_links(evidence_links),
        created_at=now,
        updated_at=now,
        space=space,
        **data,
    )
    proposal.agencies.set(agency_list)
    proposal.tags.set(_tags(tags))
    audit.record(actor=actor, verb="proposal.created", target=proposal)
    if submit:
        _submit(actor, proposal, now)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    actor: Any,
    proposal: Proposal,
    title: str,
    content: str,
    benefits: str,
    agencies: Sequence[Any],
    tags: Sequence[str] = (),
    evidence_links: Sequence[str] = (),
    submit: bool = False,
) -> Proposal:
    """Change a draft (or a proposal sent back for changes); optionally (re)submit it."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.proposer_id != getattr(actor, "pk", None):
        raise NotFound()
    if proposal.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        raise Conflict("not_editable", _("Only drafts and proposals sent back can be changed."))
    now = clock.now()
    if submit:
        require_level(actor, rules.rules().required_level)
        refusal = rules.blackout_refusal(now)
        if refusal:
            raise Conflict(refusal.code, refusal.message)
    for name, value in (("title", title), ("content", content), ("benefits", benefits)):
        setattr(proposal, name, _text(value, name, max_length=FIELD_LIMITS[name], required=submit))
    if not proposal.title:
        raise ServiceError("required", _("This field is required."), field="title")
    proposal.evidence_links = _links(evidence_links)
    proposal.updated_at = now
    proposal.save()
    proposal.agencies.set(_agencies(agencies) if (submit or agencies) else [])
    proposal.tags.set(_tags(tags))
    audit.record(actor=actor, verb="proposal.updated", target=proposal)
    if submit:
        _submit(actor, proposal, now)
    return proposal


def _submit(actor: Any, proposal: Proposal, now: dt.datetime) -> None:
    if len(proposal.title) < TITLE_MIN:
        raise ServiceError(
            "too_short",
            _("A title needs at least %(n)d characters.") % {"n": TITLE_MIN},
            field="title",
        )
    if not proposal.agencies.exists():
        raise ServiceError("required", _("Name at least one responsible agency."), field="agencies")
    proposal.status = Status.SUBMITTED
    proposal.submitted_at = now
    proposal.review_due = rules.review_due(now, calendar_for())
    proposal.save(update_fields=["status", "submitted_at", "review_due"])
    audit.record(actor=actor, verb="proposal.submitted", target=proposal)


_MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def sniff_content_type(head: bytes) -> str | None:
    """The allowed type a file really is, by its first bytes (never trust the name)."""
    for content_type, signatures in _MAGIC.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


@transaction.atomic
def attachment_add(*, actor: Any, proposal: Proposal, upload: Any) -> Attachment:
    """Attach an evidence file (PDF, PNG or JPEG by content, size-limited) to a draft."""
    if proposal.proposer_id != getattr(actor, "pk", None):
        raise NotFound()
    if proposal.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        raise Conflict("not_editable", _("Only drafts and proposals sent back can be changed."))
    profile = rules.rules()
    if proposal.attachments.count() >= profile.max_attachments:
        raise ServiceError(
            "too_many",
            _("At most %(n)d files.") % {"n": profile.max_attachments},
            field="attachment",
        )
    if upload.size > profile.attachment_max_bytes:
        raise ServiceError(
            "too_large",
            _("Files may be at most %(mb)d MB.") % {"mb": profile.attachment_max_bytes // 2**20},
            field="attachment",
        )
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None or content_type not in profile.attachment_types:
        raise ServiceError(
            "file_type", _("Only PDF, PNG or JPEG files are accepted."), field="attachment"
        )
    name = re.sub(r"[^\w.\-]+", "_", clean_plain(upload.name or "file"))[:100]
    stem = name.rsplit(".", 1)[0] or "file"
    upload.name = stem + _EXTENSIONS[content_type]
    attachment = Attachment.objects.create(
        proposal=proposal,
        file=upload,
        name=stem + _EXTENSIONS[content_type],
        content_type=content_type,
        size=upload.size,
        created_at=clock.now(),
    )
    audit.record(
        actor=actor, verb="proposal.attachment_added", target=proposal, changes={"attachments": 1}
    )
    return attachment
