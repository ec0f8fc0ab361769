"""Open-data registration, the personal-data section and the demo data."""

from __future__ import annotations

import io

import pytest

from opengov.consultations import services
from opengov.consultations.models import Consultation, State
from opengov.core.exporters import get_exporter
from opengov.core.personal_data import collect

pytestmark = pytest.mark.django_db


def test_datasets_are_registered_without_personal_data(open_consultation, citizen):
    services.comment_create(
        actor=citizen, consultation=open_consultation, body="公開意見", stance="support"
    )
    comments = list(get_exporter("consultation-comments").public_rows())
    assert comments[0]["author"] == citizen.display_name and comments[0]["body"] == "公開意見"
    assert citizen.email not in str(comments)
    (row,) = get_exporter("consultations").public_rows()
    assert row["agency_code"] == "moi" and row["comment_count"] == 1
    articles = list(get_exporter("consultation-articles").public_rows())
    assert [a["label"] for a in articles] == ["第一條", "第二條", "第三條"]
    assert articles[0]["final_text"] is None  # not published before the report


def test_personal_data_section(open_consultation, citizen):
    services.comment_create(
        actor=citizen, consultation=open_consultation, body="我的意見", stance="oppose"
    )
    section = collect(citizen)["consultations"]
    assert section["comments"][0]["body"] == "我的意見"


def test_demo_loads_twice(settings):
    from opengov.accounts import demo as accounts_demo
    from opengov.consultations import demo

    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    out = io.StringIO()
    demo.load(stdout=out)
    assert "skipped" in out.getvalue()
    accounts_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    open_one = Consultation.objects.get(title=demo.OPEN_TITLE)
    closed = Consultation.objects.get(title=demo.CLOSED_TITLE)
    assert open_one.state == State.OPEN and open_one.is_amendment
    assert open_one.articles.count() == 5 and open_one.comment_count == 4
    assert closed.state == State.REPORTED
    assert Consultation.objects.count() == 2
