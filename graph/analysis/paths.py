"""Paths between two entities, optionally around hubs or groups, explained as readable
chains (searched in the store: :mod:`graph.store.path_search`).

Everyone sells on the same marketplace, so the shortest path between two storefronts
often runs through it and says nothing. With ``max_degree`` set, nodes with more
neighbours than that are not walked through (the two ends may still be hubs). A group
(a community, a marketplace's storefronts) can be walked around (``avoid``) or be required
on the way (``via``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from graph.progress import SILENT, Progress
from graph.records import GraphPath
from graph.store import GraphStore
from graph.store.path_search import DEFAULT_BUDGET, PathRequest

__all__ = ["Step", "ExplainedPath", "FoundPaths", "find_paths", "explain", "paths_table"]


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


@dataclass(frozen=True)
class FoundPaths:
    """The shortest paths explained, the hubs the search met and did not walk through
    (key, neighbours; most connected first) and how many neighbours it read."""

    paths: list[ExplainedPath]
    hubs: tuple[tuple[str, int], ...] = ()
    visited: int = 0


def find_paths(
    store: GraphStore,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    max_degree: int | None = None,
    limit: int = 10,
    avoid: Collection[str] = (),
    via: Collection[str] = (),
    labels: Collection[str] | None = None,
    types: Collection[str] | None = None,
    budget: int = DEFAULT_BUDGET,
    progress: Progress = SILENT,
) -> FoundPaths:
    """All shortest paths (ignoring direction) of at most ``max_hops`` links; at most
    ``limit``, in key order, searched in the store from both ends (never a projection
    of the graph). The one entry point of the app, the command line and briefings: a
    server-side search (Neo4j GDS) dispatches here, taking the same
    :class:`~graph.store.path_search.PathRequest` and answering a ``PathsFound``.

    ``max_degree``: nodes with more neighbours are not walked through (named in the
    answer). ``avoid``: these nodes are never walked through (going around a group; the
    two ends may be in it). ``via``: the paths pass through at least one of these nodes
    (going through a group; exempt from ``max_degree``), combined from shortest ways to
    and from each of them. ``labels`` / ``types``: walk only through nodes with one of
    these labels, over relationships of these types. Keys in ``avoid`` or ``via`` the
    graph does not hold are ignored; a ``via`` holding none of the graph's keys, or a
    key in both, is refused. The search stops with
    :class:`~graph.store.path_search.PathBudgetExceeded` rather than read more than
    ``budget`` neighbours."""
    for label in labels or ():
        store.model.label(label)
    request = PathRequest(
        str(start),
        str(end),
        max_hops=int(max_hops),
        max_degree=max_degree,
        limit=int(limit),
        avoid=frozenset(str(key) for key in avoid),
        via=frozenset(str(key) for key in via),
        labels=frozenset(labels) if labels is not None else None,
        types=tuple(types) if types is not None else None,
        budget=int(budget),
    )
    found = store.search_paths(request, progress)
    return FoundPaths([explain(store, path) for path in found.paths], found.hubs, found.visited)


def explain(store: GraphStore, path: GraphPath) -> ExplainedPath:
    """The path as sentence-like steps, with the names read from the store."""
    graph = store.subgraph(path.nodes)
    names = {
        key: store.model.display_name(data["labels"], data["properties"], key) for key, data in graph.nodes(data=True)
    }
    hops = zip(path.nodes, path.nodes[1:], path.types, path.forward, strict=False)
    steps = tuple(
        Step(here, names.get(here, here), rel_type, forward, there, names.get(there, there))
        for here, there, rel_type, forward in hops
    )
    return ExplainedPath(nodes=path.nodes, steps=steps)


def paths_table(paths: list[ExplainedPath]) -> pd.DataFrame:
    """One row per path: its number, length in links, keys and the chain in words."""
    return pd.DataFrame(
        [{"path": i + 1, "hops": len(p.steps), "nodes": list(p.nodes), "chain": p.text()} for i, p in enumerate(paths)],
        columns=["path", "hops", "nodes", "chain"],
    )
