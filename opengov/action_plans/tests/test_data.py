"""Open-data exports, the personal-data section, the demo and co-creation."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from opengov.action_plans import selectors, services
from opengov.action_plans.models import ActionPlan, Commitment, ProgressUpdate
from opengov.core.errors import ServiceError
from opengov.core.exporters import all_exporters
from opengov.core.personal_data import collect

pytestmark = pytest.mark.django_db

SLUGS = {
    "action-plans",
    "action-plan-commitments",
    "action-plan-milestones",
    "action-plan-progress-updates",
    "action-plan-assessments",
}


def test_exports_hold_rows_and_no_personal_data(
    plan, commitment, milestone, official, reviewer, clock
):
    clock.set(2022, 7, 2, 9)
    services.progress_update_post(actor=official, milestone=milestone, progress=40, text="做了")
    services.assessment_save(
        actor=reviewer,
        commitment=commitment,
        verifiable=True,
        verifiable_justification="可查核",
    )
    exporters = {e.slug: e for e in all_exporters() if e.slug in SLUGS}
    assert set(exporters) == SLUGS
    rows = {slug: list(e.public_rows()) for slug, e in exporters.items()}
    assert rows["action-plans"][0]["progress"] == 40.0
    assert rows["action-plan-commitments"][0]["values"] == "transparency"
    assert rows["action-plan-milestones"][0]["overdue"] is True
    assert rows["action-plan-progress-updates"][0]["progress"] == 40
    assert rows["action-plan-assessments"][0]["verifiable"] is True
    dumped = json.dumps(rows, ensure_ascii=False, default=str)
    for person in (official, reviewer):
        assert person.email not in dumped and person.real_name not in dumped
    assert official.display_name in dumped


def test_personal_data_section(milestone, official):
    services.progress_update_post(actor=official, milestone=milestone, progress=10, text="私人")
    section = collect(official)["action_plans"]
    assert section["progress_updates"][0]["text"] == "私人"


def test_demo_loads_once(settings):
    from opengov.accounts import demo as accounts_demo
    from opengov.action_plans import demo

    out = io.StringIO()
    accounts_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    plan = ActionPlan.objects.get(slug=demo.SLUG)
    assert plan.commitments.count() == 12
    assert Commitment.objects.get(plan=plan, number=3).lead_agency.code == "cec"
    assert ProgressUpdate.objects.filter(milestone__commitment__plan=plan).exists()
    board = selectors.plan_dashboard(plan)
    assert 0 < board.progress < 100
    assert "already loaded" in out.getvalue()


def test_demo_skips_quietly_without_agencies():
    from opengov.action_plans import demo

    out = io.StringIO()
    demo.load(stdout=out)
    assert not ActionPlan.objects.exists() and "skipped" in out.getvalue()


def test_open_a_draft_for_public_comment(
    client, plan, agency, official, other_official, citizen, clock
):
    clock.set(2021, 3, 1, 9)
    draft = services.commitment_create(
        actor=None,
        plan=plan,
        number=5,
        lead_agency=agency,
        title_zh_hant="承諾草案",
        start_date=dt.date(2021, 6, 1),
        end_date=dt.date(2022, 6, 1),
        problem_zh_hant="問題說明",
    )
    with pytest.raises(ServiceError):
        services.commitment_open_consultation(actor=other_official, commitment=draft)
    draft.refresh_from_db()
    assert draft.consultation_ref == ""
    consultation = services.commitment_open_consultation(actor=official, commitment=draft)
    draft.refresh_from_db()
    assert draft.consultation_ref == str(consultation.public_id)
    assert selectors.consultation_for(draft).public_id == consultation.public_id
    with pytest.raises(ServiceError) as err:
        services.commitment_open_consultation(actor=official, commitment=draft)
    assert err.value.code == "already_open"
    items = selectors.co_creation(plan)
    assert [i.commitment for i in items] == [draft] and items[0].comments == []

    from opengov.consultations import services as consultations

    comment = consultations.comment_create(
        actor=citizen, consultation=consultation, body="請納入青年代表", stance="suggestion"
    )
    clock.set_to(clock.now() + dt.timedelta(days=120))
    consultations.comments_respond(
        actor=official,
        consultation=consultation,
        comments=[comment],
        decision="adopted",
        reason="將增列青年代表席次",
    )
    page = client.get(f"/action-plans/{plan.slug}/").content.decode()
    assert f"/consultations/{consultation.public_id}/" in page
    # The drafters' answer stays unpublished until the consultation's report is out.
    assert "請納入青年代表" in page and "將增列青年代表席次" not in page
    consultations.report_publish(actor=official, consultation=consultation, summary="已處理。")
    page = client.get(f"/action-plans/{plan.slug}/").content.decode()
    assert "請納入青年代表" in page and "將增列青年代表席次" in page


def test_open_for_comment_through_page_and_api(
    client_for, plan, agency, official, people, clock, django_assert_max_num_queries
):
    clock.set(2021, 3, 1, 9)
    drafts = [
        services.commitment_create(
            actor=None,
            plan=plan,
            number=n,
            lead_agency=agency,
            title_zh_hant=f"草案{n}",
            start_date=dt.date(2021, 6, 1),
            end_date=dt.date(2022, 6, 1),
        )
        for n in (21, 22)
    ]
    page_url = f"/action-plans/commitments/{drafts[0].public_id}/open-for-comment/"
    api_url = f"/api/v1/action-plans/commitments/{drafts[1].public_id}/consultation"
    for role in ("citizen", "other_official", "moderator"):
        assert client_for(people[role]).post(page_url).status_code == 403
        r = client_for(people[role]).post(api_url, data="{}", content_type="application/json")
        assert r.status_code == 403
    assert not Commitment.objects.exclude(consultation_ref="").exists()
    assert client_for(official).post(page_url).status_code == 302
    r = client_for(official).post(api_url, data="{}", content_type="application/json")
    assert r.status_code == 201
    assert Commitment.objects.exclude(consultation_ref="").count() == 2
    with django_assert_max_num_queries(3):  # however many drafts went out for comment
        assert len(selectors.co_creation(plan)) == 2
