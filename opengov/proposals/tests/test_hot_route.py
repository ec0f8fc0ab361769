"""Co-signing's hot route (core/hotpath.py) answers exactly as the ordinary API lane does:
each case runs once on a server handler with hot routes and once on one without, each on a
proposal and signer of its own, and the answers must be the same in status, every header and
body (the proposal's identifier aside). Requests the hot route does not take are left to
the ordinary lane before anything changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from opengov.accounts.services import token_create
from opengov.accounts.tests.factories import UserFactory
from opengov.core.tests.lanes import call, hot_and_ordinary, keeping_the_test_connection
from opengov.proposals import services
from opengov.proposals.models import Signature
from opengov.proposals.tests.conftest import make_proposal

pytestmark = pytest.mark.django_db

RATE_LIMITS = {"cosign": {"window_seconds": 3600, "per_address": 2}}


def _bearer(**user: object) -> str:
    return "Bearer " + token_create(actor=UserFactory(**user), name="hot")[1]


def _case(name: str, handler, proposal, clock) -> dict:
    """Run case `name` against `handler` on `proposal`; the last answer, normalised."""
    cache.clear()  # the rate limits' counts
    path = f"/api/v1/proposals/{proposal.public_id}/cosign"
    json_body = b"{}"
    headers: dict[str, str] = {"authorization": _bearer()}
    if name == "no body":
        json_body = b""
    elif name == "a reason":
        json_body = '{"reason": "支持，因為安全"}'.encode()
    elif name == "in English":
        headers["accept_language"] = "en"
    elif name == "a language not offered":
        headers["accept_language"] = "fr-CA,fr;q=0.9,*;q=0.1"
    elif name == "twice":
        call(handler, "POST", path, body=json_body, **headers)
    elif name == "not verified":
        headers["authorization"] = _bearer(phone_verified=False)
    elif name == "window closed":
        clock.advance(days=400)
    elif name == "rate limited":
        for _ in range(2):
            call(handler, "POST", path, body=json_body, authorization=_bearer())
    elif name == "request id given":
        headers["x_request_id"] = "proxy-given-id-42"
    elif name == "unknown token":
        headers["authorization"] = "Bearer " + "x" * 43
    elif name == "no token":
        del headers["authorization"]
    elif name == "reason not text":
        json_body = b'{"reason": 5}'
    elif name == "reason too long":
        json_body = ('{"reason": "%s"}' % ("字" * 1001)).encode()
    elif name == "NUL in reason":
        json_body = b'{"reason": "a\\u0000b"}'
    elif name == "body not an object":
        json_body = b'["x"]'
    elif name == "body not JSON":
        json_body = b"{reason"
    elif name == "another field":
        json_body = b'{"reason": "x", "extra": 1}'
    elif name == "not a proposal id":
        path = "/api/v1/proposals/123/cosign"
    elif name == "a draft":
        proposal = make_proposal(UserFactory(), proposal.agencies.first(), submit=False)
        path = f"/api/v1/proposals/{proposal.public_id}/cosign"
    elif name == "with a cookie":
        headers["cookie"] = "django_language=en"
    elif name == "a host not allowed":
        headers["host"] = "elsewhere.example"
    query = "x=%00" if name == "a NUL in the query" else ""
    answer = call(handler, "POST", path, body=json_body, query=query, **headers)
    answer["body"] = answer["body"].replace(str(proposal.public_id).encode(), b"<proposal>")
    return answer


HOT = [
    "an empty object",
    "no body",
    "a reason",
    "in English",
    "a language not offered",
    "twice",
    "not verified",
    "window closed",
    "rate limited",
    "request id given",
    "another field",
    "not a proposal id",
    "a draft",
]
ORDINARY = [
    "unknown token",
    "no token",
    "reason not text",
    "reason too long",
    "NUL in reason",
    "body not an object",
    "body not JSON",
    "with a cookie",
    "a host not allowed",
    "a NUL in the query",
]


@pytest.fixture
def handlers(settings):
    settings.OPENGOV_RATE_LIMITS_ENABLED = True
    settings.OPENGOV_RATE_LIMITS = {**settings.OPENGOV_RATE_LIMITS, **RATE_LIMITS}
    with keeping_the_test_connection():
        yield hot_and_ordinary()


@pytest.mark.parametrize("name", HOT + ORDINARY)
def test_the_hot_route_answers_as_the_ordinary_lane(handlers, name, agency, moderator, clock):
    hot, ordinary, served = handlers
    start = clock.set(2026, 5, 4, 10)
    answers = []
    for handler in (hot, ordinary):
        clock.set_to(start)
        proposal = services.proposal_publish(
            actor=moderator, proposal=make_proposal(UserFactory(), agency)
        )
        answers.append(_case(name, handler, proposal, clock))
    by_hot, by_ordinary = answers
    assert by_hot == {**by_ordinary, "request_id": by_hot["request_id"]}
    assert bool(served) == (name in HOT)
    if name == "request id given":
        assert by_hot["request_id"] == by_ordinary["request_id"] == "proxy-given-id-42"


def test_the_expected_answers(handlers, agency, moderator, clock):
    """What the comparison above compares: the answers themselves."""
    hot, _ordinary, served = handlers
    clock.set(2026, 5, 4, 10)
    proposal = services.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    answers = {
        name: _case(name, hot, proposal, clock)
        for name in ("an empty object", "twice", "not verified", "rate limited")
    }
    assert answers["an empty object"]["status"].startswith("201")
    assert b'"signatures": 2' in answers["an empty object"]["body"]
    assert answers["twice"]["status"].startswith("409")
    assert b"already_signed" in answers["twice"]["body"]
    assert answers["not verified"]["status"].startswith("403")
    assert answers["rate limited"]["status"].startswith("429")
    assert "Retry-After" in answers["rate limited"]["headers"]
    headers = answers["an empty object"]["headers"]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Content-Language"] == "zh-hant"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers
    assert len(served) == 7  # the earlier requests of "twice" and "rate limited" too
    # one signature per person, recorded once: proposer, "an empty object", "twice", and the
    # two of "rate limited" before it was refused
    assert Signature.objects.filter(proposal=proposal).count() == 5


def test_https_is_required_alike(settings, agency, moderator):
    settings.SECURE_SSL_REDIRECT = True
    with keeping_the_test_connection():
        hot, ordinary, served = hot_and_ordinary()
        proposal = services.proposal_publish(
            actor=moderator, proposal=make_proposal(UserFactory(), agency)
        )
        path = f"/api/v1/proposals/{proposal.public_id}/cosign"
        by_hot = call(hot, "POST", path, body=b"{}", authorization=_bearer())
        by_ordinary = call(ordinary, "POST", path, body=b"{}", authorization=_bearer())
    assert by_hot["status"].startswith("301")
    assert {**by_hot, "request_id": None} == {**by_ordinary, "request_id": None}
    assert not served


def test_a_window_closing_between_the_read_and_the_write_is_refused(
    handlers, agency, moderator, clock
):
    """The hot route's proposal row may be the process's copy; the signing statement reads
    the stored one."""
    hot, _ordinary, _served = handlers
    clock.set(2026, 5, 4, 10)
    proposal = services.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    path = f"/api/v1/proposals/{proposal.public_id}/cosign"
    assert call(hot, "POST", path, body=b"{}", authorization=_bearer())["status"][:3] == "201"
    cache.clear()
    type(proposal).objects.filter(pk=proposal.pk).update(
        cosign_deadline=proposal.cosign_deadline - dt.timedelta(days=365)
    )
    answer = call(hot, "POST", path, body=b"{}", authorization=_bearer())
    assert answer["status"].startswith("409")
