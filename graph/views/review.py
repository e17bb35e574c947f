"""What the review queue shows of each node of a proposed pair, so that an investigator
can judge whether the two are one entity: its name, labels and own properties, its links
(neighbours by relationship type and direction, a handful each) and its sources (which
file and row named it). Read through the store's neighbourhood, never Cypher in ``ui/``."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.model import PROVENANCE
from graph.store import GraphStore

__all__ = ["Reason", "Side", "reason", "side"]

#: Neighbours read for one node: enough to show a handful of each type, bounded for hubs.
NEIGHBOURS_READ = 200
#: How a reason ends (ingest.resolution.comparisons.reason): its Bayes factor and which way it weighs.
_WEIGHED = re.compile(r"^(?P<says>.*) \(×(?P<weight>[^\s()]+) (?P<side>for|against)\)$", re.DOTALL)


@dataclass(frozen=True)
class Reason:
    """One reason of a proposal: what the pair has in common (``says``), and how much
    (``weight``, e.g. ``×3,119``) it weighs ``for`` or ``against`` one entity (``side``;
    None for a reason written without its weight)."""

    says: str
    weight: str | None = None
    side: str | None = None


def reason(text: str) -> Reason:
    """A proposal's reason split into what it says and which way it weighs, so the
    queue can tell the ones for from the ones against at a glance."""
    found = _WEIGHED.match(text)
    if found is None:
        return Reason(text)
    return Reason(found["says"], f"×{found['weight']}", found["side"])


@dataclass(frozen=True)
class Side:
    """One node of a pair as the queue shows it. ``links`` maps ``"TYPE →"`` (the node is
    the start) or ``"← TYPE"`` to a few neighbours' ``(name, key)`` and ``linked`` to how
    many were read; ``more`` says a hub had more neighbours than were read."""

    key: str
    name: str
    labels: list[str]
    properties: dict[str, Any]
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    linked: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    first_seen: Any = None
    last_seen: Any = None
    more: bool = False


def side(store: GraphStore, key: str, *, per_type: int = 5) -> Side | None:
    """Node ``key`` with ``per_type`` neighbours of each link type, or None when the graph
    no longer holds it (merged into another since it was proposed)."""
    graph = store.neighbourhood([key], hops=1, limit=NEIGHBOURS_READ)
    if key not in graph:
        return None
    data = graph.nodes[key]
    properties = data["properties"]
    named: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for start, end, edge in sorted(graph.edges(data=True), key=lambda e: (e[2]["type"], e[0], e[1])):
        if key not in (start, end) or start == end:
            continue
        other = end if start == key else start
        group = f"{edge['type']} →" if start == key else f"← {edge['type']}"
        named[group].append((_name(store, graph, other), other))
    return Side(
        key=key,
        name=_name(store, graph, key),
        labels=list(data["labels"]),
        properties={name: value for name, value in sorted(properties.items()) if name not in PROVENANCE},
        links={group: pairs[:per_type] for group, pairs in sorted(named.items())},
        linked={group: len(pairs) for group, pairs in sorted(named.items())},
        sources=list(properties.get("sources") or []),
        first_seen=properties.get("first_seen"),
        last_seen=properties.get("last_seen"),
        more=bool(graph.graph.get("truncated")),
    )


def _name(store: GraphStore, graph: Any, key: str) -> str:
    data = graph.nodes[key]
    return store.model.display_name(data.get("labels") or [], data.get("properties") or {}, key)
