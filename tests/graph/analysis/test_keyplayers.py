"""Key players: ranks with reasons, hubs left out, sampled betweenness said so."""

from __future__ import annotations

import pytest

from graph.analysis.communities import detect
from graph.analysis.keyplayers import key_players
from graph.analysis.projection import Projection, project
from graph.model import load_model
from graph.store import GraphStore
from ingest.demo import generate
from tests.graph.analysis.conftest import RecordingProgress


def test_key_players_explain_their_rank_and_leave_hubs_out(demo_store: GraphStore) -> None:
    projection = project(demo_store)
    ranking, method = key_players(projection, demo_store.model, membership=detect(projection).membership, limit=10)
    assert list(ranking["rank"]) == list(range(1, 11))
    assert not any(key.startswith(("MKT-", "BR-")) for key in ranking["key"])  # hubs are not news
    assert ranking["score"].is_monotonic_decreasing
    assert "by degree" in ranking.iloc[0]["reasons"] and method["betweenness"] == "exact"


def test_sampled_betweenness_says_so(monkeypatch: pytest.MonkeyPatch, demo_store: GraphStore) -> None:
    from graph.analysis import keyplayers

    monkeypatch.setattr(keyplayers, "EXACT_BETWEENNESS_UP_TO", 10)
    projection = project(demo_store)
    first, method = key_players(projection, demo_store.model, limit=5)
    again, _ = key_players(projection, demo_store.model, limit=5)
    assert method["betweenness_samples"] and "sampled" in method["betweenness"]
    assert first.equals(again)  # the seed fixes the sample


def test_sampled_key_players_say_how_and_still_find_the_shared_forwarders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's planted brokers are the freight forwarders every ring ships through: a
    small sample of sources still ranks them first, and the output says it sampled."""
    from graph.analysis import keyplayers

    model = load_model()
    demo = generate(150, seed=5)
    projection = Projection.from_edges(
        [(r.start, r.end, model.relationship(r.type).weight) for r in demo.relationships],
        nodes=[node.key for node in demo.nodes],
        labels={node.key: tuple(node.labels) for node in demo.nodes},
    )
    monkeypatch.setattr(keyplayers, "EXACT_BETWEENNESS_UP_TO", 100)
    monkeypatch.setattr(keyplayers, "BETWEENNESS_WORK", 1)  # the floor: as on a graph far too large
    progress = RecordingProgress()
    ranking, method = key_players(projection, model, limit=10, progress=progress)
    samples = keyplayers.BETWEENNESS_SAMPLES_AT_LEAST
    assert method["betweenness_samples"] == samples and f"{samples} sampled sources" in method["betweenness"]
    assert set(ranking["betweenness_samples"]) == {samples}  # in every row of the table and the JSON
    assert set(ranking["key"][:4]) == {"FWD-00", "FWD-01", "FWD-02", "FWD-03"}
    assert f"betweenness on {projection.node_count:,} nodes, from {samples} sampled sources" in progress.seen


def test_betweenness_samples_shrink_as_the_graph_grows() -> None:
    from graph.analysis.keyplayers import BETWEENNESS_SAMPLES, betweenness_samples

    assert betweenness_samples(1_000, 5_000) is None  # exact
    assert betweenness_samples(50_000, 200_000) == BETWEENNESS_SAMPLES
    assert betweenness_samples(1_004_235, 4_451_372) < betweenness_samples(100_575, 446_623)
