"""Hot routes (core/hotpath.py): when they serve, and what they record."""

from __future__ import annotations

import logging

import pytest
from django.core.signals import request_finished
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from opengov.accounts.services import token_create
from opengov.accounts.tests.factories import UserFactory
from opengov.core import hotpath, metrics
from opengov.core.handlers import OpenGovWSGIHandler
from opengov.core.tests.lanes import (
    call,
    environ,
    hot_and_ordinary,
    keeping_the_test_connection,
)
from opengov.proposals import services as proposals
from opengov.proposals.tests.conftest import make_proposal

pytestmark = pytest.mark.django_db


def test_hot_routes_serve_only_under_the_chain_they_mirror(settings, caplog):
    assert hotpath.HotRoutes().routes  # the platform's own chain
    settings.API_MIDDLEWARE = [*settings.API_MIDDLEWARE, "a.site.Middleware"]
    with caplog.at_level(logging.WARNING, logger="opengov.core.hotpath"):
        assert hotpath.HotRoutes().routes == {}
    assert "not the chain they mirror" in caplog.text


def test_hot_routes_serve_with_the_request_metrics_off(settings):
    settings.API_MIDDLEWARE = settings.API_MIDDLEWARE[1:]
    routes = hotpath.HotRoutes()
    assert routes.routes and not routes.metrics


def test_hot_routes_can_be_turned_off():
    with override_settings(HOT_ROUTES_ENABLED=False):
        assert hotpath.HotRoutes().routes == {}


def test_a_route_s_example_must_match_its_pattern():
    with pytest.raises(ValueError, match="does not match"):
        hotpath.hot_route("POST", r"/api/v1/x/(?P<id>\d+)", example="/api/v1/x/y")(
            lambda request, body, id: None
        )


def test_the_bearer_token_is_read_as_ninja_reads_it(rf):
    assert hotpath.bearer_token(rf.post("/", HTTP_AUTHORIZATION="Bearer abc")) == "abc"
    assert hotpath.bearer_token(rf.post("/", HTTP_AUTHORIZATION="bearer abc")) == "abc"
    assert hotpath.bearer_token(rf.post("/", HTTP_AUTHORIZATION="Basic abc")) is None
    assert hotpath.bearer_token(rf.post("/", HTTP_AUTHORIZATION="Bearer")) is None
    assert hotpath.bearer_token(rf.post("/")) is None


def test_requests_are_counted_under_the_operation_s_route_on_both_lanes(agency, moderator):
    proposal = proposals.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    path = f"/api/v1/proposals/{proposal.public_id}/cosign"
    key = ("api/v1/proposals/<public_id>/cosign", "POST", 201)

    with keeping_the_test_connection():
        hot, ordinary, served = hot_and_ordinary()
        for handler in (hot, ordinary):
            before = _count(key)
            bearer = "Bearer " + token_create(actor=UserFactory(), name="m")[1]
            assert call(handler, "POST", path, body=b"{}", authorization=bearer)["status"][:3] == (
                "201"
            )
            assert _count(key) == before + 1
    assert served == [path]


def _count(key: tuple[str, str, int]) -> float:
    for metric in metrics.REQUESTS.collect():
        for sample in metric.samples:
            labels = sample.labels
            if sample.name.endswith("_count") and (
                labels.get("route"),
                labels.get("method"),
                labels.get("status"),
            ) == (key[0], key[1], str(key[2])):
                return sample.value
    return 0.0


def test_a_server_handler_loads_its_hot_routes_at_start():
    handler = OpenGovWSGIHandler()
    assert handler._hot_routes is not None
    assert {route.example for route, _label in handler._hot_routes.routes["POST"]} == {
        "/api/v1/proposals/00000000-0000-0000-0000-000000000000/cosign",
        "/api/v1/opinions/00000000-0000-0000-0000-000000000000/votes",
    }


def test_the_server_handler_hands_an_answer_in_memory_over_as_a_list_and_ends_the_request():
    """The body of an ordinary response goes to the server in one piece, after Django's end
    of the request has run; a streamed one is left to the server to iterate and close."""
    finished: list[object] = []

    def note(**_kwargs: object) -> None:
        finished.append(True)

    request_finished.connect(note)
    try:
        with keeping_the_test_connection():
            handler = OpenGovWSGIHandler()
            statuses: list[str] = []
            answer = handler(environ("GET", "/healthz"), lambda s, h: statuses.append(s))
            assert isinstance(answer, list) and len(answer) == 1
            assert statuses and statuses[0].startswith("200") and finished == [True]
            streamed = handler(environ("GET", "/api/v1/proposals/export.csv"), lambda s, h: None)
            assert not isinstance(streamed, list) and len(finished) == 1
            b"".join(streamed)
            streamed.close()
            assert len(finished) == 2
    finally:
        request_finished.disconnect(note)


def test_a_hot_route_reads_only_the_person_s_columns_it_needs(agency, moderator):
    """The hot routes load the signer with `HOT_USER_FIELDS` only: what co-signing reads of
    the person is among them, so no deferred column is fetched on the way."""
    proposal = proposals.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    bearer = "Bearer " + token_create(actor=UserFactory(), name="t")[1]
    path = f"/api/v1/proposals/{proposal.public_id}/cosign"
    with keeping_the_test_connection():
        hot, _ordinary, served = hot_and_ordinary()
        with CaptureQueriesContext(connection) as queries:
            answer = call(hot, "POST", path, body=b"{}", authorization=bearer)
    assert answer["status"].startswith("201") and served == [path]
    person_reads = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and '"accounts_user"' in q["sql"]
        and '"accounts_apitoken"' not in q["sql"]
    ]
    assert person_reads == []
