"""The error every service raises for a refused action, rendered the same way everywhere.

Pages show `message` next to `field` (or at the top); the API answers
`{"error": {"code", "message", "field"}}` with `status`, plus `"details"` (a list, for
example every rejected line of an import) when the error carries them.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class ServiceError(Exception):
    """A refused action: a stable `code`, a message a person can act on, the field at fault."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        field: str | None = None,
        status: int | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.details = details
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        """The body of an API error."""
        body: dict[str, Any] = {
            "code": self.code,
            "message": str(self.message),
            "field": self.field,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


#: the message of a `NotFound` that gives none
NOT_FOUND = gettext_lazy("Not found.")


class NotFound(ServiceError):
    """The object does not exist, or the actor may not see it (they look the same)."""

    status = 404

    def __init__(self, message: str | Promise = NOT_FOUND) -> None:
        super().__init__("not_found", message)


class Forbidden(ServiceError):
    """The actor may see the object but not do this to it."""

    status = 403

    def __init__(self, message: str | Promise, *, code: str = "forbidden") -> None:
        super().__init__(code, message)


class Conflict(ServiceError):
    """The action conflicts with the object's state (already done, closed, ...)."""

    status = 409


class RateLimited(ServiceError):
    """Too many attempts; `retry_after` seconds until the next is allowed."""

    status = 429

    def __init__(self, message: str | Promise, *, retry_after: int) -> None:
        super().__init__("rate_limited", message)
        self.retry_after = retry_after


def api_error(exc: ServiceError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The API's answer to a refused action: its status (a refused input is 422, as a
    schema's refusal is; pages show it with 400), body and extra headers (`Retry-After`)."""
    status = 422 if exc.status == 400 else exc.status
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
    return status, {"error": exc.as_dict()}, headers
