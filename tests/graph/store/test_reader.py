"""The reader process: short-lived commands read a large embedded graph through a process
that keeps it open, and never get a different answer for it."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import kglite
import pytest

from graph.analysis.projection import Scope, project
from graph.records import NodeRecord
from graph.store import QueryError
from graph.store import embedded_engine as engine
from graph.store.embedded_engine import EmbeddedStore
from graph.store.reader import RemoteGraph, reader_address, reader_status, start_reader, stop_reader
from ingest.demo import generate, load, write_admin_csv
from tests.conftest import Ran
from tests.graph.analysis.conftest import RecordingProgress

ROOT = Path(__file__).resolve().parents[3]
ACME = NodeRecord(("Brand",), "BR-1", {"id": "BR-1", "name": "Acme", "registered": dt.date(2019, 5, 1)})


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def any_file_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test graphs are small: each is read through a reader as a large one would be."""
    monkeypatch.setattr(engine, "READER_FROM", 0)


@pytest.fixture
def graph_file(tmp_path: Path) -> Path:
    path = tmp_path / "graph.kgl"
    EmbeddedStore(path).upsert_nodes([ACME])
    return path


@pytest.fixture
def served(graph_file: Path) -> Iterator[Path]:
    """``graph_file`` with a reader serving it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.store.reader", str(graph_file)],
        cwd=ROOT,
        env={**os.environ, "KG_READER_IDLE": "120"},
    )
    _wait_for(lambda: reader_address(graph_file).exists() or process.poll() is not None, "the reader to open the file")
    assert process.poll() is None, "the reader left at once"
    yield graph_file
    process.terminate()
    process.wait(timeout=30)


def test_a_command_reads_through_the_reader_with_the_same_answers(
    served: Path, forbid_open: Callable[[], None]
) -> None:
    expected = EmbeddedStore(served).query("MATCH (b:Brand) RETURN b.name AS name, b.registered AS day, b AS node")
    forbid_open()
    store = EmbeddedStore(served, reader=True)
    answer = store.query("MATCH (b:Brand) RETURN b.name AS name, b.registered AS day, b AS node")
    assert answer.to_dict("records") == expected.to_dict("records")
    assert answer.iloc[0]["day"] == dt.date(2019, 5, 1)
    assert store.counts().labels == {"Brand": 1}


def test_the_reader_serves_what_another_process_saved(served: Path) -> None:
    store = EmbeddedStore(served, reader=True)
    assert store.counts().nodes == 1
    EmbeddedStore(served).upsert_nodes([NodeRecord(("Brand",), "BR-2", {"id": "BR-2", "name": "Bolt"})])
    assert sorted(store.query("MATCH (b:Brand) RETURN b.name AS name")["name"]) == ["Acme", "Bolt"]


def test_the_reader_refuses_writes_and_errors_read_as_the_stores_own(served: Path) -> None:
    remote = RemoteGraph(reader_address(served), fallback=lambda: pytest.fail("fell back"))
    with pytest.raises(kglite.KgError):
        remote.cypher("CREATE (b:Brand {id: 'BR-9', name: 'Forged'}) RETURN b")
    assert EmbeddedStore(served).counts().nodes == 1
    with pytest.raises(QueryError, match="syntax"):
        EmbeddedStore(served, reader=True).query("MATCH (b:Brand RETURN b")


def test_a_reader_that_went_away_leaves_the_command_on_its_own_copy(served: Path) -> None:
    store = EmbeddedStore(served, reader=True)
    assert store.counts().nodes == 1
    assert stop_reader(served)
    assert store.query("MATCH (b:Brand) RETURN b.name AS name")["name"].tolist() == ["Acme"]


def test_an_answer_that_is_not_plain_data_is_never_unpickled(graph_file: Path, tmp_path: Path) -> None:
    """Something else listening at the reader's address cannot make a command run code."""
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return os.system, (f"touch {marker}",)

    address = reader_address(graph_file)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen()

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            payload = pickle.dumps(("ok", Evil()))
            connection.sendall(struct.pack(">Q", len(payload)) + payload)

    threading.Thread(target=answer, daemon=True).start()
    try:
        store = EmbeddedStore(graph_file, reader=True)
        assert store.query("MATCH (b:Brand) RETURN b.name AS name")["name"].tolist() == ["Acme"]
    finally:
        listener.close()
        address.unlink(missing_ok=True)
    assert not marker.exists()


def test_a_command_starts_a_reader_for_a_large_file_and_never_opens_it_itself(
    graph_file: Path, monkeypatch: pytest.MonkeyPatch, forbid_open: Callable[[], None]
) -> None:
    monkeypatch.setenv("KG_READER_IDLE", "3")
    forbid_open()
    assert EmbeddedStore(graph_file, reader=True).query("MATCH (b:Brand) RETURN b.name AS name")["name"][0] == "Acme"
    assert reader_address(graph_file).exists()
    assert EmbeddedStore(graph_file, reader=True).counts().nodes == 1  # the same reader
    _wait_for(lambda: not reader_address(graph_file).exists(), "the idle reader to leave", timeout=30)


def test_a_reader_started_ahead_serves_the_next_command_and_stops_on_request(
    graph_file: Path, monkeypatch: pytest.MonkeyPatch, forbid_open: Callable[[], None]
) -> None:
    monkeypatch.setenv("KG_READER_IDLE", "60")
    assert start_reader(graph_file)
    _wait_for(lambda: reader_status(graph_file) is not None, "the reader to take the file")
    assert not start_reader(graph_file)  # one reader per file: it is opening or serving it
    _wait_for(lambda: reader_address(graph_file).exists(), "the reader to open the file")
    status = reader_status(graph_file)
    assert status is not None and status["state"] == "serving" and status["memory_mb"] > 0
    forbid_open()
    assert EmbeddedStore(graph_file, reader=True).query("MATCH (b:Brand) RETURN b.name AS name")["name"][0] == "Acme"
    assert reader_status(graph_file)["pid"] == status["pid"]  # the same reader answered
    warned = EmbeddedStore(graph_file, reader=True).query("MATCH (n:Nowhere) RETURN n.name AS name")
    assert any("Nowhere" in note for note in warned.attrs["notes"])  # with the answer, not in the log
    assert stop_reader(graph_file)
    assert reader_status(graph_file) is None and not reader_address(graph_file).exists()
    assert not reader_address(graph_file).with_suffix(".log").exists()  # it had nothing to say


def test_a_socket_left_by_a_killed_reader_does_not_stop_the_next_one(
    graph_file: Path, monkeypatch: pytest.MonkeyPatch, forbid_open: Callable[[], None]
) -> None:
    monkeypatch.setenv("KG_READER_IDLE", "60")
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(str(reader_address(graph_file)))  # what a reader killed with SIGKILL leaves
    left.close()
    assert reader_status(graph_file) is None
    assert start_reader(graph_file)
    _wait_for(lambda: (reader_status(graph_file) or {}).get("state") == "serving", "the new reader to open the file")
    forbid_open()
    assert EmbeddedStore(graph_file, reader=True).query("MATCH (b:Brand) RETURN b.name AS name")["name"][0] == "Acme"
    assert stop_reader(graph_file)


def test_a_load_leaves_a_reader_holding_its_save_for_the_next_command(
    cli: Callable[..., Ran], tmp_path: Path, forbid_open: Callable[[], None]
) -> None:
    folder, graph = tmp_path / "demo", tmp_path / "loaded.kgl"
    write_admin_csv(generate(2, seed=5), folder)
    env = {"GRAPH_DB": str(graph), "KG_WORKSPACE": str(tmp_path / "ws.sqlite"), "KG_READER_IDLE": "60"}
    assert cli(env, "ingest", str(folder)).returncode == 0
    try:
        _wait_for(lambda: reader_address(graph).exists(), "the reader a load starts to open its save")
        forbid_open()
        counted = EmbeddedStore(graph, reader=True).query("MATCH (c:`Case`) RETURN count(c) AS n")["n"][0]
        assert counted == sum(1 for _ in open(folder / "nodes.Case.csv")) - 1  # less the header
    finally:
        stop_reader(graph)


def test_no_reader_is_started_when_readers_are_off(graph_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_READER", "off")
    assert EmbeddedStore(graph_file, reader=True).query("MATCH (b:Brand) RETURN b.name AS name")["name"][0] == "Acme"
    time.sleep(2)
    assert not reader_address(graph_file).exists()


def test_a_projection_through_the_reader_is_the_one_read_type_by_type(served: Path) -> None:
    """The reader hands every relationship over at once (KGLite's export); the projection
    is the one Cypher reads type by type, scope and weights included."""
    load(EmbeddedStore(served), generate(6, seed=2))
    scope = Scope(labels=("SalesChannel", "Product", "PaymentAccount"), weights={"PAID_VIA": 3.0})
    served_steps, typed_steps = RecordingProgress(), RecordingProgress()
    through = project(EmbeddedStore(served, reader=True), scope, progress=served_steps)
    by_type = EmbeddedStore(served)
    by_type.relationship_ends = lambda: None  # type: ignore[method-assign]
    expected = project(by_type, scope, progress=typed_steps)
    assert not any(what.startswith("reading relationships (") for what in served_steps.seen)
    assert any(what.startswith("reading relationships (") for what in typed_steps.seen)
    assert through.keys == expected.keys and through.edge_count > 0
    for mine, theirs in ((through.sources, expected.sources), (through.targets, expected.targets)):
        assert mine.tolist() == theirs.tolist()
    assert through.weights.tolist() == expected.weights.tolist() and 3.0 in through.weights
