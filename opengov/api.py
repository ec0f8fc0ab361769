"""The JSON API under /api/v1/: one router per app, one error format for every 4xx."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, include, path, resolve
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser

from opengov.accounts.api import router as accounts_router
from opengov.accounts.auth import OptionalAuth
from opengov.action_plans.api import router as action_plans_router
from opengov.consultations.api import router as consultations_router
from opengov.core.errors import ServiceError, api_error
from opengov.core.schemas import ErrorOut, ListOut
from opengov.donations.api import router as donations_router
from opengov.open_data.api import router as open_data_router
from opengov.opinions.api import router as opinions_router
from opengov.ownership.api import router as ownership_router
from opengov.procurement.api import router as procurement_router
from opengov.proposals.api import router as proposals_router
from opengov.referendums.api import router as referendums_router
from opengov.registry.api import router as registry_router
from opengov.spaces.api import router as spaces_router

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_DESCRIPTIONS = {
    400: "Bad request (a malformed body)",
    401: "Not authenticated (no session, or a missing, revoked or unknown token)",
    403: "Not allowed",
    404: "Not found (or not visible to the caller)",
    409: "Conflicts with the object's state",
    413: "Body too large",
    422: "Invalid input (`error.field` names the parameter or body field)",
    429: "Too many attempts (`Retry-After` says when to try again)",
}


def is_public(operation: Operation) -> bool:
    """True when anyone may call the operation (signed-in callers may see more)."""
    return not operation.auth_callbacks or any(
        isinstance(callback, OptionalAuth) for callback in operation.auth_callbacks
    )


def error_statuses(operation: Operation) -> list[int]:
    """The error statuses an operation may answer, each with the error body."""
    statuses = {400, 404, 422}
    if operation.auth_callbacks:
        statuses.add(401)  # an unknown or revoked token, even on public reads
    if not is_public(operation) or set(operation.methods) - {"GET", "HEAD"}:
        statuses |= {401, 403, 409, 413, 429}
    return sorted(statuses)


class ContractSchema(OpenAPISchema):
    """ninja's document, plus the error answers of every operation, one `Error` schema, and
    public reads marked as needing no authentication (`{}` among their security options)."""

    def _component(self, name: str, model: type[Schema]) -> dict[str, str]:
        if name not in self.schemas:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            self.schemas.update(schema.pop("$defs", {}))
            self.schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    def _default_content(self, operation: Operation) -> dict[str, Any]:
        """What an operation declared without a response schema answers: a page of a list
        (`Page`), a CSV or JSON Lines file, a standard's JSON document, or a JSON object."""
        path = operation.path
        if path.endswith(".csv"):
            return {"text/csv": {"schema": {"type": "string"}}}
        if path.endswith(".jsonl"):  # JSON Lines: no registered media type, two in use
            lines = {"schema": {"type": "string"}}
            return {"application/x-ndjson": lines, "application/jsonl": lines}
        if path.endswith(".json"):  # a whole document in a standard's shape (BODS: an array)
            return {"application/json": {"schema": {}}}
        paged = any(
            "page" in getattr(model, "model_fields", {})
            or any(
                "page" in getattr(f.annotation, "model_fields", {})
                for f in getattr(model, "model_fields", {}).values()
            )
            for model in operation.models
        )
        schema = self._component("Page", ListOut) if paged else {"type": "object"}
        return {"application/json": {"schema": schema}}

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        self._component("Error", ErrorOut)
        declared = (operation.openapi_extra or {}).get("responses", {})
        for status, answer in result.items():
            if 200 <= status < 300 and status != 204 and "content" not in answer:
                # an answer the operation describes itself (a text/plain note) is only that
                if "content" in declared.get(status, {}):
                    continue
                answer["content"] = self._default_content(operation)
        for status in error_statuses(operation):
            result.setdefault(
                status,
                {
                    "description": _ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
        return result

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if security and is_public(operation):
            return [{}, *security]
        return security


class BodyNotAnObject(ValueError):
    """A JSON body that is a string, number or list where an object is expected."""


class NulInInput(ValueError):
    """A NUL character in a body field: no text of the platform may hold one (PostgreSQL
    cannot store it)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _refuse_nul(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NulInInput(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                raise NulInInput(path or "body")
            _refuse_nul(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}.{index}" if path else str(index))


class ObjectParser(Parser):
    """JSON bodies must be objects (`"AAA"` is refused, not read as a schema's attributes),
    and no text in a body or form may hold a NUL character."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject
        _refuse_nul(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            for value in values:
                if (isinstance(value, str) and "\x00" in value) or "\x00" in key:
                    raise NulInInput(key.replace("\x00", ""))
        return super().parse_querydict(data, list_fields, request)


class OpenGovAPI(NinjaAPI):
    """The platform's API: its OpenAPI document is `ContractSchema`."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ContractSchema(self, path_prefix)


api = OpenGovAPI(
    title="opengov API",
    version="1",
    description="Public participation and transparency data. Errors are "
    '`{"error": {"code", "message", "field"}}`.',
    urls_namespace="api",
    parser=ObjectParser(),
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
    status, body, headers = api_error(exc)
    response = api.create_response(request, body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


_PARAMETER_SOURCES = ("body", "query", "path", "file", "form", "header", "cookie")


def validation_message(error: dict[str, Any]) -> str:
    """A pydantic error as a sentence in the language of the request."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("At most %(max)s characters or items.") % {"max": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("At least %(min)s characters or items.") % {"min": ctx.get("min_length", "?")}
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt", "?"))
        return _("Must be at least %(min)s.") % {"min": limit}
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt", "?"))
        return _("Must be at most %(max)s.") % {"max": limit}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Must be a whole number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Must be true or false.")
    if kind.startswith(("date", "datetime")) or "ISO 8601" in str(error.get("msg", "")):
        return _("Must be a date (YYYY-MM-DD) or a date and time in ISO 8601.")
    if kind in ("uuid_parsing", "uuid_type"):
        return _("Must be an identifier (UUID).")
    if kind in ("literal_error", "enum"):
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("Must be a JSON object.")
    if kind == "list_type":
        return _("Must be a list.")
    if kind in ("string_type", "string_unicode"):
        return _("Must be text.")
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    return _("Invalid value.")


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", [])]
    if loc and loc[0] in _PARAMETER_SOURCES:  # where the field came from, not its name
        loc = loc[1:]
    if loc and loc[0] in ("payload", "params", "filters"):  # the schema's parameter name
        loc = loc[1:]
    field = ".".join(loc) or None
    return error_response(request, 422, "invalid", validation_message(first), field)


@api.exception_handler(NulInInput)
def _nul_in_input(request: HttpRequest, exc: NulInInput) -> HttpResponse:
    message = _("This value may not contain a NUL character.")
    return error_response(request, 422, "invalid", message, exc.field or None)


@api.exception_handler(MultiPartParserError)
def _malformed_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return error_response(
        request, 400, "malformed_body", _("The body is not valid multipart/form-data.")
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", _("The body is too large."))


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
    if isinstance(exc.__cause__, NulInInput):
        return _nul_in_input(request, exc.__cause__)
    if isinstance(exc.__cause__, BodyNotAnObject):
        return error_response(request, 422, "invalid", _("The body must be a JSON object."))
    if isinstance(exc.__cause__, ValueError):  # the body is not JSON
        return error_response(request, 400, "malformed_body", _("The body is not valid JSON."))
    return error_response(request, exc.status_code, "error", str(exc))


@csrf_exempt  # ninja's operations check CSRF in their session authentication
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every path under /api/v1/ that no operation serves: a path with a trailing slash is
    answered as the same path without it (the one rule of the API's paths); anything else is
    the JSON 404, never an HTML page."""
    if request.path.endswith("/") and request.path != "/api/v1/":
        try:
            match = resolve(request.path.rstrip("/"))
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return match.func(request, *match.args, **match.kwargs)
    return error_response(request, 404, "not_found", _("No such path in the API."))


api.add_router("/accounts", accounts_router)
api.add_router("/proposals", proposals_router)
api.add_router("/consultations", consultations_router)
api.add_router("/action-plans", action_plans_router)
api.add_router("/registry", registry_router)
api.add_router("/ownership", ownership_router)
api.add_router("/procurement", procurement_router)
api.add_router("/donations", donations_router)
api.add_router("/opinions", opinions_router)
api.add_router("/referendums", referendums_router)
api.add_router("/spaces", spaces_router)
api.add_router("/open-data", open_data_router)


def urls_by_router() -> tuple[list[Any], str, str]:
    """`api.urls` with each router's paths under one prefix (`proposals/`, `opinions/`, …).

    Django tries URL patterns one after another; ninja hands over one flat list, so a vote
    under `opinions/` was matched against every path before it (over 100 regular
    expressions, about a tenth of a millisecond on each request). Grouped, a request tries
    the dozen router prefixes and then only its router's paths. Names, order within a router
    and what each path matches are unchanged."""
    patterns, app_name, namespace = api.urls
    grouped: list[Any] = []
    routers: dict[str, list[Any]] = {}
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        if not slash:  # a router's own path (`proposals`) or the API's (`docs`, ``)
            grouped.append(pattern)
            continue
        if head not in routers:
            routers[head] = []
            grouped.append(path(f"{head}/", include(routers[head])))
        routers[head].append(
            path(rest, pattern.callback, kwargs=pattern.default_args, name=pattern.name)
        )
    return grouped, app_name, namespace
