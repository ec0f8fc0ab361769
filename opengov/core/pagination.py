"""The one pagination of every API list: `?page=&page_size=`, `{"items": [...], "count": N}`.

Bounds live in the schema, so the OpenAPI document states them and a page number too large
for the database (`?page=10^20`) is a 422 naming the field, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ninja import Field, Schema

MAX_PAGE_SIZE = 100
#: a page past this is refused: no list is that long, and the offset must fit in 64 bits
MAX_PAGE = 1_000_000


class PageParams(Schema):
    """`?page=` (from 1) and `?page_size=` (1 to 100)."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="page number, from 1")
    page_size: int = Field(
        20, ge=1, le=MAX_PAGE_SIZE, description=f"rows per page, 1 to {MAX_PAGE_SIZE}"
    )


def page_bounds(params: PageParams) -> tuple[int, int]:
    """The slice `[start, stop)` of one page."""
    start = (params.page - 1) * params.page_size
    return start, start + params.page_size


def paginate(
    items: Sequence[Any] | Iterable[Any],
    params: PageParams,
    shape: Callable[[Any], Any] = lambda item: item,
) -> dict[str, Any]:
    """One bounded page of a stably ordered queryset or list, each item passed through `shape`."""
    count = len(items) if isinstance(items, list | tuple) else items.count()  # type: ignore[union-attr]
    start, stop = page_bounds(params)
    return {"items": [shape(item) for item in items[start:stop]], "count": count}  # type: ignore[index]


def page_number(value: str | None) -> int:
    """A page's `?page=` as a number from 1 to `MAX_PAGE` (pages that render a list: anything
    else is the first or the last allowed page, never a query the database cannot run)."""
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), MAX_PAGE)
