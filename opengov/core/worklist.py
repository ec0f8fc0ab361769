"""An official's worklist: everything waiting for the person's agency, by deadline.

Apps contribute sources in their `worklist.py` (imported at start-up, as `home.py` and
`exporters.py` are), so the core lists work from every app without importing one. A source
returns the items one person must act on; the core orders them by due date and derives
overdue / days left from the one clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.cache import cache

from . import clock

#: how long the header's count is kept per person (the page itself is always live)
COUNT_SECONDS = 60


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: what, where to do it, and by when (None: no legal deadline)."""

    source: str
    title: str
    action: str
    url: str
    due: dt.date | None = None
    detail: str = ""


@dataclass(frozen=True)
class WorkSource:
    """One kind of work an app contributes (answers to give, comments to decide, ...)."""

    key: str
    order: int
    title: Any
    items: Callable[[Any], list[WorkItem]]


@dataclass
class WorkEntry:
    """A work item with what follows from today: overdue, due today, days left."""

    item: WorkItem
    days_left: int | None = None
    overdue: bool = False
    source_title: Any = ""

    @property
    def overdue_days(self) -> int:
        """Days past the due date (0 when not overdue)."""
        return -self.days_left if self.overdue and self.days_left is not None else 0


_sources: dict[str, WorkSource] = {}


def register(source: WorkSource) -> WorkSource:
    """Add (or replace) a source of work."""
    _sources[source.key] = source
    return source


def registered_sources() -> list[WorkSource]:
    """The sources in display order."""
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def _sort_key(entry: WorkEntry) -> tuple[int, dt.date, str]:
    due = entry.item.due
    return (0 if due is not None else 1, due or dt.date.max, str(entry.item.title))


def entries_for(user: Any, today: dt.date | None = None) -> list[WorkEntry]:
    """Everything waiting for `user`, soonest deadline first (items without one last)."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or clock.today()
    entries = []
    for source in registered_sources():
        for item in source.items(user):
            days = (item.due - today).days if item.due else None
            entries.append(
                WorkEntry(
                    item=item,
                    days_left=days,
                    overdue=days is not None and days < 0,
                    source_title=source.title,
                )
            )
    entries.sort(key=_sort_key)
    return entries


def _count_key(user: Any) -> str:
    return f"worklist:count:{user.pk}"


class WorkCount(NamedTuple):
    """How many items wait for a person, and how many of them are overdue."""

    total: int
    overdue: int


def count_for(user: Any) -> WorkCount:
    """The header's counts, kept for a minute per person."""
    if not getattr(user, "is_authenticated", False):
        return WorkCount(0, 0)
    cached = cache.get(_count_key(user))
    if cached is None:
        entries = entries_for(user)
        cached = (len(entries), sum(1 for e in entries if e.overdue))
        cache.set(_count_key(user), cached, COUNT_SECONDS)
    return WorkCount(*cached)


def forget_count(user: Any) -> None:
    """Drop the header's cached count (after the person acted, or when the page is read)."""
    if getattr(user, "is_authenticated", False):
        cache.delete(_count_key(user))
