"""Services: period rules with an injected clock, comments, handling and the report."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.consultations import selectors, services
from opengov.consultations.models import (
    Article,
    Comment,
    Consultation,
    Decision,
    FinalStatus,
    Kind,
    State,
    Topic,
)
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.models import AuditEvent

from .conftest import after_period

pytestmark = pytest.mark.django_db


def test_draft_regulation_needs_sixty_days(start, official, agency):
    with pytest.raises(ServiceError) as excinfo:
        services.consultation_create(
            actor=official,
            agency=agency,
            kind=Kind.DRAFT_REGULATION,
            title="草案",
            summary="摘要",
            closes_on=dt.date(2026, 4, 30),
        )
    assert excinfo.value.code == "period_too_short"
    assert excinfo.value.field == "closes_on"
    assert "2026-05-01" in str(excinfo.value.message)  # day after 2026-03-02 + 60 days
    consultation = services.consultation_create(
        actor=official, agency=agency, kind=Kind.DRAFT_REGULATION, title="草案", summary="摘要"
    )
    assert consultation.closes_on == dt.date(2026, 5, 1)
    policy = services.consultation_create(
        actor=official, agency=agency, kind=Kind.POLICY, title="政策", summary="摘要"
    )
    assert policy.closes_on == dt.date(2026, 3, 9)


def test_minimum_follows_the_profile(start, official, agency, profile):
    profile(consultations={"draft_regulation_min_period": {"days": 30}})
    consultation = services.consultation_create(
        actor=official,
        agency=agency,
        kind=Kind.DRAFT_REGULATION,
        title="草案",
        summary="摘要",
        closes_on=dt.date(2026, 4, 1),
    )
    assert consultation.closes_on == dt.date(2026, 4, 1)


def test_publication_rechecks_the_period_with_the_clock(clock, start, make_consultation):
    consultation = make_consultation(publish=False)
    assert consultation.closes_on == dt.date(2026, 5, 1)
    clock.advance(days=10)  # published later: 60 days from then do not fit any more
    with pytest.raises(ServiceError) as excinfo:
        services.consultation_publish(actor=consultation.created_by, consultation=consultation)
    assert excinfo.value.code == "period_too_short"
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_last_day_on_a_weekend_moves_to_monday(clock, official, agency):
    clock.set(2026, 3, 6, 9)  # Friday: 60 days later is Tuesday 2026-05-05
    assert services.consultation_create(
        actor=official, agency=agency, kind=Kind.DRAFT_REGULATION, title="t", summary="s"
    ).closes_on == dt.date(2026, 5, 5)
    clock.set(2026, 3, 2, 9)
    from opengov.core.models import Holiday

    Holiday.objects.create(calendar="tw", date=dt.date(2026, 5, 1), name="勞動節")
    assert services.consultation_create(
        actor=official, agency=agency, kind=Kind.DRAFT_REGULATION, title="t", summary="s"
    ).closes_on == dt.date(2026, 5, 4)


def test_state_is_derived_from_the_clock(clock, open_consultation):
    assert open_consultation.state == State.OPEN
    clock.set(2026, 5, 1, 23, 59)
    assert open_consultation.state == State.OPEN
    clock.set(2026, 5, 2, 0, 0, 1)
    assert open_consultation.state == State.CLOSED
    ids = set(selectors.consultation_list(state=State.CLOSED).values_list("pk", flat=True))
    assert ids == {open_consultation.pk}


def test_foreign_residents_only_for_listed_topics(start, official, agency):
    with pytest.raises(ServiceError) as excinfo:
        services.consultation_create(
            actor=official,
            agency=agency,
            kind=Kind.POLICY,
            title="t",
            summary="s",
            foreign_residents_may_comment=True,
        )
    assert excinfo.value.field == "foreign_residents_may_comment"
    c = services.consultation_create(
        actor=official,
        agency=agency,
        kind=Kind.POLICY,
        title="t",
        summary="s",
        topic=Topic.TRADE,
        foreign_residents_may_comment=True,
    )
    assert c.foreign_residents_may_comment


def test_draft_regulation_without_articles_cannot_publish(start, make_consultation):
    consultation = make_consultation(publish=False, text=None)
    with pytest.raises(ServiceError) as excinfo:
        services.consultation_publish(actor=consultation.created_by, consultation=consultation)
    assert excinfo.value.code == "no_articles"


def test_import_replaces_articles_and_marks_amendment(start, make_consultation, official):
    consultation = make_consultation(publish=False)
    articles = list(selectors.consultation_articles(consultation))
    assert [a.label for a in articles] == ["第一條", "第二條", "第三條"]
    assert consultation.is_amendment
    assert articles[2].is_new and not articles[0].is_new
    result = services.articles_import(
        actor=official, consultation=consultation, data="第一條 只有一條。\n".encode("big5")
    )
    assert len(result.articles) == 1
    assert consultation.articles.count() == 1


def test_published_text_is_fixed(open_consultation, official):
    with pytest.raises(Conflict):
        services.articles_import(actor=official, consultation=open_consultation, data="第一條 x")
    with pytest.raises(Conflict):
        services.consultation_update(actor=official, consultation=open_consultation, title="新")
    with pytest.raises(ServiceError):
        services.consultation_update(
            actor=official, consultation=open_consultation, closes_on=dt.date(2026, 4, 30)
        )
    services.consultation_update(
        actor=official, consultation=open_consultation, closes_on=dt.date(2026, 5, 15)
    )
    open_consultation.refresh_from_db()
    assert open_consultation.closes_on == dt.date(2026, 5, 15)


def test_comment_counts_and_article_comments(open_consultation, citizen):
    third = open_consultation.articles.get(position=3)
    services.comment_create(
        actor=citizen, consultation=open_consultation, article=third, body="贊成", stance="support"
    )
    services.comment_create(
        actor=citizen, consultation=open_consultation, article=third, body="反對", stance="oppose"
    )
    services.comment_create(
        actor=citizen, consultation=open_consultation, body="整體意見", stance="suggestion"
    )
    third.refresh_from_db()
    open_consultation.refresh_from_db()
    assert (third.comment_count, third.support_count, third.oppose_count) == (2, 1, 1)
    assert open_consultation.comment_count == 3
    assert open_consultation.whole_text_comment_count == 1
    assert selectors.consultation_comments(open_consultation, article=third).count() == 2
    whole = selectors.consultation_comments(open_consultation, article=selectors.WHOLE_TEXT)
    assert [c.body for c in whole] == ["整體意見"]


def test_comment_needs_email_level(open_consultation, unverified, profile):
    with pytest.raises(Forbidden) as excinfo:
        services.comment_create(
            actor=unverified, consultation=open_consultation, body="x", stance="support"
        )
    assert excinfo.value.code == "verification_required"
    email_only = UserFactory(phone_verified=False)
    services.comment_create(
        actor=email_only, consultation=open_consultation, body="x", stance="support"
    )
    profile(consultations={"comment_required_level": "email+phone"})
    with pytest.raises(Forbidden):
        services.comment_create(
            actor=email_only, consultation=open_consultation, body="y", stance="support"
        )
    assert Comment.objects.count() == 1


def test_comment_after_the_period_is_refused_with_the_closing_date(
    clock, open_consultation, citizen
):
    after_period(clock, open_consultation)
    with pytest.raises(Conflict) as excinfo:
        services.comment_create(
            actor=citizen, consultation=open_consultation, body="遲到", stance="oppose"
        )
    assert excinfo.value.code == "closed"
    assert "2026-05-01" in str(excinfo.value.message)
    assert not Comment.objects.exists()


def test_comment_edit_window(clock, open_consultation, citizen, other_official):
    first = open_consultation.articles.get(position=1)
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, article=first, body="a", stance="support"
    )
    with pytest.raises(Forbidden):
        services.comment_update(actor=other_official, comment=comment, body="b", stance="oppose")
    clock.advance(minutes=15)
    services.comment_update(actor=citizen, comment=comment, body="b", stance="oppose")
    first.refresh_from_db()
    assert (first.support_count, first.oppose_count, first.comment_count) == (0, 1, 1)
    clock.advance(seconds=1)
    with pytest.raises(Conflict) as excinfo:
        services.comment_update(actor=citizen, comment=comment, body="c", stance="oppose")
    assert excinfo.value.code == "edit_window_passed"
    comment.refresh_from_db()
    assert comment.body == "b"


def test_report_and_hide_with_ground(open_consultation, citizen, moderator, official):
    first = open_consultation.articles.get(position=1)
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, article=first, body="廣告", stance="support"
    )
    services.comment_report(actor=official, comment=comment, reason="廣告")
    with pytest.raises(Conflict):
        services.comment_report(actor=official, comment=comment, reason="再次")
    assert list(selectors.reported_comments()) == [comment]
    for user in (citizen, official):
        with pytest.raises(Forbidden):
            services.comment_hide(actor=user, comment=comment, ground="advertising")
    with pytest.raises(ServiceError):
        services.comment_hide(actor=moderator, comment=comment, ground="boring")
    services.comment_hide(actor=moderator, comment=comment, ground="advertising", note="推銷")
    comment.refresh_from_db()
    first.refresh_from_db()
    assert comment.is_hidden and comment.hidden_ground == "advertising"
    assert first.comment_count == 0 and first.support_count == 0
    assert list(selectors.reported_comments()) == []
    assert AuditEvent.objects.filter(verb="consultation.comment_hidden", public=True).exists()
    services.comment_unhide(actor=moderator, comment=comment)
    first.refresh_from_db()
    assert first.comment_count == 1


def _comments(consultation, citizen, n):
    return [
        services.comment_create(
            actor=citizen, consultation=consultation, body=f"意見{i}", stance="suggestion"
        )
        for i in range(n)
    ]


def test_answers_wait_for_the_end_of_the_period(open_consultation, citizen, official):
    (comment,) = _comments(open_consultation, citizen, 1)
    with pytest.raises(Conflict) as excinfo:
        services.comments_respond(
            actor=official,
            consultation=open_consultation,
            comments=[comment],
            decision=Decision.ADOPTED,
            reason="r",
        )
    assert excinfo.value.code == "still_open"


def test_report_cannot_publish_with_unhandled_comments(
    clock,
    open_consultation,
    citizen,
    official,
    moderator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    a, b, c, hidden = _comments(open_consultation, citizen, 4)
    services.comment_hide(actor=moderator, comment=hidden, ground="illegal")
    after_period(clock, open_consultation)
    group = services.comments_respond(
        actor=official,
        consultation=open_consultation,
        comments=[a, b],
        decision=Decision.PARTLY_ADOPTED,
        reason="併同處理：部分採納。",
    )
    assert set(group.comments.all()) == {a, b}
    with pytest.raises(Conflict) as excinfo:
        services.report_publish(actor=official, consultation=open_consultation, summary="s")
    assert excinfo.value.code == "unhandled_comments"
    assert "1" in str(excinfo.value.message)
    open_consultation.refresh_from_db()
    assert open_consultation.report_published_at is None
    # re-handling moves a comment to a new response; an emptied response disappears
    services.comments_respond(
        actor=official,
        consultation=open_consultation,
        comments=[a, b, c],
        decision=Decision.NOT_ADOPTED,
        reason="不予採納，理由如下。",
    )
    assert not type(group).objects.filter(pk=group.pk).exists()
    article = open_consultation.articles.get(position=2)
    services.article_set_final(
        actor=official, article=article, status=FinalStatus.AMENDED, text="新的條文。"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(actor=official, consultation=open_consultation, summary="總結")
    open_consultation.refresh_from_db()
    assert open_consultation.state == State.REPORTED
    assert [m.to for m in mailoutbox] == [[citizen.email]]
    assert f"/consultations/{open_consultation.public_id}/report/" in mailoutbox[0].body
    # the notice job is idempotent
    from opengov.consultations.tasks import notify_report_published

    assert notify_report_published(open_consultation.pk) == 0
    summary = selectors.report_summary(open_consultation)
    assert (summary.total, summary.handled) == (3, 3)
    assert summary.by_decision == {"not_adopted": 3}
    with pytest.raises(Conflict):
        services.comments_respond(
            actor=official,
            consultation=open_consultation,
            comments=[a],
            decision=Decision.ADOPTED,
            reason="r",
        )


def test_report_with_no_comments_publishes(clock, open_consultation, official):
    after_period(clock, open_consultation)
    services.report_publish(actor=official, consultation=open_consultation, summary="無意見")
    open_consultation.refresh_from_db()
    assert open_consultation.report_published_at is not None


# --- permission matrix: who may create, edit, answer -----------------------------------------


CREATE_ALLOWED = {"official"}


@pytest.mark.parametrize(
    "role", ["anonymous", "citizen", "other_official", "official", "moderator", "admin"]
)
def test_permission_matrix_create(start, people, agency, role):
    from django.contrib.auth.models import AnonymousUser

    actor = people[role] or AnonymousUser()
    before = Consultation.objects.count()
    if role in CREATE_ALLOWED:
        services.consultation_create(
            actor=actor, agency=agency, kind=Kind.POLICY, title="t", summary="s"
        )
        assert Consultation.objects.count() == before + 1
    else:
        with pytest.raises(ServiceError):
            services.consultation_create(
                actor=actor, agency=agency, kind=Kind.POLICY, title="t", summary="s"
            )
        assert Consultation.objects.count() == before


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_official", "moderator", "admin"])
def test_permission_matrix_edit_and_answer_denied(clock, start, people, make_consultation, role):
    from django.contrib.auth.models import AnonymousUser

    actor = people[role] or AnonymousUser()
    draft = make_consultation(publish=False)
    article = draft.articles.get(position=1)
    with pytest.raises((NotFound, Forbidden, ServiceError)):
        services.consultation_update(actor=actor, consultation=draft, title="改")
    with pytest.raises((NotFound, Forbidden, ServiceError)):
        services.article_update(actor=actor, article=article, label="第一條", text="改")
    with pytest.raises((NotFound, Forbidden, ServiceError)):
        services.consultation_publish(actor=actor, consultation=draft)
    draft.refresh_from_db()
    article.refresh_from_db()
    assert draft.title.endswith("修正草案") and draft.published_at is None
    assert article.text != "改"
    published = make_consultation()
    comment = services.comment_create(
        actor=people["citizen"], consultation=published, body="意見", stance="oppose"
    )
    after_period(clock, published)
    with pytest.raises((NotFound, Forbidden, ServiceError)):
        services.comments_respond(
            actor=actor,
            consultation=published,
            comments=[comment],
            decision=Decision.ADOPTED,
            reason="r",
        )
    with pytest.raises((NotFound, Forbidden, ServiceError)):
        services.report_publish(actor=actor, consultation=published, summary="s")
    comment.refresh_from_db()
    published.refresh_from_db()
    assert comment.response_id is None and published.report_published_at is None


def test_official_of_parent_agency_may_manage(start, agency, make_consultation):
    from opengov.accounts.tests.factories import make_official

    parent_official = make_official(agency.parent)
    draft = make_consultation(publish=False)
    services.consultation_update(actor=parent_official, consultation=draft, title="上級修改")
    assert Article.objects.filter(consultation=draft).count() == 3


DUPLICATE = (
    "第一條 甲。\n第二條 乙。\n第二條 另一種寫法。\n說明：第二個第二條的說明。\n第三條 丙。\n"
)


def test_import_is_all_or_nothing_and_reports_a_repeated_article(
    start, make_consultation, official
):
    consultation = make_consultation(publish=False)
    before = list(consultation.articles.values_list("label", "text"))
    with pytest.raises(ServiceError) as refused:
        services.articles_import(actor=official, consultation=consultation, data=DUPLICATE)
    assert refused.value.code == "unplaced_lines" and refused.value.status == 422
    assert [(d["line"], d["reason"]) for d in refused.value.details] == [
        (3, "repeated_number"),
        (4, "after_repeated_number"),
    ]
    assert "第二條" in refused.value.details[0]["message"]
    assert "另一種寫法" in refused.value.details[0]["text"]
    # Nothing changed: the articles are those of before.
    assert list(consultation.articles.values_list("label", "text")) == before
    # Accepting only some of the listed lines is not enough.
    with pytest.raises(ServiceError):
        services.articles_import(
            actor=official, consultation=consultation, data=DUPLICATE, accept_unplaced=[3]
        )
    assert list(consultation.articles.values_list("label", "text")) == before
    result = services.articles_import(
        actor=official, consultation=consultation, data=DUPLICATE, accept_unplaced=[3, 4]
    )
    assert [a.text for a in result.articles] == ["甲。", "乙。", "丙。"]
    assert list(consultation.articles.values_list("text", flat=True)) == ["甲。", "乙。", "丙。"]
    event = AuditEvent.objects.filter(verb="consultation.articles_imported").latest("id")
    # The choice is recorded as counts, never the file's text.
    assert event.changes == {"articles": 3, "unplaced_lines": 2, "unplaced_lines_accepted": 2}
    assert "另一種寫法" not in str(event.changes)


def test_clean_file_imports_without_confirmation(start, make_consultation, official):
    consultation = make_consultation(publish=False, text=None)
    result = services.articles_import(
        actor=official, consultation=consultation, data="第一條 甲。\n第二條 乙。\n"
    )
    assert len(result.articles) == 2 and result.unplaced == []


def test_an_article_changed_to_no_text_is_refused_as_a_new_one_is(
    clock, start, official, make_consultation
):
    draft = make_consultation(publish=False)
    article = draft.articles.get(position=1)
    with pytest.raises(ServiceError) as refused:
        services.article_update(actor=official, article=article, label="第一條", text=" ")
    assert refused.value.field == "text"
    article.refresh_from_db()
    assert article.text
