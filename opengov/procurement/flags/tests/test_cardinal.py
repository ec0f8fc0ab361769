"""Cardinal's indicators on hand-made processes: what must and must not raise each flag."""

import pytest

from .ocds import award, bid, bn, by_subject, hits_for, release

T0 = "2025-03-01T00:00:00Z"


# R003 short submission period ------------------------------------------------------------


def test_r003_short_period_is_flagged_with_days_and_threshold(tmp_path):
    releases = [
        release("ocds-x-short", start=T0, end="2025-03-06T00:00:00Z"),
        release("ocds-x-long", start=T0, end="2025-03-16T00:00:00Z"),  # exactly 15 days
        release("ocds-x-none", start=T0),  # no deadline: nothing to compare
    ]
    hits = hits_for(tmp_path, releases, "R003")
    assert [h.ocid for h in hits] == ["ocds-x-short"]
    evidence = hits[0].evidence
    assert evidence["period_days"] == 5
    assert evidence["threshold_days"] == 15
    assert evidence["threshold_from"] == "default"


def test_r003_threshold_per_method_details(tmp_path):
    releases = [
        release("ocds-x-1", details="公開招標", start=T0, end="2025-03-20T00:00:00Z"),
        release("ocds-x-2", details="限制性招標", start=T0, end="2025-03-06T00:00:00Z"),
    ]
    hits = hits_for(
        tmp_path, releases, "R003", r003_method_details_days=(("公開招標", 28), ("限制性招標", 3))
    )
    assert [h.ocid for h in hits] == ["ocds-x-1"]
    assert hits[0].evidence["threshold_days"] == 28
    assert hits[0].evidence["threshold_from"] == "procurementMethodDetails"


# R018 single bid received ----------------------------------------------------------------


def test_r018_single_bid_in_open_procedure(tmp_path):
    releases = [
        release("ocds-x-open", method="open", bids=[bid("A", 100)]),
        release("ocds-x-selective", method="selective", number_of_tenderers=1),
        release("ocds-x-two", method="open", bids=[bid("A", 100), bid("B", 120)]),
        # Cardinal's exclusion: a single bid in a direct (or limited) procedure is not R018
        release("ocds-x-direct", method="direct", bids=[bid("A", 100)]),
        release("ocds-x-limited", method="limited", number_of_tenderers=1),
    ]
    hits = hits_for(tmp_path, releases, "R018")
    assert sorted(h.ocid for h in hits) == ["ocds-x-open", "ocds-x-selective"]
    evidence = {h.ocid: h.evidence for h in hits}
    assert evidence["ocds-x-open"]["counted_from"] == "bids.details"
    assert evidence["ocds-x-open"]["tenderers"] == [bn("A")]
    assert evidence["ocds-x-selective"]["counted_from"] == "tender.numberOfTenderers"


def test_r018_declared_number_wins_over_withdrawn_bids(tmp_path):
    releases = [
        release("ocds-x-1", bids=[bid("A", 100), bid("B", 90, status="withdrawn")]),
        release("ocds-x-2", number_of_tenderers=2, bids=[bid("A", 100)]),
    ]
    assert [h.ocid for h in hits_for(tmp_path, releases, "R018")] == ["ocds-x-1"]


# R024 / R058 price close to winning bid, heavily discounted bid --------------------------


def _price_process(ocid, winner_amount, second_amount, **kwargs):
    bids = kwargs.pop("bids", None) or [bid("W", winner_amount), bid(f"L{ocid}", second_amount)]
    awards = kwargs.pop("awards", None) or [award("W", winner_amount)]
    return release(ocid, bids=bids, awards=awards, **kwargs)


def _population():
    # differences 0.05, 0.06, 0.06, 0.07, 0.07, 0.08: Q1 ≈ 0.06, Q3 ≈ 0.07
    return [
        _price_process(f"ocds-x-p{i}", 100, 100 * (1 + d))
        for i, d in enumerate((0.05, 0.06, 0.06, 0.07, 0.07, 0.08))
    ]


def test_r024_close_second_bid_flags_process_winner_and_runner_up(tmp_path):
    releases = [*_population(), _price_process("ocds-x-close", 100_000, 100_500)]
    hits = hits_for(tmp_path, releases, "R024")
    process = by_subject(hits, "process")
    assert set(process) == {"ocds-x-close"}
    evidence = process["ocds-x-close"].evidence
    assert evidence["difference"] == pytest.approx(0.005)
    assert evidence["winning_bid"]["tenderer"] == bn("W")
    assert evidence["second_lowest_valid_bid"]["amount"] == 100_500
    assert evidence["fence_from"] == "quartiles"
    assert evidence["q1"] < evidence["q3"]
    assert evidence["lower_fence"] == pytest.approx(
        evidence["q1"] - 1.5 * (evidence["q3"] - evidence["q1"])
    )
    assert evidence["processes_compared"] == 7
    tenderers = {(h.ocid, h.subject_id) for h in hits if h.subject == "tenderer"}
    assert tenderers == {("ocds-x-close", bn("W")), ("ocds-x-close", bn("Locds-x-close"))}


def test_r024_fixed_threshold(tmp_path):
    releases = [_price_process("ocds-x-1", 100, 103), _price_process("ocds-x-2", 100, 110)]
    hits = hits_for(tmp_path, releases, "R024", r024_threshold=0.05)
    process = by_subject(hits, "process")
    assert set(process) == {"ocds-x-1"}
    assert process["ocds-x-1"].evidence["fence_from"] == "threshold"
    assert process["ocds-x-1"].evidence["lower_fence"] == 0.05


def test_r024_exclusions(tmp_path):
    releases = [
        # a pending award: results would not be stable
        _price_process(
            "ocds-x-pending",
            100,
            100.1,
            awards=[award("W", 100), award("X", status="pending", award_id="a2")],
        ),
        # the winning bid is not the lowest (award criteria not price only)
        _price_process("ocds-x-notlowest", 100, 99),
        # several active awards
        _price_process(
            "ocds-x-multi", 100, 100.1, awards=[award("W", 100), award("Z", 5, award_id="a2")]
        ),
        # a bid by several tenderers
        _price_process(
            "ocds-x-consortium",
            100,
            100.1,
            bids=[bid("W", 100), bid("C", 100.1, tenderers=["C", "D"])],
        ),
        # an award to several suppliers
        _price_process("ocds-x-joint", 100, 100.1, awards=[award("W", 100, suppliers=["W", "V"])]),
        # prices predetermined by the buyer
        _price_process("ocds-x-fixed", 100, 100.1, details="固定價格"),
    ]
    hits = hits_for(
        tmp_path,
        releases,
        "R024",
        r024_threshold=0.05,
        no_price_comparison_method_details=("固定價格",),
    )
    assert hits == []


def test_r058_heavily_discounted_winner(tmp_path):
    releases = [*_population(), _price_process("ocds-x-lemon", 100, 150)]
    hits = hits_for(tmp_path, releases, "R058")
    process = by_subject(hits, "process")
    assert set(process) == {"ocds-x-lemon"}
    evidence = process["ocds-x-lemon"].evidence
    assert evidence["difference"] == pytest.approx(0.5)
    assert evidence["upper_fence"] == pytest.approx(
        evidence["q3"] + 1.5 * (evidence["q3"] - evidence["q1"])
    )
    assert [h.subject_id for h in hits if h.subject == "tenderer"] == [bn("W")]


# R025 excessive unsuccessful bids --------------------------------------------------------


def test_r025_top_tenderer_that_rarely_wins(tmp_path):
    releases = []
    n = 0
    # tenderers A..H each bid in 2 processes and win one (ratio 0.5); P bids in 8 and wins 1
    for pair in ("AB", "CD", "EF", "GH"):
        for winner in pair:
            n += 1
            releases.append(
                release(
                    f"ocds-x-{n}", bids=[bid(pair[0], 10), bid(pair[1], 11)], awards=[award(winner)]
                )
            )
    for i in range(8):
        n += 1
        winner = "P" if i == 0 else "Q"
        releases.append(
            release(f"ocds-x-{n}", bids=[bid("P", 10), bid("Q", 11)], awards=[award(winner)])
        )
    # left out: a pending award, several active awards, an award to several suppliers
    n += 1
    releases.append(
        release(
            f"ocds-x-{n}",
            bids=[bid("P", 10), bid("Q", 11)],
            awards=[award("Q"), award("P", status="pending", award_id="p")],
        )
    )
    n += 1
    releases.append(
        release(
            f"ocds-x-{n}",
            bids=[bid("P", 10), bid("Q", 11)],
            awards=[award("Q"), award("R", award_id="r")],
        )
    )
    n += 1
    releases.append(
        release(
            f"ocds-x-{n}",
            bids=[bid("P", 10), bid("Q", 11)],
            awards=[award("Q", suppliers=["Q", "R"])],
        )
    )
    hits = hits_for(tmp_path, releases, "R025", r025_threshold=0.2)
    assert [h.subject_id for h in hits] == [bn("P")]
    evidence = hits[0].evidence
    assert evidence["valid_bids"] == 8 and evidence["winning_bids"] == 1
    assert evidence["ratio"] == pytest.approx(0.125)
    assert evidence["lower_fence"] == 0.2
    assert evidence["valid_bids"] >= evidence["bids_upper_fence"]
    assert len(evidence["ocids"]) == 8
    assert hits[0].ocid is None and hits[0].subject == "tenderer"


def test_r025_not_raised_when_quartile_fence_is_zero(tmp_path):
    releases = [
        release(f"ocds-x-{i}", bids=[bid("A", 10), bid("B", 11)], awards=[award("A")])
        for i in range(4)
    ]
    # B never wins, but with Q1 = 0 Cardinal raises nothing (the fence would flag 25 %)
    assert hits_for(tmp_path, releases, "R025") == []


# R028 identical bid prices ---------------------------------------------------------------


def test_r028_identical_prices_by_different_tenderers(tmp_path):
    releases = [
        release("ocds-x-same", bids=[bid("A", 500), bid("B", 500), bid("C", 600)]),
        release("ocds-x-diff", bids=[bid("A", 500), bid("B", 501)]),
        # the same tenderer bidding twice at one price is not two tenderers
        release("ocds-x-self", bids=[bid("A", 500, bid_id="1"), bid("A", 500, bid_id="2")]),
        # another currency is another price
        release("ocds-x-cur", bids=[bid("A", 500), bid("B", 500, currency="USD")]),
        # invited and withdrawn bids are not submitted
        release("ocds-x-inv", bids=[bid("A", 500), bid("B", 500, status="withdrawn")]),
    ]
    hits = hits_for(tmp_path, releases, "R028")
    assert set(by_subject(hits, "process")) == {"ocds-x-same"}
    assert set(by_subject(hits, "tenderer")) == {bn("A"), bn("B")}
    prices = by_subject(hits, "process")["ocds-x-same"].evidence["identical_prices"]
    assert prices[0]["amount"] == 500 and len(prices[0]["bids"]) == 2


def test_r028_predetermined_prices_are_left_out(tmp_path):
    releases = [release("ocds-x-1", details="固定價格", bids=[bid("A", 500), bid("B", 500)])]
    hits = hits_for(tmp_path, releases, "R028", no_price_comparison_method_details=("固定價格",))
    assert hits == []


# R030 late bid won -----------------------------------------------------------------------


def test_r030_late_bid_of_active_supplier(tmp_path):
    end = "2025-03-15T00:00:00Z"
    releases = [
        release(
            "ocds-x-late",
            start=T0,
            end=end,
            bids=[bid("A", 10, date="2025-04-01T00:00:00Z"), bid("B", 12, date=T0)],
            awards=[award("A")],
        ),
        # late, but lost
        release(
            "ocds-x-lost",
            start=T0,
            end=end,
            bids=[bid("A", 10, date="2025-04-01T00:00:00Z"), bid("B", 9, date=T0)],
            awards=[award("B")],
        ),
        # late and won, but the award is not active
        release(
            "ocds-x-pending",
            start=T0,
            end=end,
            bids=[bid("A", 10, date="2025-04-01T00:00:00Z")],
            awards=[award("A", status="pending")],
        ),
        # on time
        release(
            "ocds-x-ontime",
            start=T0,
            end=end,
            bids=[bid("A", 10, date="2025-03-14T00:00:00Z")],
            awards=[award("A")],
        ),
    ]
    hits = hits_for(tmp_path, releases, "R030")
    assert set(by_subject(hits, "process")) == {"ocds-x-late"}
    evidence = by_subject(hits, "process")["ocds-x-late"].evidence
    assert evidence["late_winning_bids"][0]["tenderer"] == bn("A")
    assert evidence["submission_deadline"].startswith("2025-03-15")
    assert set(by_subject(hits, "tenderer")) == {bn("A")}


# R035 all except winning bid disqualified ------------------------------------------------


def test_r035_all_others_disqualified(tmp_path):
    releases = [
        release(
            "ocds-x-1",
            bids=[
                bid("A", 10),
                bid("B", 9, status="disqualified"),
                bid("C", 8, status="disqualified"),
            ],
            awards=[award("A")],
        ),
        # another valid bid
        release(
            "ocds-x-2",
            bids=[bid("A", 10), bid("B", 9), bid("C", 8, status="disqualified")],
            awards=[award("A")],
        ),
        # the single valid tenderer did not win
        release(
            "ocds-x-3", bids=[bid("A", 10), bid("B", 9, status="disqualified")], awards=[award("D")]
        ),
        # pending award: excluded
        release(
            "ocds-x-4",
            bids=[bid("A", 10), bid("B", 9, status="disqualified")],
            awards=[award("A"), award("B", status="pending", award_id="x")],
        ),
        # no one disqualified
        release("ocds-x-5", bids=[bid("A", 10)], awards=[award("A")]),
    ]
    hits = hits_for(tmp_path, releases, "R035")
    process = by_subject(hits, "process")
    assert set(process) == {"ocds-x-1"}
    assert process["ocds-x-1"].evidence["disqualified_tenderers"] == [bn("B"), bn("C")]
    assert process["ocds-x-1"].evidence["count"] == 2
    assert set(by_subject(hits, "tenderer")) == {bn("A")}
    assert hits_for(tmp_path, releases, "R035", r035_threshold=3) == []


# R036 lowest bid disqualified ------------------------------------------------------------


def test_r036_lowest_bid_disqualified(tmp_path):
    releases = [
        release(
            "ocds-x-1",
            bids=[bid("A", 111_111), bid("B", 100_000, status="disqualified")],
            awards=[award("A")],
        ),
        release(
            "ocds-x-2",
            bids=[bid("A", 100_000), bid("B", 111_111, status="disqualified")],
            awards=[award("A")],
        ),
        # no active award yet
        release(
            "ocds-x-3",
            bids=[bid("A", 111_111), bid("B", 100_000, status="disqualified")],
            awards=[award("A", status="pending")],
        ),
        # no valid bid with an amount
        release(
            "ocds-x-4",
            bids=[bid("A"), bid("B", 100_000, status="disqualified")],
            awards=[award("A")],
        ),
    ]
    hits = hits_for(tmp_path, releases, "R036")
    assert [h.ocid for h in hits] == ["ocds-x-1"]
    evidence = hits[0].evidence
    assert evidence["lowest_bid"]["status"] == "disqualified"
    assert evidence["lowest_bid"]["amount"] == 100_000
    assert evidence["lowest_valid_bid"]["tenderers"] == [bn("A")]


# R038 excessive disqualified bids --------------------------------------------------------


def test_r038_buyer_and_tenderer_with_many_disqualified_bids(tmp_path):
    releases = []
    # four ordinary buyers: 1 disqualified bid in 10 over 2 processes
    for buyer in ("G1", "G2", "G3", "G4"):
        for i in range(2):
            bids = [bid(f"{buyer}{i}{k}", 10 + k) for k in range(5)]
            if i == 0:
                bids[0]["status"] = "disqualified"
            releases.append(release(f"ocds-x-{buyer}-{i}", buyer=buyer, bids=bids))
    # the suspicious buyer disqualifies 8 of 10; "X" is disqualified in both
    for i in range(2):
        bids = [bid(f"S{i}{k}", 10 + k, status="disqualified") for k in range(3)]
        bids += [bid("X", 9, status="disqualified"), bid(f"S{i}v", 20)]
        releases.append(release(f"ocds-x-S-{i}", buyer="S", bids=bids))
    # a buyer with one process is left out whatever it does
    releases.append(release("ocds-x-once", buyer="ONCE", bids=[bid("Z", 1, status="disqualified")]))
    hits = hits_for(tmp_path, releases, "R038", r038_minimum_submitted_bids=2)
    buyers = by_subject(hits, "buyer")
    assert set(buyers) == {bn("S")}
    evidence = buyers[bn("S")].evidence
    assert evidence["submitted_bids"] == 10 and evidence["disqualified_bids"] == 8
    assert evidence["ratio"] == pytest.approx(0.8)
    assert evidence["compared"] == 5
    assert evidence["ratio"] >= evidence["upper_fence"] > 0
    assert evidence["ocids_with_disqualified_bids"] == ["ocds-x-S-0", "ocds-x-S-1"]
    # tenderers with one bid are left out (minimum 2); X has 2 bids, both disqualified
    tenderers = by_subject(hits, "tenderer")
    assert set(tenderers) == {bn("X")}
    assert tenderers[bn("X")].evidence["submitted_bids"] == 2


def test_r038_nothing_when_most_have_no_disqualified_bids(tmp_path):
    releases = [
        release(f"ocds-x-{i}", buyer=f"G{i % 10}", bids=[bid("A", 1), bid("B", 2)])
        for i in range(20)
    ]
    releases.append(release("ocds-x-d", buyer="G0", bids=[bid("A", 1, status="disqualified")]))
    # Q3 = 0: the fence is 0 and Cardinal raises nothing
    assert by_subject(hits_for(tmp_path, releases, "R038"), "buyer") == {}


# R048 heterogeneous supplier -------------------------------------------------------------


def test_r048_supplier_of_many_unrelated_classes(tmp_path):
    releases = []
    n = 0
    for supplier, classes in (
        ("A", ["43"]),
        ("B", ["43", "44"]),
        ("C", ["72"]),
        ("D", ["72", "80"]),
        ("E", [f"{10 + k}" for k in range(12)]),
    ):
        for i in range(3):
            n += 1
            code = classes[i % len(classes)] + "101500"
            releases.append(release(f"ocds-x-{n}", awards=[award(supplier, items=[code])]))
        if supplier == "E":
            n += 1
            releases.append(
                release(f"ocds-x-{n}", awards=[award("E", items=[c + "000000" for c in classes])])
            )
    # a joint award is left out
    n += 1
    releases.append(
        release(f"ocds-x-{n}", awards=[award("F", items=["99000000"], suppliers=["F", "A"])])
    )
    hits = hits_for(tmp_path, releases, "R048", r048_minimum_contracting_processes=3)
    assert [h.subject_id for h in hits] == [bn("E")]
    evidence = hits[0].evidence
    assert evidence["variety"] == 12
    assert evidence["classes"][:2] == ["10", "11"]
    assert evidence["suppliers_compared"] == 5
    assert evidence["variety"] >= evidence["upper_fence"]
    # with a higher minimum no supplier is compared
    assert hits_for(tmp_path, releases, "R048") == []
