"""The easy-read summary (易讀版): written by the agency, shown, served by the API and exported."""

from __future__ import annotations

import pytest

from opengov.consultations import services
from opengov.core.errors import Conflict, ServiceError
from opengov.core.exporters import get_exporter

from .conftest import after_period

pytestmark = pytest.mark.django_db

EASY = "政府想改一條法律。\n\n你可以在 5 月 1 日前說你的想法。"


def test_easy_read_summary_is_shown_beside_the_summary(client, make_consultation, start):
    consultation = make_consultation(easy_read_summary=EASY + "<script>x</script>")
    page = client.get(f"/consultations/{consultation.public_id}/").content.decode()
    assert 'id="easy-read-heading"' in page
    assert "你可以在 5 月 1 日前說你的想法" in page
    assert "<script>x</script>" not in page


def test_no_easy_read_section_without_one(client, open_consultation):
    page = client.get(f"/consultations/{open_consultation.public_id}/").content.decode()
    assert 'id="easy-read-heading"' not in page


def test_easy_read_summary_may_be_added_while_open_but_not_once_closed(
    clock, open_consultation, official
):
    updated = services.consultation_update(
        actor=official, consultation=open_consultation, easy_read_summary=EASY
    )
    assert updated.easy_read_summary == EASY
    after_period(clock, updated)
    with pytest.raises(Conflict):
        services.consultation_update(actor=official, consultation=updated, easy_read_summary="改")


def test_too_long_easy_read_summary_is_refused_with_its_field(open_consultation, official):
    with pytest.raises(ServiceError) as excinfo:
        services.consultation_update(
            actor=official, consultation=open_consultation, easy_read_summary="字" * 5001
        )
    assert excinfo.value.field == "easy_read_summary"
    open_consultation.refresh_from_db()
    assert open_consultation.easy_read_summary == ""


def test_api_and_export_carry_the_easy_read_summary(client, make_consultation, start):
    consultation = make_consultation(easy_read_summary=EASY)
    doc = client.get(f"/api/v1/consultations/{consultation.public_id}").json()
    assert doc["easy_read_summary"] == EASY
    exporter = get_exporter("consultations")
    assert "easy_read_summary" in [field.name for field in exporter.fields]
    (row,) = [r for r in exporter.rows() if r["id"] == str(consultation.public_id)]
    assert row["easy_read_summary"] == EASY


def test_api_patch_refuses_an_overlong_easy_read_summary(client_for, open_consultation, official):
    response = client_for(official).patch(
        f"/api/v1/consultations/{open_consultation.public_id}",
        {"easy_read_summary": "字" * 5001},
        content_type="application/json",
    )
    assert response.status_code == 422
