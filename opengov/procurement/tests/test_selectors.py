"""The selectors other apps call: large procurement in performance on a date, all of them,
and contracts won."""

import datetime as dt
from decimal import Decimal

import pytest

from opengov.procurement import selectors, services

from .factories import PREFIX, release

pytestmark = pytest.mark.django_db

NUMBER = "53212539"


def store(moderator, *releases):
    services.releases_store(actor=moderator, releases=list(releases))


def test_large_works_contract_in_performance_by_date(moderator):
    store(moderator, release(f"{PREFIX}-1", start="2024-02-01", end="2025-01-31"))
    before = selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 1, 31))
    first = selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 2, 1))
    last = selectors.large_procurement_in_performance(NUMBER, dt.date(2025, 1, 31))
    after = selectors.large_procurement_in_performance(NUMBER, dt.date(2025, 2, 1))
    assert before == [] and after == []
    assert len(first) == 1 and len(last) == 1
    row = first[0]
    assert row.ocid == f"{PREFIX}-1"
    assert row.category == "works"
    assert row.amount == Decimal("250000000")
    assert row.currency == "TWD"
    assert (row.start, row.end) == (dt.date(2024, 2, 1), dt.date(2025, 1, 31))
    assert row.supplier_business_number == NUMBER
    assert row.supplier_name == "<b>大同</b>營造股份有限公司"
    assert row.buyer_name == "交通部公路局"
    assert row.url == f"/procurement/processes/{PREFIX}-1/"


def test_unfinished_contract_stays_in_performance(moderator):
    store(moderator, release(f"{PREFIX}-2", start="2020-01-01", end=None))
    assert len(selectors.large_procurement_in_performance(NUMBER, dt.date(2030, 1, 1))) == 1
    assert selectors.large_procurement_in_performance(NUMBER, dt.date(2019, 12, 31)) == []


@pytest.mark.parametrize(
    ("category", "amount", "large"),
    [
        ("works", 200_000_000, True),
        ("works", 199_999_999, False),
        ("goods", 100_000_000, True),
        ("goods", 99_999_999, False),
        ("services", 20_000_000, True),
        ("services", 19_999_999, False),
    ],
)
def test_thresholds_per_category(moderator, category, amount, large):
    store(moderator, release(f"{PREFIX}-3", category=category, amount=amount))
    found = selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 6, 1))
    assert bool(found) is large


def test_threshold_follows_the_profile(moderator, profile):
    store(moderator, release(f"{PREFIX}-4", category="services", amount=15_000_000))
    assert selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 6, 1)) == []
    profile(procurement={"large_services": 10_000_000})
    assert len(selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 6, 1))) == 1


def test_other_currency_cancelled_and_other_company_are_not_counted(moderator):
    store(
        moderator,
        release(f"{PREFIX}-5", currency="USD"),
        release(f"{PREFIX}-6", contract_status="cancelled"),
        release(f"{PREFIX}-7", supplier=("22099131", "別家公司")),
    )
    assert selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 6, 1)) == []
    other = selectors.large_procurement_in_performance("22099131", dt.date(2024, 6, 1))
    assert [c.ocid for c in other] == [f"{PREFIX}-7"]


def test_contract_signed_date_starts_performance_without_a_period(moderator):
    data = release(f"{PREFIX}-8", start=None, end=None)
    data["contracts"][0]["dateSigned"] = "2024-03-05T10:00:00+08:00"
    store(moderator, data)
    assert selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 3, 4)) == []
    assert len(selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 3, 5))) == 1


def test_later_release_changes_the_period(moderator):
    store(moderator, release(f"{PREFIX}-9", end="2024-06-30"))
    store(
        moderator,
        release(
            f"{PREFIX}-9",
            rid="2",
            date="2024-07-01T00:00:00+08:00",
            end="2024-12-31",
            tag=("contractAmendment",),
        ),
    )
    assert len(selectors.large_procurement_in_performance(NUMBER, dt.date(2024, 9, 1))) == 1


def test_large_procurement_periods_lists_every_large_contract(moderator):
    store(
        moderator,
        release(f"{PREFIX}-10"),
        release(f"{PREFIX}-11", category="goods", amount=5_000_000),
        release(f"{PREFIX}-12", supplier=("22099131", "別家公司"), end=None),
    )
    rows = sorted(selectors.large_procurement_periods(), key=lambda r: r.ocid)
    assert [(r.ocid, r.supplier_business_number, r.end) for r in rows] == [
        (f"{PREFIX}-10", NUMBER, dt.date(2025, 1, 31)),
        (f"{PREFIX}-12", "22099131", None),
    ]


def test_contracts_won_by(moderator):
    pending = release(f"{PREFIX}-15")
    pending["awards"][0]["status"] = "pending"
    store(
        moderator,
        release(f"{PREFIX}-13", amount=308_100),
        release(f"{PREFIX}-14", supplier=("22099131", "別家公司")),
        pending,
    )
    won = selectors.contracts_won_by([NUMBER, "", "99999999"])
    assert [(w.ocid, w.amount, w.date) for w in won] == [
        (f"{PREFIX}-13", Decimal("308100"), dt.date(2024, 1, 10))
    ]
    assert won[0].flag_codes == ()
    assert won[0].url.endswith(f"{PREFIX}-13/")
    assert selectors.contracts_won_by([]) == []
