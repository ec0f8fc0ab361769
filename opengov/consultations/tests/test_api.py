"""The JSON API under /api/v1/consultations/."""

from __future__ import annotations

import json

import pytest

from opengov.consultations import services
from opengov.consultations.models import Comment, Consultation

from .conftest import after_period

pytestmark = pytest.mark.django_db

API = "/api/v1/consultations"


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_list_detail_and_comments(client, open_consultation, citizen):
    services.comment_create(
        actor=citizen,
        consultation=open_consultation,
        article=open_consultation.articles.get(position=3),
        body="第三條意見",
        stance="oppose",
    )
    listing = client.get(f"{API}/?state=open").json()
    assert listing["count"] == 1
    assert listing["items"][0]["id"] == str(open_consultation.public_id)
    assert client.get(f"{API}/?state=closed").json()["count"] == 0
    assert client.get(f"{API}/?state=bogus").status_code == 422
    detail = client.get(f"{API}/{open_consultation.public_id}").json()
    assert [a["label"] for a in detail["articles"]] == ["第一條", "第二條", "第三條"]
    assert detail["articles"][2]["oppose_count"] == 1
    comments = client.get(f"{API}/{open_consultation.public_id}/comments?article=3").json()
    assert comments["count"] == 1 and comments["items"][0]["author"] == citizen.display_name
    assert "email" not in comments["items"][0]
    assert client.get(f"{API}/{open_consultation.public_id}/comments?article=9").status_code == 404
    assert client.get(f"{API}/{open_consultation.public_id}/report").status_code == 404
    full = client.get(f"{API}/{open_consultation.public_id}/full").json()
    assert full["comments"][0]["body"] == "第三條意見"


def test_drafts_are_not_found_for_others(start, client_for, make_consultation, official, citizen):
    draft = make_consultation(publish=False)
    assert client_for(citizen).get(f"{API}/{draft.public_id}").status_code == 404
    assert client_for(official).get(f"{API}/{draft.public_id}").status_code == 200


def test_create_import_publish_comment_answer_report(
    clock, start, client_for, official, other_official, citizen, agency
):
    officer = client_for(official)
    created = _post(
        officer,
        f"{API}/",
        {"agency": agency.code, "kind": "draft_regulation", "title": "草案", "summary": "摘要"},
    )
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assert created.json()["closes_on"] == "2026-05-01"
    denied = _post(
        client_for(other_official),
        f"{API}/",
        {"agency": agency.code, "kind": "policy", "title": "x", "summary": "y"},
    )
    assert denied.status_code == 403
    assert Consultation.objects.count() == 1
    short = client_for(official).patch(
        f"{API}/{cid}", json.dumps({"closes_on": "2026-04-01"}), content_type="application/json"
    )
    assert short.status_code == 422 and short.json()["error"]["field"] == "closes_on"
    cleared = client_for(official).patch(
        f"{API}/{cid}", json.dumps({"closes_on": None}), content_type="application/json"
    )
    assert cleared.status_code == 422 and cleared.json()["error"]["field"] == "closes_on"
    empty = _post(officer, f"{API}/{cid}/import", {"text": "沒有條文"})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "no_articles"
    dry = _post(
        officer, f"{API}/{cid}/import", {"text": "第一條 甲。\n第二條 乙。", "dry_run": True}
    )
    assert len(dry.json()["articles"]) == 2 and dry.json()["imported"] is False
    _post(officer, f"{API}/{cid}/import", {"text": "第一條 甲。\n第二條 乙。\n第三條 丙。"})
    assert _post(officer, f"{API}/{cid}/publish", {}).json()["state"] == "open"
    anonymous = _post(client_for(None), f"{API}/{cid}/comments", {"stance": "oppose", "body": "x"})
    assert anonymous.status_code == 401
    posted = _post(
        client_for(citizen),
        f"{API}/{cid}/comments",
        {"stance": "oppose", "body": "x", "article": 3},
    )
    assert posted.status_code == 201
    comment_id = posted.json()["comment_id"]
    edited = client_for(citizen).patch(
        f"{API}/comments/{comment_id}",
        json.dumps({"stance": "suggestion", "body": "改"}),
        content_type="application/json",
    )
    assert edited.json()["body"] == "改"
    clock.advance(days=61)
    late = _post(client_for(citizen), f"{API}/{cid}/comments", {"stance": "oppose", "body": "y"})
    assert late.status_code == 409 and "2026-05-01" in late.json()["error"]["message"]
    consultation = Consultation.objects.get()
    after_period(clock, consultation)
    answer = {"comments": [comment_id], "decision": "noted", "reason": "參考。"}
    assert _post(client_for(other_official), f"{API}/{cid}/responses", answer).status_code == 403
    assert Comment.objects.get().response_id is None
    assert _post(officer, f"{API}/{cid}/responses", answer).status_code == 201
    report = _post(officer, f"{API}/{cid}/report", {"summary": "總結"})
    assert report.status_code == 200, report.content
    published = client_for(None).get(f"{API}/{cid}/report").json()
    assert published["by_decision"] == {"noted": 1}
    assert [row["final_status"] for row in published["final_text"]] == ["as_proposed"] * 3


def test_import_refuses_unplaced_lines_unless_accepted(
    start, client_for, make_consultation, official
):
    draft = make_consultation(publish=False, text=None)
    client = client_for(official)
    url = f"{API}/{draft.public_id}/import"
    text = "第一條 甲。\n第二條 乙。\n第二條 不同的文字。\n"
    refused = _post(client, url, {"text": text})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "unplaced_lines" and error["field"] == "accept_unplaced"
    assert [(d["line"], d["reason"]) for d in error["details"]] == [(3, "repeated_number")]
    assert draft.articles.count() == 0
    dry = _post(client, url, {"text": text, "dry_run": True}).json()
    assert [u["line"] for u in dry["unplaced"]] == [3] and draft.articles.count() == 0
    done = _post(client, url, {"text": text, "accept_unplaced": [3]})
    assert done.status_code == 200 and done.json()["imported"] is True
    assert list(draft.articles.values_list("text", flat=True)) == ["甲。", "乙。"]
