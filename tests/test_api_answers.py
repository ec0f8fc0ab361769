"""Real answers, with data, conform to the response schemas the OpenAPI document declares.

The schemathesis test (`test_api_contract.py`) sends generated requests to an empty database,
where detail reads are 404s; here the demo data is loaded and every public read is called,
lists first and then each detail path with ids taken from the lists' items, and every answer
is validated against the schema of its status in the document.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from opengov.api import api

DOCUMENT = api.get_openapi_schema()
PREFIX = "/api/v1"
#: item keys that fill a path parameter, tried in order
ID_KEYS = ("id", "slug", "name")


def _schema(path: str, status: int) -> dict | None:
    responses = DOCUMENT["paths"][path]["get"]["responses"]
    content = responses.get(status, responses.get(str(status), {})).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return None
    return {**schema, "components": DOCUMENT["components"]}


def _problems(path: str, status: int, body: object) -> list[str]:
    schema = _schema(path, status)
    assert schema is not None, f"{path} answers {status} without a documented JSON schema"
    validator = Draft202012Validator(schema)
    return [
        f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(body)
    ]


def _public_reads() -> list[str]:
    found = []
    for path, methods in DOCUMENT["paths"].items():
        get = methods.get("get")
        if get is None or (get.get("security") and {} not in get["security"]):
            continue
        found.append(path)
    return found


def _collect(body: object, pool: dict[str, list[str]], name: str = "") -> None:
    """Ids in an answer, by the name of the list they are in (`items` by the path's)."""
    if isinstance(body, dict):
        for key, value in body.items():
            _collect(value, pool, name if key == "items" else key)
    elif isinstance(body, list):
        for item in body[:3]:
            if isinstance(item, dict) and name:
                for key in ID_KEYS:
                    if isinstance(item.get(key), str | int) and item[key] != "":
                        pool.setdefault(name, []).append(str(item[key]))
            _collect(item, pool, name)


@pytest.mark.django_db
def test_public_answers_with_data_conform_to_their_schemas(client):
    call_command("load_demo", stdout=StringIO())
    reads = _public_reads()
    pool: dict[str, list[str]] = {}  # collection name -> ids, slugs and names seen
    checked, problems = set(), []

    def check(path: str, url: str) -> bool:
        response = client.get(url, HTTP_ACCEPT="application/json")
        if response.status_code != 200 or response.streaming:
            return False  # file downloads (BODS, FollowTheMoney, CSV) and unknown ids
        if not response["Content-Type"].startswith("application/json"):
            return False
        body = response.json()
        problems.extend(_problems(path, 200, body))
        _collect(body, pool, url.rstrip("/").rsplit("/", 1)[-1])
        checked.add(path)
        return True

    for path in [p for p in reads if "{" not in p]:
        check(path, path)
    # detail paths, twice: a detail answer names the records of the next level
    for _round in range(2):
        for path in [p for p in reads if p.count("{") == 1 and p not in checked]:
            collection = re.search(r"/([^/{}]+)/\{", path).group(1)
            for value in dict.fromkeys(pool.get(collection, [])):
                if check(path, re.sub(r"\{[^}]+\}", value, path)):
                    break
    assert not problems, "\n".join(problems[:20])
    for path in (
        "/api/v1/action-plans/plans/{slug}",
        "/api/v1/action-plans/commitments/{public_id}",
        "/api/v1/registry/organisations/{public_id}",
        "/api/v1/registry/people/{public_id}",
        "/api/v1/ownership/entities/{public_id}",
        "/api/v1/referendums/cases/{case_id}",
        "/api/v1/open-data/datasets/{name}",
    ):
        assert path in checked, path
