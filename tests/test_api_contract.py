"""The API contract: the OpenAPI document is exact (unique schema names, every operation's
response and error responses, public reads open to anyone, limits and enumerations), real
answers conform to it (schemathesis, all checks, in-process), and the API behaves one way
(JSON errors for unknown paths, one trailing-slash rule, 401 for anonymous writes, 422 for
refused input in the caller's language, offline docs)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja import Schema

import opengov
from opengov.api import api
from opengov.wsgi import application

DOCUMENT = api.get_openapi_schema()
METHODS = ("get", "post", "put", "patch", "delete")


def _operations():
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                yield path, method, operation


def test_schema_names_never_collide():
    """Two schemas with one name would replace each other in the document."""
    seen: dict[str, str] = {}
    for module in pkgutil.walk_packages(opengov.__path__, "opengov."):
        if ".tests" in module.name or module.name.endswith((".manage", ".asgi", ".wsgi")):
            continue
        if module.name.rsplit(".", 1)[-1] not in ("api", "schemas", "pagination"):
            continue
        loaded = importlib.import_module(module.name)
        for name, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, Schema) and value.__module__ == module.name:
                assert name not in seen, f"{name} in {module.name} and {seen[name]}"
                seen[name] = module.name
    schemas = DOCUMENT["components"]["schemas"]
    assert "stance" in schemas["ConsultationCommentIn"]["properties"]
    assert "article" in schemas["ConsultationCommentIn"]["properties"]
    assert "kind" in schemas["ConsultationIn"]["properties"]


def test_every_operation_documents_its_answers():
    error = {"$ref": "#/components/schemas/Error"}
    assert DOCUMENT["components"]["schemas"]["Error"]["properties"]["error"]
    for path, method, operation in _operations():
        responses = operation["responses"]
        assert any(code.startswith("2") for code in map(str, responses)), (path, method)
        for code in (404, 422):
            content = responses[code]["content"]["application/json"]["schema"]
            assert content == error, (path, method, code)
        if method != "get":
            assert 401 in responses and 403 in responses, (path, method)


#: writes authenticated by a citizen certificate's signature in the body, not by a session or
#: token: a referendum signature needs no account on the platform (the CEC's system needs none)
CERTIFICATE_WRITES = {("/api/v1/referendums/cases/{case_id}/signatures", "post")}


def test_public_reads_need_no_authentication():
    public = [
        "/api/v1/proposals",
        "/api/v1/consultations",
        "/api/v1/action-plans/plans",
        "/api/v1/open-data/datasets",
    ]
    for path in public:
        security = DOCUMENT["paths"][path]["get"].get("security")
        assert security is None or {} in security, path
    for path, method, operation in _operations():
        if method != "get" and (path, method) not in CERTIFICATE_WRITES:
            assert {} not in operation.get("security", []), (path, method)


def test_limits_and_enumerations_are_in_the_document():
    lists = 0
    for path, _method, operation in _operations():
        parameters = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
        if "page" in parameters:
            lists += 1
            assert parameters["page"]["minimum"] == 1, path
            assert parameters["page_size"]["minimum"] == 1, path
            assert parameters["page_size"]["maximum"] == 100, path
    assert lists >= 9
    states = DOCUMENT["paths"]["/api/v1/consultations"]["get"]["parameters"]
    state = next(p for p in states if p["name"] == "state")["schema"]
    assert "closed" in json.dumps(state)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/proposals/not-an-id",
        "/api/v1/consultations/not-a-uuid",
        "/api/v1/action-plans/",
        "/api/v1/action-plans/plans/none/commitments",
        "/api/v1/open-data/datasets/none",
    ],
)
def test_unknown_paths_and_malformed_ids_are_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_wrong_method_is_a_json_405(client):
    response = client.get("/api/v1/accounts/tokens/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 405 and "DELETE" in response["Allow"]
    assert response.json()["error"]["code"] == "method_not_allowed"
    english = client.get("/api/v1/open-data/datasets/none", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/open-data/datasets/none", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert english.json()["error"]["message"] != chinese.json()["error"]["message"]


@pytest.mark.django_db
def test_one_trailing_slash_rule(client):
    paths = [path for path in DOCUMENT["paths"] if "{" not in path]
    assert all(not path.endswith("/") for path in paths), paths
    for path in ("/api/v1/proposals", "/api/v1/consultations", "/api/v1/action-plans/plans"):
        plain, slashed = client.get(path), client.get(path + "/")
        assert plain.status_code == slashed.status_code == 200
        assert plain.json() == slashed.json()


@pytest.mark.django_db
def test_anonymous_and_bad_token_writes_are_401(client):
    body = json.dumps({"title": "x"})
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        response = client.post(
            "/api/v1/proposals", body, content_type="application/json", **headers
        )
        assert response.status_code == 401, response.content
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_refused_input_is_422_in_the_callers_language(client_for, citizen, client):
    signed_in = client_for(citizen)
    for body in ('"AAA"', "[1, 2]", "12"):
        response = signed_in.post("/api/v1/proposals", body, content_type="application/json")
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid"
    broken = signed_in.post("/api/v1/proposals", "{", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "malformed_body"
    for query, field in (
        ("state=nope", "state"),
        ("until=0", "until"),
        ("since=20260101", "since"),
        ("page=0", "page"),
        ("page_size=101", "page_size"),
        ("sort=random", "sort"),
    ):
        response = client.get(f"/api/v1/proposals?{query}")
        assert response.status_code == 422, query
        assert response.json()["error"]["field"] == field
    unknown = client.get("/api/v1/consultations?state=nope")
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "state"
    english = client.get("/api/v1/proposals?page=0", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/proposals?page=0", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert english.json()["error"]["message"] == "Must be at least 1."
    assert chinese.json()["error"]["message"] != english.json()["error"]["message"]
    assert re.search(r"[\u4e00-\u9fff]", chinese.json()["error"]["message"])


@pytest.mark.django_db
def test_docs_work_offline(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert references, html
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in references), references
    assert "cdn" not in html.lower()
    for ref in references:
        if ref.startswith("/static/"):
            assert client.get(ref).status_code == 200, ref


@pytest.fixture
def token(citizen):
    from opengov.accounts import services

    return services.token_create(actor=citizen, name="contract")[1]


@pytest.fixture
def keep_connection():
    """Requests sent to the WSGI application keep the test's database connection open, as
    Django's test client does (its transaction is rolled back after the test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# bounded in time: random (valid and invalid) requests per operation, without the exhaustive
# boundary cases of the coverage phase (the targeted tests above cover the boundaries)
schema.config.phases.coverage.enabled = False
# a request the schema allows may still break a rule only a service knows (an agency that does
# not exist, a title of spaces, a closed period, the profile's limits): that is a 422 naming
# the field, or 404/409/429; a 400 or a server error still fails
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2XX",
    "401",
    "403",
    "404",
    "409",
    "422",
    "429",
]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_answers_conform_to_the_document(case, keep_connection, token):
    """Generated requests (valid and invalid) to every operation, answered in-process, as a
    signed-in person (so writes reach their validation); every built-in check: no server
    error, documented status, content type, headers and schema."""
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
