"""Projections of graphs also written by other tools (labels and types the model lacks)."""

from __future__ import annotations

from graph.analysis.communities import detect, write_back
from graph.analysis.projection import project
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, open_workspace
from graph.store.embedded_engine import EmbeddedStore
from tests.graph.analysis.conftest import RecordingProgress


def test_labels_and_types_the_model_lacks_still_project_and_save(demo_store: GraphStore) -> None:
    """A graph also written by other tools: their labels and types count, with weight 1
    and "name" as display."""
    demo_store._write(
        "MATCH (p:Person {_kg_key: 'PER-000-O'}) "
        "CREATE (:Area {_kg_key: 'AREA-1', name: 'Harbour district'})<-[:LIVES_IN]-(p)"
    )
    projection = project(demo_store)
    area = projection.index["AREA-1"]
    assert projection.names[area] == "Harbour district" and projection.degree()[area] == 1
    result = detect(projection)
    write_back(demo_store, open_workspace(), projection, result)
    stored = demo_store.query("MATCH (a:Area) RETURN a.community AS c")
    assert list(stored["c"]) == [result.membership["AREA-1"]]


def test_names_and_links_stay_with_their_nodes_when_some_have_no_name(store: GraphStore) -> None:
    """Each label and type is read as collected lists: a node without a display name
    must not shift the names, or the links, of the nodes read after it."""
    store.upsert_nodes(
        [
            NodeRecord(("Person",), "P-1", {"name": "Ann"}, source="t"),
            NodeRecord(("Person",), "P-2", {}, source="t"),
            NodeRecord(("Person",), "P-3", {"name": "Cy"}, source="t"),
            NodeRecord(("Company",), "C-1", {"name": "Acme"}, source="t"),
        ]
    )
    store.upsert_relationships([RelationshipRecord("DIRECTS", "P-3", "C-1", source="t")])
    projection = project(store)
    assert dict(zip(projection.keys, projection.names, strict=True)) == {
        "C-1": "Acme",
        "P-1": "Ann",
        "P-2": "P-2",
        "P-3": "Cy",
    }
    pairs = {
        (projection.keys[a], projection.keys[b]) for a, b in zip(projection.sources, projection.targets, strict=True)
    }
    assert pairs == {("C-1", "P-3")}


def test_a_save_while_links_are_read_does_not_move_them_to_other_nodes(embedded_store: EmbeddedStore) -> None:
    """Links are read as node numbers, which a later save may give to other nodes (KGLite
    reuses a deleted node's): when a save lands between the reads, links go by key."""
    people = [NodeRecord(("Person",), f"P-{i}", {"name": f"P{i}"}, source="t") for i in range(4)]
    embedded_store.upsert_nodes([*people, NodeRecord(("Company",), "C-1", {"name": "Acme"}, source="t")])
    embedded_store.upsert_relationships([RelationshipRecord("DIRECTS", "P-1", "C-1", source="t")])
    other = EmbeddedStore(embedded_store.path)  # another program writing the same file

    class SavingWhileRead(RecordingProgress):
        def show(self, what: str, done: float | None, total: float | None) -> None:
            super().show(what, done, total)
            if what.startswith("reading") and what.endswith("relationships") and other.delete_nodes(["P-0"]):
                other.upsert_nodes([NodeRecord(("Company",), "C-NEW", {"name": "New"}, source="t")])  # P-0's number
                other.upsert_relationships([RelationshipRecord("DIRECTS", "P-3", "C-NEW", source="t")])

    progress = SavingWhileRead()
    projection = project(embedded_store, progress=progress)
    assert projection.keys == ["C-1", "P-0", "P-1", "P-2", "P-3"]  # as the first save held them
    pairs = [
        (projection.keys[a], projection.keys[b]) for a, b in zip(projection.sources, projection.targets, strict=True)
    ]
    assert pairs == [("C-1", "P-1")]  # not P-3 with P-0, whose number C-NEW now has
    assert "the graph was saved while it was read: reading its relationships again by key" in progress.seen
