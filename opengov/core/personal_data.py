"""What each app holds about a person, for the "download my data" export.

Apps register a provider in their `personal_data.py` module (imported at start-up):
`register("proposals", lambda user: {...})`. The function returns JSON-serialisable data about
`user` only. The accounts app gathers every provider's section into one document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], dict[str, Any] | list[Any]]
_providers: dict[str, Provider] = {}


def register(section: str, provider: Provider) -> Provider:
    """Declare that `section` of the personal-data export comes from `provider(user)`."""
    _providers[section] = provider
    return provider


def collect(user: Any) -> dict[str, Any]:
    """Every registered section for `user`, in section order."""
    return {name: _providers[name](user) for name in sorted(_providers)}
