"""The registry API: public reads, managers' imports and review; a permission matrix on every
endpoint (forbidden looks like not found, and changes nothing)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.registry import imports, services
from opengov.registry.models import ImportRun, MatchCandidate, MatchDecision, Organisation

ROLES = ("anonymous", "citizen", "other_official", "official", "moderator", "admin")
MANAGERS = {"moderator", "admin"}
TSMC = "22099131"
BASIC = (
    "Business_Accounting_NO,Company_Name,Company_Status_Desc,Company_Setup_Date\r\n"
    "22099131,台灣積體電路製造股份有限公司,核准設立,0760221\r\n"
)


@pytest.fixture
def org(db):
    org = services.organisation_resolve(
        actor=None,
        business_number=TSMC,
        name="台灣積體電路製造股份有限公司<script>",
        address="新竹市力行六路8號",
    )
    person = services.person_resolve(actor=None, name="魏哲家", masked_id="A12345****")
    from opengov.registry.models import BoardSeat

    BoardSeat.objects.create(organisation=org, person=person, position="董事長", role="chair")
    return org


@pytest.fixture
def queued(db, org):
    services.organisation_resolve(actor=None, name="聯華電子半導體股份有限公司")
    services.organisation_resolve(actor=None, name="聯華電子半導體股分有限公司")
    return MatchCandidate.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_public_reads_for_everyone(role, people, client_for, org):
    client = client_for(people[role])
    listing = client.get("/api/v1/registry/organisations", {"q": "臺灣積體電路製造(股)公司"})
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing["Cache-Control"].startswith("public")
    detail = client.get(f"/api/v1/registry/organisations/{org.public_id}").json()
    assert detail["business_number"] == TSMC and detail["business_number_flag"] == ""
    assert detail["board"][0]["person"]["name"] == "魏哲家"
    by_number = client.get(f"/api/v1/registry/organisations/by-number/{TSMC}")
    assert by_number.json()["id"] == str(org.public_id)
    person_id = detail["board"][0]["person"]["id"]
    person = client.get(f"/api/v1/registry/people/{person_id}").json()
    assert person["masked_id"] == "A12345****"
    assert "id_hash" not in person
    assert client.get("/api/v1/registry/people", {"q": "魏哲家"}).json()["count"] == 1


@pytest.mark.django_db
def test_unknown_and_malformed_ids_are_404(client):
    for url in (
        "/api/v1/registry/organisations/not-a-uuid",
        "/api/v1/registry/organisations/00000000-0000-0000-0000-000000000000",
        "/api/v1/registry/organisations/by-number/12345678",
        "/api/v1/registry/people/nope",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_as_of_and_bad_dates(client, org):
    url = f"/api/v1/registry/organisations/{org.public_id}"
    assert client.get(url, {"on": "2024-01-01"}).json()["as_of"]["date"] == "2024-01-01"
    bad = client.get(url, {"on": "2024-13-01"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "on"
    assert client.get("/api/v1/registry/organisations", {"page": 0}).status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_import_matrix(role, people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people[role])
    upload = SimpleUploadedFile("basic.csv", BASIC.encode("cp950"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/registry/imports",
            {"dataset": "basic", "as_of": "2024-05-07", "file": upload},
        )
    if role == "anonymous":
        assert response.status_code == 401
    elif role not in MANAGERS:
        assert response.status_code == 404
    if role not in MANAGERS:
        assert ImportRun.objects.count() == 0 and Organisation.objects.count() == 0
        assert client.get("/api/v1/registry/imports").status_code in (401, 404)
        return
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    status = client.get(f"/api/v1/registry/imports/{run_id}").json()
    assert status["state"] == "succeeded" and status["progress"]["percent"] == 100
    assert status["encoding"] == "big5" and status["created"] == 1
    assert client.get("/api/v1/registry/imports").json()["count"] == 1
    assert Organisation.objects.get().set_up_on == dt.date(1987, 2, 21)


@pytest.mark.django_db
def test_import_status_hidden_from_others(
    people, client_for, keeper, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = imports.import_start(
            actor=keeper, filename="b.csv", data=BASIC.encode(), dataset="basic"
        )
    assert client_for(keeper).get(f"/api/v1/registry/imports/{run.public_id}").status_code == 200
    for role in ("citizen", "other_official", "official"):
        response = client_for(people[role]).get(f"/api/v1/registry/imports/{run.public_id}")
        assert response.status_code == 404


@pytest.mark.django_db
def test_import_report_names_rejected_rows(keeper, client_for, django_capture_on_commit_callbacks):
    data = BASIC + "1234,,核准設立,113/02/30\r\n"
    upload = SimpleUploadedFile("bad.csv", data.encode("cp950"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(keeper).post(
            "/api/v1/registry/imports", {"dataset": "basic", "file": upload}
        )
    run_id = response.json()["id"]
    report = client_for(keeper).get(f"/api/v1/registry/imports/{run_id}").json()
    assert report["state"] == "rejected"
    assert {(r["row"], r["field"]) for r in report["rejections"]} == {
        (2, "Company_Name"),
        (2, "Company_Setup_Date"),
    }
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_bad_input(keeper, client_for):
    client = client_for(keeper)
    upload = SimpleUploadedFile("b.csv", BASIC.encode())
    response = client.post("/api/v1/registry/imports", {"dataset": "people", "file": upload})
    assert response.status_code == 422 and response.json()["error"]["field"] == "dataset"
    empty = SimpleUploadedFile("e.csv", b"")
    response = client.post("/api/v1/registry/imports", {"dataset": "basic", "file": empty})
    assert response.status_code in (400, 422)
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_review_matrix(role, people, client_for, queued):
    client = client_for(people[role])
    listing = client.get("/api/v1/registry/matches")
    response = client.post(
        f"/api/v1/registry/matches/{queued.public_id}/decision",
        json.dumps({"decision": "same"}),
        content_type="application/json",
    )
    if role not in MANAGERS:
        assert listing.status_code in (401, 404)
        assert response.status_code in (401, 404)
        queued.refresh_from_db()
        assert queued.decision == "" and MatchDecision.objects.count() == 0
        return
    assert listing.json()["count"] == 1
    assert response.status_code == 200
    assert MatchDecision.objects.get().decision == "same"
    assert Organisation.objects.count() == 2  # the misspelt record was merged


@pytest.mark.django_db
def test_decision_bad_input_and_twice(keeper, client_for, queued):
    client = client_for(keeper)
    url = f"/api/v1/registry/matches/{queued.public_id}/decision"
    bad = client.post(url, json.dumps({"decision": "maybe"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "decision"
    ok = client.post(url, json.dumps({"decision": "different"}), content_type="application/json")
    assert ok.status_code == 200
    again = client.post(url, json.dumps({"decision": "same"}), content_type="application/json")
    assert again.status_code == 409
    assert Organisation.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pair_decision_matrix(role, people, client_for):
    response = client_for(people[role]).post(
        "/api/v1/registry/match-decisions",
        json.dumps({"left": "甲公司", "right": "甲股份有限公司", "decision": "same"}),
        content_type="application/json",
    )
    if role in MANAGERS:
        assert response.status_code == 201
        assert MatchDecision.objects.get().left_key == "甲"
    else:
        assert response.status_code in (401, 404)
        assert MatchDecision.objects.count() == 0


@pytest.mark.django_db
def test_sharing_endpoint(client, org):
    other = services.organisation_resolve(
        actor=None, name="鄰居有限公司", address="新竹市力行六路8號"
    )
    items = client.get(f"/api/v1/registry/organisations/{org.public_id}/sharing").json()["items"]
    assert [i["id"] for i in items] == [str(other.public_id)]
    assert items[0]["reasons"] == {"address": ["新竹市力行六路8號"]}
