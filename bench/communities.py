"""Rings recovered at any size: our default community detection against igraph's plain Leiden.

    python bench/communities.py [--scales 10000,100000] [--graph GRAPH.kgl --truth rings.csv] [--seed 42]

On the demo network (its rings are the generator's ground truth) at each ``--scales``
size, built in memory, and on a loaded embedded graph with its ``truth/rings.csv``
(``--graph``/``--truth``, e.g. the 1,000,000-node demo), it measures in the same run:

* the reference: igraph's ``community_leiden`` on modularity at resolution 1 (plain
  Leiden, two iterations) on the graph already built as an igraph ``Graph`` (building
  it is not timed);
* ours: :func:`graph.analysis.communities.detect` with its defaults (Leiden on modularity
  at the resolution :func:`~graph.analysis.communities.chosen_resolution` picks), the
  conversion from the projection and the choice of resolution included;
* Louvain at resolution 1, the old default, for its quality only;

and prints each one's time, the ratio to the reference, the NMI against the generator's
rings, the largest community's size and the most rings whose cases share one community
(the goal: NMI >= 0.85, at most 3). With ``--graph`` it also times reading the
projection out of the store (``project``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from graph.analysis.communities import detect, nmi  # noqa: E402
from graph.analysis.projection import Projection, project  # noqa: E402
from graph.analysis.seeding import seeded_igraph  # noqa: E402
from graph.model import load_model  # noqa: E402
from ingest.demo import NODES_PER_RING, generate  # noqa: E402

T = TypeVar("T")


def demo_projection(scale: int, seed: int) -> tuple[Projection, dict[str, int]]:
    """The demo ``python -m ingest demo --scale`` writes, as a projection built in memory."""
    model = load_model()
    demo = generate(max(1, scale // NODES_PER_RING), seed)
    projection = Projection.from_edges(
        [(r.start, r.end, model.relationship(r.type).weight) for r in demo.relationships],
        nodes=[node.key for node in demo.nodes],
        labels={node.key: tuple(node.labels) for node in demo.nodes},
    )
    return projection, demo.ring_of


def stored_projection(graph: Path, truth: Path) -> tuple[Projection, dict[str, int], float]:
    """The projection of a loaded embedded graph, its rings, and the seconds reading it took."""
    from graph.store.embedded_engine import EmbeddedStore

    with open(truth, newline="", encoding="utf-8") as handle:
        rings = {row["id"]: int(row["ring"]) for row in csv.DictReader(handle)}
    store = EmbeddedStore(graph)
    started = time.perf_counter()
    projection = project(store)
    return projection, rings, time.perf_counter() - started


def rings_per_community(projection: Projection, truth: Mapping[str, int], membership: Mapping[str, int]) -> int:
    """The most rings whose cases share one community."""
    cases = {
        (membership[key], truth[key])
        for key, labels in zip(projection.keys, projection.labels, strict=True)
        if "Case" in labels and key in truth
    }
    return max(Counter(community for community, _ in cases).values(), default=0)


def _timed(run: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    done = run()
    return time.perf_counter() - started, done


def bench(name: str, projection: Projection, truth: Mapping[str, int], seed: int) -> None:
    """Print the reference, ours and the old default on one projection."""
    graph = projection.to_igraph()  # the reference's head start

    def reference() -> dict[str, int]:
        with seeded_igraph(seed):
            clusters = graph.community_leiden(objective_function="modularity", weights="weight", n_iterations=2)
        return dict(zip(projection.keys, clusters.membership, strict=True))

    reference_seconds, reference_membership = _timed(reference)
    ours_seconds, ours = _timed(lambda: detect(projection, seed=seed))
    old_seconds, old_membership = _timed(lambda: detect(projection, "louvain", seed=seed, resolution=1.0).membership)
    rows = [
        ("igraph Leiden, resolution 1", reference_seconds, reference_membership),
        (f"ours: leiden, resolution {ours.resolution:g}", ours_seconds, ours.membership),
        ("louvain, resolution 1 (old default)", old_seconds, old_membership),
    ]
    for label, seconds, membership in rows:
        largest = np.bincount(np.fromiter(membership.values(), np.int64, len(membership))).max()
        print(
            f"{name:>12} {label:<38} {seconds:>8.2f} {seconds / reference_seconds:>6.2f} "
            f"{nmi(truth, membership):>7.4f} {largest:>8,} {rings_per_community(projection, truth, membership):>6}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10000,100000", help="demo sizes built in memory, comma-separated")
    parser.add_argument("--graph", type=Path, help="a loaded embedded graph of the demo (e.g. 1,000,000 nodes)")
    parser.add_argument("--truth", type=Path, help="its truth/rings.csv")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if bool(args.graph) != bool(args.truth):
        parser.error("--graph and --truth go together")
    print(f"{'graph':>12} {'run':<38} {'seconds':>8} {'ratio':>6} {'NMI':>7} {'largest':>8} {'rings':>6}")
    for scale in (int(s) for s in args.scales.split(",") if s):
        projection, truth = demo_projection(scale, args.seed)
        bench(f"{projection.node_count:,}", projection, truth, args.seed)
    if args.graph:
        projection, truth, seconds = stored_projection(args.graph, args.truth)
        print(f"{projection.node_count:>12,} reading the projection from {args.graph}: {seconds:.2f} s", flush=True)
        bench(f"{projection.node_count:,}", projection, truth, args.seed)
    print(
        "ratio = time / plain igraph Leiden's on the prebuilt graph (ours includes the conversion and the choice "
        "of resolution); rings = the most rings whose cases share one community (goal: NMI >= 0.85, rings <= 3)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
