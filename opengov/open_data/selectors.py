"""Reads of the catalogue: one `Entry` shape for registry datasets (produced live by an app's
exporter) and uploaded agency datasets, their search, and their rows in batches."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import heapq
import io
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.core import clock
from opengov.core.exporters import Exporter, all_exporters, get_exporter

from . import rules
from .models import Dataset, DatasetVersion, DownloadCount, Showcase

PLATFORM_CODE = "platform"
DOWNLOAD_FORMATS = ("csv", "json", "jsonl")
BATCH_SIZE = 2000
_REGISTRY_NS = uuid.UUID("6f1c3a52-0d5e-4b7e-9a51-5b0f0c2d7e11")


def platform_name() -> str:
    """The platform as a publisher (of the datasets apps export)."""
    return _("Open Government Platform")


@dataclass
class Entry:
    """One dataset of the catalogue, whichever kind it is."""

    kind: str  # "registry" or "upload"
    id: str
    name: str
    title: str
    description: str
    publisher_code: str
    publisher_name: str
    contact_name: str
    contact_email: str
    keywords: list[str]
    theme: str
    licence_id: str
    update_frequency: str
    created: dt.datetime
    modified: dt.datetime
    fields: list[dict[str, Any]]
    version: str
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    spatial: str = ""
    withheld_fields: list[str] = field(default_factory=list)
    masked_fields: list[str] = field(default_factory=list)
    original_format: str = ""
    row_count: int | None = None
    exporter: Exporter | None = None
    dataset: Dataset | None = None
    latest: DatasetVersion | None = None

    @property
    def formats(self) -> list[str]:
        """Formats a person can download (plus the original upload's, when it differs)."""
        extra = [self.original_format] if self.original_format not in ("", "csv", "json") else []
        return [*DOWNLOAD_FORMATS, *extra]

    @property
    def licence(self) -> rules.Licence:
        """The dataset's licence."""
        return rules.licence(self.licence_id)

    def attribution(self, version: str | None = None) -> str:
        """The attribution statement its licence requires, for this or the given version."""
        return rules.attribution(
            licence_id=self.licence_id,
            publisher=self.publisher_name,
            year=self.modified.year,
            title=self.title,
            version=version or self.version,
        )


def registry_package_id(slug: str) -> str:
    """A stable UUID for a registry dataset (they have no database row)."""
    return str(uuid.uuid5(_REGISTRY_NS, slug))


def _agency_names(codes: set[str]) -> dict[str, str]:
    return dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))


def registry_modified(exporter: Exporter, now: dt.datetime) -> dt.datetime:
    """When a registry dataset's rows last changed: what the exporter says, or (for one that
    cannot say, or has no rows yet) the start of the day, as a daily snapshot."""
    changed = exporter.last_changed() if exporter.last_changed is not None else None
    if changed is None:
        return clock.start_of_local_day(now.astimezone(clock.local_zone()).date())
    return min(changed, now)


def _registry_entry(exporter: Exporter, agency_names: dict[str, str], now: dt.datetime) -> Entry:
    code = exporter.publisher_code if exporter.publisher_code in agency_names else PLATFORM_CODE
    public = exporter.public_fields()
    modified = registry_modified(exporter, now)
    return Entry(
        kind="registry",
        id=registry_package_id(exporter.slug),
        name=exporter.slug,
        title=str(exporter.title),
        description=str(exporter.description),
        publisher_code=code,
        publisher_name=agency_names.get(code, platform_name()),
        contact_name=str(exporter.extra.get("contact_name", platform_name())),
        contact_email=str(exporter.extra.get("contact_email", "")),
        keywords=[str(k) for k in exporter.keywords],
        theme=exporter.theme,
        licence_id=str(exporter.extra.get("licence", rules.default_licence())),
        update_frequency=exporter.update_frequency,
        created=modified,
        modified=modified,
        fields=[
            {"name": f.name, "type": f.type, "description": str(f.description), "required": False}
            for f in public
        ],
        version=modified.astimezone(clock.local_zone()).date().isoformat(),
        withheld_fields=[f.name for f in exporter.fields if f.personal],
        masked_fields=[f.name for f in public if f.mask is not None],
        exporter=exporter,
    )


def registry_entries() -> list[Entry]:
    """Every dataset apps publish through the exporter registry, by name."""
    exporters = all_exporters()
    names = _agency_names({e.publisher_code for e in exporters if e.publisher_code})
    now = clock.now()
    return [_registry_entry(e, names, now) for e in exporters]


def listed_datasets() -> QuerySet[Dataset]:
    """Uploaded datasets that have at least one version (what the catalogue lists)."""
    return Dataset.objects.filter(latest_version__gt=0)


def _upload_entry(dataset: Dataset, latest: DatasetVersion | None = None) -> Entry:
    if latest is None:
        latest = dataset.versions.filter(number=dataset.latest_version).first()
    return Entry(
        kind="upload",
        id=str(dataset.public_id),
        name=dataset.name,
        title=dataset.title,
        description=dataset.description,
        publisher_code=dataset.agency.code,
        publisher_name=dataset.agency.name,
        contact_name=dataset.contact_name,
        contact_email=dataset.contact_email,
        keywords=[k.name for k in dataset.keywords.all()],
        theme=dataset.theme,
        licence_id=dataset.licence,
        update_frequency=dataset.update_frequency,
        created=dataset.created_at,
        modified=dataset.updated_at,
        fields=list(latest.schema) if latest else [],
        version=str(dataset.latest_version),
        temporal_start=dataset.temporal_start,
        temporal_end=dataset.temporal_end,
        spatial=dataset.spatial,
        original_format=dataset.original_format,
        row_count=latest.row_count if latest else None,
        dataset=dataset,
        latest=latest,
    )


def _dataset_qs() -> QuerySet[Dataset]:
    return listed_datasets().select_related("agency").prefetch_related("keywords")


def get_entry(name_or_id: str) -> Entry | None:
    """The dataset with this name or id (registry first), or None."""
    exporter = get_exporter(name_or_id)
    if exporter is None:
        exporter = next(
            (e for e in all_exporters() if registry_package_id(e.slug) == name_or_id), None
        )
    if exporter is not None:
        names = _agency_names({exporter.publisher_code} if exporter.publisher_code else set())
        return _registry_entry(exporter, names, clock.now())
    query = Q(name=name_or_id)
    with contextlib.suppress(ValueError):
        query |= Q(public_id=uuid.UUID(name_or_id))
    dataset = _dataset_qs().filter(query).first()
    return _upload_entry(dataset) if dataset else None


def entries_for(datasets: Sequence[Dataset]) -> list[Entry]:
    """Entries for datasets, fetching their latest versions in one query."""
    wanted = Q(pk__in=[])
    for d in datasets:
        wanted |= Q(dataset_id=d.pk, number=d.latest_version)
    latest = {(v.dataset_id, v.number): v for v in DatasetVersion.objects.filter(wanted)}
    return [_upload_entry(d, latest.get((d.pk, d.latest_version))) for d in datasets]


def all_names() -> list[str]:
    """Names of every listed dataset (CKAN package_list), sorted."""
    return sorted(
        [e.slug for e in all_exporters()] + list(listed_datasets().values_list("name", flat=True))
    )


def versions_of(dataset: Dataset) -> QuerySet[DatasetVersion]:
    """Every version of an uploaded dataset, newest first."""
    return dataset.versions.select_related("uploaded_by").order_by("-number")


def download_counts(names: Sequence[str]) -> dict[str, int]:
    """Downloads so far, by dataset name."""
    return dict(DownloadCount.objects.filter(name__in=names).values_list("name", "count"))


# --- search -------------------------------------------------------------------------------

FACET_FIELDS = ("organization", "tags", "res_format", "license_id", "theme")


class SearchQueryError(ValueError):
    """A query the catalogue does not understand (CKAN "Search Query Error")."""


@dataclass
class SearchResult:
    """One page of a catalogue search."""

    count: int
    entries: list[Entry]
    facets: dict[str, Counter]
    warnings: list[str] = field(default_factory=list)


#: fields every dataset here has one fixed value for (CKAN harvesters send them in fq)
FIXED_FIELDS = {
    "dataset_type": "dataset",
    "type": "dataset",
    "state": "active",
    "capacity": "public",
}
RANGE_FIELDS = ("metadata_modified", "metadata_created")


#: free-text fields a query may name (`title:人口`); `text` searches all of them
TEXT_FIELDS = ("title", "notes", "text")
FIELD_ALIASES = {
    "groups": "theme",
    "license": "license_id",
    "format": "res_format",
    "res_format": "res_format",
    "organization": "organization",
    "owner_org": "organization",
    "tags": "tags",
    "description": "notes",
}


@dataclass(frozen=True)
class Clause:
    """One condition of a query: `field` has any of `values` (or none of them, if negated)."""

    field: str
    values: tuple[str, ...]
    negated: bool = False


def _tokens(text: str) -> list[str]:
    """Split on white space outside quotes, [ranges] and (groups)."""
    tokens: list[str] = []
    current, quoted, depth = "", False, 0
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "[(":
            depth += 1
        elif not quoted and char in "])":
            if not depth:
                raise SearchQueryError(_("Unbalanced brackets in the query."))
            depth -= 1
        if char.isspace() and not quoted and not depth:
            if current:
                tokens.append(current)
            current = ""
            continue
        current += char
    if quoted or depth:
        raise SearchQueryError(_("Unbalanced quotation marks or brackets in the query."))
    if current:
        tokens.append(current)
    return tokens


def _group_values(value: str, field: str) -> tuple[str, ...]:
    """`(a OR b OR "c d")` -> ("a", "b", "c d"); a plain value -> (value,)."""
    if not value.startswith("("):
        return (value.strip('"'),)
    if not value.endswith(")"):
        raise SearchQueryError(_("Close the parenthesis of %(field)s.") % {"field": field})
    parts = _tokens(value[1:-1])
    values = [part.strip('"') for i, part in enumerate(parts) if i % 2 == 0]
    joiners = {part.upper() for i, part in enumerate(parts) if i % 2 == 1}
    if not values or len(parts) % 2 == 0 or joiners - {"OR"}:
        raise SearchQueryError(
            _("Write alternatives as %(field)s:(a OR b); other operators are not supported.")
            % {"field": field}
        )
    raw = [part for i, part in enumerate(parts) if i % 2 == 0]
    if any(part.startswith("(") or (":" in part and not part.startswith('"')) for part in raw):
        raise SearchQueryError(_("Nested queries are not supported."))
    return tuple(values)


def _moment(text: str, field: str) -> dt.datetime | None:
    text = text.strip()
    if text in ("*", ""):
        return None
    if text.upper().startswith("NOW"):
        return clock.now()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(
            _("Cannot read the date “%(value)s” for %(field)s.") % {"value": text, "field": field}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def parse_range(value: str, field: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A Solr date range `[2020-01-01T00:00:00Z TO *]` as (start, end), either open."""
    inner = value.strip()
    if not (inner.startswith("[") and inner.endswith("]")) or " TO " not in inner:
        raise SearchQueryError(
            _("Write %(field)s as a range: [2024-01-01T00:00:00Z TO *].") % {"field": field}
        )
    low, high = inner[1:-1].split(" TO ", 1)
    return _moment(low, field), _moment(high, field)


def parse_query(text: str) -> list[Clause]:
    """A CKAN/Solr-style query as clauses that must all hold.

    Understood: bare words and "quoted phrases" (searched in every text field), `*:*`, `+`
    and AND between clauses; `-` or NOT before a clause; `field:value`, `field:"a value"` and
    `field:(a OR b)` for organization (owner_org), tags, res_format (format), license_id,
    theme (groups), name and the text fields title, notes (description) and text; the fields
    CKAN harvesters send (dataset_type, state, capacity); date ranges such as
    `metadata_modified:[2024-01-01T00:00:00Z TO *]`. Anything else, such as OR between
    clauses, is refused with a message rather than answered with a silently wrong result.
    """
    clauses: list[Clause] = []
    text = (text or "").strip()
    if text in ("", "*:*", "*"):
        return clauses
    negate_next = False
    for token in _tokens(text):
        upper = token.upper()
        if token in ("+", "*:*") or upper == "AND" or token == "&&":
            continue
        if upper == "NOT":
            negate_next = True
            continue
        if upper == "OR" or token == "||":
            raise SearchQueryError(
                _(
                    "OR between different conditions is not supported; write alternatives of "
                    "one field as field:(a OR b)."
                )
            )
        negated, negate_next = negate_next, False
        if token.startswith("-") and len(token) > 1:
            negated, token = True, token[1:]
        token = token.lstrip("+")
        key, sep, value = token.partition(":")
        if sep and key and not key.startswith(("http", "//")) and not key.startswith('"'):
            key = FIELD_ALIASES.get(key, key)
            if key not in (*FACET_FIELDS, "name", *TEXT_FIELDS, *FIXED_FIELDS, *RANGE_FIELDS):
                raise SearchQueryError(
                    _("Cannot search on the field “%(field)s”.") % {"field": key}
                )
            if key in RANGE_FIELDS:
                parse_range(value, key)
                clauses.append(Clause(key, (value,), negated))
                continue
            values = _group_values(value, key)
            if not all(values):
                raise SearchQueryError(_("Give %(field)s a value.") % {"field": key})
            clauses.append(Clause(key, values, negated))
        else:
            clauses.append(Clause("text", (token.strip('"'),), negated))
    if negate_next:
        raise SearchQueryError(_("NOT must come before a condition."))
    return clauses


def _entry_values(entry: Entry, field: str) -> list[str]:
    return {
        "organization": [entry.publisher_code],
        "tags": entry.keywords,
        "res_format": [f.upper() for f in entry.formats],
        "license_id": [entry.licence_id],
        "theme": [entry.theme],
        "name": [entry.name],
    }[field]


def _entry_text(entry: Entry, field: str) -> str:
    if field == "title":
        return entry.title.lower()
    if field == "notes":
        return entry.description.lower()
    return " ".join(
        [entry.name, entry.title, entry.description, entry.publisher_name, *entry.keywords]
    ).lower()


def _entry_has(entry: Entry, clause: Clause, value: str) -> bool:
    key = clause.field
    if key in FIXED_FIELDS:
        return value == FIXED_FIELDS[key]
    if key in RANGE_FIELDS:
        moment = entry.modified if key == "metadata_modified" else entry.created
        low, high = parse_range(value, key)
        return not ((low and moment < low) or (high and moment > high))
    if key in TEXT_FIELDS:
        return value.lower() in _entry_text(entry, key)
    if key == "res_format":
        value = value.upper()
    return value in _entry_values(entry, key)


def _entry_matches(entry: Entry, clauses: list[Clause]) -> bool:
    for clause in clauses:
        hit = any(_entry_has(entry, clause, value) for value in clause.values)
        if hit == clause.negated:
            return False
    return True


#: conditions that hold for every row and for none (an empty Q() vanishes when OR-ed)
EVERY = Q(pk__isnull=False)
NOTHING = Q(pk__in=[])


def _dataset_q(clause: Clause, value: str) -> Q:
    """The condition one value of a clause puts on uploaded datasets."""
    key = clause.field
    if key == "organization":
        return Q(agency__code=value)
    if key == "tags":
        return Q(pk__in=Dataset.objects.filter(keywords__name=value).values("pk"))
    if key == "license_id":
        return Q(licence=value)
    if key == "theme":
        return Q(theme=value)
    if key == "name":
        return Q(name=value)
    if key == "title":
        return Q(title__icontains=value)
    if key == "notes":
        return Q(description__icontains=value)
    if key == "text":
        return (
            Q(name__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(agency__name__icontains=value)
            | Q(pk__in=Dataset.objects.filter(keywords__name__icontains=value).values("pk"))
        )
    if key in FIXED_FIELDS:
        return EVERY if value == FIXED_FIELDS[key] else NOTHING
    if key in RANGE_FIELDS:
        column = "updated_at" if key == "metadata_modified" else "created_at"
        low, high = parse_range(value, key)
        condition = EVERY
        if low:
            condition &= Q(**{f"{column}__gte": low})
        if high:
            condition &= Q(**{f"{column}__lte": high})
        return condition
    if key == "res_format":
        upper = value.upper()
        if upper in [f.upper() for f in DOWNLOAD_FORMATS]:
            return EVERY  # every uploaded dataset is served in these
        return Q(original_format=value.lower())
    raise SearchQueryError(_("Cannot search on the field “%(field)s”.") % {"field": key})


def _dataset_filter(clauses: list[Clause]) -> QuerySet[Dataset]:
    qs = listed_datasets()
    for clause in clauses:
        condition = NOTHING
        for value in clause.values:
            condition |= _dataset_q(clause, value)
        qs = qs.exclude(condition) if clause.negated else qs.filter(condition)
    return qs


SORTS = {
    "name": ("name", "name"),
    "title_string": ("title", "title"),
    "title": ("title", "title"),
    "metadata_modified": ("updated_at", "modified"),
    "metadata_created": ("created_at", "created"),
    "score": ("updated_at", "modified"),
    "id": ("public_id", "id"),
}


def parse_sort(text: str | None) -> tuple[str, bool]:
    """The first key of a CKAN sort ("metadata_modified desc, name asc"): (key, descending)."""
    first = (text or "score desc").split(",")[0].split()
    key = first[0] if first else "score"
    direction = first[1].lower() if len(first) > 1 else "asc"
    if key not in SORTS or direction not in ("asc", "desc"):
        raise SearchQueryError(_("Cannot sort by “%(sort)s”.") % {"sort": text})
    return key, direction == "desc"


def _facet_counts(
    qs: QuerySet[Dataset], registry: list[Entry], fields: Sequence[str]
) -> dict[str, Counter]:
    facets: dict[str, Counter] = {}
    pks = qs.values("pk")
    total = qs.count()
    for name in fields:
        counter: Counter = Counter()
        if name == "organization":
            for code, n in (
                Dataset.objects.filter(pk__in=pks)
                .values_list("agency__code")
                .annotate(n=Count("pk"))
            ):
                counter[code] += n
        elif name == "tags":
            for tag, n in (
                Dataset.objects.filter(pk__in=pks)
                .values_list("keywords__name")
                .annotate(n=Count("pk"))
            ):
                if tag:
                    counter[tag] += n
        elif name == "license_id":
            for lic, n in (
                Dataset.objects.filter(pk__in=pks).values_list("licence").annotate(n=Count("pk"))
            ):
                counter[lic] += n
        elif name == "theme":
            for theme, n in (
                Dataset.objects.filter(pk__in=pks).values_list("theme").annotate(n=Count("pk"))
            ):
                counter[theme] += n
        elif name == "res_format":
            for fmt in DOWNLOAD_FORMATS:
                counter[fmt.upper()] += total
            for fmt, n in (
                Dataset.objects.filter(pk__in=pks)
                .exclude(original_format__in=["", *DOWNLOAD_FORMATS])
                .values_list("original_format")
                .annotate(n=Count("pk"))
            ):
                counter[fmt.upper()] += n
        else:
            raise SearchQueryError(_("Cannot count by “%(field)s”.") % {"field": name})
        for entry in registry:
            values = {
                "organization": [entry.publisher_code],
                "tags": entry.keywords,
                "license_id": [entry.licence_id],
                "theme": [entry.theme],
                "res_format": [f.upper() for f in entry.formats],
            }[name]
            for value in values:
                counter[value] += 1
        facets[name] = counter
    return facets


def search(
    *,
    q: str = "",
    fq: str = "",
    sort: str | None = None,
    start: int = 0,
    rows: int | None = None,
    facet_fields: Sequence[str] = (),
) -> SearchResult:
    """Search the catalogue the way CKAN's package_search does (rows capped by the rules)."""
    clauses = parse_query(q) + parse_query(fq)
    capped = rules.search_rows(rows)
    key, descending = parse_sort(sort)
    db_field, attr = SORTS[key]
    start = max(0, start)

    registry = [e for e in registry_entries() if _entry_matches(e, clauses)]
    qs = _dataset_filter(clauses)
    count = qs.count() + len(registry)
    facets = _facet_counts(qs, registry, facet_fields)

    def sort_key(value: Any) -> Any:
        if isinstance(value, uuid.UUID) or attr == "id":
            return str(value)
        return value.lower() if isinstance(value, str) else value

    registry.sort(key=lambda e: (sort_key(getattr(e, attr)), e.name), reverse=descending)
    wanted = start + capped.rows
    order = [f"-{db_field}" if descending else db_field, "-name" if descending else "name"]
    head = list(qs.order_by(*order).values_list("pk", db_field, "name")[:wanted])
    merged = heapq.merge(
        [((sort_key(getattr(e, attr)), e.name), "r", e) for e in registry],
        [((sort_key(v), name), "d", pk) for pk, v, name in head],
        key=lambda item: item[0],
        reverse=descending,
    )
    page = list(merged)[start:wanted]
    by_pk = {d.pk: d for d in _dataset_qs().filter(pk__in=[i[2] for i in page if i[1] == "d"])}
    upload_entries = {e.dataset.pk: e for e in entries_for(list(by_pk.values()))}
    entries = [item[2] if item[1] == "r" else upload_entries[item[2]] for item in page]
    return SearchResult(
        count=count,
        entries=entries,
        facets=facets,
        warnings=[capped.message] if capped.message else [],
    )


def publishers() -> list[tuple[str, str, int]]:
    """Publishers with listed datasets: (code, name, dataset count), by name."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for code, name, n in (
        listed_datasets().values_list("agency__code", "agency__name").annotate(n=Count("pk"))
    ):
        counts[code] += n
        names[code] = name
    for entry in registry_entries():
        counts[entry.publisher_code] += 1
        names[entry.publisher_code] = entry.publisher_name
    return sorted(((c, names[c], counts[c]) for c in counts), key=lambda t: t[1])


def publisher(code: str) -> tuple[str, str, str] | None:
    """(code, name, id) of a publisher by code or id, or None."""
    if code == PLATFORM_CODE:
        return PLATFORM_CODE, platform_name(), str(uuid.uuid5(_REGISTRY_NS, PLATFORM_CODE))
    query = Q(code=code)
    with contextlib.suppress(ValueError):
        query |= Q(public_id=uuid.UUID(code))
    agency = Agency.objects.filter(query).first()
    if agency is None:
        return None
    return agency.code, agency.name, str(agency.public_id)


def publisher_ids(codes: Iterable[str]) -> dict[str, str]:
    """Ids of several publishers at once, by code."""
    wanted = set(codes)
    ids = {
        code: str(public_id)
        for code, public_id in Agency.objects.filter(code__in=wanted).values_list(
            "code", "public_id"
        )
    }
    if PLATFORM_CODE in wanted:
        ids.setdefault(PLATFORM_CODE, str(uuid.uuid5(_REGISTRY_NS, PLATFORM_CODE)))
    return ids


# --- rows -----------------------------------------------------------------------------------


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


class PublishedNumber(decimal.Decimal):
    """A decimal that prints as the digits it was published with (when those are valid JSON),
    so `0.000001` stays `0.000001` rather than becoming `1E-6`."""

    text: str

    def __new__(cls, text: str) -> PublishedNumber:
        value = super().__new__(cls, text)
        value.text = text if _JSON_NUMBER.fullmatch(text) else str(decimal.Decimal(text))
        return value

    def __str__(self) -> str:
        return self.text


def _exact_number(text: str) -> decimal.Decimal | str | None:
    """A number cell as the exact decimal it was given (JSON writes its very digits); a value
    JSON cannot hold as a number (NaN, INF) stays the text it was."""
    if text == "":
        return None
    try:
        value = PublishedNumber(text.strip())
    except decimal.InvalidOperation:
        return text
    return value if value.is_finite() else text


def _cast(ftype: str):
    if ftype == "integer":
        return lambda v: int(v) if v != "" else None
    if ftype == "number":
        return _exact_number
    if ftype == "boolean":
        return lambda v: (v == "true") if v != "" else None
    if ftype in ("string",):
        return None
    return lambda v: v if v != "" else None


def version_text_rows(version: DatasetVersion) -> Iterator[list[str]]:
    """The rows of an uploaded version as text, header excluded, read from its file."""
    with version.data.open("rb") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        next(reader, None)
        yield from reader


def text_batches(version: DatasetVersion) -> Iterator[list[list[str]]]:
    """Rows of an uploaded version exactly as stored (text), in batches."""
    batch: list[list[str]] = []
    for row in version_text_rows(version):
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def typed_batches(entry: Entry, version: DatasetVersion | None = None) -> Iterator[list[Any]]:
    """Rows of a dataset as typed values (for JSON), in batches."""
    if entry.exporter is not None:
        yield from entry.exporter.public_batches(BATCH_SIZE)
        return
    version = version or entry.latest
    if version is None:
        return
    casts = [(i, c) for i, f in enumerate(version.schema) if (c := _cast(f.get("type", "")))]
    batch: list[Any] = []
    for row in version_text_rows(version):
        for i, cast in casts:
            row[i] = cast(row[i])
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def preview(entry: Entry, limit: int) -> list[list[Any]]:
    """The first rows, for the dataset page."""
    rows: list[list[Any]] = []
    for batch in typed_batches(entry):
        rows.extend(batch[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows


def get_version(entry: Entry, number: int) -> DatasetVersion | None:
    """A version of an uploaded dataset."""
    if entry.dataset is None:
        return None
    return entry.dataset.versions.filter(number=number).first()


# --- showcases ------------------------------------------------------------------------------


def published_showcases(dataset_name: str | None = None) -> list[Showcase]:
    """Approved showcases, newest first; only those using a dataset when named."""
    shown = list(Showcase.objects.filter(status=Showcase.Status.APPROVED))
    if dataset_name:
        shown = [s for s in shown if dataset_name in s.datasets]
    return shown


def pending_showcases() -> QuerySet[Showcase]:
    """Showcases waiting for a moderator, oldest first."""
    return Showcase.objects.filter(status=Showcase.Status.PENDING).order_by("created_at")
