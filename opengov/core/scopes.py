"""Participation scopes: rules that apply inside one participation space.

Core imports no app, and the proposals and consultations apps do not import the spaces app: a
proposal or consultation only keeps the key (slug) of the space it is held in. The spaces app
registers, when it starts, a resolver that turns a key into a `Scope` (the rule overrides in
force there, each within what the profile allows, with their source) and a gate that says
whether a person may put content into that space. Apps ask `jurisdiction_for(key)` for the
rules in force and `entry_refusal(key, actor)` before they accept content for a space.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .jurisdiction import Jurisdiction, jurisdiction


@dataclass(frozen=True)
class Scope:
    """A space's rules: `overrides` as (section, rule, value) triples, and where they come
    from (`source`, shown on the rules page beside each value)."""

    key: str
    overrides: tuple[tuple[str, str, Any], ...] = ()
    source: str = ""


Resolver = Callable[[str], Scope | None]
Gate = Callable[[str, Any], str | None]

_resolvers: list[Resolver] = []
_gates: list[Gate] = []


def register(*, resolver: Resolver, gate: Gate) -> None:
    """Declare how scope keys are resolved and who may enter content (idempotent)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)
    if gate not in _gates:
        _gates.append(gate)


def scope_of(key: str) -> Scope | None:
    """The scope with this key, or None (blank key: the national platform)."""
    if not key:
        return None
    for resolver in _resolvers:
        scope = resolver(key)
        if scope is not None:
            return scope
    return None


def with_scope(profile: Jurisdiction, scope: Scope | None) -> Jurisdiction:
    """`profile` with the scope's overrides applied, each citing the scope's source."""
    if scope is None or not scope.overrides:
        return profile
    sections: dict[str, dict[str, Any]] = {}
    for section, rule, value in scope.overrides:
        sections.setdefault(section, {})[rule] = value
    changes = {
        name: dataclasses.replace(getattr(profile, name), **values)
        for name, values in sections.items()
    }
    cited = tuple((f"{section}.{rule}", scope.source) for section, rule, _ in scope.overrides)
    return dataclasses.replace(profile, own_sources=profile.own_sources + cited, **changes)


def jurisdiction_for(key: str) -> Jurisdiction:
    """The rules in force in the scope `key` (the national profile for a blank key)."""
    return with_scope(jurisdiction(), scope_of(key))


def entry_refusal(key: str, actor: Any) -> str | None:
    """Why `actor` may not put content into scope `key` (None: they may; blank key: always)."""
    if not key:
        return None
    if not _gates:
        return "unknown"
    for gate in _gates:
        refusal = gate(key, actor)
        if refusal is not None:
            return refusal
    return None
