"""Reads while a load writes, on the embedded store: 20 read commands at once.

    python bench/concurrency.py [--scale 20000] [--readers 20] [--seed 7]

Loads the demo network at ``--scale`` into a fresh graph file, then keeps ``--readers``
``python -m graph counts`` commands running at once (each a process of its own, as
analysts would run them), first with nothing writing (the reference), then while
``python -m ingest`` loads the demo at twice the scale into the same file. It prints the
read latency under the load as a ratio to the idle one (same run, same commands), and
checks what the issue promises:

* no read fails, and every read sees a whole state: the graph before the load or after
  it, never part of it (the embedded store saves a load at once);
* no write is lost: afterwards the counts equal those of the same two loads into a
  separate file with nobody reading, and the workspace records every file finished.

Exit status 1 if any of that fails.

Measured at the defaults on a shared 2-core machine (2026-11-29): 245 reads during a
574 s load of 32 files (20,048 -> 42,780 nodes): none failed, 225 saw the graph before
the load and 20 after it, none part of it; counts equal the reference; read latency
under the load / idle = 2.25 (median; the readers and the load share the two cores).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.store.embedded_engine import EmbeddedStore  # noqa: E402
from graph.workspace import Workspace  # noqa: E402
from ingest.demo import NODES_PER_RING, generate, write_admin_csv  # noqa: E402
from ingest.loader import load_paths  # noqa: E402

State = tuple[int, int]  # nodes, relationships


def _demo(folder: Path, scale: int, seed: int) -> Path:
    write_admin_csv(generate(max(1, scale // NODES_PER_RING), seed), folder)
    return folder


def _state(store: EmbeddedStore) -> State:
    counts = store.counts()
    return counts.nodes, counts.relationships


def _read(env: dict[str, str]) -> tuple[float, State | None, str]:
    """One read command: its latency, the state it saw, and its error if it failed."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "graph", "counts", "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    latency = time.perf_counter() - started
    if done.returncode:
        return latency, None, done.stderr.strip()[-300:]
    totals = {row["name"]: row["count"] for row in json.loads(done.stdout) if row["kind"] == "total"}
    return latency, (totals["nodes"], totals["relationships"]), ""


def _readers(env: dict[str, str], count: int, until: threading.Event | None, reads: int) -> list:
    """``count`` threads each running read commands one after another: until ``until``
    is set (at least one each), or ``reads`` each when it is None."""
    results: list = []

    def work() -> None:
        for done in range(1, sys.maxsize):
            results.append(_read(env))
            if until.is_set() if until is not None else done >= reads:
                break

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _latencies(results: list) -> str:
    values = sorted(latency for latency, _, _ in results)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"median {statistics.median(values):.2f} s, p95 {p95:.2f} s over {len(values)} reads"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20000, help="about how many nodes the graph starts with")
    parser.add_argument("--readers", type=int, default=20, help="read commands running at once")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-concurrency-") as tmp:
        root = Path(tmp)
        first = _demo(root / "first", args.scale, args.seed)
        second = _demo(root / "second", 2 * args.scale, args.seed + 1)
        reference = EmbeddedStore(root / "reference.kgl")
        load_paths(reference, [first])
        load_paths(reference, [second])
        expected = _state(reference)

        graph = root / "graph.kgl"
        store = EmbeddedStore(graph)
        load_paths(store, [first])
        before = _state(store)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_", "GRAPH_DB"))}
        env.update(GRAPH_DB=str(graph), KG_WORKSPACE=str(root / "workspace.sqlite"))
        env.update(KG_AUDIT_LOG=str(root / "audit.jsonl"), KG_USER_QUERIES=str(root / "queries"))

        idle = _readers(env, args.readers, None, reads=2)
        stop = threading.Event()
        load = subprocess.Popen(
            [sys.executable, "-m", "ingest", str(second), "--rejects", str(root / "rejects.csv")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=lambda: (load.wait(), stop.set()), daemon=True).start()
        started = time.perf_counter()
        busy = _readers(env, args.readers, stop, reads=0)
        loaded_in = time.perf_counter() - started
        after = _state(EmbeddedStore(graph))
        runs = Workspace(root / "workspace.sqlite").records("ingest_runs")

    errors = [error for _, _, error in idle + busy if error]
    seen = [state for _, state, _ in busy if state is not None]
    torn = sorted({state for state in seen if state not in (before, after)})
    unfinished = [run["name"] for run in runs if run["status"] != "finished"]
    ratio = statistics.median(r[0] for r in busy) / statistics.median(r[0] for r in idle)
    print(f"embedded store, {args.readers} read commands at once ({before[0]:,} nodes, {before[1]:,} relationships)")
    print(f"  idle:        {_latencies(idle)}")
    print(f"  under write: {_latencies(busy)}, while python -m ingest loaded {len(runs)} files in {loaded_in:.1f} s")
    print(f"  ratio of median read latency under write / idle: {ratio:.2f}")
    print(f"  reads that failed: {len(errors)}{' (' + errors[0] + ')' if errors else ''}")
    print(f"  states seen: before {seen.count(before)}, after {seen.count(after)}, part of the load {len(torn)}")
    print(
        f"  after the load: {after[0]:,} nodes, {after[1]:,} relationships (reference {expected[0]:,}, {expected[1]:,})"
    )
    lost = after != expected or load.returncode != 0 or unfinished
    if lost:
        print(f"  LOST WRITES: load exit {load.returncode} {load.stderr.read()[-300:]}, unfinished {unfinished}")
    return 1 if errors or torn or lost else 0


if __name__ == "__main__":
    sys.exit(main())
