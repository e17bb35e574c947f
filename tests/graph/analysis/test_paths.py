"""Paths between two entities, explained, around hubs on request."""

from __future__ import annotations

import pytest

from graph.analysis.paths import find_paths
from graph.analysis.projection import project
from graph.store import GraphStore, NodeNotFound


def test_paths_are_explained_and_can_avoid_hubs(demo_store: GraphStore) -> None:
    direct = find_paths(demo_store, "SC-000-0", "SHL-000-0", max_hops=4)
    assert direct and all(p.nodes[0] == "SC-000-0" and p.nodes[-1] == "SHL-000-0" for p in direct)
    assert "SC-000-0" in direct[0].text() and "-[" in direct[0].text()
    through_hub = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8)
    avoiding = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8, max_degree=8)
    hubs = {key for key in project(demo_store).keys if key.startswith(("MKT-", "BR-", "FWD-"))}
    assert any(hubs & set(p.nodes) for p in through_hub)
    assert all(not hubs & set(p.nodes[1:-1]) for p in avoiding)
    with pytest.raises(NodeNotFound):
        find_paths(demo_store, "SC-000-0", "NOPE", max_degree=5)
