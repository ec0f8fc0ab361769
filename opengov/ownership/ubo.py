"""Ultimate beneficial owners over a graph of interests: pure computation, no database.

A graph holds nodes (natural persons and entities) and edges (one interest of an owner in an
owned entity: its BODS interest type and its share as a [min, max] interval of fractions,
exact when min = max). For one subject entity:

1. **Ownership.** A person's ultimate share is the integrated ownership of the subject: shares
   multiplied along each chain and added over parallel paths and over several interests of
   one party (Brioschi, Buzzacchi & Colombo 1989; Vitali, Glattfelder & Battiston 2011). With
   cross-holdings the sum over all walks is the fixed point of `u = e_subject + A·u`, reached by
   iteration; it converges whenever every cycle keeps less than 100 % of itself. A cycle that
   does not converge (shares adding to 100 % or more around it) is reported, never looped on,
   and the shares it feeds are capped at 100 %. The lower and upper ends of the intervals are
   computed separately (the map is monotone in every share). A person passes when the lower end
   is over the threshold, may pass when only the upper end is.
2. **Control by other means**, when nobody passes: persons holding a control interest in the
   subject, or the owners (step 1) of an entity that holds one.
3. **Senior managing officials**, when there is still nobody (if the profile says so).

Every result carries the paths that produce it: the simple chains from the person to the
subject with their products; what cycles add beyond them is reported as such. An interest
declared `indirect` (held through entities the data does not name) counts only when the
graph has no chain of direct interests from that owner to that entity, so nothing is counted
twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: a person's computed share changes by less than this between iterations: converged
TOLERANCE = 1e-12
#: iterations before a cycle is declared non-converging
MAX_ITERATIONS = 10_000
#: simple paths kept per subject (the total share never depends on this)
MAX_PATHS = 500


@dataclass(frozen=True)
class Share:
    """A share as an interval of fractions [lo, hi] (exact when lo == hi)."""

    lo: float
    hi: float

    @classmethod
    def exact(cls, value: float) -> Share:
        return cls(value, value)

    @property
    def is_exact(self) -> bool:
        return abs(self.hi - self.lo) < 1e-12

    def __mul__(self, other: Share) -> Share:
        return Share(self.lo * other.lo, self.hi * other.hi)

    def __add__(self, other: Share) -> Share:
        return Share(self.lo + other.lo, self.hi + other.hi)

    def capped(self) -> Share:
        """Clamped to [0, 1]: nobody holds more than the whole."""
        return Share(min(max(self.lo, 0.0), 1.0), min(max(self.hi, 0.0), 1.0))

    def percent(self) -> tuple[float, float]:
        return (round(self.lo * 100, 6), round(self.hi * 100, 6))


ZERO = Share(0.0, 0.0)
ONE = Share(1.0, 1.0)
UNKNOWN = Share(0.0, 1.0)


@dataclass(frozen=True)
class Node:
    """A natural person or an entity."""

    key: str
    is_person: bool
    label: str = ""


@dataclass(frozen=True)
class Edge:
    """One interest: `owner` holds `kind` in `owned`; `share` None means not stated."""

    owner: str
    owned: str
    kind: str
    share: Share | None = None
    indirect: bool = False
    ref: str = ""

    @property
    def weight(self) -> Share:
        return self.share if self.share is not None else UNKNOWN


@dataclass(frozen=True)
class Rules:
    """What the profile says (see `ownership.rules.ubo_rules`): the threshold as a fraction,
    whether a share equal to it counts, which interest types are ownership, control and senior
    management, and the fall-backs in the order the law gives them."""

    threshold: float = 0.25
    inclusive: bool = False
    ownership_types: tuple[str, ...] = ("shareholding",)
    control_types: tuple[str, ...] = (
        "votingRights",
        "appointmentOfBoard",
        "otherInfluenceOrControl",
        "controlViaCompanyRulesOrArticles",
        "controlByLegalFramework",
    )
    senior_types: tuple[str, ...] = ("seniorManagingOfficial",)
    fallbacks: tuple[str, ...] = ("control", "senior_management")

    def over(self, value: float) -> bool:
        eps = 1e-12
        return value >= self.threshold - eps if self.inclusive else value > self.threshold + eps


@dataclass(frozen=True)
class Path:
    """A chain of interests from a person to the subject, with its product."""

    edges: tuple[Edge, ...]
    share: Share
    basis: str = "ownership"

    @property
    def direct(self) -> bool:
        return len(self.edges) == 1 and not self.edges[0].indirect

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.edges[0].owner, *(e.owned for e in self.edges))


@dataclass(frozen=True)
class Holding:
    """One person's computed position in the subject."""

    person: str
    basis: str  # ownership | control | senior_management
    share: Share | None  # the integrated share (ownership), None for the other bases
    paths: tuple[Path, ...]
    through_cycles: Share = ZERO  # what cycles add beyond the simple paths
    passes: bool = False
    may_pass: bool = False  # only the upper end of the interval is over the threshold
    measure: str = ""  # the interest type measured (shareholding, votingRights, ...)

    @property
    def direct(self) -> bool:
        return any(p.direct for p in self.paths)


@dataclass(frozen=True)
class Determination:
    """Who the beneficial owners of `subject` are, on which basis, and why."""

    subject: str
    basis: str  # ownership | control | senior_management | none
    owners: tuple[Holding, ...]  # the beneficial owners identified
    uncertain: tuple[Holding, ...]  # may pass: only the upper end of a range is over
    holdings: tuple[Holding, ...]  # every person with a computed share (restricted view)
    cycles: tuple[tuple[str, ...], ...] = ()
    converged: bool = True
    paths_truncated: bool = False
    steps: tuple[str, ...] = field(default=())  # the bases tried, in order


class Graph:
    """Nodes and edges, indexed for walking up from a subject."""

    def __init__(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
        self.nodes: dict[str, Node] = {n.key: n for n in nodes}
        self.edges: list[Edge] = list(edges)
        for e in self.edges:
            for key in (e.owner, e.owned):
                if key not in self.nodes:
                    raise ValueError(f"edge refers to unknown node {key!r}")
        self.into: dict[str, list[Edge]] = defaultdict(list)
        self.out: dict[str, list[Edge]] = defaultdict(list)
        for e in self.edges:
            self.into[e.owned].append(e)
            self.out[e.owner].append(e)
        self._effective: dict[tuple[str, ...], dict[str, list[Edge]]] = {}

    def is_person(self, key: str) -> bool:
        node = self.nodes.get(key)
        return bool(node and node.is_person)

    def _reaches(self, start: str, goal: str, types: frozenset[str]) -> bool:
        """True when direct interests of `types` lead from `start` to `goal`."""
        seen, stack = {start}, [start]
        while stack:
            key = stack.pop()
            for e in self.out.get(key, ()):
                if e.kind not in types or e.indirect or e.owned in seen:
                    continue
                if e.owned == goal:
                    return True
                seen.add(e.owned)
                stack.append(e.owned)
        return False

    def edges_into(self, types: Sequence[str]) -> dict[str, list[Edge]]:
        """Incoming edges of `types`, declared-indirect ones kept only where no direct chain
        joins the same two parties."""
        cache_key = tuple(sorted(types))
        if cache_key in self._effective:
            return self._effective[cache_key]
        kinds = frozenset(types)
        result: dict[str, list[Edge]] = defaultdict(list)
        for e in self.edges:
            if e.kind not in kinds:
                continue
            if e.indirect and self._reaches(e.owner, e.owned, kinds):
                continue
            result[e.owned].append(e)
        self._effective[cache_key] = result
        return result


def upstream(into: dict[str, list[Edge]], subject: str) -> set[str]:
    """Every node with a chain of interests to `subject` (and `subject` itself)."""
    seen, stack = {subject}, [subject]
    while stack:
        key = stack.pop()
        for e in into.get(key, ()):
            if e.owner not in seen:
                seen.add(e.owner)
                stack.append(e.owner)
    return seen


def strongly_connected(nodes: set[str], into: dict[str, list[Edge]]) -> list[tuple[str, ...]]:
    """The cycles among `nodes`: strongly connected components with more than one node, or
    a node holding an interest in itself (iterative Tarjan)."""
    succ: dict[str, list[str]] = defaultdict(list)
    for owned in nodes:
        for e in into.get(owned, ()):
            if e.owner in nodes:
                succ[e.owner].append(owned)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[tuple[str, ...]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in succ.get(node, []):
                    found.append(tuple(sorted(component)))
    return sorted(found)


def integrated_shares(
    into: dict[str, list[Edge]], subject: str, nodes: set[str]
) -> tuple[dict[str, Share], bool]:
    """u(x) for every x in `nodes`: x's integrated share of `subject` (u = e + A·u), lower and
    upper ends separately, by Gauss-Seidel iteration from u = e. Returns (u, converged)."""
    out: dict[str, list[tuple[str, Share]]] = defaultdict(list)
    for owned in nodes:
        for e in into.get(owned, ()):
            if e.owner in nodes:
                out[e.owner].append((owned, e.weight))
    order = sorted(nodes)
    lo = dict.fromkeys(order, 0.0)
    hi = dict.fromkeys(order, 0.0)
    lo[subject] = hi[subject] = 1.0
    converged = False
    previous = float("inf")
    for sweep in range(MAX_ITERATIONS):
        change = 0.0
        for key in order:
            base = 1.0 if key == subject else 0.0
            new_lo = base + sum(w.lo * lo[y] for y, w in out.get(key, ()))
            new_hi = base + sum(w.hi * hi[y] for y, w in out.get(key, ()))
            change = max(change, abs(new_lo - lo[key]), abs(new_hi - hi[key]))
            lo[key], hi[key] = new_lo, new_hi
        if change < TOLERANCE:
            converged = True
            break
        # not contracting: a cycle keeps 100 % or more of itself and grows without bound
        if sweep > 100 and change >= previous * 0.9999:
            break
        previous = change
    return {k: Share(lo[k], hi[k]) for k in order}, converged


def simple_paths(
    into: dict[str, list[Edge]], graph: Graph, subject: str, *, limit: int = MAX_PATHS
) -> tuple[dict[str, list[Path]], bool]:
    """Chains without repeated nodes from each person up to `subject`, at most `limit`."""
    found: dict[str, list[Path]] = defaultdict(list)
    count = 0
    truncated = False
    # depth-first, iterative: (node, edges from node down to subject, nodes on the chain)
    stack: list[tuple[str, tuple[Edge, ...], frozenset[str]]] = [
        (subject, (), frozenset({subject}))
    ]
    while stack:
        node, chain, on_chain = stack.pop()
        for e in sorted(into.get(node, ()), key=lambda x: (x.owner, x.ref), reverse=True):
            if e.owner in on_chain:
                continue
            edges = (e, *chain)
            if graph.is_person(e.owner):
                if count >= limit:
                    truncated = True
                    continue
                share = ONE
                for step in edges:
                    share = share * step.weight
                found[e.owner].append(Path(edges, share))
                count += 1
            else:
                stack.append((e.owner, edges, on_chain | {e.owner}))
    return found, truncated


def _measure_holdings(
    graph: Graph, subject: str, rules: Rules, measure: str
) -> tuple[list[Holding], list[tuple[str, ...]], bool, bool]:
    into = graph.edges_into((measure,))
    nodes = upstream(into, subject)
    cycles = strongly_connected(nodes, into)
    shares, converged = integrated_shares(into, subject, nodes)
    paths, truncated = simple_paths(into, graph, subject)
    holdings = []
    for key in sorted(k for k in nodes if graph.is_person(k)):
        share = shares[key].capped()
        if share.hi <= 0 and not paths.get(key):
            continue
        simple = ZERO
        for p in paths.get(key, ()):
            simple = simple + p.share
        extra = Share(max(share.lo - simple.lo, 0.0), max(share.hi - simple.hi, 0.0))
        if extra.hi < 1e-9:
            extra = ZERO
        holdings.append(
            Holding(
                person=key,
                basis="ownership",
                share=share,
                paths=tuple(paths.get(key, ())),
                through_cycles=extra,
                passes=rules.over(share.lo),
                may_pass=not rules.over(share.lo) and rules.over(share.hi),
                measure=measure,
            )
        )
    return holdings, cycles, converged, truncated


def ownership_holdings(
    graph: Graph, subject: str, rules: Rules
) -> tuple[list[Holding], list[tuple[str, ...]], bool, bool]:
    """Every person's integrated share of `subject` with its paths, one holding per measure
    (each ownership interest type is measured on its own: shares and votes are never added);
    the cycles met; whether the iteration converged; whether paths were truncated."""
    holdings: list[Holding] = []
    cycles: set[tuple[str, ...]] = set()
    converged, truncated = True, False
    for measure in rules.ownership_types:
        found, met, ok, cut = _measure_holdings(graph, subject, rules, measure)
        holdings.extend(found)
        cycles.update(met)
        converged = converged and ok
        truncated = truncated or cut
    holdings.sort(key=lambda h: (-h.share.hi, -h.share.lo, h.person, h.measure))
    return holdings, sorted(cycles), converged, truncated


def _control_holdings(graph: Graph, subject: str, rules: Rules) -> list[Holding]:
    """Persons controlling `subject` by other means: directly, or as owners of an entity that
    holds a control interest in it."""
    by_person: dict[str, list[Path]] = defaultdict(list)
    for e in graph.edges:
        if e.owned != subject or e.kind not in rules.control_types:
            continue
        if graph.is_person(e.owner):
            by_person[e.owner].append(Path((e,), e.share or ONE, basis="control"))
            continue
        owners, _, _, _ = ownership_holdings(graph, e.owner, rules)
        for h in owners:
            if h.passes:
                for p in h.paths or ():
                    by_person[h.person].append(Path((*p.edges, e), p.share, basis="control"))
    return [
        Holding(person=k, basis="control", share=None, paths=tuple(v), passes=True)
        for k, v in sorted(by_person.items())
    ]


def _senior_holdings(graph: Graph, subject: str, rules: Rules) -> list[Holding]:
    by_person: dict[str, list[Path]] = defaultdict(list)
    for e in graph.edges:
        if e.owned == subject and e.kind in rules.senior_types and graph.is_person(e.owner):
            by_person[e.owner].append(Path((e,), ONE, basis="senior_management"))
    return [
        Holding(person=k, basis="senior_management", share=None, paths=tuple(v), passes=True)
        for k, v in sorted(by_person.items())
    ]


def beneficial_owners(graph: Graph, subject: str, rules: Rules | None = None) -> Determination:
    """The beneficial owners of `subject` under `rules`: ownership, then the fall-backs."""
    rules = rules or Rules()
    if subject not in graph.nodes:
        raise ValueError(f"unknown subject {subject!r}")
    holdings, cycles, converged, truncated = ownership_holdings(graph, subject, rules)
    owners = [h for h in holdings if h.passes]
    uncertain = [h for h in holdings if h.may_pass]
    basis = "ownership" if owners else "none"
    steps = ["ownership"]
    for fallback in rules.fallbacks:
        if owners:
            break
        steps.append(fallback)
        if fallback == "control":
            owners = _control_holdings(graph, subject, rules)
        elif fallback == "senior_management":
            owners = _senior_holdings(graph, subject, rules)
        if owners:
            basis = fallback
    return Determination(
        subject=subject,
        basis=basis,
        owners=tuple(owners),
        uncertain=tuple(uncertain),
        holdings=tuple(holdings),
        cycles=tuple(cycles),
        converged=converged,
        paths_truncated=truncated,
        steps=tuple(steps),
    )
