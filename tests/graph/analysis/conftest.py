"""A demo graph for the analysis tests, on both stores."""

from __future__ import annotations

import pytest

from graph.store import GraphStore
from ingest.demo import generate, load


@pytest.fixture
def demo_store(store: GraphStore) -> GraphStore:
    load(store, generate(12, seed=4))
    return store
