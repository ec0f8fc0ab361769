"""DCAT-AP output parses and carries every mandatory property; the catalogue pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from rdflib import Graph, URIRef
from rdflib import namespace as ns

DCAT, DCTERMS, FOAF, RDF = ns.DCAT, ns.DCTERMS, ns.FOAF, ns.RDF
HYDRA = "http://www.w3.org/ns/hydra/core#"
pytestmark = pytest.mark.django_db


def parse(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content.decode(), format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])
    return graph


def assert_dataset_complete(graph: Graph, dataset) -> None:
    for prop in (DCTERMS.title, DCTERMS.description):  # DCAT-AP mandatory
        assert graph.value(dataset, prop) is not None, prop
    for prop in (  # recommended ones we promise
        DCAT.contactPoint,
        DCAT.distribution,
        DCAT.keyword,
        DCTERMS.publisher,
        DCAT.theme,
    ):
        assert graph.value(dataset, prop) is not None, prop
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph and graph.value(publisher, FOAF.name)
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert distributions
    for distribution in distributions:
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        assert graph.value(distribution, DCAT.accessURL) is not None  # mandatory
        assert graph.value(distribution, DCAT.downloadURL) is not None
        assert graph.value(distribution, DCTERMS.format) is not None
        assert graph.value(distribution, DCTERMS.license) is not None


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_dataset_dcat(client, publish, test_exporter, fmt):
    publish()
    for name in ("visitors", "test-signatures"):
        graph = parse(client, f"/data/datasets/{name}/dcat.{fmt}", fmt)
        datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == 1
        assert_dataset_complete(graph, datasets[0])
    graph = parse(client, f"/data/datasets/visitors/dcat.{fmt}", fmt)
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    assert str(graph.value(dataset, DCTERMS.title)).startswith("到訪人數")
    assert graph.value(dataset, DCTERMS.temporal) is not None
    assert graph.value(dataset, DCTERMS.spatial) is not None
    licence = graph.value(next(graph.objects(dataset, DCAT.distribution)), DCTERMS.license)
    assert licence == URIRef("https://data.gov.tw/license")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_catalogue_pages_for_harvesters(client, publish, test_exporter, profile, fmt):
    publish()
    publish(name="visitors-2")
    profile(open_data={"catalog_page_size": 2})
    seen = []
    url = f"/data/catalog.{fmt}?page=1"
    for _ in range(5):
        graph = parse(client, url, fmt)
        catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
            assert graph.value(catalogue, prop) is not None
        for dataset in graph.objects(catalogue, DCAT.dataset):
            assert_dataset_complete(graph, dataset)
            seen.append(str(graph.value(dataset, DCTERMS.identifier)))
        paging = next(graph.subjects(RDF.type, URIRef(HYDRA + "PagedCollection")))
        assert int(graph.value(paging, URIRef(HYDRA + "totalItems"))) == 3
        following = graph.value(paging, URIRef(HYDRA + "nextPage"))
        if following is None:
            break
        url = str(following).replace(settings.SITE_URL, "")
    assert len(seen) == 3 and len(set(seen)) == 3


def test_unknown_dataset_dcat_is_404(client):
    assert client.get("/data/datasets/nope/dcat.ttl").status_code == 404
