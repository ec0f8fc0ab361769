"""Open data of opinion mapping: the anonymised vote history, the statements (with the agency's
responses to consensus statements) and every computed map. Participants appear only by their
per-conversation pseudonym; banned participants' votes are left out, as they are from the map.

To recompute a map: take the `opinion-votes` rows of its conversation with `sequence` up to the
map's `votes_through`, keep each participant's last vote per statement (the largest sequence),
restrict to the statements listed in the map, and run `opengov.opinions.math.compute` with the
map's `params` and `seed` (see `docs/opinions.md`); the matrix's SHA-256 must match.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, register


def public_conversation_ids() -> list[int]:
    """Conversations on published consultations (drafts' conversations are not published)."""
    from opengov.consultations.selectors import consultations_by_public_id

    from .models import Conversation

    rows = list(Conversation.objects.values_list("pk", "consultation_public_id"))
    public = consultations_by_public_id({str(c) for _, c in rows})
    return [pk for pk, c in rows if str(c) in public]


def vote_rows_queryset(conversation_ids: list[int] | None = None) -> Any:
    """The published vote history: (conversation, sequence, participant, statement, vote)."""
    from .models import StatementStatus, Vote

    ids = public_conversation_ids() if conversation_ids is None else conversation_ids
    return (
        Vote.objects.filter(
            conversation_id__in=ids,
            participant__banned_at__isnull=True,
            statement__status=StatementStatus.ACCEPTED,
        )
        .order_by("id")
        .values_list(
            "conversation__public_id", "id", "participant__pseudonym", "statement__number", "value"
        )
    )


def _vote_tuples(names: Sequence[str]) -> Iterator[Sequence[Any]]:
    for conversation, seq, participant, statement, value in vote_rows_queryset().iterator(
        chunk_size=5000
    ):
        yield (str(conversation), seq, participant, statement, value)


def _statement_rows() -> Iterator[dict[str, Any]]:
    from .models import ConsensusResponse, Statement, StatementStatus

    responses = {r.statement_id: r for r in ConsensusResponse.objects.all()}
    qs = (
        Statement.objects.filter(conversation_id__in=public_conversation_ids())
        .exclude(status=StatementStatus.PENDING)
        .select_related("conversation")
        .order_by("conversation_id", "number")
    )
    for s in qs.iterator(chunk_size=2000):
        shown = s.status == StatementStatus.ACCEPTED
        response = responses.get(s.pk)
        yield {
            "conversation_id": str(s.conversation.public_id),
            "consultation_id": str(s.conversation.consultation_public_id),
            "article_position": s.conversation.article_position,
            "statement": s.number,
            "text": s.text if shown else "",
            "from_agency": s.is_seed,
            "status": s.status,
            "ground": s.ground,
            "agrees": s.agree_count,
            "disagrees": s.disagree_count,
            "passes": s.pass_count,
            "response_decision": response.decision if response else None,
            "response_reason": response.reason if response else None,
            "author": s.author_id,
        }


def map_row(m: Any) -> dict[str, Any]:
    """One published map as an open-data row."""
    return {
        "conversation_id": str(m.conversation.public_id),
        "consultation_id": str(m.conversation.consultation_public_id),
        "version": m.version,
        "computed_at": m.computed_at,
        "votes_through": m.votes_through,
        "matrix_sha256": m.matrix_sha256,
        "result_sha256": m.result_sha256,
        "seed": m.seed,
        "params": m.params,
        "groups": m.k,
        "participants": m.n_participants,
        "placed": m.n_placed,
        "votes": m.n_votes,
        "result": m.result,
    }


def _map_rows() -> Iterator[dict[str, Any]]:
    from .models import OpinionMap

    qs = (
        OpinionMap.objects.filter(conversation_id__in=public_conversation_ids())
        .select_related("conversation")
        .order_by("conversation_id", "version")
    )
    for m in qs.iterator(chunk_size=20):
        yield map_row(m)


CONVERSATION = ExportField("conversation_id", "string", _("Public identifier of the conversation"))

register(
    Exporter(
        slug="opinion-votes",
        app_label="opinions",
        title=_("Opinion mapping: anonymised vote history"),
        description=_(
            "Every vote on the statements of opinion mapping in consultations, in order: a "
            "changed vote is a later row for the same participant and statement. Participants "
            "are per-conversation pseudonyms (keyed hashes); banned participants are left out. "
            "Any published map can be recomputed from these rows."
        ),
        fields=(
            CONVERSATION,
            ExportField("sequence", "integer", _("Order of the vote (a later row replaces)")),
            ExportField("participant", "string", _("Pseudonym of the participant")),
            ExportField("statement", "integer", _("Number of the statement")),
            ExportField("vote", "integer", _("1 agree, -1 disagree, 0 pass")),
        ),
        rows=lambda: (
            dict(
                zip(
                    ("conversation_id", "sequence", "participant", "statement", "vote"),
                    t,
                    strict=True,
                )
            )
            for t in _vote_tuples(())
        ),
        tuples=_vote_tuples,
        keywords=("opinion mapping", "polis", "consultation"),
    )
)

register(
    Exporter(
        slug="opinion-statements",
        app_label="opinions",
        title=_("Opinion mapping: statements and responses"),
        description=_(
            "The statements of opinion mapping with their vote counts; statements not shown "
            "keep their number and moderation ground but not their text. Consensus statements "
            "carry the agency's decision and reason."
        ),
        fields=(
            CONVERSATION,
            ExportField("consultation_id", "string", _("Public identifier of the consultation")),
            ExportField("article_position", "integer", _("Article, when on one article")),
            ExportField("statement", "integer", _("Number of the statement")),
            ExportField("text", "string", _("Statement")),
            ExportField("from_agency", "boolean", _("Seed statement from the agency")),
            ExportField("status", "string", _("accepted or rejected")),
            ExportField("ground", "string", _("Moderation ground when rejected")),
            ExportField("agrees", "integer", _("Agree votes")),
            ExportField("disagrees", "integer", _("Disagree votes")),
            ExportField("passes", "integer", _("Pass votes")),
            ExportField(
                "response_decision", "string", _("Agency's decision on a consensus statement")
            ),
            ExportField("response_reason", "string", _("Agency's reason")),
            ExportField("author", "integer", _("Author account"), personal=True),
        ),
        rows=_statement_rows,
        keywords=("opinion mapping", "consultation"),
    )
)

register(
    Exporter(
        slug="opinion-maps",
        app_label="opinions",
        title=_("Opinion mapping: computed maps"),
        description=_(
            "Every published opinion map: the SHA-256 of its vote matrix, the parameters, the "
            "seed, the last vote counted, and the result (positions of placed participants by "
            "pseudonym, groups with representative statements and stability, consensus "
            "statements with their intervals)."
        ),
        fields=(
            CONVERSATION,
            ExportField("consultation_id", "string", _("Public identifier of the consultation")),
            ExportField("version", "integer", _("Version of the map")),
            ExportField("computed_at", "datetime", _("When computed")),
            ExportField("votes_through", "integer", _("Last vote sequence counted")),
            ExportField("matrix_sha256", "string", _("SHA-256 of the canonical vote matrix")),
            ExportField("result_sha256", "string", _("SHA-256 of the result")),
            ExportField("seed", "integer", _("Random seed")),
            ExportField("params", "object", _("Parameters")),
            ExportField("groups", "integer", _("Number of groups")),
            ExportField("participants", "integer", _("Participants with votes")),
            ExportField("placed", "integer", _("Participants placed on the map")),
            ExportField("votes", "integer", _("Votes in the matrix")),
            ExportField("result", "object", _("The computed map")),
        ),
        rows=_map_rows,
        update_frequency="continuous",
        keywords=("opinion mapping", "consultation"),
    )
)
