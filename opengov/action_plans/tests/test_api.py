"""The API: list shapes, the permission matrix of every write, errors with a field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from opengov.action_plans import services
from opengov.action_plans.models import (
    ActionPlan,
    Assessment,
    Commitment,
    FollowUpDecision,
    Milestone,
    ProgressUpdate,
    UpdateComment,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/action-plans"


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_public_reads(client, plan, commitment, milestone, official):
    services.progress_update_post(actor=official, milestone=milestone, progress=50, text="半")
    r = client.get(f"{BASE}/plans")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert r.json()["items"][0]["slug"] == "nap1"
    body = client.get(f"{BASE}/plans/nap1").json()
    assert body["progress"] == 50.0 and body["commitments"][0]["progress"] == 50.0
    assert body["updates"] == 1
    r = client.get(f"{BASE}/plans/nap1/commitments?page_size=1")
    assert r.json()["count"] == 1
    c = client.get(f"{BASE}/commitments/{commitment.public_id}").json()
    assert c["title"]["en"].startswith("Provide a legal basis")
    assert c["values"][0]["value"] == "transparency"
    assert c["milestones"][0]["progress"] == 50
    u = client.get(f"{BASE}/milestones/{milestone.public_id}/updates").json()
    assert u["count"] == 1 and "@" not in json.dumps(u)


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/plans/nope",
        f"{BASE}/commitments/not-a-uuid",
        f"{BASE}/commitments/00000000-0000-0000-0000-000000000000",
        f"{BASE}/milestones/xyz/updates",
    ],
)
def test_not_found(client, plan, url):
    r = client.get(url)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_page_size_bounded(client, plan):
    r = client.get(f"{BASE}/plans?page_size=1000")
    assert r.status_code == 422 and r.json()["error"]["field"] == "page_size"


UPDATE = {"progress": 40, "text": "完成招標"}


def test_update_permission_matrix(people, client_for, milestone, civil_member, reviewer):
    allowed = {"official"}
    users = {**people, "civil": civil_member, "reviewer": reviewer}
    for role, user in users.items():
        before = ProgressUpdate.objects.count()
        r = post(client_for(user), f"{BASE}/milestones/{milestone.public_id}/updates", UPDATE)
        if role in allowed:
            assert r.status_code == 201, r.content
            assert r.json()["progress"] == 40
        else:
            assert r.status_code in (401, 403), (role, r.status_code)
            assert ProgressUpdate.objects.count() == before
    milestone.refresh_from_db()
    assert milestone.progress == 40


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"progress": 101, "text": "x"}, "progress"),
        ({"progress": -5, "text": "x"}, "progress"),
        ({"progress": 10, "text": ""}, "text"),
        ({"progress": "lots", "text": "x"}, "progress"),
    ],
)
def test_update_bad_input(client_for, official, milestone, data, field):
    r = post(client_for(official), f"{BASE}/milestones/{milestone.public_id}/updates", data)
    assert 400 <= r.status_code < 500
    assert r.json()["error"]["field"] == field and r.json()["error"]["message"]
    assert not ProgressUpdate.objects.exists()


def test_milestone_bad_input(client_for, official, commitment):
    url = f"{BASE}/commitments/{commitment.public_id}/milestones"
    base = {"title_zh_hant": "里程碑", "start_date": "2021-02-01", "end_date": "2021-03-01"}
    for data, field in [
        ({**base, "weight": "0"}, "weight"),
        ({**base, "weight": "-3"}, "weight"),
        ({**base, "weight": "abc"}, "weight"),
        ({**base, "weight": "Infinity"}, "weight"),
        ({**base, "start_date": "2020-01-01"}, "start_date"),
        ({**base, "end_date": "2025-01-01"}, "end_date"),
    ]:
        r = post(client_for(official), url, data)
        assert r.status_code == 422 and r.json()["error"]["field"] == field
    assert not Milestone.objects.exists()
    r = post(client_for(official), url, {**base, "weight": "2.5"})
    assert r.status_code == 201 and r.json()["weight"] == "2.50"


def test_milestone_create_matrix(people, client_for, commitment, co_convener):
    url = f"{BASE}/commitments/{commitment.public_id}/milestones"
    data = {"title_zh_hant": "里程碑", "start_date": "2021-02-01", "end_date": "2021-03-01"}
    allowed = {"official", "moderator", "admin", "co_convener"}
    for role, user in {**people, "co_convener": co_convener}.items():
        before = Milestone.objects.count()
        r = post(client_for(user), url, data)
        if role in allowed:
            assert r.status_code == 201, role
        else:
            assert r.status_code in (401, 403), role
            assert Milestone.objects.count() == before


def test_comment_matrix(people, client_for, milestone, official, civil_member, government_member):
    update = services.progress_update_post(
        actor=official, milestone=milestone, progress=5, text="t"
    )
    url = f"{BASE}/updates/{update.public_id}/comments"
    for user in {**people, "government_member": government_member}.values():
        r = post(client_for(user), url, {"body": "意見"})
        assert r.status_code in (401, 403)
    assert not UpdateComment.objects.exists()
    r = post(client_for(civil_member), url, {"body": "<b>請補充</b>"})
    assert r.status_code == 201 and r.json()["body"] == "<b>請補充</b>"
    assert client_for(None).get(url).json()["count"] == 1


ASSESS = {
    "verifiable": True,
    "verifiable_justification": "可查核",
    "relevance": ["transparency", "civic_participation"],
    "relevance_justification": "公開與參與",
    "potential": "substantial",
    "potential_justification": "全國適用",
}


def test_assessment_matrix_and_bad_input(people, client_for, commitment, reviewer):
    url = f"{BASE}/commitments/{commitment.public_id}/assessment"
    for user in people.values():
        r = post(client_for(user), url, ASSESS, method="put")
        assert r.status_code in (401, 403)
    assert not Assessment.objects.exists()
    r = post(client_for(reviewer), url, {**ASSESS, "potential_justification": ""}, method="put")
    assert r.status_code == 422 and r.json()["error"]["field"] == "potential_justification"
    r = post(client_for(reviewer), url, {**ASSESS, "potential": "huge"}, method="put")
    assert r.status_code == 422 and r.json()["error"]["field"] == "potential"
    assert not Assessment.objects.exists()
    r = post(client_for(reviewer), url, ASSESS, method="put")
    assert r.status_code == 200
    page = client_for(None).get(f"{BASE}/commitments/{commitment.public_id}").json()
    assert page["assessments"][0]["potential"] == "substantial"


def test_commitment_create_and_follow_up(people, client_for, plan, agency, commitment, co_convener):
    data = {
        "number": 7,
        "lead_agency": agency.code,
        "title_zh_hant": "新承諾",
        "start_date": "2021-01-01",
        "end_date": "2022-01-01",
        "values": [{"value": "inclusion", "justification_zh_hant": "包容"}],
    }
    url = f"{BASE}/plans/nap1/commitments"
    allowed = {"moderator", "admin"}
    for role, user in people.items():
        before = Commitment.objects.count()
        r = post(client_for(user), url, {**data, "number": 10 + len(role)})
        if role in allowed:
            assert r.status_code == 201
        else:
            assert r.status_code in (401, 403)
            assert Commitment.objects.count() == before
    r = post(client_for(co_convener), url, {**data, "end_date": "2030-01-01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "end_date"
    r = post(client_for(co_convener), url, {**data, "lead_agency": "nope"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "lead_agency"
    follow = f"{BASE}/commitments/{commitment.public_id}/follow-up"
    decision = {"on_list": False, "meeting": "第5次會議", "reason": "已完成"}
    for user in (people["official"], people["citizen"], None):
        assert post(client_for(user), follow, decision).status_code in (401, 403)
    assert not FollowUpDecision.objects.exists()
    assert post(client_for(co_convener), follow, decision).status_code == 201
    commitment.refresh_from_db()
    assert commitment.on_follow_up_list is False


def test_plan_create_and_status_matrix(people, client_for, plan, co_convener):
    data = {
        "slug": "nap2",
        "number": 2,
        "title_zh_hant": "第二期",
        "start_date": "2025-01-01",
        "end_date": "2028-12-31",
    }
    for i, (role, user) in enumerate(people.items()):
        before = ActionPlan.objects.count()
        r = post(client_for(user), f"{BASE}/plans", {**data, "slug": f"p{i}", "number": 10 + i})
        if role in ("moderator", "admin"):
            assert r.status_code == 201 and r.json()["slug"] == f"p{i}"
        else:
            assert r.status_code in (401, 403)
            assert ActionPlan.objects.count() == before
    r = post(client_for(people["admin"]), f"{BASE}/plans", {**data, "slug": "nap1"})
    assert r.status_code == 409 and r.json()["error"]["field"] == "slug"
    r = post(client_for(people["admin"]), f"{BASE}/plans", {**data, "slug": "commitments"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "slug"
    r = post(client_for(people["admin"]), f"{BASE}/plans", {**data, "end_date": "2024-01-01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "end_date"
    url = f"{BASE}/plans/nap1/status"
    for role in ("citizen", "official", "other_official"):
        assert post(client_for(people[role]), url, {"status": "completed"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "implementing"
    r = post(client_for(co_convener), url, {"status": "finished"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "status"
    assert post(client_for(co_convener), url, {"status": "completed"}).status_code == 200
    plan.refresh_from_db()
    assert plan.status == "completed"


def test_commitment_patch_matrix(people, client_for, commitment, milestone):
    url = f"{BASE}/commitments/{commitment.public_id}"
    for role in ("citizen", "other_official"):
        r = post(client_for(people[role]), url, {"problem_en": "x"}, method="patch")
        assert r.status_code == 403
    commitment.refresh_from_db()
    assert commitment.problem_en in ("", None)
    official = client_for(people["official"])
    r = post(official, url, {"problem_en": "Data laws are scattered", "sdgs": "16, 9"}, "patch")
    assert r.status_code == 200 and r.json()["problem"]["en"] == "Data laws are scattered"
    assert r.json()["sdgs"] == [9, 16]
    r = post(official, url, {"end_date": "2022-01-01"}, method="patch")
    assert r.status_code == 422 and r.json()["error"]["field"] == "end_date"
    r = post(official, url, {"values": [{"value": "inclusion"}]}, method="patch")
    assert r.status_code == 422 and r.json()["error"]["field"] == "justification_inclusion"
    commitment.refresh_from_db()
    assert commitment.end_date == dt.date(2023, 12, 31)
    assert [v.value for v in commitment.values.all()] == ["transparency"]


def test_task_force_seats(people, client_for, plan, co_convener, citizen):
    from opengov.action_plans.models import TaskForceMember

    url = f"{BASE}/plans/nap1/task-force"
    data = {"email": citizen.email, "sector": "civil_society", "organisation": "公民團體"}
    for role in ("citizen", "official", "other_official"):
        assert post(client_for(people[role]), url, data).status_code == 403
    assert post(client_for(None), url, data).status_code == 401
    before = TaskForceMember.objects.count()
    r = post(client_for(co_convener), url, {**data, "email": "nobody@example.org"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "email"
    r = post(client_for(co_convener), url, {**data, "sector": "press"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "sector"
    assert TaskForceMember.objects.count() == before
    r = post(client_for(co_convener), url, data)
    assert r.status_code == 201 and "@" not in json.dumps(r.json())
    member_id = r.json()["id"]
    assert post(client_for(co_convener), url, data).status_code == 409
    listed = client_for(None).get(f"{BASE}/plans/nap1").json()["task_force"]
    assert citizen.display_name in [m["name"] for m in listed]
    delete = f"{url}/{member_id}"
    assert client_for(people["citizen"]).delete(delete).status_code == 403
    assert client_for(co_convener).delete(delete).status_code == 204
    assert TaskForceMember.objects.count() == before


def test_plan_summary_is_cacheable_until_a_write(client, plan, milestone, official):
    url = f"{BASE}/plans/nap1"
    first = client.get(url)
    etag = first["ETag"]
    assert "max-age" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.progress_update_post(actor=official, milestone=milestone, progress=50, text="t")
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again.json()["progress"] == 50.0


def test_plan_patch_matrix(people, client_for, plan, commitment, co_convener, civil_member):
    url = f"{BASE}/plans/{plan.slug}"
    for role, user in {**people, "civil": civil_member}.items():
        if role in ("moderator", "admin"):
            continue
        r = post(client_for(user), url, {"title_en": "Changed"}, method="patch")
        assert r.status_code in (401, 403), role
        plan.refresh_from_db()
        assert plan.title_en == "First national action plan"
    r = post(client_for(co_convener), url, {"end_date": "2023-01-01"}, method="patch")
    assert r.status_code == 422 and r.json()["error"]["field"] == "end_date"
    r = post(client_for(co_convener), url, {"slug": "x y"}, method="patch")
    assert r.status_code == 422 and r.json()["error"]["field"] == "slug"
    r = post(client_for(co_convener), url, {"title_en": "Plan one", "slug": "n1"}, method="patch")
    assert r.status_code == 200 and r.json()["slug"] == "n1"
    plan.refresh_from_db()
    assert plan.title_en == "Plan one"


def test_commitment_patch_lead_agency_for_managers_only(
    client_for, commitment, official, co_convener, other_agency
):
    url = f"{BASE}/commitments/{commitment.public_id}"
    r = post(client_for(official), url, {"lead_agency": "moj"}, method="patch")
    assert r.status_code == 403
    commitment.refresh_from_db()
    assert commitment.lead_agency.code == "moi"
    r = post(client_for(co_convener), url, {"lead_agency": "nope"}, method="patch")
    assert r.status_code == 422 and r.json()["error"]["field"] == "lead_agency"
    r = post(client_for(co_convener), url, {"lead_agency": "moj", "number": 4}, method="patch")
    assert r.status_code == 200
    commitment.refresh_from_db()
    assert commitment.lead_agency == other_agency and commitment.number == 4
