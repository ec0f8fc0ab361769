"""Services: proposing, review, co-signing, passing, responding, discussion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.accounts.tests.factories import DEMO_PASSWORD, UserFactory
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.models import AuditEvent, Holiday, OutboundMessage
from opengov.proposals import selectors, services
from opengov.proposals.models import Signature, Status

from .conftest import make_proposal

pytestmark = pytest.mark.django_db


def test_draft_then_submit_sets_a_working_day_review_deadline(clock, proposer, agency):
    clock.set(2026, 4, 2, 15)  # Thursday
    Holiday.objects.create(date=dt.date(2026, 4, 3), name="兒童節")
    Holiday.objects.create(date=dt.date(2026, 4, 6), name="清明節")
    draft = make_proposal(proposer, agency, submit=False)
    assert draft.status == Status.DRAFT and draft.review_due is None
    services.proposal_update(
        actor=proposer,
        proposal=draft,
        title=draft.title,
        content=draft.content,
        benefits=draft.benefits,
        agencies=[agency.code],
        submit=True,
    )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert selectors.state_of(draft) == "submitted"
    assert draft.review_due.astimezone(clock.now().tzinfo).date() == dt.date(2026, 4, 13)


def test_proposing_needs_the_profile_level(unverified, agency, profile):
    with pytest.raises(Forbidden):
        make_proposal(unverified, agency)
    draft = make_proposal(unverified, agency, submit=False)
    with pytest.raises(Forbidden):
        services.proposal_update(
            actor=unverified,
            proposal=draft,
            title=draft.title,
            content=draft.content,
            benefits=draft.benefits,
            agencies=[agency.code],
            submit=True,
        )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    profile(proposals={"required_level": "none"})
    assert make_proposal(unverified, agency).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "x" * 81, "too_long"),
        ("title", "", "required"),
        ("agencies", ["moi", "a", "b", "c"], "too_many"),
        ("agencies", ["nowhere"], "unknown_agency"),
        ("evidence_links", ["javascript:alert(1)"], "invalid_link"),
        ("content", "y" * 5001, "too_long"),
    ],
)
def test_bad_input_names_the_field(proposer, agency, field, value, code):
    data = {
        "title": "好提議標題",
        "content": "內容",
        "benefits": "利益",
        "agencies": [agency.code],
        "submit": True,
    }
    data[field] = value
    with pytest.raises(ServiceError) as err:
        services.proposal_create(actor=proposer, **data)
    assert err.value.field == field and err.value.code == code


def test_attachments_are_type_and_size_checked(proposer, agency, profile):
    draft = make_proposal(proposer, agency, submit=False)
    pdf = SimpleUploadedFile("證據.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = services.attachment_add(actor=proposer, proposal=draft, upload=pdf)
    assert attachment.content_type == "application/pdf" and attachment.name.endswith(".pdf")
    fake = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ServiceError) as err:
        services.attachment_add(actor=proposer, proposal=draft, upload=fake)
    assert err.value.field == "attachment" and err.value.code == "file_type"
    profile(proposals={"attachment_max_bytes": 10})
    big = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    with pytest.raises(ServiceError) as err:
        services.attachment_add(actor=proposer, proposal=draft, upload=big)
    assert err.value.code == "too_large"
    assert draft.attachments.count() == 1


def test_publish_opens_the_window_and_counts_the_proposer(clock, submitted, moderator, proposer):
    clock.set(2026, 3, 2, 10)
    proposal = services.proposal_publish(actor=moderator, proposal=submitted)
    assert selectors.state_of(proposal) == "open"
    assert proposal.cosign_deadline.date() == dt.date(2026, 5, 1)
    assert selectors.signature_count(proposal) == 1
    assert Signature.objects.get(proposal=proposal).signer == proposer
    assert AuditEvent.objects.filter(verb="proposal.published", public=True).count() == 1
    assert OutboundMessage.objects.filter(recipient=proposer.email).exists() is False  # on commit


def test_proposer_not_counted_when_the_profile_says_so(profile, submitted, moderator):
    profile(proposals={"proposer_counts_as_signer": False})
    proposal = services.proposal_publish(actor=moderator, proposal=submitted)
    assert selectors.signature_count(proposal) == 0


def test_reject_needs_a_published_ground(submitted, moderator):
    with pytest.raises(ServiceError) as err:
        services.proposal_reject(actor=moderator, proposal=submitted, grounds=[], message="x")
    assert err.value.field == "grounds"
    with pytest.raises(ServiceError):
        services.proposal_reject(
            actor=moderator, proposal=submitted, grounds=["boring"], message="x"
        )
    services.proposal_reject(
        actor=moderator,
        proposal=submitted,
        grounds=["advertising", "unclear_or_personal"],
        message="請說明具體建議",
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED
    assert submitted.rejection_grounds == ["advertising", "unclear_or_personal"]


def test_moderator_changes_agencies_and_asks_for_changes(submitted, moderator, other_agency):
    services.proposal_request_changes(
        actor=moderator, proposal=submitted, message="請補充佐證", agencies=[other_agency.code]
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.CHANGES_REQUESTED
    assert list(submitted.agencies.values_list("code", flat=True)) == [other_agency.code]


def test_only_moderators_review(submitted, citizen, official):
    for actor in (citizen, official, submitted.proposer):
        with pytest.raises(NotFound):
            services.proposal_publish(actor=actor, proposal=submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_cosign_once_and_twice_says_when(clock, published, citizen):
    clock.set(2026, 3, 3, 9)
    services.signature_create(actor=citizen, proposal=published, reason="<script>支持</script>")
    clock.advance(days=1)
    with pytest.raises(Conflict) as err:
        services.signature_create(actor=citizen, proposal=published)
    assert err.value.code == "already_signed"
    assert "2026-03-03" in str(err.value.message)
    assert selectors.signature_count(published) == 2
    assert Signature.objects.filter(proposal=published).count() == 2


def test_cosign_refused_without_verification(published, unverified):
    with pytest.raises(Forbidden):
        services.signature_create(actor=unverified, proposal=published)
    assert selectors.signature_count(published) == 1


def test_cosign_refused_after_the_window_and_the_state_is_failed_without_a_job(
    clock, published, citizen
):
    clock.set_to(published.cosign_deadline + dt.timedelta(seconds=1))
    assert selectors.state_of(published) == "failed"
    with pytest.raises(Conflict) as err:
        services.signature_create(actor=citizen, proposal=published)
    assert err.value.code == "window_closed"
    assert selectors.signature_count(published) == 1


def test_cosign_refused_during_blackout(clock, profile, published, citizen):
    clock.set(2026, 11, 10, 12)
    published.cosign_deadline = clock.now() + dt.timedelta(days=5)
    published.save()
    profile(proposals={"election_blackouts": [{"start": "2026-11-01", "end": "2026-11-30"}]})
    with pytest.raises(Conflict) as err:
        services.signature_create(actor=citizen, proposal=published)
    assert err.value.code == "election_blackout"


def test_cosign_rejected_proposal_says_why(submitted, moderator, citizen):
    services.proposal_reject(
        actor=moderator, proposal=submitted, grounds=["illegal"], message="違法"
    )
    submitted.refresh_from_db()
    with pytest.raises(Conflict) as err:
        services.signature_create(actor=citizen, proposal=submitted)
    assert err.value.code == "rejected"


def test_threshold_crossing_is_recorded_once(profile, proposer, agency, moderator):
    profile(proposals={"cosign_threshold": 3})
    proposal = services.proposal_publish(actor=moderator, proposal=make_proposal(proposer, agency))
    services.signature_create(actor=UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.passed_at is None
    services.signature_create(actor=UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    first = proposal.passed_at
    assert first is not None and proposal.passed_count == 3
    assert selectors.state_of(proposal) == "awaiting_response"
    services.signature_create(actor=UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.passed_at == first and proposal.passed_count == 3
    assert AuditEvent.objects.filter(verb="proposal.passed").count() == 1
    assert services.record_passing(proposal.pk) is False


def test_response_deadline_becomes_overdue_by_reading(clock, passed):
    clock.set_to(passed.response_due + dt.timedelta(minutes=1))
    assert selectors.state_of(passed) == "overdue"


def test_official_of_the_agency_responds_point_by_point(passed, official, proposer):
    response = services.response_publish(
        actor=official,
        proposal=passed,
        summary="本部已研議。",
        points=[
            {"position": "adopted", "explanation": "將增設", "planned_date": dt.date(2026, 12, 31)},
            {"position": "under_study", "explanation": "研議中", "planned_actions": "委託研究"},
        ],
    )
    passed.refresh_from_db()
    assert passed.status == Status.RESPONDED and response.on_time
    assert [p.position for p in response.points.all()] == ["adopted", "under_study"]
    with pytest.raises(Conflict):
        services.response_publish(
            actor=official,
            proposal=passed,
            summary="again",
            points=[{"position": "adopted", "explanation": "x"}],
        )


def test_other_agencies_cannot_respond_or_extend(passed, other_official, citizen, moderator):
    for actor in (other_official, citizen, moderator):
        with pytest.raises(Forbidden):
            services.response_publish(
                actor=actor,
                proposal=passed,
                summary="x",
                points=[{"position": "adopted", "explanation": "x"}],
            )
        with pytest.raises(Forbidden):
            services.extension_create(
                actor=actor, proposal=passed, progress="x", new_due=dt.date(2030, 1, 1)
            )
    passed.refresh_from_db()
    assert passed.status == Status.PUBLISHED and not passed.extensions.exists()


def test_response_needs_valid_points(passed, official):
    with pytest.raises(ServiceError) as err:
        services.response_publish(
            actor=official,
            proposal=passed,
            summary="x",
            points=[{"position": "maybe", "explanation": "x"}],
        )
    assert err.value.field == "points.0"
    with pytest.raises(ServiceError) as err:
        services.response_publish(actor=official, proposal=passed, summary="x", points=[])
    assert err.value.field == "points"


def test_extension_once_with_a_new_date(clock, passed, official):
    due = passed.response_due.astimezone(clock.now().tzinfo).date()
    services.extension_create(
        actor=official, proposal=passed, progress="已召開會議", new_due=due + dt.timedelta(days=60)
    )
    passed.refresh_from_db()
    assert passed.response_due.astimezone(clock.now().tzinfo).date() == due + dt.timedelta(days=60)
    with pytest.raises(ServiceError) as err:
        services.extension_create(
            actor=official, proposal=passed, progress="再延", new_due=due + dt.timedelta(days=90)
        )
    assert err.value.code == "too_many_extensions"
    clock.set_to(passed.response_due - dt.timedelta(hours=1))
    assert selectors.state_of(passed) == "awaiting_response"


def test_feedback_only_by_signers_within_the_period(clock, passed, official, proposer, citizen):
    services.response_publish(
        actor=official,
        proposal=passed,
        summary="回應",
        points=[{"position": "not_adopted", "explanation": "理由"}],
    )
    with pytest.raises(Forbidden):
        services.feedback_create(actor=citizen, proposal=passed, rating=5)
    with pytest.raises(ServiceError) as err:
        services.feedback_create(actor=proposer, proposal=passed, rating=9)
    assert err.value.field == "rating"
    services.feedback_create(actor=proposer, proposal=passed, rating=2, comment="不滿意")
    clock.advance(days=5)
    signer = Signature.objects.filter(proposal=passed, is_proposer=False).first().signer
    with pytest.raises(Conflict) as err:
        services.feedback_create(actor=signer, proposal=passed, rating=4)
    assert err.value.code == "feedback_closed"


def test_comments_edit_window_report_and_hide(clock, published, citizen, moderator):
    comment = services.comment_create(actor=citizen, proposal=published, body="<script>好</script>")
    clock.advance(minutes=10)
    services.comment_edit(actor=citizen, comment=comment, body="修正後")
    clock.advance(minutes=6)
    with pytest.raises(Conflict):
        services.comment_edit(actor=citizen, comment=comment, body="太晚")
    comment.refresh_from_db()
    assert comment.body == "修正後"
    services.comment_report(actor=moderator, comment=comment, reason="廣告")
    with pytest.raises(NotFound):
        services.comment_hide(actor=citizen, comment=comment, ground="advertising")
    services.comment_hide(actor=moderator, comment=comment, ground="advertising")
    comment.refresh_from_db()
    assert comment.hidden_ground == "advertising"


def test_rate_limit_on_cosigning(settings, published):
    settings.OPENGOV_RATE_LIMITS = {
        "cosign": {"per_account": 60, "per_address": 2, "window_seconds": 3600}
    }
    services.signature_create(actor=UserFactory(), proposal=published, address="10.0.0.1")
    services.signature_create(actor=UserFactory(), proposal=published, address="10.0.0.1")
    with pytest.raises(ServiceError) as err:
        services.signature_create(actor=UserFactory(), proposal=published, address="10.0.0.1")
    assert err.value.code == "rate_limited"
    assert selectors.signature_count(published) == 3
    assert set(Signature.objects.exclude(network="").values_list("network", flat=True)) == {
        "10.0.0.0/24"
    }


def test_search_finds_chinese_and_english(proposer, agency, moderator):
    p1 = make_proposal(proposer, agency, title="增設自行車道 bike lanes", content="車道")
    services.proposal_publish(actor=moderator, proposal=p1)
    p2 = make_proposal(proposer, agency, title="延長圖書館開放時間", content="閱讀")
    services.proposal_publish(actor=moderator, proposal=p2)
    base = selectors.Proposal.objects.all()
    assert list(selectors.proposal_list(base, q="自行車")) == [p1]
    assert list(selectors.proposal_list(base, q="Bike Lane")) == [p1]
    assert list(selectors.proposal_list(base, q="圖書館開放")) == [p2]
    assert list(selectors.proposal_list(base, q="圖書")) == [p2]  # short: fallback
    assert [p.title for p in selectors.similar_proposals("圖書館開放到半夜")] == [p2.title]


def test_failure_notice_sent_once_by_the_job(
    clock, published, django_capture_on_commit_callbacks, mailoutbox
):
    from opengov.proposals.tasks import send_due_notices

    clock.set_to(published.cosign_deadline + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_notices() == {"passed": 0, "failed": 1}
    assert send_due_notices() == {"passed": 0, "failed": 0}
    assert [m.to for m in mailoutbox] == [[published.proposer.email]]


def _answer_and_send_notices(official, proposal, capture_on_commit):
    """The agency answers; the notices queued after commit are sent."""
    with capture_on_commit(execute=True):
        services.response_publish(
            actor=official,
            proposal=proposal,
            summary="回應",
            points=[{"position": "adopted", "explanation": "理由"}],
        )


def test_notices_respect_notify_by_email(
    passed, official, django_capture_on_commit_callbacks, mailoutbox
):
    signer = Signature.objects.filter(proposal=passed, is_proposer=False).first().signer
    signer.notify_by_email = False
    signer.save()
    _answer_and_send_notices(official, passed, django_capture_on_commit_callbacks)
    recipients = {to for m in mailoutbox for to in m.to}
    assert passed.proposer.email in recipients
    assert signer.email not in recipients


def test_followers_get_notices_and_a_stopped_co_signer_does_not(
    passed, official, django_capture_on_commit_callbacks, mailoutbox
):
    follower = UserFactory()
    assert not selectors.is_following(passed, follower)
    assert services.follow_set(actor=follower, proposal=passed, following=True) is True
    assert selectors.is_following(passed, follower)
    signer = Signature.objects.filter(proposal=passed, is_proposer=False).first().signer
    assert selectors.is_following(passed, signer)
    services.follow_set(actor=signer, proposal=passed, following=False)
    assert not selectors.is_following(passed, signer)
    assert AuditEvent.objects.filter(verb="proposal.following_changed", actor=signer).exists()
    _answer_and_send_notices(official, passed, django_capture_on_commit_callbacks)
    recipients = sorted(to for m in mailoutbox for to in m.to)
    assert recipients == sorted([passed.proposer.email, follower.email])


def test_only_published_proposals_can_be_followed_and_closing_forgets(
    submitted, published, citizen
):
    with pytest.raises(Conflict) as err:
        services.follow_set(actor=UserFactory(), proposal=submitted, following=True)
    assert err.value.code == "not_public"
    services.follow_set(actor=citizen, proposal=published, following=True)
    from opengov.accounts import services as account_services
    from opengov.proposals.models import Follow

    account_services.user_close(actor=citizen, user=citizen, password=DEMO_PASSWORD)
    assert not Follow.objects.filter(user=citizen).exists()


def test_collaboration_meeting_seats_go_first_come_to_co_signers(
    clock, profile, passed, official, other_official, django_capture_on_commit_callbacks, mailoutbox
):
    profile(proposals={"collaboration_meeting_cosigners": 2})
    starts = clock.now() + dt.timedelta(days=7)
    with pytest.raises(Forbidden):
        services.meeting_call(actor=other_official, proposal=passed, starts_at=starts, place="x")
    with pytest.raises(ServiceError) as err:
        services.meeting_call(
            actor=official,
            proposal=passed,
            starts_at=clock.now() - dt.timedelta(hours=1),
            place="x",
        )
    assert err.value.field == "starts_at"
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_call(
            actor=official,
            proposal=passed,
            starts_at=starts,
            place="行政院第一會議室",
            details="議程",
        )
    assert meeting.seats == 2
    assert {to for m in mailoutbox for to in m.to} >= {passed.proposer.email}
    with pytest.raises(Conflict) as err:
        services.meeting_call(actor=official, proposal=passed, starts_at=starts, place="y")
    assert err.value.code == "already_called"
    first = Signature.objects.get(proposal=passed, is_proposer=False).signer
    second, third, stranger = UserFactory(), UserFactory(), UserFactory()
    for person in (second, third):
        services.signature_create(actor=person, proposal=passed)
    refusals = {}
    for person in (first, first, passed.proposer, stranger, second, third):
        try:
            services.meeting_take_seat(actor=person, proposal=passed)
        except Conflict as exc:
            refusals.setdefault(person.pk, []).append(exc.code)
    assert refusals == {
        first.pk: ["already_seated"],
        passed.proposer_id: ["proposer_attends"],
        stranger.pk: ["not_a_cosigner"],
        third.pk: ["meeting_full"],
    }
    assert [s.user for s in meeting.seats_taken.order_by("taken_at", "pk")] == [first, second]
    later = starts + dt.timedelta(days=1)
    with pytest.raises(Forbidden):
        services.meeting_change(actor=other_official, proposal=passed, starts_at=later, place="z")
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_change(actor=official, proposal=passed, starts_at=later, place="線上")
    meeting.refresh_from_db()
    assert meeting.place == "線上" and meeting.starts_at == later
    assert meeting.seats_taken.count() == 2
    assert len(mailoutbox) > sent  # everyone following is told
    clock.set_to(later)
    with pytest.raises(Conflict) as err:
        services.meeting_take_seat(actor=third, proposal=passed)
    assert err.value.code == "meeting_started"
    with pytest.raises(Conflict) as err:
        services.meeting_change(
            actor=official, proposal=passed, starts_at=later + dt.timedelta(days=1), place="z"
        )
    assert err.value.code == "meeting_started"


def test_no_meeting_before_passing_or_where_the_rules_have_none(
    clock, profile, published, official
):
    starts = clock.now() + dt.timedelta(days=7)
    with pytest.raises(Conflict) as err:
        services.meeting_call(actor=official, proposal=published, starts_at=starts, place="x")
    assert err.value.code == "not_passed"
    profile(proposals={"collaboration_meeting_cosigners": 0})
    with pytest.raises(Conflict) as err:
        services.meeting_call(actor=official, proposal=published, starts_at=starts, place="x")
    assert err.value.code == "no_meetings"


def test_the_periodic_job_records_a_missed_crossing_and_skips_the_rest(
    passed, published, django_capture_on_commit_callbacks
):
    from opengov.proposals.models import Proposal
    from opengov.proposals.tasks import send_due_notices

    Proposal.objects.filter(pk=passed.pk).update(passed_at=None)  # as if never recorded
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_notices() == {"passed": 1, "failed": 0}
    assert Proposal.objects.get(pk=passed.pk).passed_at is not None
    assert Proposal.objects.get(pk=published.pk).passed_at is None  # below its threshold
