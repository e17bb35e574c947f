"""Key players: who holds a network together, with the reasons in words.

Three measures, each answering an investigator's question: degree (who deals with the
most counterparts), PageRank (who the well-connected deal with) and betweenness (who
sits between parts of the network: a broker, a nominee, a shared account). Betweenness
is exact up to :data:`EXACT_BETWEENNESS_UP_TO` nodes and estimated from a sample of
source nodes above (networkit, single-threaded so the seed fixes it): each source costs a
walk over every link, so the sample shrinks as the graph grows
(:func:`betweenness_samples`), and the ranking says how many sources it drew. Hubs
(marketplaces, brands) are measured but not ranked: that everybody sells
on one marketplace is not news.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.analysis.projection import Projection
from graph.analysis.seeding import seeded_networkit
from graph.model import Model
from graph.progress import SILENT, Progress

__all__ = [
    "BETWEENNESS_SAMPLES",
    "EXACT_BETWEENNESS_UP_TO",
    "Measures",
    "betweenness_samples",
    "key_players",
    "ranked",
]

EXACT_BETWEENNESS_UP_TO = 5_000
#: Most sampled sources; fewer on large graphs (see :func:`betweenness_samples`).
BETWEENNESS_SAMPLES = 500
#: Links walked in all for sampled betweenness (about 20 s here): 500 sources up to
#: 200 thousand links, 22 at the 4.4 million of the 1,000,000-node demo.
BETWEENNESS_WORK = 100_000_000
#: Fewest sampled sources, whatever the size.
BETWEENNESS_SAMPLES_AT_LEAST = 16
COLUMNS = [
    "rank",
    "key",
    "name",
    "labels",
    "score",
    "degree",
    "pagerank",
    "betweenness",
    "communities",
    "reasons",
    "betweenness_samples",
]


def _pagerank(projection: Projection) -> np.ndarray:
    if projection.edge_count == 0:
        return np.full(projection.node_count, 1 / max(1, projection.node_count))
    return np.asarray(projection.to_igraph().pagerank(weights="weight"), dtype=float)


def betweenness_samples(nodes: int, edges: int) -> int | None:
    """How many sources sampled betweenness draws on a graph this size (None: exact):
    :data:`BETWEENNESS_WORK` links walked in all, between the floor and the cap."""
    if nodes <= EXACT_BETWEENNESS_UP_TO:
        return None
    affordable = BETWEENNESS_WORK // max(1, edges)
    return min(nodes, BETWEENNESS_SAMPLES, max(BETWEENNESS_SAMPLES_AT_LEAST, affordable))


def _betweenness(projection: Projection, seed: int) -> tuple[np.ndarray, int | None]:
    """Normalised betweenness, and the number of sampled sources (None when exact)."""
    n = projection.node_count
    if n < 3 or projection.edge_count == 0:
        return np.zeros(n), None
    samples = betweenness_samples(n, projection.edge_count)
    if samples is None:
        values = np.asarray(projection.to_igraph().betweenness(directed=False), dtype=float)
        return values / ((n - 1) * (n - 2) / 2), None
    import networkit

    graph = networkit.Graph(n)
    graph.addEdges((projection.sources.astype(np.uint64), projection.targets.astype(np.uint64)))
    with seeded_networkit(seed):
        estimate = networkit.centrality.EstimateBetweenness(graph, samples, normalized=True).run()
    return np.asarray(estimate.scores(), dtype=float), samples


@dataclass(frozen=True)
class Measures:
    """The three measures of every node, wherever they were taken (here or in the
    server), in node order with the nodes' keys, labels and names."""

    keys: Sequence[str]
    labels: Sequence[tuple[str, ...]]
    names: Sequence[str]
    degree: np.ndarray
    pagerank: np.ndarray
    betweenness: np.ndarray
    betweenness_samples: int | None  # None: exact
    edges: int


def _percentile(values: np.ndarray) -> np.ndarray:
    """Share of nodes with a strictly lower value (0 = lowest, close to 1 = top)."""
    order = np.sort(values)
    return np.searchsorted(order, values, side="left") / max(1, len(values))


def _top(share: float) -> str:
    return f"top {max(0.1, round(100 * (1 - share), 1)):g}%"


def key_players(
    projection: Projection,
    model: Model,
    *,
    membership: Mapping[str, int] | None = None,
    limit: int = 25,
    seed: int = 42,
    progress: Progress = SILENT,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The ``limit`` highest-ranked entities of the projection and how the measures were
    taken (see :func:`ranked`)."""
    n, edges = projection.node_count, projection.edge_count
    progress.report(f"PageRank on {n:,} nodes and {edges:,} links")
    pagerank = _pagerank(projection)
    samples = betweenness_samples(n, edges)
    sampled = "exactly" if samples is None else f"from {samples} sampled sources"
    progress.report(f"betweenness on {n:,} nodes, {sampled}")
    betweenness, samples = _betweenness(projection, seed)
    progress.report("ranking")
    measures = Measures(
        projection.keys,
        projection.labels,
        projection.names,
        projection.degree().astype(float),
        pagerank,
        betweenness,
        samples,
        projection.edge_count,
    )
    bridges = None
    if membership is not None:
        keys, sources, targets = projection.keys, projection.sources, projection.targets

        def bridges(nodes: list[int]) -> list[int]:
            """Only the ranked nodes' neighbours are looked up, never a whole adjacency."""
            counts = []
            for i in nodes:
                neighbours = np.concatenate([targets[sources == i], sources[targets == i]]).tolist()
                others = {membership.get(keys[j]) for j in neighbours} - {membership.get(keys[i]), None}
                counts.append(len(others))
            return counts

    return ranked(measures, model, bridges=bridges, limit=limit, seed=seed)


def ranked(
    measures: Measures,
    model: Model,
    *,
    bridges: Callable[[list[int]], list[int]] | None = None,
    limit: int = 25,
    seed: int = 42,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The ``limit`` highest-ranked entities and how the measures were taken.

    The score is the mean of the three percentiles; each reason names a measure where
    the entity is in the top tenth, and, given ``bridges`` (node indices -> how many
    other communities each one's neighbours belong to), how many it touches.
    """
    n = len(measures.keys)
    degree, pagerank, betweenness = measures.degree, measures.pagerank, measures.betweenness
    percentiles = [_percentile(degree), _percentile(pagerank), _percentile(betweenness)]
    score = (percentiles[0] + percentiles[1] + percentiles[2]) / 3
    hidden = set(model.labels_with_role("hub"))
    chosen = []
    for i in np.lexsort((np.arange(n), -score)).tolist():
        if hidden & set(measures.labels[i]):
            continue
        chosen.append(i)
        if len(chosen) >= limit:
            break
    touched = bridges(chosen) if bridges is not None else [0] * len(chosen)
    rows = []
    for i, bridged in zip(chosen, touched, strict=True):
        reasons = []
        if percentiles[0][i] >= 0.9:
            reasons.append(f"linked to {int(degree[i])} others ({_top(percentiles[0][i])} by degree)")
        if percentiles[1][i] >= 0.9:
            reasons.append(f"linked to well-connected entities ({_top(percentiles[1][i])} by PageRank)")
        if percentiles[2][i] >= 0.9 and betweenness[i] > 0:
            reasons.append(f"on {betweenness[i]:.1%} of shortest paths ({_top(percentiles[2][i])} by betweenness)")
        if bridged:
            reasons.append(f"bridges to {bridged} other communit{'y' if bridged == 1 else 'ies'}")
        rows.append(
            {
                "rank": len(rows) + 1,
                "key": measures.keys[i],
                "name": measures.names[i],
                "labels": list(measures.labels[i]),
                "score": round(float(score[i]), 4),
                "degree": int(degree[i]),
                "pagerank": round(float(pagerank[i]), 6),
                "betweenness": round(float(betweenness[i]), 6),
                "communities": bridged,
                "reasons": "; ".join(reasons) or "no measure in the top tenth",
                "betweenness_samples": measures.betweenness_samples,  # None: exact
            }
        )
    samples = measures.betweenness_samples
    method = {
        "nodes": n,
        "edges": measures.edges,
        "betweenness": "exact" if samples is None else f"estimated from {samples} sampled sources",
        "betweenness_samples": samples,
        "seed": seed,
    }
    return pd.DataFrame(rows, columns=COLUMNS), method
