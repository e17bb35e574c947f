"""Analyses in the Neo4j server (Graph Data Science) against the same analyses in this
process, on the same Neo4j graph, in the same run.

    python bench/gds.py [--truth DIR/truth/rings.csv] [--paths 20] [--seed 42]
    python bench/gds.py --scale 1000000 [--csv DIR] [--home DIR] [--heap 4g] [--pagecache 2g]
                        [--load-only | --only communities,keyplayers,paths]

Without ``--scale`` the server is the one ``NEO4J_URI`` (or ``.env``) names; it must have
GDS and hold a graph (``python -m ingest demo --scale 100000 --out DIR && python -m ingest
DIR``). With ``--scale`` the bench starts the project's own server (``devserver``, GDS
installed) in ``--home`` with the heap and page cache given, and loads the demo at that
scale (``--csv``, else generated into the home) with ``neo4j-admin database import``, each
file's ``:ID`` as the node's key as our ingest keeps it, plus the key constraints our
ingest creates; a home already loaded with the same files is used as it is, so a long run
can load once (``--load-only``) and measure in later runs.

For each analysis it prints the seconds in this process (the reference: the projection
streamed out of Neo4j, then the compiled libraries), the seconds in the server, their
ratio (in-process / server: above 1, the server is faster), how far they agree, and
where each one's time went (step by step, as its progress reports them):

* communities with their defaults (Leiden at the resolution chosen from the data); NMI
  between the two partitions, and against the generator's rings (``--truth``, or the
  demo's own): NMI, the largest community and the most rings whose cases share one;
* key players (``--top``, 20): the overlap of the two top lists;
* paths between ``--paths`` random pairs of storefronts: the store's own search (from both
  ends, level by level) against one ``allShortestPaths`` query; how many agree.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench.communities import rings_per_community  # noqa: E402
from devserver.neo4j_server import Neo4jServer, free_port  # noqa: E402
from graph.analysis import gds  # noqa: E402
from graph.analysis.communities import nmi  # noqa: E402
from graph.model import KEY, quote  # noqa: E402
from graph.progress import Progress  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.store.neo4j_engine import Neo4jStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANALYSES = ("communities", "keyplayers", "paths")
T = TypeVar("T")


class Steps(Progress):
    """Seconds spent in each step the work reports (from one report to the next)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[str, float] = {}
        self._step: str | None = None
        self._since = time.perf_counter()

    def show(self, what: str, done: float | None, total: float | None) -> None:
        self.stop()
        self._step = what.split(" (")[0] if what.startswith("reading") else what

    def stop(self) -> None:
        """The step under way ends now."""
        now = time.perf_counter()
        if self._step is not None:
            self.seconds[self._step] = self.seconds.get(self._step, 0.0) + now - self._since
        self._step, self._since = None, now

    def said(self) -> str:
        return "; ".join(f"{step} {seconds:.1f} s" for step, seconds in self.seconds.items() if seconds >= 0.05)


def timed(work: Callable[[Steps], T]) -> tuple[float, T, Steps]:
    steps = Steps()
    started = time.perf_counter()
    done = work(steps)
    steps.stop()
    return time.perf_counter() - started, done, steps


def row(what: str, here: float, there: float, agreement: str, steps: tuple[Steps, Steps] | None = None) -> None:
    print(f"{what:<34} {here:>9.2f} s {there:>9.2f} s {here / there:>8.2f}x   {agreement}", flush=True)
    for where, taken in zip(("in process", "in server"), steps or (), strict=False):
        print(f"    {where}: {taken.said()}", flush=True)


# -- the demo in a server of our own ----------------------------------------------------------


def demo_folder(scale: int, csv_folder: Path | None, home: Path) -> Path:
    """The demo's CSV: the folder given, else generated at ``scale`` into the home."""
    if csv_folder is not None:
        return csv_folder.resolve()
    folder = home / "demo"
    if not (folder / "truth" / "rings.csv").exists():
        argv = [sys.executable, "-m", "ingest", "demo", "--scale", str(scale), "--out", str(folder)]
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return folder


def keyed_copy(source: Path, target: Path) -> str:
    """``source`` with its ``:ID`` column renamed to our key property; says whether it
    holds nodes or relationships (``"nodes"``, ``"relationships"``)."""
    with open(source, newline="", encoding="utf-8") as reading:
        header = next(csv.reader([reading.readline()]))
        if any(column.startswith(":START_ID") for column in header):
            shutil.copyfile(source, target)
            return "relationships"
        ids = [i for i, column in enumerate(header) if column.split(":")[-1] == "ID"]
        if len(ids) != 1:
            raise SystemExit(f"error: {source}: row 1 must have one ':ID' column (ID spaces are not taken here)")
        header[ids[0]] = f"{KEY}:ID"
        with open(target, "w", newline="", encoding="utf-8") as writing:
            csv.writer(writing, lineterminator="\n").writerow(header)
            shutil.copyfileobj(reading, writing, 1 << 20)
    return "nodes"


def load(server: Neo4jServer, folder: Path) -> None:
    """The demo's files into the stopped server (neo4j-admin import), then the key
    constraints our ingest makes, one per label."""
    staging = server.home / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    files: dict[str, list[Path]] = {"nodes": [], "relationships": []}
    for source in sorted(folder.glob("*.csv")):
        files[keyed_copy(source, staging / source.name)].append(staging / source.name)
    server.import_csv(files["nodes"], files["relationships"])
    shutil.rmtree(staging)
    server.start()
    store = Neo4jStore(server.uri, server.username, server.password)
    try:
        for label in store.labels_in_store():
            store._ensure_key_constraint(label)
    finally:
        store.close()


@contextmanager
def demo_server(args: argparse.Namespace) -> Iterator[tuple[Neo4jServer, Path]]:
    """The home's server, loaded with the demo at ``--scale`` (once), running; and the
    demo's folder."""
    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    folder = demo_folder(args.scale, args.csv, home)
    server = Neo4jServer(home / "neo4j", port=free_port(), heap=args.heap, pagecache=args.pagecache)
    marker = home / "loaded"
    try:
        if marker.exists() and marker.read_text() == str(folder):
            server.start(timeout=300)
        else:
            marker.unlink(missing_ok=True)
            started = time.perf_counter()
            load(server, folder)
            marker.write_text(str(folder))
            print(f"loaded {folder} with neo4j-admin import in {time.perf_counter() - started:.1f} s", flush=True)
        yield server, folder
    finally:
        server.stop()


# -- the measures -------------------------------------------------------------------------


def rings(path: Path) -> dict[str, int]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {line["id"]: int(line["ring"]) for line in csv.DictReader(handle)}


def how_good(ran: gds.Ran, truth: Mapping[str, int]) -> str:
    membership = ran.result.membership
    largest = int(np.bincount(np.fromiter(membership.values(), np.int64, len(membership))).max())
    rings_shared = rings_per_community(ran.projection, truth, membership)
    return f"NMI {nmi(truth, membership):.3f}, largest {largest:,}, rings/community {rings_shared}"


def communities(store: Neo4jStore, truth: Mapping[str, int] | None, seed: int) -> None:
    here_s, here, here_steps = timed(lambda p: gds.find_communities(store, seed=seed, in_process=True, progress=p))
    there_s, there, there_steps = timed(lambda p: gds.find_communities(store, seed=seed, progress=p))
    agreement = f"NMI {nmi(here.result.membership, there.result.membership):.3f}"
    agreement += f", resolution {here.result.resolution:g} / {there.result.resolution:g}"
    if truth:
        agreement += f"; vs rings: in process {how_good(here, truth)}; server {how_good(there, truth)}"
    row("communities", here_s, there_s, agreement, (here_steps, there_steps))


def key_players(store: Neo4jStore, top: int, seed: int) -> None:
    here_s, (here, method), here_steps = timed(
        lambda p: gds.find_key_players(store, limit=top, seed=seed, in_process=True, progress=p)
    )
    there_s, (there, _), there_steps = timed(lambda p: gds.find_key_players(store, limit=top, seed=seed, progress=p))
    overlap = len(set(here["key"][:top]) & set(there["key"][:top]))
    agreement = f"top {top} share {overlap}; betweenness {method['betweenness']}"
    row("key players", here_s, there_s, agreement, (here_steps, there_steps))


def paths(store: Neo4jStore, count: int, seed: int) -> None:
    keys = sorted(found["key"] for found in store.read(f"MATCH (n:{quote('SalesChannel')}) RETURN n.{KEY} AS key"))
    pairs = [tuple(random.Random(seed + i).sample(keys, 2)) for i in range(count)]
    here_s = there_s = 0.0
    same = 0
    for start, end in pairs:
        began = time.perf_counter()
        found = store.shortest_paths(start, end, max_hops=6, limit=10)
        here_s += time.perf_counter() - began
        began = time.perf_counter()
        mine = gds.paths_in_server(store, start, end, max_hops=6, limit=10)
        there_s += time.perf_counter() - began
        same += list(found) == mine
    row(f"paths ({len(pairs)} pairs of storefronts)", here_s, there_s, f"{same} of {len(pairs)} the same")


def measure(store: Neo4jStore, truth: Mapping[str, int] | None, args: argparse.Namespace) -> None:
    counts = store.counts()
    print(f"Neo4j at {store.where}, GDS {gds.available(store)}: {counts.nodes:,} nodes, {counts.relationships:,} links")
    print(f"{'':<34} {'in process':>11} {'in server':>11} {'ratio':>9}   agreement", flush=True)
    if "communities" in args.only:
        communities(store, truth, args.seed)
    if "keyplayers" in args.only:
        key_players(store, args.top, args.seed)
    if "paths" in args.only and args.paths:
        paths(store, args.paths, args.seed)


def _analyses(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ANALYSES))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}; use some of {', '.join(ANALYSES)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, help="the demo's truth/rings.csv (node id, ring)")
    parser.add_argument("--paths", type=int, default=20, help="random pairs of storefronts to join")
    parser.add_argument("--top", type=int, default=20, help="key players compared")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", type=_analyses, default=list(ANALYSES), help=f"some of {','.join(ANALYSES)}")
    parser.add_argument("--scale", type=int, help="load the demo at this scale into a server of our own")
    parser.add_argument("--csv", type=Path, help="with --scale: the demo's CSV folder (else generated)")
    parser.add_argument("--home", type=Path, default=ROOT / "data" / "bench-gds", help="with --scale: kept server home")
    parser.add_argument("--heap", default="4g", help="with --scale: the server's Java heap")
    parser.add_argument("--pagecache", default="2g", help="with --scale: the server's page cache")
    parser.add_argument("--load-only", action="store_true", help="with --scale: load, then stop")
    args = parser.parse_args(argv)
    if args.scale is None:
        store = open_store()
        if not isinstance(store, Neo4jStore) or gds.available(store) is None:
            print("error: NEO4J_URI must name a Neo4j server with Graph Data Science", file=sys.stderr)
            return 2
        measure(store, rings(args.truth) if args.truth else None, args)
        store.close()
        return 0
    with demo_server(args) as (server, folder):
        if args.load_only:
            return 0
        store = Neo4jStore(server.uri, server.username, server.password)
        measure(store, rings(args.truth or folder / "truth" / "rings.csv"), args)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
