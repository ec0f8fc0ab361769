"""The proposal page under a surge: cacheable for anonymous visitors, validated before the
work, work that does not grow with the count, comments paged, the count endpoint cheap."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opengov.accounts.tests.factories import UserFactory
from opengov.proposals import selectors, services
from opengov.proposals.views import COMMENTS_PER_PAGE

pytestmark = pytest.mark.django_db


def url(proposal, suffix=""):
    return f"/proposals/{proposal.public_id}/{suffix}"


def test_anonymous_page_sets_no_cookie_and_is_public(client, published):
    response = client.get(url(published))
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    control = response["Cache-Control"]
    assert control.startswith("public") and "s-maxage=" in control
    assert "stale-while-revalidate=" in control
    assert response["ETag"].startswith('W/"')


def test_anonymous_list_and_home_are_public_too(client, published):
    for path in ("/proposals/", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies, (path, response.cookies)
        assert response["Cache-Control"].startswith("public"), path


def test_signed_in_page_is_private_and_untagged(client_for, citizen, published):
    response = client_for(citizen).get(url(published))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")
    assert "csrfmiddlewaretoken" in response.content.decode()  # the co-sign form


def test_the_validator_answers_304_before_rendering(
    client, published, django_assert_max_num_queries
):
    first = client.get(url(published))
    with django_assert_max_num_queries(3):
        again = client.get(url(published), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"].startswith("public")
    services.signature_create(actor=UserFactory(), proposal=published)
    changed = client.get(url(published), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_language_switch_needs_no_token(client, published):
    response = client.post("/i18n/setlang/", {"language": "en", "next": url(published)})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def _page_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(proposal))
    assert response.status_code == 200
    return len(queries)


def test_page_queries_do_not_grow_with_signatures_or_comments(client, clock, settings, published):
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    services.comment_create(actor=UserFactory(), proposal=published, body="第一則")
    services.signature_create(actor=UserFactory(), proposal=published, reason="支持")
    few = _page_queries(client, published)
    authors = [UserFactory() for _ in range(3)]
    for day in range(3):
        clock.advance(days=1)
        for i in range(8):
            services.signature_create(
                actor=UserFactory(), proposal=published, reason="理由" if i % 2 else ""
            )
    for i in range(COMMENTS_PER_PAGE + 5):
        services.comment_create(actor=authors[i % 3], proposal=published, body=f"意見 {i}")
    many = _page_queries(client, published)
    assert many == few


def test_chart_reads_the_day_counters(client, clock, published):
    clock.advance(days=1)
    for _ in range(3):
        services.signature_create(actor=UserFactory(), proposal=published)
    clock.advance(days=2)
    services.signature_create(actor=UserFactory(), proposal=published)
    series = selectors.signatures_by_day(published)
    assert [n for _day, n, _total in series] == [1, 3, 1]
    assert series[-1][2] == selectors.signature_count(published) == 5
    days = [day for day, _n, _total in series]
    assert (days[1] - days[0]).days == 1 and (days[2] - days[1]).days == 2
    page = client.get(url(published)).content.decode()
    assert days[1].isoformat() in page


def test_comments_are_paged(client, settings, published):
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    author = UserFactory()
    for i in range(COMMENTS_PER_PAGE + 3):
        services.comment_create(actor=author, proposal=published, body=f"留言{i:03d}")
    first = client.get(url(published)).content.decode()
    assert "留言000" in first and f"留言{COMMENTS_PER_PAGE - 1:03d}" in first
    assert f"留言{COMMENTS_PER_PAGE:03d}" not in first
    assert 'rel="next"' in first
    second = client.get(url(published) + "?page=2").content.decode()
    assert f"留言{COMMENTS_PER_PAGE + 2:03d}" in second and "留言000" not in second
    assert client.get(url(published) + "?page=x").status_code == 200


def test_count_endpoint_revalidates_without_the_database(
    client, published, django_assert_num_queries
):
    api = f"/api/v1/proposals/{published.public_id}/count"
    first = client.get(api)
    assert first.status_code == 200
    assert "Accept-Language" not in first.get("Vary", "")
    with django_assert_num_queries(0):
        again = client.get(api, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    services.signature_create(actor=UserFactory(), proposal=published)
    fresh = client.get(api, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh.json()["signatures"] == 2


def test_count_endpoint_accepts_any_form_of_its_validator(client, published):
    """A cache may send the tag weak, or among others: `If-None-Match` compares weakly."""
    api = f"/api/v1/proposals/{published.public_id}/count"
    tag = client.get(api)["ETag"]
    for presented in (f"W/{tag}", f'"other", {tag}', "*"):
        assert client.get(api, HTTP_IF_NONE_MATCH=presented).status_code == 304, presented
    assert client.get(api, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_cosignatures_are_counted_for_metrics(published):
    from prometheus_client import REGISTRY

    before = REGISTRY.get_sample_value("opengov_cosignatures_total") or 0
    services.signature_create(actor=UserFactory(), proposal=published)
    assert REGISTRY.get_sample_value("opengov_cosignatures_total") == before + 1


def test_the_cosign_form_takes_its_token_when_used(client, client_for, citizen, published):
    page = client.get(url(published)).content.decode()
    assert f'href="{url(published, "cosign/")}"' in page
    anonymous = client.get(url(published, "cosign/"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    signed_in = client_for(citizen)
    form = signed_in.get(url(published, "cosign/"))
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in form.content.decode()
    assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    assert signed_in.post(url(published, "cosign/"), {"reason": "支持"}).status_code == 302
    again = signed_in.get(url(published, "cosign/")).content.decode()
    assert "csrfmiddlewaretoken" not in again.split('id="h-cosign"')[1]
    assert selectors.signature_count(published) == 2
