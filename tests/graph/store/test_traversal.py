"""Reading a node's neighbours (the first rows and the count of all) and searching paths
from both ends, on both stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from graph.store import GraphStore, NodeNotFound
from graph.store.path_search import PathBudgetExceeded, PathRequest

HUB_STOREFRONTS = 60


def test_neighbours_reads_first_rows_and_counts_all(demo_store: GraphStore) -> None:
    rows, total = demo_store.neighbours("MKT-BIG", fetch=10)
    assert total == HUB_STOREFRONTS
    assert [row["other"] for row in rows] == [f"BIG-{i:03d}" for i in range(10)]
    with pytest.raises(NodeNotFound):
        demo_store.neighbours("NO-SUCH")


def _count_rows(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows of relationships (with an ``other`` end) each read returns, from now on."""
    counted: list[int] = []
    read, read_columns = store.read, store.read_columns

    def counting_read(statement: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = read(statement, params)
        counted.append(sum("other" in row for row in rows))
        return rows

    def counting_columns(statement: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        columns = read_columns(statement, params)
        counted.append(len(columns.get("other", [])))
        return columns

    monkeypatch.setattr(store, "read", counting_read)
    monkeypatch.setattr(store, "read_columns", counting_columns)
    return counted


def test_path_search_meets_beside_a_hub_it_does_not_read(
    demo_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _count_rows(demo_store, monkeypatch)
    through = demo_store.search_paths(PathRequest("BIG-000", "BIG-001"))
    assert [path.nodes for path in through.paths] == [("BIG-000", "MKT-BIG", "BIG-001")]
    assert through.paths[0].forward == (True, False) and through.paths[0].types == ("HOSTED_ON", "HOSTED_ON")
    assert sum(counted) == through.visited == 2  # met at the hub without reading its 60 storefronts
    capped = demo_store.search_paths(PathRequest("BIG-000", "BIG-001", max_degree=HUB_STOREFRONTS - 1))
    assert capped.paths == () and capped.hubs == (("MKT-BIG", HUB_STOREFRONTS),)


def test_path_search_never_reads_beyond_its_budget(demo_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    request = PathRequest("SC-000-0", "SC-011-0", max_hops=10, max_degree=12)
    found = demo_store.search_paths(request)
    assert found.paths and found.visited > 50
    counted = _count_rows(demo_store, monkeypatch)
    with pytest.raises(PathBudgetExceeded, match=r"stopped after reading \d+ neighbours.*over its budget of 50"):
        demo_store.search_paths(replace(request, budget=50))
    assert 0 < sum(counted) <= 50


def test_path_search_stops_at_the_hop_bound(demo_store: GraphStore) -> None:
    far = demo_store.search_paths(PathRequest("SC-000-0", "SC-011-0", max_hops=10, max_degree=12))
    hops = len(far.paths[0])
    assert all(len(path) == hops for path in far.paths)
    short = PathRequest("SC-000-0", "SC-011-0", max_hops=hops - 1, max_degree=12)
    assert demo_store.search_paths(short).paths == ()
    with pytest.raises(ValueError, match="max_hops must be between 1 and 15"):
        PathRequest("SC-000-0", "SC-011-0", max_hops=16)
