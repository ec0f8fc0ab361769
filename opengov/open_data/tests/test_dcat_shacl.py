"""The catalogue conforms to the official DCAT-AP 3.0.0 SHACL shapes (`../shared/standards`)."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

pytestmark = pytest.mark.django_db


def violations(standards_dir, data: Graph) -> list[str]:
    folder = standards_dir / "dcat-ap-3.0.0"
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(folder / name, format="turtle")
    ontology = Graph().parse(folder / "imports.ttl", format="turtle")
    conforms, report, _text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    found = []
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found.append(
                f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
                f"{report.value(result, SH.resultMessage)}"
            )
    assert conforms == (not found)
    return found


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_catalogue_and_dataset_descriptions_conform(
    client, publish, test_exporter, standards_dir, fmt
):
    publish()
    rdf_format = {"ttl": "turtle", "jsonld": "json-ld"}[fmt]
    for url in (
        f"/data/catalog.{fmt}",
        f"/data/datasets/visitors/dcat.{fmt}",
        f"/data/datasets/test-signatures/dcat.{fmt}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        graph = Graph().parse(data=response.content.decode(), format=rdf_format)
        assert violations(standards_dir, graph) == [], url


def test_media_types_are_iana_resources_and_json_lines_claims_none(client, publish):
    publish()
    body = client.get("/data/datasets/visitors/dcat.ttl").content.decode()
    assert "<https://www.iana.org/assignments/media-types/text/csv>" in body
    assert "application/jsonl" not in body
