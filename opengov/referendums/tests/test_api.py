"""The API under /api/v1/referendums/: reads are public, writes follow the permission matrix."""

from __future__ import annotations

import pytest

from opengov.core import tlog
from opengov.referendums.models import Case, RollEntry, Signature

from .conftest import LEAD_ID, adult, make_id, roll_csv

pytestmark = pytest.mark.django_db
BASE = "/api/v1/referendums"


def test_public_reads(make_case, client, pki, clock):
    case = make_case("collecting")
    citizen = pki.issue(make_id(2))
    package = citizen.package(case_id=str(case.public_id), stage="petition", when=clock.now())
    response = client.post(
        f"{BASE}/cases/{case.public_id}/signatures", package, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt["leaf_index"] == 1
    listing = client.get(f"{BASE}/cases").json()
    assert listing["count"] == 1 and listing["items"][0]["stage"] == "collecting"
    detail = client.get(f"{BASE}/cases/{case.public_id}").json()
    assert detail["counts"]["petition"] == {"accepted": 1, "deleted": 0, "count": 1}
    assert detail["latest_checkpoint"] == receipt["checkpoint"]
    note = client.get(f"{BASE}/cases/{case.public_id}/checkpoint")
    assert note.content.decode() == receipt["checkpoint"]
    leaves = client.get(f"{BASE}/cases/{case.public_id}/leaves").json()
    assert len(leaves["leaves"]) == 2 and leaves["size"] == 2
    proof = client.get(f"{BASE}/cases/{case.public_id}/proof/inclusion?index=1&size=2").json()
    assert proof["proof"] == receipt["inclusion_proof"]
    consistency = client.get(f"{BASE}/cases/{case.public_id}/proof/consistency?old=1&new=2")
    assert consistency.status_code == 200
    bad = client.get(f"{BASE}/cases/{case.public_id}/proof/inclusion?index=5")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "index"
    assert client.get(f"{BASE}/cases/not-a-uuid").status_code == 404
    # nothing personal in what the API shows
    everything = (listing, detail, leaves)
    assert make_id(2) not in str(everything) and LEAD_ID not in str(everything)


def test_malformed_signature_is_a_clear_422(make_case, client):
    case = make_case("collecting")
    response = client.post(
        f"{BASE}/cases/{case.public_id}/signatures",
        {"statement": "x", "signature": "AA==", "certificate": "AA=="},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_statement"
    assert not Signature.objects.filter(stage="petition").exists()


def test_create_case_needs_sign_in(client_for, small_profile, people):
    payload = {"main_text": "是否同意<script>", "reasons": "理由", "national_id": LEAD_ID}
    response = client_for(None).post(f"{BASE}/cases", payload, content_type="application/json")
    assert response.status_code == 401 and not Case.objects.exists()
    response = client_for(people["citizen"]).post(
        f"{BASE}/cases", payload, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["stage"] == "proposal"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_official", 403),
        ("moderator", 403),
        ("official", 200),
        ("admin", 200),
    ],
)
def test_decision_permission_matrix(make_case, client_for, people, role, status):
    case = make_case("proposers_checked")
    response = client_for(people[role]).post(
        f"{BASE}/cases/{case.public_id}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert (case.approved_at is not None) == (status == 200)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("citizen", 403), ("other_official", 403), ("official", 200)],
)
def test_roll_import_permission_matrix(client_for, people, small_profile, role, status):
    response = client_for(people[role]).post(
        f"{BASE}/roll",
        {"csv": roll_csv([adult(1), adult(2)]), "reference_date": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert RollEntry.objects.count() == (2 if status == 200 else 0)


def test_roll_import_reports_rows(client_for, people, small_profile):
    response = client_for(people["official"]).post(
        f"{BASE}/roll",
        {
            "csv": roll_csv([adult(1)]) + "bad,1990-01-01,2000-01-01,false,true\n",
            "reference_date": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"row": 3, "field": "national_id", "error": "invalid"}
    ]
    assert not RollEntry.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("citizen", 403), ("other_official", 403), ("official", 200)],
)
def test_paper_permission_matrix(make_case, client_for, people, role, status):
    case = make_case("collecting")
    size = tlog.tree_size(case.log_name)
    response = client_for(people[role]).post(
        f"{BASE}/cases/{case.public_id}/paper",
        {"csv": f"national_id,signed_on,page\n{make_id(3)},2026-01-01,1\n"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert tlog.tree_size(case.log_name) == size + (status == 200)


def test_lead_acts_only_by_the_lead(make_case, client_for, people, lead):
    case = make_case("awaiting_code")
    for role in ("official", "other_official", "admin"):
        response = client_for(people[role]).post(f"{BASE}/cases/{case.public_id}/code")
        assert response.status_code == 403
    response = client_for(lead).post(f"{BASE}/cases/{case.public_id}/code")
    assert response.status_code == 200 and response.json()["stage"] == "collecting"


def test_open_data_exports_hold_counts_and_checkpoints_not_identities(make_case, pki, official):
    from opengov.core import exporters

    from .conftest import esign

    case = make_case("collecting")
    esign(pki, case, 2)
    exported = {}
    for slug in ("referendum-cases", "referendum-checkpoints", "referendum-log-leaves"):
        exporter = exporters.get_exporter(slug)
        exported[slug] = list(exporter.public_rows())
    assert exported["referendum-cases"][0]["signatures"] == 1
    assert exported["referendum-checkpoints"][-1]["size"] == 2
    assert [r["kind"] for r in exported["referendum-log-leaves"]] == ["sign", "sign"]
    text = str(exported)
    assert make_id(2) not in text and LEAD_ID not in text


def test_the_case_list_costs_a_few_queries_per_case(make_case, client, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def listed(n):
        with CaptureQueriesContext(connection) as queries:
            listing = client.get(f"{BASE}/cases").json()
        assert listing["count"] == n
        return len(queries.captured_queries)

    make_case("proposers_checked")
    one = listed(1)
    for stage in ("review", "proposal", "collecting"):
        make_case(stage)
    four = listed(4)
    # per case: its tally (one grouped query), its latest checkpoint, its log's size
    assert four - one <= 3 * 3
    assert four <= 14  # 45 when each case cost about 11
