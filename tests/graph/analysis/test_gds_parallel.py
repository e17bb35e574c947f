"""Graph Data Science sees the graph the in-process projection reads, where GDS's native
projection would not (a real server): parallel relationships, either way round and of
several types, make one weighted link; a node without a key is left out."""

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


def test_a_node_without_a_key_is_left_out_in_the_server_as_in_process(neo4j_store: Neo4jStore) -> None:
    """Written by another tool, it has no key: the in-process path leaves it out, and so
    does the server (the native projection, which would keep it, gives way)."""
    neo4j_store.upsert_nodes([NodeRecord(("Company",), key, {"name": f"{key} Ltd"}) for key in "AB"])
    neo4j_store.upsert_relationships([RelationshipRecord("OWNS", "A", "B")])
    neo4j_store._write("MATCH (a:Company {_kg_key: 'A'}) CREATE (a)-[:OWNS]->(:Company {name: 'no key'})")
    here = gds.find_communities(neo4j_store, in_process=True)
    there = gds.find_communities(neo4j_store)
    assert there.projection.keys == here.projection.keys == ["A", "B"]
    assert (there.result.nodes, there.result.edges) == (here.result.nodes, here.result.edges) == (2, 1)
    assert there.result.membership == here.result.membership == {"A": 0, "B": 0}
