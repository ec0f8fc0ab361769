"""Deadline and state rules with an injected clock: working days, blackout, extension."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.core import clock as clock_module
from opengov.core.calendar import Calendar
from opengov.proposals import rules

TZ = clock_module.local_zone()
CAL = Calendar.of(holidays=[dt.date(2026, 4, 3), dt.date(2026, 4, 6)])


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def test_review_due_counts_working_days_from_the_next_day():
    # Thursday 2026-04-02; Fri 3 and Mon 6 are holidays: 7, 8, 9, 10, 13
    due = rules.review_due(at(2026, 4, 2, 15), CAL)
    assert due.date() == dt.date(2026, 4, 13)
    assert due == clock_module.end_of_local_day(dt.date(2026, 4, 13))


def test_review_period_follows_the_profile(profile):
    profile(proposals={"review_period": {"working_days": 1}})
    assert rules.review_due(at(2026, 4, 2, 15), CAL).date() == dt.date(2026, 4, 7)


def test_cosign_window_is_60_days_and_moves_off_a_rest_day():
    # published Monday 2026-03-02: day 60 is Friday 2026-05-01
    assert rules.cosign_deadline(at(2026, 3, 2, 10), CAL).date() == dt.date(2026, 5, 1)
    # published 2026-03-07 (Sat): day 60 is Wednesday 2026-05-06
    assert rules.cosign_deadline(at(2026, 3, 7, 10), CAL).date() == dt.date(2026, 5, 6)
    # published 2026-03-05: day 60 is Monday 2026-05-04... a holiday here moves it on
    cal = Calendar.of(holidays=[dt.date(2026, 5, 4)])
    assert rules.cosign_deadline(at(2026, 3, 5, 10), cal).date() == dt.date(2026, 5, 5)


def test_response_due_is_two_months_after_passing():
    assert rules.response_due(at(2026, 1, 31, 9), CAL).date() == dt.date(2026, 3, 31)
    assert rules.response_due(at(2026, 3, 10, 9), CAL, extended_to=dt.date(2026, 9, 1)).date() == (
        dt.date(2026, 9, 1)
    )


def test_state_derives_failed_and_overdue_from_the_clock():
    deadline = at(2026, 5, 1, 23, 59)
    kwargs = {"status": "published", "cosign_deadline": deadline, "response_due": None}
    assert rules.proposal_state(now=at(2026, 5, 1, 23), passed_at=None, **kwargs) == "open"
    assert rules.proposal_state(now=at(2026, 5, 2, 0, 1), passed_at=None, **kwargs) == "failed"
    passed_kwargs = {
        "status": "published",
        "cosign_deadline": deadline,
        "passed_at": at(2026, 4, 1, 9),
    }
    due = at(2026, 6, 1, 23, 59)
    assert (
        rules.proposal_state(now=at(2026, 6, 1, 12), response_due=due, **passed_kwargs)
        == "awaiting_response"
    )
    assert (
        rules.proposal_state(now=at(2026, 6, 2, 0, 1), response_due=due, **passed_kwargs)
        == "overdue"
    )
    assert (
        rules.proposal_state(
            status="responded",
            now=at(2030, 1, 1),
            cosign_deadline=deadline,
            passed_at=at(2026, 4, 1),
            response_due=due,
        )
        == "responded"
    )


def test_blackout_refuses_co_signing_inside_the_listed_period(profile):
    profile(
        proposals={
            "election_blackouts": [
                {"start": "2026-11-01", "end": "2026-11-28", "label": "地方選舉"}
            ]
        }
    )
    deadline = at(2026, 12, 31, 23, 59)
    inside = rules.cosign_refusal(state="open", now=at(2026, 11, 1, 0, 5), cosign_deadline=deadline)
    assert inside is not None and inside.code == "election_blackout"
    assert "地方選舉" in inside.message
    assert (
        rules.cosign_refusal(state="open", now=at(2026, 10, 31, 23), cosign_deadline=deadline)
        is None
    )
    assert (
        rules.cosign_refusal(state="open", now=at(2026, 11, 29, 0, 1), cosign_deadline=deadline)
        is None
    )


@pytest.mark.parametrize(
    ("state", "code"),
    [("rejected", "rejected"), ("under_review", "not_open"), ("submitted", "not_open")],
)
def test_cosign_refusal_names_the_reason(state, code):
    refusal = rules.cosign_refusal(state=state, now=at(2026, 1, 1), cosign_deadline=None)
    assert refusal.code == code


def test_window_closed_refusal_names_the_date():
    refusal = rules.cosign_refusal(
        state="failed", now=at(2026, 5, 2), cosign_deadline=at(2026, 5, 1, 23, 59)
    )
    assert refusal.code == "window_closed"
    assert "2026-05-01" in refusal.message


def test_extension_limits(profile):
    due = at(2026, 6, 1, 23, 59)
    assert (
        rules.extension_refusal(
            extensions_so_far=0, new_due=dt.date(2026, 8, 1), current_due=due, cal=CAL
        )
        is None
    )
    assert (
        rules.extension_refusal(
            extensions_so_far=1, new_due=dt.date(2026, 8, 1), current_due=due, cal=CAL
        ).code
        == "too_many_extensions"
    )
    assert (
        rules.extension_refusal(
            extensions_so_far=0, new_due=dt.date(2026, 6, 1), current_due=due, cal=CAL
        ).code
        == "not_later"
    )
    assert (
        rules.extension_refusal(
            extensions_so_far=0, new_due=dt.date(2027, 1, 5), current_due=due, cal=CAL
        ).code
        == "too_long"
    )
    profile(proposals={"max_extensions": 2})
    assert (
        rules.extension_refusal(
            extensions_so_far=1, new_due=dt.date(2026, 8, 1), current_due=due, cal=CAL
        )
        is None
    )


def test_comment_edit_window(profile):
    posted = at(2026, 1, 1, 10)
    assert rules.comment_editable(posted, posted + dt.timedelta(minutes=15))
    assert not rules.comment_editable(posted, posted + dt.timedelta(minutes=15, seconds=1))
    profile(proposals={"comment_edit_minutes": 30})
    assert rules.comment_editable(posted, posted + dt.timedelta(minutes=20))


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**5))
def test_progress_and_threshold_agree(count, threshold):
    percent = rules.progress_percent(count, threshold)
    assert 0 <= percent <= 100
    assert (percent == 100) == (count >= threshold)
    assert rules.threshold_reached(count, threshold) == (count >= threshold)
