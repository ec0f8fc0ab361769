"""Roles core's own pages need, defined by the app that knows people.

Core imports no app: the accounts app registers who is a platform operator when it starts
(`register_operator_check` in its `AppConfig.ready`), and core asks `is_operator`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_operator_checks: list[Callable[[Any], bool]] = []


def register_operator_check(check: Callable[[Any], bool]) -> None:
    """Add a test of "is this person a platform operator?" (idempotent)."""
    if check not in _operator_checks:
        _operator_checks.append(check)


def is_operator(user: Any) -> bool:
    """True when a registered check says so; nobody is an operator without one."""
    return any(check(user) for check in _operator_checks)
