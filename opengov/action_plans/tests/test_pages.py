"""Pages: they render (escaped), forms put errors next to fields, the permission matrix of
every page write, the dashboard's bounded queries and its cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from opengov.action_plans import services
from opengov.action_plans.models import Assessment, FollowUpDecision, ProgressUpdate, UpdateComment

pytestmark = pytest.mark.django_db


def test_pages_render_and_escape(client, plan, commitment, milestone, official, civil_member):
    update = services.progress_update_post(
        actor=official, milestone=milestone, progress=30, text="<script>bad()</script>進度"
    )
    services.update_comment_post(actor=civil_member, update=update, body="<b>ok</b>")
    for url in (
        "/action-plans/",
        f"/action-plans/{plan.slug}/",
        f"/action-plans/{plan.slug}/report/",
        f"/action-plans/commitments/{commitment.public_id}/",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert "<script>x</script>" not in body and "<script>y</script>" not in body
        assert "<script>bad()" not in body and "<b>ok</b>" not in body
    body = client.get(f"/action-plans/{plan.slug}/").content.decode()
    assert "<svg" in body and "30 %" in body and 'role="img"' in body
    # the commitments chart links each bar: a group, not an image that hides its links
    assert 'role="group"' in body
    report = client.get(f"/action-plans/{plan.slug}/report/").content.decode()
    assert "政府資料開放與運用法制化" in report and "Provide a legal basis" in report
    assert "進度報告" in report and "Progress report" in report


def test_unknown_objects_are_404(client, plan):
    assert client.get("/action-plans/nope/").status_code == 404
    assert client.get("/action-plans/commitments/not-a-uuid/").status_code == 404


def test_report_form_errors_next_to_field(client_for, official, milestone):
    url = f"/action-plans/milestones/{milestone.public_id}/report/"
    r = client_for(official).post(url, {"progress": "150", "text": "x"})
    assert r.status_code == 400
    body = r.content.decode()
    assert 'id="id_progress_error"' in body and 'aria-invalid="true"' in body
    assert not ProgressUpdate.objects.exists()
    r = client_for(official).post(url, {"progress": "60", "text": "完成一半"})
    assert r.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 60


def test_report_page_permission_matrix(people, client_for, milestone, civil_member, reviewer):
    url = f"/action-plans/milestones/{milestone.public_id}/report/"
    for role, user in {**people, "civil": civil_member, "reviewer": reviewer}.items():
        before = ProgressUpdate.objects.count()
        r = client_for(user).post(url, {"progress": "10", "text": "t"})
        if role == "official":
            assert r.status_code == 302
        elif user is None:
            assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        else:
            assert r.status_code == 403, role
        if role != "official":
            assert ProgressUpdate.objects.count() == before


def test_comment_page_permission_matrix(
    people, client_for, milestone, official, civil_member, government_member
):
    update = services.progress_update_post(
        actor=official, milestone=milestone, progress=5, text="t"
    )
    url = f"/action-plans/updates/{update.public_id}/comment/"
    for user in {**people, "gov": government_member}.values():
        r = client_for(user).post(url, {"body": "意見"})
        assert r.status_code in (302, 403)
        if user is not None:
            assert r.status_code == 403
    assert not UpdateComment.objects.exists()
    r = client_for(civil_member).post(url, {"body": "意見"})
    assert r.status_code == 302 and UpdateComment.objects.count() == 1


def test_assess_page(people, client_for, commitment, reviewer):
    url = f"/action-plans/commitments/{commitment.public_id}/assess/"
    for user in people.values():
        r = client_for(user).post(url, {"verifiable": "yes", "verifiable_justification": "x"})
        assert r.status_code in (302, 403)
    assert not Assessment.objects.exists()
    r = client_for(reviewer).post(
        url, {"verifiable": "yes", "verifiable_justification": "", "publish": "on"}
    )
    assert r.status_code == 400
    assert 'id="id_verifiable_justification_error"' in r.content.decode()
    r = client_for(reviewer).post(
        url,
        {
            "verifiable": "yes",
            "verifiable_justification": "有具體產出",
            "potential": "modest",
            "potential_justification": "範圍有限",
            "publish": "on",
        },
    )
    assert r.status_code == 302
    page = client_for(None).get(f"/action-plans/commitments/{commitment.public_id}/")
    assert "範圍有限" in page.content.decode()


def test_follow_up_page(people, client_for, commitment, co_convener):
    url = f"/action-plans/commitments/{commitment.public_id}/follow-up/"
    for role in ("citizen", "official", "other_official"):
        r = client_for(people[role]).post(url, {"on_list": "no", "meeting": "m", "reason": "r"})
        assert r.status_code == 403
    assert not FollowUpDecision.objects.exists()
    r = client_for(co_convener).post(url, {"on_list": "no", "meeting": "第3次會議", "reason": ""})
    assert r.status_code == 400 and 'id="id_reason_error"' in r.content.decode()
    r = client_for(co_convener).post(
        url, {"on_list": "no", "meeting": "第3次會議", "reason": "已完成"}
    )
    assert r.status_code == 302
    commitment.refresh_from_db()
    assert not commitment.on_follow_up_list


def _grow(plan, agency, n_commitments, n_milestones, official, first=100):
    for i in range(first, first + n_commitments):
        c = services.commitment_create(
            actor=None,
            plan=plan,
            number=i,
            lead_agency=agency,
            title_zh_hant=f"承諾{i}",
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2023, 12, 31),
        )
        for j in range(n_milestones):
            m = services.milestone_create(
                actor=None,
                commitment=c,
                title_zh_hant=f"里程碑{j}",
                start_date=dt.date(2021, 1, 1),
                end_date=dt.date(2022, 1, 1 + j),
                weight=j + 1,
            )
            services.progress_update_post(actor=official, milestone=m, progress=10 * j, text="t")


def test_dashboard_queries_are_bounded(
    client, django_assert_max_num_queries, plan, agency, official, clock
):
    clock.set(2022, 6, 1, 9)
    _grow(plan, agency, 2, 2, official)
    cache.clear()
    with django_assert_max_num_queries(12) as small:
        assert client.get(f"/action-plans/{plan.slug}/").status_code == 200
    _grow(plan, agency, 6, 4, official, first=200)
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        r = client.get(f"/action-plans/{plan.slug}/")
    assert r.status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


def test_dashboard_is_cached_until_a_write(client, plan, milestone, official):
    client.get(f"/action-plans/{plan.slug}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cached:
        body = client.get(f"/action-plans/{plan.slug}/").content.decode()
    assert 'id="plan-progress">0 %' in body
    assert not any("action_plans_milestone" in q["sql"] for q in cached.captured_queries)
    services.progress_update_post(actor=official, milestone=milestone, progress=80, text="t")
    body = client.get(f"/action-plans/{plan.slug}/").content.decode()
    assert 'id="plan-progress">80 %' in body


def test_evidence_files_on_the_report_form(client_for, official, milestone, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opengov.action_plans.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    url = f"/action-plans/milestones/{milestone.public_id}/report/"
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    r = client_for(official).post(url, {"progress": "20", "text": "t", "files": [bad]})
    assert r.status_code == 400 and 'id="id_files_error"' in r.content.decode()
    assert not Evidence.objects.exists() and not ProgressUpdate.objects.exists()
    good = SimpleUploadedFile("會議紀錄.pdf", b"%PDF-1.4", content_type="application/pdf")
    r = client_for(official).post(
        url,
        {"progress": "20", "text": "t", "links": "https://example.org/a\n", "files": [good]},
    )
    assert r.status_code == 302
    kinds = sorted("file" if e.file else "url" for e in Evidence.objects.all())
    assert kinds == ["file", "url"]


def test_file_size_limit_follows_the_profile(
    client_for, official, milestone, profile, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    profile(action_plans={"evidence_max_bytes": 10})
    url = f"/action-plans/milestones/{milestone.public_id}/report/"
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"x" * 20, content_type="application/pdf")
    r = client_for(official).post(url, {"progress": "20", "text": "t", "files": [big]})
    assert r.status_code == 400 and not ProgressUpdate.objects.exists()


def test_milestone_page_refuses_bad_input_with_field_messages(
    people, client_for, official, commitment
):
    from opengov.action_plans.models import Milestone

    url = f"/action-plans/commitments/{commitment.public_id}/milestones/new/"
    base = {"title_zh_hant": "階段", "start_date": "2021-02-01", "end_date": "2021-06-30"}
    for role in ("citizen", "other_official"):
        assert client_for(people[role]).post(url, {**base, "weight": "1"}).status_code == 403
    for data, field in [
        ({**base, "weight": "0"}, "weight"),
        ({**base, "weight": "-2"}, "weight"),
        ({**base, "weight": "abc"}, "weight"),
        ({**base, "weight": "1", "start_date": "2020-12-31"}, "start_date"),
        ({**base, "weight": "1", "end_date": "2024-01-01"}, "end_date"),
    ]:
        r = client_for(official).post(url, data)
        assert r.status_code == 400
        assert f'id="id_{field}_error"' in r.content.decode(), field
    assert not Milestone.objects.exists()
    r = client_for(official).post(url, {**base, "weight": "1.5"})
    assert r.status_code == 302 and Milestone.objects.get().weight == 1.5


def test_commitment_page_pages_its_update_history(client, commitment, milestone, official):
    for i in range(25):
        services.progress_update_post(
            actor=official, milestone=milestone, progress=i, text=f"第{i}次"
        )
    url = f"/action-plans/commitments/{commitment.public_id}/"
    first = client.get(url).content.decode()
    assert "第24次" in first and "第0次" not in first and "?page=2" in first
    second = client.get(url + "?page=2").content.decode()
    assert "第0次" in second and "第24次" not in second


def test_policy_area_admin_saves_through_the_service(client_for, admin_user):
    from opengov.action_plans.models import PolicyArea
    from opengov.core.models import AuditEvent

    c = client_for(admin_user)
    assert PolicyArea.objects.filter(slug="youth").exists()  # seeded by the migration
    r = c.post(
        "/admin/action_plans/policyarea/add/",
        {
            "slug": "open-justice",
            "name_zh_hant": "開放司法",
            "name_en": "Open justice",
            "order": 30,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    area = PolicyArea.objects.get(slug="open-justice")
    assert area.name_en == "Open justice"
    assert AuditEvent.objects.filter(verb="policy_area.created", target_id=str(area.pk)).exists()


def test_commitment_page_queries_do_not_grow_with_updates(
    client, django_assert_max_num_queries, commitment, milestone, official, civil_member
):
    url = f"/action-plans/commitments/{commitment.public_id}/"
    u = services.progress_update_post(
        actor=official, milestone=milestone, progress=1, text="t", links=["https://a.example/"]
    )
    services.update_comment_post(actor=civil_member, update=u, body="c")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(6):
        u = services.progress_update_post(
            actor=official, milestone=milestone, progress=i, text="t", links=["https://b.example/"]
        )
        services.update_comment_post(actor=civil_member, update=u, body="c")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
