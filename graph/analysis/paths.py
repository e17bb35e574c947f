"""Paths between two entities, optionally around hubs, explained as readable chains.

Everyone sells on the same marketplace, so the shortest path between two storefronts
often runs through it and says nothing. With ``max_degree`` set, nodes with more
neighbours than that are not walked through (the two ends may still be hubs).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from graph.analysis.projection import Projection, project
from graph.records import GraphPath
from graph.store import GraphStore, NodeNotFound

__all__ = ["Step", "ExplainedPath", "find_paths", "explain", "paths_table"]


@dataclass(frozen=True)
class Step:
    """One link of a chain: from a node, over a relationship, to the next node."""

    start: str
    start_name: str
    type: str
    forward: bool  # True when the relationship points from ``start`` to ``end``
    end: str
    end_name: str


@dataclass(frozen=True)
class ExplainedPath:
    """A path as keys and as sentence-like steps."""

    nodes: tuple[str, ...]
    steps: tuple[Step, ...]

    def text(self) -> str:
        """``Shop A -[SUPPLIES]<- Shell B -[DIRECTS]<- Person C`` with names and keys."""
        if not self.steps:
            return self.nodes[0] if self.nodes else ""
        first = self.steps[0]
        parts = [f"{first.start_name} ({first.start})"]
        for step in self.steps:
            arrow = f"-[{step.type}]->" if step.forward else f"<-[{step.type}]-"
            parts.append(f"{arrow} {step.end_name} ({step.end})")
        return " ".join(parts)


def _allowed(projection: Projection, ends: set[int], max_degree: int | None) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(projection.node_count))
    degree = projection.degree()
    blocked = set() if max_degree is None else {i for i in range(projection.node_count) if degree[i] > max_degree}
    blocked -= ends
    graph.add_edges_from(
        (a, b)
        for a, b in zip(projection.sources.tolist(), projection.targets.tolist(), strict=True)
        if a not in blocked and b not in blocked
    )
    return graph


def find_paths(
    store: GraphStore,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    max_degree: int | None = None,
    limit: int = 10,
    projection: Projection | None = None,
) -> list[ExplainedPath]:
    """All shortest paths (ignoring direction) of at most ``max_hops`` links, avoiding
    nodes with more than ``max_degree`` neighbours when it is set; at most ``limit``,
    in a stable order. Without a degree cap the store finds them itself; with one, on
    ``projection`` (the whole graph, projected, when not given)."""
    if max_degree is None:
        paths = store.shortest_paths(start, end, max_hops=max_hops, limit=limit)
        return [explain(store, path.nodes) for path in paths]
    if max_degree < 1:
        raise ValueError(f"max_degree must be at least 1, got {max_degree}")
    projection = projection or project(store)
    index = projection.index
    for key in (start, end):
        if key not in index:
            raise NodeNotFound(key)
    a, b = index[start], index[end]
    graph = _allowed(projection, {a, b}, max_degree)
    try:
        found = sorted(
            tuple(projection.keys[i] for i in nodes)
            for nodes in nx.all_shortest_paths(graph, a, b)
            if len(nodes) - 1 <= max_hops
        )
    except nx.NetworkXNoPath:
        return []
    return [explain(store, nodes) for nodes in found[:limit]]


def explain(store: GraphStore, nodes: tuple[str, ...] | GraphPath) -> ExplainedPath:
    """The chain of relationships joining consecutive keys, read from the store."""
    keys = tuple(nodes.nodes if isinstance(nodes, GraphPath) else nodes)
    graph = store.subgraph(keys)
    names = {
        key: store.model.display_name(data["labels"], data["properties"], key) for key, data in graph.nodes(data=True)
    }
    steps = []
    for here, there in zip(keys, keys[1:], strict=False):
        forward = sorted(data["type"] for _, v, data in graph.out_edges(here, data=True) if v == there)
        backward = sorted(data["type"] for _, v, data in graph.out_edges(there, data=True) if v == here)
        rel_type, is_forward = (forward[0], True) if forward else (backward[0] if backward else "?", False)
        steps.append(Step(here, names.get(here, here), rel_type, is_forward, there, names.get(there, there)))
    return ExplainedPath(nodes=keys, steps=tuple(steps))


def paths_table(paths: list[ExplainedPath]) -> pd.DataFrame:
    """One row per path: its number, length in links, keys and the chain in words."""
    return pd.DataFrame(
        [{"path": i + 1, "hops": len(p.steps), "nodes": list(p.nodes), "chain": p.text()} for i, p in enumerate(paths)],
        columns=["path", "hops", "nodes", "chain"],
    )
