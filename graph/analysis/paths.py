"""Paths between two entities, optionally around hubs or groups, explained as readable
chains.

Everyone sells on the same marketplace, so the shortest path between two storefronts
often runs through it and says nothing. With ``max_degree`` set, nodes with more
neighbours than that are not walked through (the two ends may still be hubs). A group
(a community, a marketplace's storefronts) can be walked around (``avoid``) or be required
on the way (``via``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from itertools import islice

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


#: Shortest ways to and from each ``via`` node combined; beyond this many per half the
#: rest are not tried (a dense ring has thousands of equally short ways).
HALVES = 200


def _allowed(projection: Projection, ends: set[int], max_degree: int | None, avoid: set[int]) -> nx.Graph:
    """The projection as an undirected graph whose hubs and ``avoid`` nodes have no links,
    except ``ends`` (the path's two ends, and the nodes it must go through)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(projection.node_count))
    degree = projection.degree()
    blocked = set() if max_degree is None else {i for i in range(projection.node_count) if degree[i] > max_degree}
    blocked = (blocked - ends) | (avoid - ends)
    graph.add_edges_from(
        (a, b)
        for a, b in zip(projection.sources.tolist(), projection.targets.tolist(), strict=True)
        if a not in blocked and b not in blocked
    )
    return graph


def _shortest(graph: nx.Graph, a: int, b: int, max_hops: int) -> list[list[int]]:
    try:
        return [nodes for nodes in nx.all_shortest_paths(graph, a, b) if len(nodes) - 1 <= max_hops]
    except nx.NetworkXNoPath:
        return []


def _through(graph: nx.Graph, a: int, b: int, through: set[int], max_hops: int) -> list[list[int]]:
    """The shortest paths from ``a`` to ``b`` passing through one of ``through``: a
    shortest way to such a node followed by a shortest way on from it, the combinations
    that visit a node twice dropped; the shortest total that leaves any wins."""
    to_a = nx.single_source_shortest_path_length(graph, a, cutoff=max_hops)
    to_b = nx.single_source_shortest_path_length(graph, b, cutoff=max_hops)
    length = {node: to_a[node] + to_b[node] for node in sorted(through) if node in to_a and node in to_b}
    for total in sorted({hops for hops in length.values() if hops <= max_hops}):
        found: set[tuple[int, ...]] = set()
        for node in (node for node, hops in length.items() if hops == total):
            for first in islice(nx.all_shortest_paths(graph, a, node), HALVES):
                for second in islice(nx.all_shortest_paths(graph, node, b), HALVES):
                    path = (*first, *second[1:])
                    if len(set(path)) == len(path):
                        found.add(path)
        if found:
            return [list(path) for path in found]
    return []


def find_paths(
    store: GraphStore,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    max_degree: int | None = None,
    limit: int = 10,
    projection: Projection | None = None,
    avoid: Collection[str] = (),
    via: Collection[str] = (),
) -> list[ExplainedPath]:
    """All shortest paths (ignoring direction) of at most ``max_hops`` links; at most
    ``limit``, in a stable order.

    ``max_degree``: nodes with more neighbours are not walked through. ``avoid``: these
    nodes are never walked through (going around a group; the two ends may be in it).
    ``via``: the paths must pass through at least one of these nodes (going through a
    group; exempt from ``max_degree``): the shortest such paths, combined from shortest
    ways to and from each of them (caveat: a path that must take a longer way to reach a
    member without crossing itself is not found). Without any of the three the store
    finds the paths itself; otherwise they are found on ``projection`` (the whole graph,
    projected, when not given). Keys in ``avoid`` or ``via`` the graph does not hold are
    ignored; a ``via`` holding none of the graph's keys, or a key in both, is refused."""
    if max_degree is None and not avoid and not via:
        paths = store.shortest_paths(start, end, max_hops=max_hops, limit=limit)
        return [explain(store, path.nodes) for path in paths]
    if max_degree is not None and max_degree < 1:
        raise ValueError(f"max_degree must be at least 1, got {max_degree}")
    both = sorted(set(avoid) & set(via))
    if both:
        raise ValueError(f"via and avoid: {both[0]!r} cannot be both gone through and gone around")
    projection = projection or project(store)
    index = projection.index
    for key in (start, end):
        if key not in index:
            raise NodeNotFound(key)
    a, b = index[start], index[end]
    through = {index[key] for key in via if key in index}
    if via and not through:
        raise ValueError(f"via: none of the {len(via)} node(s) to go through is in the graph")
    avoided = {index[key] for key in avoid if key in index}
    graph = _allowed(projection, {a, b} | through, max_degree, avoided)
    if through and not through & {a, b}:
        found = _through(graph, a, b, through, max_hops)
    else:  # no group to go through, or an end is in it: every path goes through it
        found = _shortest(graph, a, b, max_hops)
    keys = sorted(tuple(projection.keys[i] for i in nodes) for nodes in found)
    return [explain(store, nodes) for nodes in keys[:limit]]


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
