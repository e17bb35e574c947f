"""Community detection speed and quality against igraph's multilevel (Louvain).

    python bench/communities.py [--sizes 10000,100000,1000000] [--seed 42]

For planted-partition graphs of about 10 thousand, 100 thousand and 1 million
relationships (community sizes 20-200, 15% of edges between communities, mean degree
10, as in ``../shared/research/perf-anchors.md``), it times, in the same run:

* the reference: igraph's ``community_multilevel`` on the graph already built as an
  igraph ``Graph`` (building it is not timed);
* :func:`graph.analysis.communities.detect` for each algorithm on our projection, conversion to
  whatever library it dispatches to included;

and prints each time as a ratio to the reference (at most 1.0 = no slower), with the
modularity of both and the difference in percent. Timings are medians of 3 runs (1 at a
million relationships).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import igraph  # noqa: E402
import numpy as np  # noqa: E402

from graph.analysis.communities import ALGORITHMS, detect  # noqa: E402
from graph.analysis.projection import Projection  # noqa: E402


def planted_partition(edges: int, seed: int) -> Projection:
    """About ``edges`` undirected edges over ``edges / 5`` nodes in planted communities."""
    rng = np.random.default_rng(seed)
    n = max(100, edges // 5)
    sizes = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(20, 201)))
    sizes[-1] -= sum(sizes) - n
    community = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sizes_array = np.asarray(sizes)
    draw = int(edges * 1.02)
    source = rng.integers(0, n, draw)
    own = community[source]
    inside = starts[own] + (rng.random(draw) * sizes_array[own]).astype(np.int64)
    target = np.where(rng.random(draw) < 0.85, inside, rng.integers(0, n, draw))
    projection = Projection(
        keys=[f"n{i:07d}" for i in range(n)],
        labels=[("Node",)] * n,
        names=[f"n{i:07d}" for i in range(n)],
        sources=source.astype(np.int64),
        targets=target.astype(np.int64),
        weights=np.ones(draw),
        relationships=draw,
    )
    projection._canonicalise()
    projection.weights = np.ones(projection.edge_count)  # duplicates drawn twice weigh 1, not 2
    return projection


def _median_time(run, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bench_size(size: int, seed: int) -> None:
    """Print the reference and every algorithm on one planted-partition graph."""
    projection = planted_partition(size, seed)
    repeats = 3 if projection.edge_count < 500_000 else 1
    reference_graph = projection.to_igraph()  # built before timing: the reference's head start

    def reference() -> igraph.VertexClustering:
        random.seed(seed)  # igraph draws from Python's random module
        return reference_graph.community_multilevel()

    reference_time, clusters = _median_time(reference, repeats)
    reference_q = reference_graph.modularity(clusters.membership)
    print(
        f"{projection.edge_count:>13,} {'reference':<18} {'igraph community_multilevel (graph prebuilt)':<44} "
        f"{reference_time:>8.3f} {1.0:>6.2f} {reference_q:>10.4f} {'':>9}"
    )
    for algorithm in ALGORITHMS:
        seconds, result = _median_time(lambda a=algorithm: detect(projection, a, seed=seed), repeats)
        difference = 100 * (result.modularity - reference_q) / reference_q
        print(
            f"{projection.edge_count:>13,} {algorithm:<18} {result.implementation:<44} {seconds:>8.3f} "
            f"{seconds / reference_time:>6.2f} {result.modularity:>10.4f} {difference:>+8.2f}%"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="relationship counts, comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(
        f"{'relationships':>13} {'algorithm':<18} {'implementation':<44} {'seconds':>8} {'ratio':>6} "
        f"{'modularity':>10} {'vs igraph':>9}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, args.seed)
    print("ratio = our time (conversion from the projection included) / igraph multilevel's; <= 1.0 is no slower")
    return 0


if __name__ == "__main__":
    sys.exit(main())
