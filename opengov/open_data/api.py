"""JSON API of open_data (/api/v1/open-data/): the catalogue in the house list shape.

The CKAN-compatible Action API at /api/3/action/ is the main programmatic interface; this
router gives the same datasets with the platform's conventions (items/count, page/page_size).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from opengov.accounts.auth import REQUIRED
from opengov.core.errors import NotFound
from opengov.core.pagination import PageParams, page_bounds

from . import permissions, selectors, services
from .ckan import package_dict
from .ingest import UploadRejected

router = Router(tags=["open_data"])


class OpenDataPackageOut(Schema):
    """A dataset in CKAN's package shape (as `/api/3/action/package_show` gives it)."""

    id: str
    name: str
    title: str
    notes: str
    type: str
    state: str
    private: bool
    version: str
    url: str
    author: str
    author_email: str | None
    maintainer: str
    maintainer_email: str | None
    license_id: str
    license_title: str
    license_url: str
    metadata_created: str
    metadata_modified: str
    owner_org: str
    organization: dict[str, Any]
    groups: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    num_tags: int
    resources: list[dict[str, Any]] = Field(description="one per download format")
    num_resources: int
    extras: list[dict[str, Any]]
    relationships_as_object: list[dict[str, Any]]
    relationships_as_subject: list[dict[str, Any]]
    isopen: bool


class OpenDataPackagePage(Schema):
    """One page of the catalogue."""

    items: list[OpenDataPackageOut]
    count: int


class OpenDataVersionOut(Schema):
    """The version published: its number, rows and the encoding the file was read in."""

    dataset: str
    version: int
    rows: int
    encoding: str


class SearchParams(PageParams):
    """Free text and paging."""

    q: str = Field("", max_length=200, description="words to find")


@router.get("/datasets", response=OpenDataPackagePage, summary="Search the catalogue")
def list_datasets(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Datasets matching `q`, by name; `page_size` at most 100."""
    start, stop = page_bounds(params)
    found = selectors.search(
        q=params.q.replace(":", " "), sort="name asc", start=start, rows=stop - start
    )
    org_ids = selectors.publisher_ids(e.publisher_code for e in found.entries)
    return {"items": [package_dict(e, org_ids) for e in found.entries], "count": found.count}


@router.get("/datasets/{name}", response=OpenDataPackageOut, summary="One dataset")
def get_dataset(request: HttpRequest, name: str) -> dict[str, Any]:
    """One dataset (CKAN package shape), by name or id."""
    entry = selectors.get_entry(name)
    if entry is None:
        raise NotFound()
    return package_dict(entry)


@router.post(
    "/datasets/{name}/versions",
    auth=REQUIRED,
    response={201: OpenDataVersionOut},
    summary="Upload a new version of a dataset (officials of its agency)",
)
def upload_version(
    request: HttpRequest,
    name: str,
    file: File[UploadedFile],
    encoding: Form[str] = "auto",
    fields: Form[str] = "",
    note: Form[str] = "",
) -> Any:
    """The whole file is checked first; a refusal lists every problem with its row and column
    (`error.problems`) and publishes nothing."""
    dataset = permissions.managed_datasets(request.auth).filter(name=name).first()
    if dataset is None:
        raise NotFound()
    try:
        version = services.dataset_add_version(
            actor=request.auth,
            dataset=dataset,
            upload=file,
            encoding=encoding,
            fields_text=fields,
            note=note,
        )
    except UploadRejected as exc:
        body = {"error": {**exc.as_dict(), "problems": [p.as_dict() for p in exc.problems]}}
        return JsonResponse(body, status=exc.status)
    return JsonResponse(
        {
            "dataset": dataset.name,
            "version": version.number,
            "rows": version.row_count,
            "encoding": version.encoding,
        },
        status=201,
    )
