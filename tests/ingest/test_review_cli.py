"""``python -m ingest review``: the queue listed for people and scripts, decisions made,
taken back, exported and imported on a fresh load; unknown pair ids named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.review import COLUMNS
from tests.conftest import Ran
from tests.ingest.test_judgements import planted, proposed

HOSTILE = "<img src=x onerror=alert(1)>"


def queued(store: EmbeddedStore, workspace: Workspace, folder: Path) -> tuple[list[str], dict[str, str]]:
    """The demo's planted pairs in the queue, the first one named with markup; returns
    their ids and the environment that points a command at this graph and workspace."""
    pairs = proposed(workspace, planted(store, folder))
    workspace.update("proposals", pairs[0], a_name=HOSTILE, b_name="=cmd|' /C calc'!A0")
    store.close()
    return pairs, {"GRAPH_DB": str(store.path), "KG_WORKSPACE": str(workspace.path)}


def test_list_prints_the_queue_for_people_and_scripts(
    embedded_store: EmbeddedStore, workspace: Workspace, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    pairs, env = queued(embedded_store, workspace, tmp_path / "csv")
    ran = cli(env, "ingest", "review", "list", "--format", "json")
    assert ran.returncode == 0 and ran.stderr.strip() == f"{len(pairs)} pending, 0 accepted, 0 rejected, 0 unsure"
    listed = json.loads(ran.stdout)
    assert [row["id"] for row in listed] == pairs and all(list(row) == list(COLUMNS) for row in listed)
    assert listed[0]["a_name"] == HOSTILE and listed[0]["reasons"] == ["planted variant 0"]
    assert listed[0]["score"] == 0.99 and listed[0]["run"] == "RUN-1"
    csv = cli(env, "ingest", "review", "list", "--format", "csv").stdout.splitlines()
    assert csv[0] == ",".join(COLUMNS) and "'=cmd|' /C calc'!A0" in csv[1]  # a spreadsheet does not run it
    table = cli(env, "ingest", "review", "list").stdout
    assert pairs[-1] in table and "planted variant 1" in table
    label = pairs[0].split(":", 1)[0]
    only = json.loads(cli(env, "ingest", "review", "list", "--label", label, "--format", "json").stdout)
    assert only and {row["label"] for row in only} == {label}


def test_decisions_are_made_and_taken_back_from_the_command_line(
    embedded_store: EmbeddedStore, workspace: Workspace, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    pairs, env = queued(embedded_store, workspace, tmp_path / "csv")
    ran = cli(env, "ingest", "review", "reject", pairs[1], pairs[2])
    assert ran.returncode == 0 and ran.stdout.splitlines() == [f"{pairs[1]}: rejected", f"{pairs[2]}: rejected"]
    ran = cli(env, "ingest", "review", "accept", pairs[0])
    assert ran.returncode == 0 and ran.stdout.startswith(f"{pairs[0]}: accepted (merged as MERGE-")
    pair = workspace.record("proposals", pairs[0])
    with EmbeddedStore(embedded_store.path) as store:
        assert set(store.locate([pair["a"], pair["b"]])) == {pair["a"]}
    listed = cli(env, "ingest", "review", "list", "--format", "json")
    assert pairs[0] not in listed.stdout and "1 accepted, 2 rejected, 0 unsure" in listed.stderr
    ran = cli(env, "ingest", "review", "undo", pairs[0])
    assert ran.returncode == 0 and ran.stdout.strip() == f"{pairs[0]}: accepted no more; back in the queue"
    with EmbeddedStore(embedded_store.path) as store:
        assert set(store.locate([pair["a"], pair["b"]])) == {pair["a"], pair["b"]}
    assert json.loads(cli(env, "ingest", "review", "list", "--format", "json").stdout)[0]["id"] == pairs[0]


def test_an_unknown_pair_is_named_and_nothing_is_decided(
    embedded_store: EmbeddedStore, workspace: Workspace, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    pairs, env = queued(embedded_store, workspace, tmp_path / "csv")
    ran = cli(env, "ingest", "review", "reject", pairs[0], "Company:CO-404|CO-405")
    assert ran.returncode == 2 and ran.stderr.startswith("error: no proposed pair 'Company:CO-404|CO-405'")
    assert workspace.records("pair_judgements") == []  # the good id was not decided either
    ran = cli(env, "ingest", "review", "undo", pairs[0])
    assert ran.returncode == 2 and ran.stderr.strip() == f"error: no decision on pair {pairs[0]!r} to undo"
    assert "Traceback" not in ran.stderr


def test_decisions_exported_then_imported_on_a_fresh_load(
    embedded_store: EmbeddedStore, workspace: Workspace, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    pairs, env = queued(embedded_store, workspace, tmp_path / "csv")
    cli(env, "ingest", "review", "accept", pairs[0])
    cli(env, "ingest", "review", "reject", pairs[1])
    cli(env, "ingest", "review", "unsure", pairs[2])
    exported = tmp_path / "decisions.csv"
    ran = cli(env, "ingest", "review", "export", str(exported))
    assert ran.returncode == 0 and ran.stdout.strip() == f"3 decisions written to {exported}"
    fresh = EmbeddedStore(tmp_path / "fresh.kgl")
    planted(fresh, tmp_path / "csv")
    fresh.close()
    elsewhere = {"GRAPH_DB": str(fresh.path), "KG_WORKSPACE": str(tmp_path / "fresh.sqlite")}
    ran = cli(elsewhere, "ingest", "review", "import", str(exported))
    assert (
        ran.returncode == 0
        and ran.stdout.strip() == "recorded 1 accept, 1 reject, 1 unsure; merged 1 accepted pairs again"
    )
    listed = cli(elsewhere, "ingest", "review", "list", "--format", "json")
    assert listed.stderr.strip() == "0 pending, 1 accepted, 1 rejected, 1 unsure"
    ran = cli(elsewhere, "ingest", "review", "import", str(tmp_path / "missing.jsonl"))
    assert ran.returncode == 2 and ran.stderr.strip().endswith(
        "missing.jsonl: cannot be read (No such file or directory)"
    )
