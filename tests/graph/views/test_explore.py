"""The explorer's views, the same on both stores: hubs show their first N neighbours
and count the rest, expanding adds neighbours, filters narrow the walk."""

from __future__ import annotations

import datetime as dt

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.views.explore import Filters, ViewSpec, build_view, view_membership, view_scores
from ingest.demo import generate, load
from tests.graph.conftest import HUB_STOREFRONTS


def test_hub_shows_first_n_and_counts_the_rest(demo_store: GraphStore) -> None:
    view = build_view(demo_store, ViewSpec(("MKT-BIG",), hops=1, per_node=10))
    assert view.graph.number_of_nodes() == 11 and view.more == {"MKT-BIG": HUB_STOREFRONTS - 10}
    wider = build_view(demo_store, ViewSpec(("MKT-BIG",), hops=1, per_node=10, expanded=(("MKT-BIG", 25),)))
    assert wider.graph.number_of_nodes() == 26 and wider.more == {"MKT-BIG": HUB_STOREFRONTS - 25}
    capped = build_view(demo_store, ViewSpec(("MKT-BIG",), hops=1, per_node=100, max_nodes=30))
    assert capped.truncated and capped.graph.number_of_nodes() == 30


def test_expanding_a_leaf_adds_its_neighbours(demo_store: GraphStore) -> None:
    first = build_view(demo_store, ViewSpec(("CASE-000",), hops=1))
    leaf = next(node for node in first.graph if node.startswith("SC-"))
    assert leaf not in first.walked
    grown = build_view(demo_store, ViewSpec(("CASE-000",), hops=1, expanded=((leaf, 25),)))
    _, total = demo_store.neighbours(leaf)
    assert set(first.graph) < set(grown.graph) and leaf in grown.walked
    assert len(set(grown.graph.predecessors(leaf)) | set(grown.graph.successors(leaf))) == min(total, 25)


def test_filters_narrow_the_walk(demo_store: GraphStore) -> None:
    everything = build_view(demo_store, ViewSpec(("CASE-000",), hops=2))
    people = build_view(demo_store, ViewSpec(("CASE-000",), hops=2, filters=Filters(labels=("Person",))))
    assert all(n == "CASE-000" or "Person" in people.graph.nodes[n]["labels"] for n in people.graph)
    assert 1 < people.graph.number_of_nodes() < everything.graph.number_of_nodes()
    involves = build_view(demo_store, ViewSpec(("CASE-000",), hops=2, filters=Filters(types=("INVOLVES",))))
    assert {d["type"] for _, _, d in involves.graph.edges(data=True)} == {"INVOLVES"}
    recent = Filters(since=dt.date(2026, 1, 1))
    assert build_view(demo_store, ViewSpec(("MKT-00",), filters=recent)).graph.number_of_nodes() == 1
    assert build_view(demo_store, ViewSpec(("MKT-BIG",), per_node=100, filters=recent)).graph.number_of_nodes() == 61
    case = build_view(demo_store, ViewSpec(("MKT-00",), hops=2, filters=Filters(case="CASE-000")))
    _, involved = demo_store.neighbours("CASE-000")
    assert (
        set(case.graph) - {"MKT-00"} <= {row["other"] for row in demo_store.neighbours("CASE-000")[0]} | {"CASE-000"}
        and involved
    )


def test_views_match_across_stores(demo_store: GraphStore, tmp_path) -> None:
    other = EmbeddedStore(tmp_path / "other.kgl") if isinstance(demo_store, Neo4jStore) else None
    spec = ViewSpec(("CASE-003",), hops=2, per_node=5)
    view = build_view(demo_store, spec)
    membership, origin = view_membership(view.graph)
    assert origin.startswith("Louvain") and set(membership) == set(view.graph)
    scores = view_scores(view.graph, demo_store.model)
    assert scores and all(0 <= s <= 1 for s in scores.values())
    if other is not None:
        load(other, generate(12, seed=4), seen=dt.datetime(2025, 3, 1))
        mirror = build_view(other, spec)
        assert sorted(mirror.graph.edges(keys=True)) == sorted(view.graph.edges(keys=True))
        assert mirror.more == view.more


def test_a_marketplace_with_thousands_of_storefronts_stays_small(store: GraphStore) -> None:
    shops = 6000  # more than the rows read per node: the rest are counted, not read
    store.upsert_nodes(
        [NodeRecord(("Marketplace",), "MKT-HUGE", {"name": "Huge"}, source="test")]
        + [NodeRecord(("SalesChannel",), f"H-{i:05d}", {"name": f"shop {i}"}, source="test") for i in range(shops)]
    )
    store.upsert_relationships(
        [RelationshipRecord("HOSTED_ON", f"H-{i:05d}", "MKT-HUGE", source="test") for i in range(shops)]
    )
    view = build_view(store, ViewSpec(("MKT-HUGE",), hops=2, per_node=25))
    assert view.graph.number_of_nodes() == 26 and view.more == {"MKT-HUGE": shops - 25}
    assert sorted(view.graph)[:3] == ["H-00000", "H-00001", "H-00002"]
