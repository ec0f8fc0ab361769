"""Pages and API: the permission matrix, voting without JavaScript, escaping, bad input."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from opengov.opinions import services
from opengov.opinions.models import (
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)

ROLES = ["anonymous", "citizen", "other_official", "official", "moderator", "admin"]


def api(client, method, url, data=None):
    if method == "get":
        return client.get(url)
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_map_page_public_with_svg_table_and_escaping(client, conversation, voters):
    for i, person in enumerate(voters):
        for n in (1, 2, 3):
            value = 1 if n == 3 else (1 if (i < 6) == (n == 1) else -1)
            services.vote_cast(
                actor=person, conversation=conversation, statement_number=n, value=value
            )
    services.map_recompute(conversation=conversation)
    page = client.get(reverse("opinions:map", args=[conversation.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<desc" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>電子簽章</b>" not in html
    assert "<caption>" in html and html.count('<th scope="row">') >= 2
    assert conversation.maps.get().matrix_sha256 in html


def test_consultation_pages_show_the_panel(client, conversation, consultation, voters, official):
    services.vote_cast(actor=voters[0], conversation=conversation, statement_number=3, value=1)
    detail = client.get(reverse("consultations:detail", args=[consultation.public_id]))
    assert reverse("opinions:map", args=[conversation.public_id]) in detail.content.decode()
    article = services.conversation_start(
        actor=official, consultation=consultation, topic="第一條？", article_position=1
    )
    art_page = client.get(reverse("consultations:article", args=[consultation.public_id, 1]))
    body = art_page.content.decode()
    assert reverse("opinions:map", args=[article.public_id]) in body
    assert reverse("opinions:map", args=[conversation.public_id]) not in body


def test_report_embeds_consensus_and_responses(
    client, clock, conversation, consultation, voters, official
):
    import datetime as dt

    from opengov.consultations import services as cs
    from opengov.core import clock as core_clock

    for i, person in enumerate(voters):
        for n in (1, 2, 3):
            value = 1 if n == 3 else (1 if (i < 6) == (n == 1) else -1)
            services.vote_cast(
                actor=person, conversation=conversation, statement_number=n, value=value
            )
    services.map_recompute(conversation=conversation)
    s3 = Statement.objects.get(conversation=conversation, number=3)
    services.consensus_respond(
        actor=official, statement=s3, decision="adopted", reason="納入第三條修正"
    )
    clock.set_to(core_clock.start_of_local_day(consultation.closes_on + dt.timedelta(days=1)))
    cs.report_publish(actor=official, consultation=consultation, summary="報告")
    report = client.get(reverse("consultations:report", args=[consultation.public_id]))
    html = report.content.decode()
    assert "納入第三條修正" in html
    assert s3.text.replace("<", "&lt;").replace(">", "&gt;") in html


def test_voting_without_javascript(client_for, conversation, citizen):
    c = client_for(citizen)
    url = reverse("opinions:vote", args=[conversation.public_id])
    page = c.get(url)
    assert page.status_code == 200
    number = page.context["statement"].number
    assert 'name="value" value="agree"' in page.content.decode()
    done = c.post(url, {"statement": number, "value": "disagree"})
    assert done.status_code == 302
    assert Vote.objects.get().value == -1
    again = c.post(url, {"statement": number, "value": "disagree"})
    assert again.status_code == 400
    assert Vote.objects.count() == 1
    bad = c.post(url, {"statement": 999, "value": "agree"})
    assert bad.status_code == 400 and Vote.objects.count() == 1


def test_anonymous_vote_post_goes_to_sign_in(client, conversation):
    url = reverse("opinions:vote", args=[conversation.public_id])
    r = client.post(url, {"statement": 1, "value": "agree"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not Vote.objects.exists()


def test_statement_form_page(client_for, conversation, citizen, profile):
    profile(opinions={"statement_max_chars": 5})
    c = client_for(citizen)
    url = reverse("opinions:statement_new", args=[conversation.public_id])
    r = c.post(url, {"text": "太長的一句話了"})
    assert r.status_code == 400 and "5" in r.content.decode()
    r = c.post(url, {"text": "好"})
    assert r.status_code == 302
    assert Statement.objects.filter(status=StatementStatus.PENDING).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_start_page_permission_matrix(client_for, people, consultation, role):
    c = client_for(people[role])
    url = reverse("opinions:new", args=[consultation.public_id])
    r = c.post(url, {"topic": "問題", "seed_statements": "甲\n乙"})
    if role == "official":
        assert r.status_code == 302
        assert Conversation.objects.get().statements.count() == 2
    else:
        assert r.status_code == (302 if role == "anonymous" else 404)
        assert not Conversation.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_moderation_queue_and_action_permission_matrix(
    client_for, people, conversation, voters, role
):
    s = services.statement_submit(
        actor=voters[0], conversation=conversation, text="<i>甲乙丙丁</i>"
    )
    c = client_for(people[role])
    queue = c.get(reverse("opinions:moderation"))
    act = c.post(reverse("opinions:moderate", args=[s.public_id]), {"action": "accept"})
    s.refresh_from_db()
    if role in ("official", "moderator", "admin"):
        assert queue.status_code == 200 and "&lt;i&gt;甲乙丙丁&lt;/i&gt;" in queue.content.decode()
        assert act.status_code == 302 and s.status == StatementStatus.ACCEPTED
    else:
        if role == "other_official":
            assert queue.status_code == 200 and "甲乙丙丁" not in queue.content.decode()
        else:
            assert queue.status_code in (302, 404)
        assert act.status_code == 404 and s.status == StatementStatus.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_api_vote_permission_matrix(client_for, people, conversation, role):
    c = client_for(people[role])
    r = api(
        c,
        "post",
        f"/api/v1/opinions/{conversation.public_id}/votes",
        {"statement": 1, "vote": "agree"},
    )
    if role == "anonymous":
        assert r.status_code == 401 and not Vote.objects.exists()
    else:
        assert r.status_code == 201, r.content
        assert Vote.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_api_ban_permission_matrix(client_for, people, conversation, voters, role):
    services.vote_cast(actor=voters[0], conversation=conversation, statement_number=1, value=1)
    p = Participant.objects.get()
    c = client_for(people[role])
    r = api(
        c,
        "post",
        f"/api/v1/opinions/{conversation.public_id}/participants/{p.pseudonym}/ban",
        {"ground": "illegal"},
    )
    p.refresh_from_db()
    if role in ("moderator", "admin"):
        assert r.status_code == 200 and p.is_banned
    else:
        assert r.status_code in (401, 403, 404) and not p.is_banned


@pytest.mark.parametrize("role", ROLES)
def test_api_seed_and_start_permission_matrix(client_for, people, consultation, conversation, role):
    c = client_for(people[role])
    r = api(c, "post", f"/api/v1/opinions/{conversation.public_id}/seed", {"text": "新的種子"})
    start = api(
        c,
        "post",
        "/api/v1/opinions/",
        {"consultation_id": str(consultation.public_id), "topic": "t", "article_position": 2},
    )
    if role == "official":
        assert r.status_code == 201 and start.status_code == 201
    else:
        assert r.status_code in (401, 403, 404) and start.status_code in (401, 403, 404)
        assert conversation.statements.count() == 3
        assert Conversation.objects.count() == 1


def test_api_bad_input(client_for, conversation, citizen):
    c = client_for(citizen)
    base = f"/api/v1/opinions/{conversation.public_id}"
    r = api(c, "post", f"{base}/votes", {"statement": 77, "vote": "agree"})
    assert r.status_code == 404 and r.json()["error"]["field"] == "statement"
    r = api(c, "post", f"{base}/votes", {"statement": 1, "vote": "maybe"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "vote"
    r = api(c, "post", f"{base}/votes", {"statement": "x"})
    assert r.status_code == 422
    api(c, "post", f"{base}/votes", {"statement": 1, "vote": 1})
    r = api(c, "post", f"{base}/votes", {"statement": 1, "vote": "agree"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "unchanged"
    r = api(c, "post", f"{base}/statements", {"text": "字" * 500})
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_long"
    assert Vote.objects.count() == 1 and conversation.statements.count() == 3
    assert c.get("/api/v1/opinions/00000000-0000-0000-0000-000000000000").status_code == 404
    assert c.get("/api/v1/opinions/not-a-uuid").status_code == 404


def test_api_reads(client, conversation, voters):
    for person in voters[:3]:
        services.vote_cast(actor=person, conversation=conversation, statement_number=1, value=1)
    services.map_recompute(conversation=conversation)
    listing = client.get(
        f"/api/v1/opinions/?consultation={conversation.consultation_public_id}"
    ).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == str(conversation.public_id)
    detail = client.get(f"/api/v1/opinions/{conversation.public_id}").json()
    assert [s["number"] for s in detail["statements"]] == [1, 2, 3]
    history = client.get(f"/api/v1/opinions/{conversation.public_id}/votes").json()
    assert history["count"] == 3 and {r["vote"] for r in history["items"]} == {1}
    mapped = client.get(f"/api/v1/opinions/{conversation.public_id}/map").json()
    assert len(mapped["matrix_sha256"]) == 64 and mapped["version"] == 1


def test_draft_conversation_looks_like_not_found(client_for, start, official, agency, people):
    from opengov.consultations import services as cs

    draft = cs.consultation_create(
        actor=official, agency=agency, kind="policy", title="草", summary="s"
    )
    conv = services.conversation_start(actor=official, consultation=draft, topic="t")
    for role in ROLES:
        c = client_for(people[role])
        status = c.get(reverse("opinions:map", args=[conv.public_id])).status_code
        assert status == (200 if role == "official" else 404), role


def test_open_data_downloads(client, conversation, voters):
    for person in voters[:2]:
        services.vote_cast(actor=person, conversation=conversation, statement_number=2, value=-1)
    services.map_recompute(conversation=conversation)
    votes = client.get("/data/datasets/opinion-votes/download.csv")
    assert votes.status_code == 200
    body = b"".join(votes.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].split(",") == [
        "conversation_id",
        "sequence",
        "participant",
        "statement",
        "vote",
    ]
    assert body.count(str(conversation.public_id)) == 2
    maps = client.get("/data/datasets/opinion-maps/download.json")
    assert maps.status_code == 200
    statements = client.get("/data/datasets/opinion-statements/download.csv")
    text = b"".join(statements.streaming_content).decode("utf-8-sig")
    assert "author" not in text.splitlines()[0]
