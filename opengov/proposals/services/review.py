"""Review by a moderator: starting it, publishing, asking for changes, rejecting, and the
responsible agencies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opengov.accounts.permissions import is_moderator
from opengov.core import audit, clock
from opengov.core.errors import Conflict, NotFound, ServiceError
from opengov.core.selectors import calendar_for

from .. import rules
from ..models import (
    COUNTER_SHARDS,
    Proposal,
    ProposalCounter,
    ProposalDayCount,
    Signature,
    Status,
)
from .checks import _agencies, _notify_proposer, _proposal_url, _text
from .signatures import record_passing

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
