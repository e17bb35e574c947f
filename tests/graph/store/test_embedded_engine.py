"""What only the embedded store needs: one file, one writer at a time, fresh reads."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.records import NodeRecord, RelationshipRecord
from graph.store import embedded_engine as engine
from graph.store.embedded_engine import EmbeddedStore, StoreBusy

ROOT = Path(__file__).resolve().parents[3]
WRITER = """
import sys
from graph.store.embedded_engine import EmbeddedStore
from graph.records import NodeRecord
store = EmbeddedStore(sys.argv[1])
nodes = [NodeRecord(("Person",), f"P-{i:04d}", {"id": f"P-{i:04d}", "name": f"P {i}"}, source=sys.argv[2])
         for i in range(2000)]
for _ in range(3):
    store.upsert_nodes(nodes)
"""


def test_two_processes_loading_at_once_make_no_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"loader-{i}"], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for i in range(2)
    ]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
    store = EmbeddedStore(path)
    assert store.counts().labels == {"Person": 2000}
    sources = store.query("MATCH (p:Person {id: 'P-0001'}) RETURN p.sources AS s").iloc[0]["s"]
    assert sorted(sources) == ["loader-0", "loader-1"]


def test_a_reader_sees_another_store_objects_writes(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    reader, writer = EmbeddedStore(path), EmbeddedStore(path)
    assert reader.counts().nodes == 0
    writer.upsert_nodes([NodeRecord(("Brand",), "BR-1", {"id": "BR-1", "name": "Acme"})])
    assert reader.counts().nodes == 1
    assert path.exists()


def test_writes_in_one_session_are_saved_together(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    store = EmbeddedStore(path)
    with store.writing():
        store.upsert_nodes([NodeRecord(("Brand",), "BR-1", {"id": "BR-1", "name": "Acme"})])
        store.upsert_nodes([NodeRecord(("Brand",), "BR-2", {"id": "BR-2", "name": "Bolt"})])
        assert store.counts().nodes == 2  # the writer reads its own writes
    assert EmbeddedStore(path).counts().nodes == 2


HOLDER = """
import sys, time
from graph.records import NodeRecord
from graph.store.embedded_engine import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
with store.writing():
    store.upsert_nodes([NodeRecord(("Brand",), "BR-UNSAVED", {"name": "never saved"})])
    print("holding", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A graph file with one saved brand, whose write lease another process holds
    (in the middle of a writing session) until the test kills it."""
    path = tmp_path / "graph.kgl"
    EmbeddedStore(path).upsert_nodes([NodeRecord(("Brand",), "BR-1", {"name": "Acme"})])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "holding\n", holder.stderr.read()
    yield path, holder
    holder.kill()
    holder.wait()


def test_a_second_writer_says_who_holds_the_file_and_changes_nothing(
    held: tuple[Path, subprocess.Popen[str]], caplog: pytest.LogCaptureFixture
) -> None:
    path, holder = held
    second = EmbeddedStore(path, lock_timeout=0.5)
    with pytest.raises(StoreBusy, match=rf"being written by another process \(pid {holder.pid}, since .*0\.5 s"):
        second.upsert_nodes([NodeRecord(("Brand",), "BR-2", {"name": "Bolt"})])
    assert [record.getMessage().split(": ")[-1] for record in caplog.records] == ["waiting up to 0.5 s"]
    assert EmbeddedStore(path).counts().labels == {"Brand": 1}


def test_a_lease_left_by_a_killed_writer_is_taken_at_once(held: tuple[Path, subprocess.Popen[str]]) -> None:
    path, holder = held
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    EmbeddedStore(path, lock_timeout=5).upsert_nodes([NodeRecord(("Brand",), "BR-2", {"name": "Bolt"})])
    assert time.monotonic() - started < 5
    keys = {row["key"] for row in EmbeddedStore(path).read("MATCH (b:Brand) RETURN b._kg_key AS key")}
    assert keys == {"BR-1", "BR-2"}  # the killed session's write never landed


def test_a_copy_left_half_saved_by_a_killed_writer_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    store = EmbeddedStore(path)
    store.upsert_nodes([NodeRecord(("Brand",), "BR-1", {"name": "Acme"})])
    killed = subprocess.Popen(["true"])  # a writer's pid that no process holds any more
    killed.wait()
    litter = tmp_path / f"graph.kgl.tmp.{killed.pid}.0"
    litter.write_bytes(b"\0" * 4096)  # what KGLite was writing when its process was killed
    store.upsert_nodes([NodeRecord(("Brand",), "BR-2", {"name": "Bolt"})])
    assert not litter.exists()
    assert EmbeddedStore(path).counts().labels == {"Brand": 2}


def test_a_copy_another_live_process_is_writing_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "graph.kgl"
    store = EmbeddedStore(path)
    store.upsert_nodes([NodeRecord(("Brand",), "BR-1", {"name": "Acme"})])
    with subprocess.Popen(["sleep", "30"]) as living:
        try:
            in_progress = tmp_path / f"graph.kgl.tmp.{living.pid}.0"
            in_progress.write_bytes(b"\0" * 4096)
            store.upsert_nodes([NodeRecord(("Brand",), "BR-2", {"name": "Bolt"})])
            assert in_progress.exists()
        finally:
            living.kill()


BATCHES = """
import sys
from graph.records import NodeRecord
from graph.store.embedded_engine import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
for batch in range(30):
    with store.writing():
        for i in range(50):
            store.upsert_nodes([NodeRecord(("Person",), f"P-{batch}-{i}", {"name": f"P {batch} {i}"})])
"""


def test_a_reader_sees_only_whole_writing_sessions(tmp_path: Path) -> None:
    """Each session of the writer adds 50 people; a reader in another process never
    sees a part of one, nor fewer people than before."""
    path = tmp_path / "graph.kgl"
    EmbeddedStore(path).upsert_nodes([NodeRecord(("Brand",), "BR-1", {"name": "Acme"})])
    writer = subprocess.Popen([sys.executable, "-c", BATCHES, str(path)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    reader, seen = EmbeddedStore(path), []
    while writer.poll() is None:
        seen.append(reader.counts().labels.get("Person", 0))
    assert writer.wait() == 0, writer.stderr.read()
    seen.append(reader.counts().labels["Person"])
    assert all(count % 50 == 0 for count in seen), sorted(set(seen))
    assert seen == sorted(seen) and seen[-1] == 1500 and len(set(seen)) > 2


def test_names_indexed_as_written_stay_whole_when_a_node_follows_relationships(tmp_path: Path) -> None:
    """A session on an empty graph indexes names as it writes nodes and builds the index
    once relationships begin; a node written after that is still found."""
    store = EmbeddedStore(tmp_path / "graph.kgl")
    with store.writing():
        store.upsert_nodes([NodeRecord(("Person",), "p1", {"id": "p1", "name": "Ann"})])
        store.upsert_nodes([NodeRecord(("Company",), "c1", {"id": "c1", "name": "Acme"})])
        store.upsert_relationships([RelationshipRecord("OWNS", "p1", "c1")])
        store.upsert_nodes([NodeRecord(("Person",), "p2", {"id": "p2", "name": "Cyd Late"})])
    assert list(store.search("cyd")["key"]) == ["p2"] and list(store.search("acme")["key"]) == ["c1"]


def test_a_writer_opened_ahead_takes_the_next_session_and_one_closed_aside_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(engine, "READER_FROM", 0)  # every file counts as large: its writer closes aside
    path = tmp_path / "graph.kgl"
    brand = [NodeRecord(("Brand",), f"BR-{i}", {"id": f"BR-{i}", "name": f"Brand {i}"}) for i in range(5)]
    EmbeddedStore(path).upsert_nodes(brand[:1])
    store = EmbeddedStore(path, lock_timeout=5)
    with store.writes_ahead():  # as a command that will write once its analysis is done
        assert store.counts().labels == {"Brand": 1}  # its reads go on from the last save meanwhile
        store.upsert_nodes(brand[1:2])
    EmbeddedStore(path, lock_timeout=5).upsert_nodes(brand[2:3])  # waits for our close, not a lease
    with store.writes_ahead():
        pass  # cancelled before its write: the lease goes back, nothing is saved
    EmbeddedStore(path, lock_timeout=5).upsert_nodes(brand[3:4])
    unused = EmbeddedStore(path, lock_timeout=5)
    unused.writes_ahead().__enter__()
    unused.close()  # the store closed inside the block lets the writer go too
    EmbeddedStore(path, lock_timeout=5).upsert_nodes(brand[4:5])
    assert not [record for record in caplog.records if "waiting" in record.getMessage()]
    assert EmbeddedStore(path).counts().labels == {"Brand": 5}
