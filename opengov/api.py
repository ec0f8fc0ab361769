"""The JSON API under /api/v1/: one router per app, one error format for every 4xx."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from opengov.accounts.api import router as accounts_router
from opengov.action_plans.api import router as action_plans_router
from opengov.consultations.api import router as consultations_router
from opengov.core.errors import RateLimited, ServiceError
from opengov.open_data.api import router as open_data_router
from opengov.proposals.api import router as proposals_router
from opengov.referendums.api import router as referendums_router

api = NinjaAPI(
    title="opengov API",
    version="1",
    description="Public participation and transparency data. Errors are "
    '`{"error": {"code", "message", "field"}}`.',
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    """The one shape of every API error."""
    return api.create_response(
        request, {"error": {"code": code, "message": message, "field": field}}, status=status
    )


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, str(exc.message), exc.field)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


_PARAMETER_SOURCES = ("body", "query", "path", "file", "form", "header", "cookie")


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", [])]
    if loc and loc[0] in _PARAMETER_SOURCES:  # where the field came from, not its name
        loc = loc[1:]
    if loc and loc[0] == "payload":  # the body schema's parameter name
        loc = loc[1:]
    field = ".".join(loc) or None
    message = first.get("msg", _("Invalid input."))
    return error_response(request, 422, "invalid", str(message), field)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return error_response(request, 422, "invalid", str(errors[0].messages[0]), field)
    return error_response(request, 422, "invalid", str(exc.messages[0]))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _("Not allowed."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "not_authenticated", _("Please sign in or send a token."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


api.add_router("/accounts/", accounts_router)
api.add_router("/proposals/", proposals_router)
api.add_router("/consultations/", consultations_router)
api.add_router("/action-plans/", action_plans_router)
api.add_router("/open-data/", open_data_router)
api.add_router("/referendums/", referendums_router)
