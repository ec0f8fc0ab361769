"""Exports: OCDS release and record packages valid against the official OCDS 1.1.5 schemas
(with the bid extension), the flat CSV, and the open-data datasets."""

import csv
import io
import json

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from opengov.core.exporters import get_exporter
from opengov.procurement import exporting, services

from .factories import PREFIX, release
from .test_ocds import _patched
from .test_pcc import AWARD_NOTICE, TENDER_NOTICE

pytestmark = pytest.mark.django_db

BASE = "https://standard.open-contracting.org/schema/1__1__5/"


def _validator(standards_dir, package_schema: str) -> Draft4Validator:
    folder = standards_dir / "ocds-1.1.5"
    core = json.loads((folder / "release-schema.json").read_text())
    bids = json.loads((folder / "extensions" / "bids" / "release-schema.json").read_text())
    extended = _patched(core, bids)
    resources = [(BASE + "release-schema.json", extended)]
    for name in ("versioned-release-validation-schema.json",):
        resources.append((BASE + name, json.loads((folder / name).read_text())))
    registry = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT4)) for uri, doc in resources
    )
    schema = json.loads((folder / package_schema).read_text())
    return Draft4Validator(schema, registry=registry, format_checker=FormatChecker())


def _errors(validator, document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def data(keeper):
    releases = [release(f"{PREFIX}-{i}") for i in range(3)]
    releases[0]["bids"] = {
        "details": [
            {
                "id": "b1",
                "status": "valid",
                "date": "2024-01-05T00:00:00+08:00",
                "tenderers": [{"id": "TW-MOEA-53212539", "name": "大同"}],
                "value": {"amount": 100.5, "currency": "TWD"},
            }
        ]
    }
    services.releases_store(actor=keeper, releases=releases)
    services.notices_import(actor=keeper, notices=[TENDER_NOTICE, AWARD_NOTICE])
    services.store_compiled([release(f"{PREFIX}-linked", tag=("compiled",))])


def _collect(stream) -> dict:
    return json.loads("".join(stream))


def test_release_package_is_valid(standards_dir, data):
    package = _collect(exporting.stream_release_package("https://opengov.example/r.json"))
    assert len(package["releases"]) == 5
    assert _errors(_validator(standards_dir, "release-package-schema.json"), package) == []


def test_record_package_is_valid(standards_dir, data):
    package = _collect(exporting.stream_record_package("https://opengov.example/p.json"))
    assert len(package["records"]) == 5
    linked = next(r for r in package["records"] if r["ocid"] == f"{PREFIX}-linked")
    assert "url" in linked["releases"][0]
    assert _errors(_validator(standards_dir, "record-package-schema.json"), package) == []


def test_the_validator_rejects_a_broken_package(standards_dir, data):
    package = _collect(exporting.stream_release_package("https://opengov.example/r.json"))
    package["releases"][0]["bids"]["details"][0]["status"] = 5
    del package["releases"][1]["ocid"]
    assert len(_errors(_validator(standards_dir, "release-package-schema.json"), package)) >= 2


def test_contracts_csv_is_safe_for_spreadsheets(keeper):
    row = release(f"{PREFIX}-x", supplier=("53212539", '=HYPERLINK("http://x")'))
    row["contracts"][0]["title"] = "+cmd|' /C calc'!A0"
    services.releases_store(actor=keeper, releases=[row])
    text = "".join(exporting.contracts_csv())
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["supplier"].startswith("'=")
    assert rows[0]["title"].startswith("'+")
    assert rows[0]["amount"] == "250000000"
    assert rows[0]["period_end"] == "2025-01-31"


def test_datasets_are_registered(data):
    contracts = list(get_exporter("procurement-contracts").rows())
    assert {r["ocid"] for r in contracts} >= {f"{PREFIX}-0", "ocds-kj3ygj-3.80.11-TP-113001"}
    awards = list(get_exporter("procurement-awards").rows())
    assert awards and all("supplier_id" in a for a in awards)
    compiled = list(get_exporter("procurement-compiled-releases").rows())
    assert len(compiled) == 5
    assert list(get_exporter("procurement-red-flags").rows()) == []
