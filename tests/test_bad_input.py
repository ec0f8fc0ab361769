"""Bad input never makes a server error: every list parameter of every API route (found by
walking the OpenAPI document), the pages with lists, the CKAN and DCAT endpoints and the
feeds answer a 4xx for a NUL byte or a page number no database can reach; malformed
multipart bodies and oversized bodies answer the JSON error."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from opengov.api import api

pytestmark = pytest.mark.django_db

HUGE = "100000000000000000000"  # 10^20: past any 64-bit offset
NUL = "a\x00b"


@pytest.fixture
def demo(settings):
    settings.OPENGOV_RATE_LIMITS = {}
    call_command("load_demo", stdout=io.StringIO())


def _real_ids(client) -> dict[str, str]:
    """One real value for each kind of path parameter, so the query reaches the database."""
    proposals = client.get("/api/v1/proposals").json()["items"]
    consultations = client.get("/api/v1/consultations").json()["items"]
    plans = client.get("/api/v1/action-plans/plans").json()["items"]
    datasets = client.get("/api/v1/open-data/datasets").json()["items"]
    slug = plans[0]["slug"]
    plan = client.get(f"/api/v1/action-plans/plans/{slug}").json()
    commitment = plan["commitments"][0]["id"]
    milestones = client.get(f"/api/v1/action-plans/commitments/{commitment}").json()["milestones"]
    return {
        "proposals": proposals[0]["id"],
        "consultations": consultations[0]["id"],
        "slug": slug,
        "commitments": commitment,
        "milestones": milestones[0]["id"],
        "name": datasets[0]["name"],
    }


def _fill(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "slug":
            return ids["slug"]
        if name == "name":
            return ids["name"]
        section = path.split("/")[3] if path.count("/") > 3 else ""
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return ids.get(before) or ids.get(section, "00000000-0000-0000-0000-000000000000")

    return re.sub(r"{([^}]+)}", value, path)


def _list_operations() -> list[tuple[str, list[str]]]:
    document = api.get_openapi_schema()
    found = []
    for path, methods in document["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        found.append((path, names))
    return found


def test_every_api_query_parameter_refuses_nul_and_huge_pages(client_for, citizen, demo):
    client = client_for(citizen)  # signed in, so the parameters of private lists are reached
    ids = _real_ids(client)
    operations = _list_operations()
    lists = [path for path, names in operations if "page" in names]
    assert len(lists) >= 9, lists  # the walk found the lists
    for path, names in operations:
        url = _fill(path, ids)
        for name in [*names, "q", "id"]:
            for value in (NUL, HUGE, "-1", "x" * 5000):
                response = client.get(url, {name: value})
                assert response.status_code < 500, (url, name, value, response.status_code)
                if value == NUL:
                    assert response.status_code == 422, (url, name)
                    assert response.json()["error"]["field"] == name
        if "page" in names:
            response = client.get(url, {"page": HUGE})
            assert response.status_code == 422, url
            assert response.json()["error"]["field"] == "page"


PAGES = [
    "/data/",
    "/data/catalog.ttl",
    "/data/catalog.jsonld",
    "/proposals/",
    "/consultations/",
    "/consultations/feed.atom",
    "/action-plans/",
    "/activity/",
    "/proposals/feeds/new/",
]
PAGE_PARAMETERS = ["q", "fq", "id", "theme", "agency", "publisher", "format", "licence", "page"]


def test_pages_refuse_nul_and_bound_pages(client, demo):
    for url in PAGES:
        for name in [*PAGE_PARAMETERS, "state", "kind", "sort", "tag", "verb"]:
            response = client.get(url, {name: NUL})
            assert response.status_code == 400, (url, name)
            response = client.get(url, {name: HUGE})
            assert response.status_code < 500, (url, name)


def test_ckan_refuses_nul_and_huge_numbers(client, demo):
    for action in ("package_search", "package_show", "package_list", "organization_list"):
        url = f"/api/3/action/{action}"
        for name in ("q", "fq", "id", "rows", "start", "offset", "limit", "sort"):
            response = client.get(url, {name: NUL})
            assert response.status_code == 422, (action, name)
            response = client.get(url, {name: HUGE})
            assert response.status_code < 500, (action, name, response.content[:300])
            body = json.dumps({name: NUL})
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 409, (action, name)
            assert response.json()["success"] is False


def test_multipart_without_boundary_is_a_json_error(client_for, citizen, official, demo):
    from opengov.open_data.models import Dataset
    from opengov.proposals.models import Proposal

    draft = Proposal.objects.filter(status="draft").first() or Proposal.objects.first()
    proposer = client_for(draft.proposer)
    response = proposer.post(
        f"/api/v1/proposals/{draft.public_id}/attachments",
        b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "malformed_body"
    dataset = Dataset.objects.first()
    response = client_for(official).post(
        f"/api/v1/open-data/datasets/{dataset.name}/versions",
        b"garbage",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "malformed_body"


def test_body_over_the_limit_is_a_json_413(client_for, citizen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "x" * 2000, "content": "y"})
    response = client_for(citizen).post("/api/v1/proposals", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_nul_in_a_body_is_a_422_naming_the_field(client_for, citizen, official):
    signed_in = client_for(citizen)
    body = json.dumps({"title": "標題", "agencies": ["a\x00"]})
    response = signed_in.post("/api/v1/proposals", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "agencies.0"
    body = json.dumps({"agency": "x\x00", "kind": "policy", "title": "t", "summary": "s"})
    response = client_for(official).post(
        "/api/v1/consultations", body, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "agency"
    response = client_for(official).post(
        "/api/v1/open-data/datasets/none/versions", {"note": "a\x00", "encoding": "auto"}
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "note"
