"""The household offices' check of the proposers within 15 days (Referendum Act Art. 10)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from opengov.core import clock as clock_module
from opengov.core import tlog
from opengov.core.errors import ServiceError
from opengov.core.models import AuditEvent
from opengov.referendums import rules, selectors, services, tally
from opengov.referendums.models import Case, Signature

from .conftest import LEAD_ID, adult, esign, make_id, roll_csv

pytestmark = pytest.mark.django_db
BASE = "/api/v1/referendums"


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock_module.local_zone()).date()


def import_roll(official, clock, rows):
    roll, report = services.roll_import(
        actor=official, data=roll_csv(rows), reference_date=clock.today()
    )
    assert roll is not None, report.errors
    return roll


def filed_with(make_case, pki, lead, proposers):
    """A case filed with the CEC after `proposers` (citizen numbers) signed it."""
    case = make_case("proposal")
    for n in proposers:
        esign(pki, case, n)
    return services.case_file(actor=lead, case=case)


def deletion_leaves(case):
    return [
        leaf
        for leaf in (tally.parse_leaf(data) for data in selectors.leaves(case))
        if leaf["kind"] == "delete"
    ]


def test_the_check_is_due_15_days_after_filing_and_recorded_in_time(
    make_case, pki, lead, official, clock
):
    clock.set(2027, 3, 1, 9)  # a Monday
    case = filed_with(make_case, pki, lead, [1])
    check = rules.proposer_check(case)
    assert check.state == "pending"
    assert local_date(check.due) == dt.date(2027, 3, 16)  # 15 days from the day after
    assert check.due == case.proposers_check_due
    # approval waits for the household offices
    with pytest.raises(ServiceError) as info:
        services.case_decide(actor=official, case=case, approve=True)
    assert info.value.code == "proposers_unchecked"
    case.refresh_from_db()
    assert case.approved_at is None
    clock.set(2027, 3, 16, 23, 59)  # the last day still counts
    import_roll(official, clock, [adult(1)])
    case = services.case_check_proposers(actor=official, case=case)
    check = rules.proposer_check(case)
    assert (check.state, check.late) == ("done", False)
    assert rules.case_stage(case).stage == "review"
    event = AuditEvent.objects.filter(verb="referendum.proposers_checked").get()
    assert event.changes["late"] is False and event.changes["deleted"] == {}
    assert event.changes["count"] == 1
    case = services.case_decide(actor=official, case=case, approve=True)
    assert rules.case_stage(case).stage == "awaiting_code"


def test_the_period_is_a_rule_of_the_profile(make_case, pki, lead, profile, clock):
    clock.set(2027, 3, 1, 9)
    profile(referendums={"proposer_check_period": {"days": 10}})
    case = filed_with(make_case, pki, lead, [1])
    assert local_date(rules.proposer_check(case).due) == dt.date(2027, 3, 11)


def test_an_overdue_check_shows_overdue_and_is_taken_late(
    make_case, pki, lead, official, clock, client
):
    clock.set(2027, 3, 1, 9)
    case = filed_with(make_case, pki, lead, [1])
    due = case.proposers_check_due
    clock.set(2027, 3, 17, 0, 1)
    assert rules.proposer_check(case).state == "overdue"
    detail = client.get(f"{BASE}/cases/{case.public_id}").json()
    assert detail["proposer_check"]["state"] == "overdue"
    assert detail["stage"] == "review"  # the case waits; nothing moves the law's deadline
    page = client.get(f"/referendums/{case.public_id}/").content.decode()
    assert 'class="overdue"' in page and "2027-03-16" in page
    with pytest.raises(ServiceError) as info:
        services.case_decide(actor=official, case=case, approve=True)
    assert info.value.code == "proposers_unchecked"
    import_roll(official, clock, [adult(1)])
    case = services.case_check_proposers(actor=official, case=case)
    check = rules.proposer_check(case)
    assert (check.state, check.late, check.due) == ("done", True, due)
    event = AuditEvent.objects.filter(verb="referendum.proposers_checked").get()
    assert event.changes["late"] is True
    detail = client.get(f"{BASE}/cases/{case.public_id}").json()["proposer_check"]
    assert detail["state"] == "done" and detail["late"] is True


def test_every_deletion_reason_is_a_leaf_and_a_count(make_case, pki, lead, official, clock):
    clock.set(2027, 3, 1, 9)
    case = filed_with(make_case, pki, lead, range(1, 11))
    today = clock.today()
    roll = [adult(n) for n in (1, 2, 3, 4, 5)]
    roll += [
        (make_id(6), today.replace(year=today.year - 17), dt.date(2000, 1, 1), False),  # under 18
        (make_id(7), dt.date(1980, 1, 1), today - dt.timedelta(days=30), False),  # 1 month
        (make_id(8), dt.date(1980, 1, 1), dt.date(2000, 1, 1), True),  # under guardianship
    ]
    lines = roll_csv(roll) + f"{make_id(9)},1980-01-01,2000-01-01,false,false\n"  # not national
    services.roll_import(actor=official, data=lines, reference_date=today)
    # 10 is not on the roll; the offices found 2-5 wrong (Art. 10, the reasons of Art. 13)
    findings = {
        make_id(2): "particulars_wrong",
        make_id(3): "unsigned",
        make_id(4): "forged",
        make_id(5): "duplicate",
    }
    size = tlog.tree_size(case.log_name)
    case = services.case_check_proposers(actor=official, case=case, deletions=findings)
    expected = {
        "duplicate": 1,
        "forged": 1,
        "ineligible": 4,
        "not_on_roll": 1,
        "particulars_wrong": 1,
        "unsigned": 1,
    }
    assert selectors.deletions_by_reason(case, "proposal") == expected
    assert selectors.counts(case)["proposal"] == {"accepted": 10, "deleted": 9, "count": 1}
    # deletions are appended to the log, never removed from it
    assert tlog.tree_size(case.log_name) == size + 9
    deleted = deletion_leaves(case)
    assert sorted(leaf["reason"] for leaf in deleted) == sorted(
        r for r, n in expected.items() for _ in range(n)
    )
    kept = Signature.objects.get(case=case, deleted_reason="")
    assert kept.eligibility == "eligible"
    eligibility = dict(
        Signature.objects.filter(case=case).values_list("deletion_leaf_index", "eligibility")
    )
    assert sorted(v for k, v in eligibility.items() if k is not None) == sorted(
        ["eligible"] * 4
        + ["not_on_roll", "under_18", "residence_short", "under_guardianship", "not_national"]
    )
    # one proposer is enough for the threshold of 1: the review goes on
    assert rules.case_stage(case).stage == "review"
    event = AuditEvent.objects.filter(verb="referendum.proposers_checked").get()
    assert event.changes["deleted"] == expected and event.changes["result"] == ""


def test_below_threshold_goes_to_the_one_correction_then_rejection(
    make_case, pki, lead, official, clock
):
    clock.set(2027, 3, 1, 9)
    case = filed_with(make_case, pki, lead, [1])
    import_roll(official, clock, [adult(2), adult(3)])  # proposer 1 is not on the roll
    clock.set(2027, 3, 8, 10)
    case = services.case_check_proposers(actor=official, case=case)
    view = rules.case_stage(case)
    assert view.stage == "correction"
    assert local_date(view.deadline) == dt.date(2027, 4, 7)  # 30 days (Art. 10)
    assert case.correction_note == "proposers_short"
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"referendum.proposers_checked", "referendum.correction_requested"} <= verbs
    # the lead proposer may not resubmit while short, and proposers may sign again
    with pytest.raises(ServiceError) as info:
        services.case_correct(actor=lead, case=case, main_text=case.main_text, reasons="理由")
    assert info.value.code == "below_threshold"
    assert rules.accepting_signatures(case) == "proposal"
    clock.set(2027, 3, 10, 9)
    esign(pki, case, 2)
    case = services.case_correct(actor=lead, case=case, main_text=case.main_text, reasons="理由")
    # the new proposer goes to the household offices: a new 15 days from the correction
    check = rules.proposer_check(case)
    assert check.state == "pending" and local_date(check.due) == dt.date(2027, 3, 25)
    assert rules.case_stage(case).stage == "review"
    # the new proposer is checked alone (proposer 1 stays deleted, not checked twice)
    case = services.case_check_proposers(
        actor=official, case=case, deletions={make_id(2): "forged"}
    )
    assert case.outcome == "rejected" and case.outcome_note == "proposers_short"
    assert rules.case_stage(case).stage == "rejected"
    assert selectors.deletions_by_reason(case, "proposal") == {"forged": 1, "not_on_roll": 1}
    assert len(deletion_leaves(case)) == 2


def test_a_missed_correction_rejects_the_case_as_before(make_case, pki, lead, official, clock):
    clock.set(2027, 3, 1, 9)
    case = filed_with(make_case, pki, lead, [1])
    import_roll(official, clock, [adult(2)])
    case = services.case_check_proposers(actor=official, case=case)
    clock.set(2027, 4, 1, 0, 1)  # past the 30 days from the check on 1 March
    view = rules.case_stage(case)
    assert (view.stage, view.reason) == ("rejected", "correction_missed")
    case = services.case_settle(case=case)
    assert case.outcome == "rejected"


def test_a_short_check_during_a_correction_leaves_the_correction_running(
    make_case, pki, lead, official, clock
):
    clock.set(2027, 3, 1, 9)
    case = filed_with(make_case, pki, lead, [1])
    case = services.case_request_correction(actor=official, case=case, note="主文")
    import_roll(official, clock, [adult(2)])
    case = services.case_check_proposers(actor=official, case=case)
    assert rules.case_stage(case).stage == "correction"
    assert case.correction_note == "主文" and not case.outcome
    with pytest.raises(ServiceError) as info:
        services.case_correct(actor=lead, case=case, main_text="是否同意？", reasons="理由")
    assert info.value.code == "below_threshold"


@pytest.mark.parametrize("stage", ["proposal", "awaiting_code", "collecting"])
def test_a_check_in_the_wrong_stage_is_refused_and_changes_nothing(
    make_case, official, clock, stage
):
    case = make_case(stage)
    import_roll(official, clock, [adult(2)])
    before = (Signature.objects.filter(eligibility="").count(), tlog.tree_size(case.log_name))
    with pytest.raises(ServiceError) as info:
        services.case_check_proposers(actor=official, case=case)
    assert info.value.code == "wrong_stage" and info.value.status == 409
    assert stage in str(info.value.message)
    assert (
        Signature.objects.filter(eligibility="").count(),
        tlog.tree_size(case.log_name),
    ) == before


def test_a_second_check_with_nothing_new_is_refused(make_case, official):
    case = make_case("proposers_checked")
    with pytest.raises(ServiceError) as info:
        services.case_check_proposers(actor=official, case=case)
    assert info.value.code == "proposers_checked"


def test_the_check_needs_a_roll_and_known_reasons(make_case, official, clock):
    case = make_case("review")
    with pytest.raises(ServiceError) as info:
        services.case_check_proposers(actor=official, case=case)
    assert (info.value.code, info.value.field) == ("no_roll", "roll")
    import_roll(official, clock, [adult(1)])
    with pytest.raises(ServiceError) as info:
        services.case_check_proposers(actor=official, case=case, deletions={make_id(1): "disliked"})
    assert (info.value.code, info.value.field) == ("invalid", "reason")
    case.refresh_from_db()
    assert case.proposers_checked_at is None
    assert not Signature.objects.exclude(deleted_reason="").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_official", 403),
        ("moderator", 403),
        ("official", 200),
        ("admin", 200),
    ],
)
def test_check_permission_matrix(make_case, client_for, people, official, clock, role, status):
    case = make_case("review")
    import_roll(official, clock, [adult(2)])  # proposer 1 would be deleted
    size = tlog.tree_size(case.log_name)
    response = client_for(people[role]).post(
        f"{BASE}/cases/{case.public_id}/proposer-check",
        {"deletions": {}},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    case.refresh_from_db()
    done = status == 200
    assert (case.proposers_checked_at is not None) == done
    assert tlog.tree_size(case.log_name) == size + done
    assert Signature.objects.exclude(deleted_reason="").exists() == done
    if done:
        body = response.json()
        assert body["proposer_check"]["deleted"] == {"not_on_roll": 1}
        assert body["stage"] == "correction"


def test_api_page_and_open_data_show_counts_never_identities(
    make_case, client, client_for, pki, lead, official, clock
):
    from opengov.core import exporters

    case = filed_with(make_case, pki, lead, [1, 2])
    import_roll(official, clock, [adult(1), adult(2)])
    response = client_for(official).post(
        f"{BASE}/cases/{case.public_id}/proposer-check",
        {"deletions": {make_id(2): "unsigned"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    detail = client.get(f"{BASE}/cases/{case.public_id}").json()
    assert detail["stage"] == "review"
    assert detail["counts"]["proposal"] == {"accepted": 2, "deleted": 1, "count": 1}
    check = detail["proposer_check"]
    assert (check["state"], check["late"], check["deleted"]) == ("done", False, {"unsigned": 1})
    page = client.get(f"/referendums/{case.public_id}/").content.decode()
    assert 'id="proposer-check-heading"' in page and "<caption>" in page
    rows = [
        r
        for r in exporters.get_exporter("referendum-cases").public_rows()
        if r["id"] == str(case.public_id)
    ]
    assert rows[0]["proposers_accepted"] == 2 and rows[0]["proposers_deleted"] == 1
    assert rows[0]["proposers"] == 1 and rows[0]["proposer_check"] == "done"
    assert rows[0]["proposers_checked_at"]
    shown = str(detail) + page + str(rows) + response.content.decode()
    for national_id in (make_id(1), make_id(2), LEAD_ID):
        assert national_id not in shown


def test_wrong_stage_over_the_api_is_a_clear_409(make_case, client_for, official, clock):
    case = make_case("collecting")
    response = client_for(official).post(
        f"{BASE}/cases/{case.public_id}/proposer-check",
        {"deletions": {}},
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "wrong_stage" and error["message"]
    case.refresh_from_db()
    assert case.approved_at is not None and Case.objects.count() == 1


def test_the_officials_worklist_shows_the_checks_due_and_overdue(
    make_case, pki, lead, official, other_official, citizen, clock
):
    from django.urls import reverse

    from opengov.core import worklist

    clock.set(2027, 3, 1, 9)
    case = filed_with(make_case, pki, lead, [1])
    [entry] = worklist.entries_for(official)
    assert entry.item.url == reverse("referendums:detail", args=[case.public_id])
    assert entry.item.due == dt.date(2027, 3, 16) and not entry.overdue
    assert worklist.entries_for(other_official) == worklist.entries_for(citizen) == []
    clock.set(2027, 3, 18, 9)
    [entry] = worklist.entries_for(official)
    assert entry.overdue and entry.overdue_days == 2
    import_roll(official, clock, [adult(1)])
    services.case_check_proposers(actor=official, case=case)
    assert worklist.entries_for(official) == []
    # the signers' check (Art. 13) is on the same list once the signatures are submitted
    case = services.case_decide(actor=official, case=case, approve=True)
    case = services.case_collect_code(actor=lead, case=case)
    case = services.case_submit(actor=lead, case=case)
    [entry] = worklist.entries_for(official)
    assert entry.item.due == local_date(case.check_due)


def test_proposers_short_follows_the_profiles_number_of_corrections(monkeypatch):
    assert rules.rules().max_corrections == 1  # Taiwan: one correction (Art. 10)
    assert rules.proposers_short(count=5, threshold=5, corrections_used=0) == ""
    assert rules.proposers_short(count=4, threshold=5, corrections_used=0) == "correction"
    assert rules.proposers_short(count=4, threshold=5, corrections_used=1) == "rejected"
    none = dataclasses.replace(rules.rules(), max_corrections=0)
    monkeypatch.setattr(rules, "rules", lambda: none)
    assert rules.proposers_short(count=4, threshold=5, corrections_used=0) == "rejected"
    assert rules.proposers_short(count=5, threshold=5, corrections_used=0) == ""


def test_a_profile_cannot_allow_more_corrections_than_a_case_records():
    with pytest.raises(ValueError, match="one correction at most"):
        dataclasses.replace(rules.rules(), max_corrections=2)


def test_the_worklist_loads_the_calendar_once_for_cases_filed_before_the_due_time(
    make_case, pki, lead, official, clock
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opengov.referendums.worklist import checks_due

    clock.set(2027, 3, 1, 9)

    def legacy_cases(n):
        for _ in range(n):
            case = filed_with(make_case, pki, lead, [1])
            Case.objects.filter(pk=case.pk).update(proposers_check_due=None)

    legacy_cases(1)
    checks_due(official)  # the official's roles, read once and kept
    with CaptureQueriesContext(connection) as one:
        assert len(checks_due(official)) == 1
    legacy_cases(2)
    checks_due(official)
    with CaptureQueriesContext(connection) as three:
        assert len(checks_due(official)) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
