"""Projections of graphs also written by other tools (labels and types the model lacks)."""

from __future__ import annotations

from graph.analysis.communities import detect, write_back
from graph.analysis.projection import project
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, open_workspace


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
