"""Ingest speed: ``python -m ingest`` against Neo4j's own LOAD CSV, same server, same files.

    python bench/ingest.py [--scale 100000] [--seed 7]

Generates the demo network as neo4j-admin CSV, then measures each load on a fresh
database: the local server (the project's ``devserver``) is stopped, its database's
store and transaction logs deleted and the server started again, so no load pays for
an earlier one's deleted records (Community has no ``CREATE DATABASE`` and no
``db.checkpoint()``; the same load's server CPU still varies by a fifth from run to run
on a shared 2-core machine, so compare ratios over several runs); then the server is
warmed by both loads of a small demo (a fresh server's first load pays the JIT's
warm-up: measured, ours took 2-3x the server CPU on a fresh server that it takes on a
warm one; a team's server is a warm one), emptied, and the load measured:

* our ingest (:func:`ingest.loader.load_paths` on the Neo4j store);
* the reference: ``LOAD CSV WITH HEADERS`` with ``CALL { ... } IN TRANSACTIONS OF 10000
  ROWS``, MERGE on the same key, every node under a shared ``:Node`` label with one
  uniqueness constraint (relationship rows name no labels, so their ends are found
  through that one index: the usual LOAD CSV practice), then its own labels;
* for information, the same LOAD CSV writing the provenance ours keeps on every node and
  relationship (``first_seen``, ``last_seen``, ``sources`` naming the file and line);

and prints the rates and the ratio of rates (ours / reference; 1.0 = as fast) against the
first reference, with the CPU seconds the server spent on each load (for information: ours
runs two transactions at a time, the reference one). It also loads the same files into the
embedded store and prints its rate.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import neo4j  # noqa: E402

from devserver.neo4j_server import Neo4jServer, free_port  # noqa: E402
from graph.attribution import utc_now  # noqa: E402
from graph.model import KEY  # noqa: E402
from graph.store.embedded_engine import EmbeddedStore  # noqa: E402
from graph.store.neo4j_engine import Neo4jStore  # noqa: E402
from ingest.demo import NODES_PER_RING, generate, write_admin_csv  # noqa: E402
from ingest.loader import load_paths  # noqa: E402

_CONVERT = {
    "int": "toInteger({})",
    "float": "toFloat({})",
    "date": "date({})",
    "boolean": "({} = 'true')",
    "string[]": "split({}, ';')",
}


def _value(header: str) -> tuple[str, str]:
    """(property, Cypher expression reading it from ``row``) for one data column."""
    name, _, kind = header.partition(":")
    cell = f"row.`{header}`"
    expression = _CONVERT.get(kind, "{}").format(cell)
    return name, f"CASE WHEN {cell} IS NULL OR {cell} = '' THEN null ELSE {expression} END"


def reference_statements(folder: Path, *, provenance: bool = False) -> list[str]:
    """LOAD CSV statements for every file of the demo folder, nodes first; with
    ``provenance``, each node and relationship also gets ours (``$now`` the sighting)."""
    statements = []
    for path in sorted(folder.glob("nodes.*.csv")):
        with open(path, newline="") as handle:
            header = next(csv.reader(handle))
            labels = next(csv.reader(handle))[1].split(";")
        sets = ", ".join(f"{name}: {expr}" for name, expr in map(_value, header[2:]))
        labelled = "".join(f":`{label}`" for label in labels)
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS row CALL {{ WITH row "
            f"MERGE (n:Node {{{KEY}: row.`id:ID`}}) SET n{labelled}, n.id = row.`id:ID`, n += {{{sets}}}"
            f"{_provenance('n', path) if provenance else ''} }} IN TRANSACTIONS OF 10000 ROWS"
        )
    for path in sorted(folder.glob("relationships.*.csv")):
        with open(path, newline="") as handle:
            header = next(csv.reader(handle))
        rel_type = path.name.split(".")[1]
        sets = ", ".join(f"{name}: {expr}" for name, expr in map(_value, header[3:]))
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS row CALL {{ WITH row "
            f"MATCH (a:Node {{{KEY}: row.`:START_ID`}}) MATCH (b:Node {{{KEY}: row.`:END_ID`}}) "
            f"MERGE (a)-[r:`{rel_type}` {{{KEY}: ''}}]->(b) SET r += {{{sets}}}"
            f"{_provenance('r', path) if provenance else ''} }} IN TRANSACTIONS OF 10000 ROWS"
        )
    return statements


def _provenance(variable: str, path: Path) -> str:
    """What our ingest writes on a new node or relationship besides the file's values."""
    v = variable
    return f", {v}.first_seen = $now, {v}.last_seen = $now, {v}.sources = ['{path.name}:' + toString(linenumber())]"


def server_cpu(pid: int | None) -> float:
    """CPU seconds the server process has spent so far (user and system)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_csv(session: neo4j.Session, files: Path, pid: int | None, *, provenance: bool = False) -> tuple[float, float]:
    """Seconds LOAD CSV takes to load ``files`` into the emptied database, and the server's CPU seconds."""
    empty_database(session)
    session.run("CREATE CONSTRAINT FOR (n:Node) REQUIRE n._kg_key IS UNIQUE").consume()
    now = utc_now()  # as ours writes it
    cpu, began = server_cpu(pid), time.perf_counter()
    for statement in reference_statements(files, provenance=provenance):
        session.run(statement, now=now).consume()
    return time.perf_counter() - began, server_cpu(pid) - cpu


def empty_database(session: neo4j.Session) -> None:
    session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    for row in session.run("SHOW CONSTRAINTS YIELD name RETURN name").data():
        session.run(f"DROP CONSTRAINT `{row['name']}`").consume()
    for row in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name").data():
        session.run(f"DROP INDEX `{row['name']}`").consume()


@contextmanager
def fresh_server(server: Neo4jServer, files: Path, warm_up: Path | None, what: str) -> Iterator[neo4j.Driver]:
    """A driver to ``server`` (stopped if running) started on a new, empty default
    database, warmed by both loads of ``warm_up``, with ``files`` in its import folder
    (each measured load empties the database before its clock starts)."""
    print(f"{what}, on a fresh database{', warmed first' if warm_up else ''}", flush=True)
    server.stop()
    for folder in ("databases", "transactions"):  # the system database (the password) stays
        shutil.rmtree(server.home / "data" / folder / "neo4j", ignore_errors=True)
    server.start()
    auth = (server.username, server.password)
    with neo4j.GraphDatabase.driver(server.uri, auth=auth, notifications_min_severity="OFF") as driver:
        if warm_up is not None:  # its files have the demo's names: they go first
            shutil.copytree(warm_up, server.import_dir, dirs_exist_ok=True)
            our_ingest(server, driver, warm_up)
            with driver.session() as session:
                load_csv(session, warm_up, server.running_pid())
        shutil.copytree(files, server.import_dir, dirs_exist_ok=True)
        yield driver


def our_ingest(server: Neo4jServer, driver: neo4j.Driver, files: Path) -> tuple[float, float]:
    """Seconds our ingest takes to load ``files`` into the emptied database, and the server's CPU seconds."""
    with driver.session() as session:
        empty_database(session)
    store = Neo4jStore(server.uri, server.username, server.password)
    cpu, began = server_cpu(server.running_pid()), time.perf_counter()
    reports = load_paths(store, [files])
    seconds, cpu = time.perf_counter() - began, server_cpu(server.running_pid()) - cpu
    store.close()
    assert not any(r.rejects for r in reports), "the demo must load without rejects"
    return seconds, cpu


def demo_files(folder: Path, scale: int, seed: int) -> tuple[Path, int, int]:
    """The demo at ``scale`` as neo4j-admin CSV in ``folder``: the folder, its nodes and rows."""
    demo = generate(max(1, scale // NODES_PER_RING), seed)
    write_admin_csv(demo, folder)
    return folder, len(demo.nodes), len(demo.nodes) + len(demo.relationships)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="about how many nodes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warm-up", type=int, default=10_000, help="nodes of the demo both loads warm the server on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        files, nodes, rows = demo_files(work / "demo", args.scale, args.seed)
        print(f"demo: {nodes:,} nodes + {rows - nodes:,} relationships = {rows:,} rows", flush=True)
        warm_up = demo_files(work / "warm-up", args.warm_up, args.seed + 1)[0] if args.warm_up else None
        server = Neo4jServer(work / "neo4j", port=free_port(), heap="2g", pagecache="1g")
        try:
            with fresh_server(server, files, warm_up, "our ingest") as driver:
                ours, ours_cpu = our_ingest(server, driver, files)
            with fresh_server(server, files, warm_up, "LOAD CSV") as driver, driver.session() as session:
                reference, reference_cpu = load_csv(session, files, server.running_pid())
                count = session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
                assert count == nodes, (count, nodes)
            with fresh_server(server, files, warm_up, "LOAD CSV with our provenance") as driver:
                with driver.session() as session:
                    alike, alike_cpu = load_csv(session, files, server.running_pid(), provenance=True)
        finally:
            server.stop()
        embedded = EmbeddedStore(work / "graph.kgl")
        began = time.perf_counter()
        load_paths(embedded, [files])
        local = time.perf_counter() - began
    print(f"Neo4j, our ingest:        {rows / ours:>10,.0f} rows/s ({ours:6.1f} s)")
    print(f"Neo4j, LOAD CSV reference: {rows / reference:>9,.0f} rows/s ({reference:6.1f} s)")
    print(f"ratio of rates ours/reference: {reference / ours:.2f} (goal: at least 1.0)")
    print(
        f"LOAD CSV also writing our provenance: {rows / alike:>9,.0f} rows/s ({alike:6.1f} s; "
        f"information only, ours/it: {alike / ours:.2f})"
    )
    print(
        f"server CPU seconds (information): ours {ours_cpu:.1f}, LOAD CSV {reference_cpu:.1f}, "
        f"LOAD CSV with our provenance {alike_cpu:.1f}"
    )
    print(f"embedded store, our ingest: {rows / local:>8,.0f} rows/s ({local:6.1f} s; goal: 1,000,000 rows in < 60 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
