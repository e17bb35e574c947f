"""The lexical read-only check: what it refuses, what it lets through, and why."""

from __future__ import annotations

import pytest

from graph.store.guard import PlanStep, QueryRefused, check_plan, check_read_only, parameters


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


@pytest.mark.parametrize("terminator", ["\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"], ids=repr)
def test_a_comment_ends_at_every_line_terminator(terminator: str) -> None:
    with pytest.raises(QueryRefused, match="LOAD CSV"):
        check_read_only(f"MATCH (n) RETURN n // note{terminator}LOAD CSV FROM 'http://x' AS l RETURN l")


@pytest.mark.parametrize(
    "query", ["CRE\u200bATE (n)", "\uff23\uff32\uff25\uff21\uff34\uff25 (n)", "MATCH (n) S\u00adET n.x = 1"]
)
def test_keywords_behind_invisible_or_fullwidth_characters_are_read(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_read_only(query)


@pytest.mark.parametrize(
    "query", ["MATCH (n) RETURN count(n) AS set", "UNWIND [1] AS create RETURN create", "MATCH (delete) RETURN delete"]
)
def test_names_that_look_like_keywords_pass(query: str) -> None:
    check_read_only(query)


@pytest.mark.parametrize(
    ("steps", "named"),
    [
        ([PlanStep("ProduceResults"), PlanStep("LoadCSV", "line")], "LOAD CSV"),
        ([PlanStep("LoadCsv")], "LOAD CSV"),
        ([PlanStep("Create", "(n:X)")], "Create"),
        ([PlanStep("SetProperty", "n.x = 1")], "SetProperty"),
        ([PlanStep("TransactionForeach")], "TransactionForeach"),
        ([PlanStep("ProcedureCall", "dbms.listConfig() :: (name :: STRING)")], "dbms.listConfig"),
        ([PlanStep("ShowSettings")], "ShowSettings"),
        ([PlanStep("AdministrationCommand", "", "system")], "system"),
        ([PlanStep("AllNodesScan", "n", "other")], "other"),
    ],
)
def test_the_plan_decides(steps: list[PlanStep], named: str) -> None:
    with pytest.raises(QueryRefused, match=named):
        check_plan(steps, database="neo4j")


def test_a_plain_read_plan_passes() -> None:
    check_plan(
        [
            PlanStep("ProduceResults", "n", "neo4j"),
            PlanStep("ProcedureCall", "db.labels() :: (label :: STRING)", "neo4j"),
            PlanStep("ShowIndexes", "allIndexes", "neo4j"),
            PlanStep("Expand(All)", "(a)-[r]->(b)", "neo4j"),
        ],
        database="neo4j",
    )
