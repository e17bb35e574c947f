"""A load a column at a time (into either store's tables) gives the graph, the
rejects and the counts the row path gives; only the rows a column cannot take, or that
need a merge, go through the row path."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ingest.loader
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.store.tables import NodeTable, RelationshipTable
from ingest.demo import generate, write_admin_csv
from ingest.loader import FileReport, load_paths
from ingest.textfile import csv_columns
from tests.ingest.files import reasons, reconciled, write

NOW = dt.datetime(2026, 11, 30, 6, 0, 0)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """One load time on both paths, so provenance compares; small chunks, so a file
    takes several."""
    monkeypatch.setattr("graph.store.writes.utc_now", lambda: NOW)
    monkeypatch.setattr("graph.store.embedded_engine.utc_now", lambda: NOW)
    monkeypatch.setattr(ingest.loader, "CHUNK_ROWS", 100)


def _by_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.loader, "takes_columns", lambda load: False)


def _content(store: GraphStore) -> tuple[list[Any], list[Any]]:
    """Every node and relationship with all it holds (labels, keys, properties, provenance)."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    links = store.read("MATCH (a)-[r]->(b) RETURN a._kg_key AS a, type(r) AS t, b._kg_key AS b, properties(r) AS props")
    node_rows = sorted((sorted(n["labels"]), sorted(n["props"].items())) for n in nodes)
    link_rows = sorted((r["a"], r["t"], r["b"], sorted(r["props"].items())) for r in links)
    return node_rows, link_rows


def _load_twice(store: GraphStore, paths: list[Path]) -> tuple[list[FileReport], list[Any]]:
    first = load_paths(store, paths)
    counts = store.counts()
    second = load_paths(store, paths)
    again = store.counts()
    assert (again.nodes, again.relationships) == (counts.nodes, counts.relationships)
    return first + second, [_content(store), counts.nodes, counts.relationships]


def _summary(reports: list[FileReport]) -> list[tuple[str, int, int, int, int, dict[int, str]]]:
    return [(r.path.name, r.read, r.created, r.updated, r.rejected, reasons(r)) for r in reports]


def test_the_demo_loads_by_columns_as_by_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_admin_csv(generate(12, seed=5), tmp_path / "demo")
    taken: list[int] = []
    create = EmbeddedStore.create_node_table

    def counted(self: EmbeddedStore, table: Any) -> Any:
        result = create(self, table)
        taken.append(int(result.taken.sum()))
        return result

    monkeypatch.setattr(EmbeddedStore, "create_node_table", counted)
    by_columns, content = _load_twice(EmbeddedStore(tmp_path / "columns.kgl"), [tmp_path / "demo"])
    assert sum(taken) == content[1]  # every node went in as a table
    _by_rows(monkeypatch)
    by_rows, row_content = _load_twice(EmbeddedStore(tmp_path / "rows.kgl"), [tmp_path / "demo"])
    assert reconciled(by_columns) and not any(r.rejects for r in by_columns)
    assert _summary(by_columns) == _summary(by_rows)
    assert content == row_content
    nodes, links = content[0]
    assert any(("sources", ["nodes.Case.csv:2"]) in props for _, props in nodes)
    assert any(dict(props).get("first_seen") == NOW for *_, props in links)


class _InFlight:
    """Wraps a store's writes and keeps the most that were in flight at once."""

    def __init__(self, store: GraphStore, monkeypatch: pytest.MonkeyPatch):
        self.now = self.most = 0
        self._lock = threading.Lock()
        write = store._write

        def counted(*args: Any) -> Any:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                return write(*args)
            finally:
                with self._lock:
                    self.now -= 1

        monkeypatch.setattr(store, "_write", counted)


def test_neo4j_loads_by_columns_two_transactions_at_a_time_the_graph_a_load_by_rows_in_turn_gives(
    neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every node and relationship of the demo, with its keys, properties and provenance,
    the counts and each file's summary are the same, after a load and after a re-load
    (which changes no count), as one statement at a time by rows gives; and the same as
    the embedded store holds."""
    write_admin_csv(generate(6, seed=5), tmp_path / "demo")
    monkeypatch.setattr(neo4j_store, "batch_size", 30)  # several batches to each table
    tabled = {"create_node_table": 0, "create_relationship_table": 0}
    for name in tabled:
        create = getattr(neo4j_store, name)

        def spied(table: Any, create: Any = create, name: str = name) -> Any:
            result = create(table)
            tabled[name] += int(result.taken.sum())
            return result

        monkeypatch.setattr(neo4j_store, name, spied)
    writes = _InFlight(neo4j_store, monkeypatch)
    first = load_paths(neo4j_store, [tmp_path / "demo"])
    loaded = _content(neo4j_store)
    by_columns, content = _load_twice(neo4j_store, [tmp_path / "demo"])
    assert writes.most == 2 and neo4j_store.write_concurrency == 2
    assert tabled["create_node_table"] == content[1]  # every node went in as a table
    assert tabled["create_relationship_table"] == content[2]  # and every relationship
    neo4j_store.clear()
    monkeypatch.setattr(neo4j_store, "write_concurrency", 1)
    _by_rows(monkeypatch)
    writes = _InFlight(neo4j_store, monkeypatch)
    first_by_rows = load_paths(neo4j_store, [tmp_path / "demo"])
    assert _content(neo4j_store) == loaded
    by_rows, row_content = _load_twice(neo4j_store, [tmp_path / "demo"])
    assert writes.most == 1
    assert reconciled(first + by_columns) and not any(r.rejects for r in first + by_columns)
    assert _summary(first + by_columns) == _summary(first_by_rows + by_rows)
    assert content == row_content
    embedded = EmbeddedStore(tmp_path / "graph.kgl")
    load_paths(embedded, [tmp_path / "demo"])
    assert _content(embedded) == loaded


def test_a_table_relationship_whose_end_another_writer_deleted_is_left_to_the_row_path(
    neo4j_store: Neo4jStore,
) -> None:
    """Relationship tables find their ends by the ids the nodes' CREATE returned: a node
    gone since is missed (the row path then rejects the row), the others are created."""

    def column(*values: object) -> np.ndarray:
        return np.array(values, dtype=object)

    with neo4j_store.writing():
        shops = NodeTable(("SalesChannel",), column("SC-1"), column("s.csv:2"), {"name": ("string", column("shop"))})
        products = NodeTable(
            ("Product",), column("PRD-1", "PRD-2"), column("p.csv:2", "p.csv:3"), {"name": ("string", column("a", "b"))}
        )
        assert neo4j_store.create_node_table(shops).created == 1
        assert neo4j_store.create_node_table(products).created == 2
        neo4j_store._write("MATCH (n:Product {_kg_key: 'PRD-1'}) DETACH DELETE n")  # another writer's
        sells = RelationshipTable(
            "SELLS",
            "SalesChannel",
            "Product",
            column("SC-1", "SC-1"),
            column("PRD-1", "PRD-2"),
            column("r.csv:2", "r.csv:3"),
            {"price": ("float", column(None, 2.5))},
        )
        result = neo4j_store.create_relationship_table(sells)
    assert result.taken.tolist() == [False, True] and result.created == 1
    sold = neo4j_store.query(
        "MATCH (:SalesChannel)-[r:SELLS]->(p) RETURN p.name AS name, r.price AS price, r.sources AS s"
    )
    assert sold.to_dict("records") == [{"name": "b", "price": 2.5, "s": ["r.csv:3"]}]


PEOPLE = "id:ID,name,age:int,born:date,:LABEL\n"
HOSTILE = {  # row number -> the row (the file's other rows are plain)
    40: "h1,Dee,forty,,Person",  # not a number
    41: "h2,Eve,,31/12/2024,Person",  # not a date
    42: ",Fay,3,,Person",  # no id
    43: "h4,Gus,,,Bad Label!",  # not a label
    44: "h5,Hal,1",  # too few fields
    45: "p1,Ann 1,1,2001-01-02,Person",  # p1 (row 2) again, the same values: merged
    46: "p2,Someone else,2,2002-01-01,Person",  # p2 (row 3) again, other values
    47: "c1,Impostor,,,Person",  # a Company's key
    48: "h9,,,,Person",  # no name
    49: 'h10,"Multi, line\nname",5,,Person',  # quoted: a plain row
    50: "h11,Nul\x00byte,,,Person",
    51: "h12,Big,99999999999999999999,,Person",  # beyond 64 bits
}


def _people(count: int, hostile: dict[int, str] = HOSTILE) -> str:
    rows = [f"p{i},Ann {i},{i},2001-01-{1 + i % 28:02d},Person" for i in range(1, count + 1)]
    for number, row in hostile.items():
        rows.insert(number - 2, row)
    return PEOPLE + "\n".join(rows) + "\n"


def test_hostile_rows_go_by_rows_and_only_they(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = write(tmp_path, "a_company.csv", "id:ID,name,:LABEL\nc1,Acme,Company\n")
    people = write(tmp_path, "b_people.csv", _people(300))
    knows = ":START_ID,:END_ID,:TYPE,since:int\n" + "".join(f"p{i},p{i + 1},KNOWS,{i}\n" for i in range(1, 250))
    knows += "p1,p2,KNOWS,7\np1,nowhere,KNOWS,1\np3,p4,KNOWS,x\np5,p6,,1\n"  # parallel, no end, bad cell, no type
    links = write(tmp_path, "c_knows.csv", knows)
    tabled: list[str] = []
    for name in ("create_node_table", "create_relationship_table"):
        create = getattr(store, name)

        def spied(table: Any, create: Any = create) -> Any:
            result = create(table)
            tabled.extend(table.sources[result.taken])
            return result

        monkeypatch.setattr(store, name, spied)
    reports = load_paths(store, [company, people, links])
    content = _content(store)
    by_rows = {
        name: set(range(2, report.read + 2)) - {int(s.split(":")[1]) for s in tabled if s.startswith(name)}
        for name, report in (("b_people.csv", reports[1]), ("c_knows.csv", reports[2]))
    }
    expected = {2, 3} | set(HOSTILE) - {49}
    if not isinstance(store, EmbeddedStore):  # only KGLite's loader needs a name
        expected.discard(48)
    assert by_rows["b_people.csv"] == expected
    assert by_rows["c_knows.csv"] == {251, 252, 253, 254}  # p1-p2 met again, and the bad ones
    store.clear()
    _by_rows(monkeypatch)
    row_reports = load_paths(store, [company, people, links])
    assert reconciled(reports) and _summary(reports) == _summary(row_reports)
    assert content == _content(store)
    rejected = reasons(reports[1])
    assert sorted(rejected) == [40, 41, 42, 43, 44, 46, 47, 50, 51]
    assert "column 'age:int'" in rejected[40] and "column 'born:date'" in rejected[41]
    assert "appears earlier in the file with other values" in rejected[46]


def test_an_unquoted_file_is_split_by_arrow_with_the_same_rows_rejects_and_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with no quote whose lines all hold the header's fields (here with a BOM,
    CRLF line ends and blank lines) is split by Arrow; its bad rows are rejected as the
    row path rejects them, and the graph is the same."""
    plain = {n: row for n, row in HOSTILE.items() if n not in (44, 49, 50)}  # no odd width, quote, NUL
    text = _people(300, plain).replace("\n", "\r\n").replace("p20,", "\r\n\r\np20,")
    people = write(tmp_path, "people.csv", "\ufeff" + text)
    batches = csv_columns(people, 5, 100)
    assert batches is not None  # Arrow splits it
    assert [(int(rows[i]), [c[i] for c in cells]) for rows, cells in batches for i in range(len(rows))][37:40] == [
        (39, ["p38", "Ann 38", "38", "2001-01-11", "Person"]),
        (40, ["h1", "Dee", "forty", "", "Person"]),
        (41, ["h2", "Eve", "", "31/12/2024", "Person"]),
    ]
    store = EmbeddedStore(tmp_path / "columns.kgl")
    reports = load_paths(store, [people])
    _by_rows(monkeypatch)
    row_store = EmbeddedStore(tmp_path / "rows.kgl")
    row_reports = load_paths(row_store, [people])
    assert reconciled(reports) and _summary(reports) == _summary(row_reports)
    assert _content(store) == _content(row_store)
    assert sorted(reasons(reports[0])) == [40, 41, 42, 43, 46, 51]


@pytest.mark.parametrize(
    "text",
    [
        'id:ID,name\n1,"Ann"\n',  # a quote
        "id:ID,name\n1,Ann,x\n",  # a row of another width
        "id:ID,name\n1,Ann\r2,Bob\n",  # a carriage return alone ends a record for Python's reader
        "\nid:ID,name\n1,Ann\n",  # the header after a blank line
        "id:ID,name\n1,Ann\x00\n",
    ],
)
def test_files_arrow_could_split_otherwise_go_to_pythons_reader(tmp_path: Path, text: str) -> None:
    assert csv_columns(write(tmp_path, "nodes.csv", text), 2, 100) is None
    assert csv_columns(write(tmp_path, "latin.csv", "id:ID,name\n1,Åsa\n", "latin-1"), 2, 100) is None


def test_a_load_into_an_empty_graph_leaves_its_search_index_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names are indexed as the nodes are written: nothing is read back afterwards."""
    write_admin_csv(generate(6, seed=2), tmp_path / "demo")
    store = EmbeddedStore(tmp_path / "graph.kgl")
    assert reconciled(load_paths(store, [tmp_path / "demo"]))

    def read_back(*args: Any) -> None:
        raise AssertionError("the names were read back from the graph")

    monkeypatch.setattr(EmbeddedStore, "_name_entries", read_back)
    store.prepare_search()
    found = store.search("operation", limit=3)
    assert len(found) == 3 and all("Case" in labels for labels in found["labels"])
