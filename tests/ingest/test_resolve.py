"""Duplicate proposals: the demo's planted spelling variants are found, with reasons,
and nothing else is proposed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.progress import Cancelled, Progress
from graph.records import NodeRecord
from graph.store import GraphStore
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.demo import generate, load
from ingest.normalize import address, domain, email, name_key, phone
from ingest.resolve import apply, propose
from tests.conftest import Ran


def test_planted_variants_are_proposed_and_nothing_else(store: GraphStore) -> None:
    demo = generate(40, seed=5)
    load(store, demo)
    candidates = propose(store)
    found = {(c.a, c.b) for c in candidates}
    truth = {tuple(sorted(pair)) for pair in demo.variant_of.items()}
    assert truth and found == truth
    best = candidates[0]
    assert best.score >= 0.85 and any("alike" in r for r in best.reasons)
    assert any(r.startswith("both linked to ADR-") for r in best.reasons)


def test_addresses_spelt_two_ways_are_proposed_but_other_suites_are_not(store: GraphStore) -> None:
    store.upsert_nodes(
        [
            NodeRecord(("Address",), "A1", {"name": "Suite 501, 12 Harbour Road, Wan Chai"}, source="t"),
            NodeRecord(("Address",), "A2", {"name": "STE 501 12 harbour rd. wan chai"}, source="t"),
            NodeRecord(("Address",), "A3", {"name": "Suite 502, 12 Harbour Road, Wan Chai"}, source="t"),
        ]
    )
    assert [(c.a, c.b) for c in propose(store, labels=["Address"])] == [("A1", "A2")]


def test_normalizers() -> None:
    assert name_key("Crème Trading Co., Ltd.") == name_key("CREME TRADING LIMITED") == "creme trading"
    assert name_key("深圳市龙华皮具有限公司") == "深圳市龙华皮具"
    assert name_key("Nordvik Outdoor GmbH") == "nordvik outdoor"
    assert phone("138 1234 5678") == phone("+86 138-1234-5678") == "+8613812345678"
    assert email(" mailto:Sales@Example.COM ") == "sales@example.com"
    assert domain("https://WWW.cheap-bags.example/shop") == "cheap-bags.example"
    assert address("Suite 501, 12 Harbour Road, Wan Chai") == address("STE 501 12 harbour rd. wan chai")
    assert address("5th Floor, Bldg #3") == "5 fl bldg 3" != address("3rd Floor, Bldg #5")


def _entities(store: GraphStore):
    return store.to_networkx()


def test_merge_then_unmerge_restores_the_exact_graph(store: GraphStore, workspace: Workspace) -> None:
    import networkx as nx
    import pytest

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


class CancelDuringMerge(Progress):
    """What the work said; asks to stop while the ``merges``-th merge is under way."""

    def __init__(self, merges: int) -> None:
        super().__init__()
        self.merges = merges
        self.said: list[str] = []

    def show(self, what: str, done: float | None, total: float | None) -> None:
        self.said.append(what)
        if what == "merging likely duplicates" and done == self.merges - 1:
            self.cancel()


def test_resolve_says_what_it_compares_and_a_cancel_leaves_each_merge_whole(
    store: GraphStore, workspace: Workspace
) -> None:
    load(store, generate(40, seed=5))
    progress = CancelDuringMerge(merges=1)
    candidates = propose(store, progress=progress)
    assert len(candidates) >= 2 and "comparing Company pairs" in progress.said
    before = store.counts().nodes
    with pytest.raises(Cancelled):
        apply(store, workspace, candidates, progress=progress)
    [judgement] = workspace.records("judgements")  # the first merge, whole; none after it
    assert (judgement["survivor"], judgement["merged"]) == (candidates[0].a, candidates[0].b)
    assert store.counts().nodes == before - 1 and set(store.locate([candidates[1].a, candidates[1].b])) == {
        candidates[1].a,
        candidates[1].b,
    }


def test_resolve_command_reports_progress_on_stderr(embedded_store: EmbeddedStore, cli: Callable[..., Ran]) -> None:
    load(embedded_store, generate(12, seed=5))
    embedded_store.close()
    ran = cli({"GRAPH_DB": str(embedded_store.path)}, "ingest", "resolve", "--format", "csv")
    assert ran.returncode == 0 and ran.stdout.startswith("a,b,label,score,reasons")
    assert "reading Company names and identifiers" in ran.stderr and "comparing Company pairs: " in ran.stderr
