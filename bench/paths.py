"""Path search in the store against the projected search it replaced, on the same pairs.

    flock /tmp/heavy.lock .venv/bin/python bench/paths.py --scale 100000 [--work /tmp/paths/bench]
    flock /tmp/heavy.lock .venv/bin/python bench/paths.py --graph /tmp/big/graph.kgl \\
        --truth /tmp/big/csv/truth/rings.csv

``--scale`` generates the demo network at that many nodes and loads it into an embedded
store under ``--work`` (kept for the next run); ``--graph`` uses a loaded embedded file,
read only, with the generator's truth file for its pairs. Pairs are drawn with ``--seed``
from the truth's rings: half within one ring, half across two. For each pair, at the Path
finder's default hub threshold (50 neighbours) and with none (the command's default):

* ours: :func:`graph.analysis.paths.find_paths`, searched in the store from both ends;
* the reference, the former search in this same run: the whole graph projected (timed
  once: the wait of the former first search), then for each search a NetworkX graph with
  the hubs cut off and its shortest paths, as the former ``find_paths`` did.

It prints each pair's times, whether both found the same paths, and the medians with the
ratio ours/reference (below 1: ours is faster). Opening the store (its first read) is
timed apart: it is the same for both.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from graph.analysis.paths import find_paths  # noqa: E402
from graph.analysis.projection import Projection, project  # noqa: E402
from graph.store.embedded_engine import EmbeddedStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
SETTINGS = (50, None)  # the Path finder's default hub threshold, and the command's default (none)


def demo_graph(scale: int, work: Path) -> tuple[Path, Path]:
    """The demo at ``scale`` nodes, generated and loaded under ``work`` unless already there."""
    csv_dir, graph = work / "csv", work / "graph.kgl"
    env = {**os.environ, "GRAPH_DB": str(graph), "KG_WORKSPACE": str(work / "ws.sqlite"), "NEO4J_URI": ""}
    python = str(ROOT / ".venv" / "bin" / "python")
    if not (csv_dir / "truth" / "rings.csv").exists():
        subprocess.run([python, "-m", "ingest", "demo", "--scale", str(scale), "--out", str(csv_dir)], check=True)
    if not graph.exists():
        subprocess.run([python, "-m", "ingest", str(csv_dir)], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return graph, csv_dir / "truth" / "rings.csv"


def pairs_from(truth: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` pairs of ring members: half within one ring, half across two."""
    rings: dict[str, list[str]] = {}
    with truth.open(newline="") as rows:
        for row in csv.DictReader(rows):
            rings.setdefault(row["ring"], []).append(row["id"])
    rng = random.Random(seed)
    names = sorted(rings)
    pairs = []
    for i in range(count):
        if i % 2 == 0:
            pairs.append(tuple(rng.sample(sorted(rings[rng.choice(names)]), 2)))
        else:
            first, second = rng.sample(names, 2)
            pairs.append((rng.choice(rings[first]), rng.choice(rings[second])))
    return pairs


def former_search(projection: Projection, start: str, end: str, max_degree: int | None) -> list[tuple[str, ...]]:
    """The former ``find_paths`` on a projection: an undirected NetworkX graph whose hubs
    (but the ends) have no links, built for each search, then all shortest paths of at
    most 6 links, in key order, the first 10."""
    index = projection.index
    a, b = index[start], index[end]
    degree = projection.degree()
    blocked = set() if max_degree is None else {int(i) for i in (degree > max_degree).nonzero()[0]} - {a, b}
    graph = nx.Graph()
    graph.add_nodes_from(range(projection.node_count))
    graph.add_edges_from(
        (s, t)
        for s, t in zip(projection.sources.tolist(), projection.targets.tolist(), strict=True)
        if s not in blocked and t not in blocked
    )
    try:
        found = [nodes for nodes in nx.all_shortest_paths(graph, a, b) if len(nodes) - 1 <= 6]
    except nx.NetworkXNoPath:
        found = []
    return sorted(tuple(projection.keys[i] for i in nodes) for nodes in found)[:10]


def timed(run: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``run`` took, and its result."""
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scale", type=int, help="generate and load the demo at this many nodes")
    where.add_argument("--graph", type=Path, help="a loaded embedded graph file (read only)")
    parser.add_argument("--truth", type=Path, help="the generator's truth/rings.csv (with --graph)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/paths/bench"), help="where --scale keeps its demo")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.scale:
        args.work.mkdir(parents=True, exist_ok=True)
        graph, truth = demo_graph(args.scale, args.work)
    elif args.truth is None:
        parser.error("--graph needs --truth")
    else:
        graph, truth = args.graph, args.truth
    pairs = pairs_from(truth, args.pairs, args.seed)
    store = EmbeddedStore(graph)
    opened, _ = timed(lambda: store.locate([pairs[0][0]]))
    print(f"{graph}: opened in {opened:.1f} s (the store's first read; not in the times below)")
    projecting, projection = timed(lambda: project(store))
    print(
        f"reference: projecting {projection.node_count:,} nodes and {projection.edge_count:,} edges took "
        f"{projecting:.1f} s (once; the former first search waited for it)"
    )
    print(f"{'pair':<34} {'hubs':>5} {'links':>5} {'paths':>5} {'same':>4} {'ours s':>8} {'former s':>9} {'ratio':>8}")
    ours_times, former_times, disagreements = [], [], 0
    for start, end in pairs:
        for max_degree in SETTINGS:
            ours, found = timed(lambda a=start, b=end, cap=max_degree: find_paths(store, a, b, max_degree=cap))
            former, expected = timed(lambda a=start, b=end, cap=max_degree: former_search(projection, a, b, cap))
            same = [path.nodes for path in found.paths] == expected
            disagreements += not same
            ours_times.append(ours)
            former_times.append(former)
            links = len(found.paths[0].steps) if found.paths else "-"
            print(
                f"{start + ' - ' + end:<34} {max_degree or 'none':>5} {links:>5} {len(found.paths):>5} "
                f"{'yes' if same else 'NO':>4} {ours:8.3f} {former:9.2f} {ours / former:8.4f}"
            )
    ours_median, former_median = statistics.median(ours_times), statistics.median(former_times)
    print(
        f"ours: median {ours_median:.3f} s, slowest {max(ours_times):.3f} s; former: median {former_median:.2f} s "
        f"a search, {projecting + former_times[0]:.1f} s for the first; ratio ours/former (medians) "
        f"{ours_median / former_median:.4f}; {disagreements} disagreement(s); peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.1f} GB"
    )
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
