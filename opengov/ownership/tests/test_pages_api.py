"""Pages and API: the public view, the confidential register (AML reviewers only, audited),
declarations, imports, downloads, datasets, the registry section; permission matrices."""

from __future__ import annotations

import io
import json

import pytest

from opengov.core.exporters import get_exporter
from opengov.core.models import AuditEvent
from opengov.ownership import bods, demo, services
from opengov.ownership.models import Party, Relationship, Representative

pytestmark = pytest.mark.django_db

DENIED = ["anonymous", "citizen", "other_official", "official", "moderator", "admin"]


@pytest.fixture
def aml(db):
    from opengov.accounts.tests.factories import UserFactory

    return UserFactory(is_aml_reviewer=True)


@pytest.fixture
def register(aml):
    data = json.dumps(demo.statements(), ensure_ascii=False).encode()
    services.bods_import(actor=aml, stream=io.BytesIO(data), filename="demo.json")
    return {p.record_id: p for p in Party.objects.all()}


def restricted_views():
    return AuditEvent.objects.filter(verb="ownership.restricted_viewed").count()


def test_demo_register_shows_a_chain_a_cycle_and_both_fall_backs(client, register):
    def get(rid):
        return client.get(f"/api/v1/ownership/entities/{register[rid].public_id}").json()

    chain = get("demo-e-yi")
    assert chain["basis"] == "ownership"
    assert [(o["person"]["name"], o["band"], o["direct"]) for o in chain["owners"]] == [
        ("王大明", "超過 25 %", False)
    ]
    cycle = get("demo-e-ding")
    assert cycle["cycles"] and cycle["converged"]
    assert [o["person"]["name"] for o in cycle["owners"]] == ["林志強"]
    assert get("demo-e-ji")["basis"] == "control"
    assert [o["person"]["name"] for o in get("demo-e-ji")["owners"]] == ["張家豪"]
    assert get("demo-e-geng")["basis"] == "senior_management"


def test_threshold_follows_the_profile(client, register, profile):
    profile(ownership={"threshold_percent": 30.0})
    view = client.get(f"/api/v1/ownership/entities/{register['demo-e-yi'].public_id}").json()
    assert view["owners"] == [] and view["basis"] == "none"


@pytest.mark.parametrize("role", [*DENIED, "aml"])
def test_public_page_shows_owners_and_bands_never_the_register(
    client_for, people, aml, register, role
):
    user = aml if role == "aml" else people[role]
    response = client_for(user).get(f"/ownership/entities/{register['demo-e-yi'].public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "王大明" in html and "超過 25 %" in html and "<svg" in html
    # not a beneficial owner, date of birth, exact holdings: not on the public page
    assert "陳美玲" not in html and "1968-04-02" not in html and "27 %" not in html
    assert restricted_views() == 0


@pytest.mark.parametrize("role", DENIED)
def test_confidential_register_denied_shows_nothing_and_records_nothing(
    client_for, people, register, role
):
    party = register["demo-e-yi"]
    before = AuditEvent.objects.count()
    page = client_for(people[role]).get(f"/ownership/entities/{party.public_id}/register/")
    api = client_for(people[role]).get(f"/api/v1/ownership/entities/{party.public_id}/register")
    assert page.status_code == 404 and "陳美玲" not in page.content.decode()
    assert api.status_code in (401, 404) and "陳美玲" not in api.content.decode()
    assert AuditEvent.objects.count() == before


def test_confidential_register_for_aml_reviewers_is_audited(client_for, aml, register):
    party = register["demo-e-yi"]
    c = client_for(aml)
    page = c.get(f"/ownership/entities/{party.public_id}/register/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "陳美玲" in html and "1968-04-02" in html and "27 %" in html
    api = c.get(f"/api/v1/ownership/entities/{party.public_id}/register").json()
    assert api["owners"][0]["share"] == "27 %"
    assert {h["person"]["name"] for h in api["holdings"]} == {"王大明", "陳美玲"}
    events = AuditEvent.objects.filter(verb="ownership.restricted_viewed").order_by("seq")
    assert [e.changes["view"] for e in events] == ["entity_page", "api"]
    assert all(e.actor_id == aml.pk and e.target_id == str(party.public_id) for e in events)


def test_user_text_is_escaped(client, aml):
    from opengov.ownership.tests.test_bods import as_file, chain_statements

    services.bods_import(actor=aml, stream=as_file(chain_statements()))
    party = Party.objects.get(record_id="ent-subject")
    html = client.get(f"/ownership/entities/{party.public_id}/").content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def _grant(aml, user, party):
    services.representative_grant(actor=aml, user=user, party=party)


def test_declaration_form_field_errors_and_success(client_for, citizen, aml, register):
    party = register["demo-e-yi"]
    _grant(aml, citizen, party)
    c = client_for(citizen)
    url = f"/ownership/entities/{party.public_id}/declare/"
    assert c.get(url).status_code == 200
    count = Relationship.objects.count()
    bad = c.post(
        url,
        {
            "holder_kind": "person",
            "holder_name": "周雅婷",
            "interest_type": "shareholding",
            "share_exact": "150",
            "direct_or_indirect": "direct",
        },
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["share_exact"] == ["持股不可超過 100 %。"]
    bad = c.post(
        url,
        {
            "holder_kind": "person",
            "holder_name": "周雅婷",
            "interest_type": "shareholding",
            "share_exact": "20",
            "direct_or_indirect": "direct",
            "national_id": "A123456788",
        },
    )
    assert bad.status_code == 400 and "national_id" in bad.context["form"].errors
    assert Relationship.objects.count() == count
    ok = c.post(
        url,
        {
            "holder_kind": "person",
            "holder_name": "周雅婷",
            "interest_type": "shareholding",
            "share_exact": "30",
            "direct_or_indirect": "direct",
            "national_id": "A123456789",
            "birth_date": "1990-01-01",
        },
    )
    assert ok.status_code == 302
    holder = Party.objects.get(name="周雅婷")
    assert holder.masked_id == "A12345****" and len(holder.id_hash) == 64
    assert "A123456789" not in json.dumps(list(Party.objects.values()), default=str)
    assert AuditEvent.objects.filter(verb="ownership.declared").count() == 1


@pytest.mark.parametrize("role", DENIED)
def test_declaration_denied_changes_nothing(client_for, people, register, role):
    party = register["demo-e-yi"]
    count = Relationship.objects.count()
    c = client_for(people[role])
    data = {
        "holder_kind": "person",
        "holder_name": "x",
        "interest_type": "shareholding",
        "share_exact": "30",
        "direct_or_indirect": "direct",
    }
    page = c.post(f"/ownership/entities/{party.public_id}/declare/", data)
    api = c.post(
        f"/api/v1/ownership/entities/{party.public_id}/declarations",
        data=json.dumps({"holder_name": "x", "share_exact": 30}),
        content_type="application/json",
    )
    assert page.status_code == 404 and api.status_code in (401, 404)
    assert Relationship.objects.count() == count


def test_api_declaration_by_representative_and_share_field_error(
    client_for, citizen, aml, register
):
    party = register["demo-e-yi"]
    _grant(aml, citizen, party)
    c = client_for(citizen)
    url = f"/api/v1/ownership/entities/{party.public_id}/declarations"
    bad = c.post(
        url,
        data=json.dumps({"holder_name": "周", "share_exact": -1}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "share_exact"
    ok = c.post(
        url,
        data=json.dumps({"holder_name": "周", "share_min": 25, "share_max": 50}),
        content_type="application/json",
    )
    assert ok.status_code == 201


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_official", "official"])
def test_import_and_representatives_denied(client_for, people, register, role):
    c = client_for(people[role])
    assert c.get("/ownership/import/").status_code == 404
    data = io.BytesIO(json.dumps(demo.statements()).encode())
    data.name = "x.json"
    api = c.post("/api/v1/ownership/imports", {"file": data})
    assert api.status_code in (401, 404)
    grant = c.post(
        f"/api/v1/ownership/entities/{register['demo-e-yi'].public_id}/representatives",
        data=json.dumps({"email": "nobody@example.org"}),
        content_type="application/json",
    )
    assert grant.status_code in (401, 404)
    assert Representative.objects.count() == 0


def test_import_page_reports_every_bad_statement(client_for, aml):
    statements = demo.statements()
    statements[-1]["recordDetails"]["interests"][0]["share"] = {"exact": 101}
    statements[-2]["recordDetails"]["subject"] = "demo-e-nowhere"
    upload = io.BytesIO("\n".join(json.dumps(s) for s in statements).encode())
    upload.name = "bad.jsonl"
    response = client_for(aml).post("/ownership/import/", {"file": upload})
    assert response.status_code == 400
    problems = response.context["problems"]
    assert {p["statement"] for p in problems} == {len(statements), len(statements) - 1}
    assert "demo-e-nowhere" in response.content.decode()
    assert Party.objects.count() == 0


def test_api_import_refusal_and_success(client_for, moderator):
    c = client_for(moderator)
    statements = demo.statements()
    statements[-1]["recordDetails"]["interests"][0]["share"] = {"minimum": -3}
    bad = io.BytesIO(json.dumps(statements).encode())
    bad.name = "bad.json"
    refused = c.post("/api/v1/ownership/imports", {"file": bad})
    assert refused.status_code == 422
    body = refused.json()["error"]
    assert body["field"] == "file"
    assert body["problems"][0]["field"] == "recordDetails.interests[0].share.minimum"
    good = io.BytesIO(json.dumps(demo.statements()).encode())
    good.name = "good.json"
    assert c.post("/api/v1/ownership/imports", {"file": good}).status_code == 201
    assert Party.objects.filter(kind="entity").count() == 7


def test_downloads_and_datasets_hold_the_public_part_only(client, register):
    exported = json.loads(b"".join(client.get("/ownership/ownership-bods.json").streaming_content))
    assert [p for p in bods.validate_statements(exported) if not p.is_warning] == []
    text = json.dumps(exported, ensure_ascii=False)
    assert "王大明" in text and "陳美玲" not in text and "1968-04-02" not in text
    ftm = [
        json.loads(line)
        for line in b"".join(client.get("/ownership/ownership-ftm.jsonl").streaming_content)
        .decode()
        .splitlines()
    ]
    schemas = {e["schema"] for e in ftm}
    assert {"Company", "Person", "Ownership", "Directorship"} <= schemas
    assert not any("陳美玲" in json.dumps(e, ensure_ascii=False) for e in ftm)
    rows = list(get_exporter("ownership-beneficial-owners").public_rows())
    assert {(r["entity_name"], r["owner_name"]) for r in rows} >= {
        ("乙科技股份有限公司（示範）", "王大明"),
        ("己能源股份有限公司（示範）", "張家豪"),
    }
    assert all("birth" not in k for r in rows for k in r)
    assert client.get("/api/v1/ownership/export.bods.json").status_code == 200


def test_registry_company_page_shows_the_ownership_section(client, register):
    party = register["demo-e-yi"]
    html = client.get(f"/registry/organisations/{party.registry_id}/").content.decode()
    assert "王大明" in html and "陳美玲" not in html.split("實質受益人")[-1]
    person = register["demo-p-wang"]
    html = client.get(f"/registry/people/{person.registry_id}/").content.decode()
    assert "乙科技股份有限公司（示範）" in html


def test_entity_list_and_search(client, register):
    html = client.get("/ownership/?q=乙科技").content.decode()
    assert "乙科技股份有限公司（示範）" in html and "丁實業" not in html
    listed = client.get("/api/v1/ownership/entities?page_size=3").json()
    assert listed["count"] == 7 and len(listed["items"]) == 3


def test_entity_and_representative_pages(client_for, aml, citizen, moderator):
    c = client_for(aml)
    bad = c.post("/ownership/entities/new/", {"name": "", "business_number": ""})
    assert bad.status_code == 400 and "name" in bad.context["form"].errors
    ok = c.post("/ownership/entities/new/", {"name": "新實體<b>", "business_number": "04595257"})
    assert ok.status_code == 302
    party = Party.objects.get(name="新實體<b>")
    assert party.registry_id is not None
    url = f"/ownership/entities/{party.public_id}/representatives/"
    unknown = c.post(url, {"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "email" in unknown.context["form"].errors
    assert c.post(url, {"email": citizen.email}).status_code == 302
    assert Representative.objects.filter(user=citizen, party=party, active=True).exists()
    # the representative now declares, and sees it in their data download
    declare = client_for(citizen).get(f"/ownership/entities/{party.public_id}/declare/")
    assert declare.status_code == 200
    from opengov.core.personal_data import collect

    assert collect(citizen)["ownership"]["represents"][0]["name"] == "新實體<b>"
    # the API does the same for operators; citizens are refused
    api = client_for(moderator).post(
        "/api/v1/ownership/entities",
        data=json.dumps({"name": "API 實體"}),
        content_type="application/json",
    )
    assert api.status_code == 201
    denied = client_for(citizen).post(
        "/api/v1/ownership/entities",
        data=json.dumps({"name": "x"}),
        content_type="application/json",
    )
    assert denied.status_code == 404 and not Party.objects.filter(name="x").exists()
    assert client_for(citizen).get("/ownership/entities/new/").status_code == 404


@pytest.mark.browser
def test_entity_page_on_a_phone_without_javascript(browser, live_server, register):
    context = browser.new_context(
        locale="zh-TW", viewport={"width": 360, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/ownership/entities/{register['demo-e-ding'].public_id}/")
        svg = page.locator("svg.ownership-network")
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert "丁實業" in svg.locator("title").text_content()
        content = page.locator(".ownership-page").bounding_box()
        assert content["x"] + content["width"] <= 360
        assert "林志強" in page.locator("table").first.inner_text()
    finally:
        context.close()


def test_parties_follow_registry_merges(client, moderator, register):
    from opengov.registry import selectors as registry_selectors
    from opengov.registry import services as registry_services

    party = register["demo-e-yi"]
    old = registry_selectors.organisation_by_public_id(party.registry_id)
    into = registry_services.organisation_resolve(actor=moderator, name="完全不同的新設公司")
    assert into.pk != old.pk
    registry_services.organisation_merge(actor=moderator, duplicate=old, into=into)
    assert services.registry_links_refresh() == 1
    party.refresh_from_db()
    assert party.registry_id == into.public_id
    html = client.get(f"/registry/organisations/{into.public_id}/").content.decode()
    assert "王大明" in html
    assert services.registry_links_refresh() == 0


def test_public_reads_are_cacheable_and_the_register_is_not(client_for, aml, register):
    party = register["demo-e-yi"]
    public = client_for(None).get(f"/api/v1/ownership/entities/{party.public_id}")
    assert public["Cache-Control"].startswith("public")
    restricted = client_for(aml).get(f"/api/v1/ownership/entities/{party.public_id}/register")
    assert restricted["Cache-Control"] == "private, no-store"
    assert client_for(None).get("/api/v1/ownership/entities/not-a-uuid").status_code == 404


def test_full_register_download_is_for_aml_reviewers_and_audited(
    client_for, aml, citizen, register
):
    denied = client_for(citizen).get("/ownership/register-bods.json")
    assert denied.status_code == 404 and restricted_views() == 0
    response = client_for(aml).get("/ownership/register-bods.json")
    assert response.status_code == 200
    statements = json.loads(b"".join(response.streaming_content))
    assert bods.validate_statements(statements) == []
    assert "1968-04-02" in json.dumps(statements) and "陳美玲" in json.dumps(
        statements, ensure_ascii=False
    )
    (event,) = AuditEvent.objects.filter(verb="ownership.restricted_viewed")
    assert event.changes == {"view": "bods_full"} and event.actor_id == aml.pk


def test_the_aml_role_is_granted_by_platform_administrators_only(admin_user, moderator, citizen):
    from opengov.accounts import services as account_services
    from opengov.accounts.permissions import is_aml_reviewer

    roles = {
        "is_moderator": False,
        "is_reviewer": False,
        "is_staff": False,
        "is_superuser": False,
        "is_active": True,
    }
    with pytest.raises(services.ServiceError):
        account_services.user_set_roles(
            actor=moderator, user=citizen, is_aml_reviewer=True, **roles
        )
    citizen.refresh_from_db()
    assert not is_aml_reviewer(citizen)
    account_services.user_set_roles(actor=admin_user, user=citizen, is_aml_reviewer=True, **roles)
    citizen.refresh_from_db()
    assert is_aml_reviewer(citizen)
    event = AuditEvent.objects.get(verb="user.roles_changed")
    assert event.changes == {"is_aml_reviewer": [False, True]}
    # leaving the role out keeps it
    account_services.user_set_roles(actor=admin_user, user=citizen, **roles)
    citizen.refresh_from_db()
    assert is_aml_reviewer(citizen)
