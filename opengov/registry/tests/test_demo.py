"""The registry demo: a former name, a board change, a dissolution, a flagged number, a PEP
and a queued match; loaded twice without duplicates."""

import datetime as dt
import io

import pytest

from opengov.registry import demo, selectors
from opengov.registry.models import (
    BoardSeat,
    ImportRun,
    MatchCandidate,
    NumberFlag,
    Organisation,
    Status,
)

pytestmark = pytest.mark.django_db


def test_demo_skips_without_accounts():
    out = io.StringIO()
    demo.load(stdout=out)
    assert "skipped" in out.getvalue()
    assert Organisation.objects.count() == 0


def test_demo_shows_history_and_flags_and_is_idempotent():
    from opengov.accounts import demo as accounts_demo

    accounts_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    counts = (Organisation.objects.count(), BoardSeat.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Organisation.objects.count(), BoardSeat.objects.count()) == counts
    assert ImportRun.objects.filter(state="succeeded").count() == 4

    chips = selectors.organisation_by_business_number(demo.COMPANIES["chips"])
    assert chips.name == "示範先進半導體股份有限公司"
    assert [n.name for n in selectors.former_names(chips)] == ["示範半導體股份有限公司"]
    assert selectors.organisation_as_of(chips, dt.date(2024, 6, 1)).name == "示範半導體股份有限公司"

    build = selectors.organisation_by_business_number(demo.COMPANIES["build"])
    before = [s.person.name for s in selectors.organisation_as_of(build, dt.date(2024, 6, 1)).board]
    after = [s.person.name for s in selectors.organisation_as_of(build, dt.date(2025, 6, 1)).board]
    assert before == ["王營造", "林示範"] and after == ["王營造", "趙新任"]

    trade = selectors.organisation_by_business_number(demo.COMPANIES["trade"])
    assert trade.status == Status.DISSOLVED and trade.accumulated_loss_years == [2023, 2024]

    flagged = Organisation.objects.get(business_number=demo.COMPANIES["flagged"])
    assert flagged.business_number_flag == NumberFlag.CHECKSUM

    fund = selectors.organisation_by_business_number(demo.COMPANIES["fund"])
    assert fund.government_share == 100
    chair = selectors.search_people("張公股").get()
    assert selectors.is_politically_exposed(chair, dt.date(2025, 1, 1))

    assert MatchCandidate.objects.filter(decision="", candidate=fund).count() == 1
    holding = selectors.organisation_by_business_number(demo.COMPANIES["holding"])
    sharing = {s.organisation.pk: s.reasons for s in selectors.organisations_sharing(holding)}
    assert "address" in sharing[build.pk] and "representative" in sharing[trade.pk]
