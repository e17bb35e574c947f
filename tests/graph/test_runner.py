"""Running saved queries: identical rows on both stores, parameters checked and named,
nothing but reads gets through, every run audited."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from graph.analysis.communities import detect, write_back
from graph.analysis.projection import project
from graph.library import LibraryError, load_library
from graph.runner import run_adhoc, run_saved
from graph.store import GraphStore, open_workspace
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from ingest.demo import generate, load

DEMO_VALUES = {
    "entity": "SHL-001-0",
    "storefront": "SC-001-0",
    "supplier": "SUP-001-0",
    "factory": "SUP-001-0",
    "brand": "BR-01",
    "since": "2020-01-01",
    "text": "trading",
}


def _comparable(value: Any) -> Any:
    """Rows as both stores must agree on them: graph elements by key, collected lists as
    sets (``collect`` order is unspecified in Cypher), floats rounded."""
    if isinstance(value, dict):
        if "labels" in value and "key" in value:
            return ("node", value["key"])
        if "relationships" in value and "nodes" in value:
            return ("path", tuple(_comparable(n) for n in value["nodes"]))
        if "type" in value and "start" in value:
            return ("rel", value["type"], value["start"], value["end"])
        return tuple(sorted((k, _comparable(v)) for k, v in value.items()))
    if isinstance(value, list):
        items = [_comparable(item) for item in value]
        return tuple(sorted(items, key=repr))
    if isinstance(value, float):
        return round(value, 6)
    return value


def loaded(store: GraphStore) -> GraphStore:
    """The demo (20 rings, one sighting time on both stores) with its communities saved."""
    load(store, generate(20, seed=6), seen=dt.datetime(2025, 3, 1, 12, 0))
    projection = project(store)
    write_back(store, open_workspace(), projection, detect(projection))
    return store


def test_every_saved_query_gives_the_same_rows_on_both_stores(
    embedded_store: EmbeddedStore, neo4j_store: Neo4jStore
) -> None:
    stores = [loaded(embedded_store), loaded(neo4j_store)]
    for query in load_library().values():
        given = {p.name: DEMO_VALUES[p.name] for p in query.params if p.name in DEMO_VALUES}
        runs = [run_saved(store, query, given) for store in stores]
        rows = [[tuple(_comparable(v) for v in row) for row in run.frame.itertuples(index=False)] for run in runs]
        assert list(runs[0].frame.columns) == list(runs[1].frame.columns), query.name
        assert rows[0] == rows[1], query.name
        assert rows[0], f"{query.name} returned nothing on the demo data"


def test_graph_results_come_with_a_subgraph(embedded_store: EmbeddedStore) -> None:
    loaded(embedded_store)
    library = load_library()
    run = run_saved(embedded_store, library["upstream_supply_chain"], {"storefront": "SC-001-0"})
    assert run.graph is not None and "SC-001-0" in run.graph and "SUP-001-0" in run.graph
    assert run_saved(embedded_store, library["repeat_offenders"], {"min_cases": "1"}).graph is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"min_cases": "two"}, "parameter 'min_cases': 'two' is not a int"),
        ({"min_case": "2"}, "unknown parameter 'min_case'"),
    ],
)
def test_bad_parameters_are_named(embedded_store: EmbeddedStore, given: dict, message: str) -> None:
    with pytest.raises(LibraryError, match=message):
        run_saved(embedded_store, load_library()["repeat_offenders"], given)


def test_missing_and_wrong_entities_are_named(embedded_store: EmbeddedStore) -> None:
    loaded(embedded_store)
    query = load_library()["upstream_supply_chain"]
    with pytest.raises(LibraryError, match="missing parameter 'storefront'"):
        run_saved(embedded_store, query, {})
    with pytest.raises(LibraryError, match="'SUP-001-0' is a Supplier, not a SalesChannel"):
        run_saved(embedded_store, query, {"storefront": "SUP-001-0"})
    with pytest.raises(LibraryError, match="no entity has id"):
        run_saved(embedded_store, query, {"storefront": "nope"})
    with pytest.raises(LibraryError, match="parameter 'since'"):
        run_saved(embedded_store, load_library()["first_seen_since"], {"since": "yesterday"})
    with pytest.raises(Exception, match="unknown label"):
        run_saved(embedded_store, load_library()["first_seen_since"], {"since": "2020-01-01", "label": "Foo`) DETACH"})


INJECTIONS = [
    "' OR 1=1 //",
    "x'}) MATCH (n) DETACH DELETE n //",
    "\\u0027) CREATE (:Evil) //",
    "${text}",
    "]->(x) SET x.pwned = true //",
]
WRITES = [
    "CREATE (n:Evil {name: 'x'})",
    "MERGE (n:Evil {name: 'x'})",
    "MATCH (n:SalesChannel) SET n.name = 'pwned'",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:SalesChannel) REMOVE n.name",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "CALL dbms.security.createUser('evil', 'pw', false)",
    "CALL apoc.create.node(['Evil'], {}) YIELD node RETURN node",
    "MATCH (n) // harmless\nDETACH DELETE n",
    "/* read */ MATCH (n) WITH n CALL { WITH n DETACH DELETE n } RETURN 1",
    "MATCH (n) RETURN n UNION MATCH (m) SET m.x = 1 RETURN m AS n",
]


def test_injection_and_writes_are_refused_with_the_store_unchanged(store: GraphStore) -> None:
    loaded(store)
    before = store.counts()
    names = store.query("MATCH (n:SalesChannel) RETURN n._kg_key AS k, n.name AS name ORDER BY k")
    library = load_library()
    for text in INJECTIONS:
        assert run_saved(store, library["search_by_name"], {"text": text}).frame.empty
        for query, name in (("cases_touching_entity", "entity"), ("shipments_of_product", "brand")):
            with pytest.raises(LibraryError):
                run_saved(store, library[query], {name: text})
        for query, name in (("repeat_offenders", "min_cases"), ("seizures_by_port_period", "since")):
            with pytest.raises(LibraryError):
                run_saved(store, library[query], {name: text})
    for cypher in WRITES:
        with pytest.raises(Exception):  # noqa: B017 - refused by the guard or by the store
            run_adhoc(store, cypher)
    assert store.counts() == before
    assert store.query("MATCH (n:SalesChannel) RETURN n._kg_key AS k, n.name AS name ORDER BY k").equals(names)


def test_audit_log_has_one_line_per_run(embedded_store: EmbeddedStore, tmp_path: Path) -> None:
    loaded(embedded_store)
    query = load_library()["repeat_offenders"]
    run_saved(embedded_store, query, {"min_cases": "1"})
    run_adhoc(embedded_store, "MATCH (n) RETURN count(n) AS n")
    with pytest.raises(LibraryError):
        run_saved(embedded_store, query, {"min_cases": "x"})  # refused before running: not a run
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [line["query"] for line in lines] == ["repeat_offenders", "ad-hoc"]
    assert lines[0]["params"] == {"min_cases": 1} and lines[0]["rows"] > 0 and lines[0]["user"]
    assert len(lines[1]["query_hash"]) == 16 and "seconds" in lines[1]


def test_row_cap_says_it_cut(embedded_store: EmbeddedStore) -> None:
    loaded(embedded_store)
    run = run_adhoc(embedded_store, "MATCH (n) RETURN n._kg_key AS k ORDER BY k", row_limit=5)
    assert len(run.frame) == 5 and run.truncated and "row cap" in run.notes[0]


def test_the_app_s_runs_are_audited_with_their_text_and_never_the_password(
    embedded_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = 's3cret"Passw0rd'  # a quote: JSON writes it escaped
    monkeypatch.setenv("NEO4J_PASSWORD", secret)
    typed = "MATCH (n) WHERE n.name = $name RETURN count(n) AS n"
    run_adhoc(embedded_store, typed, {"name": f"a {secret}"})
    run_saved(embedded_store, load_library()["repeat_offenders"], {"min_cases": "2"})
    with pytest.raises(Exception):  # noqa: B017 - refused by the guard or by the store
        run_adhoc(embedded_store, "CREATE (n:Supplier {id: 'X'})")
    text = (tmp_path / "audit.jsonl").read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["cypher"] for line in lines] == [
        typed,
        load_library()["repeat_offenders"].cypher,
        "CREATE (n:Supplier {id: 'X'})",
    ]
    assert lines[0]["params"] == {"name": "a ***"} and lines[2]["error"]
    assert "s3cret" not in text
