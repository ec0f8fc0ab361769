"""BODS 0.4 import (array and JSON Lines), refusals, export through libcovebods, round trip."""

from __future__ import annotations

import io
import json

import pytest
from bods_fixtures import load

from opengov.core.models import AuditEvent
from opengov.ownership import bods, exporting, selectors, services
from opengov.ownership.models import Interest, Party, Relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def aml(db):
    from opengov.accounts.tests.factories import UserFactory

    return UserFactory(is_aml_reviewer=True)


def as_file(statements, *, lines=False):
    if lines:
        text = "\n".join(json.dumps(s, ensure_ascii=False) for s in statements)
    else:
        text = json.dumps(statements, ensure_ascii=False)
    return io.BytesIO(text.encode())


def chain_statements():
    """A person owns 60 % of a holding company, which owns 30 % of the subject."""
    pub = {"publicationDate": "2026-03-01", "bodsVersion": "0.4", "publisher": {"name": "t"}}

    def st(sid, rid, rtype, details, subject):
        return {
            "statementId": f"{sid}-0000-0000-0000-000000000000",
            "declarationSubject": subject,
            "statementDate": "2026-03-01",
            "recordId": rid,
            "recordType": rtype,
            "recordStatus": "new",
            "recordDetails": details,
            "publicationDetails": pub,
            "source": {"type": ["officialRegister"]},
        }

    return [
        st(
            "aaaaaaa1",
            "ent-subject",
            "entity",
            {
                "isComponent": False,
                "entityType": {"type": "registeredEntity"},
                "name": "<script>x</script>台灣測試股份有限公司",
                "identifiers": [{"scheme": "TW-MOEA", "id": "04595257"}],
                "jurisdiction": {"code": "TW", "name": "Taiwan"},
            },
            "ent-subject",
        ),
        st(
            "aaaaaaa2",
            "ent-holding",
            "entity",
            {
                "isComponent": False,
                "entityType": {"type": "registeredEntity"},
                "name": "控股有限公司",
            },
            "ent-subject",
        ),
        st(
            "aaaaaaa3",
            "per-wang",
            "person",
            {
                "isComponent": False,
                "personType": "knownPerson",
                "names": [{"type": "legal", "fullName": "王小明"}],
                "nationalities": [{"code": "TW", "name": "Taiwan"}],
                "birthDate": "1970-01-02",
            },
            "ent-subject",
        ),
        st(
            "aaaaaaa4",
            "rel-wang-holding",
            "relationship",
            {
                "isComponent": False,
                "subject": "ent-holding",
                "interestedParty": "per-wang",
                "interests": [
                    {
                        "type": "shareholding",
                        "directOrIndirect": "direct",
                        "beneficialOwnershipOrControl": True,
                        "share": {"exact": 60},
                    }
                ],
            },
            "ent-holding",
        ),
        st(
            "aaaaaaa5",
            "rel-holding-subject",
            "relationship",
            {
                "isComponent": False,
                "subject": "ent-subject",
                "interestedParty": "ent-holding",
                "interests": [
                    {
                        "type": "shareholding",
                        "directOrIndirect": "direct",
                        "beneficialOwnershipOrControl": False,
                        "share": {"minimum": 40, "maximum": 50},
                    }
                ],
            },
            "ent-subject",
        ),
    ]


@pytest.mark.parametrize("lines", [False, True])
def test_import_array_and_json_lines(aml, lines):
    source = services.bods_import(actor=aml, stream=as_file(chain_statements(), lines=lines))
    assert source.statements == 5
    assert Party.objects.count() == 3 and Relationship.objects.count() == 2
    subject = Party.objects.get(record_id="ent-subject")
    assert subject.business_number == "04595257" and subject.registry_id is not None
    assert Party.objects.get(record_id="per-wang").registry_id is not None
    det = selectors.determination(selectors.network(subject))
    # 60 % of 40–50 % is 24–30 %: only the upper end is over 25 %
    assert det.owners == ()
    (owner,) = det.uncertain
    assert owner.person == "per-wang"
    assert (owner.share.lo, owner.share.hi) == (pytest.approx(0.24), pytest.approx(0.30))
    assert AuditEvent.objects.filter(verb="ownership.bods_imported").count() == 1


def test_refused_whole_with_every_bad_statement_named(aml):
    statements = chain_statements()
    statements[3]["recordDetails"]["interests"][0]["share"] = {"exact": 150}
    statements[4]["recordDetails"]["interests"][0]["share"] = {"minimum": -5, "maximum": 10}
    statements[4]["recordDetails"]["interestedParty"] = "ent-nowhere"
    with pytest.raises(services.ImportRefused) as refused:
        services.bods_import(actor=aml, stream=as_file(statements))
    problems = [p.as_dict() for p in refused.value.problems]
    fields = {(p["statement"], p["field"]) for p in problems}
    assert (4, "recordDetails.interests[0].share.exact") in fields
    assert (5, "recordDetails.interests[0].share.minimum") in fields
    assert (5, "recordDetails.interestedParty") in fields
    assert any(p["code"] == "unknown_record" and "ent-nowhere" in p["message"] for p in problems)
    assert Party.objects.count() == 0 and Relationship.objects.count() == 0


def test_broken_json_is_refused_with_where_it_broke(aml):
    with pytest.raises(services.ImportRefused) as refused:
        services.bods_import(actor=aml, stream=io.BytesIO(b'[{"statementId": "x"}, {'))
    assert refused.value.problems[0].code == "broken_json"
    assert Party.objects.count() == 0


def test_only_aml_reviewers_and_operators_import(citizen, moderator):
    with pytest.raises(services.NotFound):
        services.bods_import(actor=citizen, stream=as_file(chain_statements()))
    assert Party.objects.count() == 0
    services.bods_import(actor=moderator, stream=as_file(chain_statements()))
    assert Party.objects.count() == 3


@pytest.mark.parametrize(
    "case",
    [
        "edge-cases/10-circular-ownership",
        "edge-cases/11-anonymous-person",
        "core/01-direct-ownership",
    ],
)
def test_fixture_edge_cases_import_and_export_with_zero_errors(aml, case):
    fixture = load(case)
    services.bods_import(actor=aml, stream=as_file(fixture.statements))
    for full in (True, False):
        exported = list(exporting.bods_statements(full=full))
        errors = [p for p in bods.validate_statements(exported) if not p.is_warning]
        assert errors == []
    if case.endswith("circular-ownership"):
        alpha = Party.objects.get(record_id="rec-alpha-corp")
        det = selectors.determination(selectors.network(alpha))
        assert det.owners == () and det.cycles and not det.converged
    if case.endswith("anonymous-person"):
        rel = Relationship.objects.get()
        assert rel.interested_party is None
        assert rel.unspecified_reason == "subjectUnableToConfirmOrIdentifyBeneficialOwner"
        opaque = Party.objects.get(record_id="rec-opaque-holdings-sa")
        view = selectors.public_view(*_net_det(opaque))
        assert view["declared_unknown"][0]["reason"] == rel.unspecified_reason


def _net_det(party):
    net = selectors.network(party)
    return net, selectors.determination(net)


def _graph_snapshot():
    return sorted(
        (
            i.relationship.subject.record_id,
            i.relationship.interested_party.record_id if i.relationship.interested_party else "",
            i.type,
            i.share_min,
            i.share_max,
        )
        for i in Interest.objects.select_related(
            "relationship__subject", "relationship__interested_party"
        )
    )


def test_round_trip_through_libcovebods(aml, django_db_blocker):
    services.bods_import(actor=aml, stream=as_file(chain_statements()))
    before = _graph_snapshot()
    people = sorted(Party.objects.values_list("record_id", "kind", "name", "birth_date"))
    exported = list(exporting.bods_statements(full=True))
    assert bods.validate_statements(exported) == []
    Interest.objects.all().delete()
    Relationship.objects.all().delete()
    Party.objects.all().delete()
    services.bods_import(actor=aml, stream=as_file(exported))
    assert _graph_snapshot() == before
    assert sorted(Party.objects.values_list("record_id", "kind", "name", "birth_date")) == people


def test_public_export_leaves_out_personal_data_and_exact_shares(aml):
    statements = chain_statements()
    statements[4]["recordDetails"]["interests"][0]["share"] = {"exact": 50}
    services.bods_import(actor=aml, stream=as_file(statements))
    exported = list(exporting.bods_statements(full=False))
    assert bods.validate_statements(exported) == []
    text = json.dumps(exported, ensure_ascii=False)
    assert "1970-01-02" not in text and "王小明" in text  # 30 %: a beneficial owner
    shares = [
        i["share"]
        for s in exported
        if s["recordType"] == "relationship"
        for i in s["recordDetails"]["interests"]
    ]
    assert all("exact" not in s or s["exact"] == 100 for s in shares)


def test_a_file_over_the_profile_limit_is_refused_before_reading(aml, profile):
    profile(ownership={"import_max_bytes": 100})
    with pytest.raises(services.ServiceError) as refused:
        services.bods_import(actor=aml, stream=as_file(chain_statements()), size=5000)
    assert refused.value.field == "file" and refused.value.code == "too_large"
    assert Party.objects.count() == 0


def test_json_lines_with_a_byte_order_mark(aml):
    text = "\n".join(json.dumps(s, ensure_ascii=False) for s in chain_statements())
    source = services.bods_import(actor=aml, stream=io.BytesIO(("\ufeff" + text).encode()))
    assert source.statements == 5 and Party.objects.count() == 3
