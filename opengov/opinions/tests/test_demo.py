"""Demo data: a conversation with votes, a map with groups and a response; idempotent."""

from __future__ import annotations

import io

from opengov.opinions.models import ConsensusResponse, Conversation, OpinionMap


def test_demo_loads_twice(settings, db):
    from opengov.accounts import demo as accounts_demo
    from opengov.consultations import demo as consultations_demo
    from opengov.opinions import demo

    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    out = io.StringIO()
    demo.load(stdout=out)
    assert "skipped" in out.getvalue()
    accounts_demo.load(stdout=out)
    consultations_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    assert Conversation.objects.count() == 1
    latest = OpinionMap.objects.get()
    assert latest.k >= 2 and latest.n_placed >= 24
    assert 6 in {c["statement"] for c in latest.result["consensus"]}
    assert ConsensusResponse.objects.count() == 1
