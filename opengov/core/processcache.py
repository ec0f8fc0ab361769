"""Rows a server process reuses for a few seconds on a hot path (the co-signing and voting
routes, the count endpoint): per key, bounded, forgotten on demand.

Only for values whose staleness the caller has shown harmless (the write re-checks what
matters); each process keeps its own copies, so they are never shared between processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Reused(Generic[V]):
    """Values kept for `seconds` each, at most `kept` keys (then all are dropped at once)."""

    def __init__(self, seconds: float, kept: int = 1000) -> None:
        self.seconds = seconds
        self.kept = kept
        self._values: dict[Hashable, tuple[float, V]] = {}

    def get(
        self,
        key: Hashable,
        load: Callable[[], V],
        keep: Callable[[V], bool] = lambda value: value is not None,
    ) -> V:
        """The copy of `key` if it is recent, else `load()` (kept when `keep` says so)."""
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        value = load()
        if keep(value):
            if len(self._values) >= self.kept:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def forget(self, key: Hashable) -> None:
        """Drop this process's copy of `key`."""
        self._values.pop(key, None)
