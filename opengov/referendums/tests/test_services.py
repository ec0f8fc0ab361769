"""Cases through their legal life, signatures, the paper merge, the check, the purge."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from opengov.core import tlog
from opengov.core.errors import ServiceError
from opengov.referendums import rules, selectors, services, tally, verify
from opengov.referendums.models import Case, Signature

from .conftest import LEAD_ID, adult, esign, make_id, roll_csv

pytestmark = pytest.mark.django_db


def test_whole_life_to_established(make_case, pki, lead, official, clock):
    case = make_case("collecting")
    assert rules.case_stage(case).stage == "collecting"
    _, receipt = esign(pki, case, 2)
    esign(pki, case, 3)
    report = services.paper_entries_add(
        actor=official,
        case=case,
        data=f"national_id,signed_on,page\n{make_id(4)},2026-01-01,1\n{make_id(5)},2026-01-01,1\n",
    )
    assert report.errors == [] and report.details == {"counted": 2, "duplicates": 0}
    case = services.case_submit(actor=lead, case=case)
    assert rules.case_stage(case).stage == "checking"
    roll, report = services.roll_import(
        actor=official,
        data=roll_csv([adult(n) for n in (2, 3, 4, 5)]),
        reference_date=clock.today(),
    )
    assert roll is not None and report.accepted == 4
    case = services.case_check(actor=official, case=case, deletions={make_id(5): "forged"})
    assert case.outcome == "established"
    counts = selectors.counts(case)["petition"]
    assert counts == {"accepted": 4, "deleted": 1, "count": 3}
    # anyone recomputes the count and the root from the published leaves
    latest = services.checkpoint_publish(case=case)
    result, counted = verify.verify_tally(
        selectors.leaves(case), latest.note, tally.verifier_keys(case.log_name)
    )
    assert result.ok, result.error
    assert counted == {"accepted": 5, "deleted": 1, "count": 4}  # 1 proposer + 3 signatures
    assert tally.count_leaves(selectors.leaves(case), "petition")["count"] == 3
    # the receipt of an early signer still verifies offline
    assert verify.verify_receipt(receipt).ok


def test_second_e_signature_is_refused_with_the_date(make_case, pki, clock):
    case = make_case("collecting")
    esign(pki, case, 2)
    before = Signature.objects.count(), tlog.tree_size(case.log_name)
    with pytest.raises(ServiceError) as info:
        esign(pki, case, 2)
    assert info.value.code == "already_signed"
    assert clock.now().astimezone(rules.clock.local_zone()).strftime("%Y") in str(
        info.value.message
    )
    assert (Signature.objects.count(), tlog.tree_size(case.log_name)) == before


def test_refused_certificate_records_nothing(make_case, pki, clock):
    case = make_case("collecting")
    citizen = pki.issue(make_id(7))
    pki.revoke(citizen, in_crl=False)
    before = Signature.objects.count(), tlog.tree_size(case.log_name)
    package = citizen.package(case_id=str(case.public_id), stage="petition", when=clock.now())
    with pytest.raises(ServiceError) as info:
        services.signature_submit(actor=None, case=case, package=package)
    assert info.value.code == "revoked"
    assert (Signature.objects.count(), tlog.tree_size(case.log_name)) == before


def test_statement_for_another_case_or_stage_or_time(make_case, pki, clock, case_id):
    case = make_case("collecting")
    citizen = pki.issue(make_id(8))
    for kwargs, code in (
        ({"case_id": case_id, "stage": "petition", "when": clock.now()}, "wrong_case"),
        ({"case_id": str(case.public_id), "stage": "proposal", "when": clock.now()}, "wrong_stage"),
        (
            {
                "case_id": str(case.public_id),
                "stage": "petition",
                "when": clock.now() - dt.timedelta(hours=1),
            },
            "time_skew",
        ),
    ):
        with pytest.raises(ServiceError) as info:
            services.signature_submit(actor=None, case=case, package=citizen.package(**kwargs))
        assert info.value.code == code


def test_paper_merge_counts_a_person_once_and_electronic_wins(make_case, pki, official):
    case = make_case("collecting")
    esign(pki, case, 2)
    data = (
        "national_id,signed_on,page\n"
        f"{make_id(2)},2026-01-01,1\n"  # signed electronically: does not count
        f"{make_id(3)},2026-01-01,1\n"
        f"{make_id(3)},2026-01-02,2\n"  # twice on paper: counts once
    )
    report = services.paper_entries_add(actor=official, case=case, data=data)
    assert report.details == {"counted": 1, "duplicates": 2}
    again = services.paper_entries_add(
        actor=official, case=case, data=f"national_id,signed_on,page\n{make_id(3)},2026-01-03,3\n"
    )
    assert again.details == {"counted": 0, "duplicates": 1}
    assert selectors.counts(case)["petition"]["count"] == 2
    electronic = Signature.objects.get(case=case, method="electronic", stage="petition")
    assert Signature.objects.filter(duplicate_of=electronic).count() == 1


def test_paper_rows_with_errors_are_refused_whole(make_case, official):
    case = make_case("collecting")
    data = f"national_id,signed_on,page\n{make_id(3)},2026-01-01,1\nA123,2026-01-01,1\n"
    report = services.paper_entries_add(actor=official, case=case, data=data)
    assert report.errors == [{"row": 3, "field": "national_id", "error": "invalid"}]
    assert not Signature.objects.filter(method="paper").exists()


def test_roll_with_broken_rows_is_refused_whole(official, small_profile, clock):
    data = roll_csv([adult(1)]) + "A1,1990-01-01,2000-01-01,false,true\n"
    data += f"{make_id(2)},1990-13-01,2000-01-01,maybe,true\n"
    roll, report = services.roll_import(actor=official, data=data, reference_date=clock.now())
    assert roll is None
    assert {(e["row"], e["field"]) for e in report.errors} == {
        (3, "national_id"),
        (4, "birth_date"),
        (4, "under_guardianship"),
    }
    from opengov.referendums.models import RollEntry

    assert not RollEntry.objects.exists()


def test_check_deletes_ineligible_with_reasons_then_one_top_up(
    make_case, pki, lead, official, clock
):
    case = make_case("collecting")
    for n in (2, 3, 4, 5):
        esign(pki, case, n)
    case = services.case_submit(actor=lead, case=case)
    today = clock.today()
    rows = [
        adult(2),
        (make_id(3), today - dt.timedelta(days=365 * 17), dt.date(2000, 1, 1), False),
        (make_id(4), dt.date(1980, 1, 1), today - dt.timedelta(days=30), False),
        (make_id(5), dt.date(1980, 1, 1), dt.date(2000, 1, 1), True),
    ]
    services.roll_import(actor=official, data=roll_csv(rows), reference_date=today)
    case = services.case_check(actor=official, case=case)
    reasons = dict(
        Signature.objects.filter(case=case, stage="petition").values_list("id_hash", "eligibility")
    )
    from opengov.referendums.privacy import id_hash

    assert reasons[id_hash(make_id(3))] == "under_18"
    assert reasons[id_hash(make_id(4))] == "residence_short"
    assert reasons[id_hash(make_id(5))] == "under_guardianship"
    assert rules.case_stage(case).stage == "top_up"
    assert selectors.counts(case)["petition"]["count"] == 1
    # the top-up: 30 days; missed, the case is not established
    clock.set_to(case.top_up_due + dt.timedelta(seconds=1))
    assert rules.case_stage(case).stage == "not_established"
    services.case_settle(case=case)
    case.refresh_from_db()
    assert case.outcome == "not_established" and case.outcome_at == case.top_up_due


def test_top_up_then_second_check(make_case, pki, lead, official, clock):
    case = make_case("collecting")
    esign(pki, case, 2)
    case = services.case_submit(actor=lead, case=case)
    services.roll_import(
        actor=official,
        data=roll_csv([adult(n) for n in range(2, 6)]),
        reference_date=clock.today(),
    )
    case = services.case_check(actor=official, case=case)
    assert rules.case_stage(case).stage == "top_up"
    esign(pki, case, 3)
    esign(pki, case, 4)
    case = services.case_submit(actor=lead, case=case)
    assert rules.case_stage(case).stage == "checking"
    case = services.case_check(actor=official, case=case)
    assert case.outcome == "established"


def test_deadlines_follow_the_act(make_case, lead, clock, official):
    clock.set(2026, 3, 2, 10)  # a Monday
    case = make_case("review")
    # review: 60 days from the day after filing (APA Art. 48), end of the local day
    assert case.review_due.date() == dt.date(2026, 5, 1)
    case = services.case_request_correction(actor=official, case=case, note="請修正")
    assert case.correction_due.date() == dt.date(2026, 4, 1)
    with pytest.raises(ServiceError):
        services.case_request_correction(actor=official, case=case, note="again")
    clock.set(2026, 4, 2, 0, 0, 1)
    assert rules.case_stage(case).stage == "rejected"


def test_code_not_collected_within_10_days_abandons(make_case, clock):
    clock.set(2026, 3, 2, 10)
    case = make_case("awaiting_code")
    assert case.code_due.date() == dt.date(2026, 3, 12)
    clock.set(2026, 3, 12, 23, 59)
    assert rules.case_stage(case).stage == "awaiting_code"
    clock.set(2026, 3, 13, 0, 0, 1)
    assert rules.case_stage(case).stage == "abandoned"
    services.case_settle(case=case)
    case.refresh_from_db()
    assert case.outcome == "abandoned"


def test_six_months_from_the_day_after_collection(make_case, clock, pki):
    clock.set(2026, 3, 2, 10)
    case = make_case("collecting")
    # from 2026-03-03: ends 2026-09-02 (the day before the same-numbered day), a Wednesday
    assert case.signature_deadline.date() == dt.date(2026, 9, 2)
    clock.set(2026, 9, 3, 0, 0, 1)
    assert rules.case_stage(case).stage == "abandoned"
    with pytest.raises(ServiceError) as info:
        esign(pki, case, 2, stage="petition")
    assert info.value.code == "not_accepting"


def test_an_outage_does_not_extend_the_deadline(clock, small_profile, profile):
    from opengov.core.calendar import Calendar

    event = clock.set(2026, 3, 2, 10)
    outage = [(event + dt.timedelta(days=3), event + dt.timedelta(days=5))]
    plain = rules.deadline(event, rules.rules().review_period, Calendar())
    assert rules.deadline(event, rules.rules().review_period, Calendar(), outages=outage) == plain
    profile(referendums={"outage_extends_deadline": True})
    longer = rules.deadline(event, rules.rules().review_period, Calendar(), outages=outage)
    assert longer > plain


def test_texts_are_limited(citizen, small_profile):
    with pytest.raises(ServiceError) as info:
        services.case_create(
            actor=citizen, main_text="字" * 101, reasons="理由", national_id=LEAD_ID
        )
    assert info.value.field == "main_text"
    with pytest.raises(ServiceError) as info:
        services.case_create(
            actor=citizen, main_text="是否同意", reasons="理" * 2001, national_id=LEAD_ID
        )
    assert info.value.field == "reasons"
    assert not Case.objects.exists()


def test_two_year_bar_after_abandonment(make_case, lead, clock):
    clock.set(2026, 3, 2, 10)
    case = make_case("awaiting_code")
    clock.set(2026, 3, 20, 10)
    services.case_settle(case=case)
    with pytest.raises(ServiceError) as info:
        services.case_create(
            actor=lead, main_text="另一個議題", reasons="理由", national_id=LEAD_ID
        )
    assert info.value.code == "refiling_barred"
    clock.set(2028, 3, 14, 10)
    assert services.case_create(
        actor=lead, main_text="另一個議題", reasons="理由", national_id=LEAD_ID
    )


def _established(make_case, pki, lead, official, clock):
    case = make_case("collecting")
    for n in (2, 3, 4):
        esign(pki, case, n)
    case = services.case_submit(actor=lead, case=case)
    services.roll_import(
        actor=official,
        data=roll_csv([adult(n) for n in (2, 3, 4)]),
        reference_date=clock.today(),
    )
    return services.case_check(actor=official, case=case)


def test_purge_two_years_after_the_outcome(make_case, pki, lead, official, clock):
    case = _established(make_case, pki, lead, official, clock)
    assert services.purge_personal_data() == []
    clock.set_to(case.outcome_at + dt.timedelta(days=800))
    removed = services.purge_personal_data()
    assert removed == [{"case": str(case.public_id), "signatures": 4}]
    rows = Signature.objects.filter(case=case)
    assert not rows.exclude(id_hash="").exists()
    assert not rows.filter(id_encrypted__isnull=False).exists()
    assert not rows.filter(certificate_encrypted__isnull=False).exists()
    # the tally survives
    assert selectors.counts(case)["petition"]["count"] == 3
    assert services.purge_personal_data() == []


def test_purge_waits_for_the_final_judgment(make_case, pki, lead, official, clock):
    case = _established(make_case, pki, lead, official, clock)
    services.case_record_litigation(actor=official, case=case, final_judgment_at=None)
    clock.set_to(case.outcome_at + dt.timedelta(days=800))
    assert services.purge_personal_data() == []
    judged = clock.now()
    services.case_record_litigation(actor=official, case=case, final_judgment_at=judged)
    assert services.purge_personal_data() == []
    clock.set_to(judged + dt.timedelta(days=95))
    assert len(services.purge_personal_data()) == 1


def test_a_dump_holds_no_plaintext_id(make_case, pki, lead, official, clock):
    _established(make_case, pki, lead, official, clock)
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    for n in (1, 2, 3, 4):
        assert make_id(n) not in dump
    assert LEAD_ID not in dump
    assert Signature.objects.exclude(id_encrypted=None).exists()


def test_only_officials_run_the_case(make_case, citizen, other_official, pki):
    case = make_case("review")
    for actor in (citizen, other_official, None):
        with pytest.raises(ServiceError):
            services.case_decide(actor=actor, case=case, approve=True)
    case.refresh_from_db()
    assert case.approved_at is None


def test_already_signed_is_only_told_to_the_certificate_holder(make_case, pki, clock):
    case = make_case("collecting")
    esign(pki, case, 2)
    impostor = pki.issue(make_id(3))
    package = impostor.package(
        case_id=str(case.public_id), stage="petition", when=clock.now(), national_id=make_id(2)
    )
    with pytest.raises(ServiceError) as info:
        services.signature_submit(actor=None, case=case, package=package)
    assert info.value.code == "id_mismatch"


def test_commands_checkpoint_settle_and_purge(make_case, pki, lead, official, clock):
    stale = make_case("awaiting_code")  # the same issue may not be proposed after a vote
    case = _established(make_case, pki, lead, official, clock)
    clock.advance(days=30)
    out = io.StringIO()
    call_command("referendum_checkpoint", stdout=out)
    assert f"{case.log_name}: checkpoint at 4" in out.getvalue()
    stale.refresh_from_db()
    assert stale.outcome == "abandoned"
    clock.set_to(case.outcome_at + dt.timedelta(days=800))
    out = io.StringIO()
    call_command("referendum_purge", stdout=out)
    assert f"case {case.public_id}: personal data of 4 signatures removed" in out.getvalue()
