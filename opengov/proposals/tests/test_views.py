"""Pages: escaping, forms with field errors, the permission matrix on every write page."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.proposals import selectors, services
from opengov.proposals.models import Comment, Extension, Feedback, Proposal, Response, Status

pytestmark = pytest.mark.django_db


def url(proposal, suffix=""):
    return f"/proposals/{proposal.public_id}/{suffix}"


def test_list_escapes_and_filters(client, published):
    page = client.get("/proposals/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;增設自行車道" in page
    assert "<script>x</script>" not in page
    assert client.get("/proposals/?q=自行車道&state=open&sort=most_signed").status_code == 200
    assert "增設自行車道" not in client.get("/proposals/?state=failed").content.decode()
    assert client.get("/proposals/?since=not-a-date").status_code == 200


def test_detail_shows_progress_deadline_chart_and_escapes(client, published):
    page = client.get(url(published)).content.decode()
    assert 'max="5000" value="1"' in page
    assert "<svg" in page and "<title" in page
    assert "&lt;b&gt;內容&lt;/b&gt;" in page
    assert "<script>alert" not in page


def test_drafts_are_hidden_from_others(client_for, submitted, citizen):
    assert client_for(citizen).get(url(submitted)).status_code == 404
    assert client_for(submitted.proposer).get(url(submitted)).status_code == 200


def test_propose_page_draft_then_submit(client_for, citizen, agency):
    client = client_for(citizen)
    assert client.get("/proposals/new/").status_code == 200
    data = {
        "title": "<script>x</script>",
        "content": "",
        "benefits": "",
        "agencies": [agency.code],
        "tags": "交通, 環境",
        "evidence_links": "https://example.org/a",
        "save": "1",
    }
    response = client.post("/proposals/new/", data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(proposer=citizen)
    assert proposal.status == Status.DRAFT
    # submitting with a too-short body field fails with the error next to the field
    data.update({"submit": "1", "title": "abc"})
    data.pop("save")
    response = client.post(url(proposal, "edit/"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT
    data.update({"title": "增設自行車道路網", "content": "內容", "benefits": "好處"})
    response = client.post(url(proposal, "edit/"), data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert sorted(proposal.tags.values_list("name", flat=True)) == sorted(["交通", "環境"])
    assert "增設自行車道路網" in client.get("/proposals/mine/").content.decode()


def test_oversized_input_gets_a_field_error(client_for, citizen, agency):
    response = client_for(citizen).post(
        "/proposals/new/",
        {"title": "x" * 200, "agencies": [agency.code], "save": "1"},
    )
    assert response.status_code == 400
    assert Proposal.objects.count() == 0


def test_cosign_page_once_then_says_when(client_for, citizen, published):
    client = client_for(citizen)
    response = client.post(url(published, "cosign/"), {"reason": "<script>y</script>支持"})
    assert response.status_code == 302
    page = client.get(url(published)).content.decode()
    assert "&lt;script&gt;y&lt;/script&gt;支持" in page
    again = client.post(url(published, "cosign/"), {})
    assert again.status_code == 400
    assert selectors.signature_count(published) == 2


def test_cosign_page_closed_says_why(client_for, clock, published):
    clock.set_to(published.cosign_deadline + dt.timedelta(minutes=1))
    client = client_for(UserFactory())
    page = client.get(url(published)).content.decode()
    assert published.cosign_deadline.date().isoformat() in page
    assert client.post(url(published, "cosign/"), {}).status_code == 400
    assert selectors.signature_count(published) == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_official", False),
        ("official", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_review_page_matrix(client_for, people, submitted, agency, role, allowed):
    client = client_for(people[role])
    queue = client.get("/proposals/review/")
    assert queue.status_code == (200 if allowed else (302 if role == "anonymous" else 404))
    response = client.post(
        url(submitted, "review/"), {"decision": "publish", "agencies": [agency.code]}
    )
    submitted.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert submitted.status == Status.PUBLISHED
    else:
        assert response.status_code in (302, 404)
        assert submitted.status == Status.SUBMITTED


def test_review_reject_page_shows_grounds_to_proposer(client_for, moderator, submitted):
    client = client_for(moderator)
    page = client.get(url(submitted, "review/")).content.decode()
    assert "Under review" in page or "檢核中" in page
    response = client.post(
        url(submitted, "review/"),
        {"decision": "reject", "grounds": ["advertising"], "message": "<i>廣告</i>"},
    )
    assert response.status_code == 302
    mine = client_for(submitted.proposer).get("/proposals/mine/").content.decode()
    assert "&lt;i&gt;廣告&lt;/i&gt;" in mine


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_official", False),
        ("official", True),
        ("moderator", False),
        ("admin", False),
    ],
)
def test_respond_page_matrix(client_for, people, passed, role, allowed):
    client = client_for(people[role])
    data = {
        "summary": "回應摘要",
        "points-TOTAL_FORMS": "5",
        "points-INITIAL_FORMS": "0",
        "points-0-position": "adopted",
        "points-0-explanation": "採納",
        "points-0-planned_date": "2027-01-01",
    }
    response = client.post(url(passed, "respond/"), data)
    assert Response.objects.count() == (1 if allowed else 0)
    assert response.status_code == 302 if allowed else response.status_code in (302, 404)
    if allowed:
        page = client.get(url(passed)).content.decode()
        assert "回應摘要" in page and "採納" in page


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("citizen", False), ("other_official", False), ("official", True)],
)
def test_extend_page_matrix(client_for, people, passed, role, allowed):
    due = passed.response_due.date() + dt.timedelta(days=30)
    response = client_for(people[role]).post(
        url(passed, "extend/"), {"progress": "進度", "new_due": due.isoformat()}
    )
    assert Extension.objects.count() == (1 if allowed else 0)
    assert response.status_code == 302 if allowed else response.status_code in (302, 404)


def test_extend_page_refuses_a_date_past_the_limit_beside_the_field(client_for, passed, official):
    too_late = passed.response_due.date() + dt.timedelta(days=400)
    response = client_for(official).post(
        url(passed, "extend/"), {"progress": "進度", "new_due": too_late.isoformat()}
    )
    assert response.status_code == 400
    assert 'id="id_new_due_error"' in response.content.decode()
    assert not Extension.objects.exists()


def test_comments_page_flow(client_for, clock, published, citizen, moderator):
    client = client_for(citizen)
    assert client.post(url(published, "comments/"), {"body": ""}).status_code == 400
    assert (
        client.post(url(published, "comments/"), {"body": "<script>c</script>好"}).status_code
        == 302
    )
    comment = Comment.objects.get()
    edit = url(published, f"comments/{comment.public_id}/edit/")
    assert client.post(edit, {"body": ""}).status_code == 400
    assert client.post(edit, {"body": "改"}).status_code == 302
    clock.advance(minutes=16)
    assert client.post(edit, {"body": "太晚"}).status_code == 400
    assert client_for(UserFactory()).post(edit, {"body": "別人"}).status_code == 404
    hide = url(published, f"comments/{comment.public_id}/hide/")
    assert client.post(hide, {"ground": "advertising"}).status_code == 404
    assert client_for(moderator).post(hide, {"ground": "advertising"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "改" and comment.hidden_ground == "advertising"
    page = client.get(url(published)).content.decode()
    assert "改" not in page.split('id="comments"')[1].split("</section>")[0].replace("修改", "")


def test_feedback_page(client_for, passed, official):
    services.response_publish(
        actor=official,
        proposal=passed,
        summary="摘要",
        points=[{"position": "adopted", "explanation": "x"}],
    )
    proposer = client_for(passed.proposer)
    assert proposer.post(url(passed, "feedback/"), {"rating": "9"}).status_code == 400
    assert (
        proposer.post(url(passed, "feedback/"), {"rating": "4", "comment": "ok"}).status_code == 302
    )
    stranger = client_for(UserFactory())
    assert stranger.post(url(passed, "feedback/"), {"rating": "4"}).status_code == 400
    assert [f.rating for f in Feedback.objects.all()] == [4]


def test_watch_pages_and_feeds(client, passed, official, agency):
    services.response_publish(
        actor=official,
        proposal=passed,
        summary="摘要",
        points=[{"position": "adopted", "explanation": "x"}],
    )
    page = client.get("/proposals/watch/").content.decode()
    assert "Median" in page or "中位數" in page
    assert client.get(f"/proposals/watch/{agency.code}/").status_code == 200
    assert client.get("/proposals/watch/nowhere/").status_code == 404
    for feed in ("new", "passed", "answered"):
        response = client.get(f"/proposals/feeds/{feed}/")
        assert response.status_code == 200
        assert b"<feed" in response.content and "增設自行車道".encode() in response.content


def test_bursts_page_for_operators_only(
    client_for, settings, published, moderator, citizen, profile
):
    profile(proposals={"burst_signatures": 3})
    for _ in range(3):
        services.signature_create(actor=UserFactory(), proposal=published, address="203.0.113.9")
    assert client_for(citizen).get("/proposals/operator/bursts/").status_code == 404
    page = client_for(moderator).get("/proposals/operator/bursts/").content.decode()
    assert "203.0.113.0/24" in page and "203.0.113.9" not in page


def test_similar_fragment(client, published):
    assert "增設自行車道" in client.get("/proposals/similar/?title=自行車道").content.decode()


def test_reported_comments_listed_for_moderators(client_for, published, citizen, moderator):
    comment = services.comment_create(actor=citizen, proposal=published, body="可疑留言")
    services.comment_report(actor=moderator, comment=comment, reason="廣告")
    page = client_for(moderator).get("/proposals/review/").content.decode()
    assert f"#c-{comment.public_id}" in page


def test_moderator_changes_agencies_on_the_page(client_for, published, moderator, other_agency):
    url_ = url(published, "agencies/")
    assert (
        client_for(published.proposer).post(url_, {"agencies": [other_agency.code]}).status_code
        == 404
    )
    assert list(published.agencies.values_list("code", flat=True)) == ["moi"]
    assert client_for(moderator).post(url_, {"agencies": [other_agency.code]}).status_code == 302
    assert list(published.agencies.values_list("code", flat=True)) == [other_agency.code]


def test_watch_page_queries_do_not_grow_with_agencies(
    client, profile, moderator, django_assert_max_num_queries
):
    from opengov.accounts.tests.factories import AgencyFactory

    from .conftest import make_proposal

    profile(proposals={"cosign_threshold": 2})
    agencies = [AgencyFactory() for _ in range(4)]
    for agency in agencies:
        proposal = services.proposal_publish(
            actor=moderator, proposal=make_proposal(UserFactory(), agency)
        )
        services.signature_create(actor=UserFactory(), proposal=proposal)
    public = Proposal.objects.filter(published_at__isnull=False)
    by_agency = selectors.watch_stats_by_agency(public)
    for agency in agencies:
        assert by_agency[agency.pk] == selectors.watch_stats(public.filter(agencies=agency))
        assert by_agency[agency.pk].awaiting == 1
    with django_assert_max_num_queries(6):
        response = client.get("/proposals/watch/")
    assert response.status_code == 200
    for agency in agencies:
        assert agency.code in response.content.decode()


def test_bursts_of_several_networks_in_three_queries(
    settings, published, django_assert_max_num_queries
):
    from opengov.core import clock as clock_module
    from opengov.proposals import selectors

    for address in ("203.0.113.9", "203.0.113.10", "203.0.113.11", "198.51.100.1", "198.51.100.2"):
        services.signature_create(actor=UserFactory(), proposal=published, address=address)
    since = clock_module.now() - dt.timedelta(hours=1)
    with django_assert_max_num_queries(3):
        found = selectors.network_bursts(since=since, minimum=2, window=dt.timedelta(minutes=10))
    assert sorted((b["network"], b["burst"], b["total"]) for b in found) == [
        ("198.51.100.0/24", 2, 2),
        ("203.0.113.0/24", 3, 3),
    ]
    assert found[0]["burst"] == 3 and found[0]["proposal"].public_id == published.public_id


def test_comment_page_answers_429_when_rate_limited(client_for, published, citizen, settings):
    settings.OPENGOV_RATE_LIMITS_ENABLED = True
    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "comment": {"per_account": 1, "window_seconds": 3600},
    }
    client = client_for(citizen)
    assert client.post(url(published, "comments/"), {"body": "第一則"}).status_code == 302
    refused = client.post(url(published, "comments/"), {"body": "第二則"})
    assert refused.status_code == 429
    assert Comment.objects.count() == 1
