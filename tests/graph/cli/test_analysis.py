"""The analysis commands of ``python -m graph`` on the configured store."""

from __future__ import annotations

import json
from collections.abc import Callable

from graph.records import NodeRecord
from graph.store import GraphStore
from ingest.demo import generate, load
from tests.conftest import Ran


def test_commands_on_the_configured_store(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]
) -> None:
    load(store, generate(8, seed=9))
    store.upsert_nodes([NodeRecord(("Person",), "LONER", {"name": "Nobody"}, source="t")])
    store.close()
    done = cli(store_env, "graph", "communities", "--format", "json", "--seed", "3")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    membership = {row["id"]: row["community"] for row in rows}
    assert "LONER" in membership and len(rows) == len(membership)
    assert "modularity" in done.stderr
    again = cli(store_env, "graph", "communities", "--format", "json", "--seed", "3", "--no-write")
    assert {row["id"]: row["community"] for row in json.loads(again.stdout)} == membership
    commands = (
        ["keyplayers", "--limit", "3"],
        ["links", "--limit", "3"],
        ["shells"],
        ["path", "SC-000-0", "SHL-000-0"],
    )
    for args in commands:
        done = cli(store_env, "graph", *args, "--format", "csv")
        assert done.returncode == 0 and done.stdout.count("\n") >= 2, (args, done.stderr)
    summary = cli(store_env, "graph", "communities", "--summary", "--format", "json")
    assert json.loads(summary.stdout)[0]["community"] == 0
    bad = cli(store_env, "graph", "communities", "--labels", "Nonsense")
    assert bad.returncode == 2 and "Nonsense" in bad.stderr
