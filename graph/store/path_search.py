"""Paths found in the store: a breadth-first search from both ends at once that meets in
the middle, never a projection of the whole graph.

Each step reads one side's whole frontier (a level) in a few queries per label, after
counting its nodes' relationships in one more; the smaller side goes next, so a search
between two small entities stays small however large the graph. The last step the hop
bound allows reads only the links that reach the other side's frontier.
Nodes with more neighbours than ``max_degree`` (a marketplace everyone sells on) are met
but not walked through and are named in the answer; ``avoid`` nodes are never walked
through; a ``via`` group must be passed. The search refuses to read more than ``budget``
neighbours, so no request reads the whole graph.

Caveat: with ``via``, the shortest ways to and from each member are combined and the
combinations that visit a node twice dropped, so a path that must take a longer way to a
member to avoid crossing itself is not found.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from graph.progress import SILENT, Progress
from graph.records import GraphPath
from graph.store.engine import NodeNotFound

if TYPE_CHECKING:
    from graph.store.traversal import Traversal

__all__ = ["DEFAULT_BUDGET", "MAX_PATH_HOPS", "PathBudgetExceeded", "PathRequest", "PathsFound", "search_paths"]

MAX_PATH_HOPS = 15
#: Neighbours a search may read by default: a few seconds on the embedded store.
DEFAULT_BUDGET = 200_000
#: Frontiers of at most this many nodes together are both counted before a step, to
#: expand the one with fewer relationships.
COMPARED = 2_000
#: Shortest ways to and from each ``via`` node combined; beyond this many per half the
#: rest are not tried (a dense ring has thousands of equally short ways).
HALVES = 200

#: The relationship chosen for one link of a path: (points backward along the path,
#: type, relationship key); the least wins, so a forward relationship is told first.
Link = tuple[bool, str, str]


class PathBudgetExceeded(ValueError):
    """The search would read more neighbours than its budget allows."""


@dataclass(frozen=True)
class PathRequest:
    """What to search: the two ends and the rules of the walk.

    ``max_degree``: nodes with more distinct neighbours (over ``types``) are not walked
    through. ``avoid``: never walked through. ``via``: the paths pass through at least
    one of these (exempt from ``max_degree`` and ``labels``). ``labels`` / ``types``: only
    nodes with one of these labels are walked through, only relationships of these types
    are followed (None: all). The two ends are exempt from every node rule.
    """

    start: str
    end: str
    max_hops: int = 6
    max_degree: int | None = None
    limit: int = 10
    avoid: frozenset[str] = frozenset()
    via: frozenset[str] = frozenset()
    labels: frozenset[str] | None = None
    types: tuple[str, ...] | None = None
    budget: int = DEFAULT_BUDGET

    def __post_init__(self) -> None:
        if not 1 <= self.max_hops <= MAX_PATH_HOPS:
            raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}, got {self.max_hops}")
        if self.max_degree is not None and self.max_degree < 1:
            raise ValueError(f"max_degree must be at least 1, got {self.max_degree}")
        if self.limit < 1:
            raise ValueError(f"limit must be at least 1, got {self.limit}")
        if self.budget < 1:
            raise ValueError(f"budget must be at least 1, got {self.budget}")
        both = sorted(set(self.avoid) & set(self.via))
        if both:
            raise ValueError(f"via and avoid: {both[0]!r} cannot be both gone through and gone around")


@dataclass(frozen=True)
class PathsFound:
    """The shortest paths (at most ``limit``, in key order), the hubs the search met
    and did not walk through (key, neighbours; most connected first) and how many
    neighbours it read."""

    paths: tuple[GraphPath, ...]
    hubs: tuple[tuple[str, int], ...] = ()
    visited: int = 0


@dataclass
class _Side:
    """One end's breadth-first search: the depth of each node reached, the links back
    toward the end (node -> nearer node -> relationship) and the last level reached."""

    root: str
    outward: bool  # the start's side: its paths run away from the root
    frontier: dict[str, list[str]]  # key -> sorted labels
    depth: dict[str, int] = field(default_factory=dict)
    links: dict[str, dict[str, Link]] = field(default_factory=dict)
    level: int = 0

    def __post_init__(self) -> None:
        self.depth[self.root] = 0
        self.links[self.root] = {}

    def distance(self, key: str) -> float:
        """The exact distance from the root, or the least it can be when not reached."""
        if key in self.depth:
            return self.depth[key]
        return self.level + 1 if self.frontier else math.inf

    def from_root(self, targets: Collection[str]) -> Iterator[tuple[str, ...]]:
        """Shortest walks from the root to ``targets`` (all at one depth), in key order."""
        useful: set[str] = set()
        stack = list(targets)
        while stack:
            node = stack.pop()
            if node not in useful:
                useful.add(node)
                stack.extend(self.links[node])
        children: dict[str, list[str]] = defaultdict(list)
        for node in sorted(useful):
            for nearer in self.links[node]:
                children[nearer].append(node)

        def walk(trail: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
            if trail[-1] in targets:
                yield trail
                return
            for child in children[trail[-1]]:
                yield from walk((*trail, child))

        return walk((self.root,))

    def to_root(self, node: str) -> Iterator[tuple[str, ...]]:
        """Shortest walks from ``node`` back to the root, in key order."""
        if node == self.root:
            yield (node,)
            return
        for nearer in sorted(self.links[node]):
            for rest in self.to_root(nearer):
                yield (node, *rest)


class _Search:
    """Both sides of one request, the nodes' relationship counts and the hubs met."""

    def __init__(self, store: Traversal, request: PathRequest, located: Mapping[str, list[str]], progress: Progress):
        self.store, self.request, self.progress = store, request, progress
        start, end = str(request.start), str(request.end)
        self.start = _Side(start, True, {start: located[start]})
        self.end = _Side(end, False, {end: located[end]})
        self.exempt = {start, end} | set(request.via)
        self.sizes: dict[str, tuple[int, int]] = {}
        self.hubs: dict[str, int] = {}
        self.visited = 0

    # -- reading -------------------------------------------------------------------------

    def _measure(self, located: Mapping[str, list[str]]) -> None:
        """Count the relationships of nodes not counted yet; note the hubs among them."""
        fresh = {key: labels for key, labels in located.items() if key not in self.sizes}
        if not fresh:
            return
        self.sizes.update(self.store.path_sizes(fresh, self.request.types))
        cap = self.request.max_degree
        for key in fresh:
            neighbours = self.sizes.setdefault(key, (0, 0))[1]
            if cap is not None and neighbours > cap and key not in self.exempt:
                self.hubs[key] = neighbours

    def _ready(self, side: _Side) -> int:
        """Count the side's frontier, drop its hubs, and say how many relationships
        reading it means."""
        self._measure(side.frontier)
        side.frontier = {key: labels for key, labels in side.frontier.items() if key not in self.hubs}
        return sum(self.sizes[key][0] for key in side.frontier)

    def _allowed(self, key: str, labels: list[str]) -> bool:
        if key in self.exempt:
            return True
        wanted = self.request.labels
        return key not in self.request.avoid and (wanted is None or not wanted.isdisjoint(labels))

    def _over_budget(self, more: str) -> PathBudgetExceeded:
        request = self.request
        return PathBudgetExceeded(
            f"the path search between {request.start} and {request.end} stopped after reading "
            f"{self.visited:,} neighbours: the next step would read {more}, over its budget of {request.budget:,}, "
            f"before finding a path (they are at least {self.start.level + self.end.level + 1} links apart). "
            "Set a hub threshold (max degree), fewer links or a larger budget"
        )

    def _links(self, side: _Side, cost: int | None, toward: Collection[str] | None) -> dict[str, list]:
        """The relationships of the side's frontier (only those reaching ``toward`` when
        given), never more than the budget leaves."""
        room = self.request.budget - self.visited
        if cost is not None and cost > room:
            raise self._over_budget(f"{cost:,} more")
        columns, cut = self.store.path_links(side.frontier, self.request.types, within=toward, limit=room)
        if cut:
            raise self._over_budget("more")
        return columns

    def _expand(self, side: _Side, cost: int | None, toward: Collection[str] | None = None) -> dict[str, list[str]]:
        """Read the side's frontier (its links to ``toward`` only, when given: the last
        step can only meet the other side's frontier) and make the new level its
        frontier (returned)."""
        ahead = "from" if side.outward else "to"
        self.progress.report(f"searching paths: {side.level + 1} link(s) {ahead} {side.root}", self.visited)
        columns = self._links(side, cost, toward)
        self.visited += len(columns.get("node", []))
        level = side.level + 1
        new: dict[str, list[str]] = {}
        names = ("node", "start", "type", "rkey", "other", "labels")
        rows = zip(*(columns.get(name, []) for name in names), strict=True)
        for nearer, first, rel_type, rkey, node, labels in rows:
            if node == nearer or side.depth.get(node, level) != level:
                continue  # a self-loop, or a node reached at an earlier level
            if node not in new:
                if not self._allowed(node, labels):
                    continue
                new[node] = sorted(labels)
                side.depth[node] = level
                side.links[node] = {}
            forward = first == (nearer if side.outward else node)
            link = (not forward, rel_type, rkey or "")
            best = side.links[node].get(nearer)
            if best is None or link < best:
                side.links[node][nearer] = link
        side.frontier, side.level = new, level
        return new

    def _step(self, last: bool = False) -> dict[str, list[str]] | None:
        """Expand one side; None when no path is left to find. Small frontiers are both
        counted and the one with fewer relationships goes; otherwise the one with fewer
        nodes (counting a large frontier costs about as much as reading it). ``last``:
        the step can only meet the other side's frontier, so it reads only the links
        to it, and without a hub threshold needs no counts."""
        compared = len(self.start.frontier) + len(self.end.frontier) <= COMPARED
        costs = {side.outward: self._ready(side) for side in (self.start, self.end) if compared}
        open_sides = [side for side in (self.start, self.end) if side.frontier]
        if not open_sides:
            return None
        side = min(open_sides, key=lambda s: (costs[s.outward] if compared else len(s.frontier), not s.outward))
        other = self.end if side is self.start else self.start
        if last and not other.frontier:
            return None  # the other side has nothing left to meet
        if last and self.request.max_degree is None:
            return self._expand(side, None, other.frontier)
        cost = costs[side.outward] if compared else self._ready(side)
        return self._expand(side, cost, other.frontier if last else None)

    # -- the two searches ----------------------------------------------------------------

    def meet(self) -> list[tuple[tuple[str, ...], int]]:
        """The shortest paths between the ends, as (nodes, where the start's side ends)."""
        while self.start.level + self.end.level < self.request.max_hops:
            new = self._step(last=self.start.level + self.end.level + 1 == self.request.max_hops)
            if new is None:
                return []
            other = self.end if self.start.frontier is new else self.start
            met = {key: labels for key, labels in new.items() if key in other.depth}
            if self.request.max_degree is not None:  # a hub met is no meeting point
                self._measure(met)
                met = {key: labels for key, labels in met.items() if key not in self.hubs}
            if met:
                return self._joined(met)
        return []

    def _joined(self, met: Mapping[str, list[str]]) -> list[tuple[tuple[str, ...], int]]:
        """The first ``limit`` paths through the meeting nodes, in key order. The search
        stops at the first level where the sides meet, so every meeting node lies at
        the same distance from the start."""
        split = self.start.depth[min(met)]
        walks = (
            (*prefix, *suffix[1:]) for prefix in self.start.from_root(met) for suffix in self.end.to_root(prefix[-1])
        )
        return [(nodes, split) for nodes in islice(walks, self.request.limit)]

    def through(self, via: set[str]) -> list[tuple[tuple[str, ...], int]]:
        """The shortest paths passing through one of ``via``: shortest ways to and from a
        member combined; the least total that gives any path wins."""
        tried: set[int] = set()
        while True:
            totals = {
                v: self.start.depth[v] + self.end.depth[v] for v in via if v in self.start.depth and v in self.end.depth
            }
            unsettled = (self.start.distance(v) + self.end.distance(v) for v in via if v not in totals)
            bound = min(unsettled, default=math.inf)
            ready = sorted(t for t in set(totals.values()) if t <= self.request.max_hops and t not in tried)
            if ready and ready[0] <= bound:
                tried.add(ready[0])
                found = self._combined(sorted(v for v, total in totals.items() if total == ready[0]))
                if found:
                    return found
                continue
            if bound > self.request.max_hops or self._step() is None:
                return []

    def _combined(self, members: list[str]) -> list[tuple[tuple[str, ...], int]]:
        found: dict[tuple[str, ...], int] = {}
        for member in members:
            suffixes = list(islice(self.end.to_root(member), HALVES))
            for prefix in islice(self.start.from_root({member}), HALVES):
                for suffix in suffixes:
                    nodes = (*prefix, *suffix[1:])
                    if len(set(nodes)) == len(nodes):
                        found.setdefault(nodes, len(prefix) - 1)
        return sorted(found.items())[: self.request.limit]

    def graph_path(self, nodes: tuple[str, ...], split: int) -> GraphPath:
        """The path's relationships: from the start's side up to ``split``, then the end's."""
        links = [
            self.start.links[there][here] if i < split else self.end.links[here][there]
            for i, (here, there) in enumerate(zip(nodes, nodes[1:], strict=False))
        ]
        return GraphPath(
            nodes=nodes,
            types=tuple(rel_type for _, rel_type, _ in links),
            forward=tuple(not backward for backward, _, _ in links),
            keys=tuple(rkey for _, _, rkey in links),
        )

    def found(self, paths: list[tuple[tuple[str, ...], int]]) -> PathsFound:
        hubs = sorted(self.hubs.items(), key=lambda item: (-item[1], item[0]))
        return PathsFound(tuple(self.graph_path(*path) for path in paths), tuple(hubs), self.visited)


def search_paths(store: Traversal, request: PathRequest, progress: Progress = SILENT) -> PathsFound:
    """The shortest paths (ignoring direction) of at most ``max_hops`` links between the
    request's ends, searched in the store. Raises :class:`NodeNotFound` for an end the
    store lacks, ``ValueError`` for a ``via`` group holding none of its keys, and
    :class:`PathBudgetExceeded` when the search would read more than its budget."""
    start, end = str(request.start), str(request.end)
    located = store.locate([start, end, *request.via])
    for key in (start, end):
        if key not in located:
            raise NodeNotFound(key)
    through = {str(key) for key in request.via if str(key) in located}
    if request.via and not through:
        raise ValueError(f"via: none of the {len(request.via)} node(s) to go through is in the graph")
    if start == end:
        return PathsFound((GraphPath(nodes=(start,), types=(), forward=()),))
    search = _Search(store, request, located, progress)
    if through and not through & {start, end}:
        return search.found(search.through(through))
    return search.found(search.meet())  # no group, or an end is in it: every path goes through it
