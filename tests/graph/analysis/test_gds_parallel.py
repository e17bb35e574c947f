"""Parallel relationships, either way round and of several types, reach Graph Data Science
as the one weighted link the in-process projection makes of them (a real server)."""

from __future__ import annotations

import numpy as np
import pytest

from graph.analysis import gds
from graph.records import NodeRecord, RelationshipRecord
from graph.store.neo4j_engine import Neo4jStore

pytestmark = pytest.mark.neo4j


def test_parallel_links_either_way_round_add_up_to_one_link_in_the_server(neo4j_store: Neo4jStore) -> None:
    neo4j_store.upsert_nodes([NodeRecord(("Company",), key, {"name": f"{key} Ltd"}) for key in "ABCD"])
    neo4j_store.upsert_relationships(
        [
            RelationshipRecord("SUPPLIES", "A", "B"),  # weight 1
            RelationshipRecord("SUPPLIES", "B", "A"),  # weight 1, the other way round
            RelationshipRecord("OWNS", "A", "B"),  # weight 2, another type
            RelationshipRecord("OWNS", "C", "B"),  # weight 2
        ]
    )
    here = gds.find_communities(neo4j_store, in_process=True).projection
    there = gds.find_communities(neo4j_store).projection
    assert there.keys == here.keys == ["A", "B", "C", "D"]  # D alone, kept
    assert there.names == here.names and there.labels == here.labels
    links = sorted(zip(there.sources.tolist(), there.targets.tolist(), there.weights.tolist(), strict=True))
    assert links == [(0, 1, 4.0), (1, 2, 2.0)]
    assert np.array_equal(there.sources, here.sources) and np.array_equal(there.targets, here.targets)
    assert np.allclose(there.weights, here.weights) and there.relationships == here.relationships == 4
    players, _ = gds.find_key_players(neo4j_store)
    assert dict(zip(players["key"], players["degree"], strict=True)) == {"A": 1, "B": 2, "C": 1, "D": 0}
