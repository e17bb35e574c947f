"""Paths between two entities, explained, around hubs on request."""

from __future__ import annotations

import pytest

from graph.analysis.paths import find_paths
from graph.analysis.projection import project
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, NodeNotFound


def test_paths_are_explained_and_can_avoid_hubs(demo_store: GraphStore) -> None:
    direct = find_paths(demo_store, "SC-000-0", "SHL-000-0", max_hops=4)
    assert direct and all(p.nodes[0] == "SC-000-0" and p.nodes[-1] == "SHL-000-0" for p in direct)
    assert "SC-000-0" in direct[0].text() and "-[" in direct[0].text()
    through_hub = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8)
    avoiding = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8, max_degree=8)
    hubs = {key for key in project(demo_store).keys if key.startswith(("MKT-", "BR-", "FWD-"))}
    assert any(hubs & set(p.nodes) for p in through_hub)
    assert all(not hubs & set(p.nodes[1:-1]) for p in avoiding)
    with pytest.raises(NodeNotFound):
        find_paths(demo_store, "SC-000-0", "NOPE", max_degree=5)


@pytest.fixture
def two_routes(store: GraphStore) -> GraphStore:
    """Shops A and B share a marketplace M (2 links); the long way round goes A's phone,
    shop C, then Xu who runs C and B (4 links); shop D hangs off M alone."""
    nodes = [("SalesChannel", key) for key in "ABCD"] + [("Marketplace", "M"), ("Phone", "PH"), ("Person", "X")]
    store.upsert_nodes([NodeRecord((label,), key, {"name": f"{label} {key}"}, source="t") for label, key in nodes])
    links = [("HOSTED_ON", "A", "M"), ("HOSTED_ON", "B", "M"), ("HOSTED_ON", "D", "M"), ("HAS_PHONE", "A", "PH"),
             ("HAS_PHONE", "C", "PH"), ("OPERATES", "X", "C"), ("OPERATES", "X", "B")]  # fmt: skip
    store.upsert_relationships([RelationshipRecord(t, a, b, source="t") for t, a, b in links])
    return store


def _routes(store: GraphStore, **options: object) -> list[tuple[str, ...]]:
    return [path.nodes for path in find_paths(store, "A", "B", **options)]


def test_paths_go_around_a_group_by_the_detour_or_not_at_all(two_routes: GraphStore) -> None:
    assert _routes(two_routes) == [("A", "M", "B")]
    assert _routes(two_routes, avoid={"M", "D"}) == [("A", "PH", "C", "X", "B")]
    assert _routes(two_routes, avoid={"M"}, max_hops=3) == []
    assert _routes(two_routes, avoid={"A", "B", "NOT-IN-GRAPH"}) == [("A", "M", "B")]  # the ends are not walked through


def test_paths_go_through_a_group(two_routes: GraphStore) -> None:
    assert _routes(two_routes, via={"C", "D"}) == [("A", "PH", "C", "X", "B")]
    assert _routes(two_routes, via={"M"}) == [("A", "M", "B")]
    assert _routes(two_routes, via={"C"}, max_hops=3) == []  # the hop bound holds
    assert _routes(two_routes, via={"D"}) == []  # only by M twice: not a path
    assert _routes(two_routes, via={"A", "C"}) == [("A", "M", "B")]  # the start is in the group
    assert _routes(two_routes, via={"M"}, max_degree=1) == [("A", "M", "B")]  # gone through, even if a hub
    with pytest.raises(ValueError, match="via and avoid: 'C' cannot be both"):
        find_paths(two_routes, "A", "B", via={"C"}, avoid={"C", "M"})
    with pytest.raises(ValueError, match="via: none of the 1 node"):
        find_paths(two_routes, "A", "B", via={"NOPE"})
