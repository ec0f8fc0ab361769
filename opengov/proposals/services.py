"""Every write on proposals: one transaction each, with its audit event; e-mail after commit.

Co-signatures are the hot path: they are not written to the chained audit log (which locks
one head row) but to their own exportable table, and the count is kept in sharded counter
rows, so concurrent signers never wait on a lock on the proposal row. The moment the
threshold is crossed is recorded once, by a conditional `UPDATE ... WHERE passed_at IS NULL`.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlparse

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.accounts.permissions import is_moderator, require_level, require_signed_in
from opengov.core import audit, clock, db, metrics, ratelimit, scopes
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.selectors import calendar_for
from opengov.core.text import clean_plain

from . import rules, selectors
from .models import (
    COUNTER_SHARDS,
    Attachment,
    Comment,
    CommentReport,
    Extension,
    Feedback,
    Follow,
    Meeting,
    MeetingSeat,
    Position,
    Proposal,
    ProposalCounter,
    ProposalDayCount,
    Response,
    ResponsePoint,
    Signature,
    Status,
    Tag,
)
from .permissions import PUBLIC_STATUSES, answering_agency, can_answer, forget_cosigning_row

FIELD_LIMITS = {"title": 80, "content": 5000, "benefits": 3000}
TITLE_MIN = 5


# --- helpers -------------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = True, max_length: int) -> str:
    text = clean_plain(str(value or ""))
    if required and not text:
        raise ServiceError("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise ServiceError(
            "too_long",
            _("At most %(n)d characters (this has %(m)d).") % {"n": max_length, "m": len(text)},
            field=field,
        )
    return text


def _agencies(codes_or_agencies: Iterable[Any], *, field: str = "agencies") -> list[Agency]:
    items = list(codes_or_agencies or [])
    codes = [a.code if isinstance(a, Agency) else str(a).strip() for a in items]
    codes = list(dict.fromkeys(c for c in codes if c))
    if not codes:
        raise ServiceError("required", _("Name at least one responsible agency."), field=field)
    limit = rules.rules().max_agencies
    if len(codes) > limit:
        raise ServiceError(
            "too_many", _("Name at most %(n)d responsible agencies.") % {"n": limit}, field=field
        )
    found = {a.code: a for a in Agency.objects.filter(code__in=codes, active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ServiceError(
            "unknown_agency",
            _("Unknown agency: %(codes)s") % {"codes": ", ".join(missing)},
            field=field,
        )
    return [found[c] for c in codes]


def _links(values: Iterable[str]) -> list[str]:
    links = [clean_plain(v) for v in (values or []) if clean_plain(v)]
    limit = rules.rules().max_evidence_links
    if len(links) > limit:
        raise ServiceError(
            "too_many",
            _("At most %(n)d evidence links.") % {"n": limit},
            field="evidence_links",
        )
    for link in links:
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 500:
            raise ServiceError(
                "invalid_link",
                _("Evidence links must be web addresses starting with http:// or https://."),
                field="evidence_links",
            )
    return links


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in list(dict.fromkeys(clean_plain(n) for n in (names or []) if clean_plain(n)))[:5]:
        name = raw[:50]
        slug = slugify(name, allow_unicode=True)[:50]
        if not slug:
            raise ServiceError("invalid_tag", _("A tag needs letters or digits."), field="tags")
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _notify_proposer(proposal: Proposal, subject: str, body: str) -> None:
    from opengov.core.mail import send_email_after_commit

    user = proposal.proposer
    if user.notify_by_email and user.is_active and not user.closed_at:
        send_email_after_commit(to=user.email, subject=subject, body=body)


def _notify_followers(proposal: Proposal, event: str) -> None:
    from .notices import notify_followers

    pk = proposal.pk
    transaction.on_commit(lambda: notify_followers.delay(proposal_id=pk, event=event))


def _proposal_url(proposal: Proposal) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/proposals/{proposal.public_id}/"


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


# --- review --------------------------------------------------------------------------------


def _for_review(actor: Any, proposal: Proposal) -> Proposal:
    if not is_moderator(actor):
        raise NotFound()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (Status.SUBMITTED, Status.UNDER_REVIEW):
        raise Conflict("not_in_review", _("This proposal is not waiting for review."))
    return proposal


@transaction.atomic
def proposal_start_review(*, actor: Any, proposal: Proposal) -> Proposal:
    """An operator takes a submitted proposal into review."""
    proposal = _for_review(actor, proposal)
    if proposal.status == Status.SUBMITTED:
        proposal.status = Status.UNDER_REVIEW
        proposal.save(update_fields=["status"])
        audit.record(actor=actor, verb="proposal.review_started", target=proposal)
    return proposal


def _set_agencies(actor: Any, proposal: Proposal, agencies: Sequence[Any] | None) -> None:
    if agencies is None:
        return
    new = _agencies(agencies)
    old = sorted(proposal.agencies.values_list("code", flat=True))
    if sorted(a.code for a in new) != old:
        proposal.agencies.set(new)
        audit.record(
            actor=actor,
            verb="proposal.agencies_changed",
            target=proposal,
            changes={"from": old, "to": [a.code for a in new]},
            public=True,
        )


@transaction.atomic
def proposal_publish(
    *, actor: Any, proposal: Proposal, agencies: Sequence[Any] | None = None, message: str = ""
) -> Proposal:
    """Publish for co-signing: the window starts, the proposer is the first signer."""
    proposal = _for_review(actor, proposal)
    _set_agencies(actor, proposal, agencies)
    now = clock.now()
    profile = rules.rules(proposal.space)
    proposal.status = Status.PUBLISHED
    proposal.published_at = now
    proposal.reviewed_at = now
    proposal.reviewed_by = actor
    proposal.review_message = _text(message, "message", required=False, max_length=2000)
    proposal.rejection_grounds = []
    proposal.cosign_deadline = rules.cosign_deadline(
        now, calendar_for(), window=profile.cosign_window
    )
    proposal.threshold = profile.cosign_threshold
    proposal.save()
    counters = [ProposalCounter(proposal=proposal, shard=i) for i in range(COUNTER_SHARDS)]
    ProposalCounter.objects.bulk_create(counters, ignore_conflicts=True)
    if profile.proposer_counts_as_signer:
        Signature.objects.create(
            proposal=proposal, signer=proposal.proposer, created_at=now, is_proposer=True
        )
        ProposalCounter.objects.filter(proposal=proposal, shard=0).update(
            signatures=F("signatures") + 1
        )
        ProposalDayCount.objects.create(
            proposal=proposal, day=now.astimezone(clock.local_zone()).date(), shard=0, signatures=1
        )
    audit.record(
        actor=actor,
        verb="proposal.published",
        target=proposal,
        changes={"cosign_deadline": proposal.cosign_deadline, "threshold": proposal.threshold},
        public=True,
    )
    _notify_proposer(
        proposal,
        _("Your proposal is published: %(title)s") % {"title": proposal.title},
        _("Your proposal is open for co-signing until %(date)s.\n%(url)s")
        % {
            "date": proposal.cosign_deadline.astimezone(clock.local_zone()).date().isoformat(),
            "url": _proposal_url(proposal),
        },
    )
    record_passing(proposal.pk)
    return proposal


@transaction.atomic
def proposal_request_changes(
    *, actor: Any, proposal: Proposal, message: str, agencies: Sequence[Any] | None = None
) -> Proposal:
    """Send a proposal back to its proposer with what to change."""
    proposal = _for_review(actor, proposal)
    _set_agencies(actor, proposal, agencies)
    proposal.review_message = _text(message, "message", max_length=2000)
    proposal.status = Status.CHANGES_REQUESTED
    proposal.reviewed_at = clock.now()
    proposal.reviewed_by = actor
    proposal.save()
    audit.record(actor=actor, verb="proposal.changes_requested", target=proposal)
    _notify_proposer(
        proposal,
        _("Changes requested: %(title)s") % {"title": proposal.title},
        _("The operator asks you to change your proposal:\n\n%(message)s\n\n%(url)s")
        % {"message": proposal.review_message, "url": _proposal_url(proposal)},
    )
    return proposal


@transaction.atomic
def proposal_reject(
    *, actor: Any, proposal: Proposal, grounds: Sequence[str], message: str
) -> Proposal:
    """Reject naming one or more of the published grounds, with a message to the proposer."""
    known = rules.rules().rejection_grounds
    grounds = list(dict.fromkeys(g for g in (grounds or []) if g))
    if not grounds:
        raise ServiceError("required", _("Name at least one ground."), field="grounds")
    unknown = [g for g in grounds if g not in known]
    if unknown:
        raise ServiceError(
            "unknown_ground",
            _("Unknown ground: %(g)s") % {"g": ", ".join(unknown)},
            field="grounds",
        )
    text = _text(message, "message", max_length=2000)
    proposal = _for_review(actor, proposal)
    proposal.status = Status.REJECTED
    proposal.rejection_grounds = grounds
    proposal.review_message = text
    proposal.reviewed_at = clock.now()
    proposal.reviewed_by = actor
    proposal.save()
    audit.record(
        actor=actor, verb="proposal.rejected", target=proposal, changes={"grounds": grounds}
    )
    _notify_proposer(
        proposal,
        _("Your proposal was not published: %(title)s") % {"title": proposal.title},
        _("Grounds: %(grounds)s\n\n%(message)s\n\n%(url)s")
        % {
            "grounds": "; ".join(rules.ground_label(g) for g in grounds),
            "message": text,
            "url": _proposal_url(proposal),
        },
    )
    return proposal


@transaction.atomic
def proposal_set_agencies(*, actor: Any, proposal: Proposal, agencies: Sequence[Any]) -> Proposal:
    """An operator changes the responsible agencies (before a response is published)."""
    if not is_moderator(actor):
        raise NotFound()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status in (Status.RESPONDED, Status.REJECTED):
        raise Conflict("closed", _("The agencies of a closed proposal cannot change."))
    _set_agencies(actor, proposal, agencies)
    return proposal


# --- co-signing ----------------------------------------------------------------------------


#: a co-signer re-checks the threshold after committing once the count it saw is this close;
#: larger than the number of transactions that can be in flight at once (PostgreSQL's
#: max_connections), so the last signer to commit before the crossing always looks
PASSING_CHECK_MARGIN = 1000

#: the stored statuses in which a proposal may be co-signed (within its window): exactly
#: those in which it is public (the row reuse of `permissions.proposal_for_cosigning` rests
#: on this)
COSIGNABLE_STATUSES = tuple(str(s) for s in PUBLIC_STATUSES)

_PG_SIGN = f"""
WITH open AS (
    SELECT 1 FROM proposals_proposal
    WHERE id = %(proposal)s AND status IN {COSIGNABLE_STATUSES!r}
      AND (cosign_deadline IS NULL OR cosign_deadline >= %(now)s)
), ins AS (
    INSERT INTO proposals_signature (proposal_id, signer_id, created_at, reason, network,
                                     is_proposer)
    SELECT %(proposal)s, %(signer)s, %(now)s, %(reason)s, %(network)s, false FROM open
    ON CONFLICT (proposal_id, signer_id) DO NOTHING
    RETURNING id
), bump AS (
    INSERT INTO proposals_proposalcounter (proposal_id, shard, signatures)
    SELECT %(proposal)s, %(shard)s, 1 FROM ins
    ON CONFLICT (proposal_id, shard)
    DO UPDATE SET signatures = proposals_proposalcounter.signatures + 1
    RETURNING 1
), day AS (
    INSERT INTO proposals_proposaldaycount (proposal_id, day, shard, signatures)
    SELECT %(proposal)s, %(day)s, %(shard)s, 1 FROM ins
    ON CONFLICT (proposal_id, day, shard)
    DO UPDATE SET signatures = proposals_proposaldaycount.signatures + 1
)
SELECT (SELECT id FROM ins),
       (SELECT count(*) FROM bump),
       (SELECT COALESCE(SUM(signatures), 0) FROM proposals_proposalcounter
        WHERE proposal_id = %(proposal)s),
       (SELECT count(*) FROM open)
"""  # noqa: S608 - the only interpolation is the constant tuple of statuses


class _Closed(Exception):
    """The stored proposal may no longer be co-signed (the signing statement's own check)."""


def _sign(
    proposal_id: int, signer_id: int, now: dt.datetime, reason: str, network: str
) -> tuple[int | None, int]:
    """Insert the signature unless this person already signed, and add one to a random
    counter shard and to the same shard of the day's count (for the chart), atomically;
    returns (signature id or None, count including it).

    The insert happens only while the stored proposal is still co-signable (status and
    window, as of this statement), whatever copy of it the caller looked at; `_Closed` is
    raised otherwise. On PostgreSQL this is one prepared statement (`core.db.fetch_one`),
    hence one implicit transaction and one round trip: the check, the insert, the shard
    increment (an upsert, row-locking one of the shards only) and the sum of the shards as of
    the statement's snapshot (plus this signature). Elsewhere the same steps run in one transaction.
    """
    shard = random.randrange(COUNTER_SHARDS)
    params = {
        "proposal": proposal_id,
        "signer": signer_id,
        "now": connection.ops.adapt_datetimefield_value(now),
        "reason": reason,
        "network": network,
        "shard": shard,
        "day": now.astimezone(clock.local_zone()).date(),
    }
    if connection.vendor == "postgresql":
        signature_id, bumped, before, still_open = db.fetch_one(_PG_SIGN, params)
        if not still_open:
            raise _Closed()
        return signature_id, int(before) + int(bumped)
    with transaction.atomic():
        still_open = (
            Proposal.objects.filter(pk=proposal_id, status__in=COSIGNABLE_STATUSES)
            .filter(Q(cosign_deadline__isnull=True) | Q(cosign_deadline__gte=now))
            .exists()
        )
        if not still_open:
            raise _Closed()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO proposals_signature (proposal_id, signer_id, created_at, reason, "
                "network, is_proposer) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (proposal_id, signer_id) DO NOTHING RETURNING id",
                [proposal_id, signer_id, params["now"], reason, network, False],
            )
            row = cursor.fetchone()
        if row is None:
            return None, selectors.signature_count(proposal_id)
        counter, _created = ProposalCounter.objects.get_or_create(
            proposal_id=proposal_id, shard=shard
        )
        ProposalCounter.objects.filter(pk=counter.pk).update(signatures=F("signatures") + 1)
        day, _created = ProposalDayCount.objects.get_or_create(
            proposal_id=proposal_id, day=params["day"], shard=shard
        )
        ProposalDayCount.objects.filter(pk=day.pk).update(signatures=F("signatures") + 1)
        return row[0], selectors.signature_count(proposal_id)


def _cosign_refusal(proposal: Proposal, now: dt.datetime) -> rules.Refusal | None:
    return rules.cosign_refusal(
        state=selectors.state_of(proposal, now), now=now, cosign_deadline=proposal.cosign_deadline
    )


def signature_create(
    *, actor: Any, proposal: Proposal, reason: str = "", address: str = ""
) -> Signature:
    """Co-sign: once per person, final, refused with the reason when it is not allowed.

    The write is a single atomic step (see `_sign`); co-signatures are not in the chained
    audit log, whose head row would serialise every signer: their own table is the public,
    exportable record. Once the count comes near the threshold, the signer checks for the
    crossing after its write is committed (`record_passing`), so it is recorded exactly once
    even when concurrent signers cannot see each other's rows.
    """
    require_level(actor, rules.rules().required_level)
    now = clock.now()
    refusal = _cosign_refusal(proposal, now)
    if refusal:
        raise Conflict(refusal.code, refusal.message)
    reason = _text(reason, "reason", required=False, max_length=200)
    ratelimit.hit("cosign", account=str(actor.pk), address=address)
    network = ratelimit.network_of(address)
    try:
        signature_id, count = _sign(proposal.pk, actor.pk, now, reason, network)
    except _Closed:
        # the caller's copy of the proposal was out of date: say why from the stored one
        forget_cosigning_row(proposal.public_id)
        stored = Proposal.objects.get(pk=proposal.pk)
        refusal = _cosign_refusal(stored, now) or rules.Refusal(
            "not_open", _("This proposal cannot be co-signed now.")
        )
        raise Conflict(refusal.code, refusal.message) from None
    if signature_id is None:
        existing = Signature.objects.filter(proposal=proposal, signer=actor).first()
        when = existing.created_at if existing else now
        raise Conflict(
            "already_signed",
            _("You already co-signed on %(date)s.")
            % {"date": when.astimezone(clock.local_zone()).date().isoformat()},
        )
    threshold = proposal.threshold or 0
    if proposal.passed_at is None and count >= threshold - PASSING_CHECK_MARGIN:
        if connection.in_atomic_block:
            # inside a caller's transaction: check now and again once it commits
            record_passing(proposal.pk)
            pk = proposal.pk
            transaction.on_commit(lambda: record_passing(pk))
        elif rules.threshold_reached(selectors.signature_count(proposal.pk), threshold):
            # the signature is committed: this fresh read sees it and every one committed
            # before it, so the signer whose commit reaches the threshold always gets here
            record_passing(proposal.pk)
            # passed now or earlier: the process's copy of the row no longer says so
            forget_cosigning_row(proposal.public_id)
    selectors.forget_public_count(proposal.public_id)
    metrics.cosignature_recorded()
    signature = Signature(
        id=signature_id,
        proposal=proposal,
        signer=actor,
        created_at=now,
        reason=reason,
        network=network,
    )
    signature.count = count
    return signature


@transaction.atomic
def record_passing(proposal_id: int) -> bool:
    """Record the crossing of the threshold once; True if this call recorded it.

    Called in the co-signing transaction and again after it commits: concurrent signers
    may each not see the others' uncommitted rows, but the last one to commit does.
    """
    proposal = (
        Proposal.objects.filter(pk=proposal_id, passed_at__isnull=True)
        .only("pk", "threshold", "status", "public_id", "title")
        .first()
    )
    if proposal is None or proposal.threshold is None:
        return False
    total = selectors.signature_count(proposal_id)
    if not rules.threshold_reached(total, proposal.threshold):
        return False
    now = clock.now()
    due = rules.response_due(now, calendar_for())
    won = Proposal.objects.filter(pk=proposal_id, passed_at__isnull=True).update(
        passed_at=now, passed_count=total, response_due=due
    )
    if not won:
        return False
    audit.record(
        actor=None,
        verb="proposal.passed",
        target=proposal,
        changes={"count": total, "threshold": proposal.threshold, "response_due": due},
        public=True,
    )
    _notify_followers(proposal, "passed")
    return True


# --- following ---------------------------------------------------------------------------


@transaction.atomic
def follow_set(*, actor: Any, proposal: Proposal, following: bool) -> bool:
    """Get a published proposal's e-mail notices without co-signing, or stop them (also as
    its proposer or a co-signer); returns whether the person now follows it."""
    require_signed_in(actor)
    if proposal.status not in PUBLIC_STATUSES:
        raise Conflict("not_public", _("Only published proposals can be followed."))
    Follow.objects.update_or_create(
        proposal=proposal,
        user=actor,
        defaults={"following": bool(following), "changed_at": clock.now()},
    )
    audit.record(
        actor=actor,
        verb="proposal.following_changed",
        target=proposal,
        changes={"following": following},
    )
    return bool(following)


def forget_notice_choices(*, user: Any, **_signal: Any) -> int:
    """Erase a closed account's follows (receiver of `accounts.signals.user_closed`)."""
    deleted, _by_model = Follow.objects.filter(user=user).delete()
    return deleted


# --- responding ----------------------------------------------------------------------------


def _for_answer(actor: Any, proposal: Proposal) -> tuple[Proposal, Agency]:
    require_signed_in(actor)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    agency = answering_agency(actor, proposal) if can_answer(actor, proposal) else None
    if agency is None:
        raise Forbidden(_("Only officials of a responsible agency may answer this proposal."))
    return proposal, agency


@transaction.atomic
def response_publish(
    *,
    actor: Any,
    proposal: Proposal,
    summary: str,
    points: Sequence[dict[str, Any]],
    easy_read_summary: str = "",
) -> Response:
    """Publish the agency's answer, point by point, with an optional easy-read summary
    (易讀版); the feedback period starts."""
    proposal, agency = _for_answer(actor, proposal)
    now = clock.now()
    state = selectors.state_of(proposal, now)
    if state not in rules.AWAITING_STATES:
        raise Conflict("not_awaiting", _("This proposal is not awaiting a response."))
    summary = _text(summary, "summary", max_length=5000)
    easy_read_summary = _text(
        easy_read_summary, "easy_read_summary", required=False, max_length=3000
    )
    if not points:
        raise ServiceError("required", _("Answer at least one point."), field="points")
    if len(points) > 30:
        raise ServiceError("too_many", _("At most 30 points."), field="points")
    clean_points = []
    for i, point in enumerate(points):
        position = str(point.get("position") or "")
        if position not in Position.values:
            raise ServiceError(
                "invalid_position", _("Choose a position for every point."), field=f"points.{i}"
            )
        answers = str(point.get("answers") or "")
        if not rules.is_proposal_part(answers, proposal.content):
            raise ServiceError(
                "invalid_part",
                _("Choose the part of the proposal this point answers."),
                field=f"points.{i}.answers",
            )
        planned_date = point.get("planned_date") or None
        if isinstance(planned_date, str):
            try:
                planned_date = dt.date.fromisoformat(planned_date)
            except ValueError:
                raise ServiceError(
                    "invalid_date", _("Enter a valid date."), field=f"points.{i}.planned_date"
                ) from None
        clean_points.append(
            ResponsePoint(
                order=i + 1,
                answers=answers,
                position=position,
                explanation=_text(
                    point.get("explanation"), f"points.{i}.explanation", max_length=3000
                ),
                planned_actions=_text(
                    point.get("planned_actions"),
                    f"points.{i}.planned_actions",
                    required=False,
                    max_length=2000,
                ),
                planned_date=planned_date,
            )
        )
    on_time = proposal.response_due is None or now <= proposal.response_due
    try:
        with transaction.atomic():
            response = Response.objects.create(
                proposal=proposal,
                agency=agency,
                author=actor,
                summary=summary,
                easy_read_summary=easy_read_summary,
                published_at=now,
                on_time=on_time,
            )
    except IntegrityError:
        raise Conflict("already_answered", _("This proposal has already been answered.")) from None
    for point in clean_points:
        point.response = response
    ResponsePoint.objects.bulk_create(clean_points)
    proposal.status = Status.RESPONDED
    proposal.responded_at = now
    proposal.save(update_fields=["status", "responded_at"])
    audit.record(
        actor=actor,
        verb="proposal.response_published",
        target=proposal,
        agency_code=agency.code,
        changes={
            "points": len(clean_points),
            "on_time": on_time,
            "easy_read": bool(easy_read_summary),
        },
        public=True,
    )
    _notify_followers(proposal, "answered")
    return response


# --- the collaboration meeting -------------------------------------------------------------


def _meeting_fields(
    starts_at: Any, place: str, details: str, now: dt.datetime
) -> tuple[dt.datetime, str, str]:
    """A meeting's time (in the future), place or link, and agenda, checked and cleaned."""
    if not isinstance(starts_at, dt.datetime) or starts_at <= now:
        raise ServiceError("invalid_date", _("Choose a time in the future."), field="starts_at")
    place = _text(place, "place", max_length=300)
    return starts_at, place, _text(details, "details", required=False, max_length=3000)


@transaction.atomic
def meeting_call(
    *, actor: Any, proposal: Proposal, starts_at: Any, place: str, details: str = ""
) -> Meeting:
    """An official of a responsible agency calls the collaboration meeting of a passed
    proposal: the proposer takes part, co-signers take the profile's number of seats first
    come; everyone following the proposal is told."""
    proposal, agency = _for_answer(actor, proposal)
    seats = rules.rules().collaboration_meeting_cosigners
    if seats <= 0:
        raise Conflict("no_meetings", _("The rules in force have no collaboration meetings."))
    if proposal.passed_at is None:
        raise Conflict(
            "not_passed", _("Only a proposal that passed can have a collaboration meeting.")
        )
    now = clock.now()
    starts_at, place, details = _meeting_fields(starts_at, place, details, now)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                proposal=proposal,
                agency=agency,
                called_by=actor,
                starts_at=starts_at,
                place=place,
                details=details,
                seats=seats,
                called_at=now,
            )
    except IntegrityError:
        raise Conflict(
            "already_called", _("This proposal's collaboration meeting has already been called.")
        ) from None
    audit.record(
        actor=actor,
        verb="proposal.meeting_called",
        target=proposal,
        agency_code=agency.code,
        changes={"starts_at": starts_at, "seats": seats},
        public=True,
    )
    _notify_followers(proposal, "meeting")
    return meeting


@transaction.atomic
def meeting_change(
    *, actor: Any, proposal: Proposal, starts_at: Any, place: str, details: str = ""
) -> Meeting:
    """An official of a responsible agency moves the collaboration meeting or changes its
    place or agenda, before it starts; seats already taken stay, everyone following is told."""
    proposal, agency = _for_answer(actor, proposal)
    meeting = Meeting.objects.select_for_update().filter(proposal=proposal).first()
    if meeting is None:
        raise NotFound(_("No collaboration meeting has been called."))
    now = clock.now()
    if meeting.starts_at <= now:
        raise Conflict("meeting_started", _("The meeting has already started."))
    meeting.starts_at, meeting.place, meeting.details = _meeting_fields(
        starts_at, place, details, now
    )
    meeting.save(update_fields=["starts_at", "place", "details"])
    audit.record(
        actor=actor,
        verb="proposal.meeting_changed",
        target=proposal,
        agency_code=agency.code,
        changes={"starts_at": starts_at},
        public=True,
    )
    _notify_followers(proposal, "meeting_changed")
    return meeting


@transaction.atomic
def meeting_take_seat(*, actor: Any, proposal: Proposal) -> MeetingSeat:
    """A co-signer takes a seat at the collaboration meeting: first come (the meeting's row
    is locked while the seats are counted), while seats are left and before it starts."""
    require_signed_in(actor)
    meeting = Meeting.objects.select_for_update().filter(proposal=proposal).first()
    if meeting is None:
        raise NotFound(_("No collaboration meeting has been called."))
    now = clock.now()
    if meeting.starts_at <= now:
        raise Conflict("meeting_started", _("The meeting has already started."))
    if proposal.proposer_id == actor.pk:
        raise Conflict("proposer_attends", _("As the proposer you take part without a seat."))
    if not Signature.objects.filter(proposal=proposal, signer=actor).exists():
        raise Conflict("not_a_cosigner", _("Only the proposal's co-signers can take a seat."))
    if MeetingSeat.objects.filter(meeting=meeting, user=actor).exists():
        raise Conflict("already_seated", _("You already have a seat."))
    if meeting.seats_taken.count() >= meeting.seats:
        raise Conflict("meeting_full", _("All %(n)d seats are taken.") % {"n": meeting.seats})
    seat = MeetingSeat.objects.create(meeting=meeting, user=actor, taken_at=now)
    audit.record(actor=actor, verb="proposal.meeting_seat_taken", target=proposal)
    return seat


@transaction.atomic
def extension_create(
    *, actor: Any, proposal: Proposal, progress: str, new_due: dt.date
) -> Extension:
    """Extend the response deadline with a public notice of progress and the new date."""
    proposal, agency = _for_answer(actor, proposal)
    now = clock.now()
    if selectors.state_of(proposal, now) != "awaiting_response":
        raise Conflict(
            "not_awaiting",
            _("Only a proposal awaiting its response, before the deadline, can be extended."),
        )
    progress = _text(progress, "progress", max_length=3000)
    if not isinstance(new_due, dt.date):
        raise ServiceError("invalid_date", _("Enter a valid date."), field="new_due")
    refusal = rules.extension_refusal(
        extensions_so_far=proposal.extensions.count(),
        new_due=new_due,
        current_due=proposal.response_due,
        cal=calendar_for(),
    )
    if refusal:
        raise ServiceError(refusal.code, refusal.message, field="new_due")
    extension = Extension.objects.create(
        proposal=proposal,
        agency=agency,
        author=actor,
        progress=progress,
        new_due=new_due,
        created_at=now,
    )
    old_due = proposal.response_due
    proposal.response_due = rules.response_due(
        proposal.passed_at, calendar_for(), extended_to=new_due
    )
    proposal.save(update_fields=["response_due"])
    audit.record(
        actor=actor,
        verb="proposal.deadline_extended",
        target=proposal,
        agency_code=agency.code,
        changes={"from": old_due, "to": proposal.response_due},
        public=True,
    )
    _notify_followers(proposal, "extended")
    return extension


@transaction.atomic
def feedback_create(*, actor: Any, proposal: Proposal, rating: int, comment: str = "") -> Feedback:
    """The proposer or a co-signer rates the response, during the feedback period."""
    require_signed_in(actor)
    response = Response.objects.filter(proposal=proposal).first()
    if response is None:
        raise Conflict("no_response", _("There is no response to rate yet."))
    if not Signature.objects.filter(proposal=proposal, signer=actor).exists() and (
        proposal.proposer_id != actor.pk
    ):
        raise Forbidden(_("Only the proposer and co-signers may rate the response."))
    now = clock.now()
    ends = rules.feedback_ends(response.published_at, calendar_for())
    if now > ends:
        raise Conflict(
            "feedback_closed",
            _("Feedback closed on %(date)s.")
            % {"date": ends.astimezone(clock.local_zone()).date().isoformat()},
        )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ServiceError("invalid_rating", _("Choose a rating from 1 to 5."), field="rating")
    text = _text(comment, "comment", required=False, max_length=1000)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                response=response, author=actor, rating=rating, comment=text, created_at=now
            )
            audit.record(
                actor=actor,
                verb="proposal.feedback_given",
                target=proposal,
                changes={"rating": rating, "comment_given": bool(text)},
            )
    except IntegrityError:
        raise Conflict("already_rated", _("You have already rated this response.")) from None
    return feedback


# --- discussion ----------------------------------------------------------------------------


@transaction.atomic
def comment_create(*, actor: Any, proposal: Proposal, body: str, address: str = "") -> Comment:
    """Comment on a published proposal."""
    require_level(actor, rules.rules().required_level)
    if proposal.status not in (Status.PUBLISHED, Status.RESPONDED):
        raise NotFound()
    text = _text(body, "body", max_length=2000)
    ratelimit.hit("comment", account=str(actor.pk), address=address)
    comment = Comment.objects.create(
        proposal=proposal, author=actor, body=text, created_at=clock.now()
    )
    audit.record(
        actor=actor,
        verb="proposal.comment_created",
        target=comment,
        changes={"proposal": str(proposal.public_id)},
    )
    return comment


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, body: str) -> Comment:
    """The author corrects a comment within the edit window; never after."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the author may edit a comment."))
    now = clock.now()
    if not rules.comment_editable(comment.created_at, now):
        raise Conflict(
            "edit_closed",
            _("Comments can be edited for %(n)d minutes only.")
            % {"n": rules.rules().comment_edit_minutes},
        )
    if comment.hidden_at:
        raise Conflict("hidden", _("A hidden comment cannot be edited."))
    comment.body = _text(body, "body", max_length=2000)
    comment.edited_at = now
    comment.save(update_fields=["body", "edited_at"])
    audit.record(actor=actor, verb="proposal.comment_edited", target=comment)
    return comment


@transaction.atomic
def comment_report(*, actor: Any, comment: Comment, reason: str = "") -> CommentReport:
    """Report a comment to the moderators (once per person)."""
    require_signed_in(actor)
    text = _text(reason, "reason", required=False, max_length=300)
    report, created = CommentReport.objects.get_or_create(
        comment=comment, reporter=actor, defaults={"reason": text, "created_at": clock.now()}
    )
    if not created:
        raise Conflict("already_reported", _("You have already reported this comment."))
    audit.record(
        actor=actor,
        verb="proposal.comment_reported",
        target=comment,
        changes={"reason_given": bool(text)},
    )
    return report


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, ground: str) -> Comment:
    """A moderator hides a comment, naming the published ground (shown in its place)."""
    if not is_moderator(actor):
        raise NotFound()
    if ground not in rules.rules().rejection_grounds:
        raise ServiceError(
            "unknown_ground", _("Choose one of the published grounds."), field="ground"
        )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden_at = clock.now()
    comment.hidden_by = actor
    comment.hidden_ground = ground
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_ground"])
    audit.record(
        actor=actor,
        verb="proposal.comment_hidden",
        target=comment.proposal,
        changes={"comment": str(comment.public_id), "ground": ground},
        public=True,
    )
    return comment


# --- jobs ----------------------------------------------------------------------------------


@transaction.atomic
def proposal_mark_failure_notified(*, proposal_id: int) -> bool:
    """Claim the one failure notice of a proposal whose window passed below the threshold."""
    now = clock.now()
    claimed = Proposal.objects.filter(
        pk=proposal_id,
        status=Status.PUBLISHED,
        passed_at__isnull=True,
        cosign_deadline__lt=now,
        failure_notified_at__isnull=True,
    ).update(failure_notified_at=now)
    if claimed:
        proposal = Proposal.objects.get(pk=proposal_id)
        audit.record(actor=None, verb="proposal.failed", target=proposal, public=True)
        _notify_followers(proposal, "failed")
    return bool(claimed)
