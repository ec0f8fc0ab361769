"""Co-signing, the hot path: signatures are not written to the chained audit log (which locks
one head row) but to their own exportable table, and the count is kept in sharded counter
rows, so concurrent signers never wait on a lock on the proposal row. The moment the
threshold is crossed is recorded once, by a conditional `UPDATE ... WHERE passed_at IS NULL`;
a window that closes below the threshold is claimed once for its failure notice."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_level
from opengov.core import audit, clock, db, metrics, ratelimit
from opengov.core.errors import Conflict
from opengov.core.selectors import calendar_for

from .. import rules, selectors
from ..models import (
    COUNTER_SHARDS,
    Proposal,
    ProposalCounter,
    ProposalDayCount,
    Signature,
    Status,
)
from ..permissions import PUBLIC_STATUSES, forget_cosigning_row
from .checks import _notify_followers, _text

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


_SIGNATURE_PROPOSAL = Signature._meta.get_field("proposal")
_SIGNATURE_SIGNER = Signature._meta.get_field("signer")


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
    database = connections[DEFAULT_DB_ALIAS]  # looked up once: each `connection.x` is a lookup
    params = {
        "proposal": proposal_id,
        "signer": signer_id,
        "now": database.ops.adapt_datetimefield_value(now),
        "reason": reason,
        "network": network,
        "shard": shard,
        "day": now.astimezone(clock.local_zone()).date(),
    }
    if database.vendor == "postgresql":
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
        proposal_id=proposal.pk,
        signer_id=actor.pk,
        created_at=now,
        reason=reason,
        network=network,
    )
    # the related objects at hand, cached as assigning them would (without its checks)
    _SIGNATURE_PROPOSAL.set_cached_value(signature, proposal)
    _SIGNATURE_SIGNER.set_cached_value(signature, actor)
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
