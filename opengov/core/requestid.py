"""A request id that follows a request through its log lines and into the jobs it queues.

The reverse proxy sends `X-Request-ID` (nginx's `$request_id`); without one (or with one
that is not a plain token) the application makes its own. Every log line written while the
request runs carries it (`RequestIdFilter`), the response names it, and a job queued by the
request carries it in its message headers, so the worker's log lines for that job carry it
too (`connect_celery`).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
#: the Celery message header that carries it
TASK_HEADER = "opengov_request_id"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

current: contextvars.ContextVar[str] = contextvars.ContextVar("opengov_request_id", default="-")


def new_id() -> str:
    """A fresh request id (32 hexadecimal digits, as nginx makes them)."""
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Takes the proxy's request id (or makes one), keeps it for the request's log lines and
    jobs, and names it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with bound(request) as rid:
            response = self.get_response(request)
        response[HEADER] = rid
        return response


@contextmanager
def bound(request: HttpRequest) -> Iterator[str]:
    """The request's id (the proxy's, or a new one), set on the request and kept for the log
    lines and jobs of what runs inside."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    rid = given if _ACCEPTED.match(given) else new_id()
    request.request_id = rid  # type: ignore[attr-defined]
    token = current.set(rid)
    try:
        yield rid
    finally:
        current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (`-` outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True


def _before_publish(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    rid = current.get()
    if headers is not None and rid != "-":
        headers[TASK_HEADER] = rid


def _task_starts(task: Any = None, **_kwargs: Any) -> None:
    rid = getattr(getattr(task, "request", None), TASK_HEADER, None)
    if rid is None:
        headers = getattr(getattr(task, "request", None), "headers", None) or {}
        rid = headers.get(TASK_HEADER)
    if rid and _ACCEPTED.match(str(rid)):
        task.request._opengov_token = current.set(str(rid))


def _task_ends(task: Any = None, **_kwargs: Any) -> None:
    token = getattr(getattr(task, "request", None), "_opengov_token", None)
    if token is not None:
        current.reset(token)
        task.request._opengov_token = None


def connect_celery() -> None:
    """Carry the request id from the request that queues a job into the job's log lines."""
    from celery import signals

    signals.before_task_publish.connect(_before_publish, weak=False)
    signals.task_prerun.connect(_task_starts, weak=False)
    signals.task_postrun.connect(_task_ends, weak=False)
