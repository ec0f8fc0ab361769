"""Hot routes: the writes a surge sends by the thousand each second (a co-signature, an
opinion vote) answered without the URL map, django-ninja and the middleware chain's walk.

On the ordinary API lane (`core.handlers`) a co-signature costs about 1.1 ms of application
CPU, of which the co-signing services themselves (token, proposal, signing statement) are
less than half; the rest is resolving the URL, ninja's parameter and response handling, and
eleven middleware layers. On its hot route it costs about 0.6 ms (`bench/cosign/cpu.py`,
with and without `--no-hot-routes`). A hot route is a plain function beside its ninja
operation that calls the same services.

It answers only the requests it is sure of: cookie-less, with a bearer token and a small
JSON body of the expected shape, on a host Django accepts and, when HTTPS is required, over
HTTPS, without a query string. Every other request, and any request the function declines
(it returns None before it has changed anything: an unknown token, a body that the
operation's schema does not take strictly as it stands) takes the ordinary lane and gets its
ordinary answer. Once a hot route has acted, its
answer (the 201, or the refusal a service raised: 403, 404, 409, 422, 429) is rendered by the
API's own renderer and exception handlers (`settings.HOT_ROUTES_API`) and finished here
exactly as the ordinary lane would: the request's language, the request id, the same
response-side steps of Django's security, common and clickjacking middleware, what its locale
middleware adds, the platform's security headers, and the request's metrics under the
operation's route. Each route's `tests/test_hot_route.py` (proposals, opinions) sends the
same requests down both and compares status, body and every header; the test client takes
hot routes too, so every API test of co-signing and voting runs on them.

Hot routes serve only while `settings.API_MIDDLEWARE` is the chain they mirror
(`MIRRORED_CHAIN`, with or without the request metrics); a site that adds a middleware gets
a warning and the ordinary lane for everything. `OPENGOV_HOT_ROUTES=0` turns them off.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response
from django.utils.module_loading import import_string
from pydantic import BaseModel, ValidationError

from . import metrics, requestid
from .middleware import add_security_headers

logger = logging.getLogger(__name__)

#: a hot route's answer: the status and the JSON body
HotAnswer = tuple[int, dict[str, Any]]

#: the API lane's chain that hot routes stand in for (the request metrics may be off)
MIRRORED_CHAIN = (
    "opengov.core.metrics.RequestMetricsMiddleware",
    "opengov.core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "opengov.core.httpcache.PublicCacheMiddleware",
    "opengov.core.handlers.CookielessUserMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "opengov.core.middleware.RefuseNulBytesMiddleware",
    "opengov.core.middleware.ApiMethodNotAllowedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "opengov.core.middleware.SecurityHeadersMiddleware",
)
_METRICS = MIRRORED_CHAIN[0]

#: a path segment that is a UUID as Django's `uuid` path converter reads it
UUID_SEGMENT = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

#: the largest body a hot route reads; a longer one takes the ordinary lane
MAX_BODY = 4096


@dataclass(frozen=True)
class HotRoute:
    """A `method` and a path pattern (`re.fullmatch` on the path, named groups become keyword
    arguments), served by `answer(request, body, **groups)`: a `HotAnswer`, or None to
    leave the request to the ordinary lane (only before it has changed anything).

    `example` is a path the pattern matches: the route's metrics label is the URL pattern
    Django resolves it to, the same label the ordinary lane records."""

    method: str
    pattern: re.Pattern[str]
    example: str
    answer: Callable[..., HotAnswer | None]


def hot_route(method: str, pattern: str, *, example: str) -> Callable[[Callable], HotRoute]:
    """Declare a function a hot route (listed in `settings.HOT_ROUTES` to take effect)."""

    def declare(answer: Callable[..., HotAnswer | None]) -> HotRoute:
        compiled = re.compile(pattern)
        if not compiled.fullmatch(example):
            raise ValueError(f"hot route {pattern!r}: the example {example!r} does not match")
        return HotRoute(method, compiled, example, answer)

    return declare


def bearer_token(request: HttpRequest) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, as ninja's `HttpBearer` reads it."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        return None
    return key


class _Finisher:
    """Django's middleware whose response side the ordinary lane runs, called directly."""

    def __init__(self) -> None:
        def unused(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
            raise AssertionError

        self.security = SecurityMiddleware(unused)
        self.common = CommonMiddleware(unused)
        self.xframe = XFrameOptionsMiddleware(unused)


class HotRoutes:
    """The hot routes of `settings.HOT_ROUTES`, and the answering of a request by one."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[HotRoute, str]]] = {}
        self.metrics = _METRICS in settings.API_MIDDLEWARE
        chain = tuple(settings.API_MIDDLEWARE)
        expected = MIRRORED_CHAIN if self.metrics else MIRRORED_CHAIN[1:]
        if not getattr(settings, "HOT_ROUTES_ENABLED", True):
            return
        if chain != expected:
            logger.warning(
                "Hot routes are off: settings.API_MIDDLEWARE is not the chain they mirror "
                "(core/hotpath.py MIRRORED_CHAIN)."
            )
            return
        if is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]:
            logger.warning("Hot routes are off: the URL map has language prefixes.")
            return
        #: the API whose renderer and exception handlers answer (opengov.api's)
        self.api = import_string(settings.HOT_ROUTES_API)
        for dotted in getattr(settings, "HOT_ROUTES", ()):
            route: HotRoute = import_string(dotted)
            self.routes.setdefault(route.method, []).append((route, _label(route.example)))
        self.finish = _Finisher()

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        """The response of the hot route serving `request`, or None for the ordinary lane."""
        candidates = self.routes.get(request.method or "")
        if not candidates or "HTTP_COOKIE" in request.META or request.META.get("QUERY_STRING"):
            return None  # neither operation takes a query (the lane refuses a NUL in one)
        path = request.path_info
        for route, label in candidates:
            match = route.pattern.fullmatch(path)
            if match is not None:
                return self._serve(request, route, label, match.groupdict())
        return None

    def _serve(
        self, request: HttpRequest, route: HotRoute, label: str, groups: dict[str, str]
    ) -> HttpResponse | None:
        started = time.perf_counter()
        finish = self.finish
        # the request side of the mirrored chain: a redirect or a refusal (a host not allowed,
        # a body that cannot be read) is the ordinary lane's to answer
        try:
            body = _json_object(request)
            if (
                body is None
                or bearer_token(request) is None
                or finish.security.process_request(request) is not None
                or finish.common.process_request(request) is not None
            ):
                return None
        except Exception:
            return None
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        with requestid.bound(request) as rid:
            try:
                result = route.answer(request, body, **groups)
            except Exception as exc:  # the API's answer to it, as on the ordinary lane
                response = self._error_response(request, exc)
            else:
                if result is None:
                    return None
                status, data = result
                response = self.api.create_response(request, data, status=status)
        add_security_headers(request, response)
        finish.xframe.process_response(request, response)
        finish.common.process_response(request, response)
        # what LocaleMiddleware adds (without language prefixes in the URL map)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        finish.security.process_response(request, response)
        response[requestid.HEADER] = rid
        if self.metrics:
            metrics.observe_request(
                label, request.method, response.status_code, time.perf_counter() - started
            )
        if response.status_code >= 400:
            log_response(
                "%s: %s", response.reason_phrase, request.path, response=response, request=request
            )
        return response

    def _error_response(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        """The API's exception handler's answer, or Django's (a 500) when it has none."""
        try:
            return self.api.on_exception(request, exc)
        except Exception:
            return response_for_exception(request, exc)


def _label(example: str) -> str:
    """The route label the ordinary lane's metrics give requests to this path."""
    try:
        match = resolve(example)
    except Resolver404:
        raise ValueError(f"hot route example {example!r}: no URL pattern serves it") from None
    return match.route or match.view_name


def _json_object(request: HttpRequest) -> dict[str, Any] | None:
    """The request's JSON object body ({} when empty), or None when it is anything else."""
    content_type = request.META.get("CONTENT_TYPE", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length == 0:
        return {}
    if length > MAX_BODY or not content_type.startswith("application/json"):
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def valid(schema: type[BaseModel], body: dict[str, Any]) -> Any:
    """`body` as the operation's `schema`, or None when the ordinary lane should judge it:
    validated strictly (no text read as a number, no `true` as 1) and with no NUL in any text
    (which the lane refuses)."""
    if any(isinstance(value, str) and "\x00" in value for value in body.values()):
        return None
    try:
        return schema.model_validate(body, strict=True)
    except ValidationError:
        return None
