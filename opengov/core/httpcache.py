"""Public pages that a shared cache may keep: headers, validators, and what stays personal.

An anonymous visitor's GET of a public page gets no cookie (no session, no CSRF token: the
forms that need one are on pages a visitor reaches by using them) and a
`Cache-Control: public, max-age=0, s-maxage=…, stale-while-revalidate=…`, so the reverse
proxy in front (deploy/nginx) keeps it for a few seconds and serves it while it asks again.
A browser always revalidates (`max-age=0`), with the validator that `public_page` checks
before the view does its expensive work (a `304` costs a few small queries).

A request that carries a session cookie (a signed-in person) is served by the application
itself with `Cache-Control: private, no-cache`; the proxy never caches it (it skips its
cache for such requests, and never keeps a response that sets a cookie).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

#: paths whose responses decide their own caching (the API, the admin, sign-in and forms)
NOT_PUBLIC_PREFIXES = ("/api/", "/admin/", "/accounts/", "/i18n/", "/healthz", "/metrics")


def public_cache_control() -> str:
    """The `Cache-Control` of a public page for a shared cache (settings give the seconds)."""
    return (
        f"public, max-age=0, s-maxage={settings.PUBLIC_PAGE_S_MAXAGE}, "
        f"stale-while-revalidate={settings.PUBLIC_PAGE_STALE_WHILE_REVALIDATE}"
    )


def is_anonymous_request(request: HttpRequest) -> bool:
    """True when the request carries neither a session cookie nor a bearer token: what it
    is served cannot depend on who sent it."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def language_independent(response: HttpResponse) -> HttpResponse:
    """Mark a response whose body is the same in every language: `PublicCacheMiddleware`
    drops `Accept-Language` from its `Vary`, so a cache keeps one copy."""
    response._language_independent = True  # type: ignore[attr-defined]
    return response


class PublicCacheMiddleware:
    """Marks anonymous GETs of public pages cacheable by a shared cache, and signed-in ones
    private.

    It sits outside the session, locale, CSRF and messages middleware, so it sees the
    response's final cookies and `Vary`: a response that sets any cookie, is not a 200, or
    already says how to cache it is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "_language_independent", False) and response.has_header("Vary"):
            kept = [
                v.strip()
                for v in response["Vary"].split(",")
                if v.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        if request.path.startswith(NOT_PUBLIC_PREFIXES):
            return response
        if not is_anonymous_request(request):
            response["Cache-Control"] = "private, no-cache"
            return response
        if response.status_code in (200, 304) and not response.cookies:
            response["Cache-Control"] = public_cache_control()
        return response


def page_etag(*parts: Iterable[Any] | Any) -> str:
    """A weak entity tag over the given values and the request's language."""
    digest = hashlib.blake2b(repr((get_language(), parts)).encode(), digest_size=12)
    return f'W/"{digest.hexdigest()}"'


def etag_matches(request: HttpRequest, tag: str) -> bool:
    """True when the request's `If-None-Match` holds `tag` (compared weakly, as RFC 9110
    says for `If-None-Match`), or is `*`."""
    presented = parse_etags(request.headers.get("If-None-Match", ""))
    strong = tag.removeprefix("W/")
    return "*" in presented or any(p.removeprefix("W/") == strong for p in presented)


def public_page(etag: Callable[..., str | None]) -> Callable:
    """A view whose anonymous GET is validated before it runs.

    `etag(request, *args, **kwargs)` computes the page's entity tag from a few cheap reads
    (it may raise `Http404`); when the request's `If-None-Match` holds it, the answer is `304`
    and the view never runs. Signed-in requests run the view as usual, without a tag.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not is_anonymous_request(request):
                return view(request, *args, **kwargs)
            tag = etag(request, *args, **kwargs)
            if tag is None:
                return view(request, *args, **kwargs)
            if etag_matches(request, tag):
                response: HttpResponse = HttpResponseNotModified()
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
            response["ETag"] = tag
            patch_vary_headers(response, ("Accept-Language",))
            return response

        return wrapped

    return decorator
