"""Pages of consultations: server-rendered, usable without JavaScript and on a phone."""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengov.accounts.permissions import agencies_acted_for, is_signed_in
from opengov.accounts.selectors import active_agencies
from opengov.core import clock, csvsafe, files
from opengov.core.clientip import client_ip
from opengov.core.errors import ServiceError
from opengov.core.forms import apply_service_error, form_status, mark_refused, submit
from opengov.core.services import decode_upload

from . import rules, selectors, services
from .exporting import COMMENT_COLUMNS, comment_rows, consultation_document
from .forms import (
    ArticleForm,
    AttachmentForm,
    CommentForm,
    ConsultationForm,
    FinalTextForm,
    HideForm,
    ImportForm,
    OpenConsultationForm,
    ReportCommentForm,
    ReportForm,
    ResponseForm,
    TranslationForm,
    ground_label,
)
from .models import Article, Comment, CommentResponse, Consultation, Kind, State
from .permissions import can_manage, can_moderate, managed_consultations

COMMENTS_PER_PAGE = 50
ARTICLES_CACHE_SECONDS = 3600


def _consultation(request: HttpRequest, public_id: Any) -> Consultation:
    consultation = selectors.consultation_by_public_id(public_id, user=request.user)
    if consultation is None:
        raise Http404
    return consultation


def _managed(request: HttpRequest, public_id: Any) -> Consultation:
    consultation = _consultation(request, public_id)
    if not can_manage(request.user, consultation):
        raise Http404
    return consultation


def _article(consultation: Consultation, position: int) -> Article:
    article = Article.objects.filter(consultation=consultation, position=position).first()
    if article is None:
        raise Http404
    article.consultation = consultation
    return article


def _comment(consultation: Consultation, comment_id: Any) -> Comment:
    comment = (
        Comment.objects.select_related("article", "author")
        .filter(consultation=consultation, public_id=comment_id)
        .first()
    )
    if comment is None:
        raise Http404
    comment.consultation = consultation
    return comment


def _page(request: HttpRequest, qs: Any, per_page: int = COMMENTS_PER_PAGE) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _may_comment(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    user = request.user
    state = consultation.state
    return {
        "comment_open": state == State.OPEN,
        "may_comment": state == State.OPEN
        and is_signed_in(user)
        and user.has_level(rules.comment_level()),
        "needs_level": state == State.OPEN
        and is_signed_in(user)
        and not user.has_level(rules.comment_level()),
    }


def _prepare_articles(consultation: Consultation, articles: list[Article]) -> list[Article]:
    """Give each article its link, counts text and amendment badge, so that the template's
    loop over a few hundred articles stays cheap."""
    base = reverse("consultations:detail", kwargs={"public_id": consultation.public_id})
    for article in articles:
        article.consultation = consultation
        article.url = f"{base}articles/{article.position}/"
        article.counts_text = _counts_text(article)
        if not consultation.is_amendment:
            article.badge = None
        elif article.is_deletion:
            article.badge = ("danger", _("Deleted"))
        elif article.is_new:
            article.badge = ("ok", _("New"))
        else:
            article.badge = ("", _("Amended"))
    return articles


def _articles_html(request: HttpRequest, consultation: Consultation, manager: bool) -> str:
    """The article list with its counts. Once published the text is fixed, so the rendered
    list is cached until a count changes (`counts_version`), per language."""
    state = consultation.state
    key = f"consultations:articles:{consultation.pk}:{get_language()}:{consultation.counts_version}"
    cacheable = state != State.DRAFT
    if cacheable:
        html = cache.get(key)
        if html is not None:
            return html
    articles = _prepare_articles(consultation, list(selectors.consultation_articles(consultation)))
    html = render_to_string(
        "consultations/_articles.html",
        {
            "consultation": consultation,
            "articles": articles,
            "edit_articles": manager and state == State.DRAFT,
        },
    )
    if cacheable:
        cache.set(key, html, ARTICLES_CACHE_SECONDS)
    return html


def _counts_text(article: Article) -> str:
    comments = ngettext("%(n)d comment", "%(n)d comments", article.comment_count) % {
        "n": article.comment_count
    }
    return _("%(comments)s · support %(s)d · oppose %(o)d · suggestions %(g)d") % {
        "comments": comments,
        "s": article.support_count,
        "o": article.oppose_count,
        "g": article.suggestion_count,
    }


def _decorate(comments: Any, user: Any, consultation: Consultation) -> list[Comment]:
    """Mark which comments the viewer may still edit, label hidden ones, and give each the
    agency's decision as the viewer may see it (`decision`, from the one selector)."""
    now = clock.now()
    rows = list(comments)
    decisions = selectors.decisions_visible(consultation, user)
    for comment in rows:
        comment.decision = selectors.visible_response(comment, decisions=decisions)
        comment.editable = (
            is_signed_in(user)
            and comment.author_id == user.pk
            and not comment.is_hidden
            and comment.response_id is None
            and rules.comment_editable(comment.created_at, now)
        )
        comment.ground_label = ground_label(comment.hidden_ground) if comment.is_hidden else ""
    return rows


# --- finding ---------------------------------------------------------------------------------


def consultation_list(request: HttpRequest) -> HttpResponse:
    """Open, closed and reported consultations, with filters and search."""
    state = request.GET.get("state") or State.OPEN
    if state not in (State.OPEN, State.CLOSED, State.REPORTED, "all"):
        state = State.OPEN
    kind = request.GET.get("kind") or ""
    if kind not in Kind.values:
        kind = ""
    agency = (request.GET.get("agency") or "").strip()
    q = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.consultation_list(
        user=request.user,
        state=None if state == "all" else state,
        agency_code=agency or None,
        kind=kind or None,
        q=q or None,
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/list.html",
        {
            "page": page,
            "state": state,
            "kind": kind,
            "agency": agency,
            "q": q,
            "kinds": Kind.choices,
            "agencies": active_agencies(),
            "query": query.urlencode(),
            "states": [
                (State.OPEN, _("Open")),
                (State.CLOSED, _("Closed")),
                (State.REPORTED, _("Reported")),
                ("all", _("All")),
            ],
            "is_official": agencies_acted_for(request.user).exists(),
        },
    )


def mine(request: HttpRequest) -> HttpResponse:
    """The official's agency's consultations, drafts included."""
    if not is_signed_in(request.user):
        return redirect(f"/accounts/login/?next={request.path}")
    qs = managed_consultations(request.user).order_by("-created_at", "-id")
    return render(request, "consultations/mine.html", {"page": _page(request, qs, 30)})


# --- creating and editing --------------------------------------------------------------------


def consultation_new(request: HttpRequest) -> HttpResponse:
    """Officials open a consultation for their agency."""
    agencies = list(agencies_acted_for(request.user))
    if not agencies:
        raise Http404
    form = ConsultationForm(request.POST or None, agencies=agencies)

    def create(data: dict[str, Any]) -> Consultation:
        """Open the consultation for the agency chosen on the form."""
        agency = next(a for a in agencies if a.code == data.pop("agency"))
        return services.consultation_create(actor=request.user, agency=agency, **data)

    if response := submit(
        request,
        form,
        create,
        then=lambda consultation: reverse("consultations:detail", args=[consultation.public_id]),
        done=_("Saved. Add the articles, then publish."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {"form": form, "heading": _("New consultation")},
        status=form_status(request),
    )


def consultation_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Edit before publication (everything) or while open (contact, a later last day)."""
    consultation = _managed(request, public_id)
    draft = consultation.state == State.DRAFT
    if consultation.state not in (State.DRAFT, State.OPEN):
        raise Http404
    initial = {name: getattr(consultation, name) for name in services.EDITABLE_BEFORE_PUBLICATION}
    form_class = ConsultationForm if draft else OpenConsultationForm
    kwargs = {"editing": True} if draft else {}
    form = form_class(request.POST or None, initial=initial, **kwargs)

    def update(data: dict[str, Any]) -> None:
        """Save the fields that differ from what the consultation has (a cleared last day
        is left as it is)."""
        changes = {k: v for k, v in data.items() if v != initial.get(k)}
        if changes.get("closes_on", 0) is None:
            changes.pop("closes_on")
        services.consultation_update(actor=request.user, consultation=consultation, **changes)

    if response := submit(
        request,
        form,
        update,
        then=reverse("consultations:detail", args=[consultation.public_id]),
        done=_("Saved."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {"form": form, "heading": _("Edit consultation"), "consultation": consultation},
        status=form_status(request),
    )


@require_POST
def consultation_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Publish the draft: comments open now."""
    consultation = _managed(request, public_id)
    try:
        services.consultation_publish(actor=request.user, consultation=consultation)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Published. Comments are open."))
    return redirect("consultations:detail", public_id=consultation.public_id)


def article_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Type in an article."""
    consultation = _managed(request, public_id)
    form = ArticleForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.article_add(actor=request.user, consultation=consultation, **data),
        then=reverse("consultations:detail", args=[consultation.public_id]),
        done=_("Article added."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {"form": form, "heading": _("Add an article"), "consultation": consultation},
        status=form_status(request),
    )


def article_edit(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    """Change or delete an article before publication."""
    consultation = _managed(request, public_id)
    article = _article(consultation, position)
    initial = {
        f: getattr(article, f) for f in ("label", "chapter", "text", "current_text", "explanation")
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.article_delete(actor=request.user, article=article)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Article removed."))
        return redirect("consultations:detail", public_id=consultation.public_id)
    if response := submit(
        request,
        form,
        lambda data: services.article_update(actor=request.user, article=article, **data),
        then=reverse("consultations:detail", args=[consultation.public_id]),
        done=_("Saved."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "heading": _("Edit %(label)s") % {"label": article.label},
            "consultation": consultation,
            "delete_button": True,
        },
        status=form_status(request),
    )


def _accepted_lines(value: str) -> list[int]:
    """The line numbers of the confirmation checkbox ("3,5,9"); anything else is ignored."""
    return [int(part) for part in value.split(",") if part.strip().isdigit()]


def articles_import(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Import the articles from a file: parse, show for confirmation, then replace.

    All or nothing: when some lines cannot be placed, the page lists them and the import
    goes ahead only if the official ticks that those lines are left out."""
    consultation = _managed(request, public_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    text = ""
    refusal = ""
    if request.method == "POST" and "confirm" in request.POST:
        text = request.POST.get("draft", "")
        try:
            result = services.articles_import(
                actor=request.user,
                consultation=consultation,
                data=text,
                accept_unplaced=_accepted_lines(request.POST.get("accept_unplaced", "")),
            )
        except ServiceError as exc:
            refusal = str(exc.message)
            try:
                result = services.draft_parse(text)
            except ServiceError:
                result, text = None, ""
                messages.error(request, refusal)
            mark_refused(request, exc)
        else:
            messages.success(request, _("%(n)d articles imported.") % {"n": len(result.articles)})
            return redirect("consultations:detail", public_id=consultation.public_id)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        data: bytes | str = upload.read() if upload else form.cleaned_data.get("text") or ""
        if not data:
            form.add_error("file", _("Choose a file or paste the draft."))
        else:
            try:
                result = services.draft_parse(data)
            except ServiceError as exc:
                apply_service_error(form, exc)
                mark_refused(request, exc)
            else:
                text = data if isinstance(data, str) else decode_upload(data)
    return render(
        request,
        "consultations/import.html",
        {
            "form": form,
            "consultation": consultation,
            "result": result,
            "draft_text": text,
            "refusal": refusal,
            "unplaced_lines": ",".join(str(u.line) for u in result.unplaced) if result else "",
        },
        status=form_status(request, form),
    )


def attachment_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Attach a document."""
    consultation = _managed(request, public_id)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if response := submit(
        request,
        form,
        lambda data: services.attachment_add(actor=request.user, consultation=consultation, **data),
        then=reverse("consultations:detail", args=[consultation.public_id]),
        done=_("Attachment added."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "heading": _("Add an attachment"),
            "consultation": consultation,
            "multipart": True,
        },
        status=form_status(request),
    )


def attachment_file(request: HttpRequest, public_id: Any, attachment_id: Any) -> HttpResponse:
    """An attachment, to those who may see the consultation (a draft's only to the officials
    of its agency); anyone else gets 404."""
    consultation = _consultation(request, public_id)
    attachment = consultation.attachments.filter(public_id=attachment_id).first()
    if attachment is None:
        raise Http404
    return files.file_response(
        attachment.file,
        filename=attachment.original_name or attachment.title,
        public=consultation.state != State.DRAFT,
    )


# --- reading and commenting ------------------------------------------------------------------


def _post_comment(
    request: HttpRequest, consultation: Consultation, article: Article | None
) -> tuple[CommentForm, bool]:
    form = CommentForm(request.POST or None)
    if request.method != "POST":
        return form, False
    if not is_signed_in(request.user):
        form.add_error(None, _("Please sign in first."))
        return form, False
    if form.is_valid():
        try:
            services.comment_create(
                actor=request.user,
                consultation=consultation,
                article=article,
                address=client_ip(request),
                **form.cleaned_data,
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            mark_refused(request, exc)
        else:
            messages.success(request, _("Thank you: your comment is published."))
            return form, True
    return form, False


def consultation_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The consultation: notice, articles with their comment counts, whole-text comments."""
    consultation = _consultation(request, public_id)
    form, posted = _post_comment(request, consultation, None)
    if posted:
        return redirect(
            request.path + "?page=last#comments" if request.GET.get("page") else request.path
        )
    manager = can_manage(request.user, consultation)
    comments = selectors.consultation_comments(consultation, article=selectors.WHOLE_TEXT)
    page = _page(request, comments)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "state": consultation.state,
            "articles_html": _articles_html(request, consultation, manager),
            "attachments": list(consultation.attachments.all()),
            "page": page,
            "comments": _decorate(page.object_list, request.user, consultation),
            "form": form,
            "manager": manager,
            "moderator": can_moderate(request.user),
            **_may_comment(request, consultation),
        },
        status=form_status(request),
    )


def article_detail(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    """One article: proposed text (beside the current text for amendments) and its comments."""
    consultation = _consultation(request, public_id)
    article = _article(consultation, position)
    form, posted = _post_comment(request, consultation, article)
    if posted:
        return redirect(request.path)
    page = _page(request, selectors.consultation_comments(consultation, article=article))
    return render(
        request,
        "consultations/article.html",
        {
            "consultation": consultation,
            "state": consultation.state,
            "article": article,
            "counts_text": _counts_text(article),
            "page": page,
            "comments": _decorate(page.object_list, request.user, consultation),
            "form": form,
            "manager": can_manage(request.user, consultation),
            "moderator": can_moderate(request.user),
            "previous": position - 1 if position > 1 else None,
            "following": position + 1
            if Article.objects.filter(consultation=consultation, position=position + 1).exists()
            else None,
            **_may_comment(request, consultation),
        },
        status=form_status(request),
    )


def _back(comment: Comment) -> str:
    consultation = comment.consultation
    if comment.article_id:
        return f"/consultations/{consultation.public_id}/articles/{comment.article.position}/"
    return f"/consultations/{consultation.public_id}/"


def comment_edit(request: HttpRequest, public_id: Any, comment_id: Any) -> HttpResponse:
    """The author edits a comment within the edit window."""
    consultation = _consultation(request, public_id)
    comment = _comment(consultation, comment_id)
    if not is_signed_in(request.user) or comment.author_id != request.user.pk:
        raise Http404
    form = CommentForm(
        request.POST or None, initial={"stance": comment.stance, "body": comment.body}
    )
    if response := submit(
        request,
        form,
        lambda data: services.comment_update(actor=request.user, comment=comment, **data),
        then=_back(comment),
        done=_("Your comment is updated."),
    ):
        return response
    deadline = rules.comment_edit_deadline(comment.created_at)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "heading": _("Edit your comment"),
            "consultation": consultation,
            "intro": _("You can edit until %(time)s.")
            % {"time": deadline.astimezone(clock.local_zone()).strftime("%Y-%m-%d %H:%M")},
        },
        status=form_status(request),
    )


def comment_report(request: HttpRequest, public_id: Any, comment_id: Any) -> HttpResponse:
    """Report a comment to the moderators."""
    consultation = _consultation(request, public_id)
    comment = _comment(consultation, comment_id)
    if comment.is_hidden:
        raise Http404  # already dealt with; its text is not shown again
    if not is_signed_in(request.user):
        return redirect(f"/accounts/login/?next={request.path}")
    form = ReportCommentForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.comment_report(actor=request.user, comment=comment, **data),
        then=_back(comment),
        done=_("Thank you. The moderators will look at it."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "heading": _("Report a comment"),
            "consultation": consultation,
            "quote": comment,
        },
        status=form_status(request),
    )


def comment_hide(request: HttpRequest, public_id: Any, comment_id: Any) -> HttpResponse:
    """Moderators hide a comment on a published ground, or restore it."""
    if not can_moderate(request.user):
        raise Http404
    consultation = _consultation(request, public_id)
    comment = _comment(consultation, comment_id)
    if request.method == "POST" and "restore" in request.POST:
        try:
            services.comment_unhide(actor=request.user, comment=comment)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        return redirect(_back(comment))
    if request.method == "POST" and "dismiss" in request.POST:
        services.reports_dismiss(actor=request.user, comment=comment)
        messages.success(request, _("Reports dismissed."))
        return redirect("consultations:moderation")
    form = HideForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.comment_hide(actor=request.user, comment=comment, **data),
        then=_back(comment),
        done=_("The comment is hidden; the ground is shown in its place."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "heading": _("Hide a comment"),
            "consultation": consultation,
            "quote": comment,
            "reports": selectors.open_reports(comment),
        },
        status=form_status(request),
    )


def moderation(request: HttpRequest) -> HttpResponse:
    """Reported comments, for moderators."""
    if not can_moderate(request.user):
        raise Http404
    page = _page(request, selectors.reported_comments())
    return render(request, "consultations/moderation.html", {"page": page})


# --- handling and the report -----------------------------------------------------------------


def handle(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Officials give decisions to comments, one by one or as a group, after the period."""
    consultation = _managed(request, public_id)
    form = ResponseForm(request.POST or None)
    if request.method == "POST":
        ids = request.POST.getlist("comments")
        chosen = list(Comment.objects.filter(consultation=consultation, public_id__in=_uuids(ids)))
        if form.is_valid():
            try:
                services.comments_respond(
                    actor=request.user,
                    consultation=consultation,
                    comments=chosen,
                    **form.cleaned_data,
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                mark_refused(request, exc)
                if exc.field == "comments":
                    messages.error(request, str(exc.message))
            else:
                messages.success(request, _("%(n)d comments answered.") % {"n": len(chosen)})
                return redirect(request.path)
    show = request.GET.get("show") or "unhandled"
    qs = (
        selectors.unhandled_comments(consultation)
        if show == "unhandled"
        else selectors.consultation_comments(consultation, include_hidden=False)
    )
    page = _page(request, qs, 100)
    return render(
        request,
        "consultations/handle.html",
        {
            "consultation": consultation,
            "state": consultation.state,
            "form": form,
            "page": page,
            "show": show,
            "summary": selectors.report_summary(consultation),
            "articles": list(selectors.consultation_articles(consultation)),
            "report_form": ReportForm(),
        },
        status=form_status(request),
    )


def _uuids(values: list[str]) -> list[str]:
    """The well-formed UUIDs among submitted values (others are ignored)."""
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return out


def response_edit(request: HttpRequest, public_id: Any, response_id: Any) -> HttpResponse:
    """Change a decision before the report is published."""
    consultation = _managed(request, public_id)
    response = CommentResponse.objects.filter(
        consultation=consultation, public_id=response_id
    ).first()
    if response is None:
        raise Http404
    form = ResponseForm(
        request.POST or None, initial={"decision": response.decision, "reason": response.reason}
    )
    if redirect_response := submit(
        request,
        form,
        lambda data: services.response_update(actor=request.user, response=response, **data),
        then=reverse("consultations:report", args=[consultation.public_id]),
        done=_("Saved."),
    ):
        return redirect_response
    return render(
        request,
        "consultations/form.html",
        {"form": form, "heading": _("Change a decision"), "consultation": consultation},
        status=form_status(request),
    )


def article_final(request: HttpRequest, public_id: Any, position: int) -> HttpResponse:
    """Record the final text of one article."""
    consultation = _managed(request, public_id)
    article = _article(consultation, position)
    form = FinalTextForm(
        request.POST or None,
        initial={
            "final_status": article.final_status,
            "final_text": article.final_text or article.text,
        },
    )
    if response := submit(
        request,
        form,
        lambda data: services.article_set_final(
            actor=request.user,
            article=article,
            status=data["final_status"],
            text=data["final_text"],
        ),
        then=reverse("consultations:handle", args=[consultation.public_id]),
        done=_("Saved."),
    ):
        return response
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "heading": _("Final text of %(label)s") % {"label": article.label},
            "consultation": consultation,
            "article_text": article.text,
        },
        status=form_status(request),
    )


def report(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The response report: every comment's decision and reason, and the final text.

    Public once published; before that, the owning agency's officials see the preview and
    publish it from here.
    """
    consultation = _consultation(request, public_id)
    manager = can_manage(request.user, consultation)
    if consultation.report_published_at is None and not manager:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and not manager:
        raise Http404
    if response := submit(
        request,
        form,
        lambda data: services.report_publish(actor=request.user, consultation=consultation, **data),
        then=request.path,
        done=_("The report is published; participants are told."),
    ):
        return response
    return render(
        request,
        "consultations/report.html",
        {
            "consultation": consultation,
            "state": consultation.state,
            "responses": selectors.consultation_report(consultation),
            "summary": selectors.report_summary(consultation),
            "articles": list(selectors.consultation_articles(consultation)),
            "manager": manager,
            "form": form,
        },
        status=form_status(request),
    )


# --- exports ---------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def comments_csv(request: HttpRequest, public_id: Any) -> StreamingHttpResponse:
    """Every comment with its decision (display names only), streamed.

    Meant for spreadsheet programs (it starts with a BOM), so cells that would start a
    formula are made inert (`core.csvsafe`)."""
    consultation = _consultation(request, public_id)
    writer = csv.DictWriter(_Echo(), fieldnames=COMMENT_COLUMNS)

    def lines() -> Any:
        yield csvsafe.BOM_TEXT + writer.writeheader()
        for row in comment_rows(consultation, viewer=request.user):
            yield writer.writerow(csvsafe.spreadsheet_dict(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.public_id}-comments.csv"'
    )
    return response


def consultation_json(request: HttpRequest, public_id: Any) -> JsonResponse:
    """The whole consultation as JSON: notice, articles, comments, report."""
    consultation = _consultation(request, public_id)
    return JsonResponse(
        consultation_document(consultation, viewer=request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


def consultation_translate(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Officials who may edit the consultation give its title, summary and easy-read summary
    in another shipped language (an empty field shows the original)."""
    from opengov.core.services import content_translation_set
    from opengov.core.translations import (
        original_language,
        translation_languages,
        translations_of,
    )

    from .apps import TRANSLATABLE_FIELDS

    consultation = _managed(request, public_id)
    languages = translation_languages()
    existing = translations_of(consultation)
    chosen = request.POST.get("language") or request.GET.get("language") or languages[0][0]
    initial = {"language": chosen, **existing.get(chosen, {})}
    form = TranslationForm(request.POST or None, initial=initial, languages=languages)

    def save(data: dict[str, Any]) -> None:
        """Save each field that changed (an emptied field removes its translation)."""
        before = existing.get(data["language"], {})
        for name in TRANSLATABLE_FIELDS:
            if (data.get(name) or "").strip() != before.get(name, ""):
                content_translation_set(
                    actor=request.user,
                    obj=consultation,
                    field=name,
                    language=data["language"],
                    text=data.get(name) or "",
                )

    if response := submit(
        request,
        form,
        save,
        then=reverse("consultations:detail", args=[consultation.public_id]),
        done=_("Saved."),
    ):
        return response
    return render(
        request,
        "consultations/translate.html",
        {
            "form": form,
            "consultation": consultation,
            "languages": languages,
            "existing": existing,
            "chosen": chosen,
            "original": original_language(),
        },
        status=form_status(request),
    )
