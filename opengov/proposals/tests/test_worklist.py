"""The official's worklist page (core) with the proposals' sources."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from opengov.core import worklist

pytestmark = pytest.mark.django_db


def test_answer_due_is_listed_for_the_agency_with_days_left_then_overdue(
    clock, passed, official, other_official, client_for
):
    due = passed.response_due.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    official_entries = worklist.entries_for(official)
    assert [e.item.url for e in official_entries] == [
        reverse("proposals:respond", args=[passed.public_id])
    ]
    assert official_entries[0].item.due == due
    assert official_entries[0].days_left == (due - clock.today()).days
    assert worklist.entries_for(other_official) == []

    page = client_for(official).get(reverse("worklist"))
    assert page.status_code == 200
    assert "&lt;script&gt;x&lt;/script&gt;增設自行車道" in page.content.decode()
    assert "<script>x</script>" not in page.content.decode()

    clock.set_to(passed.response_due + dt.timedelta(days=3))
    entry = worklist.entries_for(official)[0]
    assert entry.overdue and entry.overdue_days >= 3
    assert "逾期 3 日" in client_for(official).get(reverse("worklist")).content.decode()


def test_operators_see_reviews_and_answered_proposals_leave_the_list(
    submitted, passed, moderator, official
):
    urls = [e.item.url for e in worklist.entries_for(moderator)]
    assert reverse("proposals:review", args=[submitted.public_id]) in urls
    from opengov.proposals import services

    services.response_publish(
        actor=official,
        proposal=passed,
        summary="已研議",
        points=[{"position": "adopted", "explanation": "將於明年編列預算。"}],
    )
    assert worklist.entries_for(official) == []


def test_header_count_and_who_may_open_the_page(passed, people, client_for):
    anonymous = client_for(None).get(reverse("worklist"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for role in ("citizen", "other_official", "moderator", "admin"):
        page = client_for(people[role]).get(reverse("worklist"))
        assert page.status_code == 200
        assert "增設自行車道" not in page.content.decode()
    home = client_for(people["official"]).get("/").content.decode()
    assert f'href="{reverse("worklist")}"' in home
    assert (
        f'href="{reverse("worklist")}"'
        not in client_for(people["citizen"]).get("/").content.decode()
    )


def test_each_point_says_which_part_of_the_proposal_it_answers(passed, official, client_for):
    from opengov.core.errors import ServiceError
    from opengov.proposals import services

    page = client_for(official).get(reverse("proposals:respond", args=[passed.public_id]))
    body = page.content.decode()
    assert 'value="content:1"' in body and 'value="benefits"' in body
    assert "&lt;b&gt;內容&lt;/b&gt; 建議在市區增設自行車道。" in body  # the paragraph, escaped

    with pytest.raises(ServiceError) as refused:
        services.response_publish(
            actor=official,
            proposal=passed,
            summary="回應",
            points=[{"answers": "content:9", "position": "adopted", "explanation": "好"}],
        )
    assert refused.value.field == "points.0.answers"

    data = {
        "summary": "已研議",
        "points-TOTAL_FORMS": "2",
        "points-INITIAL_FORMS": "0",
        "points-0-answers": "content:1",
        "points-0-position": "adopted",
        "points-0-explanation": "將編列預算。",
        "points-1-answers": "benefits",
        "points-1-position": "under_study",
        "points-1-explanation": "效益評估中。",
    }
    posted = client_for(official).post(reverse("proposals:respond", args=[passed.public_id]), data)
    assert posted.status_code == 302
    detail = client_for(None).get(reverse("proposals:detail", args=[passed.public_id]))
    text = detail.content.decode()
    assert "Paragraph 1" in text or "第 1 段" in text
    api = client_for(None).get(f"/api/v1/proposals/{passed.public_id}").json()
    assert [p["answers"] for p in api["response"]["points"]] == ["content:1", "benefits"]


def test_open_data_says_when_the_proposals_data_last_changed(clock, published, client_for):
    """Registry datasets give the time their rows last changed, so validators hold between
    changes and move when a co-signature arrives or a window closes."""
    from opengov.accounts.tests.factories import UserFactory
    from opengov.proposals import services

    client = client_for(None)

    def show():
        return client.get("/api/3/action/package_show?id=proposals").json()["result"]

    first = show()["metadata_modified"]
    etag = client.get("/data/datasets/proposals/dcat.ttl")["ETag"]
    clock.advance(hours=1)
    assert show()["metadata_modified"] == first
    assert client.get("/data/datasets/proposals/dcat.ttl")["ETag"] == etag
    services.signature_create(actor=UserFactory(), proposal=published)
    signed = show()["metadata_modified"]
    assert signed > first
    assert client.get("/data/datasets/proposals/dcat.ttl")["ETag"] != etag
    clock.set_to(published.cosign_deadline + dt.timedelta(days=1))
    assert show()["metadata_modified"] > signed  # the window closed: its state changed
