"""The easy-read summary (易讀版) of an agency's answer: stored, shown, in the API and export."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.core.errors import ServiceError
from opengov.core.exporters import get_exporter
from opengov.proposals import services

pytestmark = pytest.mark.django_db

EASY = "我們會多蓋公園。\n明年年底前完成。"
POINTS = [{"position": "adopted", "explanation": "將增設", "planned_date": dt.date(2026, 12, 31)}]


def test_answer_with_an_easy_read_summary_is_shown_and_exported(client, passed, official):
    services.response_publish(
        actor=official,
        proposal=passed,
        summary="本部已研議。",
        easy_read_summary=EASY + "<b>x</b>",
        points=POINTS,
    )
    page = client.get(f"/proposals/{passed.public_id}/").content.decode()
    assert 'id="h-easy-read"' in page
    assert "我們會多蓋公園。" in page
    assert "<b>x</b>" not in page
    doc = client.get(f"/api/v1/proposals/{passed.public_id}").json()
    assert doc["response"]["easy_read_summary"].startswith(EASY)
    exporter = get_exporter("proposals")
    (row,) = [r for r in exporter.rows() if r["id"] == str(passed.public_id)]
    assert row["response_easy_read_summary"].startswith(EASY)


def test_answer_without_one_has_no_easy_read_section(client, passed, official):
    services.response_publish(
        actor=official, proposal=passed, summary="本部已研議。", points=POINTS
    )
    page = client.get(f"/proposals/{passed.public_id}/").content.decode()
    assert 'id="h-easy-read"' not in page


def test_overlong_easy_read_summary_is_refused_and_nothing_is_published(passed, official):
    with pytest.raises(ServiceError) as excinfo:
        services.response_publish(
            actor=official,
            proposal=passed,
            summary="本部已研議。",
            easy_read_summary="字" * 3001,
            points=POINTS,
        )
    assert excinfo.value.field == "easy_read_summary"
    passed.refresh_from_db()
    assert passed.responded_at is None


def test_respond_form_takes_the_easy_read_summary(client_for, passed, official):
    response = client_for(official).post(
        f"/proposals/{passed.public_id}/respond/",
        {
            "summary": "本部已研議。",
            "easy_read_summary": EASY,
            "points-TOTAL_FORMS": "1",
            "points-INITIAL_FORMS": "0",
            "points-0-answers": "",
            "points-0-position": "adopted",
            "points-0-explanation": "將增設",
        },
    )
    assert response.status_code == 302
    passed.refresh_from_db()
    assert passed.response.easy_read_summary.replace("\r\n", "\n") == EASY
