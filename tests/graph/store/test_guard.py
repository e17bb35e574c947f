"""The lexical read-only check: what it refuses, what it lets through, and why."""

from __future__ import annotations

import pytest

from graph.store.guard import QueryRefused, check_read_only, parameters


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n) RETURN n",
        "MATCH (n) WHERE n.name = 'CREATE (x)' RETURN n",
        'MATCH (n) WHERE n.note = "DELETE everything" RETURN n',
        "MATCH (n) RETURN n // SET n.x = 1",
        "MATCH (n) /* MERGE */ RETURN n",
        "MATCH (n) WHERE n.set = 1 AND n.create IS NULL RETURN n.delete AS d",
        "MATCH (start:Person)-[r]->(stop) RETURN start, stop",
        "MATCH (n {remove: true}) RETURN n",
        "MATCH (n:`Create`) RETURN n",
        "CALL db.labels() YIELD label RETURN label",
        "CALL { MATCH (n) RETURN n } RETURN count(n) AS c",
        "SHOW INDEXES",
        "SHOW RANGE INDEXES",
        "MATCH (c:`Case`) WHERE c.opened >= date($since) RETURN c",
    ],
)
def test_reads_pass(query: str) -> None:
    check_read_only(query)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("CREATE (n)", "CREATE"),
        ("match (n) set n.x = 1", "SET"),
        ("MATCH (n) DETACH DELETE n", "DETACH"),
        ("MATCH (n) REMOVE n:Label", "REMOVE"),
        ("MERGE (n:X {id: 1})", "MERGE"),
        ("LOAD CSV FROM 'https://example.com/x.csv' AS row RETURN row", "LOAD CSV"),
        ("load   csv from 'file:///etc/passwd' as l return l", "LOAD CSV"),
        ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
        ("CALL dbms.killQuery('x')", "dbms.killQuery"),
        ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})", "apoc.periodic.iterate"),
        ("CALL db.createLabel('X')", "db.createLabel"),
        ("MATCH (n) CALL { WITH n DELETE n } RETURN 1", "DELETE"),
        ("MATCH (n) RETURN n; DROP INDEX x", "DROP"),
        ("SHOW USERS", "SHOW USERS"),
        ("USE system MATCH (n) RETURN n", "USE"),
        ("START DATABASE neo4j", "START DATABASE"),
        ("GRANT ROLE admin TO bob", "GRANT"),
        ("MATCH (n) RETURN n /* unterminated comment CREATE", None),
    ],
)
def test_writes_and_admin_are_refused_by_name(query: str, named: str | None) -> None:
    if named is None:
        check_read_only(query)  # everything after an open comment is comment
        return
    with pytest.raises(QueryRefused, match=named):
        check_read_only(query)


def test_empty_query_is_refused() -> None:
    with pytest.raises(QueryRefused, match="empty"):
        check_read_only("  // nothing\n")


def test_parameters_are_found_outside_strings_and_comments() -> None:
    query = "MATCH (n) WHERE n.a = $a AND n.b = $`b c` AND n.c = '$not' // $neither\nRETURN $a AS x"
    assert parameters(query) == {"a", "b c"}
