"""Paths between two entities, searched in the store, explained, around hubs and groups."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import networkx as nx
import pytest

from graph.analysis.paths import find_paths
from graph.analysis.projection import Projection, project
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, NodeNotFound, path_search, traversal
from tests.conftest import Ran


def test_paths_are_explained_and_can_avoid_hubs(demo_store: GraphStore) -> None:
    direct = find_paths(demo_store, "SC-000-0", "SHL-000-0", max_hops=4).paths
    assert direct and all(p.nodes[0] == "SC-000-0" and p.nodes[-1] == "SHL-000-0" for p in direct)
    assert "SC-000-0" in direct[0].text() and "-[" in direct[0].text()
    through_hub = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8).paths
    avoiding = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8, max_degree=10)
    projection = project(demo_store)
    degree = dict(zip(projection.keys, projection.degree().tolist(), strict=True))
    hubs = {key for key in projection.keys if key.startswith(("MKT-", "BR-", "FWD-"))}
    assert any(hubs & set(p.nodes) for p in through_hub)
    assert avoiding.paths and all(degree[key] <= 10 for p in avoiding.paths for key in p.nodes[1:-1])
    assert avoiding.hubs and all(degree[key] == neighbours > 10 for key, neighbours in avoiding.hubs)  # named
    assert {key for key, _ in avoiding.hubs} & hubs
    with pytest.raises(NodeNotFound):
        find_paths(demo_store, "SC-000-0", "NOPE", max_degree=5)


def _projected(projection: Projection, start: str, end: str, max_hops: int, max_degree: int | None) -> list:
    """The former search, as the reference: the whole graph projected, its hubs cut
    off, then NetworkX's shortest paths, in key order."""
    graph = projection.to_networkx()
    if max_degree is not None:
        graph.remove_nodes_from([n for n, d in list(graph.degree()) if d > max_degree and n not in (start, end)])
    try:
        found = [tuple(path) for path in nx.all_shortest_paths(graph, start, end) if len(path) - 1 <= max_hops]
    except nx.NetworkXNoPath:
        found = []
    return sorted(found)[:10]


@pytest.mark.parametrize("small", [False, True], ids=["as configured", "sides by nodes, last links filtered in Cypher"])
def test_the_store_finds_the_paths_the_projection_found(
    demo_store: GraphStore, small: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if small:  # the choices a large graph makes, on the small one
        monkeypatch.setattr(path_search, "COMPARED", 0)
        monkeypatch.setattr(traversal, "_FILTERED", 1)
    projection = project(demo_store)
    rng = random.Random(3)
    pairs = [tuple(rng.sample(projection.keys, 2)) for _ in range(12)] + [("SC-000-0", "SC-001-0")]
    compared = 0
    for start, end in pairs:
        for max_hops, max_degree in ((4, None), (8, 8), (8, None)):
            expected = _projected(projection, start, end, max_hops, max_degree)
            found = find_paths(demo_store, start, end, max_hops=max_hops, max_degree=max_degree)
            assert [path.nodes for path in found.paths] == expected, (start, end, max_hops, max_degree)
            compared += bool(expected)
    assert compared >= 20  # most pairs are joined: the comparison is not of empty lists


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
    return [path.nodes for path in find_paths(store, "A", "B", **options).paths]


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


def test_a_hub_over_the_cap_is_named_and_walked_around_within_the_hop_bound(two_routes: GraphStore) -> None:
    around = find_paths(two_routes, "A", "B", max_degree=2)
    assert [path.nodes for path in around.paths] == [("A", "PH", "C", "X", "B")]
    assert around.hubs == (("M", 3),)
    assert around.paths[0].text() == (
        "SalesChannel A (A) -[HAS_PHONE]-> Phone PH (PH) <-[HAS_PHONE]- SalesChannel C (C) "
        "<-[OPERATES]- Person X (X) -[OPERATES]-> SalesChannel B (B)"
    )
    assert find_paths(two_routes, "A", "B", max_degree=2, max_hops=3).paths == []
    from_hub = find_paths(two_routes, "M", "B", max_degree=2)  # an end may be a hub
    assert [path.nodes for path in from_hub.paths] == [("M", "B")]


def test_paths_follow_only_the_labels_and_types_asked(two_routes: GraphStore) -> None:
    assert _routes(two_routes, types=["HAS_PHONE", "OPERATES"]) == [("A", "PH", "C", "X", "B")]
    assert _routes(two_routes, labels=["Phone", "SalesChannel", "Person"]) == [("A", "PH", "C", "X", "B")]
    assert _routes(two_routes, labels=["Phone", "SalesChannel"]) == []
    with pytest.raises(ValueError, match="Nonsense"):
        find_paths(two_routes, "A", "B", labels=["Nonsense"])


def test_the_path_command_names_the_hubs_and_says_when_no_path_is_within_reach(
    two_routes: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]
) -> None:
    two_routes.close()
    done = cli(store_env, "graph", "path", "A", "B", "--max-degree", "2", "--max-hops", "3", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "not walked through (more than 2 neighbours): M (3)" in done.stderr
    assert "no path of at most 3 links joins A and B" in done.stderr
    done = cli(store_env, "graph", "path", "A", "B", "--max-degree", "2", "--format", "json")
    assert [row["nodes"] for row in json.loads(done.stdout)] == [["A", "PH", "C", "X", "B"]]
    tight = cli(store_env, "graph", "path", "A", "B", "--budget", "2")
    assert tight.returncode == 2 and "budget of 2" in tight.stderr and "Traceback" not in tight.stderr
