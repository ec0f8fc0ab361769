"""R044 and DevGateway's indicators on hand-made processes."""

import pytest

from .ocds import award, bid, bn, by_subject, hits_for, release

# R044 business similarities between bidders ----------------------------------------------


def test_r044_bidders_sharing_an_address(tmp_path):
    releases = [
        release("ocds-x-1", bids=[bid("A", 10), bid("B", 11), bid("C", 12)]),
        # the linked companies never meet in one process here
        release("ocds-x-2", bids=[bid("A", 10), bid("D", 11)]),
        release("ocds-x-3", bids=[bid("B", 10), bid("D", 11)]),
    ]
    links = [
        (bn("B"), bn("A"), "address", "臺北市中正區重慶南路一段122號"),
        (bn("A"), bn("B"), "director", "王小明"),
        (bn("C"), bn("Z"), "phone", "02-2311-1234"),  # Z never bids
        (bn("A"), bn("D"), "website", "example.tw"),  # not a kind the rule reads
    ]
    hits = hits_for(tmp_path, releases, "R044", links=links)
    process = by_subject(hits, "process")
    assert set(process) == {"ocds-x-1"}
    found = process["ocds-x-1"].evidence["links"]
    assert {(x["tenderer_a"], x["tenderer_b"], x["kind"]) for x in found} == {
        (bn("A"), bn("B"), "address"),
        (bn("A"), bn("B"), "director"),
    }
    assert "重慶南路" in next(x["shared_value"] for x in found if x["kind"] == "address")
    assert set(by_subject(hits, "tenderer")) == {bn("A"), bn("B")}


def test_r044_nothing_without_links(tmp_path):
    releases = [release("ocds-x-1", bids=[bid("A", 10), bid("B", 11)])]
    assert hits_for(tmp_path, releases, "R044") == []


# i077 many awards to one supplier from one buyer ----------------------------------------


def _awarded(ocid, supplier, day, *, buyer="G", method="open"):
    return release(
        ocid,
        buyer=buyer,
        method=method,
        awards=[award(supplier, 1000, date=f"{day}T00:00:00Z", award_id=ocid)],
    )


def test_i077_more_than_three_awards_within_a_year(tmp_path):
    releases = [
        _awarded("ocds-x-1", "A", "2024-01-10"),
        _awarded("ocds-x-2", "A", "2024-04-10"),
        _awarded("ocds-x-3", "A", "2024-08-10"),
        _awarded("ocds-x-4", "A", "2024-12-20"),
        # B: four awards, but spread over more than a year
        _awarded("ocds-x-5", "B", "2023-01-10"),
        _awarded("ocds-x-6", "B", "2023-06-10"),
        _awarded("ocds-x-7", "B", "2023-12-10"),
        _awarded("ocds-x-8", "B", "2024-02-10"),
        # C: four awards within a year, from four buyers
        *[_awarded(f"ocds-x-c{i}", "C", f"2024-0{i + 1}-01", buyer=f"G{i}") for i in range(4)],
    ]
    hits = hits_for(tmp_path, releases, "i077")
    assert [h.subject_id for h in hits] == [bn("A")]
    evidence = hits[0].evidence
    assert evidence["buyer"] == bn("G")
    assert evidence["awards_in_window"] == 4
    assert evidence["max_awards"] == 3 and evidence["window_days"] == 365
    assert [a["ocid"] for a in evidence["awards"]] == [f"ocds-x-{i}" for i in range(1, 5)]
    assert len(hits_for(tmp_path, releases, "i077", i077_window_days=800)) == 2


# i083 winner rotation ---------------------------------------------------------------------


def test_i083_the_same_bidders_take_turns(tmp_path):
    def rnd(ocid, winner, bidders="ABC"):
        return release(ocid, bids=[bid(x, 10) for x in bidders], awards=[award(winner)])

    releases = [
        rnd("ocds-x-1", "A"),
        rnd("ocds-x-2", "B"),
        rnd("ocds-x-3", "C"),
        # the same group, always the same winner: competition, not rotation
        rnd("ocds-x-4", "D", "DE"),
        rnd("ocds-x-5", "D", "DE"),
        rnd("ocds-x-6", "D", "DE"),
        # rotation, but the group met only twice
        rnd("ocds-x-7", "F", "FG"),
        rnd("ocds-x-8", "G", "FG"),
    ]
    hits = hits_for(tmp_path, releases, "i083")
    assert [h.ocid for h in hits] == ["ocds-x-1", "ocds-x-2", "ocds-x-3"]
    evidence = hits[1].evidence
    assert evidence["bidders"] == [bn("A"), bn("B"), bn("C")]
    assert evidence["winner"] == bn("B")
    assert evidence["distinct_winners"] == 3 and evidence["processes"] == 3
    assert len(hits_for(tmp_path, releases, "i083", i083_minimum_processes=2)) == 5


# i085 bids an exact percentage apart ------------------------------------------------------


def test_i085_bids_a_whole_percentage_apart(tmp_path):
    releases = [
        release("ocds-x-1", bids=[bid("A", 1_234_567), bid("B", 1_234_567 * 1.05)]),
        release("ocds-x-2", bids=[bid("A", 1_234_567), bid("B", 1_299_999)]),
        # identical prices are R028, not i085
        release("ocds-x-3", bids=[bid("A", 1000), bid("B", 1000)]),
        # the same tenderer's two bids
        release("ocds-x-4", bids=[bid("A", 1000, bid_id="1"), bid("A", 1100, bid_id="2")]),
    ]
    hits = hits_for(tmp_path, releases, "i085")
    assert [h.ocid for h in hits] == ["ocds-x-1"]
    pair = hits[0].evidence["pairs"][0]
    assert pair["percent_apart"] == 5
    assert pair["lower_bid"]["tenderers"] == [bn("A")]
    assert pair["higher_bid"]["amount"] == pytest.approx(1_296_295.35)


# i171 award too close to the estimate -----------------------------------------------------


def test_i171_award_within_one_percent_of_estimate(tmp_path):
    releases = [
        release("ocds-x-1", estimate=1_000_000, awards=[award("A", 995_000)]),
        release("ocds-x-2", estimate=1_000_000, awards=[award("A", 980_000)]),
        release("ocds-x-3", estimate=1_000_000, awards=[award("A", 1_000_000, status="cancelled")]),
        release("ocds-x-4", estimate=1_000_000, awards=[award("A", 1_000_000, currency="USD")]),
    ]
    hits = hits_for(tmp_path, releases, "i171")
    assert [h.ocid for h in hits] == ["ocds-x-1"]
    evidence = hits[0].evidence
    assert evidence["estimate"] == 1_000_000
    assert evidence["awards"][0]["difference"] == pytest.approx(0.005)
    assert evidence["max_difference"] == 0.01


# i180 repeated non-competitive awards -----------------------------------------------------


def test_i180_repeated_direct_awards_within_three_years(tmp_path):
    releases = [
        _awarded("ocds-x-1", "A", "2022-01-10", method="direct"),
        _awarded("ocds-x-2", "A", "2024-06-10", method="limited"),
        # B: two direct awards, more than three years apart
        _awarded("ocds-x-3", "B", "2020-01-10", method="direct"),
        _awarded("ocds-x-4", "B", "2024-01-10", method="direct"),
        # C: two awards, one of them open
        _awarded("ocds-x-5", "C", "2024-01-10", method="direct"),
        _awarded("ocds-x-6", "C", "2024-02-10", method="open"),
    ]
    hits = hits_for(tmp_path, releases, "i180")
    assert [h.subject_id for h in hits] == [bn("A")]
    evidence = hits[0].evidence
    assert [a["procurement_method"] for a in evidence["awards"]] == ["direct", "limited"]
    assert evidence["minimum_awards"] == 2 and evidence["window_days"] == 1095
