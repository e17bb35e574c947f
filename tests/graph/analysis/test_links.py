"""Entities sharing identifiers, ranked by how specific the shared value is."""

from __future__ import annotations

from graph.analysis.links import hidden_links
from graph.analysis.projection import project
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore


def test_shared_identifiers_rank_by_specificity(store: GraphStore) -> None:
    nodes = [NodeRecord(("SalesChannel",), f"S{i}", {"name": f"shop {i}"}, source="t") for i in range(6) if i != 4]
    nodes.append(NodeRecord(("Company",), "S4", {"name": "supplier of shop 3"}, source="t"))
    nodes += [
        NodeRecord(("Phone",), "P1", {"name": "+8613800000000"}, source="t"),
        NodeRecord(("Address",), "A1", {"name": "1 Main St"}, source="t"),
    ]
    store.upsert_nodes(nodes)
    store.upsert_relationships(
        [RelationshipRecord("HAS_PHONE", f"S{i}", "P1", source="t") for i in range(2)]
        + [RelationshipRecord("REGISTERED_AT", f"S{i}", "A1", source="t") for i in range(5)]
        + [RelationshipRecord("SUPPLIES", "S4", "S3", source="t")]
    )
    assert store.counts().relationships == 8
    frame, _ = hidden_links(project(store), store.model)
    best = frame.iloc[0]
    assert (best["a"], best["b"]) == ("S0", "S1") and best["shared"] == 2 and "phone" in best["reasons"]
    pairs = set(zip(frame["a"], frame["b"], strict=True))
    assert ("S3", "S4") not in pairs  # directly linked: not hidden
    assert ("S2", "S3") in pairs and ("S0", "S5") not in pairs
