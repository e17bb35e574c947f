"""Community detection recovers planted rings, reproducibly, on both stores."""

from __future__ import annotations

import random
import re
from collections import Counter

import networkx as nx
import pytest

from graph.analysis import communities
from graph.analysis.communities import (
    ALGORITHMS,
    RESOLUTION_RULE,
    chosen_resolution,
    detect,
    nmi,
    numbered,
    write_back,
)
from graph.analysis.projection import Projection, Scope, project
from graph.model import load_model
from graph.progress import Cancelled
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.workspace import Workspace
from ingest.demo import Demo, generate, load
from tests.graph.analysis.conftest import RecordingProgress


def lfr() -> tuple[Projection, dict[str, int]]:
    graph = nx.LFR_benchmark_graph(1000, 3, 1.5, 0.1, average_degree=5, min_community=20, seed=0)
    graph.remove_edges_from(nx.selfloop_edges(graph))
    truth = {}
    for number, members in enumerate({frozenset(graph.nodes[n]["community"]) for n in graph}):
        truth.update({f"n{m:04d}": number for m in members})
    return Projection.from_edges((f"n{a:04d}", f"n{b:04d}") for a, b in graph.edges), truth


@pytest.fixture(params=["small", "large"])
def implementation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each algorithm through NetworkX and through the compiled path large graphs take."""
    if request.param == "large":
        monkeypatch.setattr(communities, "FAST_ABOVE", 0)
    return request.param


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_planted_partition_is_recovered(algorithm: str, implementation: str) -> None:
    projection, truth = lfr()
    result = detect(projection, algorithm, seed=1)
    floor = 0.85 if algorithm != "label_propagation" else 0.8
    assert nmi(truth, result.membership) >= floor
    assert result.modularity > 0.75 and result.implementation
    assert detect(projection, algorithm, seed=1).membership == result.membership


def _reordered(demo: Demo, seed: int) -> Demo:
    shuffled = Demo(list(demo.nodes), list(demo.relationships), demo.ring_of, demo.variant_of)
    random.Random(seed).shuffle(shuffled.nodes)
    random.Random(seed).shuffle(shuffled.relationships)
    return shuffled


def test_demo_rings_are_recovered_and_stored(store: GraphStore, workspace: Workspace) -> None:
    demo = generate(40, seed=3)
    load(store, demo)
    projection = project(store)
    result = detect(projection)
    assert result.implementation.startswith("igraph.community_leiden")
    assert nmi(demo.ring_of, result.membership) >= 0.85
    assert len(result.membership) == store.counts().nodes  # every node, hubs and isolated ones too
    counts = store.counts()
    run = write_back(store, workspace, projection, result)
    stored = store.query("MATCH (n:SalesChannel) RETURN n.id AS id, n.community AS c, n.community_run AS run")
    assert {row.id: row.c for row in stored.itertuples()} == {
        key: c for key, c in result.membership.items() if key.startswith("SC-")
    }
    assert set(stored["run"]) == {run}
    record = workspace.record("analysis_runs", run)
    assert (record["algorithm"], record["seed"], record["modularity"]) == ("leiden", 42, result.modularity)
    assert record["resolution"] == result.resolution == chosen_resolution(projection)
    assert record["parameters"]["resolution_chosen"] == RESOLUTION_RULE
    assert store.counts() == counts  # the run is the tool's record: no node in the user's graph


def _in_memory(demo: Demo) -> Projection:
    """The demo's projection built without a store, in the demo's record order."""
    model = load_model()
    return Projection.from_edges(
        [(r.start, r.end, model.relationship(r.type).weight) for r in demo.relationships],
        nodes=[node.key for node in demo.nodes],
        labels={node.key: tuple(node.labels) for node in demo.nodes},
    )


def test_same_partition_whatever_order_the_rows_come_in() -> None:
    demo = generate(700, seed=5)  # above FAST_ABOVE: the compiled implementations
    results = {}
    for order in (0, 1):
        projection = _in_memory(_reordered(demo, order))
        results[order] = {algorithm: detect(projection, algorithm, seed=7) for algorithm in ALGORITHMS}
    for algorithm in ALGORITHMS:
        assert results[0][algorithm].membership == results[1][algorithm].membership, algorithm
    assert results[0]["louvain"].implementation == "networkit.PLM"
    assert nmi(demo.ring_of, results[0]["louvain"].membership) >= 0.85


def test_both_stores_give_the_same_communities(embedded_store: EmbeddedStore, neo4j_store: Neo4jStore) -> None:
    demo = generate(25, seed=11)
    load(embedded_store, demo)
    load(neo4j_store, _reordered(demo, 3))
    for algorithm in ALGORITHMS:
        ours = detect(project(embedded_store), algorithm)
        theirs = detect(project(neo4j_store), algorithm)
        assert ours.membership == theirs.membership and ours.modularity == theirs.modularity


def test_scope_limits_the_projection(store: GraphStore) -> None:
    demo = generate(6, seed=2)
    load(store, demo)
    only = project(store, Scope(labels=("SalesChannel", "PaymentAccount"), types=("PAID_VIA",)))
    assert {labels for labels in only.labels} <= {("SalesChannel",), ("PaymentAccount",)}
    assert only.relationships == sum(1 for r in demo.relationships if r.type == "PAID_VIA")
    around = project(store, Scope(around=("SHL-000-0",), hops=1))
    assert "SHL-000-0" in around.index and len(around.keys) < len(project(store).keys)
    assert project(store, Scope(since=__import__("datetime").datetime(2999, 1, 1))).node_count == 0


def test_bad_parameters_are_named() -> None:
    projection, _ = lfr()
    with pytest.raises(ValueError, match="algorithm"):
        detect(projection, "girvan_newman")
    with pytest.raises(ValueError, match="resolution"):
        detect(projection, resolution=0)


def test_modularity_matches_networkx_with_weights_and_resolution() -> None:
    graph = nx.LFR_benchmark_graph(300, 3, 1.5, 0.2, average_degree=6, min_community=15, seed=2)
    weighted = [(f"n{a:03d}", f"n{b:03d}", 0.5 + (a * b) % 7) for a, b in graph.edges if a != b]
    projection = Projection.from_edges(weighted)
    result = detect(projection, "leiden")
    groups = list(result.communities.values())
    for resolution in (0.5, 1.0, 2.0):
        expected = nx.community.modularity(projection.to_networkx(), groups, weight="weight", resolution=resolution)
        membership = [result.membership[key] for key in projection.keys]
        assert communities.modularity(projection, membership, resolution) == pytest.approx(expected, abs=1e-12)


def test_nmi_is_one_for_the_same_partition_and_zero_for_an_unrelated_one() -> None:
    truth = {f"n{i}": i // 4 for i in range(16)}
    assert nmi(truth, {key: 10 - ring for key, ring in truth.items()}) == pytest.approx(1.0)  # names do not matter
    assert nmi(truth, {f"n{i}": i % 4 for i in range(16)}) == pytest.approx(0.0, abs=1e-12)  # across every ring
    assert 0 < nmi(truth, {f"n{i}": i // 8 for i in range(16)}) < 1  # rings merged in pairs


def _cases_per_community(demo: Demo, membership: dict[str, int]) -> Counter[int]:
    """How many distinct rings have cases in each community."""
    rings = {(membership[key], ring) for key, ring in demo.ring_of.items() if key.startswith("CASE-")}
    return Counter(community for community, _ in rings)


def test_rings_stay_rings_at_ten_thousand_nodes() -> None:
    """The default (Leiden, resolution chosen from the data) against the generator's truth."""
    demo = generate(294, seed=7)  # what `python -m ingest demo --scale 10000` writes
    projection = _in_memory(demo)
    result = detect(projection)
    assert result.algorithm == "leiden" and result.resolution_rule == RESOLUTION_RULE
    assert nmi(demo.ring_of, result.membership) >= 0.85
    assert max(_cases_per_community(demo, result.membership).values()) <= 3


def test_the_chosen_resolution_grows_with_the_graph_and_is_never_below_one() -> None:
    small, large = _in_memory(generate(30, seed=7)), _in_memory(generate(300, seed=7))
    assert chosen_resolution(small) >= 1.0
    ratio = chosen_resolution(large) / chosen_resolution(_in_memory(generate(150, seed=7)))
    assert ratio == pytest.approx(2.0, rel=0.15)  # ten times the rings: ten times 2m, same neighbourhoods
    assert chosen_resolution(Projection.from_edges([], nodes=["a", "b"])) == 1.0
    given = detect(large, "louvain", resolution=2.5)
    assert (given.resolution, given.resolution_rule, given.parameters()["resolution_chosen"]) == (2.5, None, "given")


def test_communities_are_numbered_by_size_then_smallest_member() -> None:
    assert numbered([7, 7, 3, 5, 5, 5, 3, 9]).tolist() == [1, 1, 2, 0, 0, 0, 2, 3]


def test_detection_says_what_it_is_doing_and_stops_when_cancelled(store: GraphStore) -> None:
    load(store, generate(10, seed=1))
    progress = RecordingProgress()
    projection = project(store, progress=progress)
    detect(projection, progress=progress)
    assert any(re.fullmatch(r"reading (relationships \(SELLS\)|[\d,]+ relationships)", what) for what in progress.seen)
    assert f"Leiden on {projection.node_count:,} nodes" in " ".join(progress.seen)
    stopping = RecordingProgress(stop_at="Leiden")
    with pytest.raises(Cancelled, match="numbering"):  # the report after the one that cancelled
        detect(projection, progress=stopping)
