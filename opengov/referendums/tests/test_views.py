"""Pages: list, case, signing with a local signer's package, the receipt check, certificate
sign-in, and the signing client."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command

from opengov.referendums import certs

from .conftest import esign, make_id

pytestmark = pytest.mark.django_db


def test_list_and_detail_escape_and_show_progress(make_case, client, pki):
    case = make_case("collecting")
    esign(pki, case, 2)
    page = client.get("/referendums/").content.decode()
    assert "&lt;b&gt;是否同意&lt;/b&gt;" in page and "<b>是否同意" not in page
    detail = client.get(f"/referendums/{case.public_id}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "<progress" in html and "&lt;script&gt;" in html
    assert "— " in html  # the signed checkpoint note
    assert client.get("/referendums/nope/").status_code == 404


def test_sign_page_accepts_a_local_signers_package(make_case, client, pki, clock):
    case = make_case("collecting")
    citizen = pki.issue(make_id(2))
    package = citizen.package(case_id=str(case.public_id), stage="petition", when=clock.now())
    url = f"/referendums/{case.public_id}/sign/"
    assert str(case.public_id) in client.get(url).content.decode()
    response = client.post(url, {"signed_package": json.dumps(package)})
    assert response.status_code == 201
    html = response.content.decode()
    assert "inclusion_proof" in html
    again = client.post(url, {"signed_package": json.dumps(package)})
    assert again.status_code == 400 and "您已於" in again.content.decode()
    junk = client.post(url, {"signed_package": "{not json"})
    assert junk.status_code == 400 and "不是 JSON" in junk.content.decode()


def test_receipt_check_without_javascript(make_case, client, pki):
    case = make_case("collecting")
    _, receipt = esign(pki, case, 2)
    ok = client.post("/referendums/verify/", {"receipt": json.dumps(receipt)})
    assert 'data-verdict="ok"' in ok.content.decode()
    receipt["leaf_index"] += 1
    bad = client.post("/referendums/verify/", {"receipt": json.dumps(receipt)})
    assert 'data-verdict="fail"' in bad.content.decode()


def test_certificate_sign_in_sets_the_level(client_for, citizen, pki, clock):
    client = client_for(citizen)
    client.get("/referendums/certificate/")
    challenge = client.session["referendum_challenge"]
    holder = pki.issue(make_id(2))
    text = certs.sign_in_text(
        national_id=make_id(2), challenge=challenge, signed_at=clock.now().isoformat()
    )
    package = holder.package(case_id="", stage="", when=clock.now(), statement=text)
    wrong = holder.package(
        case_id="",
        stage="",
        when=clock.now(),
        statement=certs.sign_in_text(
            national_id=make_id(2), challenge="0" * 32, signed_at=clock.now().isoformat()
        ),
    )
    refused = client.post("/referendums/certificate/", {"signed_package": json.dumps(wrong)})
    assert refused.status_code == 400
    citizen.refresh_from_db()
    assert citizen.verification_level != "certificate"
    response = client.post("/referendums/certificate/", {"signed_package": json.dumps(package)})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.verification_level == "certificate"


def test_signing_client_produces_an_accepted_package(make_case, pki, tmp_path, clock, client):
    case = make_case("collecting")
    holder = pki.issue(make_id(2))
    key = tmp_path / "key.pem"
    cert = tmp_path / "cert.pem"
    key.write_bytes(
        holder.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert.write_bytes(holder.cert.public_bytes(serialization.Encoding.PEM))
    import io

    out = io.StringIO()
    call_command(
        "referendum_sign",
        case=str(case.public_id),
        stage="petition",
        national_id=make_id(2),
        key=str(key),
        cert=str(cert),
        stdout=out,
    )
    package = json.loads(out.getvalue())
    response = client.post(
        f"/api/v1/referendums/cases/{case.public_id}/signatures",
        package,
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_open_a_case_page(client_for, citizen, small_profile):
    from opengov.referendums.models import Case

    from .conftest import LEAD_ID

    assert client_for(None).get("/referendums/new/").status_code == 302
    client = client_for(citizen)
    too_long = client.post(
        "/referendums/new/", {"main_text": "字" * 101, "reasons": "理由", "national_id": LEAD_ID}
    )
    assert too_long.status_code == 400 and not Case.objects.exists()
    response = client.post(
        "/referendums/new/", {"main_text": "是否同意？", "reasons": "理由", "national_id": LEAD_ID}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{case.public_id}/")


def test_case_page_actions_follow_the_roles(make_case, client_for, lead, official, citizen, clock):
    from opengov.referendums import services

    from .conftest import adult, roll_csv

    case = make_case("review")
    url = f"/referendums/{case.public_id}/act/"
    page = client_for(official).get(f"/referendums/{case.public_id}/").content.decode()
    # approval waits for the household offices' check of the proposers (Art. 10)
    assert 'value="check_proposers"' in page and 'value="approve"' not in page
    assert "proposer-check-heading" in page
    citizen_page = client_for(citizen).get(f"/referendums/{case.public_id}/").content.decode()
    assert 'value="check_proposers"' not in citizen_page
    # a citizen's attempt is refused and changes nothing
    client_for(citizen).post(url, {"action": "check_proposers"})
    case.refresh_from_db()
    assert case.proposers_checked_at is None
    services.roll_import(actor=official, data=roll_csv([adult(1)]), reference_date=clock.today())
    client_for(official).post(url, {"action": "check_proposers"})
    case.refresh_from_db()
    assert case.proposers_checked_at is not None
    page = client_for(official).get(f"/referendums/{case.public_id}/").content.decode()
    assert 'value="approve"' in page and 'value="check_proposers"' not in page
    assert (
        'value="approve"'
        not in client_for(citizen).get(f"/referendums/{case.public_id}/").content.decode()
    )
    client_for(citizen).post(url, {"action": "approve"})
    case.refresh_from_db()
    assert case.approved_at is None
    assert client_for(official).post(url, {"action": "nonsense"}).status_code == 404
    client_for(official).post(url, {"action": "approve"})
    case.refresh_from_db()
    assert case.approved_at is not None
    client_for(lead).post(url, {"action": "collect_code"})
    case.refresh_from_db()
    assert case.code_collected_at is not None


def test_paper_and_roll_upload_pages(make_case, client_for, official, citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opengov.referendums.models import RollEntry, Signature

    from .conftest import adult, roll_csv

    case = make_case("collecting")
    url = f"/referendums/{case.public_id}/paper/"
    assert client_for(citizen).get(url).status_code == 404
    bad = SimpleUploadedFile(
        "p.csv", f"national_id,signed_on,page\nX,2026-01-01,1\n{make_id(3)},2026-01-01,1\n".encode()
    )
    response = client_for(official).post(url, {"file": bad})
    assert response.status_code == 400 and "<td>2</td>" in response.content.decode()
    assert not Signature.objects.filter(method="paper").exists()
    good = SimpleUploadedFile(
        "p.csv", f"national_id,signed_on,page\n{make_id(3)},2026-01-01,1\n".encode()
    )
    assert client_for(official).post(url, {"file": good}).status_code == 200
    assert Signature.objects.filter(method="paper").count() == 1
    roll = SimpleUploadedFile("r.csv", roll_csv([adult(1), adult(2)]).encode())
    response = client_for(official).post(
        "/referendums/roll/", {"file": roll, "reference_date": "2026-01-01"}
    )
    assert response.status_code == 200
    assert RollEntry.objects.filter(roll__active=True).count() == 2
    assert client_for(citizen).get("/referendums/roll/").status_code == 404
