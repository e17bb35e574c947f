"""Duplicate proposals (Splink over the model's comparisons): the demo's planted
spelling variants are found, with their score and reasons, and nothing else; a merge is
undone exactly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.progress import Progress
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, load
from ingest.resolution.propose import propose
from tests.conftest import Ran


def test_planted_variants_are_proposed_and_nothing_else(store: GraphStore, workspace: Workspace) -> None:
    demo = generate(40, seed=5)
    load(store, demo)
    proposals = propose(store, workspace)
    truth = {tuple(sorted(pair)) for pair in demo.variant_of.items()}
    assert truth and {(p.a, p.b) for p in proposals} == truth
    best = proposals[0]
    assert best.score >= 0.9 and best.a_name and best.b_name
    assert any("in both names" in r for r in best.reasons)
    assert any(r.startswith("linked to the same Address") and r.endswith(" for)") for r in best.reasons)
    queued = workspace.records("proposals")
    assert {row["id"] for row in queued} == {p.id for p in proposals}  # the review queue


def _entities(store: GraphStore):
    return store.to_networkx()


def test_merge_then_unmerge_restores_the_exact_graph(store: GraphStore, workspace: Workspace) -> None:
    import networkx as nx

    from ingest.merge import MergeError, merge, unmerge

    demo = generate(6, seed=5)
    load(store, demo)
    variant, entity = sorted(demo.variant_of.items())[0]
    before = _entities(store)
    judgement = merge(store, workspace, entity, variant, why=["same name, same address"], score=0.99)
    merged = _entities(store)
    assert variant not in merged
    assert merged.number_of_edges() == before.number_of_edges() - 1  # both were registered at one address
    survivor = merged.nodes[entity]["properties"]
    original = before.nodes[variant]["properties"]
    assert original["name"] in survivor["aliases"]
    assert set(before.nodes[variant]["properties"]["sources"]) <= set(survivor["sources"])
    moved = {(u, d["type"]) for u, v, d in merged.in_edges(entity, data=True)}
    assert all((u, d["type"]) in moved for u, v, d in before.in_edges(variant, data=True))
    record = workspace.record("judgements", judgement)
    assert record["why"] == ["same name, same address"] and record["status"] == "applied" and record["by"]
    assert store.counts().nodes == before.number_of_nodes() - 1  # the judgement is not a node
    unmerge(store, workspace, judgement)
    assert nx.utils.graphs_equal(before, _entities(store))
    assert workspace.record("judgements", judgement)["status"] == "reverted"
    with pytest.raises(MergeError, match="reverted"):
        unmerge(store, workspace, judgement)


class Said(Progress):
    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    def show(self, what: str, done: float | None, total: float | None) -> None:
        self.said.append(what)


def test_resolve_says_what_it_does(store: GraphStore) -> None:
    load(store, generate(12, seed=5))
    progress = Said()
    propose(store, labels=["Company"], progress=progress)
    assert "reading Company names, properties and identifiers" in progress.said
    assert "scoring Company pairs in blocks" in progress.said


def test_resolve_command_queues_the_proposals_and_reports_progress_on_stderr(
    embedded_store: EmbeddedStore, cli: Callable[..., Ran], tmp_path
) -> None:
    load(embedded_store, generate(12, seed=5))
    embedded_store.close()
    env = {"GRAPH_DB": str(embedded_store.path), "KG_WORKSPACE": str(tmp_path / "ws.sqlite")}
    ran = cli(env, "ingest", "resolve", "--format", "csv")
    assert ran.returncode == 0 and ran.stdout.startswith("pair,a,b,a_name,b_name,label,score,reasons")
    assert "reading Company names, properties and identifiers" in ran.stderr
    assert len(Workspace(tmp_path / "ws.sqlite").records("proposals")) == ran.stdout.count("\n") - 1


def test_a_run_replaces_the_pending_proposals_of_the_labels_it_ran_and_only_those(workspace: Workspace) -> None:
    from ingest.resolution.engine import Proposal
    from ingest.resolution.propose import queue

    def proposal(label: str, a: str, b: str) -> Proposal:
        return Proposal(label, a, b, 0.95, ("names alike",), a_name=a, b_name=b)

    queue(workspace, ["Company", "Person"], [proposal("Company", "C1", "C2"), proposal("Person", "P1", "P2")])
    queue(workspace, ["Company"], [proposal("Company", "C3", "C4")])
    assert sorted(row["id"] for row in workspace.records("proposals")) == ["Company:C3|C4", "Person:P1|P2"]
