"""Reading a node's neighbours: the first rows and the count of all, on both stores."""

from __future__ import annotations

import pytest

from graph.store import GraphStore, NodeNotFound

HUB_STOREFRONTS = 60


def test_neighbours_reads_first_rows_and_counts_all(demo_store: GraphStore) -> None:
    rows, total = demo_store.neighbours("MKT-BIG", fetch=10)
    assert total == HUB_STOREFRONTS
    assert [row["other"] for row in rows] == [f"BIG-{i:03d}" for i in range(10)]
    with pytest.raises(NodeNotFound):
        demo_store.neighbours("NO-SUCH")
