"""``python -m graph reader``: a user sees, starts and stops the process that keeps a large
embedded graph open between commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from graph.store import GraphStore
from graph.store.neo4j_engine import Neo4jStore
from tests.conftest import Ran
from tests.graph.store.test_contract import ring


def _said(ran: Ran) -> dict:
    assert ran.returncode == 0, ran.stderr
    (row,) = json.loads(ran.stdout)
    return row


def test_the_reader_is_started_reported_and_stopped_on_request(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]
) -> None:
    ring(store)
    store.close()
    env = {**store_env, "KG_READER_IDLE": "60"}
    if isinstance(store, Neo4jStore):
        refused = cli(env, "graph", "reader", "start")
        assert refused.returncode == 2 and "Neo4j store has no reader process" in refused.stderr
        return
    try:
        started = _said(cli(env, "graph", "reader", "start", "--format", "json"))
        assert started["reader"] == "serving" and started["pid"] and started["memory_mb"] > 0
        assert started["graph"] == env["GRAPH_DB"] and started["leaves_after_idle_s"] == 60
        assert _said(cli(env, "graph", "reader", "--format", "json"))["pid"] == started["pid"]
    finally:
        stopped = _said(cli(env, "graph", "reader", "stop", "--format", "json"))
    assert stopped["reader"] == "none" and stopped["pid"] is None


def test_starting_a_reader_for_no_graph_names_the_file(cli: Callable[..., Ran], tmp_path: Path) -> None:
    missing = tmp_path / "nothing.kgl"
    ran = cli({"GRAPH_DB": str(missing)}, "graph", "reader", "start")
    assert ran.returncode == 2
    assert f"there is no graph at {missing}" in ran.stderr and "Traceback" not in ran.stderr
