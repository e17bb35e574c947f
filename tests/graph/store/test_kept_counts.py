"""The embedded graph's counts are kept beside the file, so the Overview and a command's
vocabulary do not open a large file, and they are never stale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.records import NodeRecord, RelationshipRecord
from graph.store.embedded_engine import EmbeddedStore

ACME = NodeRecord(("Product",), "PR-1", {"id": "PR-1", "name": "Acme watch"})
SHOP = NodeRecord(("SalesChannel",), "SC-1", {"id": "SC-1", "name": "acme-outlet"})


def _loaded(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    store.upsert_nodes([ACME, SHOP])
    store.upsert_relationships([RelationshipRecord("SELLS", "SC-1", "PR-1", {})])
    return store


def test_a_saves_counts_are_answered_without_opening_the_file(tmp_path: Path, forbid_open: Callable[[], None]) -> None:
    store = _loaded(tmp_path / "graph.kgl")
    store._write("CREATE (:Vessel {_kg_key: 'V-1', id: 'V-1', name: 'Ever Given'})")  # a label another tool wrote
    counted = store.counts()
    forbid_open()
    fresh = EmbeddedStore(tmp_path / "graph.kgl")
    assert fresh.counts() == counted
    assert (counted.nodes, counted.relationships, counted.types) == (3, 1, {"SELLS": 1})
    assert "Vessel" not in fresh.model.labels
    fresh.learn_vocabulary()
    assert "Vessel" in fresh.model.labels


def test_a_later_save_by_anyone_makes_the_kept_counts_stale(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    reader = _loaded(path)
    assert reader.counts().nodes == 2
    EmbeddedStore(path).upsert_nodes([NodeRecord(("Brand",), "BR-2", {"id": "BR-2", "name": "Bolt"})])
    assert reader.counts().labels["Brand"] == 1
    assert EmbeddedStore(path).counts().nodes == 3


def test_unreadable_kept_counts_are_counted_again(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    _loaded(path).counts()
    path.with_name("graph.kgl.counts").write_text("{not json", encoding="utf-8")
    assert EmbeddedStore(path).counts().nodes == 2
