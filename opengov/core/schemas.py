"""Shapes every API router shares: the one error body, strict dates, the list envelope.

Routers import these instead of defining their own, so the OpenAPI document names each shape
once and a generated client gets one type for each.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field


class ErrorDetail(Schema):
    """What was refused: a stable `code`, a message in the caller's language, the field."""

    code: str = Field(description="stable machine-readable reason, e.g. `invalid`, `not_found`")
    message: str = Field(description="for a person, in the language of the request")
    field: str | None = Field(None, description="the parameter or body field at fault")


class ErrorOut(Schema):
    """The body of every 4xx answer of the API."""

    error: ErrorDetail


def _not_a_number(value: Any) -> Any:
    """Refuse numbers for dates: pydantic reads `0` as 1970-01-01 (a Unix timestamp)."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise ValueError("Expected an ISO 8601 date or time, not a number.")
    return value


#: a date written as ISO 8601 (`2026-05-01`); a number is refused
IsoDate = Annotated[dt.date, BeforeValidator(_not_a_number)]
#: a date and time written as ISO 8601; a number is refused
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_not_a_number)]


class ListOut(Schema):
    """One page of a list: its `items` and the `count` of all matching rows."""

    items: list[dict[str, Any]]
    count: int = Field(ge=0)
