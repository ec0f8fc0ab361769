"""The request handler: cookie-less API requests take a shorter middleware chain.

A JSON API request that carries no cookie (a bearer token, or an anonymous read such as the
co-signature count) has no session, no CSRF cookie and no flash messages, so the session,
CSRF, authentication, messages and static-file middleware have nothing to do for it;
walking them still costs about a tenth of the application's CPU of a co-signature
(`bench/cosign/cpu.py --full-chain` against the default). Such a request goes through
`settings.API_MIDDLEWARE` instead: the same chain without those, with
`CookielessUserMiddleware` in place of the session and authentication middleware. A request
with any cookie (a browser's, signed in or not) takes the full chain as before.

`tests/test_api_lane.py` checks that both chains give the same answers, and the test client
routes requests the same way (conftest), so every cookie-less API test runs on this lane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .hotpath import HotRoutes

#: the path prefix of the JSON API that the lane serves
API_PREFIX = "/api/v1/"


def takes_api_lane(request: HttpRequest) -> bool:
    """True for a JSON API request without any cookie."""
    return request.path_info.startswith(API_PREFIX) and "HTTP_COOKIE" not in request.META


class CookielessUserMiddleware:
    """Stands in for the session and authentication middleware on the API lane.

    Without a cookie there is no session, so the user is anonymous until a bearer token says
    otherwise (the API's authentication sets `request.user`). When a view reads the
    anonymous user, the response gets `Vary: Cookie`, exactly as on the full chain, where
    reading the user touches the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = _ReadTrackingAnonymousUser()
        request.user = user  # type: ignore[assignment]
        response = self.get_response(request)
        if user.was_read:
            patch_vary_headers(response, ("Cookie",))
        return response


class _ReadTrackingAnonymousUser(AnonymousUser):
    """An anonymous user that remembers whether anything asked about it."""

    def __init__(self) -> None:
        super().__init__()
        self.__dict__["was_read"] = False

    def __getattribute__(self, name: str) -> Any:
        if name != "was_read" and not name.startswith("__"):
            object.__getattribute__(self, "__dict__")["was_read"] = True
        return super().__getattribute__(name)


class _ApiLane(BaseHandler):
    """The chain of `settings.API_MIDDLEWARE`, loaded once like Django loads its own."""

    def __init__(self) -> None:
        super().__init__()
        full = settings.MIDDLEWARE
        # Django's loader reads the setting; give it the lane's list while it loads
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            self.load_middleware()
        finally:
            settings.MIDDLEWARE = full


class ApiLaneMixin:
    """Routes cookie-less API requests through the lane (a hot route first, see
    `core.hotpath`); everything else as Django does."""

    _api_lane: _ApiLane | None = None
    _hot_routes: HotRoutes | None = None

    def get_response(self, request: HttpRequest) -> HttpResponse:
        """The response of the lane for a cookie-less API request, else of the full chain."""
        if takes_api_lane(request):
            if self._api_lane is None:
                self._api_lane = _ApiLane()
                self._hot_routes = HotRoutes()
            assert self._hot_routes is not None
            response = self._hot_routes.answer(request)
            if response is not None:
                response._resource_closers.append(request.close)
                return response
            return self._api_lane.get_response(request)
        return super().get_response(request)  # type: ignore[misc]


class OpenGovWSGIHandler(ApiLaneMixin, WSGIHandler):
    """Django's WSGI handler with the API lane (`opengov.wsgi:application`).

    A response whose body is already in memory (not streamed, not a file) is handed to the
    server as a one-item list, after closing it (which ends the request for Django: its
    `request_finished` receivers run, the database connection is checked): the server then
    writes the bytes in one call instead of iterating the response and calling back to
    close it, about a tenth of the server's Python time per co-signature.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._api_lane = _ApiLane()
        self._hot_routes = HotRoutes()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Django's answer; its body as a list when it is in memory (see the class)."""
        response = super().__call__(environ, start_response)
        if not isinstance(response, HttpResponse):
            return response  # streamed, a file, or the server's file wrapper
        try:
            body = response.content
        finally:
            response.close()
        return [body]
