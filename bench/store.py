"""Bulk-load speed of both stores, against each engine's own bulk loader in the same run.

    python bench/store.py [--nodes 100000] [--relationships 500000]

Loads the same generated graph (IP-crime labels, valid relationship types, unique
keys) four ways and prints rows per second and the ratio to the reference:

* ``Neo4jStore.upsert_*`` (UNWIND ... MERGE in managed transactions) against Neo4j's
  own ``LOAD CSV`` with the same MERGEs and constraints, on one fresh local server;
* ``EmbeddedStore.upsert_*`` against KGLite's native DataFrame loader
  (``add_nodes`` / ``add_relationships``) into an empty file.

A ratio above 1 means our path is that many times slower than the reference. The
server is the project's own (``devserver``), started in a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kglite  # noqa: E402
import neo4j  # noqa: E402
import pandas as pd  # noqa: E402

from devserver.neo4j_server import Neo4jServer, free_port  # noqa: E402
from graph.model import KEY  # noqa: E402
from graph.records import NodeRecord, RelationshipRecord  # noqa: E402
from graph.store.embedded_engine import EmbeddedStore  # noqa: E402
from graph.store.neo4j_engine import Neo4jStore  # noqa: E402

LABELS = ("Person", "Company", "SalesChannel", "Address", "PaymentAccount")
TYPES = (  # (type, start label, end label): all allowed by the model
    ("DIRECTS", "Person", "Company"),
    ("OPERATES", "Person", "SalesChannel"),
    ("SUPPLIES", "Company", "SalesChannel"),
    ("REGISTERED_AT", "Company", "Address"),
    ("PAID_VIA", "SalesChannel", "PaymentAccount"),
)


@dataclass
class Data:
    nodes: dict[str, list[str]]  # label -> keys
    relationships: dict[tuple[str, str, str], list[tuple[str, str]]]

    @property
    def node_count(self) -> int:
        return sum(len(keys) for keys in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(len(pairs) for pairs in self.relationships.values())

    def node_records(self) -> list[NodeRecord]:
        return [
            NodeRecord((label,), key, {"id": key, "name": f"{label} {key}", "score": i % 97})
            for label, keys in self.nodes.items()
            for i, key in enumerate(keys)
        ]

    def relationship_records(self) -> list[RelationshipRecord]:
        return [
            RelationshipRecord(rel_type, a, b, {"weight": 1.0}, start_label=start, end_label=end)
            for (rel_type, start, end), pairs in self.relationships.items()
            for a, b in pairs
        ]


def generate(nodes: int, relationships: int, seed: int = 1) -> Data:
    rng = random.Random(seed)
    per_label = nodes // len(LABELS)
    keys = {label: [f"{label[:3].upper()}-{i:07d}" for i in range(per_label)] for label in LABELS}
    rels: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    per_type = relationships // len(TYPES)
    for spec in TYPES:
        _, start, end = spec
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < per_type:
            pairs.add((rng.choice(keys[start]), rng.choice(keys[end])))
        rels[spec] = sorted(pairs)
    return Data(keys, rels)


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def load_csv_reference(server: Neo4jServer, data: Data) -> float:
    """Neo4j's own LOAD CSV, with the same constraints and MERGEs as our store."""
    server.import_dir.mkdir(parents=True, exist_ok=True)
    for label, keys in data.nodes.items():
        with open(server.import_dir / f"{label}.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["key", "name", "score"])
            writer.writerows((key, f"{label} {key}", i % 97) for i, key in enumerate(keys))
    for (rel_type, _, _), pairs in data.relationships.items():
        with open(server.import_dir / f"{rel_type}.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["start", "end"])
            writer.writerows(pairs)
    auth = (server.username, server.password)
    with neo4j.GraphDatabase.driver(server.uri, auth=auth, notifications_min_severity="OFF") as driver:
        with driver.session() as session:
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

            def load() -> None:
                for label in data.nodes:
                    session.run(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) REQUIRE n.{KEY} IS UNIQUE").consume()
                    session.run(
                        f"LOAD CSV WITH HEADERS FROM 'file:///{label}.csv' AS row "
                        f"CALL {{ WITH row MERGE (n:{label} {{{KEY}: row.key}}) "
                        f"SET n.id = row.key, n.name = row.name, n.score = toInteger(row.score) }} "
                        f"IN TRANSACTIONS OF 5000 ROWS"
                    ).consume()
                for rel_type, start, end in data.relationships:
                    session.run(
                        f"LOAD CSV WITH HEADERS FROM 'file:///{rel_type}.csv' AS row "
                        f"CALL {{ WITH row MATCH (a:{start} {{{KEY}: row.start}}) MATCH (b:{end} {{{KEY}: row.end}}) "
                        f"MERGE (a)-[r:{rel_type} {{{KEY}: ''}}]->(b) SET r.weight = 1.0 }} "
                        "IN TRANSACTIONS OF 5000 ROWS"
                    ).consume()

            seconds = timed(load)
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return seconds


def kglite_reference(path: Path, data: Data) -> float:
    """KGLite's own DataFrame bulk loader into an empty file, saved."""

    def load() -> None:
        graph = kglite.open(str(path), durable="off")
        for label, keys in data.nodes.items():
            frame = pd.DataFrame(
                {KEY: keys, "name": [f"{label} {k}" for k in keys], "score": [i % 97 for i in range(len(keys))]}
            )
            graph.add_nodes(frame, label, KEY, "name")
        for (rel_type, start, end), pairs in data.relationships.items():
            frame = pd.DataFrame(pairs, columns=["start", "end"]).assign(weight=1.0)
            graph.add_relationships(frame, rel_type, start, "start", end, "end")
        graph.save()
        graph.close()

    return timed(load)


def ours(store, data: Data) -> float:
    nodes, rels = data.node_records(), data.relationship_records()

    def load() -> None:
        with store.writing():
            assert not store.upsert_nodes(nodes).rejected
            assert not store.upsert_relationships(rels).rejected

    return timed(load)


def report(name: str, rows: int, seconds: float, reference_name: str, reference: float) -> str:
    return (
        f"{name:<22} {rows / seconds:>10,.0f} rows/s ({seconds:6.1f} s)   "
        f"{reference_name:<24} {rows / reference:>10,.0f} rows/s ({reference:6.1f} s)   "
        f"ratio ours/reference time: {seconds / reference:5.2f}"
    )


def run(nodes: int, relationships: int, server: Neo4jServer, workdir: Path) -> list[str]:
    data = generate(nodes, relationships)
    rows = data.node_count + data.relationship_count
    lines = [f"{data.node_count:,} nodes + {data.relationship_count:,} relationships = {rows:,} rows per load"]
    store = Neo4jStore(server.uri, server.username, server.password)
    try:
        store.clear()
        neo4j_ours = ours(store, data)
        counts = store.counts()
        assert (counts.nodes, counts.relationships) == (data.node_count, data.relationship_count), counts
        store.clear()
    finally:
        store.close()
    neo4j_reference = load_csv_reference(server, data)
    lines.append(report("Neo4jStore upsert", rows, neo4j_ours, "Neo4j LOAD CSV MERGE", neo4j_reference))
    embedded = EmbeddedStore(workdir / "ours.kgl")
    embedded_ours = ours(embedded, data)
    counts = embedded.counts()
    assert (counts.nodes, counts.relationships) == (data.node_count, data.relationship_count), counts
    embedded_reference = kglite_reference(workdir / "reference.kgl", data)
    lines.append(report("EmbeddedStore upsert", rows, embedded_ours, "KGLite add_nodes/add_rel.", embedded_reference))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        server = Neo4jServer(workdir / "neo4j", port=free_port(), heap="2g", pagecache="1g").start()
        try:
            for line in run(args.nodes, args.relationships, server, workdir):
                print(line, flush=True)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
