"""The view as tables, in step with the drawing: selection marked, filter by text."""

from __future__ import annotations

import networkx as nx

from graph.model import load_model
from graph.views.listing import link_table, matching, node_table, only
from tests.graph.views.conftest import HOSTILE_KEY, RLO, hostile_view

MODEL = load_model()


def small() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("CASE-1", labels=["Case"], properties={"name": "Operation Tide"})
    graph.add_node("SC-1", labels=["SalesChannel"], properties={"name": "Luxe Outlet"})
    graph.add_node("SC-2", labels=["SalesChannel"], properties={"name": "Bags4Less"})
    graph.add_node("PH-1", labels=["Phone"], properties={"name": "+44 20 7946 0000"})
    graph.add_edge("CASE-1", "SC-1", type="INVOLVES")
    graph.add_edge("CASE-1", "SC-2", type="INVOLVES")
    graph.add_edge("SC-1", "PH-1", type="USES")
    graph.add_edge("SC-2", "PH-1", type="USES")
    graph.add_edge("SC-2", "PH-1", type="USES")
    return graph


def test_selected_nodes_come_first_and_are_ticked() -> None:
    frame = node_table(small(), MODEL, {"SC-2"})
    assert list(frame["key"])[0] == "SC-2" and frame["selected"].tolist() == [True, False, False, False]
    assert list(frame["name"])[1:] == ["+44 20 7946 0000", "Luxe Outlet", "Operation Tide"]


def test_filter_matches_names_keys_and_labels_in_any_case() -> None:
    graph = small()
    assert matching(graph, MODEL, "luxe") == {"SC-1"}
    assert matching(graph, MODEL, "saleschannel") == {"SC-1", "SC-2"}
    assert matching(graph, MODEL, "ph-") == {"PH-1"}
    assert matching(graph, MODEL, "  ") == set(graph.nodes)
    cut = only(graph, {"SC-1", "PH-1", "nowhere"})
    assert set(cut.nodes) == {"SC-1", "PH-1"} and cut.number_of_edges() == 1
    assert graph.number_of_nodes() == 4  # the view itself is untouched


def test_links_are_counted_by_kind_and_limited_to_the_selection() -> None:
    rows = link_table(small(), MODEL, {"PH-1"}).to_dict("records")
    assert rows == [
        {"from": "Bags4Less", "type": "USES", "to": "+44 20 7946 0000", "count": 2},
        {"from": "Luxe Outlet", "type": "USES", "to": "+44 20 7946 0000", "count": 1},
    ]
    assert len(link_table(small(), MODEL)) == 4


def test_hostile_names_show_their_direction_controls() -> None:
    frame = node_table(hostile_view(), MODEL, {HOSTILE_KEY})
    assert RLO not in "".join(frame["name"]) and "shop [U+202E]exe.txt" in list(frame["name"])
