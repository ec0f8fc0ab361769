"""Pages and API over the demo data: who gave to whom, search in Chinese, findings with
evidence, citation and confidence, review (audited, analysts only), the money trail from a
donation to the donor's directors, owners and contracts, and from a candidate to the
companies behind the donations."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opengov.core.models import AuditEvent
from opengov.donations import demo, findings, selectors
from opengov.donations.models import Finding, Recipient, Transaction
from opengov.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(moderator):
    out = io.StringIO()
    registry_demo.load(stdout=out)
    demo.load(stdout=out)
    return moderator


def test_trail_from_a_donation_to_directors_owners_contracts_and_other_recipients(client, loaded):
    tx = Transaction.objects.get(filing__recipient__name="王小明", business_number="90000023")
    page = client.get(f"/donations/transactions/{tx.public_id}/").content.decode()
    assert "/donations/donors/90000023/" in page  # one click to the trail
    trail = client.get("/donations/donors/90000023/")
    assert trail.status_code == 200
    text = trail.content.decode()
    assert "王營造" in text  # a director (registry)
    assert "林示範" in text  # the ultimate owner, through 示範控股 (ownership)
    assert "示範快速道路拓寬工程" in text  # its own large contract (procurement)
    assert "示範智慧路燈維護服務" in text  # the contract its owner company won
    assert "李大華" in text and "王小明" in text  # the other candidates it gave to
    assert "<svg" in text and "<caption>" in text  # chart with a text table
    other = client.get("/donations/donors/90000044/").content.decode()
    assert "示範快速道路拓寬工程" not in other


def test_candidate_page_shows_companies_behind_donations_and_their_contracts(client, loaded):
    wang = Recipient.objects.get(name="王小明")
    text = client.get(f"/donations/recipients/{wang.public_id}/").content.decode()
    assert "示範營造有限公司" in text and "示範快速道路拓寬工程" in text
    assert "Political Donations Act Art. 18" in text
    companies = {c.business_number for c in selectors.recipient_companies(wang)}
    assert {"90000023", "90000044", "90000001"} <= companies
    chen = Recipient.objects.get(name="陳總統")
    assert client.get(f"/donations/recipients/{chen.public_id}/").status_code == 200


def test_search_in_chinese_and_registry_section(client, loaded):
    assert client.get("/donations/", {"q": "營造"}).content.decode().count("示範營造") >= 2
    spaced = client.get("/donations/", {"q": "示範營造 有限公司"}).content.decode()
    assert "1000001" in spaced  # spaces and the legal form folded
    assert selectors.search_donations("90000023").count() == 2
    assert client.get("/donations/", {"q": "<script>"}).status_code == 200
    from opengov.registry import selectors as registry_selectors

    org = registry_selectors.organisation_by_business_number("90000023")
    page = client.get(f"/registry/organisations/{org.public_id}/").content.decode()
    assert "/donations/donors/90000023/" in page


def test_findings_carry_evidence_citation_confidence_and_review_is_audited(client, loaded, citizen):
    over = Finding.objects.get(rule="limit_candidate", business_number="90000023")
    assert over.amount == 1_000_001 and over.limit == 1_000_000
    assert over.confidence == "exact"
    (row,) = over.evidence["transactions"]
    tx = Transaction.objects.get(public_id=row["id"])
    assert row["row_hash"] == tx.row_hash
    person = Finding.objects.get(rule="limit_candidate", donor_name="黃三")
    assert person.confidence == "approximate" and 0.9 <= person.score < 1
    assert len(person.evidence["transactions"]) == 2
    screen = Finding.objects.filter(rule="benford_first").first()
    assert screen.confidence == "screen"

    page = client.get(f"/donations/findings/{over.public_id}/").content.decode()
    assert "Art. 18" in page and tx.row_hash in page
    url = f"/donations/findings/{over.public_id}/review/"
    client.force_login(citizen)
    assert client.post(url, {"note": "x"}).status_code == 404
    client.force_login(loaded)
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "查核帳戶明細，屬實"}).status_code == 302
    over.refresh_from_db()
    assert over.reviewed and over.review_note == "查核帳戶明細，屬實"
    assert AuditEvent.objects.filter(verb="donations.finding_reviewed").count() == 1
    # a refresh keeps the review
    from opengov.donations import services

    services.findings_refresh(actor=loaded)
    over.refresh_from_db()
    assert over.reviewed and over.current


def test_api(client, loaded):
    body = client.get("/api/v1/donations", {"q": "示範營造"}).json()
    assert body["count"] >= 2 and body["items"][0]["row_hash"]
    findings = client.get("/api/v1/donations/findings", {"rule": "cash"}).json()
    assert findings["count"] == 1 and findings["items"][0]["article"].endswith("NT$100,000)")
    one = findings["items"][0]["id"]
    assert client.get(f"/api/v1/donations/findings/{one}").status_code == 200
    assert client.get("/api/v1/donations/findings/nope").status_code == 404
    corrected = Transaction.objects.get(filing__recipient__name="王小明", line="2")
    item = client.get(f"/api/v1/donations/{corrected.public_id}").json()["item"]
    assert [v["version"] for v in item["versions"]] == [1, 2]
    assert item["versions"][1]["changes"]["income"] == [50000, 55000]
    assert client.post(
        f"/api/v1/donations/findings/{one}/review", {"note": "x"}, content_type="application/json"
    ).status_code in (401, 403, 404)
    assert client.get("/api/v1/donations/recipients").json()["count"] >= 4
    assert client.get("/api/v1/donations/elections").json()["count"] == 2


def test_import_pages_for_analysts_only(
    client, loaded, citizen, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    assert client.get("/donations/imports/").status_code == 404
    client.force_login(loaded)
    assert client.get("/donations/imports/").status_code == 200
    data = demo.big5(demo.HEADER, ["1,王小明,x,1,113/02/30,個人捐贈收入,林一,A12345****,100"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/donations/imports/", {"file": SimpleUploadedFile("bad.csv", data)})
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert "113/02/30" in text and "<caption>" in text


def test_analyst_sets_an_elections_vote_date(client, loaded, citizen):
    from opengov.donations.models import Election

    election = Election.objects.get(name=demo.LEGISLATIVE)
    url = f"/api/v1/donations/elections/{election.public_id}"
    body = {"office": "legislator", "vote_date": "2024-01-20"}
    client.force_login(citizen)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(loaded)
    bad = client.post(url, {"office": "king"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "office"
    ok = client.post(url, body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["item"]["vote_date"] == "2024-01-20"
    election.refresh_from_db()
    assert str(election.vote_date) == "2024-01-20"
    assert AuditEvent.objects.filter(verb="donations.election_updated").exists()


def test_open_data_exports_and_personal_data(loaded):
    from opengov.core.exporters import get_exporter
    from opengov.core.personal_data import collect

    rows = list(get_exporter("donations-transactions").public_rows())
    assert len(rows) == Transaction.objects.count()
    person = next(r for r in rows if r["donor"] == "黃三")
    assert person["id_as_published"] == "E12345****" and person["address"] == ""
    company = next(r for r in rows if r["business_number"] == "90000023")
    assert company["address"] == "" or company["donor_kind"] == "company"
    broken = next(r for r in rows if r["id_as_published"] == "3100003")
    assert broken["flags"] == "bn_lost_zero" and broken["business_number"] == ""
    findings = list(get_exporter("donations-findings").public_rows())
    assert {f["rule"] for f in findings} >= {"limit_candidate", "contractor", "benford_first"}
    assert all(len(h) == 64 for f in findings for h in f["row_hashes"].split())
    section = collect(loaded)["donations"]
    assert {i["filename"] for i in section["imports"]} >= {"demo-cy-detail.csv"}


def test_a_refresh_rewrites_findings_found_again_in_a_few_statements(loaded):
    """Findings found again get the rules' values back and keep their identity, detection
    and review; a finding no longer found stops being current; the writes are batched."""
    fields = ["public_id", "rule", "summary", "evidence", "amount", "detected_at", "current"]
    fields += ["recipient_id", "score", "reviewed", "review_note"]
    current = Finding.objects.filter(current=True)
    current.filter(pk=current.first().pk).update(reviewed=True, review_note="ok")
    before = {f["key"]: f for f in Finding.objects.values("key", *fields)}
    found = current.count()
    assert found > 2
    renamed = current.exclude(reviewed=True).first()
    current.update(summary="stale", evidence={}, amount=None, current=False)
    Finding.objects.filter(pk=renamed.pk).update(key="0" * 64, current=True)
    table = connection.ops.quote_name(Finding._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        counts = findings.store(actor=loaded)
    assert counts == {"found": found, "new": 1, "no_longer_found": 1}
    after = {f["key"]: f for f in Finding.objects.values("key", *fields)}
    assert after.pop("0" * 64)["current"] is False
    again = after.pop(renamed.key)  # found again under its own key: a new finding
    assert again["public_id"] != renamed.public_id and again["reviewed"] is False
    expected = before.pop(renamed.key)
    assert {k: again[k] for k in ("rule", "summary", "evidence", "amount", "current")} == {
        k: expected[k] for k in ("rule", "summary", "evidence", "amount", "current")
    }
    assert after == before
    updates = [q for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert len(updates) <= 2  # the findings found again, then those no longer found
