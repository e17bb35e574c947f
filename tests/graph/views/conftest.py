"""A drawn view where everything the data can name is hostile, for the drawing and
briefing tests."""

from __future__ import annotations

import networkx as nx

from tests.ui.conftest import PWN

HOSTILE_KEY = f"K-href-{PWN}"
RLO = "\u202e"


def hostile_view() -> nx.MultiDiGraph:
    """A hub whose key, name, label, property names and values and relationship type are
    markup, with a neighbour whose name a right-to-left override would reverse."""
    graph = nx.MultiDiGraph()
    properties = {"name": f"<b>hub</b>{PWN}", PWN: "href", "sources": [f"file{PWN}.csv:2"]}
    graph.add_node(HOSTILE_KEY, labels=[f"Label{PWN}"], properties=properties)
    graph.add_node("K-2", labels=["SalesChannel"], properties={"name": f"shop {RLO}exe.txt"})
    graph.add_edge(HOSTILE_KEY, "K-2", type=f"TYPE{PWN}")
    return graph
