"""Pages of the core: home, health check, rules in force, public activity, outbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import audit, clock, services
from .errors import ServiceError
from .home import sections_for
from .jurisdiction import jurisdiction, sources
from .models import OutboundMessage
from .roles import is_operator
from .selectors import outbox_body, outbox_messages, public_audit_events
from .worklist import entries_for as worklist_entries
from .worklist import forget_count as forget_worklist_count
from .worklist import registered_sources as registered_worklist_sources


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what each app has to show now (open proposals, consultations, ...)."""
    return render(
        request, "core/home.html", {"rules": jurisdiction(), "sections": sections_for(request)}
    )


def rules(request: HttpRequest) -> HttpResponse:
    """Every legal number in force, with its source: what the platform promises."""
    profile = jurisdiction()
    return render(request, "core/rules.html", {"profile": profile, "rows": sources(profile)})


def public_activity(request: HttpRequest) -> HttpResponse:
    """The public action log: what officials and operators did, newest first."""
    verb = request.GET.get("verb", "")
    verb = audit.current_verb(verb) if audit.is_known(verb) else ""
    page = Paginator(public_audit_events(verb), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/activity.html",
        {"page": page, "verb": verb, "verbs": list(audit.verbs())},
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, and when configured Redis (cache) and the job broker: 200 if all answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            cache.set("healthz", clock.now().isoformat(), 10)
            checks["redis"] = "ok" if cache.get("healthz") else "error: no value"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    if not settings.JOBS_IN_PROCESS:
        try:
            from opengov.celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {exc.__class__.__name__}"
    else:
        checks["jobs"] = "in-process"
    healthy = all(v in ("ok", "in-process") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def outbox(request: HttpRequest) -> HttpResponse:
    """Messages written by the outbox e-mail and SMS senders.

    Operators see every message, but a one-time code or link only in their own; in development
    (DEBUG with the outbox backend) a signed-in person sees the messages sent to them, so
    someone trying the demo can read their confirmation codes. Nobody else's code or reset
    link is ever on this page: read those with `opengov show_outbox` on the server.
    """
    dev_open = settings.DEBUG and settings.EMAIL_URL.startswith("outbox")
    operator = is_operator(request.user)
    if not (operator or dev_open):
        return not_found(request, None)
    recipient = (request.GET.get("to") or "").strip()
    status = request.GET.get("status") or ""
    if status not in OutboundMessage.Status.values:
        status = ""
    messages_qs = outbox_messages(
        recipient=recipient or None, viewer=request.user, everyone=operator
    )
    if status:
        messages_qs = messages_qs.filter(status=status)
    page = Paginator(messages_qs, 25).get_page(request.GET.get("page"))
    rows = [(m, outbox_body(request.user, m)) for m in page]
    response = render(
        request,
        "core/outbox.html",
        {
            "page": page,
            "rows": rows,
            "recipient": recipient,
            "status": status,
            "statuses": OutboundMessage.Status.choices,
            "failed_count": outbox_messages(everyone=True)
            .filter(status=OutboundMessage.Status.FAILED)
            .count()
            if operator
            else 0,
            "dev_open": dev_open,
            "operator": operator,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed message (a dead letter) again (operators)."""
    message = OutboundMessage.objects.filter(pk=pk).first()
    if message is None or not is_operator(request.user):
        return not_found(request, None)
    try:
        services.outbox_retry(actor=request.user, message=message)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect(f"{reverse('outbox')}?status={OutboundMessage.Status.FAILED}")


def not_found(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    """The 404 page (also what a forbidden object looks like)."""
    return render(request, "404.html", status=404)


@login_required
@never_cache
def worklist(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the signed-in official's agency (or operator), by deadline."""
    entries = worklist_entries(request.user)
    forget_worklist_count(request.user)
    overdue = sum(1 for e in entries if e.overdue)
    return render(
        request,
        "core/worklist.html",
        {"entries": entries, "overdue": overdue, "sources": registered_worklist_sources()},
    )


@csrf_exempt
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Choose the display language (Django's `set_language`), without a CSRF token: an
    anonymous page carries no token, so that a shared cache may keep it; choosing a language
    changes nothing but how pages read, and sets only the language cookie."""
    return i18n_views.set_language(request)
