"""JSON API of open_data (/api/v1/open-data/): the catalogue in the house list shape.

The CKAN-compatible Action API at /api/3/action/ is the main programmatic interface; this
router gives the same datasets with the platform's conventions (items/count, page/page_size).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from opengov.core.errors import NotFound

from . import selectors
from .ckan import package_dict

router = Router(tags=["open_data"])


class SearchParams(Schema):
    """Free text and paging."""

    q: str = ""
    page: int = 1
    page_size: int = 20


@router.get("/datasets", summary="Search the catalogue")
def list_datasets(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Datasets matching `q`, by name; `page_size` at most 100."""
    size = min(max(1, params.page_size), 100)
    page = max(1, params.page)
    found = selectors.search(
        q=params.q.replace(":", " "), sort="name asc", start=(page - 1) * size, rows=size
    )
    return {"items": [package_dict(e) for e in found.entries], "count": found.count}


@router.get("/datasets/{name}", summary="One dataset")
def get_dataset(request: HttpRequest, name: str) -> dict[str, Any]:
    """One dataset (CKAN package shape), by name or id."""
    entry = selectors.get_entry(name)
    if entry is None:
        raise NotFound()
    return package_dict(entry)
