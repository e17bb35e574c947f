"""Analysts' Cypher on both stores: every write or escape attempt is refused and changes
nothing, decided by the engine's own plan where the text alone could be misread; a
harmless read whose names merely look like keywords runs."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from graph.records import NodeRecord
from graph.store import GraphStore, QueryError, QueryRefused

#: Every line terminator Cypher (or a lenient reader of it) may end a ``//`` comment at.
TERMINATORS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server recording every request: ``LOAD CSV`` must never reach it."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a,b\n1,2\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/leak.csv", requests
    server.shutdown()


def seeded(store: GraphStore) -> dict[str, int]:
    store.upsert_nodes([NodeRecord(("Person",), "p1", {"name": "Ann"}, source="test")])
    return state(store)


def state(store: GraphStore) -> dict[str, int]:
    return store.read("MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels")[0]


ATTACKS = [
    "MATCH (n) RETURN count(n) AS c // note{t}LOAD CSV FROM '{url}' AS line RETURN line",
    "MATCH (n) // note{t}CREATE (m:Person {{_kg_key: 'x'}}) RETURN m",
    "MATCH (n) /* c */ // {t}DETACH DELETE n",
]
ESCAPES = [
    "LOAD CSV FROM '{url}' AS line RETURN line",
    "load   csv from 'file:///etc/passwd' as line return line",
    "UNWIND [1] AS LOAD LOAD CSV FROM '{url}' AS line RETURN line",  # LOAD as a name
    "MATCH (CREATE) CREATE (x:Person {{_kg_key: 'x'}}) RETURN x",  # CREATE as a name
    "CALL {{ CREATE (x:Person {{_kg_key: 'x'}}) }} IN TRANSACTIONS",
    "MATCH (n) CALL {{ WITH n DETACH DELETE n }} IN TRANSACTIONS OF 1 ROWS RETURN 1",
    "EXPLAIN CREATE (x:Person {{_kg_key: 'x'}})",
    "PROFILE MATCH (n) SET n.name = 'owned' RETURN n",
    "CRE\u200bATE (x:Person {{_kg_key: 'x'}})",
    "\uff23\uff32\uff25\uff21\uff34\uff25 (x:Person {{_kg_key: 'x'}})",  # fullwidth CREATE
    "MATCH (n) SE\u2060T n.name = 'owned'",
    "MATCH (n) FOREACH (x IN [1] | SET n.name = 'owned')",
    "MATCH (n) MERGE (m:Person {{_kg_key: 'x'}}) RETURN m",
    "CALL dbms.listConfig() YIELD name RETURN name",
    "CALL dbms.components()",
    "CALL db.createLabel('Owned')",
    "CALL dbms.security.createUser('eve', 'pw', false)",
    "SHOW USERS",
    "SHOW SETTINGS",
    "SHOW TRANSACTIONS",
    "USE system SHOW USERS",
    "USE system MATCH (n) RETURN n",
    "CREATE DATABASE owned",
    "GRANT ROLE admin TO eve",
    "ALTER USER neo4j SET PASSWORD 'owned'",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
]


def refused_and_unchanged(store: GraphStore, query: str, before: dict[str, int]) -> None:
    """Refused (or, where the engine cannot even parse it, an error), and nothing changed."""
    with pytest.raises((QueryRefused, QueryError)) as refusal:
        store.query(query)
    assert "Traceback" not in str(refusal.value)
    assert state(store) == before
    assert store.read("MATCH (n) RETURN n.name AS name") == [{"name": "Ann"}]


@pytest.mark.parametrize("terminator", TERMINATORS, ids=[repr(t) for t in TERMINATORS])
def test_text_after_a_comment_and_any_line_terminator_is_checked(
    store: GraphStore, listener: tuple[str, list[str]], terminator: str
) -> None:
    url, requests = listener
    before = seeded(store)
    for attack in ATTACKS:
        query = attack.format(t=terminator, url=url)
        with pytest.raises(QueryRefused):
            store.query(query)
        assert state(store) == before
    assert requests == []


@pytest.mark.parametrize("attack", ESCAPES)
def test_writes_escapes_and_administration_are_refused(
    store: GraphStore, listener: tuple[str, list[str]], attack: str
) -> None:
    url, requests = listener
    before = seeded(store)
    refused_and_unchanged(store, attack.format(url=url), before)
    assert requests == []


def test_the_engines_plan_refuses_what_the_text_check_lets_through(
    store: GraphStore, listener: tuple[str, list[str]]
) -> None:
    """A variable named like a clause keyword passes the text check; the plan does not."""
    url, requests = listener
    before = seeded(store)
    with pytest.raises(QueryRefused, match="read"):
        store.query("MATCH (CREATE) CREATE (x:Person {_kg_key: 'x'}) RETURN x")
    if store.__class__.__name__ == "Neo4jStore":  # KGLite cannot parse LOAD CSV after a clause
        with pytest.raises(QueryRefused, match="LOAD CSV"):
            store.query(f"WITH 1 AS LOAD LOAD CSV FROM '{url}' AS line RETURN line")
    assert state(store) == before and requests == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MATCH (n) RETURN count(n) AS set", [{"set": 1}]),
        ("MATCH (n) RETURN n.name AS delete", [{"delete": "Ann"}]),
        ("RETURN 'LOAD CSV FROM x' AS load", [{"load": "LOAD CSV FROM x"}]),
        ("MATCH (n) WHERE n.name <> 'CREATE (x)' RETURN count(n) AS c // DETACH DELETE n", [{"c": 1}]),
        ("MATCH (n:Person) WHERE n.name STARTS WITH 'A' RETURN n.name AS create", [{"create": "Ann"}]),
        ("CALL db.labels() YIELD label WHERE label = 'Person' RETURN label", [{"label": "Person"}]),
    ],
)
def test_harmless_reads_with_keyword_names_run(store: GraphStore, query: str, expected: list[dict]) -> None:
    seeded(store)
    assert store.query(query).to_dict("records") == expected


def test_parameters_are_values_never_cypher(store: GraphStore) -> None:
    before = seeded(store)
    hostile = "Ann' DETACH DELETE n //"
    frame = store.query("MATCH (n) WHERE n.name = $name RETURN count(n) AS c", {"name": hostile})
    assert frame.to_dict("records") == [{"c": 0}] and state(store) == before
