"""Pages of the core: home, health check, rules in force, public activity, outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import clock
from .home import sections_for
from .jurisdiction import jurisdiction, sources
from .roles import is_operator
from .selectors import outbox_messages, public_audit_events


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
    page = Paginator(public_audit_events(), 50).get_page(request.GET.get("page"))
    return render(request, "core/activity.html", {"page": page})


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

    Operators see them always; in development (DEBUG with the outbox backend) anyone may,
    so a person trying the demo can read their confirmation codes.
    """
    dev_open = settings.DEBUG and settings.EMAIL_URL.startswith("outbox")
    if not (is_operator(request.user) or dev_open):
        return not_found(request, None)
    recipient = (request.GET.get("to") or "").strip()
    page = Paginator(outbox_messages(recipient=recipient or None), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "core/outbox.html", {"page": page, "recipient": recipient, "dev_open": dev_open}
    )


def not_found(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    """The 404 page (also what a forbidden object looks like)."""
    return render(request, "404.html", status=404)
