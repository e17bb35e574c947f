"""A view as tables, in step with the drawing: its nodes and its links, each row marked
when its node is selected, and a text filter that narrows the table and the drawing
alike (the view's centres always stay)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

import networkx as nx
import pandas as pd

from graph.model import Model
from graph.views.text import visible

__all__ = ["NODE_COLUMNS", "LINK_COLUMNS", "matching", "node_table", "link_table", "only"]

NODE_COLUMNS = ["selected", "name", "label", "key", "links"]
LINK_COLUMNS = ["from", "type", "to", "count"]


def _name(graph: nx.MultiDiGraph, model: Model, key: str) -> str:
    data = graph.nodes[key]
    return visible(model.display_name(data.get("labels") or [], data.get("properties") or {}, key))


def matching(graph: nx.MultiDiGraph, model: Model, text: str) -> set[str]:
    """The nodes whose name, key or label contains ``text`` (any case); all for no text."""
    wanted = text.strip().casefold()
    if not wanted:
        return set(graph.nodes)
    return {
        key
        for key, data in graph.nodes(data=True)
        if wanted in _name(graph, model, key).casefold()
        or wanted in key.casefold()
        or any(wanted in label.casefold() for label in data.get("labels") or [])
    }


def only(graph: nx.MultiDiGraph, keep: Iterable[str]) -> nx.MultiDiGraph:
    """The view cut down to ``keep`` (a copy, so the cached view stays whole)."""
    return graph.subgraph(set(keep) & set(graph.nodes)).copy()


def node_table(graph: nx.MultiDiGraph, model: Model, selected: Collection[str]) -> pd.DataFrame:
    """One row per node, by name: selected rows first."""
    rows = [
        {
            "selected": key in selected,
            "name": _name(graph, model, key),
            "label": ", ".join(data.get("labels") or []),
            "key": key,
            "links": graph.degree(key),
        }
        for key, data in graph.nodes(data=True)
    ]
    frame = pd.DataFrame(rows, columns=NODE_COLUMNS)
    return frame.sort_values(["selected", "name", "key"], ascending=[False, True, True], ignore_index=True)


def link_table(graph: nx.MultiDiGraph, model: Model, touching: Collection[str] = ()) -> pd.DataFrame:
    """One row per kind of link between two nodes, with how many there are; only the links
    of ``touching`` nodes when some are given."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for u, v, data in graph.edges(data=True):
        if touching and u not in touching and v not in touching:
            continue
        counts[(u, data.get("type", ""), v)] += int(data.get("count", 1))
    rows = [
        {"from": _name(graph, model, u), "type": kind, "to": _name(graph, model, v), "count": n}
        for (u, kind, v), n in counts.items()
    ]
    frame = pd.DataFrame(rows, columns=LINK_COLUMNS)
    return frame.sort_values(["from", "type", "to"], ignore_index=True)
