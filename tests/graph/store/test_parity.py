"""The embedded store never differs silently from Neo4j: each divergence measured on the
openCypher TCK (``../shared/research/embedded-divergences.md``) runs here on both
stores, loaded alike, and either gives Neo4j's answer or carries a note naming the
construct. When KGLite is upgraded, a difference that reappears without a note fails.
Ordinary queries must agree and carry no note (a note on everything is read by no one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from tests.conftest import Ran


@dataclass(frozen=True)
class Scenario:
    query: str
    fixed: bool  # the embedded store gives Neo4j's answer (exactly, no note)
    note: str = ""  # else, words the embedded store's note must contain


SCENARIOS = {
    # A missing name is stored as null: no more 'Person_1'.
    "name IS NULL": Scenario("MATCH (p:Person) WHERE p.name IS NULL RETURN count(*) AS c", fixed=True),
    "count DISTINCT name": Scenario(
        "MATCH (p:Person) RETURN count(DISTINCT p.name) AS c, count(p.name) AS named", fixed=True
    ),
    "name STARTS WITH label": Scenario(
        "MATCH (p:Person) WHERE p.name STARTS WITH 'Person' RETURN count(*) AS c", fixed=True
    ),
    "name ORDER BY": Scenario("MATCH (p:Person) RETURN p.name AS name ORDER BY name", fixed=True),
    # Synthesised id, title and type.
    "id IS NULL": Scenario("MATCH (p:Person) RETURN p.id IS NULL AS missing ORDER BY missing", False, "`.id`"),
    "title": Scenario("MATCH (p:Person) RETURN p.title AS title ORDER BY title", False, "`.title`"),
    "node type": Scenario("MATCH (p:Person) RETURN p.type AS type ORDER BY type", False, "`.type`"),
    "relationship type property": Scenario("MATCH ()-[r:OWNS]->() RETURN DISTINCT r.type AS t", False, "`.type`"),
    "keys": Scenario("MATCH (p:Person {_kg_key: 'P-A'}) RETURN keys(p) AS k", False, "`keys()`"),
    "properties": Scenario("MATCH (p:Person {_kg_key: 'P-B'}) RETURN properties(p) AS m", False, "`properties()`"),
    "map projection": Scenario("MATCH (p:Person {_kg_key: 'P-B'}) RETURN p {.*} AS m", False, "`{.*}`"),
    # Unbounded variable-length patterns walk as far as Neo4j's, everywhere.
    "var-length": Scenario("MATCH (:Company {_kg_key: 'C01'})-[:OWNS*]->(b) RETURN count(b) AS c", fixed=True),
    "var-length from N": Scenario("MATCH (:Company {_kg_key: 'C01'})-[:OWNS*3..]->(b) RETURN count(b) AS c", True),
    "var-length in comprehension": Scenario(
        "MATCH (a:Company {_kg_key: 'C01'}) RETURN size([(a)-[:OWNS*]->(b) | b]) AS c", fixed=True
    ),
    "var-length in EXISTS": Scenario(
        "MATCH (a:Company {_kg_key: 'C01'}) WHERE EXISTS { (a)-[:OWNS*]->(:Company {_kg_key: 'C12'}) } "
        "RETURN count(a) AS c",
        fixed=True,
    ),
    "var-length path length": Scenario(
        "MATCH p = (:Company {_kg_key: 'C01'})-[:OWNS*]->(:Company {_kg_key: 'C12'}) RETURN length(p) AS hops", True
    ),
    # Arithmetic and time.
    "float division by zero": Scenario("RETURN 1.0 / 0.0 AS inf, 0.0 / 0.0 = 1.0 AS nan_equal", False, "division"),
    "duration between": Scenario(
        "RETURN duration.between(date('1984-10-11'), date('2015-06-24')) AS d", False, "duration"
    ),
    "scaled duration": Scenario("RETURN duration('P1D') / 2 AS d", False, "duration"),
    "zoned truncate": Scenario(
        "RETURN time.truncate('hour', datetime('1984-10-11T12:31:14+01:00')) AS t", False, "truncate"
    ),
    "duration and point values": Scenario(
        "RETURN duration('P1Y2M3DT4H5M6.5S') AS d, point({latitude: 51.5, longitude: -0.1}) AS g", fixed=True
    ),
    "EXPLAIN": Scenario("EXPLAIN MATCH (p:Person) RETURN p.name AS name", False, "EXPLAIN"),
    # Every loaded node has a label: labels() agrees.
    "labels": Scenario("MATCH (n) RETURN labels(n) AS l, count(*) AS c ORDER BY c, l", fixed=True),
    # Ordinary reads: the same answer, no note.
    "plain read": Scenario("MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY age", fixed=True),
    "bounded var-length": Scenario("MATCH (:Company)-[:OWNS*1..3]->(b) RETURN count(*) AS c", fixed=True),
    "aggregation": Scenario("MATCH (c:Company)-[:OWNS]->(d) RETURN count(DISTINCT d) AS owned", fixed=True),
}


def load_alike(store: GraphStore) -> None:
    """Two people (one without a name), a chain of twelve companies owning the next."""
    store.upsert_nodes(
        [
            NodeRecord(("Person",), "P-A", {"name": "Ann", "age": 41}, source="parity"),
            NodeRecord(("Person",), "P-B", {"age": 3}, source="parity"),
            *(NodeRecord(("Company",), f"C{i:02}", {"name": f"Shell {i}"}, source="parity") for i in range(1, 13)),
        ]
    )
    store.upsert_relationships(
        [RelationshipRecord("OWNS", f"C{i:02}", f"C{i + 1:02}", source="parity") for i in range(1, 12)]
    )


@pytest.fixture
def both(neo4j_store: Neo4jStore, embedded_store: EmbeddedStore) -> tuple[Neo4jStore, EmbeddedStore]:
    load_alike(neo4j_store)
    load_alike(embedded_store)
    return neo4j_store, embedded_store


def answer(store: GraphStore, query: str) -> tuple[list[dict], list[str]]:
    frame = store.query(query)
    return [{k: repr(v) for k, v in row.items()} for row in frame.to_dict("records")], frame.attrs["notes"]


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_embedded_answers_like_neo4j_or_says_why_not(
    both: tuple[Neo4jStore, EmbeddedStore], scenario: Scenario
) -> None:
    neo4j_store, embedded_store = both
    expected, _server_notes = answer(neo4j_store, scenario.query)
    got, notes = answer(embedded_store, scenario.query)
    if scenario.fixed:
        assert (got, notes) == (expected, [])
    else:
        assert any(scenario.note in note for note in notes), notes
        assert got == expected or notes  # never silently different


def test_the_note_reaches_the_command_line(embedded_store: EmbeddedStore, cli: Callable[..., Ran]) -> None:
    load_alike(embedded_store)
    ran = cli({"GRAPH_DB": str(embedded_store.path)}, "graph", "cypher", "MATCH (p:Person) RETURN p.id AS id")
    assert ran.returncode == 0 and "note: `.id` of a node without an `id` property" in ran.stderr
