"""Response headers every page carries, and requests refused before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy (no inline script) and a referrer policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return add_security_headers(request, self.get_response(request))


def add_security_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The Content-Security-Policy (not on the API's documentation and the admin, which run
    their own scripts) and the referrer policy, unless the response sets its own."""
    if not request.path.startswith(("/api/v1/docs", "/admin/")):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _has_nul(value: str) -> bool:
    return "\x00" in value


#: paths that answer JSON, so a refusal here is the JSON error too
JSON_PATHS = ("/api/", "/audit/proof/")


class RefuseNulBytesMiddleware:
    """Refuses a request whose path or query string holds a NUL byte (`%00`).

    No parameter of the platform may hold one, PostgreSQL cannot store or compare one, and
    refusing it here keeps every list, search and feed from failing on it. The API answers
    its JSON error (422, naming the parameter); pages answer 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._field_with_nul(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _field_with_nul(request: HttpRequest) -> str | None:
        if _has_nul(request.path):
            return "path"
        if "\x00" not in request.META.get("QUERY_STRING", "") and "%00" not in request.META.get(
            "QUERY_STRING", ""
        ):
            return None
        for key, values in request.GET.lists():
            if _has_nul(key) or any(_has_nul(v) for v in values):
                return key.replace("\x00", "")
        return None

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        message = _("This value may not contain a NUL character.")
        if request.path.startswith(JSON_PATHS):
            return JsonResponse(
                {"error": {"code": "invalid", "message": str(message), "field": field}},
                # the API's refused input is 422; the audit log's proof endpoints answer 400
                status=422 if request.path.startswith("/api/") else 400,
            )
        return HttpResponseBadRequest(
            f"{_('Bad request')}: {message}", content_type="text/plain; charset=utf-8"
        )


class ApiMethodNotAllowedMiddleware:
    """A method an API path does not serve is the API's JSON error (405, with `Allow`), not
    the framework's plain-text answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/v1/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = _("This method is not allowed here.")
            answer = JsonResponse(
                {"error": {"code": "method_not_allowed", "message": str(message), "field": None}},
                status=405,
            )
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response
