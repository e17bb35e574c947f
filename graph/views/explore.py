"""The explorer's view: a neighbourhood grown node by node, where each node shows at most
its first N neighbours and counts the rest, so expanding a marketplace with thousands of
storefronts draws N of them and a "+ N more" node instead of freezing the page.

Filters narrow what is walked and shown: labels, relationship types, a sighting window
(``first_seen``..``last_seen`` overlapping it) and a case (only what the case touches).
The centres are always shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.analysis.communities import COMMUNITY_PROPERTY, detect
from graph.analysis.keyplayers import key_players
from graph.analysis.projection import Projection
from graph.store import GraphStore, NodeNotFound

__all__ = ["Filters", "ViewSpec", "View", "build_view", "view_membership", "view_scores"]

FETCH = 5000  # relationships read per expanded node; beyond, the rest is only counted


@dataclass(frozen=True)
class Filters:
    """What the view may contain. ``None`` and empty mean no restriction."""

    labels: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    case: str | None = None

    def describe(self) -> list[str]:
        """The filters in words, for captions and briefings."""
        words = []
        if self.labels:
            words.append("labels: " + ", ".join(self.labels))
        if self.types:
            words.append("relationships: " + ", ".join(self.types))
        if self.since or self.until:
            words.append(f"seen {self.since or '…'} to {self.until or '…'}")
        if self.case:
            words.append(f"case {self.case}")
        return words


@dataclass(frozen=True)
class ViewSpec:
    """Which view to draw: centres walked ``hops`` out, plus nodes the investigator
    expanded (key -> how many neighbours to show)."""

    centres: tuple[str, ...]
    hops: int = 1
    per_node: int = 25
    expanded: tuple[tuple[str, int], ...] = ()
    max_nodes: int = 1000
    filters: Filters = field(default_factory=Filters)


@dataclass
class View:
    """The drawn graph, the nodes whose neighbours were read (walked), the neighbours
    each capped node still hides, and whether the node cap cut the view."""

    graph: nx.MultiDiGraph
    more: dict[str, int]
    truncated: bool
    walked: frozenset[str] = frozenset()


def _moment(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _in_window(properties: Mapping[str, Any], filters: Filters) -> bool:
    """True when the sighting interval overlaps the window (or is unknown)."""
    first, last = _moment(properties.get("first_seen")), _moment(properties.get("last_seen"))
    if filters.since and last and last < filters.since:
        return False
    return not (filters.until and first and first > filters.until)


def _case_members(store: GraphStore, case: str) -> set[str]:
    rows, _ = store.neighbours(case, fetch=FETCH)
    return {case} | {row["other"] for row in rows}


def build_view(store: GraphStore, spec: ViewSpec) -> View:
    """Walk out from the centres (each walked node shows its first ``per_node``
    neighbours, or as many as it was expanded to), then read every relationship among
    the shown nodes that the filters allow."""
    filters = spec.filters
    located = store.locate(spec.centres)
    for key in spec.centres:
        if key not in located:
            raise NodeNotFound(key)
    allowed = _case_members(store, filters.case) | set(spec.centres) if filters.case else None
    wanted_labels = set(filters.labels) if filters.labels else None
    limits = dict(spec.expanded)
    labels_of: dict[str, list[str]] = dict(located)
    shown: list[str] = sorted(located)
    seen = set(shown)
    totals: dict[str, int] = {}
    truncated = False

    def walk(nodes: list[str]) -> list[str]:
        """Read these nodes' neighbours together; show each one's first few."""
        nonlocal truncated
        read = store.neighbours_of({n: labels_of[n] for n in nodes}, types=filters.types, fetch=FETCH)
        added = []
        for node in nodes:
            rows, total = read[node]
            keep: list[str] = []
            passing: set[str] = set()
            for row in rows:
                other = row["other"]
                labels_of.setdefault(other, sorted(row["labels"]))
                if allowed is not None and other not in allowed:
                    continue
                if wanted_labels is not None and not wanted_labels & set(row["labels"]):
                    continue
                if not (_in_window(row["props"], filters) and _in_window(row["rprops"], filters)):
                    continue
                passing.add(other)
                if other not in keep and len(keep) < limits.get(node, spec.per_node):
                    keep.append(other)
            totals[node] = len(passing) + (total - len({row["other"] for row in rows}))
            for other in keep:
                if other in seen:
                    continue
                if len(shown) >= spec.max_nodes:
                    truncated = True
                    break
                seen.add(other)
                shown.append(other)
                added.append(other)
        return added

    frontier = list(shown)
    for _ in range(max(0, spec.hops)):
        if not frontier:
            break
        frontier = walk(frontier)
    while pending := [node for node in limits if node in seen and node not in totals]:
        walk(pending)
    graph = _filtered(store.subgraph(shown), filters)
    more = {}
    for node, total in totals.items():
        hidden = total - len(set(graph.predecessors(node)) | set(graph.successors(node)))
        if hidden > 0:
            more[node] = hidden
    return View(graph=graph, more=more, truncated=truncated, walked=frozenset(totals))


def _filtered(graph: nx.MultiDiGraph, filters: Filters) -> nx.MultiDiGraph:
    """The subgraph without relationships the filters leave out."""
    types = set(filters.types) if filters.types else None
    drop = [
        (u, v, k)
        for u, v, k, data in graph.edges(keys=True, data=True)
        if (types is not None and data["type"] not in types) or not _in_window(data["properties"], filters)
    ]
    graph.remove_edges_from(drop)
    return graph


def _projection(graph: nx.MultiDiGraph) -> Projection:
    return Projection.from_edges(
        [(u, v) for u, v in graph.edges() if u != v],
        nodes=graph.nodes,
        labels={key: tuple(data.get("labels") or ()) for key, data in graph.nodes(data=True)},
    )


def view_membership(graph: nx.MultiDiGraph, known: Mapping[str, int] | None = None) -> tuple[dict[str, int], str]:
    """Each node's community and where it came from: the run given (``known``), else
    the ``community`` property a saved run wrote, else Louvain on this view alone."""
    if known and any(node in known for node in graph.nodes):
        return {node: known[node] for node in graph.nodes if node in known}, "the last detection run"
    stored = {
        node: value
        for node, data in graph.nodes(data=True)
        if isinstance(value := (data.get("properties") or {}).get(COMMUNITY_PROPERTY), int)
    }
    if stored:
        return stored, "the communities saved in the graph"
    if graph.number_of_nodes() == 0:
        return {}, "nothing to group"
    return detect(_projection(graph), "louvain", resolution=1.0).membership, "Louvain on this view (no saved run)"


def view_scores(graph: nx.MultiDiGraph, model: Any) -> dict[str, float]:
    """Key-player score (0..1) of each entity in the view, for node sizes."""
    if graph.number_of_nodes() < 2:
        return {}
    frame, _ = key_players(_projection(graph), model, limit=graph.number_of_nodes())
    return dict(zip(frame["key"], frame["score"].astype(float), strict=True))
