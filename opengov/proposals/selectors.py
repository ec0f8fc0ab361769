"""Reads of proposals: derived state, counts, lists with filters, search, statistics."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from opengov.core import clock, db
from opengov.core.processcache import Reused
from opengov.core.search import text_search_q
from opengov.core.selectors import calendar_for

from . import rules
from .models import Follow, Proposal, ProposalCounter, ProposalDayCount, Signature, Status

SORTS = {
    "newest": ("-published_at", "-id"),
    "most_signed": ("-signature_count", "-published_at", "-id"),
    "ending_soon": ("cosign_deadline", "id"),
}


def state_of(proposal: Proposal, now: dt.datetime | None = None) -> str:
    """The state a reader sees now (derived from stored facts and the clock)."""
    return rules.proposal_state(
        status=proposal.status,
        now=now or clock.now(),
        cosign_deadline=proposal.cosign_deadline,
        passed_at=proposal.passed_at,
        response_due=proposal.response_due,
    )


_COUNT_SQL = (
    "SELECT COALESCE(SUM(signatures), 0) FROM proposals_proposalcounter WHERE proposal_id = %s"
)


def signature_count(proposal: Proposal | int) -> int:
    """The exact number of co-signatures (the sum of the counter's shards); a prepared
    statement, as co-signers read it when a proposal nears its threshold."""
    pk = proposal if isinstance(proposal, int) else proposal.pk
    row = db.fetch_one(_COUNT_SQL, [pk])
    return int(row[0]) if row else 0


#: seconds a process answers `public_count` from its own copy: a viral proposal's count is
#: asked for thousands of times a second, and its endpoint's `304` (or the same body) then
#: costs no database query. A co-signer's own answer is always fresh (`signature_count`),
#: and co-signing in this process forgets the copy.
_public_counts: Reused[tuple[int, int | None, bool] | None] = Reused(seconds=1.0)


def _load_public_count(public_id: Any) -> tuple[int, int | None, bool] | None:
    proposal = (
        Proposal.objects.filter(
            public_id=public_id, status__in=(Status.PUBLISHED, Status.RESPONDED)
        )
        .only("pk", "threshold", "passed_at")
        .first()
    )
    if proposal is None:
        return None
    return (signature_count(proposal), proposal.threshold, proposal.passed_at is not None)


def public_count(public_id: Any) -> tuple[int, int | None, bool] | None:
    """(count, threshold, passed) of a published or answered proposal, or None; reused by the
    process for a second."""
    return _public_counts.get(public_id, lambda: _load_public_count(public_id))


def forget_public_count(public_id: Any) -> None:
    """Drop this process's copy of a proposal's public count."""
    _public_counts.forget(public_id)


def with_counts(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Annotate `signature_count` on each proposal."""
    total = (
        ProposalCounter.objects.filter(proposal=OuterRef("pk"))
        .values("proposal")
        .annotate(n=Sum("signatures"))
        .values("n")
    )
    return qs.annotate(
        signature_count=Coalesce(Subquery(total, output_field=IntegerField()), Value(0))
    )


def state_q(state: str, now: dt.datetime) -> Q:
    """A filter for proposals in a derived state at `now`."""
    published = Q(status=Status.PUBLISHED)
    return {
        "open": published & Q(passed_at__isnull=True, cosign_deadline__gte=now),
        "failed": published & Q(passed_at__isnull=True, cosign_deadline__lt=now),
        "awaiting_response": published & Q(passed_at__isnull=False, response_due__gte=now),
        "overdue": published & Q(passed_at__isnull=False, response_due__lt=now),
        "passed": Q(passed_at__isnull=False),
        "responded": Q(status=Status.RESPONDED),
    }.get(state, Q(status=state))


def search_q(query: str) -> Q | None:
    """Proposals whose title, content or benefits contain `query` (None for no query).

    Through the index of migration 0002 (FTS5 trigram on SQLite, pg_trgm on PostgreSQL).
    """
    if not (query or "").strip():
        return None
    return text_search_q(
        query,
        table="proposals_proposal",
        fts_table="proposals_fts",
        columns=("title", "content", "benefits"),
    )


def proposal_list(
    base: QuerySet[Proposal],
    *,
    state: str = "",
    agency: str = "",
    tag: str = "",
    space: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: str = "",
    sort: str = "newest",
    now: dt.datetime | None = None,
) -> QuerySet[Proposal]:
    """Proposals filtered by state, agency code, tag, publication dates and text, sorted."""
    now = now or clock.now()
    qs = with_counts(base)
    if state:
        qs = qs.filter(state_q(state, now))
    if agency:
        qs = qs.filter(agencies__code=agency)
    if tag:
        qs = qs.filter(tags__slug=tag)
    if space == "national":
        qs = qs.filter(space="")
    elif space:
        qs = qs.filter(space=space)
    if since:
        qs = qs.filter(published_at__gte=clock.start_of_local_day(since))
    if until:
        qs = qs.filter(published_at__lte=clock.end_of_local_day(until))
    text = search_q(q)
    if text is not None:
        qs = qs.filter(text)
    if sort == "ending_soon":
        qs = qs.filter(state_q("open", now))
    return (
        qs.distinct()
        .order_by(*SORTS.get(sort, SORTS["newest"]))
        .prefetch_related("agencies", "tags")
    )


def similar_proposals(title: str, *, exclude_pk: int | None = None, limit: int = 5) -> list:
    """Published proposals whose title or text looks like `title` (to co-sign, not duplicate)."""
    title = (title or "").strip()
    if len(title) < 2:
        return []
    words = [w for w in title.replace("，", " ").replace("、", " ").split() if len(w) >= 2]
    pieces = set(words)
    compact = "".join(title.split())
    # Chinese has no spaces: also try each 3-character run of the title
    if len(compact) >= 3:
        pieces.update(compact[i : i + 3] for i in range(len(compact) - 2))
    elif compact:
        pieces.add(compact)
    q = Q()
    for piece in list(pieces)[:20]:
        q |= Q(title__icontains=piece)
    qs = Proposal.objects.filter(status__in=(Status.PUBLISHED, Status.RESPONDED)).filter(q)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    candidates = list(with_counts(qs).order_by("-published_at")[:50])

    def score(p: Proposal) -> int:
        return sum(1 for piece in pieces if piece in p.title)

    candidates.sort(key=lambda p: (-score(p), -(p.signature_count or 0)))
    return candidates[:limit]


def review_queue(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The moderation queue: overdue first, then by review deadline."""
    return qs.select_related("proposer").prefetch_related("agencies").order_by("review_due", "id")


def reported_comments() -> QuerySet:
    """Visible comments that people reported, most reported first (for moderators)."""
    from .models import Comment

    return (
        Comment.objects.filter(reports__isnull=False, hidden_at__isnull=True)
        .annotate(report_count=Count("reports"))
        .select_related("proposal", "author")
        .order_by("-report_count", "created_at")[:200]
    )


def signature_of(proposal: Proposal, user: Any) -> Signature | None:
    """The person's co-signature of this proposal, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Signature.objects.filter(proposal=proposal, signer=user).first()


def is_following(proposal: Proposal, user: Any, *, signed: bool | None = None) -> bool:
    """Whether the person gets this proposal's notices: by their choice if they made one,
    otherwise as its proposer or a co-signer (`signed`, when the caller already knows)."""
    if not getattr(user, "is_authenticated", False):
        return False
    choice = (
        Follow.objects.filter(proposal=proposal, user=user)
        .values_list("following", flat=True)
        .first()
    )
    if choice is not None:
        return choice
    if proposal.proposer_id == user.pk:
        return True
    if signed is None:
        signed = Signature.objects.filter(proposal=proposal, signer=user).exists()
    return signed


def follower_ids(proposal: Proposal) -> QuerySet[Any]:
    """The people who get this proposal's notices (before their own e-mail setting): the
    proposer, the co-signers and those who follow it, but for those who stopped them."""
    from django.contrib.auth import get_user_model

    chose = Follow.objects.filter(proposal=proposal)
    return (
        get_user_model()
        .objects.filter(
            Q(pk=proposal.proposer_id)
            | Q(pk__in=Signature.objects.filter(proposal=proposal).values("signer_id"))
            | Q(pk__in=chose.filter(following=True).values("user_id"))
        )
        .exclude(pk__in=chose.filter(following=False).values("user_id"))
        .values("pk")
    )


def recent_signatures(proposal: Proposal, limit: int = 20) -> QuerySet[Signature]:
    """Latest co-signatures with a public reason."""
    return (
        proposal.signatures.exclude(reason="")
        .select_related("signer")
        .order_by("-created_at", "-id")[:limit]
    )


def signatures_by_day(proposal: Proposal) -> list[tuple[dt.date, int, int]]:
    """(day, signatures that day, running total) for the chart, from the per-day counter
    shards kept by the signing statement: at most (days × shards) rows at any count."""
    rows = (
        ProposalDayCount.objects.filter(proposal=proposal)
        .values("day")
        .annotate(n=Sum("signatures"))
        .order_by("day")
    )
    result, total = [], 0
    for row in rows:
        total += row["n"]
        result.append((row["day"], row["n"], total))
    return result


@dataclass
class WatchStats:
    """How an agency (or all) answers: awaiting, overdue, on time, late, median days."""

    awaiting: int
    overdue: int
    answered_on_time: int
    answered_late: int
    median_days: float | None
    open: int


_PASSED_FIELDS = (
    "status",
    "passed_at",
    "response_due",
    "response__published_at",
    "response__on_time",
)


def _stats_from(passed: list[dict[str, Any]], open_count: int, now: dt.datetime) -> WatchStats:
    """Fold passed proposals' rows into answer statistics."""
    counter: Counter[str] = Counter()
    days = []
    for row in passed:
        if row["status"] == Status.RESPONDED and row["response__published_at"]:
            counter["on_time" if row["response__on_time"] else "late"] += 1
            days.append((row["response__published_at"] - row["passed_at"]).total_seconds() / 86400)
        elif row["response_due"] and now > row["response_due"]:
            counter["overdue"] += 1
        else:
            counter["awaiting"] += 1
    return WatchStats(
        awaiting=counter["awaiting"],
        overdue=counter["overdue"],
        answered_on_time=counter["on_time"],
        answered_late=counter["late"],
        median_days=round(statistics.median(days), 1) if days else None,
        open=open_count,
    )


def watch_stats(qs: QuerySet[Proposal], now: dt.datetime | None = None) -> WatchStats:
    """Statistics of passed proposals in `qs` (for the 來監督 page)."""
    now = now or clock.now()
    passed = list(qs.filter(passed_at__isnull=False).values(*_PASSED_FIELDS))
    return _stats_from(passed, qs.filter(state_q("open", now)).count(), now)


def watch_stats_by_agency(
    qs: QuerySet[Proposal], now: dt.datetime | None = None
) -> dict[int, WatchStats]:
    """`watch_stats` for every agency named by a passed proposal in `qs`, in two queries."""
    now = now or clock.now()
    passed_by_agency: dict[int, list[dict[str, Any]]] = {}
    for row in qs.filter(passed_at__isnull=False).values("agencies", *_PASSED_FIELDS):
        passed_by_agency.setdefault(row["agencies"], []).append(row)
    open_counts = dict(
        qs.filter(state_q("open", now), agencies__in=list(passed_by_agency))
        .values_list("agencies")
        .annotate(n=Count("id", distinct=True))
    )
    return {
        agency_id: _stats_from(rows, open_counts.get(agency_id, 0), now)
        for agency_id, rows in passed_by_agency.items()
        if agency_id is not None
    }


def network_bursts(
    *, since: dt.datetime, minimum: int, window: dt.timedelta
) -> list[dict[str, Any]]:
    """Bursts: at least `minimum` co-signatures on one proposal from one network within
    `window`, since `since`. Networks under `minimum` in the whole period are skipped in SQL;
    for the rest, the densest window is found from the timestamps (three queries in all)."""
    candidates = (
        Signature.objects.filter(created_at__gte=since)
        .exclude(network="")
        .values("network", "proposal_id")
        .annotate(n=Count("id"))
        .filter(n__gte=minimum)
        .order_by("-n")[:200]
    )
    candidates = list(candidates)
    pairs = {(c["network"], c["proposal_id"]): c["n"] for c in candidates}
    times_of: dict[tuple[str, int], list[dt.datetime]] = {pair: [] for pair in pairs}
    rows = (
        Signature.objects.filter(
            created_at__gte=since,
            network__in={network for network, _p in pairs},
            proposal_id__in={proposal for _n, proposal in pairs},
        )
        .order_by("created_at")
        .values_list("network", "proposal_id", "created_at")
    )
    for network, proposal_id, moment in rows:
        if (network, proposal_id) in times_of:
            times_of[(network, proposal_id)].append(moment)
    proposals = Proposal.objects.only("public_id", "title").in_bulk(
        {proposal for _n, proposal in pairs}
    )
    results = []
    for (network, proposal_id), times in times_of.items():
        best, best_start, left = 0, None, 0
        for right, moment in enumerate(times):
            while moment - times[left] > window:
                left += 1
            if right - left + 1 > best:
                best, best_start = right - left + 1, times[left]
        if best >= minimum:
            results.append(
                {
                    "network": network,
                    "proposal": proposals[proposal_id],
                    "total": pairs[(network, proposal_id)],
                    "burst": best,
                    "burst_start": best_start,
                }
            )
    results.sort(key=lambda r: -r["burst"])
    return results


def calendar():
    """The working-day calendar in force."""
    return calendar_for()


def public_export_queryset() -> QuerySet[Proposal]:
    """Every public proposal with its count and response, oldest first (for exports)."""
    return (
        with_counts(Proposal.objects.filter(status__in=(Status.PUBLISHED, Status.RESPONDED)))
        .select_related("proposer", "response__agency")
        .prefetch_related("agencies", "tags", "response__points")
        .order_by("published_at", "id")
    )


def signatures_for_export() -> QuerySet[Signature]:
    """Co-signature rows of public proposals, without the signer (to check every count)."""
    return (
        Signature.objects.filter(proposal__status__in=(Status.PUBLISHED, Status.RESPONDED))
        .values("id", "proposal__public_id", "created_at", "is_proposer")
        .order_by("id")
    )


def in_space(space: str) -> QuerySet[Proposal]:
    """The published proposals held in the participation space `space`."""
    return Proposal.objects.filter(space=space, published_at__isnull=False)


def space_participant_ids(space: str) -> QuerySet[Any]:
    """Ids of the people who proposed or co-signed a published proposal of a space."""
    return (
        Signature.objects.filter(proposal__space=space, proposal__published_at__isnull=False)
        .values_list("signer_id", flat=True)
        .distinct()
    )


def space_counts(spaces: list[str]) -> dict[str, int]:
    """Published proposals per participation space."""
    from django.db.models import Count

    rows = (
        Proposal.objects.filter(space__in=spaces, published_at__isnull=False)
        .values("space")
        .annotate(n=Count("id"))
    )
    return {row["space"]: row["n"] for row in rows}
