"""Registry pages: search, company and person pages (escaped, with registered sections),
imports with progress and report, the review queue; a permission matrix on each."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.registry import imports, pages, services
from opengov.registry.models import BoardSeat, ImportRun, MatchCandidate, MatchDecision

ROLES = ("anonymous", "citizen", "other_official", "official", "moderator", "admin")
MANAGERS = {"moderator", "admin"}


@pytest.fixture
def org(db):
    org = services.organisation_resolve(
        actor=None,
        business_number="22099132",
        name="<script>alert(1)</script>台灣測試股份有限公司",
        address="臺北市中正區重慶南路一段122號",
    )
    person = services.person_resolve(actor=None, name="<b>王小明</b>", masked_id="A12345****")
    BoardSeat.objects.create(organisation=org, person=person, position="董事", role="director")
    BoardSeat.objects.create(
        organisation=org,
        person=person,
        position="監察人",
        role="supervisor",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2022, 1, 1),
    )
    return org


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_company_page_for_everyone(role, people, client_for, org):
    html = (
        client_for(people[role]).get(f"/registry/organisations/{org.public_id}/").content.decode()
    )
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "22099132" in html and "checksum" not in html  # the flag is shown by its label
    assert "&lt;b&gt;王小明&lt;/b&gt;" in html
    assert "2022-01-01" in html  # the former seat


@pytest.mark.django_db
def test_company_page_as_of_a_date(client, org):
    html = client.get(f"/registry/organisations/{org.public_id}/", {"on": "2021-01-01"}).content
    assert "監察人".encode() in html
    bad = client.get(f"/registry/organisations/{org.public_id}/", {"on": "nope"})
    assert bad.status_code == 200


@pytest.mark.django_db
def test_person_page_and_404s(client, org):
    person = BoardSeat.objects.first().person
    html = client.get(f"/registry/people/{person.public_id}/").content.decode()
    assert "A12345****" in html and org.public_id.hex[:8] in html.replace("-", "")
    assert client.get("/registry/people/nope/").status_code == 404
    assert (
        client.get("/registry/organisations/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


@pytest.mark.django_db
def test_registered_sections_show_on_both_pages(client, org):
    pages.register_section(
        "test-section",
        title="Test section",
        template="registry/tests/_section.html",
        organisation=lambda o, request: {"text": f"org {o.name}"},
        person=lambda p, request: None,  # nothing to show for people
    )
    try:
        html = client.get(f"/registry/organisations/{org.public_id}/").content.decode()
        assert "Test section" in html and "org &lt;script&gt;" in html
        person = BoardSeat.objects.first().person
        assert (
            "Test section"
            not in client.get(f"/registry/people/{person.public_id}/").content.decode()
        )
    finally:
        pages.unregister_section("test-section")


@pytest.mark.django_db
def test_search_page(client, org):
    html = client.get("/registry/", {"q": "臺灣測試(股)公司"}).content.decode()
    assert str(org.public_id) in html
    assert client.get("/registry/", {"q": "22099132"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_import_pages_matrix(role, people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people[role])
    data = (
        "Business_Accounting_NO,Company_Name,Company_Setup_Date\r\n"
        "22099131,台灣積體電路製造股份有限公司,0760221\r\n"
    ).encode("cp950")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/registry/imports/",
            {"dataset": "basic", "file": SimpleUploadedFile("b.csv", data), "as_of": ""},
        )
    if role not in MANAGERS:
        assert response.status_code == 404
        assert ImportRun.objects.count() == 0
        assert client.get("/registry/imports/").status_code == 404
        return
    run = ImportRun.objects.get()
    assert response.status_code == 302 and str(run.public_id) in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page and "http-equiv" not in page


@pytest.mark.django_db
def test_running_import_page_refreshes_and_shows_progress(keeper, client_for):
    run = imports.import_start(
        actor=keeper,
        filename="big.csv",
        data=b"Business_Accounting_NO,Company_Name\r\n",
        dataset="basic",
    )
    ImportRun.objects.filter(pk=run.pk).update(state="running", total=1000, processed=500)
    html = client_for(keeper).get(f"/registry/imports/{run.public_id}/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert "<progress" in html and 'value="25"' in html
    assert "500" in html


@pytest.mark.django_db
def test_rejected_import_page_lists_rows(keeper, client_for, django_capture_on_commit_callbacks):
    data = "Business_Accounting_NO,Company_Name\r\n,<i>無統編</i>\r\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        run = imports.import_start(actor=keeper, filename="bad.csv", data=data, dataset="basic")
    html = client_for(keeper).get(f"/registry/imports/{run.public_id}/").content.decode()
    assert "Business_Accounting_NO" in html and "<i>無統編" not in html


@pytest.mark.django_db
def test_import_form_errors_are_shown(keeper, client_for):
    response = client_for(keeper).post("/registry/imports/", {"dataset": "basic"})
    assert response.status_code == 400
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_review_pages_matrix(role, people, client_for):
    services.organisation_resolve(actor=None, name="聯華電子半導體股份有限公司")
    services.organisation_resolve(actor=None, name="聯華電子半導體股分有限公司")
    item = MatchCandidate.objects.get()
    client = client_for(people[role])
    queue = client.get("/registry/review/")
    response = client.post(f"/registry/review/{item.public_id}/", {"decision": "unsure"})
    item.refresh_from_db()
    if role not in MANAGERS:
        assert queue.status_code == 404 and response.status_code == 404
        assert item.decision == "" and MatchDecision.objects.count() == 0
        return
    assert "聯華電子半導體股分有限公司" in queue.content.decode()
    assert response.status_code == 302
    assert item.decision == "unsure"
    assert MatchDecision.objects.get().decision == "unsure"


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_on_request(client, org):
    url = f"/registry/organisations/{org.public_id}/"
    assert "統一編號" in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unified business number" in english


@pytest.mark.django_db
def test_main_members_from_the_board(client, org):
    person = services.person_resolve(actor=None, name="陳大文", nationality="香港")
    BoardSeat.objects.create(organisation=org, person=person, position="董事長", role="chair")
    html = client.get(f"/registry/organisations/{org.public_id}/").content.decode()
    assert "主要成員" in html and "香港" in html


@pytest.mark.django_db
def test_merged_organisation_page_redirects(client, keeper, org):
    dup = services.organisation_resolve(actor=None, name="重複有限公司")
    old = dup.public_id
    services.organisation_merge(actor=keeper, duplicate=dup, into=org)
    response = client.get(f"/registry/organisations/{old}/")
    assert response.status_code == 302 and str(org.public_id) in response["Location"]
