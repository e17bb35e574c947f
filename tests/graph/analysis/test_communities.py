"""Community detection recovers planted rings, reproducibly, on both stores."""

from __future__ import annotations

import math
import random
from collections import Counter

import networkx as nx
import pytest

from graph.analysis import communities
from graph.analysis.communities import ALGORITHMS, detect, write_back
from graph.analysis.projection import Projection, Scope, project
from graph.model import load_model
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.workspace import Workspace
from ingest.demo import Demo, generate, load


def nmi(truth: dict[str, int], found: dict[str, int]) -> float:
    """Normalized mutual information (arithmetic mean normalisation) over truth's keys."""
    keys = [key for key in truth if key in found]
    n = len(keys)
    a, b = Counter(truth[k] for k in keys), Counter(found[k] for k in keys)
    joint = Counter((truth[k], found[k]) for k in keys)
    mutual = sum(c / n * math.log(c * n / (a[x] * b[y])) for (x, y), c in joint.items())
    entropy = -sum(c / n * math.log(c / n) for c in a.values()) - sum(c / n * math.log(c / n) for c in b.values())
    return 2 * mutual / entropy if entropy else 1.0


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
    assert result.implementation.startswith("networkx")
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
    assert (record["algorithm"], record["seed"], record["modularity"]) == ("louvain", 42, result.modularity)
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
