"""Pages of proposals: list and search, propose, review queue, the proposal page (co-sign,
discuss, respond, rate), the watch pages (來監督), the burst report, Atom feeds."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opengov.accounts.models import Agency
from opengov.accounts.permissions import is_moderator, is_signed_in
from opengov.core import clock, files
from opengov.core.clientip import client_ip
from opengov.core.errors import ServiceError
from opengov.core.forms import form_status, refused_status, submit
from opengov.core.httpcache import page_etag, public_page

from . import charts, forms, rules, selectors, services
from .models import Comment, Meeting, Proposal, Response, Status
from .permissions import (
    PUBLIC_STATUSES,
    can_answer,
    editable_proposals,
    reviewable_proposals,
    visible_comments,
    visible_proposals,
)

PER_PAGE = 20
#: comments shown on one page of a proposal's discussion
COMMENTS_PER_PAGE = 50


def _proposal(request: HttpRequest, public_id: Any, qs=None) -> Proposal:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    proposal = (qs if qs is not None else visible_proposals(request.user)).filter(public_id=key)
    proposal = proposal.select_related("proposer").first()
    if proposal is None:
        raise Http404
    return proposal


_status = refused_status


# --- list ----------------------------------------------------------------------------------


def proposal_list(request: HttpRequest) -> HttpResponse:
    """Published proposals with filters, search, sort and pages."""
    form = forms.FilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    qs = selectors.proposal_list(
        visible_proposals(None).select_related("proposer"),
        state=filters.get("state", ""),
        agency=filters.get("agency", ""),
        tag=filters.get("tag", ""),
        space=filters.get("space", ""),
        since=filters.get("since"),
        until=filters.get("until"),
        q=filters.get("q", ""),
        sort=filters.get("sort", "newest"),
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    now = clock.now()
    for p in page:
        p.state = selectors.state_of(p, now)
        p.state_label = rules.STATE_LABELS[p.state]
        p.percent = rules.progress_percent(p.signature_count, p.threshold or 0)
    query = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items()}
    return render(
        request,
        "proposals/list.html",
        {"form": form, "page": page, "query_string": urlencode(query), "now": now},
    )


# --- proposing -----------------------------------------------------------------------------


def _save(request: HttpRequest, form: forms.ProposalForm, proposal: Proposal | None):
    """Save the draft (and its attachment) and, when asked, submit it, in one transaction;
    on success, say what happened."""
    submitting = "submit" in request.POST
    kwargs = form.service_kwargs()
    if proposal is None:
        proposal = services.proposal_create(
            actor=request.user,
            submit=False,
            address=client_ip(request),
            **kwargs,
        )
    else:
        proposal = services.proposal_update(actor=request.user, proposal=proposal, **kwargs)
    upload = form.cleaned_data.get("attachment")
    if upload:
        services.attachment_add(actor=request.user, proposal=proposal, upload=upload)
    if submitting:
        proposal = services.proposal_update(
            actor=request.user, proposal=proposal, submit=True, **kwargs
        )
    return proposal, submitting


def _save_and_say(
    request: HttpRequest, form: forms.ProposalForm, proposal: Proposal | None
) -> tuple[Proposal, bool]:
    """`_save` in one transaction, then the message that says what happened."""
    with transaction.atomic():
        saved, submitted = _save(request, form, proposal)
    if submitted:
        messages.success(
            request,
            _("Submitted. The operator reviews it by %(date)s.")
            % {"date": saved.review_due.astimezone(clock.local_zone()).date().isoformat()},
        )
    else:
        messages.success(request, _("Draft saved."))
    return saved, submitted


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    """Propose: save a draft or submit for review."""
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Change a draft or a proposal sent back for changes."""
    proposal = _proposal(request, public_id, editable_proposals(request.user))
    return _edit(request, proposal)


def _edit(request: HttpRequest, proposal: Proposal | None) -> HttpResponse:
    profile = rules.rules()
    if proposal is not None:
        initial = {
            "title": proposal.title,
            "content": proposal.content,
            "benefits": proposal.benefits,
            "agencies": list(proposal.agencies.values_list("code", flat=True)),
            "tags": ", ".join(proposal.tags.values_list("name", flat=True)),
            "evidence_links": "\n".join(proposal.evidence_links or []),
        }
    else:
        initial = {}
    form = forms.ProposalForm(request.POST or None, request.FILES or None, initial=initial)
    if response := submit(
        request,
        form,
        lambda _data: _save_and_say(request, form, proposal),
        then=lambda result: (
            reverse("proposals:mine")
            if result[1]
            else reverse("proposals:edit", args=[result[0].public_id])
        ),
    ):
        return response
    similar = selectors.similar_proposals(
        proposal.title if proposal else "", exclude_pk=proposal.pk if proposal else None
    )
    verified = request.user.has_level(profile.required_level)
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "proposal": proposal,
            "similar": similar,
            "verified": verified,
            "blackout": rules.blackout_refusal(clock.now()),
        },
        status=form_status(request),
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own proposals with their state and the operator's messages."""
    proposals = list(
        selectors.with_counts(Proposal.objects.filter(proposer=request.user))
        .prefetch_related("agencies")
        .order_by("-created_at", "-id")
    )
    now = clock.now()
    for p in proposals:
        p.state = selectors.state_of(p, now)
        p.state_label = rules.STATE_LABELS[p.state]
        p.ground_labels = [rules.ground_label(g) for g in p.rejection_grounds or []]
    return render(request, "proposals/mine.html", {"proposals": proposals})


def similar(request: HttpRequest) -> HttpResponse:
    """The similar-proposals list for a title (fetched by the form's script)."""
    items = selectors.similar_proposals((request.GET.get("title") or "")[:100])
    return render(request, "proposals/_similar.html", {"similar": items})


# --- the proposal page ---------------------------------------------------------------------


def _detail_context(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    now = clock.now()
    state = selectors.state_of(proposal, now)
    count = selectors.signature_count(proposal)
    threshold = proposal.threshold or rules.rules(proposal.space).cosign_threshold
    cal = selectors.calendar()
    response = Response.objects.filter(proposal=proposal).select_related("agency", "author").first()
    user = request.user
    signature = selectors.signature_of(proposal, user)
    refusal = rules.cosign_refusal(state=state, now=now, cosign_deadline=proposal.cosign_deadline)
    level_ok = is_signed_in(user) and user.has_level(rules.rules().required_level)
    feedback_open = False
    may_rate = False
    if response:
        ends = rules.feedback_ends(response.published_at, cal)
        feedback_open = now <= ends
        may_rate = (
            feedback_open
            and is_signed_in(user)
            and (signature is not None or proposal.proposer_id == user.pk)
            and not response.feedback.filter(author=user).exists()
        )
    comments_page = Paginator(visible_comments(user, proposal), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    comments = list(comments_page.object_list)
    for c in comments:
        c.editable = (
            is_signed_in(user)
            and c.author_id == user.pk
            and not c.hidden_at
            and rules.comment_editable(c.created_at, now)
        )
        c.ground_label = rules.ground_label(c.hidden_ground) if c.hidden_ground else ""
    series = selectors.signatures_by_day(proposal) if proposal.published_at else []
    return {
        "proposal": proposal,
        "state": state,
        "state_label": rules.STATE_LABELS[state],
        "count": count,
        "threshold": threshold,
        "percent": rules.progress_percent(count, threshold),
        "days_left": (
            rules.working_days_left(proposal.cosign_deadline, now, cal)
            if proposal.cosign_deadline and state == "open"
            else None
        ),
        "calendar_days_left": (
            (proposal.cosign_deadline.astimezone(clock.local_zone()).date() - clock.today()).days
            if proposal.cosign_deadline and state == "open"
            else None
        ),
        "agencies": list(proposal.agencies.all()),
        "tags": list(proposal.tags.all()),
        "attachments": list(proposal.attachments.all()),
        "extensions": list(proposal.extensions.select_related("agency")),
        "response": response,
        "points": _labelled_points(proposal, response),
        "feedback": list(response.feedback.select_related("author")) if response else [],
        "feedback_open": feedback_open,
        "may_rate": may_rate,
        "signature": signature,
        "following": selectors.is_following(proposal, user, signed=signature is not None),
        "refusal": refusal,
        "level_ok": level_ok,
        "can_answer": state in rules.AWAITING_STATES and can_answer(user, proposal),
        "can_extend": state == "awaiting_response" and can_answer(user, proposal),
        **_meeting_context(user, proposal, signature, now),
        "is_moderator": is_moderator(user),
        "is_proposer": is_signed_in(user) and proposal.proposer_id == user.pk,
        "reasons": list(selectors.recent_signatures(proposal)),
        "comments": comments,
        "comments_page": comments_page,
        "chart": charts.cosign_chart(series, threshold) if series else None,
        "series": series,
        "ground_labels": [rules.ground_label(g) for g in proposal.rejection_grounds or []],
        "cosign_form": forms.CosignForm(),
        "comment_form": forms.CommentForm(),
        "feedback_form": forms.FeedbackForm(),
        "hide_form": forms.HideForm(),
        "agencies_form": (
            forms.AgenciesForm(initial={"agencies": [a.code for a in proposal.agencies.all()]})
            if is_moderator(user) and proposal.status == Status.PUBLISHED
            else None
        ),
        "public": state in rules.PUBLIC_STATES,
    }


def _meeting_context(user: Any, proposal: Proposal, signature: Any, now: Any) -> dict[str, Any]:
    meeting = Meeting.objects.filter(proposal=proposal).first()
    arrange = _may_arrange_meeting(user, proposal, meeting)
    if meeting is None:
        return {"meeting": None, "may_call_meeting": arrange}
    seats = list(meeting.seats_taken.select_related("user").order_by("taken_at", "pk"))
    seated = is_signed_in(user) and any(s.user_id == user.pk for s in seats)
    return {
        "meeting": meeting,
        "may_change_meeting": arrange,
        "meeting_seats": seats,
        "meeting_seated": seated,
        "may_take_seat": (
            signature is not None
            and not signature.is_proposer
            and not seated
            and len(seats) < meeting.seats
            and now < meeting.starts_at
        ),
    }


def _detail_etag(request: HttpRequest, public_id: Any) -> str:
    """The anonymous proposal page's validator, from three small reads: the proposal's row,
    its count and its discussion's size and latest changes. The minute is part of it, so
    what follows from time alone (days left, states) and the rarer changes it does not read
    (an extension notice, a meeting) show within a minute."""
    proposal = _proposal(request, public_id)
    request._proposal_read = proposal  # type: ignore[attr-defined]
    discussion = Comment.objects.filter(proposal=proposal).aggregate(
        n=Count("id"), created=Max("created_at"), edited=Max("edited_at"), hidden=Max("hidden_at")
    )
    return page_etag(
        proposal.pk,
        proposal.updated_at,
        proposal.status,
        proposal.passed_at,
        proposal.response_due,
        proposal.responded_at,
        selectors.signature_count(proposal),
        tuple(discussion.values()),
        request.GET.get("page", ""),
        int(clock.now().timestamp()) // 60,
    )


@public_page(_detail_etag)
def proposal_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A proposal with progress, deadline, chart, response, discussion (paged)."""
    proposal = getattr(request, "_proposal_read", None) or _proposal(request, public_id)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


def _rerender(request: HttpRequest, proposal: Proposal, status: int, **forms_) -> HttpResponse:
    context = _detail_context(request, proposal)
    context.update(forms_)
    return render(request, "proposals/detail.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cosign(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Co-sign (once, final). GET is the co-sign form alone, for the signed-in person: the
    public page, shared by every anonymous visitor through caches, carries no form and no
    CSRF token, and links here ("Sign in to co-sign")."""
    proposal = _proposal(request, public_id)
    if request.method == "GET":
        now = clock.now()
        state = selectors.state_of(proposal, now)
        context = {
            "proposal": proposal,
            "signature": selectors.signature_of(proposal, request.user),
            "refusal": rules.cosign_refusal(
                state=state, now=now, cosign_deadline=proposal.cosign_deadline
            )
            if state in rules.PUBLIC_STATES
            else rules.Refusal("not_open", _("This proposal cannot be co-signed now.")),
            "level_ok": request.user.has_level(rules.rules().required_level),
            "cosign_form": forms.CosignForm(),
        }
        return render(request, "proposals/cosign.html", context)
    form = forms.CosignForm(request.POST)
    if response := submit(
        request,
        form,
        lambda data: services.signature_create(
            actor=request.user,
            proposal=proposal,
            reason=data["reason"],
            address=client_ip(request),
        ),
        then=reverse("proposals:detail", args=[proposal.public_id]),
        done=_("Thank you: your co-signature is recorded."),
    ):
        return response
    return _rerender(request, proposal, form_status(request), cosign_form=form)


@login_required
@require_POST
def follow(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Follow a proposal's e-mail notices (`following=1`) or stop them (`following=0`)."""
    proposal = _proposal(request, public_id)
    following = request.POST.get("following") == "1"
    try:
        services.follow_set(actor=request.user, proposal=proposal, following=following)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You will get an e-mail when this proposal passes, fails, is extended or answered.")
            if following
            else _("You will no longer get e-mails about this proposal."),
        )
    return redirect(reverse("proposals:detail", args=[proposal.public_id]) + "#follow")


@login_required
@require_POST
def comment_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Post a comment."""
    proposal = _proposal(request, public_id)
    form = forms.CommentForm(request.POST)
    if response := submit(
        request,
        form,
        lambda data: services.comment_create(
            actor=request.user, proposal=proposal, body=data["body"], address=client_ip(request)
        ),
        then=reverse("proposals:detail", args=[proposal.public_id]) + "#comments",
    ):
        return response
    return _rerender(request, proposal, form_status(request), comment_form=form)


def _comment(proposal: Proposal, comment_id: Any) -> Comment:
    try:
        key = uuid.UUID(str(comment_id))
    except ValueError:
        raise Http404 from None
    comment = proposal.comments.filter(public_id=key).first()
    if comment is None:
        raise Http404
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, public_id: Any, comment_id: Any) -> HttpResponse:
    """The author edits a comment within the edit window."""
    proposal = _proposal(request, public_id)
    comment = _comment(proposal, comment_id)
    if comment.author_id != request.user.pk:
        raise Http404
    form = forms.CommentForm(request.POST or None, initial={"body": comment.body})
    if response := submit(
        request,
        form,
        lambda data: services.comment_edit(actor=request.user, comment=comment, body=data["body"]),
        then=reverse("proposals:detail", args=[proposal.public_id]) + "#comments",
    ):
        return response
    return render(
        request,
        "proposals/comment_edit.html",
        {"form": form, "proposal": proposal, "comment": comment},
        status=form_status(request),
    )


@login_required
@require_POST
def comment_report(request: HttpRequest, public_id: Any, comment_id: Any) -> HttpResponse:
    """Report a comment to the moderators."""
    proposal = _proposal(request, public_id)
    comment = _comment(proposal, comment_id)
    try:
        services.comment_report(
            actor=request.user, comment=comment, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Thank you: the moderators will look at it."))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("proposals:detail", args=[proposal.public_id]) + "#comments")


@login_required
@require_POST
def comment_hide(request: HttpRequest, public_id: Any, comment_id: Any) -> HttpResponse:
    """A moderator hides a comment, naming the ground."""
    if not is_moderator(request.user):
        raise Http404
    proposal = _proposal(request, public_id)
    comment = _comment(proposal, comment_id)
    form = forms.HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the published grounds."))
    else:
        services.comment_hide(
            actor=request.user, comment=comment, ground=form.cleaned_data["ground"]
        )
        messages.success(request, _("The comment is hidden."))
    return redirect(reverse("proposals:detail", args=[proposal.public_id]) + "#comments")


@login_required
@require_POST
def feedback_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Rate the response (proposer and co-signers, during the feedback period)."""
    proposal = _proposal(request, public_id)
    form = forms.FeedbackForm(request.POST)
    if response := submit(
        request,
        form,
        lambda data: services.feedback_create(
            actor=request.user, proposal=proposal, rating=data["rating"], comment=data["comment"]
        ),
        then=reverse("proposals:detail", args=[proposal.public_id]) + "#response",
        done=_("Thank you for your feedback."),
    ):
        return response
    return _rerender(request, proposal, form_status(request), feedback_form=form)


# --- review --------------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The moderation queue: overdue first, each with its working-day deadline."""
    if not is_moderator(request.user):
        raise Http404
    now = clock.now()
    items = list(selectors.review_queue(reviewable_proposals(request.user)))
    cal = selectors.calendar()
    for p in items:
        p.overdue = p.review_due is not None and now > p.review_due
        p.days_left = rules.working_days_left(p.review_due, now, cal) if p.review_due else None
    return render(
        request,
        "proposals/review_queue.html",
        {"items": items, "reported": list(selectors.reported_comments())},
    )


def _decide(actor: Any, proposal: Proposal, data: dict[str, Any]) -> Proposal:
    """The moderator's decision on a proposal under review: publish, ask for changes or
    reject; no agencies named is passed as None."""
    agencies = data["agencies"] or None
    if data["decision"] == "publish":
        return services.proposal_publish(
            actor=actor, proposal=proposal, agencies=agencies, message=data["message"]
        )
    if data["decision"] == "request_changes":
        return services.proposal_request_changes(
            actor=actor, proposal=proposal, message=data["message"], agencies=agencies
        )
    return services.proposal_reject(
        actor=actor, proposal=proposal, grounds=data["grounds"], message=data["message"]
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Publish, ask for changes or reject; change the responsible agencies."""
    proposal = _proposal(request, public_id, reviewable_proposals(request.user))
    current = list(proposal.agencies.values_list("code", flat=True))
    form = forms.ReviewForm(request.POST or None, initial={"agencies": current})
    if response := submit(
        request,
        form,
        lambda data: _decide(request.user, proposal, data),
        then=reverse("proposals:review_queue"),
        done=_("Decision recorded; the proposer is notified."),
    ):
        return response
    if proposal.status == Status.SUBMITTED and request.method == "GET":
        proposal = services.proposal_start_review(actor=request.user, proposal=proposal)
    context = _detail_context(request, proposal)
    context.update({"form": form})
    return render(request, "proposals/review.html", context, status=form_status(request))


@login_required
@require_POST
def agencies_change(request: HttpRequest, public_id: Any) -> HttpResponse:
    """An operator changes the responsible agencies of a published proposal."""
    if not is_moderator(request.user):
        raise Http404
    proposal = _proposal(request, public_id)
    form = forms.AgenciesForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_set_agencies(
                actor=request.user, proposal=proposal, agencies=form.cleaned_data["agencies"]
            )
            messages.success(request, _("The responsible agencies are changed."))
        except ServiceError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Name at least one responsible agency."))
    return redirect("proposals:detail", public_id=proposal.public_id)


# --- responding ----------------------------------------------------------------------------


def _labelled_points(proposal: Proposal, response: Response | None) -> list[Any]:
    """A response's points, each with the label of the part of the proposal it answers."""
    if response is None:
        return []
    labels = dict(forms.part_choices(proposal.content))
    points = list(response.points.all())
    for point in points:
        point.answers_label = labels.get(point.answers, labels[""])
    return points


@login_required
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, public_id: Any) -> HttpResponse:
    """An official of a responsible agency answers, point by point."""
    proposal = _proposal(request, public_id)
    state = selectors.state_of(proposal)
    if not can_answer(request.user, proposal) or state not in rules.AWAITING_STATES:
        raise Http404
    form = forms.ResponseForm(request.POST or None)
    points = forms.PointFormSet(
        request.POST or None,
        prefix="points",
        form_kwargs={"parts": forms.part_choices(proposal.content)},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and points.is_valid():
            filled = [p.cleaned_data for p in points if not p.is_blank()]
            try:
                services.response_publish(
                    actor=request.user,
                    proposal=proposal,
                    summary=form.cleaned_data["summary"],
                    easy_read_summary=form.cleaned_data["easy_read_summary"],
                    points=filled,
                )
            except ServiceError as exc:
                if exc.field and exc.field.startswith("points"):
                    form.add_error(None, str(exc.message))
                else:
                    form.add_service_error(exc)
                status = _status(exc)
            else:
                messages.success(request, _("The response is published."))
                return redirect(
                    reverse("proposals:detail", args=[proposal.public_id]) + "#response"
                )
    return render(
        request,
        "proposals/respond.html",
        {
            "form": form,
            "points": points,
            "proposal": proposal,
            "state": state,
            "paragraphs": rules.content_paragraphs(proposal.content),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Extend the response deadline with a public notice."""
    proposal = _proposal(request, public_id)
    if (
        not can_answer(request.user, proposal)
        or selectors.state_of(proposal) != "awaiting_response"
    ):
        raise Http404
    form = forms.ExtensionForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.extension_create(
            actor=request.user,
            proposal=proposal,
            progress=data["progress"],
            new_due=data["new_due"],
        ),
        then=reverse("proposals:detail", args=[proposal.public_id]),
        done=_("The extension notice is published."),
    ):
        return response
    cal = selectors.calendar()
    return render(
        request,
        "proposals/extend.html",
        {
            "form": form,
            "proposal": proposal,
            "latest": rules.latest_extension_date(proposal.response_due, cal),
            "max_extensions": rules.rules().max_extensions,
        },
        status=form_status(request),
    )


def _may_arrange_meeting(user: Any, proposal: Proposal, meeting: Meeting | None) -> bool:
    """Officials of a responsible agency call a passed proposal's meeting, or change it
    before it starts."""
    if meeting is not None:
        return clock.now() < meeting.starts_at and can_answer(user, proposal)
    return (
        proposal.passed_at is not None
        and rules.rules().collaboration_meeting_cosigners > 0
        and can_answer(user, proposal)
    )


def meeting_call(request: HttpRequest, public_id: Any) -> HttpResponse:
    """An official of a responsible agency calls the collaboration meeting, or changes it."""
    proposal = _proposal(request, public_id)
    meeting = Meeting.objects.filter(proposal=proposal).first()
    if not _may_arrange_meeting(request.user, proposal, meeting):
        raise Http404
    initial = {}
    if meeting is not None:
        initial = {"starts_at": meeting.starts_at.astimezone(clock.local_zone())}
        initial.update(place=meeting.place, details=meeting.details)
    form = forms.MeetingForm(request.POST or None, initial=initial)
    arrange = services.meeting_call if meeting is None else services.meeting_change
    if response := submit(
        request,
        form,
        lambda data: arrange(actor=request.user, proposal=proposal, **data),
        then=reverse("proposals:detail", args=[proposal.public_id]) + "#meeting",
        done=_("The collaboration meeting is called.")
        if meeting is None
        else _("The collaboration meeting is changed."),
    ):
        return response
    return render(
        request,
        "proposals/meeting_call.html",
        {
            "form": form,
            "proposal": proposal,
            "meeting": meeting,
            "seats": meeting.seats if meeting else rules.rules().collaboration_meeting_cosigners,
        },
        status=form_status(request),
    )


@login_required
@require_POST
def meeting_seat(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A co-signer takes a seat at the collaboration meeting."""
    proposal = _proposal(request, public_id)
    try:
        services.meeting_take_seat(actor=request.user, proposal=proposal)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your seat at the collaboration meeting is kept."))
    return redirect(reverse("proposals:detail", args=[proposal.public_id]) + "#meeting")


# --- watch the government (來監督) ----------------------------------------------------------


def watch(request: HttpRequest) -> HttpResponse:
    """How agencies answer: overall and per agency."""
    public = visible_proposals(None)
    overall = selectors.watch_stats(public)
    by_agency = selectors.watch_stats_by_agency(public)
    rows = [
        (agency, by_agency[agency.pk])
        for agency in Agency.objects.filter(active=True, pk__in=list(by_agency))
    ]
    rows.sort(key=lambda r: (-r[1].overdue, -r[1].awaiting, r[0].code))
    return render(request, "proposals/watch.html", {"overall": overall, "rows": rows})


def watch_agency(request: HttpRequest, code: str) -> HttpResponse:
    """One agency: proposals awaiting its answer, overdue, answered."""
    agency = Agency.objects.filter(code=code, active=True).first()
    if agency is None:
        raise Http404
    now = clock.now()
    qs = visible_proposals(None).filter(agencies=agency)
    stats = selectors.watch_stats(qs, now)
    lists = {
        name: list(
            selectors.with_counts(qs.filter(selectors.state_q(name, now))).order_by(
                "response_due", "id"
            )[:100]
        )
        for name in ("overdue", "awaiting_response", "responded")
    }
    return render(
        request,
        "proposals/watch_agency.html",
        {"agency": agency, "stats": stats, "lists": lists, "now": now},
    )


# --- operators -----------------------------------------------------------------------------


@login_required
def bursts(request: HttpRequest) -> HttpResponse:
    """Co-signature bursts from one network (operators)."""
    if not is_moderator(request.user):
        raise Http404
    profile = rules.rules()
    try:
        hours = max(1, min(24 * 30, int(request.GET.get("hours", "24"))))
    except ValueError:
        hours = 24
    since = clock.now() - dt.timedelta(hours=hours)
    rows = selectors.network_bursts(
        since=since,
        minimum=profile.burst_signatures,
        window=dt.timedelta(minutes=profile.burst_window_minutes),
    )
    return render(
        request,
        "proposals/bursts.html",
        {
            "rows": rows,
            "hours": hours,
            "minimum": profile.burst_signatures,
            "window": profile.burst_window_minutes,
        },
    )


def attachment_file(request: HttpRequest, public_id: Any, attachment_id: Any) -> HttpResponse:
    """A proposal's attachment, to those who may see the proposal (a draft's only to its
    proposer; under review also to operators); anyone else gets 404."""
    proposal = _proposal(request, public_id)
    try:
        key = uuid.UUID(str(attachment_id))
    except ValueError:
        raise Http404 from None
    attachment = proposal.attachments.filter(public_id=key).first()
    if attachment is None:
        raise Http404
    return files.file_response(
        attachment.file,
        filename=attachment.name,
        content_type=attachment.content_type,
        public=proposal.status in PUBLIC_STATUSES,
    )
