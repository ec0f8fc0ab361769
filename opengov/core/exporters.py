"""The registry of public datasets: what each app publishes as open data.

Each app declares its datasets in its own `exporters.py` by calling `register(Exporter(...))`;
the modules are imported when Django starts. `open_data` only runs exporters from here and
never imports another app's models. Fields marked `personal` are never emitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Exporter:
    """A dataset an app publishes: metadata plus a function producing its rows as dicts."""

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

    def public_fields(self) -> tuple[ExportField, ...]:
        """The fields that may be published (personal ones left out)."""
        return tuple(f for f in self.fields if not f.personal)

    def public_rows(self) -> Iterator[dict[str, Any]]:
        """Rows with only the public fields, in declared order."""
        names = [f.name for f in self.public_fields()]
        for row in self.rows():
            yield {name: row.get(name) for name in names}


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
