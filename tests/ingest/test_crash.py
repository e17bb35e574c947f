"""kill -9 of ``python -m ingest`` at several moments, on both stores: the graph holds
each file whole or not at all unless the workspace keeps an unfinished record of it
(saying how far it got), the embedded file still opens, and loading again completes
the graph exactly, without duplicates."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.records import Counts
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, write_admin_csv
from ingest.history import UNFINISHED
from ingest.loader import load_paths
from tests.conftest import Ran

ROOT = Path(__file__).resolve().parents[2]
RINGS = 16  # about 600 nodes and 2,700 relationships in 32 files: a few seconds on Neo4j

#: A moment to kill the load at, read from the load records it keeps in the workspace.
Moment = Callable[[list[dict]], bool]


def _started(name: str) -> Moment:
    return lambda runs: any(run["name"].startswith(name) and run["status"] == "started" for run in runs)


def _partly_committed(name: str) -> Moment:
    """The file (which Neo4j loads in several transactions) has committed some of them."""
    return lambda runs: any(run["name"] == name and run["status"] == "started" and run["committed"] for run in runs)


def _finished_any(runs: list[dict]) -> bool:
    return any(run["status"] == "finished" for run in runs)


MOMENTS: dict[str, list[Moment]] = {
    "embedded": [_started("nodes."), _started("relationships.SELLS"), _finished_any],
    "neo4j": [_started("nodes."), _partly_committed("relationships.INVOLVES.csv"), _started("relationships.SELLS")],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_admin_csv(generate(RINGS, seed=7), folder)
    return folder


@pytest.fixture(scope="module")
def complete(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Counter[str], Counts]:
    """What an uninterrupted load leaves: the rows of each file in the graph, and the counts."""
    store = EmbeddedStore(tmp_path_factory.mktemp("reference") / "graph.kgl")
    load_paths(store, [demo])
    return _rows_per_file(store), store.counts()


def _rows_per_file(store: GraphStore) -> Counter[str]:
    """How many rows of each file the graph holds, from the provenance of every node and
    relationship (``file:row``)."""
    sources = {
        row["source"]
        for statement in ("MATCH (n) UNWIND n.sources AS source RETURN source",
                          "MATCH ()-[r]->() UNWIND r.sources AS source RETURN source")
        for row in store.read(statement)
    }  # fmt: skip
    return Counter(source.rsplit(":", 1)[0] for source in sources)


def _kill_at(moment: Moment, env: dict[str, str], demo: Path, workspace: Workspace) -> None:
    """Start ``python -m ingest`` and kill -9 it as soon as the moment comes: it is
    stopped while its records are read, so it dies in the state they show."""
    workspace.add("ingest_runs", [])
    # kept open, so the load closing its connection never checkpoints the log away under
    # a lock that it would hold while stopped
    keeper = sqlite3.connect(workspace.path)
    keeper.execute("SELECT count(*) FROM ingest_runs").fetchall()
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", str(demo), "--rejects", str(workspace.path.parent / "rejects.csv")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        process.send_signal(signal.SIGSTOP)
        if moment(workspace.records("ingest_runs")):
            break
        process.send_signal(signal.SIGCONT)
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    keeper.close()
    _, stderr = process.communicate()
    assert process.returncode == -signal.SIGKILL, f"the load ended before the kill point: {stderr.decode()}"


def _assert_whole_files_or_recorded(store: GraphStore, workspace: Workspace, expected: Counter[str]) -> set[str]:
    """Check the graph against the load records after a kill; return the files found in part."""
    present = _rows_per_file(fresh(store))
    runs = workspace.records("ingest_runs")
    unfinished = {run["name"] for run in runs if run["status"] == "started"}
    partial = {name for name, rows in expected.items() if 0 < present[name] < rows}
    assert partial <= unfinished, f"{sorted(partial - unfinished)}: part of the file and no record of a cut"
    for run in runs:
        if run["status"] == "started":
            assert present[run["name"]] >= run["committed"], f"{run['name']}: the record claims more than the graph"
            assert (run["loaded"], run["problem"]) == (0, UNFINISHED)  # what the overview shows
        if run["status"] == "finished":
            assert present[run["name"]] == expected[run["name"]], f"{run['name']} is recorded finished"
    return partial


def fresh(store: GraphStore) -> GraphStore:
    """The embedded store as a new process opens it (the file must still open)."""
    return EmbeddedStore(store.path) if isinstance(store, EmbeddedStore) else store


def test_a_killed_load_leaves_whole_files_or_a_record_and_loading_again_completes_it(
    store: GraphStore,
    store_env: dict[str, str],
    demo: Path,
    complete: tuple[Counter[str], Counts],
    workspace: Workspace,
    cli: Callable[..., Ran],
) -> None:
    expected, counts = complete
    embedded = isinstance(store, EmbeddedStore)
    partial: set[str] = set()
    for moment in MOMENTS["embedded" if embedded else "neo4j"]:
        _kill_at(moment, store_env, demo, workspace)
        partial |= _assert_whole_files_or_recorded(store, workspace, expected)
    # the embedded store saves a load whole; Neo4j was cut inside a file of several transactions
    assert not partial if embedded else partial
    assert any(run["status"] == "started" for run in workspace.records("ingest_runs"))

    assert cli(store_env, "ingest", str(demo)).returncode == 0
    assert _rows_per_file(fresh(store)) == expected
    assert fresh(store).counts() == counts
    [[distinct]] = [row.values() for row in store.read("MATCH (n) RETURN count(DISTINCT n._kg_key) AS keys")]
    assert distinct == counts.nodes
    statuses = Counter(run["status"] for run in workspace.records("ingest_runs"))
    assert statuses["finished"] >= len(expected) and not statuses["started"]


def test_a_mapped_load_records_each_file_finished_with_what_it_committed(
    store: GraphStore, store_env: dict[str, str], workspace: Workspace, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    examples = ROOT / "ingest" / "examples"
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "seizures.csv").write_bytes((examples / "customs_seizures.csv").read_bytes())
    (folder / "loop.csv").symlink_to(folder / "loop.csv")  # never written: recorded with its problem
    done = cli(store_env, "ingest", str(folder), "--mapping", str(examples / "customs_seizures.yaml"))
    assert done.returncode == 0, done.stderr
    runs = {run["name"]: run for run in workspace.records("ingest_runs")}
    assert {name: run["status"] for name, run in runs.items()} == {"seizures.csv": "finished", "loop.csv": "finished"}
    loaded = runs["seizures.csv"]
    assert loaded["problem"] == "" and loaded["committed"] == loaded["created"] + loaded["updated"] > 0
    assert runs["loop.csv"]["problem"] and runs["loop.csv"]["committed"] == 0
