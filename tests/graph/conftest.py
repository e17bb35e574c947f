"""A demo graph for the explorer and traversal tests: twelve rings plus a marketplace
hosting many storefronts."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from ingest.demo import generate, load

HUB_STOREFRONTS = 60


@pytest.fixture
def demo_store(store: GraphStore) -> GraphStore:
    """Twelve demo rings plus a marketplace hosting 60 extra storefronts."""
    load(store, generate(12, seed=4), seen=dt.datetime(2025, 3, 1))
    store.upsert_nodes(
        [NodeRecord(("Marketplace",), "MKT-BIG", {"name": "Big Bazaar"}, source="test")]
        + [
            NodeRecord(("SalesChannel",), f"BIG-{i:03d}", {"name": f"bazaar shop {i:03d}"}, source="test")
            for i in range(HUB_STOREFRONTS)
        ],
        seen=dt.datetime(2026, 6, 1),
    )
    store.upsert_relationships(
        [RelationshipRecord("HOSTED_ON", f"BIG-{i:03d}", "MKT-BIG", source="test") for i in range(HUB_STOREFRONTS)],
        seen=dt.datetime(2026, 6, 1),
    )
    return store
