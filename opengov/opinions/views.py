"""Pages of opinion mapping: the map, voting (one statement at a time, plain forms: no
JavaScript needed), adding statements, turning mapping on, the moderation queue, responses to
consensus statements."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengov.accounts.permissions import active_membership, is_moderator, is_signed_in
from opengov.consultations import selectors as consultation_selectors
from opengov.core.errors import ServiceError
from opengov.core.forms import apply_service_error, form_status, submit

from . import charts, rules, selectors, services
from .forms import (
    BanForm,
    ConversationForm,
    ModerationForm,
    ResponseForm,
    StatementForm,
    VoteForm,
    ground_choices,
)
from .models import Conversation, Participant, Statement
from .permissions import can_manage, can_moderate


def _conversation(request: HttpRequest, public_id: Any) -> tuple[Conversation, Any]:
    conversation = selectors.conversation_by_public_id(public_id)
    if conversation is None:
        raise Http404
    consultation = services.consultation_of(conversation, request.user)
    if consultation is None:
        raise Http404
    return conversation, consultation


def _login(request: HttpRequest) -> HttpResponse:
    return redirect(f"/accounts/login/?next={request.path}")


def map_context(conversation: Conversation, consultation: Any) -> dict[str, Any]:
    """What the map page and the consultation panels show of the latest map."""
    latest = selectors.latest_map(conversation)
    result = latest.result if latest else {}
    numbers = {r["statement"] for g in result.get("groups", []) for r in g["representative"]}
    statements = selectors.statements_by_number(conversation, sorted(numbers))
    groups = []
    for g in result.get("groups", []):
        groups.append(
            {
                **g,
                "label": charts.group_label(g["id"]),
                "mark": mark_safe(charts.legend_svg(g["id"])),
                "reps": [
                    {
                        **r,
                        "text": statements[r["statement"]].text
                        if r["statement"] in statements
                        else "",
                    }
                    for r in g["representative"]
                ],
            }
        )
    consensus = selectors.consensus_with_responses(conversation)
    for c in consensus:
        c["by_group_labelled"] = [
            (charts.group_label(i), round(p * 100)) for i, p in enumerate(c["by_group"])
        ]
        c["interval_pct"] = [round(c["interval"][0] * 100, 1), round(c["interval"][1] * 100, 1)]
    return {
        "conversation": conversation,
        "consultation": consultation,
        "map": latest,
        "result": result,
        "svg": mark_safe(
            charts.map_svg(result, title=_("Opinion map: %(t)s") % {"t": conversation.topic})
        )
        if result
        else "",
        "groups": groups,
        "consensus": consensus,
    }


def map_page(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The latest map: SVG, groups with their representative statements, consensus statements
    with the agency's responses, how to check it."""
    conversation, consultation = _conversation(request, public_id)
    context = map_context(conversation, consultation)
    context |= {
        "manager": can_manage(request.user, consultation),
        "moderator": can_moderate(request.user, consultation),
        "statements": list(selectors.shown_statements(conversation)),
        "response_form": ResponseForm(),
        "to_place": rules.section().min_votes_to_place,
        "pending": selectors.pending_statements(conversation).count()
        if can_moderate(request.user, consultation)
        else 0,
    }
    return render(request, "opinions/map.html", context)


def vote_page(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One statement at a time with agree / disagree / pass buttons, and a form to add one."""
    conversation, consultation = _conversation(request, public_id)
    vote_form = VoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_signed_in(request.user):
            return _login(request)
        if vote_form.is_valid():
            try:
                services.vote_cast(
                    actor=request.user,
                    conversation=conversation,
                    statement_number=vote_form.cleaned_data["statement"],
                    value=vote_form.cleaned_data["value"],
                )
            except ServiceError as exc:
                apply_service_error(vote_form, exc, vote_form.field_aliases)
            else:
                return redirect(request.path)
    participant = selectors.participant_for(conversation, request.user)
    current = None
    if is_signed_in(request.user):
        pseudonym = rules.pseudonym(
            settings.ID_HASH_KEY, str(conversation.public_id), request.user.pk
        )
        current = selectors.next_statement(conversation, participant, pseudonym=pseudonym)
    shown = selectors.shown_statements(conversation).count()
    voted = len(selectors.my_votes(conversation, participant))
    return render(
        request,
        "opinions/vote.html",
        {
            "conversation": conversation,
            "consultation": consultation,
            "statement": current,
            "vote_form": vote_form,
            "statement_form": StatementForm(),
            "shown": shown,
            "voted": voted,
            "to_place": rules.votes_to_place(shown),
            "participant": participant,
            "open": consultation.state == "open" and not conversation.is_closed,
        },
        status=form_status(request) if request.method == "POST" else 200,
    )


def statement_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A participant adds a statement (shown after moderation)."""
    conversation, consultation = _conversation(request, public_id)
    if not is_signed_in(request.user):
        return _login(request)
    form = StatementForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.statement_submit(
            actor=request.user, conversation=conversation, text=data["text"]
        ),
        then=reverse("opinions:vote", args=[conversation.public_id]),
        done=_("Thank you: your statement is shown once a moderator has read it."),
    ):
        return response
    return render(
        request,
        "opinions/statement_form.html",
        {"conversation": conversation, "consultation": consultation, "form": form},
        status=form_status(request),
    )


def conversation_new(request: HttpRequest, consultation_id: Any) -> HttpResponse:
    """Officials of the consultation's agency turn opinion mapping on."""
    if not is_signed_in(request.user):
        return _login(request)
    consultation = consultation_selectors.consultation_by_public_id(
        consultation_id, user=request.user
    )
    if consultation is None or not can_manage(request.user, consultation):
        raise Http404
    articles = list(consultation_selectors.consultation_articles(consultation))
    form = ConversationForm(request.POST or None, articles=articles)
    if response := submit(
        request,
        form,
        lambda data: services.conversation_start(
            actor=request.user, consultation=consultation, **data
        ),
        then=lambda c: reverse("opinions:map", args=[c.public_id]),
        done=_("Opinion mapping is on."),
    ):
        return response
    return render(
        request,
        "opinions/conversation_form.html",
        {"consultation": consultation, "form": form},
        status=form_status(request),
    )


@require_POST
def conversation_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Officials close the conversation."""
    conversation, consultation = _conversation(request, public_id)
    if not can_manage(request.user, consultation):
        raise Http404
    try:
        services.conversation_close(actor=request.user, conversation=conversation)
        messages.success(request, _("Opinion mapping is closed; the map stays published."))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    return redirect("opinions:map", public_id=conversation.public_id)


def seed_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Officials add a seed statement."""
    conversation, consultation = _conversation(request, public_id)
    if not can_manage(request.user, consultation):
        raise Http404
    form = StatementForm(request.POST or None)
    form.fields["text"].label = _("Seed statement")
    if response := submit(
        request,
        form,
        lambda data: services.seed_statement_add(
            actor=request.user, conversation=conversation, text=data["text"]
        ),
        then=reverse("opinions:map", args=[conversation.public_id]),
        done=_("The statement is shown."),
    ):
        return response
    return render(
        request,
        "opinions/statement_form.html",
        {"conversation": conversation, "consultation": consultation, "form": form, "seed": True},
        status=form_status(request),
    )


def moderation(request: HttpRequest) -> HttpResponse:
    """The queue of statements awaiting moderation that this person may moderate."""
    if not is_signed_in(request.user):
        return _login(request)
    items = []
    seen: dict[int, Any] = {}
    for statement in selectors.pending_statements():
        if statement.conversation_id not in seen:
            seen[statement.conversation_id] = services.consultation_of(
                statement.conversation, request.user
            )
        consultation = seen[statement.conversation_id]
        if consultation is not None and can_moderate(request.user, consultation):
            items.append({"statement": statement, "consultation": consultation})
    if not items and not is_moderator(request.user) and active_membership(request.user) is None:
        raise Http404
    return render(
        request,
        "opinions/moderation.html",
        {"items": items, "form": ModerationForm(), "grounds": ground_choices()},
    )


@require_POST
def statement_moderate(request: HttpRequest, statement_id: Any) -> HttpResponse:
    """Show a statement or not (a moderator or the agency's official)."""
    if not is_signed_in(request.user):
        raise Http404
    try:
        statement = Statement.objects.select_related("conversation").get(public_id=statement_id)
    except (Statement.DoesNotExist, ValueError):
        raise Http404 from None
    consultation = services.consultation_of(statement.conversation, request.user)
    if consultation is None or not can_moderate(request.user, consultation):
        raise Http404
    form = ModerationForm(request.POST)
    if form.is_valid():
        try:
            services.statement_moderate(
                actor=request.user,
                statement=statement,
                accept=form.cleaned_data["action"] == "accept",
                ground=form.cleaned_data["ground"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Done."))
        except ServiceError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Choose whether to show the statement."))
    return redirect(request.POST.get("next") or reverse("opinions:moderation"))


def consensus_respond(request: HttpRequest, public_id: Any, number: int) -> HttpResponse:
    """Officials respond to a consensus statement."""
    conversation, consultation = _conversation(request, public_id)
    if not can_manage(request.user, consultation):
        raise Http404
    statement = Statement.objects.filter(conversation=conversation, number=number).first()
    if statement is None:
        raise Http404
    form = ResponseForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.consensus_respond(actor=request.user, statement=statement, **data),
        then=reverse("opinions:map", args=[conversation.public_id]) + f"#s-{number}",
        done=_("The response is published."),
    ):
        return response
    return render(
        request,
        "opinions/respond.html",
        {
            "conversation": conversation,
            "consultation": consultation,
            "statement": statement,
            "form": form,
        },
        status=form_status(request),
    )


def participant_ban(request: HttpRequest, public_id: Any, pseudonym: str) -> HttpResponse:
    """A moderator bans a participant (named by pseudonym, as on the map and in open data)."""
    conversation, consultation = _conversation(request, public_id)
    if not is_moderator(request.user):
        raise Http404
    participant = Participant.objects.filter(conversation=conversation, pseudonym=pseudonym).first()
    if participant is None:
        raise Http404
    form = BanForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.participant_ban(
            actor=request.user, participant=participant, ground=data["ground"]
        ),
        then=reverse("opinions:map", args=[conversation.public_id]),
        done=_("The participant is banned; their votes leave the next map."),
    ):
        return response
    return render(
        request,
        "opinions/ban.html",
        {
            "conversation": conversation,
            "consultation": consultation,
            "participant": participant,
            "form": form,
        },
        status=form_status(request),
    )
