"""``python -m graph queries`` and ``query``: list, run, refuse bad parameters, audit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from graph.analysis.communities import detect, write_back
from graph.analysis.projection import project
from graph.store import GraphStore, open_workspace
from ingest.demo import generate, load
from tests.conftest import Ran


def _loaded(store: GraphStore) -> GraphStore:
    load(store, generate(20, seed=6), seen=dt.datetime(2025, 3, 1, 12, 0))  # one sighting time on both stores
    projection = project(store)
    write_back(store, open_workspace(), projection, detect(projection))
    return store


def test_command_line_lists_and_runs(
    store: GraphStore, store_env: dict[str, str], tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    _loaded(store)
    store.close()
    env = {**store_env, "KG_AUDIT_LOG": str(tmp_path / "cli-audit.jsonl")}

    def graph(*args: str) -> Ran:
        return cli(env, "graph", *args)

    listing = graph("queries", "--format", "json")
    assert listing.returncode == 0 and len(json.loads(listing.stdout)) >= 15
    done = graph("query", "payment_accounts_many_storefronts", "--param", "min_storefronts=2", "--format", "csv")
    assert done.returncode == 0 and done.stdout.startswith("id,account"), done.stderr
    bad = graph("query", "repeat_offenders", "--param", "min_cases=lots")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "min_cases" in bad.stderr
    assert len((tmp_path / "cli-audit.jsonl").read_text().splitlines()) == 1
