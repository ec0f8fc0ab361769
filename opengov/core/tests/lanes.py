"""Calling the WSGI handlers directly, to compare the answers of the request lanes
(`core.handlers`, `core.hotpath`): status, every header but the per-answer ones, and body."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

#: headers that differ between any two answers
PER_ANSWER = {"X-Request-ID", "Date"}


def environ(
    method: str,
    path: str,
    *,
    body: bytes = b"",
    query: str = "",
    host: str = "testserver",
    **headers: str,
) -> dict[str, Any]:
    """A WSGI environ for one request, as a server builds it; `headers` are given as keyword
    arguments (`accept_language="en"`, `authorization=...`), a body is JSON."""
    name, _colon, port = host.partition(":")
    built = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "SERVER_NAME": name,
        "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }
    if body:
        built["CONTENT_TYPE"] = "application/json"
    return built


def call(
    handler: Any, method: str, path: str, *, body: bytes = b"", query: str = "", **headers: str
) -> dict:
    """The answer of `handler` to one request: {"status", "headers", "body"}; `headers` are
    given as keyword arguments (`accept_language="en"`, `authorization=...`)."""
    request = environ(method, path, body=body, query=query, **headers)
    answer: dict = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer["status"] = status
        answer["headers"] = {k: v for k, v in response_headers if k not in PER_ANSWER}
        answer["request_id"] = dict(response_headers).get("X-Request-ID")

    response = handler(request, start_response)
    answer["body"] = b"".join(response)
    close = getattr(response, "close", None)  # the WSGI rule: if it has one
    if close is not None:
        close()
    return answer


@contextmanager
def keeping_the_test_connection() -> Iterator[None]:
    """Requests sent to handlers directly leave the test's database connection (and its
    transaction) open, as Django's test client's do."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def hot_and_ordinary() -> tuple[Any, Any, list[str]]:
    """Two server handlers, one with the hot routes and one without (`core.hotpath`), and
    the list of the paths that hot routes answered."""
    from django.test import override_settings

    from opengov.core.handlers import OpenGovWSGIHandler

    hot = OpenGovWSGIHandler()
    with override_settings(HOT_ROUTES_ENABLED=False):
        ordinary = OpenGovWSGIHandler()
    served: list[str] = []
    answer = hot._hot_routes.answer

    def answer_and_note(request: Any) -> Any:
        response = answer(request)
        if response is not None:
            served.append(request.path)
        return response

    hot._hot_routes.answer = answer_and_note
    return hot, ordinary, served
