"""Key players: ranks with reasons, hubs left out, sampled betweenness said so."""

from __future__ import annotations

import pytest

from graph.analysis.communities import detect
from graph.analysis.keyplayers import key_players
from graph.analysis.projection import project
from graph.store import GraphStore


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
