"""Reads of consultations. Stable for other apps: `consultation_comments()`,
`consultation_by_public_id()`, `consultation_articles()`, `consultation_report()`,
`decisions_visible()`, `visible_response()`.

What of the agency's handling of comments is public is decided here, once:
`decisions_visible()` (nothing of a decision before the report is published, except to the
officials preparing it) and `visible_response()`. Every output (pages, API, CSV, JSON, open
data, other apps' pages) asks them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet

from opengov.accounts.models import Agency
from opengov.core import clock
from opengov.core.search import text_search_q

from .models import Article, Comment, CommentReport, CommentResponse, Consultation, State
from .permissions import can_manage, visible_consultations

#: `consultation_comments(article=ANY_ARTICLE)`: every comment, whole text and articles alike.
ANY_ARTICLE = object()
WHOLE_TEXT = None


def state_q(state: str, moment: dt.datetime | None = None) -> Q:
    """A filter for consultations in a derived state at `moment` (now by default)."""
    moment = moment or clock.now()
    today = moment.astimezone(clock.local_zone()).date()
    published = Q(published_at__isnull=False, published_at__lte=moment)
    if state == State.OPEN:
        return published & Q(report_published_at__isnull=True, closes_on__gte=today)
    if state == State.CLOSED:
        return published & Q(report_published_at__isnull=True, closes_on__lt=today)
    if state == State.REPORTED:
        return Q(report_published_at__isnull=False)
    if state == State.DRAFT:
        return Q(published_at__isnull=True) | Q(published_at__gt=moment)
    raise ValueError(f"unknown state {state!r}")


#: At most this many whitespace-separated search terms are used (all must match).
MAX_SEARCH_TERMS = 5


def search_q(term: str) -> Q:
    """Consultations whose title, summary or legal basis contain `term` (any case).

    Through the index of migration 0003 (FTS5 trigram on SQLite, pg_trgm on PostgreSQL); an
    empty term matches nothing.
    """
    return text_search_q(
        term,
        table="consultations_consultation",
        fts_table="consultations_fts",
        columns=("title", "summary", "legal_basis"),
    )


def consultation_list(
    *,
    user: Any = None,
    state: str | None = None,
    agency_code: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    space: str | None = None,
) -> QuerySet[Consultation]:
    """Published consultations (and the user's own agency's drafts when state is draft).

    Search: up to 5 whitespace-separated terms, all of which must match. A term matches
    the title, summary or legal basis as a substring (indexed, see `search_q`), an agency
    name in either language, or an agency code exactly; so Chinese (which has no spaces)
    and English both work.
    """
    qs = visible_consultations(user)
    qs = qs.filter(state_q(state) if state else Q(published_at__isnull=False))
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        qs = qs.filter(agency__path__startswith=agency.path) if agency else qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if space == "national":
        qs = qs.filter(space="")
    elif space:
        qs = qs.filter(space=space)
    if q:
        for term in q.replace("\x00", "").split()[:MAX_SEARCH_TERMS]:
            qs = qs.filter(
                search_q(term)
                | Q(agency__name_zh_hant__icontains=term)
                | Q(agency__name_en__icontains=term)
                | Q(agency__code__iexact=term)
            )
    if state == State.OPEN:
        return qs.order_by("closes_on", "id")
    return qs.order_by("-published_at", "-id")


def consultation_by_public_id(public_id: Any, *, user: Any = None) -> Consultation | None:
    """The consultation `user` may see with this public id, or None."""
    try:
        return visible_consultations(user).filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed UUID
        return None


def consultation_articles(consultation: Consultation) -> QuerySet[Article]:
    """The articles in order (counts are stored on each row: one query)."""
    return Article.objects.filter(consultation=consultation).order_by("position")


def consultation_comments(
    consultation: Consultation,
    *,
    article: Any = ANY_ARTICLE,
    include_hidden: bool = True,
    newest_first: bool = False,
) -> QuerySet[Comment]:
    """Comments of a consultation, oldest first (or newest first).

    `article`: `ANY_ARTICLE` (default) for all, `WHOLE_TEXT` (None) for comments on the whole
    text, or an `Article`. Author, article and response come in the same query.
    """
    qs = Comment.objects.filter(consultation=consultation).select_related(
        "author", "article", "response"
    )
    if article is not ANY_ARTICLE:
        qs = qs.filter(article=article)
    if not include_hidden:
        qs = qs.filter(hidden_at__isnull=True)
    order = ["-created_at", "-id"] if newest_first else ["created_at", "id"]
    return qs.order_by(*order)


def comments_by_consultation(
    consultations: Iterable[Consultation], *, include_hidden: bool = True
) -> dict[int, list[Comment]]:
    """The comments of several consultations in one query, oldest first, by consultation id
    (author, article and response included)."""
    qs = Comment.objects.filter(consultation__in=list(consultations)).select_related(
        "author", "article", "response"
    )
    if not include_hidden:
        qs = qs.filter(hidden_at__isnull=True)
    grouped: dict[int, list[Comment]] = defaultdict(list)
    for comment in qs.order_by("created_at", "id"):
        grouped[comment.consultation_id].append(comment)
    return grouped


def decisions_visible(consultation: Consultation, viewer: Any = None) -> bool:
    """Whether `viewer` may see the agency's decisions and reasons on this consultation's
    comments: everyone once the report is published; before that only the officials of the
    owning agency, who are preparing it (`viewer=None`: the public, as in open data)."""
    if consultation.report_published_at is not None:
        return True
    return viewer is not None and can_manage(viewer, consultation)


def visible_response(comment: Comment, *, decisions: bool) -> CommentResponse | None:
    """The agency's response to `comment` if `decisions` (`decisions_visible()` for the
    consultation and the viewer, asked once per output) allows it, else None."""
    if comment.response_id is None or not decisions:
        return None
    return comment.response


def consultations_by_public_id(public_ids: Iterable[Any]) -> dict[str, Consultation]:
    """The public consultations with these public ids (malformed ids are skipped), by id."""
    wanted = []
    for value in public_ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    found = visible_consultations(None).filter(public_id__in=wanted)
    return {str(c.public_id): c for c in found}


def unhandled_comments(consultation: Consultation) -> QuerySet[Comment]:
    """Visible comments that have no decision yet."""
    return consultation_comments(consultation, include_hidden=False).filter(response__isnull=True)


@dataclass
class ReportSummary:
    """Counts of the report: comments per decision, handled and not."""

    total: int
    handled: int
    by_decision: dict[str, int]


def report_summary(consultation: Consultation) -> ReportSummary:
    """Comment counts per decision (visible comments only)."""
    rows = (
        Comment.objects.filter(consultation=consultation, hidden_at__isnull=True)
        .values("response__decision")
        .annotate(n=Count("id"))
    )
    by_decision: dict[str, int] = {}
    total = handled = 0
    for row in rows:
        total += row["n"]
        if row["response__decision"]:
            handled += row["n"]
            by_decision[row["response__decision"]] = row["n"]
    return ReportSummary(total=total, handled=handled, by_decision=by_decision)


def consultation_report(consultation: Consultation) -> QuerySet[CommentResponse]:
    """The responses with their comments (authors and articles prefetched)."""
    return (
        CommentResponse.objects.filter(consultation=consultation)
        .order_by("created_at", "id")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(hidden_at__isnull=True)
                .select_related("author", "article")
                .order_by("created_at", "id"),
            )
        )
    )


def participants(consultation: Consultation) -> QuerySet:
    """Everyone who commented (visible or not), for notices."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(consultation_comments__consultation=consultation).distinct()
    )


def reported_comments() -> QuerySet[Comment]:
    """Visible comments with open reports, most reported first (the moderators' queue)."""
    return (
        Comment.objects.filter(
            hidden_at__isnull=True, reports__resolved_at__isnull=True, report_count__gt=0
        )
        .select_related("author", "article", "consultation")
        .distinct()
        .order_by("-report_count", "created_at", "id")
    )


def open_reports(comment: Comment) -> QuerySet[CommentReport]:
    """Unresolved reports on a comment."""
    return comment.reports.filter(resolved_at__isnull=True).order_by("created_at", "id")


def in_space(space: str) -> QuerySet[Consultation]:
    """The published consultations held in the participation space `space`."""
    return Consultation.objects.filter(space=space, published_at__isnull=False).select_related(
        "agency"
    )


def space_participant_ids(space: str) -> QuerySet[Any]:
    """Ids of the people who commented on a published consultation of a space."""
    return (
        Comment.objects.filter(consultation__space=space, consultation__published_at__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
