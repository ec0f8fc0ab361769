"""The CKAN Action API, driven by the real ckanapi client."""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import urlsplit

import ckanapi
import pytest

pytestmark = pytest.mark.django_db


class ClientSession:
    """A requests-like session that sends ckanapi's requests to Django's test client."""

    def __init__(self, client):
        self.client = client

    def post(self, url, data=None, headers=None, files=None, **kwargs):
        response = self.client.post(urlsplit(url).path, data=data, content_type="application/json")
        return SimpleNamespace(status_code=response.status_code, text=response.content.decode())

    def get(self, url, params=None, headers=None, **kwargs):
        response = self.client.get(urlsplit(url).path, params or {})
        return SimpleNamespace(status_code=response.status_code, text=response.content.decode())

    def close(self):
        pass


class CKAN3(ckanapi.RemoteCKAN):
    """ckanapi's RemoteCKAN on the versioned path /api/3/action/ (its default is /api/action/,
    which CKAN serves too; harvesters use /api/3/action/)."""

    base_url = "api/3/action/"


@pytest.fixture
def ckan(client):
    return CKAN3("http://testserver", session=ClientSession(client))


@pytest.fixture
def ckan_get(client):
    return CKAN3("http://testserver", session=ClientSession(client), get_only=True)


@pytest.fixture
def catalogue(publish, test_exporter, other_official, other_agency):
    first = publish()
    second = publish(
        actor=other_official,
        agency=other_agency,
        name="court-cases",
        title="Court cases",
        description="案件統計",
        theme="JUST",
        keywords="法院",
        licence="CC-BY-4.0",
    )
    return first, second


def test_package_list_show_and_search_with_ckanapi(ckan, catalogue, test_exporter):
    visitors, _courts = catalogue
    assert ckan.action.package_list() == ["court-cases", "test-signatures", "visitors"]
    package = ckan.action.package_show(id="visitors")
    assert package["id"] == str(visitors.public_id)
    assert package["license_id"] == "OGDL-Taiwan-1.0"
    assert package["organization"]["name"] == "moi"
    assert {t["name"] for t in package["tags"]} == {"統計", "visitors"}
    assert {r["format"] for r in package["resources"]} == {"CSV", "JSON", "JSONL"}
    assert ckan.action.package_show(id=package["id"])["name"] == "visitors"
    result = ckan.action.package_search(q="案件")
    assert [p["name"] for p in result["results"]] == ["court-cases"]
    result = ckan.action.package_search(fq="organization:moi")
    assert [p["name"] for p in result["results"]] == ["visitors"]
    result = ckan.action.package_search(fq="tags:連署")
    assert [p["name"] for p in result["results"]] == ["test-signatures"]
    assert ckan.action.package_search(q="license_id:CC-BY-4.0")["count"] == 1


def test_search_paging_sort_and_facets(ckan_get, catalogue):
    result = ckan_get.action.package_search(
        sort="name asc",
        rows=2,
        start=0,
        **{"facet.field": json.dumps(["organization", "res_format"])},
    )
    assert result["count"] == 3
    assert [p["name"] for p in result["results"]] == ["court-cases", "test-signatures"]
    assert result["facets"]["organization"] == {"moi": 1, "moj": 1, "platform": 1}
    assert result["facets"]["res_format"]["CSV"] == 3
    items = result["search_facets"]["organization"]["items"]
    assert {i["name"] for i in items} == {"moi", "moj", "platform"}
    page2 = ckan_get.action.package_search(sort="name asc", rows=2, start=2)
    assert [p["name"] for p in page2["results"]] == ["visitors"]
    desc = ckan_get.action.package_search(sort="name desc", rows=3)
    assert [p["name"] for p in desc["results"]] == ["visitors", "test-signatures", "court-cases"]


def test_rows_over_the_limit_are_capped_with_a_message(ckan, catalogue, profile):
    profile(open_data={"search_max_rows": 2})
    result = ckan.action.package_search(rows=5000)
    assert len(result["results"]) == 2
    assert result["count"] == 3
    assert "2" in result["warnings"][0]


def test_unknown_ids_answer_like_ckan(ckan, client, catalogue):
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.organization_show(id="nobody")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id="visitors.pdf")
    response = client.get("/api/3/action/package_show", {"id": "nope"})
    body = response.json()
    assert response.status_code == 404
    assert body["success"] is False and body["error"]["__type"] == "Not Found Error"
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_show()
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(q="secret_field:1")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows="many")
    response = client.get("/api/3/action/package_create")
    assert response.status_code == 400 and response.json()["success"] is False


def test_organizations_resources_and_status(ckan, catalogue):
    assert ckan.action.organization_list() == ["platform", "moj", "moi"] or set(
        ckan.action.organization_list()
    ) == {"platform", "moj", "moi"}
    full = ckan.action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in full} == {"platform": 1, "moj": 1, "moi": 1}
    org = ckan.action.organization_show(id="moi", include_datasets=True)
    assert org["package_count"] == 1 and org["packages"][0]["name"] == "visitors"
    resource = ckan.action.resource_show(id="visitors.csv")
    assert resource["url"].endswith("/data/datasets/visitors/download.csv")
    assert resource["format"] == "CSV"
    status = ckan.action.status_show()
    assert status["ckan_version"].startswith("2.")
    assert "rows" in ckan.action.help_show(name="package_search")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.help_show(name="package_delete")


def test_personal_fields_never_in_ckan_metadata(ckan, test_exporter):
    package = ckan.action.package_show(id="test-signatures")
    assert "@example.org" not in json.dumps(package, ensure_ascii=False)
    assert package["organization"]["name"] == "platform"


@pytest.mark.django_db(transaction=True)
def test_remote_ckan_over_http(live_server, settings):
    """ckanapi over a real HTTP connection to the live server."""
    from opengov.core import exporters
    from opengov.core.exporters import Exporter, ExportField

    exporters.register(
        Exporter(
            slug="live-check",
            app_label="tests",
            title="Live",
            description="Live dataset",
            fields=(ExportField("n", "integer", "A number"),),
            rows=lambda: [{"n": 1}],
        )
    )
    with CKAN3(live_server.url) as remote:
        assert remote.action.package_list() == ["live-check"]
        assert remote.action.package_show(id="live-check")["title"] == "Live"
        assert remote.action.package_search(q="Live")["count"] == 1


def test_harvester_queries(ckan, publish, test_exporter, clock):
    """What ckanext-harvest's CKAN harvester sends: dataset_type, a modified-since range,
    sort by id, paging with start."""
    clock.set(2026, 1, 5, 9)
    publish()
    clock.set(2026, 3, 1, 9)
    publish(name="later")
    everything = ckan.action.package_search(fq="+dataset_type:dataset", rows=1000)
    assert everything["count"] == 3
    since = ckan.action.package_search(
        fq="+dataset_type:dataset metadata_modified:[2026-02-01T00:00:00Z TO *]", rows=1000
    )
    assert {p["name"] for p in since["results"]} == {"later", "test-signatures"}
    until = ckan.action.package_search(fq="metadata_modified:[* TO 2026-02-01T00:00:00Z]")
    assert [p["name"] for p in until["results"]] == ["visitors"]
    assert ckan.action.package_search(fq="dataset_type:harvest")["count"] == 0
    walked = []
    for start in range(3):
        page = ckan.action.package_search(sort="id asc", rows=1, start=start)
        walked += [p["id"] for p in page["results"]]
    assert walked == sorted(walked) and len(set(walked)) == 3
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(fq="metadata_modified:yesterday")


def test_search_queries_do_not_grow_with_results(ckan, publish, django_assert_max_num_queries):
    for i in range(3):
        publish(name=f"set-{i}")
    with django_assert_max_num_queries(9):
        few = ckan.action.package_search(rows=1)
    for i in range(3, 12):
        publish(name=f"set-{i}")
    with django_assert_max_num_queries(9):
        many = ckan.action.package_search(rows=12)
    assert len(few["results"]) == 1 and len(many["results"]) == 12


def test_unmodified_ckanapi_on_the_unversioned_path(client, test_exporter):
    """ckanapi's default base is /api/action/, served unchanged."""
    remote = ckanapi.RemoteCKAN("http://testserver", session=ClientSession(client))
    assert remote.action.package_list() == ["test-signatures"]
    assert remote.action.package_show(id="test-signatures")["name"] == "test-signatures"
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="nope")


def test_exporter_may_name_its_publishing_agency(ckan, agency):
    from opengov.core import exporters
    from opengov.core.exporters import Exporter, ExportField

    exporters.register(
        Exporter(
            slug="moi-stats",
            app_label="tests",
            title="MOI statistics",
            description="Published by an agency",
            fields=(ExportField("n", "integer", "n"),),
            rows=lambda: [{"n": 1}],
            publisher_code="moi",
        )
    )
    package = ckan.action.package_show(id="moi-stats")
    assert package["organization"]["name"] == "moi"
    assert package["owner_org"] == str(agency.public_id)
    assert ckan.action.package_search(fq="organization:moi")["count"] == 1


def test_tags_groups_licences_and_the_rest_of_what_clients_call(ckan, publish, test_exporter):
    publish()
    publish(name="roads", title="道路", keywords="交通, 統計", theme="TRAN")
    assert ckan.action.site_read() is True
    tags = ckan.action.tag_list()
    assert {"visitors", "統計", "交通"} <= set(tags) and tags == sorted(tags)
    assert ckan.action.tag_list(query="交") == ["交通"]
    [tag] = [t for t in ckan.action.tag_list(all_fields=True) if t["name"] == "統計"]
    assert tag["package_count"] == 2
    shown = ckan.action.tag_show(id="交通", include_datasets=True)
    assert [p["name"] for p in shown["packages"]] == ["roads"]
    with pytest.raises(ckanapi.NotFound):
        ckan.action.tag_show(id="沒有")

    groups = ckan.action.group_list()
    assert "TRAN" in groups and "GOVE" in groups
    transport = ckan.action.group_show(id="TRAN", include_datasets=True)
    assert transport["title"] and [p["name"] for p in transport["packages"]] == ["roads"]
    full = {g["name"]: g for g in ckan.action.group_list(all_fields=True)}
    assert full["TRAN"]["package_count"] == 1
    with pytest.raises(ckanapi.NotFound):
        ckan.action.group_show(id="NOPE")

    licences = {lic["id"] for lic in ckan.action.license_list()}
    assert "OGDL-Taiwan-1.0" in licences
    current = ckan.action.current_package_list_with_resources(limit=2)
    assert len(current) == 2 and all(p["resources"] for p in current)
    orgs = ckan.action.organization_list(all_fields=True)
    assert all(o["package_count"] >= 1 and o["name"] for o in orgs)


def test_solr_syntax_clients_send_or_a_clear_error(ckan, publish, test_exporter):
    publish()
    publish(name="roads", title="道路養護", keywords="交通")
    names = lambda **kw: sorted(p["name"] for p in ckan.action.package_search(**kw)["results"])  # noqa: E731
    everything = names()
    assert names(fq="organization:(moi OR nobody)") == ["roads", "visitors"]
    assert names(fq="-organization:moi") == sorted(set(everything) - {"roads", "visitors"})
    assert names(q="title:道路") == ["roads"]
    assert names(q="NOT title:道路") == sorted(set(everything) - {"roads"})
    assert names(fq='tags:("交通" OR visitors)') == ["roads", "visitors"]
    for broken in ("organization:moi OR tags:交通", "organization:(moi AND x)", "colour:red"):
        with pytest.raises(ckanapi.SearchQueryError):
            ckan.action.package_search(fq=broken)


@pytest.mark.django_db(transaction=True)
def test_ckanapi_dump_groups_and_organizations_over_http(live_server, publish, tmp_path):
    """The `ckanapi` command line dumps every group (theme) and organisation unchanged."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    publish()
    ckanapi_cli = Path(sys.executable).parent / "ckanapi"
    for kind in ("groups", "organizations"):
        out = tmp_path / f"{kind}.jsonl"
        done = subprocess.run(
            [
                str(ckanapi_cli),
                "dump",
                kind,
                "--all",
                "-q",
                "-p",
                "1",
                "-O",
                str(out),
                "-r",
                live_server.url,
            ],
            capture_output=True,
            # its workers are started as `ckanapi` from the PATH
            env={**os.environ, "PATH": f"{ckanapi_cli.parent}:{os.environ.get('PATH', '')}"},
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert rows and all(r["name"] for r in rows)
    assert "GOVE" in {r["name"] for r in map(json.loads, (tmp_path / "groups.jsonl").open())}
