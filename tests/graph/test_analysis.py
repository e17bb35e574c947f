"""Key players, paths around hubs, hidden links and shell indicators on the demo rings,
and the analysis commands on the configured store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.analysis.communities import detect, write_back
from graph.analysis.keyplayers import key_players
from graph.analysis.links import hidden_links
from graph.analysis.paths import find_paths
from graph.analysis.projection import project
from graph.analysis.shells import shell_scores
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, NodeNotFound, open_workspace
from ingest.demo import generate, load
from tests.conftest import Ran

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_store(store: GraphStore) -> GraphStore:
    load(store, generate(12, seed=4))
    return store


def test_key_players_explain_their_rank_and_leave_hubs_out(demo_store: GraphStore) -> None:
    projection = project(demo_store)
    ranking, method = key_players(projection, demo_store.model, membership=detect(projection).membership, limit=10)
    assert list(ranking["rank"]) == list(range(1, 11))
    assert not any(key.startswith(("MKT-", "BR-")) for key in ranking["key"])  # hubs are not news
    assert ranking["score"].is_monotonic_decreasing
    assert "by degree" in ranking.iloc[0]["reasons"] and method["betweenness"] == "exact"


def test_sampled_betweenness_says_so(monkeypatch: pytest.MonkeyPatch, demo_store: GraphStore) -> None:
    from graph.analysis import keyplayers

    monkeypatch.setattr(keyplayers, "EXACT_BETWEENNESS_UP_TO", 10)
    projection = project(demo_store)
    first, method = key_players(projection, demo_store.model, limit=5)
    again, _ = key_players(projection, demo_store.model, limit=5)
    assert method["betweenness_samples"] and "sampled" in method["betweenness"]
    assert first.equals(again)  # the seed fixes the sample


def test_paths_are_explained_and_can_avoid_hubs(demo_store: GraphStore) -> None:
    direct = find_paths(demo_store, "SC-000-0", "SHL-000-0", max_hops=4)
    assert direct and all(p.nodes[0] == "SC-000-0" and p.nodes[-1] == "SHL-000-0" for p in direct)
    assert "SC-000-0" in direct[0].text() and "-[" in direct[0].text()
    through_hub = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8)
    avoiding = find_paths(demo_store, "SC-000-0", "SC-001-0", max_hops=8, max_degree=8)
    hubs = {key for key in project(demo_store).keys if key.startswith(("MKT-", "BR-", "FWD-"))}
    assert any(hubs & set(p.nodes) for p in through_hub)
    assert all(not hubs & set(p.nodes[1:-1]) for p in avoiding)
    with pytest.raises(NodeNotFound):
        find_paths(demo_store, "SC-000-0", "NOPE", max_degree=5)


def test_shared_identifiers_rank_by_specificity(store: GraphStore) -> None:
    nodes = [NodeRecord(("SalesChannel",), f"S{i}", {"name": f"shop {i}"}, source="t") for i in range(6) if i != 4]
    nodes.append(NodeRecord(("Company",), "S4", {"name": "supplier of shop 3"}, source="t"))
    nodes += [
        NodeRecord(("Phone",), "P1", {"name": "+8613800000000"}, source="t"),
        NodeRecord(("Address",), "A1", {"name": "1 Main St"}, source="t"),
    ]
    store.upsert_nodes(nodes)
    store.upsert_relationships(
        [RelationshipRecord("HAS_PHONE", f"S{i}", "P1", source="t") for i in range(2)]
        + [RelationshipRecord("REGISTERED_AT", f"S{i}", "A1", source="t") for i in range(5)]
        + [RelationshipRecord("SUPPLIES", "S4", "S3", source="t")]
    )
    assert store.counts().relationships == 8
    frame, _ = hidden_links(project(store), store.model)
    best = frame.iloc[0]
    assert (best["a"], best["b"]) == ("S0", "S1") and best["shared"] == 2 and "phone" in best["reasons"]
    pairs = set(zip(frame["a"], frame["b"], strict=True))
    assert ("S3", "S4") not in pairs  # directly linked: not hidden
    assert ("S2", "S3") in pairs and ("S0", "S5") not in pairs


def test_shell_indicators_give_reasons(demo_store: GraphStore) -> None:
    import datetime as dt

    scores = shell_scores(demo_store, as_of=dt.date(2024, 1, 1))
    assert not scores.empty and scores["score"].is_monotonic_decreasing
    top = scores.iloc[0]
    assert top["key"].startswith("SHL-") and "director" in top["reasons"]
    assert all(key.startswith(("SHL-", "FWD-")) for key in scores["key"])


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


def test_labels_and_types_the_model_lacks_still_project_and_save(demo_store: GraphStore) -> None:
    """A graph also written by other tools: their labels and types count, with weight 1
    and "name" as display."""
    demo_store._write(
        "MATCH (p:Person {_kg_key: 'PER-000-O'}) "
        "CREATE (:Area {_kg_key: 'AREA-1', name: 'Harbour district'})<-[:LIVES_IN]-(p)"
    )
    projection = project(demo_store)
    area = projection.index["AREA-1"]
    assert projection.names[area] == "Harbour district" and projection.degree()[area] == 1
    result = detect(projection)
    write_back(demo_store, open_workspace(), projection, result)
    stored = demo_store.query("MATCH (a:Area) RETURN a.community AS c")
    assert list(stored["c"]) == [result.membership["AREA-1"]]
