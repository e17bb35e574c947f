"""Groups: many nodes drawn as one, with the count and the links to the rest added up,
titled in words, and offered around a node."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import pytest

from graph.analysis.communities import detect, write_back
from graph.analysis.projection import project
from graph.model import load_model
from graph.store import GraphStore, NodeNotFound
from graph.views.explore import ViewSpec, build_view
from graph.views.groups import (
    GROUP_PREFIX,
    collapse,
    community_groups,
    label_choices,
    label_group,
    label_words,
    saved_community,
)
from graph.workspace import Workspace
from tests.graph.conftest import HUB_STOREFRONTS

MODEL = load_model()


def _node(graph: nx.MultiDiGraph, key: str, label: str, name: str) -> None:
    graph.add_node(key, labels=[label], properties={"name": name})


def _link(graph: nx.MultiDiGraph, start: str, end: str, rel_type: str) -> None:
    graph.add_edge(start, end, key=rel_type, type=rel_type, properties={})


def marketplace() -> nx.MultiDiGraph:
    """Three storefronts on a marketplace, two run by one person, selling two products;
    two of them link to each other."""
    graph = nx.MultiDiGraph(truncated=False)
    _node(graph, "MKT", "Marketplace", "Big Bazaar")
    _node(graph, "X", "Person", "Xu")
    for key in ("S1", "S2", "S3"):
        _node(graph, key, "SalesChannel", f"shop {key}")
        _link(graph, key, "MKT", "HOSTED_ON")
    for key in ("P1", "P2"):
        _node(graph, key, "Product", f"bag {key}")
    for shop, product in (("S1", "P1"), ("S2", "P1"), ("S3", "P2")):
        _link(graph, shop, product, "SELLS")
    _link(graph, "X", "S1", "OPERATES")
    _link(graph, "X", "S2", "OPERATES")
    _link(graph, "S1", "S2", "SAME_AS")
    return graph


def _links(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], int]:
    return {(a, b, data["type"]): data.get("count", 1) for a, b, data in graph.edges(data=True)}


def test_a_collapsed_group_is_one_node_with_its_count_and_links_added_up() -> None:
    graph = marketplace()
    group = label_group(graph, "MKT", "SalesChannel", MODEL)
    shown = collapse(graph, [group], MODEL)
    node = group.node
    assert node.startswith(GROUP_PREFIX)
    assert sorted(shown.graph) == sorted(["MKT", "X", "P1", "P2", node])
    data = shown.graph.nodes[node]
    assert data["labels"] == ["SalesChannel"] and data["group"] is True
    assert data["members"] == ["S1", "S2", "S3"]
    assert data["properties"] == {"name": "3 sales channels around Big Bazaar", "count": 3, "internal_links": 1}
    assert _links(shown.graph) == {
        (node, "MKT", "HOSTED_ON"): 3,
        (node, "P1", "SELLS"): 2,
        (node, "P2", "SELLS"): 1,
        ("X", node, "OPERATES"): 2,
    }
    assert shown.owner == dict.fromkeys(["S1", "S2", "S3"], node) and shown.groups == {node: group}
    assert graph.number_of_nodes() == 7 and graph.number_of_edges() == 9  # the view itself is untouched


def test_an_expanded_group_leaves_the_view_as_it_is() -> None:
    graph = marketplace()
    group = replace(label_group(graph, "MKT", "SalesChannel", MODEL), collapsed=False)
    shown = collapse(graph, [group], MODEL)
    assert set(shown.graph) == set(graph) and _links(shown.graph) == _links(graph)
    assert shown.owner == {} and shown.groups == {}


def test_a_node_in_two_groups_belongs_to_the_first_and_groups_link_to_each_other() -> None:
    graph = marketplace()
    shops = label_group(graph, "MKT", "SalesChannel", MODEL)
    run_by_xu = label_group(graph, "X", "SalesChannel", MODEL)
    products = label_group(graph, "S1", "Product", MODEL)
    everything = replace(products, members=("P1", "P2"))
    shown = collapse(graph, [shops, run_by_xu, everything], MODEL)
    assert run_by_xu.node not in shown.graph  # all its members were the first group's
    assert shown.graph.nodes[everything.node]["properties"]["count"] == 2
    assert _links(shown.graph)[(shops.node, everything.node, "SELLS")] == 3
    with_xu_first = collapse(graph, [run_by_xu, shops], MODEL)
    assert with_xu_first.graph.nodes[shops.node]["members"] == ["S3"]
    assert with_xu_first.graph.nodes[run_by_xu.node]["properties"]["internal_links"] == 1


def test_group_titles_and_ids() -> None:
    graph = marketplace()
    assert label_group(graph, "X", "SalesChannel", MODEL).title == "2 sales channels around Xu"
    assert label_group(graph, "S3", "Product", MODEL).title == "1 product around shop S3"
    assert (
        label_group(graph, "MKT", "SalesChannel", MODEL).id
        == label_group(marketplace(), "MKT", "SalesChannel", MODEL).id
    )
    assert label_group(graph, "MKT", "SalesChannel", MODEL).id != label_group(graph, "X", "SalesChannel", MODEL).id
    words = {
        label: label_words(label, 14) for label in ("SalesChannel", "Person", "ShellCompany", "Address", "URLHost")
    }
    assert words == {
        "SalesChannel": "sales channels",
        "Person": "people",
        "ShellCompany": "shell companies",
        "Address": "addresses",
        "URLHost": "URL hosts",
    }
    assert label_words("SalesChannel", 1) == "sales channel"
    with pytest.raises(ValueError, match="label: no Phone node is linked to 'MKT'"):
        label_group(graph, "MKT", "Phone", MODEL)
    with pytest.raises(ValueError, match="around: 'NOPE' is not in the view"):
        label_group(graph, "NOPE", "Phone", MODEL)


def test_the_group_menu_offers_labels_with_at_least_two_neighbours() -> None:
    graph = marketplace()
    assert label_choices(graph, "MKT") == {"SalesChannel": 3}
    assert label_choices(graph, "S1") == {}  # one marketplace, one product, one person, one shop
    assert label_choices(graph, "P1") == {"SalesChannel": 2}


def test_community_groups_are_titled_with_their_size() -> None:
    groups = community_groups({"b": 0, "a": 0, "c": 1})
    assert [(g.kind, g.title, g.members) for g in groups] == [
        ("community", "Community 0 · 2 nodes", ("a", "b")),
        ("community", "Community 1 · 1 node", ("c",)),
    ]
    assert [g.id for g in community_groups({"a": 0, "b": 0, "c": 1})] == [g.id for g in groups]


def test_a_marketplaces_storefronts_collapse_in_a_case_view(demo_store: GraphStore) -> None:
    view = build_view(demo_store, ViewSpec(("MKT-BIG",), hops=1, per_node=HUB_STOREFRONTS))
    assert label_choices(view.graph, "MKT-BIG") == {"SalesChannel": HUB_STOREFRONTS}
    group = label_group(view.graph, "MKT-BIG", "SalesChannel", demo_store.model)
    assert group.title == f"{HUB_STOREFRONTS} sales channels around Big Bazaar"
    shown = collapse(view.graph, [group], demo_store.model)
    assert sorted(shown.graph) == sorted(["MKT-BIG", group.node])
    assert _links(shown.graph) == {(group.node, "MKT-BIG", "HOSTED_ON"): HUB_STOREFRONTS}


def test_every_group_of_a_two_hop_case_view_keeps_every_link_counted(demo_store: GraphStore) -> None:
    view = build_view(demo_store, ViewSpec(("CASE-000",), hops=2))
    groups = [label_group(view.graph, around, label, demo_store.model)
              for around in view.graph for label in label_choices(view.graph, around)]  # fmt: skip
    assert groups
    shown = collapse(view.graph, groups, demo_store.model)
    hidden = len(shown.owner)
    group_nodes = [key for key in shown.graph if key.startswith(GROUP_PREFIX)]
    assert shown.graph.number_of_nodes() == view.graph.number_of_nodes() - hidden + len(group_nodes)
    assert sum(shown.graph.nodes[key]["properties"]["count"] for key in group_nodes) == hidden
    internal = sum(shown.graph.nodes[key]["properties"]["internal_links"] for key in group_nodes)
    links = sum(data.get("count", 1) for _, _, data in shown.graph.edges(data=True))
    assert links + internal == view.graph.number_of_edges()


def test_a_nodes_saved_community_is_a_group_of_the_whole_graph(demo_store: GraphStore, workspace: Workspace) -> None:
    assert saved_community(demo_store, "SC-000-0") is None  # no run saved yet
    projection = project(demo_store)
    result = detect(projection, seed=1)
    write_back(demo_store, workspace, projection, result)
    group = saved_community(demo_store, "SC-000-0")
    assert group is not None
    expected = sorted(key for key, number in result.membership.items() if number == result.membership["SC-000-0"])
    assert group.kind == "community" and list(group.members) == expected
    assert group.title == f"Community {result.membership['SC-000-0']} · {len(expected)} nodes"
    with pytest.raises(NodeNotFound):
        saved_community(demo_store, "NOPE")


def test_a_hostile_name_is_kept_in_the_title_and_the_id_stays_plain() -> None:
    graph = marketplace()
    hostile = "<img src=x onerror=alert(1)> \u202eexe.txt"
    graph.nodes["MKT"]["properties"]["name"] = hostile
    group = label_group(graph, "MKT", "SalesChannel", MODEL)
    assert group.title == f"3 sales channels around {hostile}"
    assert group.id.replace("-", "").isalnum()
