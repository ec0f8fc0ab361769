"""Every verification rule, with cases that must and must not trigger it: a donation of
exactly the limit does not; one dollar over does. Each finding carries the article, the
evidence rows with their hashes, and its confidence."""

import datetime as dt
import hashlib
import itertools

import pytest

from opengov.donations import checks, rules

VOTE = dt.date(2024, 1, 13)
_ids = itertools.count(1)


def tx(
    amount,
    *,
    recipient=1,
    kind="candidate",
    donor="individual",
    key=None,
    name="王小明",
    number="",
    date=dt.date(2023, 11, 1),
    office="legislator",
    vote=VOTE,
    cash=False,
    flags=(),
    score=None,
    window=(None, None),
):
    pk = next(_ids)
    digest = hashlib.sha256(str(pk).encode()).hexdigest()
    key = key or (f"bn:{number}" if number else f"n:{donor}:{name}")
    return (
        pk,
        digest,
        recipient,
        kind,
        office,
        vote,
        date,
        donor,
        key,
        name,
        name,
        number,
        amount,
        cash,
        list(flags),
        score,
        *window,
    )


def run(code, rows, companies=(), names=(), contracts=(), links=()):
    con = checks.connect()
    checks.load(con, "tx", rows)
    checks.load(con, "companies", companies)
    checks.load(con, "company_names", names)
    checks.load(con, "contracts", contracts)
    checks.load(con, "links", links)
    return checks.run(con, [code])


def company(number, name="示範營造", **kw):
    return (
        number,
        name,
        kw.get("status", "active"),
        kw.get("dissolved_on"),
        kw.get("revoked_on"),
        kw.get("government_share"),
        kw.get("party_invested", False),
        kw.get("loss_years", []),
        kw.get("foreign", ""),
    )


LIMITS = rules.limits_for


@pytest.mark.parametrize(
    ("donor", "number"), [("individual", ""), ("company", "90000023"), ("civic_group", "")]
)
def test_limit_to_one_candidate_exactly_does_not_trigger_one_dollar_over_does(donor, number):
    limit = LIMITS(donor).to_candidate
    assert (
        run(
            "limit_candidate",
            [tx(limit - 1000, donor=donor, number=number), tx(1000, donor=donor, number=number)],
        )
        == []
    )
    hits = run(
        "limit_candidate",
        [tx(limit - 1000, donor=donor, number=number), tx(1001, donor=donor, number=number)],
    )
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.amount, hit.limit) == (limit + 1, limit)
    assert hit.article.startswith("Political Donations Act Art. 18")
    assert len(hit.tx_ids) == 2 and len(hit.hashes) == 2
    assert hit.confidence == "exact" and hit.score == 1.0


def test_limits_are_per_calendar_year():
    rows = [tx(100_000, date=dt.date(2022, 12, 31)), tx(100_000, date=dt.date(2023, 1, 1))]
    assert run("limit_candidate", rows) == []


def test_an_approximate_person_match_says_so_with_its_score():
    rows = [tx(60_000, key="p:7", score=0.93), tx(40_001, key="p:7", score=0.93)]
    (hit,) = run("limit_candidate", rows)
    assert hit.confidence == "approximate" and hit.score == pytest.approx(0.93)


def test_limit_to_all_candidates():
    limit = LIMITS("company").to_candidates_total
    ok = [
        tx(1_000_000, recipient=1, donor="company", number="9"),
        tx(1_000_000, recipient=2, donor="company", number="9"),
    ]
    assert run("limit_candidates_total", ok) == []
    over = [*ok, tx(1, recipient=3, donor="company", number="9")]
    (hit,) = run("limit_candidates_total", over)
    assert (hit.amount, hit.limit) == (limit + 1, limit)


def test_limits_to_parties():
    one = LIMITS("individual").to_party
    assert run("limit_party", [tx(one, kind="party", vote=None)]) == []
    assert len(run("limit_party", [tx(one + 1, kind="party", vote=None)])) == 1
    total = LIMITS("individual").to_parties_total
    rows = [
        tx(one, kind="party", recipient=5, vote=None),
        tx(total - one, kind="party", recipient=6, vote=None),
    ]
    assert run("limit_parties_total", rows) == []
    rows.append(tx(1, kind="party", recipient=7, vote=None))
    assert len(run("limit_parties_total", rows)) == 1
    # party limits do not count donations to candidates
    assert run("limit_party", [tx(one + 1)]) == []


@pytest.mark.parametrize(("office", "limit"), [("legislator", 2_000_000), ("councillor", 500_000)])
def test_party_to_its_nominee(office, limit):
    assert rules.party_to_nominee_limit(office) == limit
    assert run("party_to_nominee", [tx(limit, donor="party", office=office)]) == []
    (hit,) = run("party_to_nominee", [tx(limit + 1, donor="party", office=office)])
    assert hit.limit == limit and "Art. 18 ¶2" in hit.article


def test_anonymous_each_and_share():
    assert run("anonymous_each", [tx(10_000, donor="anonymous")]) == []
    (hit,) = run("anonymous_each", [tx(10_001, donor="anonymous")])
    assert "Art. 14" in hit.article
    # 30 % exactly is allowed; above it is not
    assert run("anonymous_share", [tx(3_000, donor="anonymous"), tx(7_000)]) == []
    (hit,) = run("anonymous_share", [tx(3_001, donor="anonymous"), tx(6_999)])
    assert hit.amount == 3_001 and hit.limit == 3_000 and len(hit.tx_ids) == 1


def test_cash():
    assert run("cash", [tx(100_000, cash=True), tx(200_000, cash=False)]) == []
    assert len(run("cash", [tx(100_001, cash=True)])) == 1


def test_collection_window_by_office():
    start, end = rules.collection_window("legislator", VOTE)
    assert (start, end) == (dt.date(2023, 3, 13), dt.date(2024, 1, 12))
    inside = [tx(1, date=start), tx(1, date=end)]
    assert run("window", inside) == []
    outside = [tx(1, date=start - dt.timedelta(days=1)), tx(1, date=VOTE)]
    assert len(run("window", outside)) == 2
    president = rules.collection_window("president", VOTE)[0]
    assert president == dt.date(2023, 1, 13)
    assert run("window", [tx(1, date=president, office="president")]) == []


def test_collection_window_set_for_a_by_election():
    """A by-election's window opens the day after the event (Art. 12 ¶1): the set window is
    the one checked, also for an office the profile's months do not name."""
    window = (dt.date(2023, 10, 1), dt.date(2024, 1, 12))
    assert run("window", [tx(1, date=dt.date(2023, 10, 1), window=window)]) == []
    (hit,) = run("window", [tx(1, date=dt.date(2023, 9, 30), window=window)])
    assert hit.detail == "2023-10-01..2024-01-12"
    other = [tx(1, date=dt.date(2023, 9, 30), office="mayor_of_atlantis", window=window)]
    assert len(run("window", other)) == 1
    assert run("window", [tx(1, date=dt.date(2020, 1, 1), office="mayor_of_atlantis")]) == []


def test_state_owned_at_twenty_percent():
    rows = [tx(5_000, donor="company", number="1")]
    assert run("state_owned", rows, [company("1", government_share=19.99)]) == []
    assert len(run("state_owned", rows, [company("1", government_share=20.0)])) == 1


def test_contractor_in_performance_on_the_donation_date():
    rows = [tx(5_000, donor="company", number="1", date=dt.date(2023, 6, 1))]
    big = ("works", 200_000_000)
    before = [("1", "ocds-x-1", "橋", *big, dt.date(2023, 6, 2), None)]
    ended = [("1", "ocds-x-2", "路", *big, dt.date(2022, 1, 1), dt.date(2023, 5, 31))]
    small = [("1", "ocds-x-4", "燈", "works", 199_999_999, dt.date(2023, 1, 1), None)]
    assert run("contractor", rows, contracts=before + ended + small) == []
    during = [("1", "ocds-x-3", "港", *big, dt.date(2023, 1, 1), dt.date(2023, 6, 1))]
    (hit,) = run("contractor", rows, contracts=during)
    assert hit.detail == "ocds-x-3"


def test_accumulated_losses_of_the_prior_year():
    rows = [tx(5_000, donor="company", number="1", date=dt.date(2024, 3, 1))]
    assert run("accumulated_loss", rows, [company("1", loss_years=[2024])]) == []
    assert len(run("accumulated_loss", rows, [company("1", loss_years=[2023])])) == 1


def test_dissolved_or_revoked_before_the_date():
    rows = [tx(5_000, donor="company", number="1", date=dt.date(2024, 3, 1))]
    assert run("dissolved", rows, [company("1", dissolved_on=dt.date(2024, 3, 2))]) == []
    assert len(run("dissolved", rows, [company("1", revoked_on=dt.date(2024, 3, 1))])) == 1


def test_foreign_main_members_and_party_businesses():
    rows = [tx(5_000, donor="company", number="1")]
    assert run("foreign", rows, [company("1")]) == []
    assert len(run("foreign", rows, [company("1", foreign="mainland")])) == 1
    assert run("party_business", rows, [company("1")]) == []
    assert len(run("party_business", rows, [company("1", party_invested=True)])) == 1


def test_invalid_business_numbers():
    assert run("invalid_number", [tx(1, donor="company", flags=["anonymous"])]) == []
    (hit,) = run("invalid_number", [tx(1, donor="company", flags=["bn_lost_zero"])])
    assert hit.detail == "bn_lost_zero"


def test_name_differing_from_the_registry_on_that_date():
    rows = [tx(1, donor="company", number="1", name="舊名", date=dt.date(2023, 5, 1))]
    names = [("1", "新名", None, None), ("1", "舊名", dt.date(2020, 1, 1), dt.date(2023, 6, 1))]
    assert run("name_mismatch", rows, [company("1", name="新名")], names) == []
    later = [tx(1, donor="company", number="1", name="舊名", date=dt.date(2023, 6, 1))]
    assert len(run("name_mismatch", later, [company("1", name="新名")], names)) == 1


def test_donors_split_across_related_companies():
    limit = LIMITS("company").to_candidate
    rows = [tx(600_000, donor="company", number="1"), tx(400_000, donor="company", number="2")]
    link = [("1", "2", "director", "林示範")]
    assert run("split_donor", rows, links=link) == []  # exactly the limit together
    rows.append(tx(1, donor="company", number="2"))
    (hit,) = run("split_donor", rows, links=link)
    assert hit.amount == limit + 1 and "director:林示範" in hit.detail
    assert run("split_donor", rows, links=[]) == []


def test_december_january_double_cap_around_a_january_vote():
    rows = [tx(100_000, date=dt.date(2023, 12, 20)), tx(1, date=dt.date(2024, 1, 5))]
    (hit,) = run("double_cap", rows)
    assert hit.amount == 100_001
    assert run("double_cap", [tx(100_000, date=dt.date(2023, 12, 20))]) == []
    may = [
        tx(100_000, date=dt.date(2023, 12, 20), vote=dt.date(2024, 5, 1)),
        tx(1, date=dt.date(2024, 1, 5), vote=dt.date(2024, 5, 1)),
    ]
    assert run("double_cap", may) == []


def test_heaping_is_a_screen():
    heaped = [tx(99_999), tx(100_000), tx(96_000), *[tx(1_234) for _ in range(20)]]
    (hit,) = run("heaping", heaped)
    assert hit.confidence == "screen" and hit.limit == 100_000 and hit.amount == 3
    spread = [tx(99_999), tx(50_000), *[tx(1_234) for _ in range(20)]]
    assert run("heaping", spread) == []


def test_benford_screens():
    uniform = [tx(5_000) for _ in range(120)]
    codes = {h.code: h for h in run("benford_first", uniform) + run("benford_second", uniform)}
    assert set(codes) == {"benford_first", "benford_second"}
    assert all(h.confidence == "screen" for h in codes.values())
    # amounts that follow Benford's law (a geometric series) pass
    benford = [tx(int(100 * 1.07**i)) for i in range(150)]
    assert run("benford_first", benford) == []
    assert run("benford_first", uniform[:99]) == []  # too few amounts to test


def test_numbers_follow_the_profile(settings):
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"donations": {"cash_max": 50_000}}
    assert len(run("cash", [tx(50_001, cash=True)])) == 1


def test_heaping_minimum_count_follows_the_profile(settings):
    heaped = [tx(99_999), tx(100_000), tx(96_000), *[tx(1_234) for _ in range(20)]]
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"donations": {"heaping_min_count": 4}}
    assert run("heaping", heaped) == []
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"donations": {"heaping_min_count": 2}}
    assert len(run("heaping", heaped[1:])) == 1
