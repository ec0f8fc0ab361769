"""The demo data: proposals in every state, loaded twice without duplicates."""

from __future__ import annotations

import io

import pytest

from opengov.proposals import demo, selectors
from opengov.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_demo_skips_without_accounts():
    out = io.StringIO()
    demo.load(stdout=out)
    assert "skipped" in out.getvalue()
    assert Proposal.objects.count() == 0


def test_demo_has_every_state_and_is_idempotent():
    from opengov.accounts import demo as accounts_demo

    accounts_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    states = sorted(selectors.state_of(p) for p in Proposal.objects.all())
    assert states == sorted(
        [
            "open",
            "awaiting_response",
            "awaiting_response",
            "overdue",
            "responded",
            "failed",
            "rejected",
            "submitted",
        ]
    )
    assert Proposal.objects.filter(extensions__isnull=False).count() == 1
