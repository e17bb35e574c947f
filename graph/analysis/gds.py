"""Analyses run inside Neo4j by Graph Data Science (GDS), when the server has the plugin.

A team's graph can outgrow the laptop: then communities and key players run where the
graph is. Each run projects the same scope the in-process path streams
(:class:`~graph.analysis.projection.Scope`: labels, types, window, neighbourhood,
weights) into GDS's in-memory catalog, under a name of its own, and drops it afterwards
whatever happens: communities on a scope without window or centres by GDS's native
projection (the store's files read in parallel) when that gives the same graph, else by
one Cypher projection. What comes back: a community per node,
three measures per node, and the links as pairs of ids: the summaries need them, the
resolution chosen from the data (:func:`~graph.analysis.communities.chosen_resolution`)
is computed here on them, so GDS's Leiden runs the same objective as the in-process one,
and so is the modularity, as in-process (GDS 2.13's ``gds.modularity.stats`` failed on
Leiden's community ids at 100,000 nodes). Every long column comes back collected into a
list, one record per read: at a million nodes the driver's cost per record, not the
server, was most of a run.

What GDS cannot honour is said in the result's notes: Louvain and label propagation in
GDS take no seed and no resolution (one thread makes them repeatable). The graph catalog
lives in one server: on a cluster, point ``NEO4J_URI`` at the member with GDS
(``bolt://``), not at the routing address.
"""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graph.analysis.communities import (
    DEFAULT_ALGORITHM,
    RESOLUTION_RULE,
    CommunityResult,
    chosen_resolution,
    detect,
    modularity,
    numbered,
)
from graph.analysis.keyplayers import Measures, betweenness_samples, key_players, ranked
from graph.analysis.projection import AROUND_LIMIT, Projection, Scope, _labels_of, _types_of, gathered, project
from graph.model import INTERNAL_PREFIX, KEY, quote
from graph.progress import SILENT, Progress
from graph.records import GraphPath
from graph.store.engine import NodeNotFound, QueryError

if TYPE_CHECKING:
    from graph.store import GraphStore

__all__ = [
    "IN_PROCESS",
    "Ran",
    "available",
    "communities_in_server",
    "find_communities",
    "find_key_players",
    "key_players_in_server",
    "paths_in_server",
]

#: Our algorithm names -> the GDS procedure, and the options GDS has for each.
PROCEDURES = {"louvain": "gds.louvain", "leiden": "gds.leiden", "label_propagation": "gds.labelPropagation"}
SEEDED = {"leiden"}
RESOLVED = {"leiden"}
#: Algorithms that take a resolution in process, and not in GDS.
UNRESOLVED = {"louvain"}

_versions: weakref.WeakKeyDictionary[GraphStore, str | None] = weakref.WeakKeyDictionary()


def available(store: GraphStore) -> str | None:
    """The server's GDS version, or None (no plugin, not allowed, or the embedded store);
    asked once per store."""
    from graph.store.neo4j_engine import Neo4jStore

    if not isinstance(store, Neo4jStore):
        return None
    if store not in _versions:
        try:
            _versions[store] = store.read("RETURN gds.version() AS version")[0]["version"]
        except QueryError:  # unknown function: the plugin is absent or its procedures are not allowed
            _versions[store] = None
    return _versions[store]


def _during(variable: str) -> str:
    """The sighting window on ``variable`` as the in-process projection applies it."""
    return f"($since IS NULL OR {variable}.last_seen >= $since) AND ($until IS NULL OR {variable}.first_seen <= $until)"


def _kept(variable: str) -> str:
    """A node the in-process projection keeps: keyed, around the centres if any, seen
    in the window."""
    return (
        f"{variable}.{KEY} IS NOT NULL AND ($allowed IS NULL OR {variable}.{KEY} IN $allowed) AND {_during(variable)}"
    )


def _projection(labels: list[str], types: list[str]) -> str:
    """One Cypher projection of the scope, parameters only (labels and types from the
    model's whitelist, quoted): each relationship met once, from its end with the lower
    node id (no key read to order them), and added up with its parallel ones (either way
    round, any type) into one weighted, undirected link; isolated nodes kept."""
    nodes = "|".join(quote(label) for label in labels)
    if types:
        links = (
            f"OPTIONAL MATCH (n)-[r:{'|'.join(quote(t) for t in types)}]-(m) "
            f"WHERE id(n) < id(m) AND m:{nodes} AND {_kept('m')} AND {_during('r')} "
        )
    else:
        links = "WITH n, null AS m, null AS r "
    return (
        f"MATCH (n) WHERE n:{nodes} AND {_kept('n')} {links}"  # all nodes in id order: GDS numbers them so
        "WITH n, m, sum($weights[type(r)]) AS weight, count(r) AS relationships "
        "RETURN gds.graph.project($graph, n, m, {relationshipProperties: {weight: weight}}, "
        "{undirectedRelationshipTypes: ['*']}) AS projected, sum(relationships) AS relationships"
    )


#: GDS's native projection: read from the store's own files, in parallel (10 s against
#: 32 s for the Cypher projection at the 1M demo). It keeps every relationship (parallel
#: ones too) and every node of the labels, so it serves a scope without window or centres,
#: and its result is kept only when it is the in-process projection exactly (see
#: :func:`linked`). A relationship's weight is its type's, given as the default of a
#: property no relationship has: GDS wants the property's name known to the database.
NATIVE = (
    "CALL gds.graph.project($graph, $labels, $types) YIELD nodeCount, relationshipCount "
    "RETURN {nodeCount: nodeCount, relationshipCount: relationshipCount} AS projected, "
    "relationshipCount / 2 AS relationships"
)
WEIGHT = f"{INTERNAL_PREFIX}weight"
DROP = "CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName"
#: Long columns come back as a few lists in one record: a record per node or link costs
#: the driver ten times more (110 s against 14 s for 4.4 million links).
STREAM = (
    "CALL gds.graph.nodeProperty.stream($graph, $property) YIELD nodeId, propertyValue "
    "RETURN collect(nodeId) AS nodeId, collect(propertyValue) AS value"
)
LINKS = (
    "CALL gds.graph.relationshipProperty.stream($graph, 'weight') "
    "YIELD sourceNodeId AS a, targetNodeId AS b, propertyValue AS weight WHERE a < b "
    "RETURN collect(a) AS a, collect(b) AS b, collect(weight) AS weight"
)
#: The links of a native projection, weighted by their type (streaming the weight
#: property of a graph of many types took three times longer).
TYPED_LINKS = (
    "CALL gds.graph.relationships.stream($graph) YIELD sourceNodeId AS a, targetNodeId AS b, relationshipType AS type "
    "WITH a, b, type WHERE a < b RETURN collect(a) AS a, collect(b) AS b, collect($weights[type]) AS weight"
)


@dataclass
class ServerGraph:
    """A projection held in the server's GDS catalog under ``name``."""

    store: GraphStore
    name: str
    scope: Scope
    labels: list[str]
    nodes: int
    edges: int
    relationships: int
    allowed: list[str] | None = None
    weights: dict[str, float] | None = None  # of each type, when projected natively

    def read(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        """A statement on the projected graph (nothing to run on an empty scope: GDS
        catalogs no graph without nodes)."""
        return self.store.read(statement, {"graph": self.name, **params}) if self.nodes else []

    def lists(self, statement: str, **params: Any) -> dict[str, list[Any]]:
        """The one record of a statement that collects its columns into lists (read as
        columns: a record read as a map walks its lists once more in Python)."""
        columns = self.store.read_columns(statement, {"graph": self.name, **params})
        return {name: values[0] for name, values in columns.items()}

    def members(self, progress: Progress = SILENT) -> tuple[Projection, np.ndarray]:
        """The nodes in key order (their labels in scope and names, as the in-process
        projection gives them) as a projection without links, and their GDS node ids
        (Neo4j's node ids) in the same order: one read per label."""
        model = self.store.model
        ids: list[int] = []
        keys: list[Any] = []
        names: list[Any] = []
        label_of = []
        params = {"allowed": self.allowed, "since": self.scope.since, "until": self.scope.until}
        for number, label in enumerate(self.labels if self.nodes else []):
            progress.report(f"reading nodes ({label})", len(keys), self.nodes)
            row = self.lists(
                f"MATCH (n:{quote(label)}) WHERE {_kept('n')} RETURN collect(id(n)) AS ids, collect(n.{KEY}) AS keys,"
                f" collect({model.display_expression([label])}) AS names",
                **params,
            )
            ids += row["ids"]
            keys += row["keys"]
            names += row["names"]
            label_of.append(np.full(len(row["ids"]), number, dtype=np.int64))
        found = np.concatenate(label_of) if label_of else np.zeros(0, dtype=np.int64)
        keys, labels, names, first = gathered(self.labels, keys, names, found, None)
        empty = np.zeros(0, dtype=np.int64)
        projection = Projection(
            keys=keys,
            labels=labels,
            names=names,
            sources=empty,
            targets=empty,
            weights=np.zeros(0, dtype=np.float64),
            relationships=self.relationships,
            scope=self.scope,
        )
        return projection, np.asarray(ids, dtype=np.int64)[first]

    def values(self, node_ids: np.ndarray, name: str) -> np.ndarray:
        """An in-memory node property, in the order of ``node_ids``."""
        values = np.zeros(len(node_ids), dtype=np.float64)
        if self.nodes:
            row = self.lists(STREAM, property=name)
            values[_positions(node_ids, row["nodeId"])] = row["value"]
        return values

    def links(self, projection: Projection, node_ids: np.ndarray) -> None:
        """Give the projection its weighted links, read as pairs of node ids (each link
        once): then it is the in-process projection exactly."""
        if not self.edges:
            return
        row = self.lists(TYPED_LINKS, weights=self.weights) if self.weights is not None else self.lists(LINKS)
        projection.sources = _positions(node_ids, row["a"])
        projection.targets = _positions(node_ids, row["b"])
        projection.weights = np.asarray(row["weight"], dtype=np.float64)
        projection._canonicalise()
        self.edges = projection.edge_count  # parallel relationships of a native projection: one link


def _positions(node_ids: np.ndarray, wanted: list[Any]) -> np.ndarray:
    """Where each of ``wanted`` (GDS node ids) sits in ``node_ids``."""
    by_id = np.argsort(node_ids)
    return by_id[np.searchsorted(node_ids, np.asarray(wanted, dtype=np.int64), sorter=by_id)]


@contextmanager
def projected(
    store: GraphStore, scope: Scope, progress: Progress = SILENT, *, native: bool = False
) -> Iterator[ServerGraph]:
    """The scope projected into GDS under a name no other run uses, dropped on leaving;
    ``native``: by GDS's native projection (a scope without window or centres only)."""
    model = store.model
    labels = _labels_of(store, scope)
    types = _types_of(model, store, scope)
    weights = {
        rel_type: (
            float(dict(scope.weights or {}).get(rel_type, model.relationships[rel_type].weight))
            if scope.weighted and rel_type in model.relationships
            else 1.0
        )
        for rel_type in types
    }
    allowed = None
    if scope.around:
        progress.report(f"reading {scope.hops} hop(s) around {', '.join(scope.around)}")
        allowed = sorted(store.neighbourhood(scope.around, hops=scope.hops, limit=AROUND_LIMIT).nodes)
    name = f"kg-{uuid.uuid4().hex}"
    progress.report("projecting the graph in the server (Graph Data Science)")
    params = {"graph": name, "weights": weights, "allowed": allowed, "since": scope.since, "until": scope.until}
    if native:
        params = {"graph": name, "labels": labels, "types": _native_types(weights)}
    try:
        statement = NATIVE if native else _projection(labels, types)
        row = store.read(statement, params)[0] if labels else {"projected": None}
        summary = row["projected"] or {"nodeCount": 0, "relationshipCount": 0}  # None: nothing in scope
        yield ServerGraph(
            store,
            name,
            scope,
            labels,
            int(summary["nodeCount"]),
            int(summary["relationshipCount"]) // 2,  # each undirected link is held both ways
            int(row.get("relationships") or 0),
            allowed,
            weights if native else None,
        )
    finally:
        store.read(DROP, {"graph": name})


def _weight_named(store: GraphStore) -> bool:
    """Whether the database knows the weight's property name (made known here: a name
    only, no data changes; a user who may not write gets the Cypher projection)."""
    try:
        store._write("CALL db.createProperty($name)", {"name": WEIGHT})
    except QueryError:
        return False
    return True


def _native_types(weights: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each type undirected, every relationship kept, weighted by its type."""
    return {
        rel_type: {
            "type": rel_type,
            "orientation": "UNDIRECTED",
            "aggregation": "NONE",
            "properties": {"weight": {"property": WEIGHT, "defaultValue": weight}},
        }
        for rel_type, weight in weights.items()
    }


@contextmanager
def linked(
    store: GraphStore, scope: Scope, progress: Progress = SILENT, *, native: bool = True
) -> Iterator[tuple[ServerGraph, Projection, np.ndarray]]:
    """The scope in GDS with its nodes and links read back: by the native projection
    (``native``) when the scope has no window or centres and it gives the in-process
    projection exactly (every node keyed, no parallel relationships or self-loops, which
    GDS would keep apart and betweenness count twice), else by the Cypher projection."""
    plain = native and scope.since is None and scope.until is None and not scope.around
    plain = plain and bool(_types_of(store.model, store, scope))
    for native in (True, False) if plain and _weight_named(store) else (False,):
        with projected(store, scope, progress, native=native) as graph:
            projection, node_ids = graph.members(progress)
            if native and projection.node_count != graph.nodes:
                continue  # nodes without a key: the in-process path leaves them out
            progress.report(f"reading {graph.edges:,} links back")
            graph.links(projection, node_ids)
            if native and graph.edges != graph.relationships:
                continue
            yield graph, projection, node_ids
            return


@dataclass(frozen=True)
class Ran:
    """A community run, where it ran (said to the user) and the options it could not
    honour."""

    projection: Projection
    result: CommunityResult
    where: str
    notes: list[str] = field(default_factory=list)


IN_PROCESS = "in this process"


def _where(store: GraphStore) -> str:
    return f"in the Neo4j server (Graph Data Science {available(store)})"


def _checked(algorithm: str, resolution: float | None) -> None:
    """Refuse what the in-process path refuses, before anything is projected."""
    if algorithm not in PROCEDURES:
        raise ValueError(f"unknown algorithm {algorithm!r}; use one of {tuple(PROCEDURES)}")
    if resolution is not None and not resolution > 0:
        raise ValueError(f"resolution must be a positive number, got {resolution}")


@dataclass(frozen=True)
class _Partition:
    membership: np.ndarray  # community of each node, in key order, numbered as in process
    resolution: float
    rule: str | None
    modularity: float
    notes: list[str]


def _partition(
    graph: ServerGraph,
    projection: Projection,
    node_ids: np.ndarray,
    algorithm: str,
    seed: int,
    resolution: float | None,
    progress: Progress,
) -> _Partition:
    """Run the community algorithm in the server (into the in-memory ``community``) with
    what GDS can honour of the in-process options, on the projection with its links."""
    options: dict[str, Any] = {"mutateProperty": "community", "relationshipWeightProperty": "weight", "concurrency": 1}
    notes, rule = [], None
    if algorithm in SEEDED:
        options["randomSeed"] = seed
    else:
        notes.append(f"GDS {algorithm} takes no seed: seed {seed} not used (one thread makes it repeatable)")
    if algorithm in RESOLVED | UNRESOLVED and resolution is None:
        progress.report(f"choosing the resolution from {projection.edge_count:,} links")
        resolution, rule = chosen_resolution(projection), RESOLUTION_RULE
    if algorithm in RESOLVED:
        options["gamma"] = resolution
    elif algorithm in UNRESOLVED and resolution != 1.0:
        notes.append(f"GDS {algorithm} has no resolution: {resolution:g} not used (it ran at 1)")
    resolution = float(options.get("gamma", 1.0))
    progress.report(
        f"{algorithm.replace('_', ' ').capitalize()} in the server on {graph.nodes:,} nodes and {graph.edges:,} links"
        f" (resolution {resolution:g})"
    )
    graph.read(
        f"CALL {PROCEDURES[algorithm]}.mutate($graph, $options) YIELD nodePropertiesWritten RETURN 1", options=options
    )
    progress.report("reading the communities back")
    membership = numbered(graph.values(node_ids, "community").astype(np.int64))
    quality = modularity(projection, membership)  # at resolution 1, as in-process
    return _Partition(membership, resolution, rule if algorithm in RESOLVED else None, quality, notes)


def communities_in_server(
    store: GraphStore,
    scope: Scope | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    *,
    seed: int = 42,
    resolution: float | None = None,
    progress: Progress = SILENT,
) -> Ran:
    """Communities found in the server: the same result (numbering, parameters, scope,
    modularity) the in-process :func:`~graph.analysis.communities.detect` gives
    (``resolution`` None: chosen from the data, as there)."""
    scope = scope or Scope()
    _checked(algorithm, resolution)
    started = time.perf_counter()
    with linked(store, scope, progress) as (graph, projection, node_ids):
        found = _partition(graph, projection, node_ids, algorithm, seed, resolution, progress)
    result = CommunityResult(
        membership=dict(zip(projection.keys, found.membership.tolist(), strict=True)),
        algorithm=algorithm,
        implementation=f"{PROCEDURES[algorithm]} (Neo4j Graph Data Science {available(store)})",
        seed=int(seed),
        resolution=found.resolution,
        modularity=round(found.modularity, 6),
        seconds=round(time.perf_counter() - started, 3),
        nodes=graph.nodes,
        edges=graph.edges,
        relationships=graph.relationships,
        scope=scope.describe(),
        resolution_rule=found.rule,
    )
    return Ran(projection, result, _where(store), found.notes)


def _measure(graph: ServerGraph, node_ids: np.ndarray, seed: int, progress: Progress) -> tuple[Measures, int | None]:
    """PageRank and betweenness in the server, scaled as
    the in-process measures are; betweenness sampled as in-process
    (:func:`~graph.analysis.keyplayers.betweenness_samples`)."""
    n = graph.nodes
    progress.report(f"PageRank in the server on {n:,} nodes")
    graph.read(
        "CALL gds.pageRank.mutate($graph, {mutateProperty: 'pagerank', relationshipWeightProperty: 'weight',"
        " maxIterations: 100, tolerance: 1e-9}) YIELD nodePropertiesWritten RETURN 1"
    )
    samples = betweenness_samples(n, graph.edges)
    options: dict[str, Any] = {"mutateProperty": "betweenness"}
    if samples is not None:
        options.update(samplingSize=samples, samplingSeed=seed, concurrency=1)
    progress.report(f"betweenness in the server on {n:,} nodes" + (f" ({samples} sources)" if samples else ""))
    graph.read("CALL gds.betweenness.mutate($graph, $options) YIELD nodePropertiesWritten RETURN 1", options=options)
    progress.report("reading the measures back")
    pagerank = graph.values(node_ids, "pagerank")
    betweenness = graph.values(node_ids, "betweenness")
    if samples:
        betweenness *= n / samples  # GDS adds up the sampled sources only; scaled to all of them
    return (
        pagerank / pagerank.sum() if pagerank.sum() > 0 else pagerank,
        (betweenness / ((n - 1) * (n - 2) / 2) if n >= 3 else np.zeros(n)),
        samples,
    )


def _bridges(graph: ServerGraph, node_ids: np.ndarray, membership: np.ndarray):
    """For chosen nodes (indices in key order): how many other communities their
    neighbours in the projection belong to, read from the server's catalog."""

    def bridges(nodes: list[int]) -> list[int]:
        rows = graph.read(
            "UNWIND $nodes AS node CALL gds.bfs.stream($graph, {sourceNode: node, maxDepth: 1}) YIELD nodeIds "
            "RETURN node, nodeIds",
            nodes=[int(node_ids[i]) for i in nodes],
        )
        reached = {row["node"]: row["nodeIds"] for row in rows}
        counts = []
        for i in nodes:
            around = [j for j in reached.get(int(node_ids[i]), []) if j != node_ids[i]]
            communities = set(membership[_positions(node_ids, around)].tolist()) if around else set()
            counts.append(len(communities - {int(membership[i])}))
        return counts

    return bridges


def key_players_in_server(
    store: GraphStore,
    scope: Scope | None = None,
    *,
    limit: int = 25,
    seed: int = 42,
    progress: Progress = SILENT,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Key players measured in the server, ranked and explained as in-process
    (:func:`~graph.analysis.keyplayers.ranked`), with the communities they bridge (found
    as the in-process path finds them: the default algorithm at the chosen resolution)."""
    scope = scope or Scope()
    # on one type, not the native projection's many, PageRank ran 4.5 times faster at the 1M demo
    with linked(store, scope, progress, native=False) as (graph, projection, node_ids):
        found = _partition(graph, projection, node_ids, DEFAULT_ALGORITHM, seed, None, progress)
        pagerank, betweenness, samples = _measure(graph, node_ids, seed, progress)
        measures = Measures(
            projection.keys,
            projection.labels,
            projection.names,
            projection.degree().astype(float),  # the links are here: no degree to run in the server
            pagerank,
            betweenness,
            samples,
            graph.edges,
        )
        progress.report("ranking")
        frame, method = ranked(
            measures, store.model, bridges=_bridges(graph, node_ids, found.membership), limit=limit, seed=seed
        )
    method.update(where=_where(store), notes=found.notes)
    return frame, method


def _in_process(store: GraphStore, in_process: bool) -> bool:
    return in_process or available(store) is None


def find_communities(
    store: GraphStore,
    scope: Scope | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    *,
    seed: int = 42,
    resolution: float | None = None,
    in_process: bool = False,
    progress: Progress = SILENT,
) -> Ran:
    """Communities in the server when it has GDS (unless ``in_process``), else here:
    the one dispatch of the command line and the app."""
    if not _in_process(store, in_process):
        return communities_in_server(store, scope, algorithm, seed=seed, resolution=resolution, progress=progress)
    projection = project(store, scope or Scope(), progress=progress)
    return Ran(
        projection, detect(projection, algorithm, seed=seed, resolution=resolution, progress=progress), IN_PROCESS
    )


def find_key_players(
    store: GraphStore,
    scope: Scope | None = None,
    *,
    limit: int = 25,
    seed: int = 42,
    in_process: bool = False,
    progress: Progress = SILENT,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Key players measured in the server when it has GDS (unless ``in_process``), else
    here; ``method`` says where (``where``) and what it could not honour (``notes``)."""
    if not _in_process(store, in_process):
        return key_players_in_server(store, scope, limit=limit, seed=seed, progress=progress)
    projection = project(store, scope or Scope(), progress=progress)
    membership = detect(projection, seed=seed, progress=progress).membership
    frame, method = key_players(
        projection, store.model, membership=membership, limit=limit, seed=seed, progress=progress
    )
    method.update(where=IN_PROCESS, notes=[])
    return frame, method


#: All shortest paths in one server query; the walk's rules as in the store's own search
#: (types followed, labels and distinct neighbours of the nodes walked through; the ends
#: exempt). Each hop's relationship told as (points backward, type, key).
SHORTEST = (
    "MATCH p = allShortestPaths((a)-[*..{hops}]-(b)) "
    "WHERE all(r IN relationships(p) WHERE $types IS NULL OR type(r) IN $types) "
    "AND all(n IN nodes(p) WHERE n = a OR n = b "
    "OR (($labels IS NULL OR any(label IN labels(n) WHERE label IN $labels)) "
    "AND ($max_degree IS NULL OR COUNT {{ MATCH (n)-[q]-(o) WHERE $types IS NULL OR type(q) IN $types "
    "RETURN DISTINCT o }} <= $max_degree))) "
    f"RETURN [n IN nodes(p) | n.{KEY}] AS nodes, "
    "[i IN range(0, length(p) - 1) | [startNode(relationships(p)[i]) <> nodes(p)[i], "
    f"type(relationships(p)[i]), coalesce(relationships(p)[i].{KEY}, '')]] AS links"
)


def paths_in_server(
    store: GraphStore,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    max_degree: int | None = None,
    limit: int = 10,
    labels: Collection[str] | None = None,
    types: Collection[str] | None = None,
) -> list[GraphPath]:
    """All shortest paths (ignoring direction) of at most ``max_hops`` links, found by
    the server in one query (Cypher's ``allShortestPaths``), as the store's own search
    gives them: one per chain of nodes (a parallel link told by the least of backward,
    type, key), in key order, at most ``limit``. ``max_degree``, ``labels`` and
    ``types`` rule the walk as in :func:`~graph.analysis.paths.find_paths`."""
    located = store.locate([start, end])
    for key in (start, end):
        if key not in located:
            raise NodeNotFound(key)
    if start == end:
        return [GraphPath(nodes=(start,), types=(), forward=())]
    for name in labels or ():
        store.model.label(name)
    ends = f"MATCH (a:{quote(located[start][0])} {{{KEY}: $start}}) MATCH (b:{quote(located[end][0])} {{{KEY}: $end}}) "
    rows = store.read(
        ends + SHORTEST.format(hops=int(max_hops)),
        {
            "start": start,
            "end": end,
            "types": list(types) if types is not None else None,
            "labels": sorted(labels) if labels is not None else None,
            "max_degree": max_degree,
        },
    )
    chains: dict[tuple[str, ...], list[tuple[bool, str, str]]] = {}
    for row in rows:
        links = [tuple(link) for link in row["links"]]
        known = chains.setdefault(tuple(row["nodes"]), links)
        chains[tuple(row["nodes"])] = [min(a, b) for a, b in zip(known, links, strict=True)]
    return [
        GraphPath(
            nodes=nodes,
            types=tuple(rel_type for _, rel_type, _ in links),
            forward=tuple(not backward for backward, _, _ in links),
            keys=tuple(rkey for _, _, rkey in links),
        )
        for nodes, links in sorted(chains.items())[:limit]
    ]
