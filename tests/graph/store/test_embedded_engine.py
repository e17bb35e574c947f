"""What only the embedded store needs: one file, one writer at a time, fresh reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graph.records import NodeRecord
from graph.store.embedded_engine import EmbeddedStore

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
