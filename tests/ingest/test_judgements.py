"""The investigator's decisions on proposed pairs: accept merges (undo restores the
originals), reject is kept and respected after a re-load of the same files and a new
round of proposals, and decisions exported from one workspace re-apply to a fresh load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.progress import Cancelled, Progress
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, write_admin_csv
from ingest.loader import load_paths
from ingest.resolution.judgements import (
    JudgementError,
    decide,
    export_judgements,
    latest,
    pair_id,
    pending,
    reapply,
    standing,
    tally,
    undo,
)
from ingest.resolution.propose import propose


def proposed(workspace: Workspace, pairs: list[dict[str, Any]], run: str = "RUN-1") -> list[str]:
    """``pairs`` (label, a, b, score, reasons) written to the proposals table as the
    contract has them; returns their ids, best first."""
    rows = []
    for pair in pairs:
        a, b = sorted((pair["a"], pair["b"]))
        rows.append(
            pair
            | {
                "id": pair_id(pair["label"], a, b),
                "a": a,
                "b": b,
                "a_name": f"name of {a}",
                "b_name": f"name of {b}",
                "run": run,
            }
        )
    workspace.add("proposals", rows)
    return [row["id"] for row in rows]


def planted(store: GraphStore, folder: Path, rings: int = 6) -> list[dict[str, Any]]:
    """The demo rings written as CSV files to ``folder`` and loaded (loading them again is
    a re-load); returns their planted spelling variants as proposals would have them."""
    demo = generate(rings, seed=5)
    write_admin_csv(demo, folder)
    load_paths(store, [folder])
    labels = store.locate(demo.variant_of.values())
    return [
        {
            "label": labels[entity][0],
            "a": entity,
            "b": variant,
            "score": round(0.99 - i / 100, 2),
            "reasons": [f"planted variant {i}"],
        }
        for i, (variant, entity) in enumerate(sorted(demo.variant_of.items()))
    ]


def contents(store: GraphStore) -> tuple[dict, list]:
    """Nodes and relationships with their properties, without the time each load saw them
    (a fresh load of the same files sees them later)."""
    graph = store.to_networkx()

    def kept(properties: dict) -> dict:
        return {name: value for name, value in properties.items() if name not in ("first_seen", "last_seen")}

    nodes = {key: (data["labels"], kept(data["properties"])) for key, data in graph.nodes(data=True)}
    edges = sorted((u, v, d["type"], sorted(kept(d["properties"]).items())) for u, v, d in graph.edges(data=True))
    return nodes, edges


def test_accept_merges_the_pair_and_undo_restores_the_originals(
    store: GraphStore, workspace: Workspace, tmp_path: Path
) -> None:
    pairs = proposed(workspace, planted(store, tmp_path / "csv"))
    assert len(pairs) >= 2 and [row["id"] for row in pending(workspace)] == pairs
    before = store.to_networkx()
    first = workspace.record("proposals", pairs[0])
    accepted = decide(store, workspace, pairs[0], "accept", by="ana")
    assert accepted["decision"] == "accept" and accepted["by"] == "ana" and accepted["merge"].startswith("MERGE-")
    assert set(store.locate([first["a"], first["b"]])) == {first["a"]}  # b merged into a
    assert tally(workspace) == {"pending": len(pairs) - 1, "accept": 1, "reject": 0, "unsure": 0}
    assert pairs[0] not in [row["id"] for row in pending(workspace)]
    assert latest(workspace)["id"] == pairs[0]
    undo(store, workspace, pairs[0])
    assert nx.utils.graphs_equal(before, store.to_networkx())
    assert workspace.record("judgements", accepted["merge"])["status"] == "reverted"
    assert [row["id"] for row in pending(workspace)] == pairs and standing(workspace) == {}
    with pytest.raises(JudgementError, match="no decision on pair"):
        undo(store, workspace, pairs[0])


def test_reject_and_unsure_are_recorded_and_a_second_decision_replaces_the_first(
    store: GraphStore, workspace: Workspace, tmp_path: Path
) -> None:
    pairs = proposed(workspace, planted(store, tmp_path / "csv"))
    before = store.to_networkx()
    decide(store, workspace, pairs[0], "reject")
    decide(store, workspace, pairs[1], "unsure")
    assert standing(workspace) == {pairs[0]: "reject", pairs[1]: "unsure"}
    assert nx.utils.graphs_equal(before, store.to_networkx())  # only recorded
    assert tally(workspace)["pending"] == len(pairs) - 2
    merged = decide(store, workspace, pairs[0], "accept")["merge"]
    assert store.counts().nodes == before.number_of_nodes() - 1
    decide(store, workspace, pairs[0], "reject")  # the merge is undone first
    assert nx.utils.graphs_equal(before, store.to_networkx())
    assert workspace.record("judgements", merged)["status"] == "reverted"
    assert standing(workspace)[pairs[0]] == "reject"
    with pytest.raises(JudgementError, match="no proposed pair 'Company:nope|x'"):
        decide(store, workspace, "Company:nope|x", "reject")
    with pytest.raises(JudgementError, match="'maybe' is not one of accept, reject, unsure"):
        decide(store, workspace, pairs[2], "maybe")


def test_a_rejected_pair_stays_rejected_after_a_reload_and_a_new_round_of_proposals(
    store: GraphStore, workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    planted(store, folder)
    first = propose(store, workspace)
    queue = [row["id"] for row in pending(workspace)]
    assert queue == [p.id for p in first] and len(queue) >= 2
    decide(store, workspace, queue[0], "reject")
    load_paths(store, [folder])  # the same files again: the same node keys
    assert queue[0] in {p.id for p in propose(store)}  # still alike, without the decisions
    again = propose(store, workspace)
    assert queue[0] not in {p.id for p in again}
    assert [row["id"] for row in pending(workspace)] == queue[1:]
    assert standing(workspace) == {queue[0]: "reject"}
    assert tally(workspace) == {"pending": len(queue) - 1, "accept": 0, "reject": 1, "unsure": 0}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_decisions_exported_then_reapplied_to_a_fresh_load_are_the_same(
    store: GraphStore, workspace: Workspace, tmp_path: Path, suffix: str
) -> None:
    folder = tmp_path / "csv"
    pairs = proposed(workspace, planted(store, folder))
    workspace.update("proposals", pairs[1], a_name='=HYPERLINK("http://x")', b_name="'quoted ‮ name")
    for pair, decision in zip(pairs, ["accept", "reject", "unsure"], strict=False):
        decide(store, workspace, pair, decision, by="ana")
    merged_graph = contents(store)
    exported = tmp_path / f"decisions{suffix}"
    assert export_judgements(workspace, exported) == 3
    store.clear()
    load_paths(store, [folder])
    fresh = Workspace(tmp_path / "fresh.sqlite")
    done = reapply(store, fresh, exported)
    assert (dict(done.recorded), done.merged, done.skipped) == ({"accept": 1, "reject": 1, "unsure": 1}, 1, [])
    assert standing(fresh) == standing(workspace)
    kept = ("id", "a", "b", "a_name", "b_name", "decision", "score", "reasons", "by", "at")
    assert [{k: r[k] for k in kept} for r in fresh.records("pair_judgements")] == [
        {k: r[k] for k in kept} for r in workspace.records("pair_judgements")
    ]
    assert contents(store) == merged_graph
    again = reapply(store, fresh, exported)  # nothing left to do
    assert again.merged == 0 and contents(store) == merged_graph


def test_reapply_skips_an_accepted_pair_whose_node_is_not_in_the_graph(
    store: GraphStore, workspace: Workspace, tmp_path: Path
) -> None:
    pairs = proposed(workspace, planted(store, tmp_path / "csv"))
    decide(store, workspace, pairs[0], "accept")
    decide(store, workspace, pairs[1], "reject")
    exported = tmp_path / "decisions.jsonl"
    export_judgements(workspace, exported)
    store.clear()
    fresh = Workspace(tmp_path / "fresh.sqlite")
    done = reapply(store, fresh, exported)
    pair = workspace.record("proposals", pairs[0])
    assert done.skipped == [(pairs[0], pair["a"])] and done.merged == 0
    assert standing(fresh) == {pairs[1]: "reject"}  # the accept waits for both nodes
    assert f"skipped {pairs[0]}: no node {pair['a']!r} in the graph" in done.summary()


def test_a_bad_decisions_file_is_named_by_line_and_field(embedded_store: EmbeddedStore, tmp_path: Path) -> None:
    bad, fresh = tmp_path / "decisions.jsonl", Workspace(tmp_path / "w.sqlite")
    good = {"label": "Company", "a": "C1", "b": "C2", "decision": "reject"}
    for lines, problem in [
        ([good, good | {"decision": "perhaps"}], "line 2: decision 'perhaps' is not one of accept, reject, unsure"),
        ([good | {"b": ""}], "line 1: b is missing"),
        ([good, good | {"b": "C1"}], "line 2: a and b are the same node 'C1'"),
        ([good, good | {"score": "high"}], "line 2: score or at is not readable"),
    ]:
        bad.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        with pytest.raises(JudgementError, match=f"decisions.jsonl: {problem}"):
            reapply(embedded_store, fresh, bad)
    bad.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(JudgementError, match="line 2: not JSON"):
        reapply(embedded_store, fresh, bad)
    assert standing(fresh) == {}  # every row is checked before any is recorded


class CancelAt(Progress):
    """Asks to stop at the report whose count is ``done``; keeps what the work said."""

    def __init__(self, done: int) -> None:
        super().__init__()
        self.done, self.said = done, []

    def show(self, what: str, done: float | None, total: float | None) -> None:
        self.said.append((what, done, total))
        if done == self.done:
            self.cancel()


def test_reapply_takes_a_pairs_last_row_and_a_cancel_records_nothing(
    embedded_store: EmbeddedStore, tmp_path: Path
) -> None:
    decisions, fresh = tmp_path / "decisions.jsonl", Workspace(tmp_path / "w.sqlite")
    rows = [{"label": "Company", "a": f"C{i}", "b": f"D{i}", "decision": "reject"} for i in range(3)]
    rows.append(rows[0] | {"a": "D0", "b": "C0", "decision": "unsure"})  # the same pair, decided again
    decisions.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(Cancelled):
        reapply(embedded_store, fresh, decisions, progress=CancelAt(done=0))
    assert standing(fresh) == {}  # stopped before anything was written
    progress = CancelAt(done=-1)
    done = reapply(embedded_store, fresh, decisions, progress=progress)
    assert dict(done.recorded) == {"reject": 2, "unsure": 1}
    assert standing(fresh) == {"Company:C0|D0": "unsure", "Company:C1|D1": "reject", "Company:C2|D2": "reject"}
    assert progress.said[-1] == ("re-applying the decisions of decisions.jsonl", 3, 3)
