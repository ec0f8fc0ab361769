"""Pages: processes and their risk pages, buyer and supplier pages (with the registry link),
imports with the progress bar and the report, PCC notices, projects, downloads; forbidden
looks like not found; refused forms answer 400."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.procurement import services
from opengov.procurement.models import FlagHit, ImportRun, Record
from opengov.registry import services as registry_services

from .factories import PREFIX, release
from .test_pcc import AWARD_NOTICE

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(keeper):
    data = release(f"{PREFIX}-1")
    data["bids"] = {
        "details": [
            {
                "id": "b1",
                "status": "valid",
                "tenderers": [{"id": "TW-MOEA-53212539", "name": "<b>大同</b>營造股份有限公司"}],
                "value": {"amount": 250_000_000, "currency": "TWD"},
            }
        ]
    }
    services.releases_store(actor=keeper, releases=[data])
    services.flags_refresh(actor=keeper)
    return Record.objects.get()


def test_process_page_lists_flags_with_evidence_and_releases(client, stored):
    response = client.get(f"/procurement/processes/{PREFIX}-1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "R018" in html
    assert "&lt;script&gt;" in html and "<script>x" not in html
    assert f"/procurement/processes/{PREFIX}-1/releases/1.json" in html
    assert "/procurement/suppliers/53212539/" in html
    assert "巨額採購" in html


def test_unknown_process_is_404(client):
    assert client.get("/procurement/processes/nope/").status_code == 404
    assert client.get("/procurement/buyers/nope/").status_code == 404
    assert client.get("/procurement/suppliers/nope/").status_code == 404
    assert client.get(f"/procurement/processes/{PREFIX}-1/releases/9.json").status_code == 404


def test_release_and_record_json(client, stored):
    release_package = client.get(f"/procurement/processes/{PREFIX}-1/releases/1.json").json()
    assert release_package["releases"][0]["id"] == "1"
    record_package = client.get(f"/procurement/processes/{PREFIX}-1/record.json").json()
    assert record_package["records"][0]["compiledRelease"]["tag"] == ["compiled"]


def test_buyer_page(client, stored):
    response = client.get("/procurement/buyers/A.1/")
    assert response.status_code == 200
    assert "交通部公路局" in response.content.decode()


def test_supplier_page_links_to_the_registry(client, stored, moderator):
    page = client.get("/procurement/suppliers/53212539/").content.decode()
    assert "Not found in the registry" in page or "登記資料中查無" in page or "registry" in page
    org = registry_services.organisation_resolve(
        actor=moderator, business_number="53212539", name="大同營造股份有限公司"
    )
    registry_services.organisation_board_set(
        actor=moderator,
        organisation=org,
        seats=[registry_services.SeatIn(position="董事長", person_name="王大同")],
        as_of=dt.date(2024, 1, 1),
    )
    page = client.get("/procurement/suppliers/53212539/").content.decode()
    assert f"/registry/organisations/{org.public_id}/" in page
    assert "王大同" in page and "董事長" in page
    assert "R018" in page


def test_registry_company_page_has_the_procurement_section(client, stored, moderator):
    org = registry_services.organisation_resolve(
        actor=moderator, business_number="53212539", name="大同營造股份有限公司"
    )
    page = client.get(f"/registry/organisations/{org.public_id}/").content.decode()
    assert 'id="section-procurement"' in page
    assert "/procurement/suppliers/53212539/" in page
    other = registry_services.organisation_resolve(
        actor=moderator, business_number="22099131", name="別家公司"
    )
    page = client.get(f"/registry/organisations/{other.public_id}/").content.decode()
    assert 'id="section-procurement"' not in page


def test_flags_page_and_refresh(client_for, client, keeper, citizen, stored):
    response = client.get("/procurement/flags/?code=R018")
    assert response.status_code == 200 and "R018" in response.content.decode()
    assert client_for(citizen).post("/procurement/flags/refresh/").status_code == 404
    FlagHit.objects.all().delete()
    assert client_for(keeper).post("/procurement/flags/refresh/").status_code == 302
    assert FlagHit.objects.filter(code="R018").exists()


def test_import_page_shows_progress_and_report(
    client_for, keeper, citizen, django_capture_on_commit_callbacks
):
    assert client_for(citizen).get("/procurement/imports/").status_code == 404
    signed_in = client_for(keeper)
    assert signed_in.get("/procurement/imports/").status_code == 200
    empty = signed_in.post("/procurement/imports/", {})
    assert empty.status_code == 400
    bad = [release(f"{PREFIX}-1"), {"ocid": f"{PREFIX}-2", "id": "1", "date": "113/05/07"}]
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in bad).encode()
    upload = SimpleUploadedFile("bad.jsonl", body)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/procurement/imports/", {"file": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = signed_in.get(response["Location"]).content.decode()
    assert run.state == ImportRun.State.REJECTED
    assert "<progress" in page and 'value="100"' in page
    assert "113/05/07" in page
    assert client_for(citizen).get(response["Location"]).status_code == 404


def test_notice_import_page(client_for, keeper):
    signed_in = client_for(keeper)
    body = json.dumps([AWARD_NOTICE], ensure_ascii=False).encode()
    response = signed_in.post("/procurement/notices/", {"file": SimpleUploadedFile("n.json", body)})
    assert response.status_code == 200
    assert Record.objects.filter(ocid="ocds-kj3ygj-3.80.11-TP-113001").exists()
    bad = json.dumps([dict(AWARD_NOTICE, **{"決標資料:決標公告日期": "很多"})]).encode()
    response = signed_in.post("/procurement/notices/", {"file": SimpleUploadedFile("b.json", bad)})
    assert response.status_code == 400
    assert "決標資料:決標公告日期" in response.content.decode()
    response = signed_in.post(
        "/procurement/notices/", {"file": SimpleUploadedFile("c.json", b"\xff\xfe")}
    )
    assert response.status_code == 400


def test_projects_pages_and_forms(client, client_for, keeper, official, citizen, agency):
    project = services.project_create(
        actor=keeper, slug="mrt", title="捷運", agency=agency, published=False
    )
    assert client.get("/procurement/projects/mrt/").status_code == 404
    assert client_for(official).get("/procurement/projects/mrt/").status_code == 200
    services.project_publish(actor=keeper, project=project, published=True)
    assert client.get("/procurement/projects/").status_code == 200
    asker = client_for(citizen)
    refused = asker.post("/procurement/projects/mrt/", {"action": "question", "q-body": ""})
    assert refused.status_code == 400
    done = asker.post("/procurement/projects/mrt/", {"action": "question", "q-body": "何時完工？"})
    assert done.status_code == 302
    not_monitor = asker.post("/procurement/projects/mrt/", {"action": "note", "n-body": "x"})
    assert not_monitor.status_code == 400 and project.notes.count() == 0
    question = project.questions.get()
    runner = client_for(official)
    answered = runner.post(
        "/procurement/projects/mrt/",
        {"action": "answer", "a-question": str(question.public_id), "a-answer": "明年"},
    )
    assert answered.status_code == 302
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    runner.post(
        "/procurement/projects/mrt/", {"action": "document", "d-title": "計畫書", "d-file": upload}
    )
    doc = project.documents.get()
    got = client.get(f"/procurement/projects/mrt/documents/{doc.public_id}/")
    assert got.status_code == 200
    page = client.get("/procurement/projects/mrt/").content.decode()
    assert "明年" in page and "計畫書" in page


def test_downloads(client, stored):
    releases = json.loads(b"".join(client.get("/procurement/releases.json").streaming_content))
    assert len(releases["releases"]) == 1
    records = json.loads(b"".join(client.get("/procurement/records.json").streaming_content))
    assert records["records"][0]["ocid"] == f"{PREFIX}-1"
    text = b"".join(client.get("/procurement/contracts.csv").streaming_content).decode()
    assert "53212539" in text.splitlines()[1]


def test_list_page_searches(client, stored):
    assert PREFIX in client.get("/procurement/?q=道路").content.decode()
    assert PREFIX not in client.get("/procurement/?q=zzz").content.decode()


def test_keepers_set_up_projects_on_the_page(client_for, keeper, citizen, agency):
    data = {
        "title": "水庫",
        "slug": "dam",
        "agency": agency.code,
        "ocids": "a\nb",
        "published": "on",
    }
    assert client_for(citizen).post("/procurement/projects/", data).status_code == 404
    signed_in = client_for(keeper)
    assert signed_in.get("/procurement/projects/").status_code == 200
    refused = signed_in.post("/procurement/projects/", {**data, "agency": "nope"})
    assert refused.status_code == 400
    done = signed_in.post("/procurement/projects/", data)
    assert done.status_code == 302 and done["Location"] == "/procurement/projects/dam/"
