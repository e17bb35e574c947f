"""Views the drawing, timeline, map and briefing tests share: the demo's first case as
Explore draws it, and a view where everything the data can name is hostile."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import pytest

from graph.store.embedded_engine import EmbeddedStore
from graph.views.explore import ViewSpec, build_view
from ingest.demo import generate, load
from tests.ui.conftest import PWN

HOSTILE_KEY = f"K-href-{PWN}"
RLO = "\u202e"


@pytest.fixture(scope="module")
def case_view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[nx.MultiDiGraph]:
    """The demo's first case two hops out, as Explore draws it."""
    store = EmbeddedStore(tmp_path_factory.mktemp("case") / "g.kgl")
    load(store, generate(4, seed=1))
    yield build_view(store, ViewSpec(centres=("CASE-000",), hops=2)).graph
    store.close()


def hostile_view() -> nx.MultiDiGraph:
    """A hub whose key, name, label, property names and values and relationship type are
    markup, with a neighbour whose name a right-to-left override would reverse."""
    graph = nx.MultiDiGraph()
    properties = {"name": f"<b>hub</b>{PWN}", PWN: "href", "sources": [f"file{PWN}.csv:2"]}
    graph.add_node(HOSTILE_KEY, labels=[f"Label{PWN}"], properties=properties)
    graph.add_node("K-2", labels=["SalesChannel"], properties={"name": f"shop {RLO}exe.txt"})
    graph.add_edge(HOSTILE_KEY, "K-2", type=f"TYPE{PWN}")
    return graph
