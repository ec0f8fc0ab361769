"""Fixtures of the action_plans tests: a plan, a commitment led by `agency`, milestones, a
civil-society task-force member, a government member and an independent reviewer."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.action_plans import services


@pytest.fixture
def plan(db):
    """The first plan (2021-01-01 – 2024-05-31), implementing."""
    return services.plan_create(
        actor=None,
        slug="nap1",
        number=1,
        title_zh_hant="<script>x</script>第一期國家行動方案",
        title_en="First national action plan",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2024, 5, 31),
        status="implementing",
    )


@pytest.fixture
def commitment(plan, agency):
    """Commitment 1, led by `agency`, 2021-01-01 – 2023-12-31."""
    return services.commitment_create(
        actor=None,
        plan=plan,
        number=1,
        lead_agency=agency,
        title_zh_hant="<script>y</script>政府資料開放與運用法制化",
        title_en="Provide a legal basis for government data opening and use",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2023, 12, 31),
        values=[{"value": "transparency", "justification_zh_hant": "公開資料"}],
        is_draft=False,
    )


@pytest.fixture
def milestone(commitment):
    """A milestone of weight 1 ending 2022-06-30."""
    return services.milestone_create(
        actor=None,
        commitment=commitment,
        title_zh_hant="草案公告",
        title_en="Draft published",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 6, 30),
        weight=1,
    )


@pytest.fixture
def civil_member(plan):
    """A civil-society member of the plan's task force."""
    user = UserFactory()
    services.task_force_member_add(
        actor=None, plan=plan, user=user, sector="civil_society", organisation="開放文化基金會"
    )
    return user


@pytest.fixture
def government_member(plan, other_official):
    """A government member of the task force (an official of another agency)."""
    services.task_force_member_add(actor=None, plan=plan, user=other_official, sector="government")
    return other_official


@pytest.fixture
def co_convener(plan):
    """A civil-society co-convener: manages the plan."""
    user = UserFactory()
    services.task_force_member_add(
        actor=None, plan=plan, user=user, sector="civil_society", is_co_convener=True
    )
    return user


@pytest.fixture
def reviewer(db):
    """An independent reviewer."""
    return UserFactory(is_reviewer=True)
