"""Loads stream their files in chunks, say how far they are, and stop cleanly when the
user asks: whole files stay whole, the file being written says how much of it is in the
graph, and loading again completes it."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest

import ingest.loader
from graph.progress import ConsoleProgress, Progress
from graph.store import GraphStore
from ingest.loader import LoadCancelled, load_paths
from tests.conftest import Ran
from tests.ingest.files import reasons, reconciled, write

PEOPLE = 300
KNOWS = 600


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """A node file and a relationship file, each several chunks long."""
    monkeypatch.setattr(ingest.loader, "CHUNK_ROWS", 50)
    people = "".join(f"P{i},Person {i},Person\n" for i in range(PEOPLE))
    knows = "".join(f"P{i % PEOPLE},P{(i * 7 + 1) % PEOPLE},KNOWS,{i}\n" for i in range(KNOWS))
    return [
        write(tmp_path, "people.csv", "id:ID,name,:LABEL\n" + people),
        write(tmp_path, "knows.csv", ":START_ID,:END_ID,:TYPE,n:int\n" + knows),
    ]


class _StopAt(Progress):
    """Cancels the load once it reports ``rows`` done of the file named ``name``."""

    def __init__(self, name: str, rows: int):
        super().__init__()
        self.name, self.rows = name, rows

    def show(self, what: str, done: float | None, total: float | None) -> None:
        if self.name in what and (done or 0) >= self.rows:
            self.cancel()


def _relationships(store: GraphStore) -> int:
    return int(store.query("MATCH ()-[r:KNOWS]->() RETURN count(r) AS n").iloc[0]["n"])


def test_a_load_streams_files_in_chunks_and_reconciles(store: GraphStore, files: list[Path]) -> None:
    seen: list[tuple[str, float | None, float | None]] = []

    class Recording(Progress):
        def show(self, what: str, done: float | None, total: float | None) -> None:
            seen.append((what, done, total))

    reports = load_paths(store, files, progress=Recording())
    assert reconciled(reports) and [r.loaded for r in reports] == [PEOPLE, KNOWS]
    assert _relationships(store) == KNOWS
    chunks = [done for what, done, _ in seen if what == "loading knows.csv"]
    assert chunks == [*range(0, KNOWS + 1, 50), KNOWS]  # a report per chunk, and one at the end
    assert all(total == KNOWS for what, _, total in seen if what == "loading knows.csv" and total)


def test_a_cancel_keeps_whole_files_says_what_holds_and_a_reload_completes(
    store: GraphStore, files: list[Path]
) -> None:
    with pytest.raises(LoadCancelled) as stopped:
        load_paths(store, files, progress=_StopAt("knows.csv", 200))
    people, knows = stopped.value.reports
    assert people.finished and not people.problem and people.loaded == PEOPLE
    assert knows.stopped and 0 < knows.written < KNOWS
    assert f"{knows.written:,} of its rows are in the graph" in knows.summary()
    assert _relationships(store) == knows.written  # exactly what the report says, no more
    reports = load_paths(store, files)
    assert reconciled(reports) and _relationships(store) == KNOWS
    assert int(store.query("MATCH (n:Person) RETURN count(n) AS n").iloc[0]["n"]) == PEOPLE


def test_a_cancel_before_a_file_leaves_it_out_and_says_so(store: GraphStore, files: list[Path]) -> None:
    with pytest.raises(LoadCancelled) as stopped:
        load_paths(store, files, progress=_StopAt("people.csv", 100))
    people, knows = stopped.value.reports
    assert people.stopped and knows.stopped and not knows.started
    assert "none of it is in the graph" in knows.summary() and knows.read == 0
    assert _relationships(store) == 0
    assert int(store.query("MATCH (n:Person) RETURN count(n) AS n").iloc[0]["n"]) == people.written


def test_the_command_shows_each_file_and_ctrl_c_says_what_is_loaded(
    store: GraphStore,
    store_env: dict[str, str],
    files: list[Path],
    cli: Callable[..., Ran],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    done = cli(store_env, "ingest", *map(str, files))
    assert done.returncode == 0
    assert "loading people.csv" in done.stderr and "loading knows.csv: 600 of 600 (100%)" in done.stderr

    show = ConsoleProgress.show

    def press_ctrl_c(self: ConsoleProgress, what: str, rows: float | None, total: float | None) -> None:
        show(self, what, rows, total)
        if what == "loading knows.csv" and rows == 100:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(ConsoleProgress, "show", press_ctrl_c)
    cut = cli(store_env, "ingest", *map(str, files))
    assert cut.returncode == 1 and "Traceback" not in cut.stderr
    assert "stopped by Ctrl-C: 1 file(s) loaded whole; knows.csv cut short" in cut.stderr
    assert "knows.csv: stopped by the user:" in cut.stdout


def test_reloading_a_file_whose_rows_moved_keeps_one_source_per_file(store: GraphStore, tmp_path: Path) -> None:
    for version in range(5):  # each version has one more row at the top: every row moves
        news = [f"N{v}" for v in range(version + 1)]
        people = "".join(f"{key},{key},Person\n" for key in [*news, "P1", "P2"])
        knows = "".join(f"{key},P1,KNOWS\n" for key in news) + "P1,P2,KNOWS\n"
        files = [write(tmp_path, "people.csv", "id:ID,name,:LABEL\n" + people)]
        files.append(write(tmp_path, "knows.csv", ":START_ID,:END_ID,:TYPE\n" + knows))
        assert reconciled(load_paths(store, files))
    ann = store.query("MATCH (p:Person {id: 'P1'})-[r:KNOWS]->() RETURN p.sources AS s, r.sources AS rs").iloc[0]
    assert list(ann["s"]) == ["people.csv:7"] and list(ann["rs"]) == ["knows.csv:7"]
    load_paths(store, [write(tmp_path, "more.csv", "id:ID,name,:LABEL\nP1,P1,Person\n")])
    ann = store.query("MATCH (p:Person {id: 'P1'}) RETURN p.sources AS s").iloc[0]
    assert list(ann["s"]) == ["people.csv:7", "more.csv:2"]  # another file's row is added
    assert int(store.query("MATCH (n:Person) RETURN count(n) AS n").iloc[0]["n"]) == 7
    assert _relationships(store) == 6


def test_a_strict_load_writes_each_relationship_once(store: GraphStore, files: list[Path]) -> None:
    assert reconciled(load_paths(store, files, strict=True))
    assert _relationships(store) == KNOWS
    assert reconciled(load_paths(store, files))  # the same relationships, found again
    assert _relationships(store) == KNOWS
    keys = store.query("MATCH ()-[r:KNOWS]->() RETURN r._kg_key AS key")["key"].value_counts().to_dict()
    assert keys == {"": KNOWS // 2, "2": KNOWS // 2}  # each pair twice in the file: parallel, numbered once


@pytest.mark.parametrize("strict", [False, True], ids=["by columns", "by rows"])
def test_a_relationship_met_again_in_another_file_of_the_load_is_one_relationship(
    store: GraphStore, tmp_path: Path, strict: bool
) -> None:
    """Relationships between nodes the load created are written without a MERGE: a pair
    that another file of the same load brings again must still be found, not doubled."""
    people = write(tmp_path, "people.csv", "id:ID,name,:LABEL\nP1,P1,Person\nP2,P2,Person\nP3,P3,Person\n")
    knows = ":START_ID,:END_ID,:TYPE,since:int\n"
    first = write(tmp_path, "knows.csv", knows + "P1,P2,KNOWS,1\nP2,P3,KNOWS,2\nP2,P3,KNOWS,3\n")
    again = write(tmp_path, "knows-again.csv", knows + "P1,P2,KNOWS,4\nP2,P3,KNOWS,5\n")
    reports = load_paths(store, [people, first, again], strict=strict)
    assert reconciled(reports)
    assert (reports[1].created, reports[2].created, reports[2].updated) == (3, 0, 2)
    found = store.query(
        "MATCH (a)-[r:KNOWS]->(b) RETURN a.id AS a, b.id AS b, r._kg_key AS key, r.since AS since, "
        "r.sources AS sources ORDER BY a, b, key"
    )
    assert [(*row[:4], sorted(row[4])) for row in found.itertuples(index=False, name=None)] == [
        ("P1", "P2", "", 4, ["knows-again.csv:2", "knows.csv:2"]),  # each file's row is kept
        ("P2", "P3", "", 5, ["knows-again.csv:3", "knows.csv:3"]),
        ("P2", "P3", "2", 3, ["knows.csv:4"]),
    ]
    assert reconciled(load_paths(store, [people, first, again])) and _relationships(store) == 3


def test_a_key_one_file_of_the_load_created_is_not_taken_by_another_label_in_a_later_file(
    store: GraphStore, tmp_path: Path
) -> None:
    """The nodes a load created are known to it without asking the store again: a later
    file's node of another label still may not take their keys."""
    people = write(tmp_path, "people.csv", "id:ID,name,:LABEL\nP1,Ann,Person\n")
    impostor = write(tmp_path, "impostor.csv", "id:ID,name,:LABEL\nP1,Fake Ltd,Company\nP2,Bob,Person\n")
    links = write(tmp_path, "knows.csv", ":START_ID,:END_ID,:TYPE\nP2,P1,KNOWS\n")
    reports = load_paths(store, [people, impostor, links])
    assert reasons(reports[1]) == {2: "key 'P1' is already a Person node's; a Company node may not take it"}
    assert reconciled(reports) and [r.loaded for r in reports] == [1, 1, 1]
    assert store.counts().labels == {"Person": 2} and _relationships(store) == 1


def test_relationships_made_ready_beside_the_writes_give_the_graph_a_load_in_turn_gives(
    neo4j_store: GraphStore, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Neo4j a relationship chunk is made ready while the one before it is written."""

    def graph() -> list[tuple]:
        found = neo4j_store.query(
            "MATCH (a)-[r:KNOWS]->(b) RETURN a.id AS a, b.id AS b, r._kg_key AS key, r.n AS n, "
            "r.sources AS sources ORDER BY a, b, key"
        )
        return [(*row[:4], list(row[4])) for row in found.itertuples(index=False, name=None)]

    assert neo4j_store.prepares_beside_writes
    assert reconciled(load_paths(neo4j_store, files)) and _relationships(neo4j_store) == KNOWS
    beside = graph()
    neo4j_store.clear()
    monkeypatch.setattr(neo4j_store, "prepares_beside_writes", False)
    assert reconciled(load_paths(neo4j_store, files))
    assert graph() == beside
