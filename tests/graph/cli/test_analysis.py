"""The analysis commands of ``python -m graph`` on the configured store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from graph.cli import analysis
from graph.cli.main import _parser
from graph.progress import Cancelled
from graph.records import NodeRecord
from graph.store import GraphStore, open_workspace
from ingest.demo import generate, load
from tests.conftest import Ran
from tests.graph.analysis.conftest import RecordingProgress


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


@pytest.mark.parametrize(
    ("command", "bound", "value"),
    [
        (["keyplayers"], "--limit", "-1"),
        (["links"], "--limit", "0"),
        (["shells"], "--limit", "1e9"),
        (["path", "A", "B"], "--limit", "-5"),
        (["communities", "--around", "A"], "--hops", "-1"),
        (["communities", "--around", "A"], "--hops", "999"),
    ],
)
def test_analysis_bounds_that_would_show_nothing_or_everything_are_named(
    command: list[str], bound: str, value: str, cli: Callable[..., Ran]
) -> None:
    done = cli({}, "graph", *command, bound, value)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"error: argument {bound}: {value!r} is not a number of" in done.stderr


def test_communities_say_what_they_do_and_a_cancel_writes_nothing(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, generate(8, seed=9))
    done = cli(store_env, "graph", "communities", "--no-write", "--format", "csv", "--in-process")
    assert done.returncode == 0, done.stderr
    for step in ("reading nodes (SalesChannel)", "Leiden on ", "resolution "):
        assert step in done.stderr
    assert re.search(r"reading (relationships \(SELLS\)|[\d,]+ relationships)", done.stderr)  # by type, or all at once
    assert "chosen from the data" in done.stderr
    monkeypatch.setattr(analysis, "ConsoleProgress", lambda: RecordingProgress(stop_at="summarising"))
    with pytest.raises(Cancelled):  # the last report before the writes
        analysis._communities(store, _parser().parse_args(["communities", "--in-process"]))
    assert store.query("MATCH (n) WHERE n.community IS NOT NULL RETURN count(n) AS n")["n"][0] == 0
    assert open_workspace().records("analysis_runs") == []


def test_key_players_say_whether_betweenness_was_sampled(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran]
) -> None:
    load(store, generate(8, seed=9))
    done = cli(store_env, "graph", "keyplayers", "--limit", "3", "--format", "json", "--in-process")
    assert done.returncode == 0, done.stderr
    assert [row["betweenness_samples"] for row in json.loads(done.stdout)] == [None] * 3  # exact
    assert "betweenness exact" in done.stderr and "PageRank on " in done.stderr


def test_a_table_of_communities_lists_the_largest_first_and_says_how_to_get_all(
    store: GraphStore, store_env: dict[str, str], cli: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, generate(8, seed=9))
    store.close()
    every = json.loads(cli(store_env, "graph", "communities", "--no-write", "--format", "json").stdout)
    assert [row["community"] for row in every] == sorted(row["community"] for row in every)
    monkeypatch.setattr(analysis, "LISTED", 5)
    table = cli(store_env, "graph", "communities", "--no-write")
    assert table.stdout.splitlines()[1:] and len(table.stdout.splitlines()) == 1 + 5
    assert table.stdout.split()[4:6] == [every[0]["id"], "0"]  # after the header: the largest community
    assert f"note: the first 5 of {len(every):,} nodes" in table.stderr and "--all" in table.stderr
    limited = cli(store_env, "graph", "communities", "--no-write", "--format", "csv", "--limit", "3")
    assert [line.split(",")[0] for line in limited.stdout.splitlines()[1:]] == [row["id"] for row in every[:3]]
    whole = cli(store_env, "graph", "communities", "--no-write", "--all")
    assert len(whole.stdout.splitlines()) == 1 + len(every) and "note:" not in whole.stderr
