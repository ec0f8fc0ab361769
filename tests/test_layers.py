"""The layer contracts (pyproject.toml, `[tool.importlinter]`) hold, and the app-boundary
contract catches what it is meant to, for the apps of today and those still to come."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

from tools.app_contracts import AppBoundariesContract

ROOT = Path(__file__).resolve().parent.parent


def test_layer_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a dev dependency"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _contract() -> AppBoundariesContract:
    return AppBoundariesContract(
        name="apps",
        session_options={},
        contract_options={
            "container": "og",
            "shared": ["core"],
            "infrastructure": ["celery"],
            "foundation": ["accounts"],
            "foundation_public": ["models", "permissions", "auth"],
            "public": ["services", "selectors"],
            "directions": ["registry <- ownership"],
            "excluded": ["tests"],
        },
    )


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    modules = {"og", "og.celery", "og.api"}
    for app in ("core", "accounts", "registry", "ownership", "proposals"):
        modules |= {f"og.{app}", f"og.{app}.models", f"og.{app}.services"}
        modules |= {f"og.{app}.selectors", f"og.{app}.views", f"og.{app}.tests"}
        modules |= {f"og.{app}.tests.test_x"}
    for importer, imported in imports:
        modules |= {importer, imported}
    for module in sorted(modules):
        graph.add_module(module)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    return graph


def _broken(*imports: tuple[str, str]) -> list[tuple[str, str, str]]:
    return _contract().check(_graph(*imports), verbose=False).metadata["violations"]


def test_allowed_imports():
    assert not _broken(
        ("og.ownership.services", "og.registry.selectors"),
        ("og.ownership.services", "og.registry.services"),
        ("og.proposals.services", "og.accounts.models"),
        ("og.proposals.views", "og.core.models"),
        ("og.core.views", "og.celery"),
        ("og.accounts.services", "og.core.models"),
        ("og.api", "og.proposals.views"),  # the project's modules may import anything
        ("og.proposals.tests.test_x", "og.registry.models"),  # tests are not checked
    )


def test_forbidden_imports():
    broken = _broken(
        ("og.core.views", "og.accounts.models"),
        ("og.accounts.services", "og.proposals.selectors"),
        ("og.ownership.services", "og.registry.models"),
        ("og.registry.services", "og.ownership.services"),
        ("og.proposals.services", "og.accounts.services"),
        ("og.proposals.models", "og.api"),
    )
    assert [(a, b) for a, b, _rule in broken] == [
        ("og.accounts.services", "og.proposals.selectors"),
        ("og.core.views", "og.accounts.models"),
        ("og.ownership.services", "og.registry.models"),
        ("og.proposals.models", "og.api"),
        ("og.proposals.services", "og.accounts.services"),
        ("og.registry.services", "og.ownership.services"),
    ]
