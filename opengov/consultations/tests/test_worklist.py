"""Closed consultations on the officials' worklist: decide comments, then publish the report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opengov.consultations import services
from opengov.consultations.tests.conftest import after_period
from opengov.core import worklist

pytestmark = pytest.mark.django_db


def test_undecided_comments_then_the_report_then_nothing(
    clock, open_consultation, official, other_official, citizen
):
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, body="支持 <b>修正</b>", stance="support"
    )
    assert worklist.entries_for(official) == []  # still open: nothing to do yet
    after_period(clock, open_consultation)
    [entry] = worklist.entries_for(official)
    assert entry.item.url == reverse("consultations:handle", args=[open_consultation.public_id])
    assert "1" in entry.item.action
    assert worklist.entries_for(other_official) == []

    services.comments_respond(
        actor=official,
        consultation=open_consultation,
        comments=[comment],
        decision="adopted",
        reason="已納入修正。",
    )
    [entry] = worklist.entries_for(official)
    assert entry.item.url == reverse("consultations:report", args=[open_consultation.public_id])
    services.report_publish(actor=official, consultation=open_consultation, summary="處理情形")
    assert worklist.entries_for(official) == []
