"""The JSON API: lists, detail, count, exports, and the permission matrix on every write."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from opengov.accounts.auth import token_hash
from opengov.accounts.models import ApiToken
from opengov.accounts.tests.factories import UserFactory
from opengov.core import clock as clock_module
from opengov.proposals import selectors, services
from opengov.proposals.models import Comment, Extension, Proposal, Response, Signature, Status

pytestmark = pytest.mark.django_db
API = "/api/v1/proposals"


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_list_detail_and_filters(client, published):
    body = client.get(f"{API}/").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(published.public_id)
    assert item["state"] == "open" and item["signatures"] == 1
    assert client.get(f"{API}/?state=failed").json()["count"] == 0
    assert client.get(f"{API}/?agency=moi").json()["count"] == 1
    assert client.get(f"{API}/?tag=交通").json()["count"] == 1
    assert client.get(f"{API}/?q=自行車道").json()["count"] == 1
    assert client.get(f"{API}?page_size=1000").status_code == 422
    assert client.get(f"{API}/?sort=weird").json()["error"]["field"] == "sort"
    detail = client.get(f"{API}/{published.public_id}").json()
    assert detail["content"].startswith("<b>") and detail["response"] is None


def test_drafts_and_queue_are_not_public(client, client_for, submitted, citizen, moderator):
    url = f"{API}/{submitted.public_id}"
    assert client.get(url).status_code == 404
    assert client_for(citizen).get(url).status_code == 404
    assert client_for(submitted.proposer).get(url).status_code == 200
    assert client_for(moderator).get(url).status_code == 200
    assert client.get(f"{API}/not-a-uuid").status_code == 404


def test_count_is_cacheable(client, published):
    response = client.get(f"{API}/{published.public_id}/count")
    assert response.status_code == 200
    assert response.json()["signatures"] == 1
    assert "max-age" in response["Cache-Control"]
    again = client.get(f"{API}/{published.public_id}/count", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_exports_have_counts_and_responses_but_no_personal_data(client, passed, official):
    services.response_publish(
        actor=official,
        proposal=passed,
        summary="回應摘要",
        points=[{"position": "adopted", "explanation": "說明"}],
    )
    signer = Signature.objects.filter(proposal=passed, is_proposer=False).first().signer
    text = b"".join(client.get(f"{API}/export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["signatures"] == "2" and rows[0]["response_summary"] == "回應摘要"
    data = client.get(f"{API}/export.json").json()
    assert data["items"][0]["response_points"][0]["position"] == "adopted"
    for blob in (text, json.dumps(data, ensure_ascii=False)):
        assert signer.email not in blob and signer.real_name not in blob
        assert passed.proposer.email not in blob and signer.phone not in blob


def test_exporters_registered():
    from opengov.core.exporters import get_exporter

    assert get_exporter("proposals") is not None
    assert {f.name for f in get_exporter("proposal-signatures").fields} >= {"proposal_id"}


# --- permission matrix -----------------------------------------------------------------------

CREATE = {
    "title": "<script>alert(1)</script>延長捷運營運時間",
    "content": "週末延長至凌晨兩點",
    "benefits": "方便夜間通勤",
    "agencies": ["moi"],
    "tags": ["交通"],
    "submit": True,
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 201),
        ("other_official", 201),
        ("official", 201),
        ("moderator", 201),
        ("admin", 201),
    ],
)
def test_create_matrix(client_for, people, agency, role, status):
    response = post(client_for(people[role]), f"{API}/", CREATE)
    assert response.status_code == status, response.content
    assert Proposal.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["state"] == "submitted"


def test_create_unverified_and_bad_input(client_for, unverified, citizen, agency):
    response = post(client_for(unverified), f"{API}/", CREATE)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    response = post(client_for(citizen), f"{API}/", {**CREATE, "title": "x" * 81})
    assert response.status_code == 422 and response.json()["error"]["field"] == "title"
    response = post(client_for(citizen), f"{API}/", {**CREATE, "title": "x" * 500})
    assert response.status_code == 422 and response.json()["error"]["field"] == "title"
    response = post(client_for(citizen), f"{API}/", {**CREATE, "agencies": "moi"})
    assert response.status_code == 422
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 201),
        ("other_official", 201),
        ("official", 201),
        ("moderator", 201),
        ("admin", 201),
    ],
)
def test_cosign_matrix(client_for, people, published, role, status):
    response = post(client_for(people[role]), f"{API}/{published.public_id}/cosign", {})
    assert response.status_code == status
    assert selectors.signature_count(published) == (2 if status == 201 else 1)


def test_cosign_twice_and_closed_say_why(client_for, clock, citizen, published):
    client = client_for(citizen)
    url = f"{API}/{published.public_id}/cosign"
    assert post(client, url, {"reason": "<script>x</script>支持"}).json()["signatures"] == 2
    again = post(client, url, {})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_signed"
    signed = Signature.objects.get(proposal=published, signer=citizen).created_at
    assert (
        signed.astimezone(clock_module.local_zone()).date().isoformat()
        in again.json()["error"]["message"]
    )
    clock.set_to(published.cosign_deadline + dt.timedelta(seconds=5))
    closed = post(client_for(UserFactory()), url, {})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "window_closed"
    assert selectors.signature_count(published) == 2


def test_a_reused_proposal_row_never_lets_a_refused_cosignature_through(
    client_for, clock, published
):
    """The co-signing row a server process reuses can be out of date; the signing statement
    checks the stored proposal itself and the refusal comes from the stored row."""
    url = f"{API}/{published.public_id}/cosign"
    assert post(client_for(UserFactory()), url, {}).status_code == 201  # the row is now kept
    ended = clock_module.now() - dt.timedelta(seconds=1)
    Proposal.objects.filter(pk=published.pk).update(cosign_deadline=ended)
    late = post(client_for(UserFactory()), url, {})
    assert late.status_code == 409 and late.json()["error"]["code"] == "window_closed"
    Proposal.objects.filter(pk=published.pk).update(cosign_deadline=published.cosign_deadline)
    assert post(client_for(UserFactory()), url, {}).status_code == 201  # the row, kept again
    Proposal.objects.filter(pk=published.pk).update(status=Status.REJECTED)
    refused = post(client_for(UserFactory()), url, {})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "rejected"
    assert Signature.objects.filter(proposal=published).count() == 3
    assert selectors.signature_count(published) == 3


def test_cosign_with_a_bearer_token(client, published):
    user = UserFactory()
    ApiToken.objects.create(
        user=user,
        name="bench",
        prefix="abc",
        key_hash=token_hash("k" * 40),
        created_at=clock_module.now(),
    )
    response = client.post(
        f"{API}/{published.public_id}/cosign",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + "k" * 40,
    )
    assert response.status_code == 201
    assert Signature.objects.filter(signer=user).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("other_official", 404),
        ("official", 404),
        ("moderator", 200),
        ("admin", 200),
    ],
)
def test_review_matrix(client_for, people, submitted, role, status):
    response = post(
        client_for(people[role]),
        f"{API}/{submitted.public_id}/review",
        {"decision": "publish"},
    )
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == (Status.PUBLISHED if status == 200 else Status.SUBMITTED)


def test_review_reject_needs_grounds(client_for, moderator, submitted):
    url = f"{API}/{submitted.public_id}/review"
    response = post(client_for(moderator), url, {"decision": "reject", "message": "x"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "grounds"
    response = post(
        client_for(moderator),
        url,
        {"decision": "reject", "message": "廣告", "grounds": ["advertising"]},
    )
    assert response.status_code == 200 and response.json()["state"] == "rejected"


RESPONSE = {
    "summary": "本部研議結果",
    "points": [
        {"position": "partly_adopted", "explanation": "部分採納", "planned_date": "2027-01-31"}
    ],
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_official", 403),
        ("official", 201),
        ("moderator", 403),
        ("admin", 403),
    ],
)
def test_respond_matrix(client_for, people, passed, role, status):
    response = post(client_for(people[role]), f"{API}/{passed.public_id}/response", RESPONSE)
    assert response.status_code == status, response.content
    assert Response.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_official", 403),
        ("official", 201),
        ("moderator", 403),
        ("admin", 403),
    ],
)
def test_extension_matrix(client_for, people, passed, role, status):
    new_due = (passed.response_due.astimezone(clock_module.local_zone()).date()).replace(day=1)
    new_due = new_due.replace(
        month=new_due.month % 12 + 1, year=new_due.year + (new_due.month == 12)
    )
    response = post(
        client_for(people[role]),
        f"{API}/{passed.public_id}/extensions",
        {"progress": "已召開跨部會會議", "new_due": new_due.isoformat()},
    )
    assert response.status_code == status, response.content
    assert Extension.objects.count() == (1 if status == 201 else 0)


def test_comment_api_and_script_as_text(client_for, client, citizen, published):
    response = post(
        client_for(citizen),
        f"{API}/{published.public_id}/comments",
        {"body": "<script>alert(1)</script>贊成"},
    )
    assert response.status_code == 201
    assert post(client, f"{API}/{published.public_id}/comments", {"body": "x"}).status_code == 401
    listed = client.get(f"{API}/{published.public_id}/comments").json()
    assert listed["items"][0]["body"] == "<script>alert(1)</script>贊成"
    assert Comment.objects.count() == 1


def test_similar(client, published):
    data = client.get(f"{API}/similar?title=自行車道增設").json()
    assert data["items"][0]["id"] == str(published.public_id)


def test_personal_data_section(published, citizen):
    from opengov.core.personal_data import collect

    services.signature_create(actor=citizen, proposal=published, reason="支持", address="1.2.3.4")
    data = collect(citizen)["proposals"]
    assert data["co_signatures"][0]["reason"] == "支持"
    assert collect(published.proposer)["proposals"]["proposals"][0]["title"] == published.title


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("other_official", 404),
        ("official", 404),
        ("moderator", 200),
        ("admin", 200),
    ],
)
def test_change_agencies_matrix(client_for, people, published, other_agency, role, status):
    response = post(
        client_for(people[role]),
        f"{API}/{published.public_id}/agencies",
        {"agencies": [other_agency.code]},
    )
    assert response.status_code == status
    codes = list(published.agencies.values_list("code", flat=True))
    assert codes == ([other_agency.code] if status == 200 else ["moi"])


def test_cosign_visibility_follows_the_list_rules(client_for, submitted, moderator, citizen):
    url_ = f"{API}/{submitted.public_id}/cosign"
    assert post(client_for(citizen), url_, {}).status_code == 404
    own = post(client_for(submitted.proposer), url_, {})
    assert own.status_code == 409 and own.json()["error"]["code"] == "not_open"
    assert post(client_for(moderator), url_, {}).json()["error"]["code"] == "not_open"
    assert post(client_for(citizen), f"{API}/not-a-uuid/cosign", {}).status_code == 404


def test_draft_attach_and_submit_through_the_api(
    client_for, proposer, citizen, agency, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(proposer)
    fields = {
        "title": "增設<b>夜間</b>公車路線",
        "content": "夜間通勤需求。",
        "benefits": "安全返家。",
        "agencies": ["moi"],
    }
    created = post(client, f"{API}/", fields)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    url = f"{API}/{created.json()['id']}"
    pdf = io.BytesIO(b"%PDF-1.4 evidence")
    pdf.name = "調查報告.pdf"
    attached = client.post(f"{url}/attachments", {"file": pdf})
    assert attached.status_code == 201
    assert attached.json()["content_type"] == "application/pdf"
    assert attached.json()["name"].endswith(".pdf")
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "x.pdf"
    refused = client.post(f"{url}/attachments", {"file": fake})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "attachment"
    missing = client.post(f"{url}/attachments", {})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "file", missing.json()
    other = io.BytesIO(b"%PDF-1.4 x")
    other.name = "y.pdf"
    assert client_for(citizen).post(f"{url}/attachments", {"file": other}).status_code == 404
    changed = client.put(
        url, data=json.dumps({**fields, "submit": True}), content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["state"] == "submitted"
    assert [a["name"] for a in changed.json()["attachments"]] == [attached.json()["name"]]
    late = io.BytesIO(b"%PDF-1.4 late")
    late.name = "late.pdf"
    closed = client.post(f"{url}/attachments", {"file": late})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "not_editable"
    stranger = client_for(citizen).put(
        url, data=json.dumps(fields), content_type="application/json"
    )
    assert stranger.status_code == 404


def test_follow_through_the_api_and_the_page(client_for, client, citizen, published):
    url = f"{API}/{published.public_id}/follow"
    api = client_for(citizen)
    assert api.get(url).json() == {"following": False}
    followed = api.put(url, data=json.dumps({"following": True}), content_type="application/json")
    assert followed.status_code == 200 and followed.json() == {"following": True}
    assert api.get(url).json() == {"following": True}
    bad = api.put(url, data=json.dumps({"following": "maybe"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "following"
    assert client.put(url, data="{}", content_type="application/json").status_code == 401
    page = f"/proposals/{published.public_id}/"
    assert "Stop following" in api.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    stopped = api.post(f"{page}follow/", {"following": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert stopped.status_code == 302 and stopped["Location"].endswith("#follow")
    assert api.get(url).json() == {"following": False}
    assert "Follow this proposal" in api.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_collaboration_meeting_through_the_api_and_the_page(client_for, clock, passed, official):
    url = f"{API}/{passed.public_id}/meeting"
    starts = (clock.now() + dt.timedelta(days=10)).isoformat()
    body = {"starts_at": starts, "place": "https://meet.example.tw/<script>", "details": "議程"}
    signer = Signature.objects.get(proposal=passed, is_proposer=False).signer
    assert post(client_for(signer), url, body).status_code == 403
    assert (
        post(client_for(official), url, {**body, "starts_at": "soon"}).json()["error"]["field"]
        == "starts_at"
    )
    called = post(client_for(official), url, body)
    assert called.status_code == 201 and called.json()["seats"] == 5
    assert called.json()["seats_taken"] == []
    page = f"/proposals/{passed.public_id}/"
    html = client_for(signer).get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "Take a seat" in html
        and "&lt;script&gt;" in html
        and "<script>" not in html.split("meet.example.tw")[1][:20]
    )
    taken = client_for(signer).post(f"{page}meeting/seat/", HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 302 and taken["Location"].endswith("#meeting")
    html = client_for(signer).get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have a seat." in html and "Take a seat" not in html
    detail = client_for(None).get(f"{API}/{passed.public_id}").json()
    assert detail["meeting"]["seats_taken"] == [signer.display_name]
    again = post(client_for(signer), f"{url}/seats", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_seated"
    change = client_for(official).get(f"{page}meeting/", HTTP_ACCEPT_LANGUAGE="en")
    assert change.status_code == 200 and "Change the meeting" in change.content.decode()
    moved = client_for(official).put(
        url, data=json.dumps({**body, "place": "行政院"}), content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["place"] == "行政院"
    assert moved.json()["seats_taken"] == [signer.display_name]  # seats stay
    refused = client_for(signer).put(url, data=json.dumps(body), content_type="application/json")
    assert refused.status_code == 403


def test_collaboration_meeting_called_from_the_page(
    client_for, clock, passed, official, other_official
):
    url = f"/proposals/{passed.public_id}/meeting/"
    assert client_for(other_official).get(url).status_code == 404
    page = client_for(official).get(url)
    assert page.status_code == 200 and 'type="datetime-local"' in page.content.decode()
    late = client_for(official).post(url, {"starts_at": "2000-01-01T10:00", "place": "會議室"})
    assert late.status_code == 400 and 'aria-invalid="true"' in late.content.decode()
    when = (clock.now() + dt.timedelta(days=3)).astimezone(clock_module.local_zone())
    done = client_for(official).post(
        url, {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "place": "會議室"}
    )
    assert done.status_code == 302 and done["Location"].endswith("#meeting")
    meeting = passed.meeting
    assert meeting.starts_at.astimezone(clock_module.local_zone()).strftime("%H:%M") == (
        when.strftime("%H:%M")
    )
