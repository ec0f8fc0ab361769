"""Authoring pages: new/edit plan, new/edit commitment, the task-force page. The permission
matrix of each (nothing changes on denial), field errors for bad input, escaping."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.action_plans import services
from opengov.action_plans.models import ActionPlan, Commitment, TaskForceMember
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _plan_data(**over):
    data = {
        "number": "2",
        "slug": "nap2",
        "title_zh_hant": "第二期國家行動方案",
        "title_en": "Second national action plan",
        "summary_zh_hant": "",
        "summary_en": "",
        "start_date": "2025-01-01",
        "end_date": "2028-12-31",
        "status": "drafting",
        "new_areas": "資料開放 | Open data\n參與",
    }
    data.update(over)
    return data


def _commitment_data(agency, **over):
    data = {
        "number": "2",
        "title_zh_hant": "開放國會",
        "title_en": "Open parliament",
        "lead_agency": agency.code,
        "start_date": "2022-01-01",
        "end_date": "2023-06-30",
        "problem_zh_hant": "問題",
        "description_en": "What",
        "actors_civil_society_zh_hant": "公民團體",
        "value_transparency": "on",
        "justification_transparency": "公開議事",
        "sdgs": "16",
        "is_draft": "on",
    }
    data.update(over)
    return data


def _denied(r, user):
    if user is None:
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    else:
        assert r.status_code == 403


# --- the services added for the pages ----------------------------------------------------------
def test_plan_update_service(plan, commitment, moderator, official, co_convener):
    with pytest.raises(Forbidden):
        services.plan_update(actor=official, plan=plan, title_zh_hant="改")
    services.plan_create(
        actor=None,
        slug="nap2",
        number=2,
        title_zh_hant="二",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 1, 1),
    )
    with pytest.raises(Conflict) as exc:
        services.plan_update(actor=moderator, plan=plan, number=2)
    assert exc.value.field == "number"
    with pytest.raises(Conflict) as exc:
        services.plan_update(actor=moderator, plan=plan, slug="NAP2")
    assert exc.value.field == "slug"
    with pytest.raises(ServiceError) as exc:
        services.plan_update(actor=moderator, plan=plan, slug="new")
    assert exc.value.field == "slug"
    with pytest.raises(ServiceError) as exc:  # commitment 1 ends 2023-12-31
        services.plan_update(actor=moderator, plan=plan, end_date=dt.date(2023, 6, 30))
    assert exc.value.code == "commitments_outside" and exc.value.field == "end_date"
    revision = plan.revision
    before = AuditEvent.objects.filter(verb="action_plan.updated").count()
    services.plan_update(actor=co_convener, plan=plan, title_en="First plan", number=3)
    plan.refresh_from_db()
    assert plan.title_en == "First plan" and plan.number == 3 and plan.revision > revision
    assert AuditEvent.objects.filter(verb="action_plan.updated").count() == before + 1


def test_commitment_update_number_agency_area_for_managers_only(
    plan, commitment, official, moderator, other_agency
):
    with pytest.raises(Forbidden):
        services.commitment_update(actor=official, commitment=commitment, lead_agency=other_agency)
    commitment.refresh_from_db()
    assert commitment.lead_agency.code == "moi"
    services.commitment_create(
        actor=None,
        plan=plan,
        number=2,
        lead_agency=other_agency,
        title_zh_hant="二",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 1, 1),
    )
    with pytest.raises(Conflict) as exc:
        services.commitment_update(actor=moderator, commitment=commitment, number=2)
    assert exc.value.field == "number"
    other_agency.active = False
    other_agency.save()
    with pytest.raises(ServiceError) as exc:
        services.commitment_update(actor=moderator, commitment=commitment, lead_agency=other_agency)
    assert exc.value.field == "lead_agency"
    other_agency.active = True
    other_agency.save()
    services.commitment_update(
        actor=moderator, commitment=commitment, lead_agency=other_agency, number=5
    )
    commitment.refresh_from_db()
    assert commitment.lead_agency == other_agency and commitment.number == 5


# --- new plan ----------------------------------------------------------------------------------
def test_new_plan_matrix(people, client_for, plan, co_convener):
    url = "/action-plans/new/"
    for role, user in {**people, "co_convener": co_convener}.items():
        before = ActionPlan.objects.count()
        r = client_for(user).post(url, _plan_data())
        if role in ("moderator", "admin"):
            assert r.status_code == 302, role
            created = ActionPlan.objects.get(slug="nap2")
            assert [a.name_en for a in created.areas.order_by("order")] == ["Open data", ""]
            created.delete()
        else:
            _denied(r, user)
            assert ActionPlan.objects.count() == before
            if user is not None:
                assert client_for(user).get(url).status_code == 403


def test_new_plan_field_errors(client_for, moderator, plan):
    c = client_for(moderator)
    assert c.get("/action-plans/new/").status_code == 200
    for over, field in (
        ({"number": "1"}, "number"),
        ({"slug": "nap1"}, "slug"),
        ({"slug": "commitments"}, "slug"),
        ({"end_date": "2024-01-01"}, "end_date"),
        ({"title_zh_hant": ""}, "title_zh_hant"),
    ):
        r = c.post("/action-plans/new/", _plan_data(**over))
        assert r.status_code == 400, over
        body = r.content.decode()
        assert f'id="id_{field}_error"' in body, over
        assert 'aria-invalid="true"' in body
        assert re.search(f'aria-describedby="[^"]*id_{field}_error', body), over
    assert ActionPlan.objects.count() == 1


def test_new_plan_escapes_title(client_for, moderator):
    r = client_for(moderator).post(
        "/action-plans/new/", _plan_data(title_zh_hant="<script>alert(1)</script>方案")
    )
    assert r.status_code == 302
    for url in ("/action-plans/", "/action-plans/nap2/", "/action-plans/nap2/edit/"):
        body = client_for(moderator).get(url).content.decode()
        assert "<script>alert(1)" not in body, url
        assert "&lt;script&gt;alert(1)" in body or "alert(1)" not in body


# --- edit plan ---------------------------------------------------------------------------------
def test_edit_plan_matrix(people, client_for, plan, co_convener, civil_member, government_member):
    url = f"/action-plans/{plan.slug}/edit/"
    roles = {**people, "civil": civil_member, "gov_member": government_member}
    for role, user in roles.items():
        if role in ("moderator", "admin"):
            continue
        r = client_for(user).post(url, _plan_data(number="1", slug="nap1", title_en="Changed"))
        _denied(r, user)
        plan.refresh_from_db()
        assert plan.title_en == "First national action plan" and plan.areas.count() == 0
    for user in (people["moderator"], people["admin"], co_convener):
        assert client_for(user).get(url).status_code == 200
    r = client_for(co_convener).post(
        url,
        _plan_data(
            number="1",
            slug="nap-one",
            title_zh_hant="第一期",
            start_date="2021-01-01",
            end_date="2024-05-31",
            status="completed",
        ),
    )
    assert r.status_code == 302 and r["Location"] == "/action-plans/nap-one/"
    plan.refresh_from_db()
    assert plan.slug == "nap-one" and plan.status == "completed" and plan.areas.count() == 2
    assert AuditEvent.objects.filter(verb="action_plan.status_changed").exists()


def test_edit_plan_refuses_dates_that_leave_commitments_out(client_for, moderator, commitment):
    plan = commitment.plan
    r = client_for(moderator).post(
        f"/action-plans/{plan.slug}/edit/",
        _plan_data(number="1", slug="nap1", start_date="2022-01-01", end_date="2024-05-31"),
    )
    assert r.status_code == 400
    assert 'id="id_start_date_error"' in r.content.decode()
    plan.refresh_from_db()
    assert plan.start_date == dt.date(2021, 1, 1) and plan.title_en == "First national action plan"
    assert plan.areas.count() == 0


# --- new commitment ----------------------------------------------------------------------------
def test_new_commitment_matrix(
    people, client_for, plan, agency, co_convener, civil_member, government_member
):
    url = f"/action-plans/{plan.slug}/commitments/new/"
    roles = {**people, "civil": civil_member, "gov_member": government_member}
    for role, user in {**roles, "co_convener": co_convener}.items():
        before = Commitment.objects.count()
        r = client_for(user).post(url, _commitment_data(agency))
        if role in ("moderator", "admin", "co_convener"):
            assert r.status_code == 302, role
            c = Commitment.objects.get(plan=plan, number=2)
            assert c.lead_agency == agency and c.is_draft
            assert c.actors_civil_society_zh_hant == "公民團體"
            v = c.values.get()
            assert v.value == "transparency" and v.justification_zh_hant == "公開議事"
            c.delete()
        else:
            _denied(r, user)
            assert Commitment.objects.count() == before, role


def test_new_commitment_field_errors(client_for, moderator, plan, commitment, agency):
    c = client_for(moderator)
    url = f"/action-plans/{plan.slug}/commitments/new/"
    page = c.get(url).content.decode()
    assert 'name="lead_agency"' in page and 'value="moi"' in page
    assert 'name="justification_transparency"' in page
    for over, field in (
        ({"start_date": "2020-12-31"}, "start_date"),
        ({"end_date": "2024-06-01"}, "end_date"),
        (
            {"justification_transparency": "", "justification_transparency_en": ""},
            "justification_transparency",
        ),
        ({"number": "1"}, "number"),
        ({"lead_agency": "nope"}, "lead_agency"),
        ({"sdgs": "18"}, "sdgs"),
    ):
        r = c.post(url, _commitment_data(agency, **over))
        assert r.status_code == 400, over
        body = r.content.decode()
        assert f'id="id_{field}_error"' in body, over
        assert re.search(f'aria-describedby="[^"]*id_{field}_error', body), over
    assert Commitment.objects.count() == 1


def test_new_commitment_only_active_agencies(client_for, moderator, plan, agency, other_agency):
    other_agency.active = False
    other_agency.save()
    url = f"/action-plans/{plan.slug}/commitments/new/"
    assert 'value="moj"' not in client_for(moderator).get(url).content.decode()
    r = client_for(moderator).post(url, _commitment_data(agency, lead_agency="moj"))
    assert r.status_code == 400 and not Commitment.objects.filter(number=2).exists()


# --- edit commitment ---------------------------------------------------------------------------
def test_edit_commitment_matrix(
    people, client_for, commitment, co_convener, civil_member, government_member, other_agency
):
    url = f"/action-plans/commitments/{commitment.public_id}/edit/"
    roles = {**people, "civil": civil_member, "gov_member": government_member}
    data = _commitment_data(
        commitment.lead_agency, number="1", title_zh_hant="改過", start_date="2021-01-01"
    )
    for role, user in roles.items():
        if role in ("official", "moderator", "admin"):
            continue
        r = client_for(user).post(url, data)
        _denied(r, user)
        commitment.refresh_from_db()
        assert commitment.title_zh_hant.endswith("政府資料開放與運用法制化"), role
    for user in (people["official"], people["moderator"], people["admin"], co_convener):
        assert client_for(user).get(url).status_code == 200
    # the lead agency edits the text, but not the number nor the lead agency
    page = client_for(people["official"]).get(url).content.decode()
    assert 'name="lead_agency"' not in page and 'name="number"' not in page
    r = client_for(people["official"]).post(url, {**data, "lead_agency": "moj", "number": "9"})
    assert r.status_code == 302
    commitment.refresh_from_db()
    assert commitment.title_zh_hant == "改過" and commitment.number == 1
    assert commitment.lead_agency.code == "moi"
    r = client_for(co_convener).post(url, {**data, "lead_agency": "moj", "number": "9"})
    assert r.status_code == 302
    commitment.refresh_from_db()
    assert commitment.lead_agency == other_agency and commitment.number == 9


def test_edit_commitment_missing_justification_changes_nothing(client_for, official, commitment):
    url = f"/action-plans/commitments/{commitment.public_id}/edit/"
    r = client_for(official).post(
        url,
        _commitment_data(
            commitment.lead_agency,
            title_zh_hant="不該存",
            start_date="2021-01-01",
            value_civic_participation="on",
        ),
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert 'id="id_justification_civic_participation_error"' in body
    assert "「公民參與」" in body  # the value's name, not its code
    commitment.refresh_from_db()
    assert commitment.title_zh_hant.endswith("政府資料開放與運用法制化")
    assert list(commitment.values.values_list("value", flat=True)) == ["transparency"]


def test_edit_commitment_escapes_and_shows_open_for_comment(client_for, official, commitment):
    url = f"/action-plans/commitments/{commitment.public_id}/edit/"
    body = client_for(official).get(url).content.decode()
    assert "<script>y</script>" not in body and "&lt;script&gt;y&lt;/script&gt;" in body
    assert "open-for-comment" not in body  # not a draft
    commitment.is_draft = True
    commitment.save()
    body = client_for(official).get(url).content.decode()
    assert f"/action-plans/commitments/{commitment.public_id}/open-for-comment/" in body


# --- task force --------------------------------------------------------------------------------
def test_task_force_seat_matrix(people, client_for, plan, co_convener, civil_member):
    url = f"/action-plans/{plan.slug}/task-force/"
    newcomer = UserFactory()
    data = {"email": newcomer.email, "sector": "government", "organisation": "<b>部</b>"}
    for role, user in {**people, "civil": civil_member}.items():
        before = TaskForceMember.objects.count()
        r = client_for(user).post(url, data)
        if role in ("moderator", "admin"):
            assert r.status_code == 302, role
            TaskForceMember.objects.filter(user=newcomer).delete()
        else:
            _denied(r, user)
            assert TaskForceMember.objects.count() == before, role
            if user is not None:
                assert client_for(user).get(url).status_code == 403
    r = client_for(co_convener).post(url, {**data, "is_co_convener": "on"})
    assert r.status_code == 302
    seat = TaskForceMember.objects.get(user=newcomer)
    assert seat.is_co_convener and seat.sector == "government"
    body = client_for(co_convener).get(url).content.decode()
    assert "<b>部</b>" not in body and "&lt;b&gt;部&lt;/b&gt;" in body


def test_task_force_seat_field_errors(client_for, moderator, plan, civil_member):
    url = f"/action-plans/{plan.slug}/task-force/"
    c = client_for(moderator)
    for data in (
        {"email": "nobody@example.org", "sector": "government"},
        {"email": civil_member.email, "sector": "government"},
        {"email": "not-an-address", "sector": "government"},
    ):
        r = c.post(url, data)
        assert r.status_code == 400, data
        assert 'id="id_email_error"' in r.content.decode()
    r = c.post(url, {"email": UserFactory().email, "sector": "church"})
    assert r.status_code == 400 and 'id="id_sector_error"' in r.content.decode()
    assert TaskForceMember.objects.count() == 1


def test_task_force_remove_matrix(people, client_for, plan, co_convener, civil_member):
    url = f"/action-plans/{plan.slug}/task-force/{civil_member.public_id}/remove/"
    for user in {**people, "civil": civil_member}.values():
        if user in (people["moderator"], people["admin"]):
            continue
        r = client_for(user).post(url)
        _denied(r, user)
        assert TaskForceMember.objects.filter(user=civil_member).exists()
    assert client_for(co_convener).get(url).status_code == 405
    r = client_for(co_convener).post(url)
    assert r.status_code == 302
    assert not TaskForceMember.objects.filter(user=civil_member).exists()
    assert AuditEvent.objects.filter(verb="task_force.member_removed").exists()
    r = client_for(people["moderator"]).post(url)
    assert r.status_code == 404


# --- links -------------------------------------------------------------------------------------
def test_links_shown_only_to_people_allowed(people, client_for, plan, commitment, co_convener):
    for role, user in {**people, "co_convener": co_convener}.items():
        listing = client_for(user).get("/action-plans/").content.decode()
        board = client_for(user).get(f"/action-plans/{plan.slug}/").content.decode()
        page = client_for(user).get(f"/action-plans/commitments/{commitment.public_id}/")
        page = page.content.decode()
        assert ('href="/action-plans/new/"' in listing) == (role in ("moderator", "admin"))
        manages = role in ("moderator", "admin", "co_convener")
        assert (f'href="/action-plans/{plan.slug}/edit/"' in board) == manages, role
        assert (f'href="/action-plans/{plan.slug}/task-force/"' in board) == manages, role
        assert (f'href="/action-plans/{plan.slug}/commitments/new/"' in board) == manages, role
        edit = f'href="/action-plans/commitments/{commitment.public_id}/edit/"'
        assert (edit in page) == (manages or role == "official"), role


def test_pages_in_both_languages(client_for, moderator, plan, commitment):
    c = client_for(moderator)
    for url, zh, en in (
        ("/action-plans/new/", "建立方案", "Create the plan"),
        (f"/action-plans/{plan.slug}/edit/", "儲存方案", "Save the plan"),
        (f"/action-plans/{plan.slug}/commitments/new/", "新增這項承諾", "Add the commitment"),
        (
            f"/action-plans/commitments/{commitment.public_id}/edit/",
            "儲存承諾",
            "Save the commitment",
        ),
        (f"/action-plans/{plan.slug}/task-force/", "加入工作小組", "Seat the member"),
    ):
        assert zh in c.get(url).content.decode(), url
        assert en in c.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), url


def test_date_fields_show_their_value_in_the_date_input_format(client_for, moderator, commitment):
    # <input type="date"> only takes YYYY-MM-DD; a localised 2021/01/01 shows as empty
    for url in (
        f"/action-plans/commitments/{commitment.public_id}/edit/",
        f"/action-plans/commitments/{commitment.public_id}/milestones/new/",
        f"/action-plans/{commitment.plan.slug}/edit/",
    ):
        body = client_for(moderator).get(url).content.decode()
        assert 'name="start_date" value="2021-01-01"' in body, url


def test_edit_plan_removes_unused_areas_only(client_for, co_convener, plan, commitment):
    used = services.thematic_area_add(actor=None, plan=plan, name_zh_hant="資料開放")
    unused = services.thematic_area_add(actor=None, plan=plan, name_zh_hant="<i>參與</i>")
    services.commitment_update(actor=co_convener, commitment=commitment, area=used)
    url = f"/action-plans/{plan.slug}/edit/"
    body = client_for(co_convener).get(url).content.decode()
    assert "<i>參與</i>" not in body and "&lt;i&gt;參與&lt;/i&gt;" in body
    data = _plan_data(number="1", slug="nap1", start_date="2021-01-01", end_date="2024-05-31")
    data["title_en"] = "Changed"
    r = client_for(co_convener).post(url, {**data, "remove_areas": [str(used.pk), str(unused.pk)]})
    assert r.status_code == 400 and 'id="id_remove_areas_error"' in r.content.decode()
    plan.refresh_from_db()
    assert plan.areas.count() == 2 and plan.title_en == "First national action plan"
    r = client_for(co_convener).post(url, {**data, "remove_areas": [str(unused.pk)]})
    assert r.status_code == 302
    assert [a.name_zh_hant for a in plan.areas.all()] == ["資料開放", "資料開放", "參與"]
    assert AuditEvent.objects.filter(verb="thematic_area.removed").count() == 1


def test_task_force_lookups_are_rate_limited(client_for, moderator, plan, settings):
    settings.OPENGOV_RATE_LIMITS_ENABLED = True
    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "task_force_seat": {"per_account": 2, "window_seconds": 3600},
    }
    url = f"/action-plans/{plan.slug}/task-force/"
    c = client_for(moderator)
    for _i in range(2):
        assert (
            c.post(url, {"email": "nobody@example.org", "sector": "government"}).status_code == 400
        )
    r = c.post(url, {"email": UserFactory().email, "sector": "government"})
    assert r.status_code == 429
    assert not TaskForceMember.objects.exists()


def test_open_for_comment_button_needs_the_consultations_service(
    client_for, official, commitment, monkeypatch
):
    commitment.is_draft = True
    commitment.save()
    button = f"/action-plans/commitments/{commitment.public_id}/open-for-comment/"
    pages = (
        f"/action-plans/commitments/{commitment.public_id}/edit/",
        f"/action-plans/commitments/{commitment.public_id}/",
    )
    for url in pages:
        assert button in client_for(official).get(url).content.decode(), url
    monkeypatch.setattr("opengov.action_plans.views.consultations_available", lambda: False)
    for url in pages:
        assert button not in client_for(official).get(url).content.decode(), url


def test_edit_milestone_matrix_and_field_errors(
    people, client_for, milestone, co_convener, civil_member
):
    url = f"/action-plans/milestones/{milestone.public_id}/edit/"
    data = {
        "title_zh_hant": "<b>草案</b>預告",
        "title_en": "Draft announced",
        "start_date": "2021-02-01",
        "end_date": "2022-09-30",
        "weight": "2.5",
    }
    for role in ("anonymous", "citizen", "other_official"):
        _denied(client_for(people[role]).post(url, data), people[role])
    _denied(client_for(civil_member).post(url, data), civil_member)
    milestone.refresh_from_db()
    assert milestone.title_zh_hant == "草案公告"
    page = client_for(people["official"]).get(url).content.decode()
    assert 'value="草案公告"' in page and 'value="2022-06-30"' in page and 'value="1"' in page
    detail = client_for(people["official"]).get(
        f"/action-plans/commitments/{milestone.commitment.public_id}/"
    )
    assert url in detail.content.decode()
    outside = client_for(people["official"]).post(url, {**data, "end_date": "2030-01-01"})
    assert outside.status_code == 400 and 'aria-invalid="true"' in outside.content.decode()
    milestone.refresh_from_db()
    assert milestone.end_date == dt.date(2022, 6, 30)
    bad_weight = client_for(co_convener).post(url, {**data, "weight": "-1"})
    assert bad_weight.status_code == 400
    saved = client_for(people["official"]).post(url, data)
    assert saved.status_code == 302 and saved["Location"].endswith(f"#m-{milestone.public_id}")
    milestone.refresh_from_db()
    assert milestone.title_zh_hant == "<b>草案</b>預告" and str(milestone.weight) == "2.50"
    shown = client_for(None).get(f"/action-plans/commitments/{milestone.commitment.public_id}/")
    assert "&lt;b&gt;草案&lt;/b&gt;預告" in shown.content.decode()  # text, not markup
    assert milestone.end_date == dt.date(2022, 9, 30)
    assert AuditEvent.objects.filter(verb="milestone.updated").count() == 1
    assert (
        client_for(people["official"]).get("/action-plans/milestones/nope/edit/").status_code == 404
    )
