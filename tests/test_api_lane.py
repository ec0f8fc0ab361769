"""Cookie-less API requests take a shorter middleware chain (opengov/core/handlers.py): the
same requests through it and through Django's full chain get the same answers."""

from __future__ import annotations

import json

import pytest
from django.core.handlers.wsgi import WSGIHandler

from opengov.accounts.services import token_create
from opengov.accounts.tests.factories import UserFactory
from opengov.core.handlers import OpenGovWSGIHandler
from opengov.core.tests.lanes import call, keeping_the_test_connection
from opengov.proposals import services as proposals
from opengov.proposals.tests.conftest import make_proposal

pytestmark = pytest.mark.django_db


def _call(handler, method: str, path: str, *, body: bytes = b"", **headers: str) -> dict:
    answer = call(handler, method, path, body=body, **headers)
    del answer["request_id"]
    return answer


@pytest.fixture
def handlers():
    """Both handlers, called directly (keeping the test's database connection)."""
    with keeping_the_test_connection():
        yield WSGIHandler(), OpenGovWSGIHandler()


@pytest.fixture
def published(agency, moderator):
    return proposals.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )


@pytest.fixture
def bearer(db):
    def make() -> str:
        user = UserFactory()
        return "Bearer " + token_create(actor=user, name="lane")[1]

    return make


def test_the_lane_serves_only_cookie_less_api_requests(handlers):
    _full, lane = handlers
    seen = []
    original = lane._api_lane.get_response
    lane._api_lane.get_response = lambda request: seen.append(request.path) or original(request)
    _call(lane, "GET", "/api/v1/proposals/")
    _call(lane, "GET", "/api/v1/proposals/", cookie="django_language=en")
    _call(lane, "GET", "/proposals/")
    assert seen == ["/api/v1/proposals/"]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/api/v1/proposals/", b"", {}),
        ("GET", "/api/v1/proposals/", b"", {"accept-language": "en"}),
        ("GET", "/api/v1/proposals/?page_size=abc", b"", {}),
        ("GET", "/api/v1/consultations/", b"", {}),
        ("GET", "/api/v1/nothing/here", b"", {}),
        ("DELETE", "/api/v1/proposals/", b"", {}),
        ("POST", "/api/v1/proposals/", b"{not json", {"authorization": "Bearer " + "x" * 40}),
        ("GET", "/api/v1/accounts/me", b"", {"authorization": "Bearer nope"}),
        ("GET", "/api/v1/openapi.json", b"", {}),
    ],
)
def test_both_chains_answer_alike(handlers, method, path, body, headers):
    full, lane = handlers
    assert _call(lane, method, path, body=body, **headers) == _call(
        full, method, path, body=body, **headers
    )


def test_signed_requests_answer_alike(handlers, bearer, published):
    full, lane = handlers
    for path, body in [
        ("/api/v1/accounts/me", b""),
        (f"/api/v1/proposals/{published.public_id}/cosign", b"{}"),
    ]:
        method = "POST" if body else "GET"
        by_full = _call(full, method, path, body=body, authorization=bearer())
        by_lane = _call(lane, method, path, body=body, authorization=bearer())
        assert by_lane["status"] == by_full["status"]
        assert by_lane["headers"].keys() == by_full["headers"].keys()
        assert json.loads(by_lane["body"]).keys() == json.loads(by_full["body"]).keys()


def test_an_anonymous_read_that_asks_who_is_there_varies_on_cookie(handlers, published):
    full, lane = handlers
    path = f"/api/v1/proposals/{published.public_id}"
    by_full, by_lane = _call(full, "GET", path), _call(lane, "GET", path)
    assert by_lane == by_full
    assert "Cookie" in by_lane["headers"].get("Vary", "")
