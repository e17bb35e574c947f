"""Community detection: which storefronts, shells and factories form one ring.

The default is Leiden (igraph) on modularity with a resolution chosen from the data
(:func:`chosen_resolution`). Plain modularity (resolution 1) has a resolution limit: it
merges any two groups joined by one link once their volumes multiply to more than
``2m``, so at the 1,000,000-node demo its largest community held 363 cases of separate
rings. The limit sits at a volume of ``sqrt(2m / resolution)``; choosing ``resolution =
2m / V**2``, with ``V`` the volume of a typical node's neighbourhood, puts it at the
neighbourhood scale whatever the size of the graph, so rings stay rings at 10 thousand
nodes and at a million. It stays modularity, so Neo4j Graph Data Science's Leiden runs
the same objective with ``gamma`` set to the same number.

The user may pick another algorithm or resolution. Small graphs run NetworkX's own
implementations; above :data:`FAST_ABOVE` edges, where NetworkX's pure Python takes
minutes, the same algorithm runs in a compiled library: Louvain in networkit's PLM
(single-threaded, so a seed fixes it), label propagation in igraph, Leiden always in
igraph: to convergence on small graphs, one iteration on large ones (at the 1,000,000-node
demo a second iteration gave the same partition in twice the time).

Results are reproducible: the projection is canonical (nodes in key order, edges
sorted), seeds are passed to every implementation, and communities are numbered by
size, then by their smallest key, so the same graph, algorithm, parameters and seed give
the same numbers whatever order the store returned rows in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from graph.analysis.projection import Projection
from graph.analysis.seeding import seeded_igraph, seeded_networkit
from graph.attribution import current_user, utc_now
from graph.progress import SILENT, Progress
from graph.workspace import Workspace, new_id

if TYPE_CHECKING:
    import pandas as pd

    from graph.store import GraphStore

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "CommunityResult",
    "FAST_ABOVE",
    "chosen_resolution",
    "detect",
    "modularity",
    "nmi",
    "write_back",
]

ALGORITHMS = ("leiden", "louvain", "label_propagation")
DEFAULT_ALGORITHM = "leiden"
#: Edges above which an algorithm leaves NetworkX for a compiled implementation.
FAST_ABOVE = 20_000
#: Strength percentile above which a neighbour counts as a hub when sizing neighbourhoods.
HUB_PERCENTILE = 99
#: How :func:`chosen_resolution` chose, as recorded with a run.
RESOLUTION_RULE = "2m / V^2 (V: median neighbourhood volume, hubs capped), at least 1"
#: The node property a run writes, and the one naming the run it came from.
COMMUNITY_PROPERTY = "community"
RUN_PROPERTY = "community_run"
#: Rows of a run's summary kept in the workspace: what the Overview shows of it.
SUMMARY_KEPT = 10


@dataclass(frozen=True)
class CommunityResult:
    """A partition with everything needed to reproduce and judge it."""

    membership: dict[str, int]  # node key -> community number (0 = largest)
    algorithm: str
    implementation: str
    seed: int
    resolution: float
    modularity: float
    seconds: float
    nodes: int
    edges: int
    relationships: int
    scope: dict[str, Any] = field(default_factory=dict)
    resolution_rule: str | None = None  # how the resolution was chosen from the data; None: given

    @property
    def communities(self) -> dict[int, list[str]]:
        """Community number -> member keys, sorted."""
        groups: dict[int, list[str]] = {}
        for key, community in sorted(self.membership.items()):
            groups.setdefault(community, []).append(key)
        return dict(sorted(groups.items()))

    def parameters(self) -> dict[str, Any]:
        """The run's parameters as stored with it."""
        return {
            "algorithm": self.algorithm,
            "implementation": self.implementation,
            "seed": self.seed,
            "resolution": self.resolution,
            "resolution_chosen": self.resolution_rule or "given",
            "scope": self.scope,
        }


def chosen_resolution(projection: Projection) -> float:
    """The modularity resolution that puts the resolution limit at the neighbourhood
    scale: ``2m / V**2`` (``m`` the total link weight, ``V`` the median over linked nodes
    of the weighted degree of the node and its neighbours, a neighbour's counted at most
    at the :data:`HUB_PERCENTILE` th percentile so that a marketplace does not make every
    storefront's neighbourhood huge), never below 1, to four significant digits.

    It depends only on the links, so a server-side run (GDS Leiden's ``gamma``) can use
    the same number; small graphs get 1 (plain modularity).
    """
    if projection.edge_count == 0:
        return 1.0
    n, sources, targets, weights = projection.node_count, projection.sources, projection.targets, projection.weights
    strength = np.bincount(sources, weights, n) + np.bincount(targets, weights, n)
    capped = np.minimum(strength, np.percentile(strength, HUB_PERCENTILE))
    volume = strength + np.bincount(sources, capped[targets], n) + np.bincount(targets, capped[sources], n)
    typical = float(np.median(volume[strength > 0]))
    return float(f"{max(1.0, 2 * float(weights.sum()) / typical**2):.4g}")


def numbered(labels: np.ndarray) -> np.ndarray:
    """Community of each node index from any labelling (one label per node, in node =
    key order): communities numbered by size, largest first, then by smallest member."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return labels
    _, first, dense = np.unique(labels, return_index=True, return_inverse=True)
    sizes = np.bincount(dense)
    order = np.lexsort((first, -sizes))  # community numbers in the order they get them
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[dense]


def _numbered(projection: Projection, groups: Sequence[Sequence[int]]) -> list[int]:
    """:func:`numbered` for communities given as lists of node indices; nodes no group
    names become singletons."""
    labels = np.arange(projection.node_count, dtype=np.int64) + projection.node_count
    for number, group in enumerate(groups):
        labels[np.asarray(group, dtype=np.int64)] = number
    return numbered(labels).tolist()


def _from_sets(projection: Projection, communities: Sequence[Sequence[int]]) -> np.ndarray:
    labels = np.zeros(projection.node_count, dtype=np.int64)
    for number, members in enumerate(communities):
        labels[list(members)] = number
    return labels


def _networkx_graph(projection: Projection) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(projection.node_count))
    graph.add_weighted_edges_from(
        zip(projection.sources.tolist(), projection.targets.tolist(), projection.weights.tolist(), strict=True)
    )
    return graph


def _nx_louvain(projection: Projection, seed: int, resolution: float) -> np.ndarray:
    graph = _networkx_graph(projection)
    found = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    return _from_sets(projection, found)


def _nx_label_propagation(projection: Projection, seed: int, resolution: float) -> np.ndarray:
    graph = _networkx_graph(projection)
    return _from_sets(projection, nx.community.fast_label_propagation_communities(graph, weight="weight", seed=seed))


def _networkit_graph(projection: Projection):
    import networkit

    graph = networkit.Graph(projection.node_count, weighted=True)
    if projection.edge_count:
        graph.addEdges(
            (projection.weights, (projection.sources.astype(np.uint64), projection.targets.astype(np.uint64)))
        )
    return graph


def _networkit_run(seed: int, make: Callable[[Any], Any], graph: Any) -> np.ndarray:
    with seeded_networkit(seed):
        return np.asarray(make(graph).run().getPartition().getVector(), dtype=np.int64)


def _networkit_louvain(projection: Projection, seed: int, resolution: float) -> np.ndarray:
    import networkit

    return _networkit_run(
        seed, lambda graph: networkit.community.PLM(graph, refine=False, gamma=resolution), _networkit_graph(projection)
    )


def _igraph_label_propagation(projection: Projection, seed: int, resolution: float) -> np.ndarray:
    graph = projection.to_igraph()
    with seeded_igraph(seed):
        clusters = graph.community_label_propagation(weights="weight")
    return np.asarray(clusters.membership, dtype=np.int64)


def _igraph_leiden(projection: Projection, seed: int, resolution: float, iterations: int) -> np.ndarray:
    graph = projection.to_igraph()
    with seeded_igraph(seed):
        clusters = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=iterations
        )
    return np.asarray(clusters.membership, dtype=np.int64)


def _igraph_leiden_converged(projection: Projection, seed: int, resolution: float) -> np.ndarray:
    return _igraph_leiden(projection, seed, resolution, -1)


def _igraph_leiden_one_pass(projection: Projection, seed: int, resolution: float) -> np.ndarray:
    return _igraph_leiden(projection, seed, resolution, 1)


#: algorithm -> (implementation below FAST_ABOVE edges, implementation above), with names.
_IMPLEMENTATIONS: dict[str, tuple[tuple[str, Callable], tuple[str, Callable]]] = {
    "louvain": (("networkx.louvain_communities", _nx_louvain), ("networkit.PLM", _networkit_louvain)),
    "label_propagation": (
        ("networkx.fast_label_propagation_communities", _nx_label_propagation),
        ("igraph.community_label_propagation", _igraph_label_propagation),
    ),
    "leiden": (
        ("igraph.community_leiden (to convergence)", _igraph_leiden_converged),
        ("igraph.community_leiden (1 iteration)", _igraph_leiden_one_pass),
    ),
}


def modularity(projection: Projection, membership: Sequence[int], resolution: float = 1.0) -> float:
    """Weighted modularity of a partition given as one community number per node index
    (Newman's, with ``resolution`` as NetworkX and igraph define it), in numpy."""
    total = float(projection.weights.sum())
    if projection.edge_count == 0 or total == 0:
        return 0.0
    community = np.asarray(membership, dtype=np.int64)
    inside = community[projection.sources] == community[projection.targets]
    internal = np.bincount(community[projection.sources][inside], weights=projection.weights[inside])
    strength = np.bincount(projection.sources, weights=projection.weights, minlength=projection.node_count)
    strength += np.bincount(projection.targets, weights=projection.weights, minlength=projection.node_count)
    degree_sum = np.bincount(community, weights=strength)
    return float(internal.sum() / total - resolution * np.square(degree_sum / (2 * total)).sum())


def nmi(truth: Mapping[str, int], found: Mapping[str, int]) -> float:
    """Normalised mutual information of two partitions over the keys ``truth`` names
    (arithmetic-mean normalisation, as scikit-learn's default): 1 when they agree up to
    names, near 0 when one says nothing about the other. Nodes ``found`` lacks are left out."""
    keys = [key for key in truth if key in found]
    if not keys:
        return 1.0
    a = np.unique(np.fromiter((truth[key] for key in keys), np.int64, len(keys)), return_inverse=True)[1]
    b = np.unique(np.fromiter((found[key] for key in keys), np.int64, len(keys)), return_inverse=True)[1]
    joint = np.unique(a * (int(b.max()) + 1) + b, return_counts=True)[1]

    def entropy(counts: np.ndarray) -> float:
        shares = counts / len(keys)
        return float(-(shares * np.log(shares)).sum())

    ha, hb = entropy(np.bincount(a)), entropy(np.bincount(b))
    return 2 * (ha + hb - entropy(joint)) / (ha + hb) if ha + hb else 1.0


def detect(
    projection: Projection,
    algorithm: str = DEFAULT_ALGORITHM,
    *,
    seed: int = 42,
    resolution: float | None = None,
    progress: Progress = SILENT,
) -> CommunityResult:
    """Partition the projection into communities; every node gets one, isolated ones too.
    ``resolution`` None: :func:`chosen_resolution` (recorded in the result)."""
    if algorithm not in _IMPLEMENTATIONS:
        raise ValueError(f"unknown algorithm {algorithm!r}; use one of {ALGORITHMS}")
    if resolution is not None and not resolution > 0:
        raise ValueError(f"resolution must be a positive number, got {resolution}")
    small, large = _IMPLEMENTATIONS[algorithm]
    implementation, run = small if projection.edge_count <= FAST_ABOVE else large
    started = time.perf_counter()
    rule = None
    if resolution is None:
        progress.report(f"choosing the resolution from {projection.edge_count:,} links")
        resolution, rule = chosen_resolution(projection), RESOLUTION_RULE
    progress.report(
        f"{algorithm.replace('_', ' ').capitalize()} on {projection.node_count:,} nodes "
        f"and {projection.edge_count:,} links (resolution {resolution:g})"
    )
    labels = run(projection, int(seed), float(resolution)) if projection.node_count else np.zeros(0, dtype=np.int64)
    progress.report("numbering the communities by size")
    membership = numbered(labels)
    seconds = time.perf_counter() - started
    return CommunityResult(
        membership=dict(zip(projection.keys, membership.tolist(), strict=True)),
        algorithm=algorithm,
        implementation=implementation,
        seed=int(seed),
        resolution=float(resolution),
        modularity=round(modularity(projection, membership), 6),  # at resolution 1: comparable across runs
        seconds=round(seconds, 3),
        nodes=projection.node_count,
        edges=projection.edge_count,
        relationships=projection.relationships,
        scope=projection.scope.describe(),
        resolution_rule=rule,
    )


def write_back(
    store: GraphStore,
    workspace: Workspace,
    projection: Projection,
    result: CommunityResult,
    summary: pd.DataFrame | None = None,
) -> str:
    """Store each node's community (``community``, ``community_run``) in the graph, so
    saved queries and the app can use them, and the run itself (algorithm, parameters,
    seed, quality, and the first :data:`SUMMARY_KEPT` rows of ``summary``: the Overview
    shows them without computing anything) in the workspace. Returns the run's id."""
    at = utc_now()
    run_id = new_id("RUN", at)
    by_label: dict[str, dict[str, int]] = {}
    for key, labels in zip(projection.keys, projection.labels, strict=True):
        if labels:
            by_label.setdefault(labels[0], {})[key] = result.membership[key]
    store.set_node_values(COMMUNITY_PROPERTY, by_label, alike={RUN_PROPERTY: run_id})
    workspace.add(
        "analysis_runs",
        [
            {
                "id": run_id,
                "name": f"{result.algorithm} communities, seed {result.seed}",
                "kind": "communities",
                "algorithm": result.algorithm,
                "implementation": result.implementation,
                "parameters": result.parameters(),
                "seed": result.seed,
                "resolution": result.resolution,
                "modularity": result.modularity,
                "communities": len(set(result.membership.values())),
                "nodes": result.nodes,
                "relationships": result.relationships,
                "seconds": result.seconds,
                "at": at,
                "by": current_user(),
                "summary": None if summary is None else summary.head(SUMMARY_KEPT).to_dict("records"),
            }
        ],
    )
    return run_id
