"""Which public services write to the database without recording an audit event.

A static check over the source (the syntax tree of every module of the package, tests and
migrations left out), so that a service no test happens to call is checked too:

- a function *writes* when its body (nested functions included) calls an ORM write —
  `.save()`, `.create()`, `.bulk_create()`, `.bulk_update()`, `.get_or_create()`,
  `.update_or_create()`, `.delete()`; `.update()` on a query (the result of a call, or a
  `.objects` manager); `.add()`, `.remove()`, `.set()`, `.clear()` on a related manager
  (an attribute such as `proposal.tags`) — or calls a function that writes;
- it *audits* when it calls `audit.record()` or a function that audits.

Calls are followed to module-level functions of the same module and, through imports, of
the package's other modules (`from x import f`, `import x as m` then `m.f`, `from . import
services`, re-exports in a package's `__init__`). A public service is a module-level function
whose name does not start with `_`, defined in `<app>/services.py` or `<app>/services/*.py`.
A write reached only in a branch counts, and so does an audit event recorded in a branch:
the check finds services that forget the audit, not branches that skip it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: methods that write whatever they are called on
ALWAYS_WRITES = frozenset(
    {"save", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "delete"}
)
#: methods that write when called on a query or a related manager, not on a dict or a set
MANAGER_WRITES = frozenset({"update", "add", "remove", "set", "clear"})
#: the call that records an audit event
AUDIT_RECORD = ("opengov.core.audit", "record")


@dataclass
class Function:
    """One module-level function: what it calls and whether it writes or audits itself."""

    module: str
    name: str
    lineno: int
    writes: bool = False
    calls: set[tuple[str, str]] = field(default_factory=set)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _is_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in ALWAYS_WRITES:
        return True
    if func.attr == "update":
        receiver = func.value
        return isinstance(receiver, ast.Call) or (
            isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
        )
    if func.attr in MANAGER_WRITES:
        return isinstance(func.value, ast.Attribute) and func.value.attr not in {"cache", "session"}
    return False


class _Module:
    def __init__(self, name: str, tree: ast.Module, is_package: bool) -> None:
        self.name = name
        self.aliases: dict[str, tuple[str, str | None]] = {}  # local name -> (module, attr)
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = node
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = (alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                source = (
                    _resolve_relative(name, is_package, node.level, node.module)
                    if node.level
                    else node.module or ""
                )
                for alias in node.names:
                    # `from pkg import mod` names a module or a function: both are kept
                    self.aliases[alias.asname or alias.name] = (source, alias.name)


class Analysis:
    """The functions of a package, with what each writes and audits, transitively."""

    def __init__(self, sources: Iterable[tuple[str, str, bool]]) -> None:
        """`sources`: (module name, source text, is a package's `__init__`)."""
        self.modules = {
            name: _Module(name, ast.parse(text), is_package) for name, text, is_package in sources
        }
        self.functions: dict[tuple[str, str], Function] = {}
        for module in self.modules.values():
            for fname, node in module.functions.items():
                self.functions[(module.name, fname)] = self._function(module, fname, node)
        self._writes = self._closure(lambda f: f.writes)
        self._audits = self._closure(lambda f: False, roots={AUDIT_RECORD})

    def _target(self, module: _Module, call: ast.Call) -> tuple[str, str] | None:
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in module.functions:
                return (module.name, func.id)
            if func.id in module.aliases:
                source, attr = module.aliases[func.id]
                return self._follow(source, attr or "")
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            alias = module.aliases.get(func.value.id)
            if alias is None:
                return None
            source, attr = alias
            as_module = f"{source}.{attr}" if attr else source
            if as_module in self.modules or as_module == AUDIT_RECORD[0]:
                return self._follow(as_module, func.attr)
        return None

    def _follow(self, module: str, name: str, depth: int = 0) -> tuple[str, str]:
        """Where `module.name` is defined, through re-exports (`from .x import name`)."""
        found = self.modules.get(module)
        if found is None or name in found.functions or depth > 5:
            return (module, name)
        if name in found.aliases:
            source, attr = found.aliases[name]
            if attr:
                return self._follow(source, attr, depth + 1)
        return (module, name)

    def _function(self, module: _Module, name: str, node: ast.AST) -> Function:
        function = Function(module=module.name, name=name, lineno=getattr(node, "lineno", 0))
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                if _is_write(sub):
                    function.writes = True
                target = self._target(module, sub)
                if target is not None:
                    function.calls.add(target)
        return function

    def _closure(self, base, roots: frozenset | set = frozenset()) -> set[tuple[str, str]]:
        marked = set(roots) | {key for key, f in self.functions.items() if base(f)}
        changed = True
        while changed:
            changed = False
            for key, function in self.functions.items():
                if key not in marked and function.calls & marked:
                    marked.add(key)
                    changed = True
        return marked

    def writes(self, module: str, name: str) -> bool:
        """Whether the function writes to the database, itself or through what it calls."""
        return (module, name) in self._writes

    def audits(self, module: str, name: str) -> bool:
        """Whether the function records an audit event, itself or through what it calls."""
        return (module, name) in self._audits

    def public_services(self) -> list[Function]:
        """Every public function of every app's services module or package."""
        found = []
        for (module, name), function in sorted(self.functions.items()):
            parts = module.split(".")
            if "services" in parts[2:] and not name.startswith("_"):
                found.append(function)
        return found

    def unaudited_writes(self) -> list[Function]:
        """Public services that write and never record an audit event."""
        return [
            f
            for f in self.public_services()
            if self.writes(f.module, f.name) and not self.audits(f.module, f.name)
        ]


def analyse(package_dir: Path) -> Analysis:
    """Analyse every module of the package at `package_dir` (tests and migrations left out)."""
    sources = []
    for path in sorted(package_dir.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(package_dir).parts):
            continue
        sources.append(
            (_module_name(path, package_dir), path.read_text(), path.name == "__init__.py")
        )
    return Analysis(sources)
