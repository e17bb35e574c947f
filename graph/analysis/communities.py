"""Community detection: which storefronts, shells and factories form one ring.

The user picks an algorithm; the library is ours to pick. Small graphs run NetworkX's
own implementations; above :data:`FAST_ABOVE` edges, where NetworkX's pure Python takes
minutes (31 s for Louvain at 500 thousand edges here), the same algorithm runs in a
compiled library: Louvain in networkit's PLM (single-threaded, so a seed fixes it; its
label propagation, PLP, lost half the modularity on planted partitions, so label
propagation goes to igraph). Leiden always runs in igraph (NetworkX has no CPU Leiden): to
convergence on small graphs, igraph's default two iterations on large ones.

Results are reproducible: the projection is canonical (nodes in key order, edges
sorted), seeds are passed to every implementation, and communities are numbered by
size, then by their smallest key, so the same graph, algorithm, parameters and seed give
the same numbers whatever order the store returned rows in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from graph.analysis.projection import Projection
from graph.analysis.seeding import seeded_igraph, seeded_networkit
from graph.attribution import current_user, utc_now
from graph.workspace import Workspace, new_id

if TYPE_CHECKING:
    import pandas as pd

    from graph.store import GraphStore

__all__ = ["ALGORITHMS", "CommunityResult", "FAST_ABOVE", "detect", "modularity", "write_back"]

ALGORITHMS = ("louvain", "leiden", "label_propagation")
#: Edges above which an algorithm leaves NetworkX for a compiled implementation.
FAST_ABOVE = 20_000
#: The node property a run writes, and the one naming the run it came from.
COMMUNITY_PROPERTY = "community"
RUN_PROPERTY = "community_run"
#: Rows of a run's summary (its largest communities) kept with the run in the workspace.
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
            "scope": self.scope,
        }


def _numbered(projection: Projection, groups: Sequence[Sequence[int]]) -> list[int]:
    """Community of each node index, communities numbered by size (largest first), then
    by smallest member key; nodes no group names become singletons."""
    membership = [-1] * projection.node_count
    ordered = sorted((sorted(group) for group in groups if group), key=lambda g: (-len(g), g[0]))
    for number, group in enumerate(ordered):
        for node in group:
            membership[node] = number
    number = len(ordered)
    for node, community in enumerate(membership):
        if community < 0:
            membership[node] = number
            number += 1
    return membership


def _groups(labels: Sequence[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for node, label in enumerate(labels):
        groups.setdefault(int(label), []).append(node)
    return list(groups.values())


def _networkx_graph(projection: Projection) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(projection.node_count))
    graph.add_weighted_edges_from(
        zip(projection.sources.tolist(), projection.targets.tolist(), projection.weights.tolist(), strict=True)
    )
    return graph


def _nx_louvain(projection: Projection, seed: int, resolution: float) -> list[list[int]]:
    graph = _networkx_graph(projection)
    return [list(c) for c in nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)]


def _nx_label_propagation(projection: Projection, seed: int, resolution: float) -> list[list[int]]:
    graph = _networkx_graph(projection)
    return [list(c) for c in nx.community.fast_label_propagation_communities(graph, weight="weight", seed=seed)]


def _networkit_graph(projection: Projection):
    import networkit

    graph = networkit.Graph(projection.node_count, weighted=True)
    if projection.edge_count:
        graph.addEdges(
            (projection.weights, (projection.sources.astype(np.uint64), projection.targets.astype(np.uint64)))
        )
    return graph


def _networkit_run(seed: int, make: Callable[[Any], Any], graph: Any) -> list[list[int]]:
    with seeded_networkit(seed):
        return _groups(make(graph).run().getPartition().getVector())


def _networkit_louvain(projection: Projection, seed: int, resolution: float) -> list[list[int]]:
    import networkit

    return _networkit_run(
        seed, lambda graph: networkit.community.PLM(graph, refine=False, gamma=resolution), _networkit_graph(projection)
    )


def _igraph_label_propagation(projection: Projection, seed: int, resolution: float) -> list[list[int]]:
    graph = projection.to_igraph()
    with seeded_igraph(seed):
        clusters = graph.community_label_propagation(weights="weight")
    return _groups(clusters.membership)


def _igraph_leiden(projection: Projection, seed: int, resolution: float, iterations: int) -> list[list[int]]:
    graph = projection.to_igraph()
    with seeded_igraph(seed):
        clusters = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=iterations
        )
    return _groups(clusters.membership)


def _igraph_leiden_converged(projection: Projection, seed: int, resolution: float) -> list[list[int]]:
    return _igraph_leiden(projection, seed, resolution, -1)


def _igraph_leiden_two_passes(projection: Projection, seed: int, resolution: float) -> list[list[int]]:
    return _igraph_leiden(projection, seed, resolution, 2)


#: algorithm -> (implementation below FAST_ABOVE edges, implementation above), with names.
_IMPLEMENTATIONS: dict[str, tuple[tuple[str, Callable], tuple[str, Callable]]] = {
    "louvain": (("networkx.louvain_communities", _nx_louvain), ("networkit.PLM", _networkit_louvain)),
    "label_propagation": (
        ("networkx.fast_label_propagation_communities", _nx_label_propagation),
        ("igraph.community_label_propagation", _igraph_label_propagation),
    ),
    "leiden": (
        ("igraph.community_leiden (to convergence)", _igraph_leiden_converged),
        ("igraph.community_leiden (2 iterations)", _igraph_leiden_two_passes),
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


def detect(
    projection: Projection, algorithm: str = "louvain", *, seed: int = 42, resolution: float = 1.0
) -> CommunityResult:
    """Partition the projection into communities; every node gets one, isolated ones too."""
    if algorithm not in _IMPLEMENTATIONS:
        raise ValueError(f"unknown algorithm {algorithm!r}; use one of {ALGORITHMS}")
    if not resolution > 0:
        raise ValueError(f"resolution must be a positive number, got {resolution}")
    small, large = _IMPLEMENTATIONS[algorithm]
    implementation, run = small if projection.edge_count <= FAST_ABOVE else large
    started = time.perf_counter()
    groups = run(projection, int(seed), float(resolution)) if projection.node_count else []
    membership = _numbered(projection, groups)
    seconds = time.perf_counter() - started
    return CommunityResult(
        membership=dict(zip(projection.keys, membership, strict=True)),
        algorithm=algorithm,
        implementation=implementation,
        seed=int(seed),
        resolution=float(resolution),
        modularity=round(modularity(projection, membership, resolution), 6),
        seconds=round(seconds, 3),
        nodes=projection.node_count,
        edges=projection.edge_count,
        relationships=projection.relationships,
        scope=projection.scope.describe(),
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
    runs: dict[str, dict[str, str]] = {}
    for key, labels in zip(projection.keys, projection.labels, strict=True):
        if labels:
            by_label.setdefault(labels[0], {})[key] = result.membership[key]
            runs.setdefault(labels[0], {})[key] = run_id
    store.set_node_values(COMMUNITY_PROPERTY, by_label)
    store.set_node_values(RUN_PROPERTY, runs)
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
