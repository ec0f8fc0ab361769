"""Rules of opinion mapping as pure functions; every number comes from the profile.

Sources: `opengov.core.jurisdiction.OpinionRules` (Polis practice as vTaiwan used it: short
statements, min(7, statements) votes to be placed, 2 to 5 groups) and, for moderation, the
published grounds of 公共政策網路參與實施要點 that also apply to comments
(`ConsultationRules.moderation_grounds`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from opengov.core.jurisdiction import OpinionRules, jurisdiction


def section() -> OpinionRules:
    """The opinion-mapping rules in force."""
    return jurisdiction().opinions


def statement_max_chars() -> int:
    """Longest statement accepted (Polis practice: 140 characters)."""
    return section().statement_max_chars


def required_level() -> str:
    """Verification level a person needs to vote or add a statement."""
    return section().required_level


def moderation_grounds() -> tuple[str, ...]:
    """Published grounds on which a moderator rejects a statement or bans a participant: the
    same as for comments (公共政策網路參與實施要點)."""
    return jurisdiction().consultations.moderation_grounds


def votes_to_place(n_statements: int) -> int:
    """Polis: a participant is placed on the map after min(7, statements) votes."""
    return min(section().min_votes_to_place, n_statements)


@dataclass(frozen=True)
class Candidate:
    """A statement the participant has not voted on: its number, its current votes and how
    much it splits the groups of the latest map (0 to 1: the largest minus the smallest share
    of a group that agrees)."""

    number: int
    votes: int
    division: float = 0.0


def priority(candidate: Candidate) -> float:
    """Weight of a statement in the order: prefers statements with few votes (so every
    statement gets seen) and statements that split the groups (they place people best)."""
    return (1.0 + 2.0 * candidate.division) / (1.0 + candidate.votes) ** 0.5


def order_seed(seed: int, pseudonym: str, votes_cast: int) -> int:
    """The seed of one participant's draw: the conversation's seed, who, and how many votes
    they have cast, so the order is reproducible and changes as they vote."""
    digest = hashlib.sha256(f"{seed}:{pseudonym}:{votes_cast}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def statement_order(candidates: Sequence[Candidate], seed: int) -> list[int]:
    """The candidates' numbers in the order they are offered: a weighted random order without
    replacement (Efraimidis–Spirakis: key = u ** (1 / weight), largest first), drawn with
    `seed`; the same seed gives the same order."""
    if not candidates:
        return []
    rng = np.random.default_rng(seed)
    u = rng.random(len(candidates))
    weights = np.array([priority(c) for c in candidates])
    keys = np.log(u) / weights  # log of u ** (1 / w): same order, no underflow
    numbers = np.array([c.number for c in candidates])
    order = np.lexsort((numbers, -keys))
    return [int(numbers[i]) for i in order]


def pseudonym(key: str, conversation_id: str, user_id: int) -> str:
    """The participant's id in published data: a keyed hash (HMAC-SHA-256 under `key`) of the
    conversation and the person, so ids cannot be linked across conversations or reversed."""
    import hmac

    message = f"opinions:{conversation_id}:{user_id}".encode()
    return hmac.new(key.encode(), message, "sha256").hexdigest()[:16]
