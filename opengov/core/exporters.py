"""The registry of public datasets: what each app publishes as open data.

Each app declares its datasets in its own `exporters.py` by calling `register(Exporter(...))`;
the modules are imported when Django starts. `open_data` only runs exporters from here and
never imports another app's models. Fields marked `personal` are never emitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ExportField:
    """One column of a dataset: its name, type (string, integer, number, boolean, date,
    datetime, object), description, and whether it is personal data (left out)."""

    name: str
    type: str
    description: str | Promise
    personal: bool = False
    #: for a published field that must be masked (e.g. an ID number shown as A12****789):
    #: called on each value before it leaves the platform
    mask: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Exporter:
    """A dataset an app publishes: metadata plus a function producing its rows as dicts.

    `rows()` yields dicts. For large datasets an exporter may also give `tuples(names)`,
    which yields sequences holding the values of `names` (the public fields, in order), e.g.
    `lambda names: Model.objects.values_list(*names).iterator(chunk_size=2000)`; the
    downloads then stream without building a dict per row.
    """

    slug: str
    app_label: str
    title: str | Promise
    description: str | Promise
    fields: tuple[ExportField, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]
    update_frequency: str = "daily"
    keywords: tuple[str, ...] = ()
    theme: str = "GOVE"
    publisher_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    tuples: Callable[[tuple[str, ...]], Iterable[Sequence[Any]]] | None = None

    def public_fields(self) -> tuple[ExportField, ...]:
        """The fields that may be published (personal ones left out)."""
        return tuple(f for f in self.fields if not f.personal)

    def public_rows(self) -> Iterator[dict[str, Any]]:
        """Rows with only the public fields, in declared order."""
        names = [f.name for f in self.public_fields()]
        for values in self.public_tuples():
            yield dict(zip(names, values, strict=True))

    def public_tuples(self) -> Iterator[Sequence[Any]]:
        """Rows as sequences of the public fields' values, in declared order, masks applied."""
        public = self.public_fields()
        names = tuple(f.name for f in public)
        if self.tuples is not None:
            source: Iterable[Sequence[Any]] = self.tuples(names)
        else:
            source = (tuple(row.get(name) for name in names) for row in self.rows())
        masks = [(i, f.mask) for i, f in enumerate(public) if f.mask is not None]
        if not masks:
            yield from source
            return
        for values in source:
            masked = list(values)
            for i, mask in masks:
                masked[i] = mask(masked[i])
            yield masked

    def public_batches(self, batch_size: int = 2000) -> Iterator[list[Sequence[Any]]]:
        """`public_tuples()` in lists of up to `batch_size` rows, for streaming writers.

        A `tuples` function that offers `.batches(names, batch_size)` (as `cursor_tuples`
        does) hands over whole fetches, with no per-row step in between.
        """
        batched = getattr(self.tuples, "batches", None)
        public = self.public_fields()
        masks = [(i, f.mask) for i, f in enumerate(public) if f.mask is not None]
        if batched is not None:
            for batch in batched(tuple(f.name for f in public), batch_size):
                if masks:
                    batch = [list(row) for row in batch]
                    for row in batch:
                        for i, mask in masks:
                            row[i] = mask(row[i])
                yield batch
            return
        iterator = iter(self.public_tuples())
        while batch := list(islice(iterator, batch_size)):
            yield batch


def cursor_tuples(queryset: Any, *, chunk_size: int = 2000) -> Callable[..., Iterator[Any]]:
    """A `tuples` function that reads a queryset's columns straight from a database cursor,
    `chunk_size` rows at a time (a server-side cursor on PostgreSQL).

    Values come as the database driver gives them, without the ORM's per-value conversions
    (SQLite gives booleans as 0/1 and dates as text): use it for plain columns of large
    datasets; the download writers format each declared field type the same way either way.
    Fields that the ORM rewrites (modeltranslation's translated fields) are refused.
    """
    from django.db import connections

    def batches(names: tuple[str, ...], size: int = chunk_size) -> Iterator[list[Any]]:
        subset = queryset.values_list(*names)
        sql, params = subset.query.get_compiler(using=subset.db).as_sql()
        fetch = min(size, chunk_size)
        with connections[subset.db].chunked_cursor() as cursor:
            cursor.execute(sql, params)
            columns = [d[0] for d in cursor.description or ()]
            if sorted(columns) != sorted(names):
                raise ValueError(
                    f"cursor_tuples: the query gives the columns {columns} for the fields "
                    f"{list(names)} (a translated or computed field?); use rows() instead"
                )
            if columns == list(names):
                while rows := cursor.fetchmany(fetch):
                    yield rows
            else:  # some querysets (modeltranslation's) select the columns in another order
                reorder = itemgetter(*(columns.index(n) for n in names))
                single = len(names) == 1
                while rows := cursor.fetchmany(fetch):
                    yield [(reorder(r),) if single else reorder(r) for r in rows]

    def produce(names: tuple[str, ...]) -> Iterator[Any]:
        for rows in batches(names):
            yield from rows

    produce.batches = batches  # type: ignore[attr-defined]
    return produce


_registry: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Add a dataset to the registry (re-registering the same slug replaces it)."""
    _registry[exporter.slug] = exporter
    return exporter


def all_exporters() -> list[Exporter]:
    """Every registered dataset, by slug."""
    return [_registry[k] for k in sorted(_registry)]


def get_exporter(slug: str) -> Exporter | None:
    """The dataset with this slug, or None."""
    return _registry.get(slug)


# --- The core's own dataset: the audit log's signed checkpoints -----------------------------


def _audit_checkpoint_rows() -> Iterator[dict[str, Any]]:
    from . import clock
    from .audit import AUDIT_LOG
    from .models import LogCheckpoint

    for cp in LogCheckpoint.objects.filter(log=AUDIT_LOG).order_by("size", "id").iterator():
        yield {
            "size": cp.size,
            "root_hash": cp.root_b64,
            "signed_at": cp.created_at.astimezone(clock.local_zone()).isoformat(),
            "note": cp.note,
        }


def _register_core() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        Exporter(
            slug="audit-log-checkpoints",
            app_label="core",
            title=_("Audit log checkpoints"),
            description=_(
                "Every signed checkpoint of the platform's audit log: the number of events, "
                "the Merkle tree's root hash (RFC 9162) and the checkpoint as a C2SP signed "
                "note (Ed25519, key at /audit/key). With two checkpoints anyone can ask for a "
                "consistency proof at /audit/proof/consistency and check that no event was "
                "removed, changed or inserted in between."
            ),
            fields=(
                ExportField("size", "integer", _("Number of events the checkpoint covers")),
                ExportField("root_hash", "string", _("Root hash of the tree, base64")),
                ExportField("signed_at", "datetime", _("When the checkpoint was signed")),
                ExportField("note", "string", _("The signed checkpoint (C2SP signed note)")),
            ),
            rows=_audit_checkpoint_rows,
            update_frequency="continuous",
            keywords=("audit", "transparency log", "Merkle tree"),
        )
    )


_register_core()
