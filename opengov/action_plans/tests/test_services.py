"""Services: roll-up from the database, overdue with an injected clock, bad input refused with
a field, and who may report, comment and assess (nothing changes on denial)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from opengov.action_plans import selectors, services
from opengov.action_plans.models import (
    Assessment,
    Commitment,
    FollowUpDecision,
    Milestone,
    ProgressUpdate,
    UpdateComment,
)
from opengov.core.errors import ServiceError
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def add_milestone(commitment, weight=1, end=dt.date(2022, 12, 31), **kw):
    return services.milestone_create(
        actor=None,
        commitment=commitment,
        title_zh_hant="里程碑",
        start_date=dt.date(2021, 1, 1),
        end_date=end,
        weight=weight,
        **kw,
    )


def report(official, milestone, progress, **kw):
    return services.progress_update_post(
        actor=official, milestone=milestone, progress=progress, text="完成一部分", **kw
    )


# --- roll-up ----------------------------------------------------------------------------------
def test_commitment_progress_is_weighted_mean_and_plan_is_mean(plan, commitment, official, agency):
    a = add_milestone(commitment, weight=1)
    b = add_milestone(commitment, weight=3)
    report(official, a, 100)
    report(official, b, 20)
    empty = services.commitment_create(
        actor=None,
        plan=plan,
        number=2,
        lead_agency=agency,
        title_zh_hant="沒有里程碑",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 1, 1),
    )
    board = selectors.plan_dashboard(plan, today=dt.date(2022, 1, 1))
    views = {v.commitment.pk: v for v in board.commitments}
    assert views[commitment.pk].progress == pytest.approx((100 * 1 + 20 * 3) / 4)
    assert views[empty.pk].progress == 0.0
    assert views[empty.pk].milestones == []
    assert board.progress == pytest.approx(40 / 2)
    assert [a.agency for a in board.agencies] == [agency]
    assert board.update_total == 2


def test_history_is_kept(commitment, milestone, official, clock):
    clock.set(2022, 1, 10, 9)
    report(official, milestone, 30)
    clock.set(2022, 3, 1, 9)
    report(official, milestone, 60, links=["https://example.org/evidence"])
    milestone.refresh_from_db()
    assert milestone.progress == 60 and milestone.status == "in_progress"
    history = list(selectors.updates_for_commitment(commitment))
    assert [(u.reported_on, u.progress) for u in history] == [
        (dt.date(2022, 3, 1), 60),
        (dt.date(2022, 1, 10), 30),
    ]
    assert history[0].evidence.get().url == "https://example.org/evidence"


def test_overdue_is_derived_from_the_clock(plan, commitment, official, clock):
    m = add_milestone(commitment, end=dt.date(2022, 6, 30))
    clock.set(2022, 6, 30, 23, 59)
    board = selectors.plan_dashboard(plan)
    assert board.overdue == [] and [v.milestone for v in board.due_soon] == [m]
    clock.set(2022, 7, 1, 0, 1)
    board = selectors.plan_dashboard(plan)
    assert [v.milestone for v in board.overdue] == [m]
    assert board.status_counts["overdue"] == 1
    report(official, m, 100)
    board = selectors.plan_dashboard(plan)
    assert board.overdue == [] and board.status_counts["done"] == 1


def test_due_soon_window_follows_the_profile(plan, commitment, clock, profile):
    add_milestone(commitment, end=dt.date(2022, 6, 30))
    clock.set(2022, 6, 1, 9)
    assert len(selectors.plan_dashboard(plan).due_soon) == 1
    profile(action_plans={"due_soon_days": 10})
    assert selectors.plan_dashboard(plan).due_soon == []


# --- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2020, 12, 31), dt.date(2021, 6, 1), "start_date"),
        (dt.date(2021, 1, 1), dt.date(2024, 1, 1), "end_date"),
        (dt.date(2022, 1, 1), dt.date(2021, 6, 1), "end_date"),
    ],
)
def test_milestone_dates_outside_the_commitment_are_refused(commitment, start, end, field):
    with pytest.raises(ServiceError) as err:
        services.milestone_create(
            actor=None, commitment=commitment, title_zh_hant="x", start_date=start, end_date=end
        )
    assert err.value.field == field
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "weight", [0, -1, Decimal("0"), Decimal("-0.5"), Decimal("NaN"), "2", None]
)
def test_zero_or_negative_weight_refused(commitment, weight):
    with pytest.raises(ServiceError) as err:
        add_milestone(commitment, weight=weight)
    assert err.value.field == "weight" and err.value.code == "invalid_weight"
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("progress", [-1, 101, 250, "abc", "", None, 50.5])
def test_progress_outside_0_100_refused(milestone, official, progress):
    with pytest.raises(ServiceError) as err:
        report(official, milestone, progress)
    assert err.value.field == "progress"
    milestone.refresh_from_db()
    assert milestone.progress == 0 and not ProgressUpdate.objects.exists()


def test_completed_needs_100_and_future_dates_refused(milestone, official, clock):
    clock.set(2022, 1, 1, 9)
    with pytest.raises(ServiceError) as err:
        report(official, milestone, 80, status="completed")
    assert err.value.field == "status"
    with pytest.raises(ServiceError) as err:
        report(official, milestone, 80, reported_on=dt.date(2022, 1, 2))
    assert err.value.field == "reported_on"
    with pytest.raises(ServiceError) as err:
        report(official, milestone, 80, links=["javascript:alert(1)"])
    assert err.value.field == "links"
    assert not ProgressUpdate.objects.exists()


def test_commitment_value_without_justification_refused(plan, agency):
    with pytest.raises(ServiceError) as err:
        services.commitment_create(
            actor=None,
            plan=plan,
            number=3,
            lead_agency=agency,
            title_zh_hant="x",
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2021, 12, 31),
            values=[{"value": "inclusion", "justification_zh_hant": "  "}],
        )
    assert err.value.field == "justification_inclusion"
    assert not Commitment.objects.filter(number=3).exists()
    services.commitment_create(
        actor=None,
        plan=plan,
        number=3,
        lead_agency=agency,
        title_zh_hant="x",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2021, 12, 31),
        values=[{"value": "inclusion", "justification_en": "because"}],
    )
    assert Commitment.objects.get(number=3).values.get().value == "inclusion"


def test_values_follow_the_profile(plan, agency, profile):
    profile(action_plans={"values": ["transparency"]})
    with pytest.raises(ServiceError) as err:
        services.commitment_create(
            actor=None,
            plan=plan,
            number=4,
            lead_agency=agency,
            title_zh_hant="x",
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2021, 12, 31),
            values=[{"value": "inclusion", "justification_en": "because"}],
        )
    assert err.value.field == "values"


ASSESSMENT = {
    "verifiable": True,
    "verifiable_justification": "有明確的里程碑",
    "relevance": ["transparency"],
    "relevance_justification": "公開資料",
    "potential": "modest",
    "potential_justification": "範圍有限",
}


@pytest.mark.parametrize(
    "missing",
    [
        "verifiable_justification",
        "relevance_justification",
        "potential_justification",
    ],
)
def test_assessment_without_justification_refused(commitment, reviewer, missing):
    data = {**ASSESSMENT, missing: " "}
    with pytest.raises(ServiceError) as err:
        services.assessment_save(actor=reviewer, commitment=commitment, **data)
    assert err.value.field == missing and err.value.code == "justification_required"
    assert not Assessment.objects.exists()


def test_results_indicators_need_justification_too(commitment, reviewer):
    with pytest.raises(ServiceError) as err:
        services.assessment_save(
            actor=reviewer, commitment=commitment, completion="limited", **ASSESSMENT
        )
    assert err.value.field == "completion_justification"
    with pytest.raises(ServiceError) as err:
        services.assessment_save(
            actor=reviewer, commitment=commitment, opened_government="major", **ASSESSMENT
        )
    assert err.value.field == "opened_government_justification"


def test_not_verifiable_is_not_assessed_further(commitment, reviewer):
    with pytest.raises(ServiceError) as err:
        services.assessment_save(
            actor=reviewer, commitment=commitment, **{**ASSESSMENT, "verifiable": False}
        )
    assert err.value.code == "not_verifiable"
    a = services.assessment_save(
        actor=reviewer,
        commitment=commitment,
        verifiable=False,
        verifiable_justification="沒有可查核的產出",
    )
    assert a.published_at is not None and not a.verifiable


def test_assessment_is_revised_not_duplicated(commitment, reviewer):
    services.assessment_save(actor=reviewer, commitment=commitment, **ASSESSMENT)
    services.assessment_save(
        actor=reviewer,
        commitment=commitment,
        completion="substantial",
        completion_justification="大部分完成",
        **ASSESSMENT,
    )
    a = Assessment.objects.get()
    assert a.completion == "substantial"
    assert list(selectors.published_assessments(commitment)) == [a]


# --- permissions ------------------------------------------------------------------------------
def test_only_the_lead_agency_reports(people, milestone, reviewer, civil_member, co_convener):
    allowed = {"official"}
    for role, user in {
        **people,
        "reviewer": reviewer,
        "civil": civil_member,
        "co_convener": co_convener,
    }.items():
        before = AuditEvent.objects.count()
        if role in allowed:
            report(user, milestone, 40)
            continue
        with pytest.raises(ServiceError):
            report(user, milestone, 40)
        assert AuditEvent.objects.count() == before
    milestone.refresh_from_db()
    assert milestone.progress == 40 and ProgressUpdate.objects.count() == 1


def test_officials_of_a_parent_agency_also_report(agency, milestone):
    from opengov.accounts.tests.factories import make_official

    parent_official = make_official(agency.parent)
    report(parent_official, milestone, 10)
    assert ProgressUpdate.objects.count() == 1


def test_only_civil_society_members_comment(
    people, milestone, official, civil_member, government_member, reviewer, co_convener
):
    update = report(official, milestone, 40)
    users = {**people, "government_member": government_member, "reviewer": reviewer}
    for user in users.values():
        with pytest.raises(ServiceError):
            services.update_comment_post(actor=user, update=update, body="意見")
    assert not UpdateComment.objects.exists()
    services.update_comment_post(actor=civil_member, update=update, body="請補上會議紀錄")
    services.update_comment_post(actor=co_convener, update=update, body="同意")
    assert UpdateComment.objects.count() == 2
    with pytest.raises(ServiceError) as err:
        services.update_comment_post(actor=civil_member, update=update, body="  ")
    assert err.value.field == "body"


def test_only_reviewers_assess(people, commitment, reviewer, civil_member):
    for user in {**people, "civil": civil_member}.values():
        with pytest.raises(ServiceError):
            services.assessment_save(actor=user, commitment=commitment, **ASSESSMENT)
    assert not Assessment.objects.exists()
    services.assessment_save(actor=reviewer, commitment=commitment, **ASSESSMENT)
    assert Assessment.objects.count() == 1


def test_follow_up_decisions_keep_history(commitment, co_convener, official, clock):
    clock.set(2023, 5, 1, 10)
    with pytest.raises(ServiceError):
        services.commitment_follow_up(
            actor=official, commitment=commitment, on_list=False, meeting="m", reason="r"
        )
    assert not FollowUpDecision.objects.exists()
    services.commitment_follow_up(
        actor=co_convener,
        commitment=commitment,
        on_list=False,
        meeting="第8次工作小組會議",
        reason="已完成立法",
        decided_on=dt.date(2023, 4, 20),
    )
    commitment.refresh_from_db()
    assert commitment.on_follow_up_list is False
    with pytest.raises(ServiceError) as err:
        services.commitment_follow_up(
            actor=co_convener, commitment=commitment, on_list=True, meeting="m", reason=""
        )
    assert err.value.field == "reason"


def test_writes_bump_the_plan_revision(plan, commitment, official):
    plan.refresh_from_db()
    before = plan.revision
    m = add_milestone(commitment)
    report(official, m, 5)
    plan.refresh_from_db()
    assert plan.revision == before + 2
