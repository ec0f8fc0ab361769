"""Legal rules of consultations as pure functions; every number comes from the profile.

Sources: Administrative Procedure Act Art. 154 (pre-announcement of draft regulations: agency,
legal basis, the draft, where and until when comments are taken); Executive Yuan practice
since January 2017 (at least 60 days for draft regulations); Art. 48 (how periods are
counted). See `opengov.core.jurisdiction.ConsultationRules` for the values in force.
"""

from __future__ import annotations

import datetime as dt

from opengov.core.calendar import Calendar, period_last_day
from opengov.core.jurisdiction import ConsultationRules, Period, jurisdiction


def section() -> ConsultationRules:
    """The consultation rules in force."""
    return jurisdiction().consultations


def min_period(kind: str) -> Period:
    """The shortest comment period for `kind` (draft regulations: Art. 154 practice, 60 days)."""
    rules = section()
    if kind == "draft_regulation":
        return rules.draft_regulation_min_period
    return rules.policy_min_period


def earliest_last_day(kind: str, published_on: dt.date, cal: Calendar) -> dt.date:
    """The earliest allowed last day for comments when published on `published_on`.

    Art. 48: the period starts the day after publication; a last day on a rest day moves to
    the next working day, which only lengthens the period in the public's favour.
    """
    return period_last_day(published_on, min_period(kind), cal)


def period_is_long_enough(
    kind: str, published_on: dt.date, closes_on: dt.date, cal: Calendar
) -> bool:
    """True when a consultation published on `published_on` may close on `closes_on`."""
    return closes_on >= earliest_last_day(kind, published_on, cal)


def foreign_residents_allowed(topic: str) -> bool:
    """Executive Yuan practice: foreign residents may comment on trade, investment, IP drafts."""
    return topic in section().foreign_resident_topics


def nationality_refusal(residency: str, foreign_residents_invited: bool) -> str | None:
    """Why a person may not comment, from what they stated about their nationality.

    Nationals comment on every consultation, foreign residents only where invited; a person
    who has stated nothing is asked to. None when they may comment (or the profile does not
    restrict who comments).
    """
    if not section().comment_requires_nationality or residency == "national":
        return None
    if residency == "foreign_resident":
        return None if foreign_residents_invited else "foreign_residents_not_invited"
    return "nationality_not_stated"


def comment_editable(created_at: dt.datetime, moment: dt.datetime) -> bool:
    """Platform policy: a comment may be edited for the profile's minutes after posting."""
    return moment - created_at <= dt.timedelta(minutes=section().comment_edit_minutes)


def comment_edit_deadline(created_at: dt.datetime) -> dt.datetime:
    """The last moment a comment can be edited."""
    return created_at + dt.timedelta(minutes=section().comment_edit_minutes)


def comment_level() -> str:
    """Verification level a person needs to comment (issue #4: e-mail at least)."""
    return section().comment_required_level


def moderation_grounds() -> tuple[str, ...]:
    """Published grounds on which a moderator may hide a comment."""
    return section().moderation_grounds


def comment_max_chars() -> int:
    """Longest comment accepted."""
    return section().comment_max_chars


def import_max_bytes() -> int:
    """Largest draft file accepted for import."""
    return section().import_max_bytes
