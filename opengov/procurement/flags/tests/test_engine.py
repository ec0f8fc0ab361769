import dataclasses

import duckdb
import pytest

from opengov.core.jurisdiction import ProcurementFlagRules, jurisdiction
from opengov.procurement.flags import FLAGS, run
from opengov.procurement.flags.base import SUBJECTS, quartile_sql

from .ocds import bid, hits_for, release

EXPECTED = {
    "R003",
    "R018",
    "R024",
    "R025",
    "R028",
    "R030",
    "R035",
    "R036",
    "R038",
    "R044",
    "R048",
    "R058",
    "i077",
    "i083",
    "i085",
    "i171",
    "i180",
}


def test_every_flag_is_registered_with_its_definition():
    assert set(FLAGS) == EXPECTED
    rule_names = {f.name for f in dataclasses.fields(ProcurementFlagRules)}
    for code, definition in FLAGS.items():
        assert definition.code == code
        assert definition.subject in SUBJECTS
        assert str(definition.title) and str(definition.definition) and definition.source
        assert set(definition.thresholds) <= rule_names, code


def test_every_threshold_cites_its_source():
    for f in dataclasses.fields(ProcurementFlagRules):
        assert f.metadata["source"], f.name
    assert jurisdiction().procurement_flags == ProcurementFlagRules()


def test_unknown_code_is_refused(tmp_path):
    with pytest.raises(KeyError):
        hits_for(tmp_path, [release("ocds-x-1")], "R999")


def test_rules_default_to_the_profile(tmp_path):
    path = tmp_path / "one.jsonl"
    import json

    path.write_text(json.dumps(release("ocds-x-1", bids=[bid("A", 10)])) + "\n")
    from opengov.procurement.flags import load_compiled_releases

    con = duckdb.connect()
    load_compiled_releases(con, path)
    # one tenderer in an open procedure: R018 with the profile's competitive methods
    assert [h.code for h in run(con, codes=["R018"])] == ["R018"]


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        # h = (n + 1/3) p + 1/3
        ([1.0, 2.0, 3.0, 4.0], 0.25, 1.0 + (((4 + 1 / 3) * 0.25 + 1 / 3) - 1) * 1.0),
        ([1.0, 2.0, 3.0, 4.0], 0.75, 3.0 + (((4 + 1 / 3) * 0.75 + 1 / 3) - 3) * 1.0),
        ([5.0], 0.25, 5.0),
        ([1.0, 9.0], 0.0, 1.0),
        ([1.0, 9.0], 1.0, 9.0),
    ],
)
def test_quartiles_use_the_r8_method(values, p, expected):
    con = duckdb.connect()
    sql = f"SELECT {quartile_sql('v', str(p))} FROM (SELECT ?::DOUBLE[] AS v)"
    got = con.execute(sql, [values]).fetchone()
    assert got[0] == pytest.approx(expected)


def test_cancelled_and_excluded_processes_are_left_out(tmp_path):
    releases = [
        release("ocds-x-1", bids=[bid("A", 10)], tender_status="cancelled"),
        release("ocds-x-2", bids=[bid("A", 10)], details="抽籤"),
        release("ocds-x-3", bids=[bid("A", 10)]),
    ]
    hits = hits_for(tmp_path, releases, "R018", excluded_method_details=("抽籤",))
    assert [h.ocid for h in hits] == ["ocds-x-3"]


def test_loader_reads_integer_ids_and_survives_bad_values(tmp_path):
    import json

    from opengov.procurement.flags import load_compiled_releases

    lines = [
        # integer ids, an amount that is not a number, a count given as text
        {
            "ocid": "ocds-x-1",
            "buyer": {"id": 7},
            "tender": {"numberOfTenderers": "1", "procurementMethod": "open"},
            "bids": {
                "details": [
                    {
                        "id": 1,
                        "status": "valid",
                        "tenderers": [{"id": 5}],
                        "value": {"amount": "308,100元", "currency": "TWD"},
                    }
                ]
            },
        },
        # a line whose bids are not an object
        {"ocid": "ocds-x-2", "bids": "oops"},
        {
            "ocid": "ocds-x-3",
            "tender": {"procurementMethod": "open"},
            "bids": {
                "details": [
                    {
                        "id": "b",
                        "status": "valid",
                        "tenderers": [{"id": "9"}],
                        "value": {"amount": 12.5, "currency": "TWD"},
                    }
                ]
            },
        },
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    con = duckdb.connect()
    load_compiled_releases(con, path)
    bids = con.execute(
        "SELECT ocid, bid_id, amount, tenderer_key FROM og_bid ORDER BY 1"
    ).fetchall()
    assert bids == [("ocds-x-1", "1", None, "5"), ("ocds-x-3", "b", 12.5, "9")]
    assert con.execute("SELECT buyer_key FROM og_release WHERE ocid = 'ocds-x-1'").fetchone() == (
        "7",
    )
    hits = run(con, rules=ProcurementFlagRules(), codes=["R018"])
    assert sorted(h.ocid for h in hits) == ["ocds-x-1", "ocds-x-3"]


def test_a_second_run_with_other_rules_recomputes_shared_facts(tmp_path):
    import json

    from opengov.procurement.flags import load_compiled_releases

    from .ocds import award, rules

    releases = [
        release(
            "ocds-x-1",
            details="固定價格",
            bids=[bid("W", 100), bid("L", 103)],
            awards=[award("W", 100)],
        ),
        release("ocds-x-2", bids=[bid("W", 100), bid("L", 110)], awards=[award("W", 100)]),
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in releases))
    con = duckdb.connect()
    load_compiled_releases(con, path)
    first = run(con, rules=rules(r024_threshold=0.05), codes=["R024"])
    assert {h.ocid for h in first if h.subject == "process"} == {"ocds-x-1"}
    second = run(
        con,
        rules=rules(r024_threshold=0.05, no_price_comparison_method_details=("固定價格",)),
        codes=["R024"],
    )
    assert second == []
    # excluding a process turns the scoped relations into tables; a later run turns them back
    excluded = rules(r024_threshold=0.2, excluded_method_details=("固定價格",))
    assert {h.ocid for h in run(con, rules=excluded, codes=["R024"])} == {"ocds-x-2"}
    again = run(con, rules=rules(r024_threshold=0.05), codes=["R024"])
    assert {h.ocid for h in again} == {"ocds-x-1"}


def _another_value(name, value):
    annotation = {f.name: str(f.type) for f in dataclasses.fields(ProcurementFlagRules)}[name]
    if annotation.startswith("tuple[tuple"):
        return (("其他", 3),)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None or isinstance(value, float):
        return 0.123
    return ("其他",)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_flag_reads_the_thresholds_it_names(code):
    from opengov.procurement.flags.engine import _FLAG_OBJECTS

    from .ocds import rules

    flag = _FLAG_OBJECTS[code]
    base = flag.query(rules())
    # the two scope rules apply through the shared relations `run` prepares
    own = [t for t in flag.definition.thresholds if not t.endswith("method_details")]
    for name in own:
        changed = rules(**{name: _another_value(name, getattr(rules(), name))})
        assert flag.query(changed) != base, (code, name)
