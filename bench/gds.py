"""Analyses in the Neo4j server (Graph Data Science) against the same analyses in this
process, on the same Neo4j graph, in the same run.

    python bench/gds.py [--truth DIR/truth/rings.csv] [--paths 20] [--seed 42]

The server is the one ``NEO4J_URI`` (or ``.env``) names; it must have GDS and hold a
graph (``python -m ingest demo --scale 100000 --out DIR && python -m ingest DIR``). For
each analysis it prints the seconds in this process (the reference: the projection
streamed out of Neo4j, then the compiled libraries), the seconds in the server, their
ratio (in-process / server: above 1, the server is faster) and how far they agree:

* communities with their defaults (Leiden at the resolution chosen from the data); NMI
  between the two partitions, and against the generator's rings with ``--truth``;
* key players (top 25): the overlap of the two top tens;
* paths between ``--paths`` random pairs of entities: the store's own search (from both
  ends, level by level) against one ``allShortestPaths`` query; how many agree.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.analysis import gds  # noqa: E402
from graph.analysis.communities import nmi  # noqa: E402
from graph.model import KEY  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.store.neo4j_engine import Neo4jStore  # noqa: E402

T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    done = work()
    return time.perf_counter() - started, done


def row(what: str, here: float, there: float, agreement: str) -> None:
    print(f"{what:<34} {here:>9.2f} s {there:>9.2f} s {here / there:>8.2f}x   {agreement}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, help="the demo's truth/rings.csv (node id, ring)")
    parser.add_argument("--paths", type=int, default=20, help="random pairs of entities to join")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    store = open_store()
    if not isinstance(store, Neo4jStore) or gds.available(store) is None:
        print("error: NEO4J_URI must name a Neo4j server with Graph Data Science", file=sys.stderr)
        return 2
    counts = store.counts()
    print(f"Neo4j at {store.where}, GDS {gds.available(store)}: {counts.nodes:,} nodes, {counts.relationships:,} links")
    print(f"{'':<34} {'in process':>11} {'in server':>11} {'ratio':>9}   agreement")
    here_s, here = timed(lambda: gds.find_communities(store, seed=args.seed, in_process=True))
    there_s, there = timed(lambda: gds.find_communities(store, seed=args.seed))
    agreement = f"NMI {nmi(here.result.membership, there.result.membership):.3f}"
    agreement += f", resolution {here.result.resolution:g} / {there.result.resolution:g}"
    if args.truth:
        with open(args.truth, newline="") as handle:
            truth = {line[0]: int(line[1]) for line in list(csv.reader(handle))[1:]}
        agreement += (
            f"; vs rings: in process {nmi(truth, here.result.membership):.3f},"
            f" server {nmi(truth, there.result.membership):.3f}"
        )
    row("communities", here_s, there_s, agreement)
    here_s, (here_players, here_method) = timed(lambda: gds.find_key_players(store, seed=args.seed, in_process=True))
    there_s, (there_players, _) = timed(lambda: gds.find_key_players(store, seed=args.seed))
    overlap = len(set(here_players["key"][:10]) & set(there_players["key"][:10]))
    row("key players", here_s, there_s, f"top 10 share {overlap}; betweenness {here_method['betweenness']}")
    keys = sorted(row["key"] for row in store.read(f"MATCH (n:SalesChannel) RETURN n.{KEY} AS key"))
    pairs = [tuple(random.Random(args.seed + i).sample(keys, 2)) for i in range(args.paths)]
    here_s = there_s = 0.0
    same = 0
    for start, end in pairs:
        seconds, found = timed(lambda s=start, e=end: store.shortest_paths(s, e, max_hops=6, limit=10))
        here_s += seconds
        seconds, mine = timed(lambda s=start, e=end: gds.paths_in_server(store, s, e, max_hops=6, limit=10))
        there_s += seconds
        same += list(found) == mine
    row(f"paths ({len(pairs)} pairs of storefronts)", here_s, there_s, f"{same} of {len(pairs)} the same")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
