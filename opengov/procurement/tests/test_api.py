"""API under /api/v1/procurement/: public reads, keepers' imports and refresh, projects;
refused input is 422 with the field; forbidden looks like not found."""

import io
import json

import pytest

from opengov.procurement import services
from opengov.procurement.models import ImportRun, PublicQuestion, Record

from .factories import PREFIX, release
from .test_pcc import AWARD_NOTICE, TENDER_NOTICE

pytestmark = pytest.mark.django_db
API = "/api/v1/procurement"


@pytest.fixture
def stored(keeper):
    services.releases_store(actor=keeper, releases=[release(f"{PREFIX}-1")])


def test_processes_and_detail(client, stored):
    listed = client.get(f"{API}/processes?q=道路").json()
    assert listed["count"] == 1 and listed["items"][0]["ocid"] == f"{PREFIX}-1"
    detail = client.get(f"{API}/processes/{PREFIX}-1").json()
    assert detail["compiled_release"]["ocid"] == f"{PREFIX}-1"
    assert detail["flags"] == []
    missing = client.get(f"{API}/processes/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_large_contracts_lookup(client, stored):
    found = client.get(f"{API}/large-contracts?business_number=53212539&on=2024-06-01").json()
    assert [c["ocid"] for c in found] == [f"{PREFIX}-1"]
    assert client.get(f"{API}/large-contracts?business_number=53212539&on=2030-01-01").json() == []
    bad = client.get(f"{API}/large-contracts?business_number=12ab&on=2024-06-01")
    assert bad.status_code == 422 and bad.json()["error"]["field"]


def test_flags_and_definitions(client, keeper, client_for, stored):
    codes = {d["code"] for d in client.get(f"{API}/flag-definitions").json()}
    assert {"R003", "R018", "R044", "i077"} <= codes
    assert client_for(keeper).post(f"{API}/flags/refresh").json()["hits"] >= 0
    assert client.post(f"{API}/flags/refresh").status_code == 401


def test_imports_for_keepers_only(client_for, keeper, citizen, django_capture_on_commit_callbacks):
    body = json.dumps(release(f"{PREFIX}-9")).encode()
    refused = client_for(citizen).post(
        f"{API}/imports", {"file": io.BytesIO(body)}, format="multipart"
    )
    assert refused.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        created = client_for(keeper).post(
            f"{API}/imports", {"file": io.BytesIO(body), "keep_valid": "false"}
        )
    assert created.status_code == 201, created.content
    run_id = created.json()["id"]
    got = client_for(keeper).get(f"{API}/imports/{run_id}").json()
    assert got["state"] == ImportRun.State.SUCCEEDED and got["percent"] == 100
    assert client_for(citizen).get(f"{API}/imports/{run_id}").status_code == 404
    assert client_for(keeper).get(f"{API}/imports/not-a-uuid").status_code == 404
    assert client_for(keeper).get(f"{API}/imports").json()["count"] == 1


def test_notices(client_for, keeper):
    signed_in = client_for(keeper)
    ok = signed_in.post(
        f"{API}/notices",
        {"notices": [TENDER_NOTICE, AWARD_NOTICE]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["releases_stored"] == 2
    bad = signed_in.post(
        f"{API}/notices",
        {"notices": [dict(AWARD_NOTICE, **{"決標資料:決標公告日期": "x"})]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "決標資料:決標公告日期"
    assert Record.objects.count() == 1


def test_projects_api(client, client_for, keeper, citizen, agency):
    services.project_create(actor=keeper, slug="mrt", title="捷運", agency=agency, published=True)
    services.project_create(actor=keeper, slug="hidden", title="未公開", agency=agency)
    assert [p["slug"] for p in client.get(f"{API}/projects").json()["items"]] == ["mrt"]
    assert client.get(f"{API}/projects/hidden").status_code == 404
    asked = client_for(citizen).post(
        f"{API}/projects/mrt/questions", {"body": "何時完工？"}, content_type="application/json"
    )
    assert asked.status_code == 201
    detail = client.get(f"{API}/projects/mrt").json()
    assert detail["questions"][0]["body"] == "何時完工？"
    empty = client_for(citizen).post(
        f"{API}/projects/mrt/questions", {"body": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    note = client_for(citizen).post(
        f"{API}/projects/mrt/notes", {"body": "x"}, content_type="application/json"
    )
    assert note.status_code == 404


def test_keepers_set_up_projects_and_agencies_run_them(
    client_for, keeper, official, citizen, agency
):
    body = {"slug": "dam", "title": "水庫", "agency": agency.code, "published": True}
    refused = client_for(citizen).post(f"{API}/projects", body, content_type="application/json")
    assert refused.status_code == 404
    created = client_for(keeper).post(f"{API}/projects", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["slug"] == "dam"
    unknown = client_for(keeper).post(
        f"{API}/projects", {**body, "slug": "x", "agency": "nope"}, content_type="application/json"
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "agency"
    seat = client_for(keeper).post(
        f"{API}/projects/dam/monitors",
        {"email": citizen.email, "role": "civil_society", "organisation": "監督聯盟"},
        content_type="application/json",
    )
    assert seat.status_code == 201
    note = client_for(citizen).post(
        f"{API}/projects/dam/notes", {"body": "訪視"}, content_type="application/json"
    )
    assert note.status_code == 201
    milestone = client_for(official).post(
        f"{API}/projects/dam/milestones",
        {"title": "開工", "due_on": "2026-05-01"},
        content_type="application/json",
    )
    assert milestone.status_code == 201
    asked = (
        client_for(citizen)
        .post(f"{API}/projects/dam/questions", {"body": "預算？"}, content_type="application/json")
        .json()
    )
    answer_url = f"{API}/projects/dam/questions/{asked['id']}/answer"
    assert (
        client_for(citizen).post(answer_url, {"answer": "x"}, content_type="application/json")
    ).status_code == 404
    answered = client_for(official).post(
        answer_url, {"answer": "十億"}, content_type="application/json"
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "十億"


def test_question_length_follows_the_profile(settings, client_for, keeper, citizen, agency):
    services.project_create(actor=keeper, slug="mrt", title="捷運", agency=agency, published=True)
    url = f"{API}/projects/mrt/questions"
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"procurement": {"question_max_chars": 3000}}
    longer = client_for(citizen).post(url, {"body": "問" * 2500}, content_type="application/json")
    assert longer.status_code == 201
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"procurement": {"question_max_chars": 5}}
    refused = client_for(citizen).post(url, {"body": "問" * 6}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "body"
    assert PublicQuestion.objects.count() == 1
