"""Who may see and do what to which proposal. Forbidden looks like not found."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Q, QuerySet

from opengov.accounts.permissions import acts_for_agency, is_moderator, is_signed_in
from opengov.core.processcache import Reused

from .models import Comment, Proposal, Status

PUBLIC_STATUSES = (Status.PUBLISHED, Status.RESPONDED)


def visible_proposals(user: Any) -> QuerySet[Proposal]:
    """Published proposals for everyone; plus one's own; plus the review queue for operators."""
    q = Q(status__in=PUBLIC_STATUSES)
    if is_signed_in(user):
        q |= Q(proposer=user)
        if is_moderator(user):
            q |= ~Q(status=Status.DRAFT)
    return Proposal.objects.filter(q)


def can_see(user: Any, proposal: Proposal) -> bool:
    """The same rule as `visible_proposals`, for one proposal already fetched."""
    if proposal.status in PUBLIC_STATUSES:
        return True
    if not is_signed_in(user):
        return False
    if proposal.proposer_id == user.pk:
        return True
    return is_moderator(user) and proposal.status != Status.DRAFT


#: the columns co-signing needs (the hot path fetches only these), in the model's field order
COSIGN_FIELDS = tuple(
    f.attname
    for f in Proposal._meta.concrete_fields
    if f.attname
    in {
        "id",
        "public_id",
        "proposer_id",
        "status",
        "cosign_deadline",
        "threshold",
        "passed_at",
        "response_due",
    }
)

_COSIGN_SQL = f"SELECT {', '.join(COSIGN_FIELDS)} FROM proposals_proposal WHERE public_id = %s"  # noqa: S608

#: how long one server process reuses a published proposal's co-signing row. Whether a
#: published proposal may be co-signed depends only on the clock from then on (its status can
#: only become "responded", its window is fixed), and the signing statement checks the stored
#: status and window again (`services.signatures._sign`), so a reused row can never let a refused
#: co-signature through; it only spares the popular proposal one query per co-signature.
_cosign_rows: Reused[tuple[Any, ...] | None] = Reused(seconds=2.0)


def forget_cosigning_row(public_id: Any) -> None:
    """Drop this process's copy of a proposal's co-signing row."""
    _cosign_rows.forget(public_id)


def _load_cosigning_row(public_id: Any) -> tuple[Any, ...] | None:
    value = Proposal._meta.get_field("public_id").get_db_prep_value(
        public_id, connection, prepared=False
    )
    fetched = next(iter(Proposal.objects.raw(_COSIGN_SQL, [value])), None)
    return None if fetched is None else tuple(getattr(fetched, name) for name in COSIGN_FIELDS)


_STATUS_AT = COSIGN_FIELDS.index("status")
#: the same, for `Model.from_db`'s test of which fields are loaded (one per field)
_COSIGN_FIELD_SET = frozenset(COSIGN_FIELDS)


def _cosigning_row(public_id: Any) -> tuple[Any, ...] | None:
    return _cosign_rows.get(
        public_id,
        lambda: _load_cosigning_row(public_id),
        keep=lambda row: row is not None and row[_STATUS_AT] in PUBLIC_STATUSES,
    )


def proposal_for_cosigning(user: Any, public_id: Any) -> Proposal | None:
    """The proposal to co-sign, if the person may see it.

    The hot path of co-signing: one narrow raw query (a fraction of the ORM's CPU cost for
    building it), with the model's own conversion of the values; a published proposal's row
    is reused by the process for `COSIGN_ROW_SECONDS`.
    """
    row = _cosigning_row(public_id)
    if row is None:
        return None
    proposal = Proposal.from_db(DEFAULT_DB_ALIAS, _COSIGN_FIELD_SET, row)
    if not can_see(user, proposal):
        return None
    return proposal


def editable_proposals(user: Any) -> QuerySet[Proposal]:
    """A proposer's own drafts and proposals sent back for changes."""
    if not is_signed_in(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(
        proposer=user, status__in=(Status.DRAFT, Status.CHANGES_REQUESTED)
    )


def reviewable_proposals(user: Any) -> QuerySet[Proposal]:
    """The moderation queue (operators only)."""
    if not is_moderator(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(status__in=(Status.SUBMITTED, Status.UNDER_REVIEW))


def can_answer(user: Any, proposal: Proposal) -> bool:
    """Officials of one of the proposal's responsible agencies (or of a parent agency)."""
    if not is_signed_in(user):
        return False
    return any(acts_for_agency(user, agency) for agency in proposal.agencies.all())


def answering_agency(user: Any, proposal: Proposal):
    """The responsible agency this official answers for (the first one they act for)."""
    for agency in proposal.agencies.all():
        if acts_for_agency(user, agency):
            return agency
    return None


def visible_comments(user: Any, proposal: Proposal) -> QuerySet[Comment]:
    """Every comment (hidden ones show only their ground, in the template)."""
    return proposal.comments.select_related("author", "hidden_by")
