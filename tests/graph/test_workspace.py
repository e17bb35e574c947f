"""The workspace keeps the tool's own records apart from the user's graph: where it is,
what it keeps, and how a graph from an earlier version is cleaned of them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.records import NodeRecord
from graph.store import GraphStore, Settings
from graph.workspace import Workspace, WorkspaceError, workspace_path
from tests.conftest import Ran


def test_records_round_trip_with_their_types(workspace: Workspace) -> None:
    at = dt.datetime(2026, 1, 2, 3, 4, 5)
    workspace.add("judgements", [{"id": "J-1", "status": "applied", "at": at, "why": ["same phone"], "score": 0.9}])
    workspace.update("judgements", "J-1", status="reverted", reverted_at=at)
    assert workspace.record("judgements", "J-1") | {} == {
        **dict.fromkeys(("name", "kind", "by", "survivor", "merged", "snapshot", "reverted_by")),
        "id": "J-1",
        "status": "reverted",
        "at": at,
        "why": ["same phone"],
        "score": 0.9,
        "reverted_at": at,
    }
    assert workspace.record("judgements", "J-2") is None
    with pytest.raises(WorkspaceError, match="unknown fields"):
        workspace.add("ingest_runs", [{"id": "L-1", "colour": "red"}])


def test_a_long_table_is_read_for_a_few_fields(workspace: Workspace) -> None:
    workspace.add("proposals", [{"id": "Company:A|B", "label": "Company", "score": 0.9, "reasons": ["alike"]}])
    assert workspace.records("proposals", fields=("id", "score"), label="Company") == [
        {"id": "Company:A|B", "score": 0.9}
    ]
    with pytest.raises(WorkspaceError, match=r"proposals: unknown fields \['colour'\]"):
        workspace.records("proposals", fields=("id", "colour"))


def test_reading_an_absent_workspace_creates_nothing(tmp_path: Path) -> None:
    absent = Workspace(tmp_path / "nowhere" / "w.sqlite")
    assert absent.records("ingest_runs") == [] and not absent.path.exists()


def test_a_workspace_an_earlier_version_made_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:  # ingest_runs before loads were recorded as they went
        old.execute("CREATE TABLE ingest_runs (id, name, path, kind, read, loaded, rejected, created, updated, "
                    "problem, at, by, PRIMARY KEY (id))")  # fmt: skip
        old.execute("INSERT INTO ingest_runs (id, name) VALUES ('LOAD-1', 'a.csv')")
    old.close()
    workspace = Workspace(path)
    workspace.add("ingest_runs", [{"id": "LOAD-2", "name": "b.csv", "status": "started", "committed": 0}])
    runs = {run["id"]: run for run in workspace.records("ingest_runs")}
    assert (runs["LOAD-1"]["status"], runs["LOAD-2"]["status"]) == (None, "started")


def test_where_the_workspace_lives(tmp_path: Path) -> None:
    assert Settings(graph_db=tmp_path / "cases.kgl").workspace_path == tmp_path / "cases.workspace.sqlite"
    assert Settings(neo4j_uri="bolt://127.0.0.1:7687").workspace_path == Path("data/workspace.sqlite")
    assert Settings(workspace="sqlite:///team/w.sqlite").workspace_path == Path("team/w.sqlite")
    assert workspace_path(str(tmp_path / "w.sqlite")) == tmp_path / "w.sqlite"
    with pytest.raises(WorkspaceError, match="KG_WORKSPACE: a postgresql:// workspace is not supported"):
        workspace_path("postgresql://kg@db/workspace")


def test_migrate_moves_an_earlier_versions_records_out_of_the_graph(
    store: GraphStore, store_env: dict[str, str], workspace: Workspace, cli: Callable[..., Ran]
) -> None:
    store.upsert_nodes([NodeRecord(("Supplier",), "SUP-1", {"id": "SUP-1", "name": "Lucky Leather"}, source="t")])
    user_counts = store.counts()
    for label in ("IngestRun", "AnalysisRun", "Judgement"):  # what earlier versions wrote into the graph
        store.model.declare_label(label)
    at = dt.datetime(2025, 5, 1, 12, 0)
    store.upsert_nodes(
        [
            NodeRecord(("IngestRun",), "LOAD-1", {"id": "LOAD-1", "name": "a.csv", "read": 3, "at": at}),
            NodeRecord(("IngestRun",), "LOAD-2", {"id": "LOAD-2", "name": "b.csv", "read": 4, "at": at}),
            NodeRecord(
                ("AnalysisRun",), "RUN-1", {"id": "RUN-1", "algorithm": "louvain", "parameters": '{"seed": 42}'}
            ),
            NodeRecord(
                ("Judgement",),
                "MERGE-1",
                {"id": "MERGE-1", "status": "applied", "why": ["same phone"], "snapshot": json.dumps({"after": "x"})},
            ),
        ]
    )
    done = cli(store_env, "graph", "workspace", "migrate", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert {row["label"]: row["moved"] for row in json.loads(done.stdout)} == {
        "IngestRun": 2,
        "AnalysisRun": 1,
        "Judgement": 1,
    }
    after = store.counts()
    assert (after.nodes, after.relationships) == (user_counts.nodes, user_counts.relationships)
    assert [run["name"] for run in workspace.records("ingest_runs")] == ["b.csv", "a.csv"]
    assert workspace.record("analysis_runs", "RUN-1")["parameters"] == {"seed": 42}
    judgement = workspace.record("judgements", "MERGE-1")
    assert judgement["why"] == ["same phone"] and judgement["snapshot"] == {"after": "x"}
    again = cli(store_env, "graph", "workspace", "migrate", "--format", "json")
    assert again.returncode == 0 and all(row["moved"] == 0 for row in json.loads(again.stdout))


def test_a_workspace_deleted_while_in_use_is_made_again(workspace: Workspace) -> None:
    workspace.add("ingest_runs", [{"id": "LOAD-1", "name": "a.csv"}])
    workspace.path.unlink()
    workspace.add("ingest_runs", [{"id": "LOAD-2", "name": "b.csv"}])
    assert [run["id"] for run in workspace.records("ingest_runs")] == ["LOAD-2"]
