"""Projections: the part of the graph an analysis looks at, as compact integer arrays.

A projection holds nodes in key order and undirected, weighted edges between node
indices (parallel relationships add their type weights up). Everything about it is
canonical, whatever order the store returned rows in, which is what makes community
detection reproducible. It streams from the store one label or relationship type at a
time, column by column, so a million relationships take tens of megabytes, and it turns
into NetworkX, igraph or networkit graphs without going through Python objects per edge.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from graph.model import KEY, Model, quote
from graph.progress import SILENT, Progress

if TYPE_CHECKING:
    import igraph

    from graph.store import GraphStore
    from graph.store.engine import RelationshipEnds

__all__ = ["Projection", "Scope", "project"]

#: Nodes pulled around a centre before the view is cut (a hub can reach everything).
AROUND_LIMIT = 50_000


@dataclass(frozen=True)
class Scope:
    """What to project. Labels and types are checked against the model; the window keeps
    nodes and relationships whose sighting interval (``first_seen``..``last_seen``)
    overlaps it; ``around`` keeps what lies within ``hops`` of those keys."""

    labels: tuple[str, ...] | None = None  # None: every label
    types: tuple[str, ...] | None = None  # None: every type
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    around: tuple[str, ...] = ()
    hops: int = 2
    weights: Mapping[str, float] | None = None  # type -> weight; the model's by default
    weighted: bool = True

    def describe(self) -> dict[str, Any]:
        """The scope as plain values, to store beside a result."""
        return {
            "labels": list(self.labels) if self.labels is not None else None,
            "types": list(self.types) if self.types is not None else None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "around": list(self.around),
            "hops": self.hops if self.around else None,
            "weights": dict(sorted(self.weights.items())) if self.weights else None,
            "weighted": self.weighted,
        }


@dataclass
class Projection:
    """Nodes (sorted keys, their labels and display names) and undirected weighted edges.

    ``sources[i] < targets[i]``, edges sorted and unique; ``relationships`` counts the
    store relationships behind them (parallel ones collapse into one weighted edge).
    """

    keys: list[str]
    labels: list[tuple[str, ...]]
    names: list[str]
    sources: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    relationships: int = 0
    scope: Scope = field(default_factory=Scope)
    _index: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def from_edges(
        cls,
        edges: Iterable[tuple[str, str] | tuple[str, str, float]],
        *,
        nodes: Iterable[str] = (),
        labels: Mapping[str, tuple[str, ...]] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> Projection:
        """A projection from key pairs (optionally weighted) and extra isolated nodes."""
        triples = [(str(e[0]), str(e[1]), float(e[2]) if len(e) > 2 else 1.0) for e in edges]
        keys = sorted({k for a, b, _ in triples for k in (a, b)} | {str(n) for n in nodes})
        index = {key: i for i, key in enumerate(keys)}
        src = np.fromiter((index[a] for a, _, _ in triples), dtype=np.int64, count=len(triples))
        dst = np.fromiter((index[b] for _, b, _ in triples), dtype=np.int64, count=len(triples))
        weight = np.fromiter((w for _, _, w in triples), dtype=np.float64, count=len(triples))
        projection = cls(
            keys=keys,
            labels=[tuple((labels or {}).get(k, ())) for k in keys],
            names=[(names or {}).get(k, k) for k in keys],
            sources=src,
            targets=dst,
            weights=weight,
            relationships=len(triples),
        )
        projection._canonicalise()
        return projection

    @property
    def index(self) -> dict[str, int]:
        """Key -> node index."""
        if self._index is None:
            self._index = {key: i for i, key in enumerate(self.keys)}
        return self._index

    @property
    def node_count(self) -> int:
        return len(self.keys)

    @property
    def edge_count(self) -> int:
        return len(self.sources)

    def _canonicalise(self) -> None:
        """Drop self-loops, orient every edge low -> high index, sort, and add up the
        weights of parallel edges: the same graph always gives the same arrays."""
        low = np.minimum(self.sources, self.targets)
        high = np.maximum(self.sources, self.targets)
        keep = low != high
        low, high, weight = low[keep], high[keep], self.weights[keep]
        if len(low) == 0:
            self.sources = self.targets = np.zeros(0, dtype=np.int64)
            self.weights = np.zeros(0, dtype=np.float64)
            return
        pair = low * max(1, len(self.keys)) + high
        unique, inverse = np.unique(pair, return_inverse=True)
        self.weights = np.bincount(inverse, weights=weight, minlength=len(unique))
        n = max(1, len(self.keys))
        self.sources, self.targets = unique // n, unique % n

    def degree(self) -> np.ndarray:
        """Number of distinct neighbours of each node."""
        return np.bincount(np.concatenate([self.sources, self.targets]), minlength=self.node_count)

    def to_networkx(self) -> nx.Graph:
        """An undirected ``nx.Graph``: nodes are keys (with ``labels`` and ``name``),
        edges carry ``weight``; nodes and edges are added in canonical order."""
        graph = nx.Graph()
        graph.add_nodes_from(
            (key, {"labels": labels, "name": name})
            for key, labels, name in zip(self.keys, self.labels, self.names, strict=True)
        )
        keys = self.keys
        graph.add_weighted_edges_from(
            (keys[a], keys[b], w)
            for a, b, w in zip(self.sources.tolist(), self.targets.tolist(), self.weights.tolist(), strict=True)
        )
        return graph

    def to_igraph(self) -> igraph.Graph:
        """An undirected igraph ``Graph`` on node indices with a ``weight`` edge attribute.
        igraph takes edges as pairs: Python's cycle collector is paused while they are made,
        or its full passes over the million keys held nearby cost a second at the 1M demo."""
        import igraph

        collecting = gc.isenabled()
        gc.disable()
        try:
            edges = list(zip(self.sources.tolist(), self.targets.tolist(), strict=True))
            graph = igraph.Graph(n=self.node_count, edges=edges)
        finally:
            if collecting:
                gc.enable()
        graph.es["weight"] = self.weights.tolist()
        return graph

    def subset(self, keep: Iterable[int]) -> Projection:
        """The projection restricted to the given node indices."""
        chosen = np.zeros(self.node_count, dtype=bool)
        chosen[list(keep)] = True
        mask = chosen[self.sources] & chosen[self.targets]
        renumber = np.cumsum(chosen) - 1
        kept = np.flatnonzero(chosen).tolist()
        return Projection(
            keys=[self.keys[i] for i in kept],
            labels=[self.labels[i] for i in kept],
            names=[self.names[i] for i in kept],
            sources=renumber[self.sources[mask]],
            targets=renumber[self.targets[mask]],
            weights=self.weights[mask],
            relationships=int(mask.sum()),
            scope=self.scope,
        )


def _window(variable: str, scope: Scope) -> tuple[str, dict[str, Any]]:
    conditions, params = [], {}
    if scope.since is not None:
        conditions.append(f"{variable}.last_seen >= $since")
        params["since"] = scope.since
    if scope.until is not None:
        conditions.append(f"{variable}.first_seen <= $until")
        params["until"] = scope.until
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def _labels_of(store: GraphStore, scope: Scope) -> list[str]:
    present = set(store.labels_in_store())
    if scope.labels is None:
        return sorted(present)
    return sorted(store.model.label(label).name for label in scope.labels if label in present)


def _types_of(model: Model, store: GraphStore, scope: Scope) -> list[str]:
    present = set(store.types_in_store())
    if scope.types is None:
        return sorted(present)
    return sorted(model.relationship(t).name for t in scope.types if t in present)


def _collected(store: GraphStore, statement: str, params: Mapping[str, Any]) -> list[list[Any]]:
    """The lists a statement of ``collect(...)`` columns returns, in column order. One row
    of lists, not a row per node or link: a million rows as dicts cost seconds more to
    build, and to pass from a reader process. ``collect`` skips nulls, so every
    collected expression must never be null (``coalesce``) for the lists to stay aligned."""
    columns = store.read_columns(statement, params)
    return [values[0] if values else [] for values in columns.values()]


def _nodes(
    store: GraphStore,
    scope: Scope,
    allowed: set[str] | None,
    counts: Mapping[str, int],
    progress: Progress,
    numbered: bool,
) -> tuple[list[str], list[tuple[str, ...]], list[str], np.ndarray | None]:
    """Keys in key order, each node's labels (sorted) and display name, and (``numbered``)
    its :attr:`~graph.store.engine.Engine.node_number`: one read per label, gathered in
    numpy (a node of two labels comes once per label). Numbers are None if any is missing."""
    model = store.model
    where, params = _window("n", scope)
    labels = _labels_of(store, scope)
    total = sum(counts.get(label, 0) for label in labels)
    number = f", collect(coalesce({store.node_number.format(node='n')}, -1)) AS number" if numbered else ""
    found_keys: list[Any] = []
    found_names: list[Any] = []
    found_numbers: list[Any] = []
    found_labels = []
    for position, label in enumerate(labels):
        progress.report(f"reading nodes ({label})", len(found_keys), total)
        naming = model.display_expression([label])
        label_keys, label_names, *label_numbers = _collected(
            store,
            f"MATCH (n:{quote(label)}){where} RETURN collect(coalesce(n.{KEY}, false)) AS key, "
            f"collect(coalesce({naming}, false)) AS name{number}",
            params,
        )
        found_keys.extend(label_keys)
        found_names.extend(label_names)
        found_numbers.extend(label_numbers[0] if label_numbers else ())
        found_labels.append(np.full(len(label_keys), position, dtype=np.int64))
    label_of = np.concatenate(found_labels) if found_labels else np.zeros(0, dtype=np.int64)
    keys, node_labels, names, first = gathered(labels, found_keys, found_names, label_of, allowed)
    numbers = np.asarray(found_numbers, dtype=np.int64)[first] if numbered else None
    return keys, node_labels, names, numbers if numbers is not None and (numbers >= 0).all() else None


@dataclass(frozen=True)
class _Ends:
    """How the ends of relationships are read (``expression`` of a node ``{node}``) and
    found among the projection's nodes (``positions``: node index, -1 outside it)."""

    expression: str
    positions: Callable[[list[Any]], np.ndarray]

    @classmethod
    def by_key(cls, keys: list[str]) -> _Ends:
        return cls(f"coalesce({{node}}.{KEY}, '')", pd.Index(keys).get_indexer)

    @classmethod
    def by_number(cls, store: GraphStore, numbers: np.ndarray) -> _Ends:
        """Ends as node numbers: integers travel and match several times faster than keys."""
        table = np.full(int(numbers.max(initial=-1)) + 2, -1, dtype=np.int64)  # the last cell: any other number
        table[numbers] = np.arange(len(numbers))

        def positions(found: list[Any] | np.ndarray) -> np.ndarray:
            values = np.asarray(found, dtype=np.int64)
            return table[np.where((values >= 0) & (values < len(table)), values, -1)]

        return cls(f"coalesce({store.node_number}, -1)", positions)


def _weight(model: Model, scope: Scope, rel_type: str) -> float:
    """What one relationship of ``rel_type`` weighs: the scope's weight, else the model's, else 1."""
    if not scope.weighted:
        return 1.0
    known = model.relationships.get(rel_type)
    return dict(scope.weights or {}).get(rel_type, known.weight if known else 1.0)


def _read_links(
    store: GraphStore,
    scope: Scope,
    keys: list[str],
    numbers: np.ndarray | None,
    counts: Mapping[str, int],
    progress: Progress,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sources, targets and weights (node indices) of the relationships in scope between
    projected nodes: all at once where the store exports them (not in a sighting window:
    the export has no properties), else type by type; by node number where nodes have one."""
    if numbers is None:
        return _links(store, scope, _Ends.by_key(keys), counts, progress)
    ends = _Ends.by_number(store, numbers)
    if scope.since is None and scope.until is None:
        progress.report(f"reading {sum(counts.values()):,} relationships")
        exported = store.relationship_ends()
        if exported is not None:
            return _exported_links(store, scope, exported, ends.positions, progress)
    return _links(store, scope, ends, counts, progress)


def _exported_links(
    store: GraphStore,
    scope: Scope,
    exported: RelationshipEnds,
    positions: Callable[[np.ndarray], np.ndarray],
    progress: Progress,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_read_links` from every relationship of the graph at once."""
    wanted = set(_types_of(store.model, store, scope))
    weight = np.array([_weight(store.model, scope, name) for name in exported.types] + [0.0])
    in_scope = np.array([name in wanted for name in exported.types] + [False])
    a, b = positions(exported.start), positions(exported.end)
    inside = (a >= 0) & (b >= 0) & in_scope[exported.type]
    progress.report(f"read {len(a):,} relationships", len(a), len(a))
    return a[inside], b[inside], weight[exported.type[inside]]


def _links(
    store: GraphStore, scope: Scope, ends: _Ends, counts: Mapping[str, int], progress: Progress
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_read_links` one type at a time, by ``ends``."""
    model = store.model
    types = _types_of(model, store, scope)
    total = sum(counts.get(rel_type, 0) for rel_type in types)
    start, end = ends.expression.format(node="startNode(r)"), ends.expression.format(node="endNode(r)")
    sources, targets, edge_weights = [], [], []
    read = 0
    where, params = _window("r", scope)
    for rel_type in types:
        progress.report(f"reading relationships ({rel_type})", read, total)
        weight = _weight(model, scope, rel_type)
        found = _collected(  # by type, not by node: KGLite then scans the type's links only
            store,
            f"MATCH ()-[r:{quote(rel_type)}]->(){where} RETURN collect({start}) AS a, collect({end}) AS b",
            params,
        )
        a, b = (ends.positions(column) for column in found)
        read += len(a)
        inside = (a >= 0) & (b >= 0)
        sources.append(a[inside])
        targets.append(b[inside])
        edge_weights.append(np.full(int(inside.sum()), weight, dtype=np.float64))
    progress.report(f"read {read:,} relationships", read, read)
    return (
        np.concatenate(sources).astype(np.int64) if sources else np.zeros(0, dtype=np.int64),
        np.concatenate(targets).astype(np.int64) if targets else np.zeros(0, dtype=np.int64),
        np.concatenate(edge_weights) if edge_weights else np.zeros(0, dtype=np.float64),
    )


def gathered(
    labels: list[str], found_keys: list[Any], found_names: list[Any], label_of: np.ndarray, allowed: set[str] | None
) -> tuple[list[str], list[tuple[str, ...]], list[str], np.ndarray]:
    """Nodes read label by label (row ``i``: key, display name under label number
    ``label_of[i]``) as keys in key order, each node's labels (sorted) and name, and the
    row each node was first read in (a node of two labels comes once per label)."""
    rows = np.asarray(found_keys, dtype=object)
    keep = np.fromiter(
        (isinstance(key, str) and (allowed is None or key in allowed) for key in found_keys), bool, len(rows)
    )
    codes, keys = pd.factorize(rows[keep], sort=True)
    label_of = label_of[keep]
    names = np.asarray(found_names, dtype=object)[keep]
    order = np.lexsort((label_of, codes))  # each node's rows in label order
    codes, label_of, names = codes[order], label_of[order], names[order]
    first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, dtype=np.int64)
    singles = [(label,) for label in labels]
    node_labels = [singles[number] for number in label_of[first].tolist()]
    for row in np.flatnonzero(np.r_[False, codes[1:] == codes[:-1]]).tolist():  # a second or third label
        node = int(codes[row])
        node_labels[node] = (*node_labels[node], labels[label_of[row]])
    named = np.fromiter((isinstance(name, str) for name in names), bool, len(names))
    node_names = np.array(keys, dtype=object)  # a copy: keys stay keys
    taken, at = np.unique(codes[named], return_index=True)  # the first label that names it
    node_names[taken] = names[named][at]
    return list(keys), node_labels, node_names.tolist(), np.flatnonzero(keep)[order][first]


def project(store: GraphStore, scope: Scope | None = None, *, progress: Progress = SILENT) -> Projection:
    """Stream the part of the graph ``scope`` names out of ``store``, saying so to
    ``progress`` label by label and type by type."""
    scope = scope or Scope()
    allowed: set[str] | None = None
    if scope.around:
        progress.report(f"reading {scope.hops} hop(s) around {', '.join(scope.around)}")
        around = store.neighbourhood(scope.around, hops=scope.hops, limit=AROUND_LIMIT)
        allowed = set(around.nodes)
    counts = store.counts()  # from the store's statistics: totals for the progress
    saved = store.saved_as() if store.node_number else None
    keys, labels, names, numbers = _nodes(store, scope, allowed, counts.labels, progress, numbered=saved is not None)
    sources, targets, weights = _read_links(store, scope, keys, numbers, counts.types, progress)
    if numbers is not None and store.saved_as() != saved:  # numbers name other nodes in a later save
        progress.report("the graph was saved while it was read: reading its relationships again by key")
        sources, targets, weights = _links(store, scope, _Ends.by_key(keys), counts.types, progress)
    projection = Projection(
        keys=keys,
        labels=labels,
        names=names,
        sources=sources,
        targets=targets,
        weights=weights,
        relationships=len(sources),
        scope=scope,
    )
    projection._canonicalise()
    return projection
