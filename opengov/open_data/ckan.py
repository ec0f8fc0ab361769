"""A read-only CKAN Action API (`/api/3/action/<action>`), so ckanapi and CKAN harvesters work.

Every answer is CKAN's envelope: `{"help", "success": true, "result"}`, or
`{"help", "success": false, "error": {"__type", "message"}}` with CKAN's status codes
(404 Not Found Error, 409 Validation Error or Search Query Error, 400 Bad request).
Parameters come from the query string (GET) or a JSON or form body (POST), as in CKAN.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from opengov.accounts.models import Agency

from . import conditional, dcat, selectors
from .models import Theme
from .rules import LICENCES
from .selectors import PLATFORM_CODE, Entry, SearchQueryError

CKAN_VERSION = "2.10.4"
#: the largest `start`, `rows`, `offset` or `limit` accepted (Solr's, and safe for any database)
MAX_INT = 2**31 - 1


class ActionError(Exception):
    """An error CKAN would answer with: its `__type`, HTTP status and details."""

    def __init__(self, kind: str, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.kind, self.status, self.message, self.details = kind, status, message, details


def not_found(message: str | None = None) -> ActionError:
    """CKAN's "Not Found Error"."""
    return ActionError("Not Found Error", 404, message or _("Not found"))


def validation(field: str, message: str) -> ActionError:
    """CKAN's "Validation Error" naming the field."""
    return ActionError("Validation Error", 409, message, **{field: [message]})


def _int(params: dict[str, Any], name: str, default: int | None) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise validation(name, _("Invalid integer")) from None
    if number < 0:
        raise validation(name, _("Must be a natural number"))
    if number > MAX_INT:
        raise validation(name, _("Must be at most %(max)d") % {"max": MAX_INT})
    return number


def _bool(params: dict[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")


def _organization(code: str, name: str, org_id: str, count: int | None = None) -> dict:
    result = {
        "id": org_id,
        "name": code,
        "title": name,
        "display_name": name,
        "description": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": None,
    }
    if count is not None:
        result["package_count"] = count
    return result


def resource_id(entry: Entry, fmt: str) -> str:
    """A stable, readable resource id: the dataset's name and the format."""
    return f"{entry.name}.{fmt}"


def _resource(entry: Entry, fmt: str, position: int) -> dict[str, Any]:
    _file_type, media_type = dcat.MEDIA_TYPES[fmt]
    resource: dict[str, Any] = {
        "id": resource_id(entry, fmt),
        "package_id": entry.id,
        "name": f"{entry.title} ({fmt.upper()})",
        "description": entry.attribution(),
        "format": fmt.upper(),
        "mimetype": media_type,
        "url": dcat.download_url(entry, fmt),
        "url_type": None,
        "position": position,
        "state": "active",
        "created": entry.created.isoformat(),
        "last_modified": entry.modified.isoformat(),
        "size": None,
        "hash": "",
        "datastore_active": False,
    }
    if fmt == "csv" and entry.latest is not None:
        # the plain CSV download is the stored file itself: its size and checksum are known
        resource["size"] = entry.latest.byte_size
        resource["hash"] = f"sha256:{entry.latest.sha256}"
    return resource


def package_dict(entry: Entry, org_ids: dict[str, str] | None = None) -> dict[str, Any]:
    """A dataset in CKAN's package shape (`org_ids`: publisher ids by code, if known)."""
    if org_ids is None or entry.publisher_code not in org_ids:
        org_ids = selectors.publisher_ids([entry.publisher_code])
    org_id = org_ids.get(entry.publisher_code, "")
    licence = entry.licence
    resources = [_resource(entry, fmt, i) for i, fmt in enumerate(entry.formats)]
    tags = [
        {"name": k, "display_name": k, "id": k, "state": "active", "vocabulary_id": None}
        for k in entry.keywords
    ]
    extras = [
        {"key": "theme", "value": entry.theme},
        {"key": "update_frequency", "value": entry.update_frequency},
        {"key": "spatial_text", "value": entry.spatial},
        {"key": "temporal_start", "value": entry.temporal_start.isoformat()}
        if entry.temporal_start
        else None,
        {"key": "temporal_end", "value": entry.temporal_end.isoformat()}
        if entry.temporal_end
        else None,
        {"key": "attribution", "value": entry.attribution()},
        {"key": "source_kind", "value": entry.kind},
    ]
    return {
        "id": entry.id,
        "name": entry.name,
        "title": entry.title,
        "notes": entry.description,
        "type": "dataset",
        "state": "active",
        "private": False,
        "version": entry.version,
        "url": dcat.absolute(reverse("open_data:dataset", args=[entry.name])),
        "author": entry.publisher_name,
        "author_email": None,
        "maintainer": entry.contact_name,
        "maintainer_email": entry.contact_email or None,
        "license_id": licence.id,
        "license_title": licence.title,
        "license_url": licence.url,
        "metadata_created": entry.created.isoformat(),
        "metadata_modified": entry.modified.isoformat(),
        "owner_org": org_id,
        "organization": _organization(entry.publisher_code, entry.publisher_name, org_id),
        "groups": [
            {"id": g["id"], "name": g["name"], "title": g["title"], "display_name": g["title"]}
            for g in ([_group(entry.theme, 0)] if entry.theme else [])
        ],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [e for e in extras if e],
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "isopen": licence.od_conformance == "approved" and bool(licence.url),
    }


def _packages(entries: list[Entry]) -> list[dict[str, Any]]:
    org_ids = selectors.publisher_ids(e.publisher_code for e in entries)
    return [package_dict(e, org_ids) for e in entries]


def _entry(params: dict[str, Any]) -> Entry:
    key = params.get("id") or params.get("name_or_id") or params.get("name")
    if not key:
        raise validation("id", _("Missing value"))
    entry = selectors.get_entry(str(key))
    if entry is None:
        raise not_found(_("Not found: dataset “%(id)s”") % {"id": key})
    return entry


def package_list(params: dict[str, Any]) -> list[str]:
    """Names of every dataset (limit/offset paging)."""
    names = selectors.all_names()
    offset = _int(params, "offset", 0) or 0
    limit = _int(params, "limit", None)
    return names[offset : offset + limit if limit is not None else None]


def package_show(params: dict[str, Any]) -> dict[str, Any]:
    """One dataset by id or name."""
    return package_dict(_entry(params))


def _facet_fields(params: dict[str, Any]) -> list[str]:
    raw = params.get("facet.field")
    if raw in (None, ""):
        return []
    if isinstance(raw, list):
        return [str(f) for f in raw]
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        raise validation("facet.field", _("Must be a JSON list of field names")) from None
    if not isinstance(value, list):
        raise validation("facet.field", _("Must be a JSON list of field names"))
    return [str(f) for f in value]


def _facet_title(field: str, value: str, titles: dict[str, str]) -> str:
    if field == "organization":
        return titles.get(value, value)
    return value


def package_search(params: dict[str, Any]) -> dict[str, Any]:
    """Search: q, fq, rows (≤ the rules' maximum; more is capped with a warning), start,
    sort, facet.field, facet.limit."""
    rows = _int(params, "rows", None)
    start = _int(params, "start", 0) or 0
    facet_fields = _facet_fields(params)
    unknown = [f for f in facet_fields if f not in selectors.FACET_FIELDS]
    if unknown:
        raise ActionError(
            "Search Query Error",
            409,
            _("Search Query Error: cannot count by %(fields)s") % {"fields": ", ".join(unknown)},
        )
    facet_limit = _int(params, "facet.limit", 50)
    try:
        found = selectors.search(
            q=str(params.get("q") or ""),
            fq=str(params.get("fq") or ""),
            sort=params.get("sort") or None,
            start=start,
            rows=rows,
            facet_fields=facet_fields,
        )
    except SearchQueryError as exc:
        raise ActionError("Search Query Error", 409, f"Search Query Error: {exc}") from None
    titles = {code: name for code, name, _count in selectors.publishers()}
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field, counter in found.facets.items():
        top = counter.most_common(facet_limit if facet_limit is not None else None)
        facets[field] = dict(top)
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": v, "display_name": _facet_title(field, v, titles), "count": n}
                for v, n in top
            ],
        }
    result: dict[str, Any] = {
        "count": found.count,
        "sort": params.get("sort") or "score desc, metadata_modified desc",
        "facets": facets,
        "search_facets": search_facets,
        "results": _packages(found.entries),
    }
    if found.warnings:
        result["warnings"] = found.warnings
    return result


def organization_list(params: dict[str, Any]) -> list[Any]:
    """Publishers with datasets: names, or full dicts with all_fields."""
    rows = selectors.publishers()
    sort = str(params.get("sort") or "title asc")
    if sort.startswith("name"):
        rows.sort(key=lambda r: r[0], reverse=sort.endswith("desc"))
    elif sort.startswith("package_count"):
        rows.sort(key=lambda r: r[2], reverse=sort.endswith("desc"))
    elif sort.endswith("desc"):
        rows.reverse()
    offset = _int(params, "offset", 0) or 0
    limit = _int(params, "limit", None)
    rows = rows[offset : offset + limit if limit is not None else None]
    if _bool(params, "all_fields"):
        ids = selectors.publisher_ids(c for c, _n, _count in rows)
        return [_organization(c, n, ids.get(c, ""), count) for c, n, count in rows]
    return [c for c, _n, _count in rows]


def organization_show(params: dict[str, Any]) -> dict[str, Any]:
    """One publisher by name (code) or id, optionally with its datasets."""
    key = params.get("id")
    if not key:
        raise validation("id", _("Missing value"))
    found = selectors.publisher(str(key))
    if found is None:
        raise not_found(_("Not found: organization “%(id)s”") % {"id": key})
    code, name, org_id = found
    result = selectors.search(fq=f'organization:"{code}"', rows=1000)
    org = _organization(code, name, org_id, result.count)
    if code != PLATFORM_CODE:
        agency = Agency.objects.filter(code=code).first()
        if agency is not None and agency.website:
            org["url"] = agency.website
    if _bool(params, "include_datasets"):
        org["packages"] = _packages(result.entries)
    return org


def resource_show(params: dict[str, Any]) -> dict[str, Any]:
    """One resource by id (`<dataset name>.<format>`)."""
    key = str(params.get("id") or "")
    if not key:
        raise validation("id", _("Missing value"))
    name, _sep, fmt = key.rpartition(".")
    entry = selectors.get_entry(name) if name else None
    if entry is None or fmt not in entry.formats:
        raise not_found(_("Not found: resource “%(id)s”") % {"id": key})
    return _resource(entry, fmt, entry.formats.index(fmt))


def status_show(params: dict[str, Any]) -> dict[str, Any]:
    """What this site is and which CKAN API it speaks."""
    return {
        "site_title": str(_("Open Government Platform")),
        "site_description": str(_("Open data catalogue")),
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "zh_Hant_TW",
        "extensions": ["dcat"],
    }


def _tag(name: str, count: int | None = None) -> dict[str, Any]:
    tag: dict[str, Any] = {"id": name, "name": name, "display_name": name, "vocabulary_id": None}
    if count is not None:
        tag["package_count"] = count
    return tag


def _facet_counts(field: str) -> list[tuple[str, int]]:
    """Every value of one facet over the whole catalogue, most used first, then by name."""
    counter = selectors.search(rows=0, facet_fields=[field]).facets[field]
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def tag_list(params: dict[str, Any]) -> list[Any]:
    """Keywords in use: names, or full dicts with all_fields; `query` keeps those containing it."""
    query = str(params.get("query") or params.get("q") or "").lower()
    if params.get("vocabulary_id"):
        return []  # no tag vocabularies here
    tags = [(n, c) for n, c in _facet_counts("tags") if query in n.lower()]
    tags.sort(key=lambda item: item[0])
    if _bool(params, "all_fields"):
        return [_tag(n, c) for n, c in tags]
    return [n for n, _c in tags]


def tag_show(params: dict[str, Any]) -> dict[str, Any]:
    """One keyword by name, optionally with its datasets (include_datasets)."""
    key = str(params.get("id") or "")
    if not key:
        raise validation("id", _("Missing value"))
    counts = dict(_facet_counts("tags"))
    if key not in counts:
        raise not_found(_("Not found: tag “%(id)s”") % {"id": key})
    tag = _tag(key, counts[key])
    if _bool(params, "include_datasets"):
        found = selectors.search(fq=f'tags:"{key}"', rows=1000)
        tag["packages"] = _packages(found.entries)
    return tag


def _group(code: str, count: int) -> dict[str, Any]:
    title = str(Theme(code).label) if code in Theme.values else code
    return {
        "id": code,
        "name": code,
        "title": title,
        "display_name": title,
        "description": str(_("DCAT-AP data theme %(code)s") % {"code": code}),
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": None,
        "package_count": count,
    }


def group_list(params: dict[str, Any]) -> list[Any]:
    """Groups are the DCAT-AP data themes in use: names, or full dicts with all_fields."""
    groups = _facet_counts("theme")
    sort = str(params.get("sort") or "title asc")
    if sort.startswith("package_count"):
        groups.sort(key=lambda g: g[1], reverse=sort.endswith("desc"))
    else:
        groups.sort(key=lambda g: g[0], reverse=sort.endswith("desc"))
    offset = _int(params, "offset", 0) or 0
    limit = _int(params, "limit", None)
    groups = groups[offset : offset + limit if limit is not None else None]
    if _bool(params, "all_fields"):
        return [_group(code, count) for code, count in groups]
    return [code for code, _count in groups]


def group_show(params: dict[str, Any]) -> dict[str, Any]:
    """One data theme by its code, optionally with its datasets (include_datasets)."""
    key = str(params.get("id") or "")
    if not key:
        raise validation("id", _("Missing value"))
    counts = dict(_facet_counts("theme"))
    if key not in counts:
        raise not_found(_("Not found: group “%(id)s”") % {"id": key})
    group = _group(key, counts[key])
    if _bool(params, "include_datasets"):
        found = selectors.search(fq=f'theme:"{key}"', rows=1000)
        group["packages"] = _packages(found.entries)
    return group


def license_list(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The licences datasets here may carry."""
    return [
        {
            "id": licence.id,
            "title": licence.title,
            "url": licence.url,
            "od_conformance": licence.od_conformance,
            "osd_conformance": "not reviewed",
            "status": "active",
            "maintainer": "",
            "family": "",
            "is_generic": False,
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
        }
        for licence in LICENCES.values()
    ]


def site_read(params: dict[str, Any]) -> bool:
    """Whether the site may be read: always, for everyone."""
    return True


def current_package_list_with_resources(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Datasets with their resources, most recently modified first (limit, offset or page)."""
    limit = _int(params, "limit", None)
    offset = _int(params, "offset", 0) or 0
    page = _int(params, "page", None)
    if page is not None:
        if page < 1:
            raise validation("page", _("Must be a positive integer"))
        offset = (page - 1) * (limit or 0)
    found = selectors.search(sort="metadata_modified desc", start=offset, rows=limit)
    return _packages(found.entries)


def help_show(params: dict[str, Any]) -> str:
    """The documentation of an action (`name`)."""
    name = str(params.get("name") or "")
    handler = ACTIONS.get(name)
    if handler is None:
        raise not_found(_("Action name not known: %s") % name)
    return (handler.__doc__ or "").strip()


ACTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "help_show": help_show,
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "resource_show": resource_show,
    "status_show": status_show,
    "tag_list": tag_list,
    "tag_show": tag_show,
    "group_list": group_list,
    "group_show": group_show,
    "license_list": license_list,
    "site_read": site_read,
    "current_package_list_with_resources": current_package_list_with_resources,
}


def _params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.GET.items())
    if request.method == "POST":
        if request.content_type == "application/json" or (
            request.body[:1] in (b"{",) and request.content_type != "multipart/form-data"
        ):
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise ActionError(
                    "Bad request", 400, _("Bad request - JSON Error: could not read the body")
                ) from None
            if not isinstance(body, dict):
                raise ActionError("Bad request", 400, _("Bad request - the body must be a dict"))
            params.update(body)
        else:
            params.update(dict(request.POST.items()))
    for name, value in params.items():
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            raise validation(name.replace("\x00", ""), _("This value may not contain NUL."))
    return params


def _envelope(action: str, **body: Any) -> dict[str, Any]:
    help_url = dcat.absolute(reverse("ckan:action", args=["help_show"])) + f"?name={action}"
    return {"help": help_url, **body}


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponseBase:
    """Run one CKAN action."""
    handler = ACTIONS.get(name)
    if handler is None:
        body = _envelope(
            name,
            success=False,
            error={"__type": "Not Found Error", "message": _("Action name not known: %s") % name},
        )
        return JsonResponse(body, status=400)
    if request.method not in ("GET", "POST"):
        return JsonResponse(
            _envelope(
                name,
                success=False,
                error={"__type": "Bad request", "message": _("Use GET or POST.")},
            ),
            status=405,
        )
    try:
        result = handler(_params(request))
    except ActionError as exc:
        error = {"__type": exc.kind, "message": exc.message, **exc.details}
        return JsonResponse(_envelope(name, success=False, error=error), status=exc.status)
    response = JsonResponse(
        _envelope(name, success=True, result=result), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    if request.method == "GET":
        patch_cache_control(response, public=True, max_age=60)
        return conditional.answer_with_body(request, response)
    return response
