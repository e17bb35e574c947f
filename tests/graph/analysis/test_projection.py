"""Projections of graphs also written by other tools (labels and types the model lacks)."""

from __future__ import annotations

from graph.analysis.communities import detect, write_back
from graph.analysis.projection import project
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
