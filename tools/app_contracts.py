"""An import-linter contract for the platform's apps: `app_boundaries`.

import-linter's own contracts cannot say "an app may use another app's services and
selectors, but not the rest of it", nor find apps that do not exist yet, so this contract
finds the apps itself: every package directly under `container` except the `shared` ones.
For each direct import (at module level or inside a function) between modules of the
container, tests excluded:

- a `shared` package (core) imports only itself and the `infrastructure` modules;
- a `foundation` app (accounts) imports only shared packages, infrastructure and itself;
- any other (domain) app imports shared packages, infrastructure, itself, the foundation
  app's `foundation_public` modules, and another domain app's `public` modules only;
- `directions` ("registry <- ownership": ownership may use registry, registry may not use
  ownership) fix which way a pair of apps may depend, when both exist;
- modules outside every app (the project's `api`, `urls`, `settings`...) may import anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class AppBoundariesContract(Contract):
    """See the module docstring."""

    type_name = "app_boundaries"

    container = fields.StringField()
    shared = fields.ListField(subfield=fields.StringField())
    infrastructure = fields.ListField(subfield=fields.StringField(), required=False)
    foundation = fields.ListField(subfield=fields.StringField(), required=False)
    foundation_public = fields.ListField(subfield=fields.StringField(), required=False)
    public = fields.ListField(subfield=fields.StringField())
    directions = fields.ListField(subfield=fields.StringField(), required=False)
    excluded = fields.ListField(subfield=fields.StringField(), required=False)

    def _apps(self, graph: ImportGraph) -> set[str]:
        container = str(self.container)
        return {
            child.rsplit(".", 1)[-1]
            for child in graph.find_children(container)
            if graph.find_children(child)  # a package, not a module
        } - set(self.shared)  # type: ignore[arg-type]

    def _app_of(self, module: str) -> tuple[str, str]:
        """(app or shared package, first module inside it) of a module of the container."""
        parts = module.split(".")
        return (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")

    def _skipped(self, module: str) -> bool:
        parts = module.split(".")
        return any(part in (self.excluded or ["tests"]) for part in parts)

    def _violations(self, graph: ImportGraph) -> Iterator[tuple[str, str, str]]:
        container = str(self.container)
        apps = self._apps(graph)
        shared = set(self.shared)  # type: ignore[arg-type]
        infrastructure = {f"{container}.{name}" for name in (self.infrastructure or [])}
        foundation = set(self.foundation or [])
        forbidden_pairs = set()
        for direction in self.directions or []:
            used, user = (part.strip() for part in str(direction).split("<-"))
            forbidden_pairs.add((used, user))  # `used` may not import `user`
        for importer in sorted(graph.modules):
            if not importer.startswith(container + ".") or self._skipped(importer):
                continue
            owner, _first = self._app_of(importer)
            if owner not in apps and owner not in shared:
                continue  # project modules (api, urls, settings, ...) may import anything
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not imported.startswith(container + ".") or self._skipped(imported):
                    continue
                target, first = self._app_of(imported)
                if target == owner or target in shared or imported in infrastructure:
                    continue
                if owner in shared:
                    yield importer, imported, f"{owner} imports no app"
                elif owner in foundation:
                    yield importer, imported, f"{owner} imports no domain app"
                elif target not in apps:
                    yield importer, imported, "an app does not import the project's modules"
                elif (owner, target) in forbidden_pairs:
                    yield importer, imported, f"{owner} may not use {target}"
                elif target in foundation:
                    if first not in set(self.foundation_public or []):
                        yield (
                            importer,
                            imported,
                            f"{target}'s public surface is "
                            + ", ".join(self.foundation_public or []),
                        )
                elif first not in set(self.public):  # type: ignore[arg-type]
                    yield (
                        importer,
                        imported,
                        "another app only through "
                        + ", ".join(
                            self.public  # type: ignore[arg-type]
                        ),
                    )

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        """Kept when no import breaks a rule."""
        violations = list(self._violations(graph))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """One line per import that breaks a rule."""
        for importer, imported, rule in check.metadata["violations"]:
            output.print_error(f"{importer} -> {imported} ({rule})", bold=False)
            output.new_line()
