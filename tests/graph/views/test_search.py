"""Entity search as investigators type: ids, parts of names, accents and typos."""

from __future__ import annotations

from graph.store import GraphStore
from graph.views.search import find_entities


def test_find_entities_by_id_part_accent_and_typo(demo_store: GraphStore) -> None:
    assert find_entities(demo_store, "MKT-BIG").iloc[0]["key"] == "MKT-BIG"
    assert find_entities(demo_store, "bazaar shop 007").iloc[0]["key"] == "BIG-007"
    assert find_entities(demo_store, "BIG BAZAAR").iloc[0]["key"] == "MKT-BIG"
    assert any("Kōgen" in name for name in find_entities(demo_store, "kogen")["name"])
    typo = find_entities(demo_store, "Bazar Shopp 012", limit=5)
    assert "BIG-012" in set(typo["key"]) and typo["score"].max() < 100
    assert find_entities(demo_store, "zzzzqqqq").empty
