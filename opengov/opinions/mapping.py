"""Publishing opinion maps: the computation job's one write.

Apart from `services` so that the job (`tasks.recompute_map`), which services schedule, writes
through this module alone: services → tasks → mapping, never back.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import Max

from opengov.core import audit, clock

from . import math as opinion_math
from . import rules
from .models import Conversation, OpinionMap

__all__ = ["map_params", "map_recompute"]


def map_params(conversation: Conversation, previous: OpinionMap | None) -> opinion_math.Params:
    """The parameters of the next map: the profile's numbers and the previous map's k."""
    section = rules.section()
    return opinion_math.Params(
        min_votes=section.min_votes_to_place,
        max_groups=section.max_groups,
        previous_k=(previous.k or None) if previous else None,
    )


def map_recompute(*, conversation: Conversation) -> OpinionMap | None:
    """Compute and publish a new map from the current votes (a job; never in a request).

    Idempotent: when no vote, statement or ban changed the matrix since the latest map, nothing
    is written and the latest map is returned.
    """
    from .selectors import vote_matrix

    previous = conversation.maps.order_by("-version").first()
    matrix, last_vote_id, through = vote_matrix(conversation)
    sha = opinion_math.matrix_sha256(matrix)
    if previous is not None and previous.matrix_sha256 == sha:
        return previous
    params = map_params(conversation, previous)
    started = time.perf_counter()
    result = opinion_math.compute(matrix, seed=conversation.seed, params=params)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        version = (conversation.maps.aggregate(v=Max("version"))["v"] or 0) + 1
        published = OpinionMap.objects.create(
            conversation=conversation,
            version=version,
            computed_at=clock.now(),
            last_vote_id=last_vote_id,
            votes_through=through,
            matrix_sha256=result["matrix_sha256"],
            result_sha256=result["result_sha256"],
            seed=conversation.seed,
            params=params.as_dict(),
            result=result,
            k=result["k"],
            n_participants=result["n_participants"],
            n_placed=result["n_placed"],
            n_votes=result["n_votes"],
            seconds=round(seconds, 4),
        )
        audit.record(
            actor=None,
            verb="opinions.map_published",
            target=conversation,
            agency_code=conversation.agency_code,
            changes={
                "version": version,
                "matrix_sha256": published.matrix_sha256,
                "k": published.k,
            },
        )
    return published
