"""Analyses pushed down to Neo4j Graph Data Science agree with the in-process path on the
same graph: a real server with the plugin (the suite's own server installs it)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from graph.analysis import gds
from graph.analysis.communities import nmi, write_back
from graph.analysis.paths import explain, find_paths
from graph.analysis.projection import Scope
from graph.analysis.summaries import summarise
from graph.store import Settings
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.workspace import Workspace
from ingest.demo import Demo, generate, load
from tests.conftest import Ran

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def demo() -> Demo:
    return generate(12, seed=4)


@pytest.fixture(scope="module")
def server(neo4j_settings: Settings, demo: Demo) -> Iterator[Neo4jStore]:
    """The demo's rings in the suite's Neo4j, loaded once for this module."""
    store = Neo4jStore(neo4j_settings.neo4j_uri, neo4j_settings.neo4j_username, neo4j_settings.neo4j_password)
    store.clear()
    load(store, demo)
    yield store
    store.close()


def catalog(store: Neo4jStore) -> list[str]:
    return [row["name"] for row in store.read("CALL gds.graph.list() YIELD graphName RETURN graphName AS name")]


def test_the_server_has_graph_data_science_and_the_embedded_store_does_not(
    server: Neo4jStore, embedded_store: EmbeddedStore
) -> None:
    assert (gds.available(server) or "").startswith("2.13.")
    assert gds.available(embedded_store) is None
    found = gds.find_communities(embedded_store)  # empty, but it runs: in this process
    assert found.where == gds.IN_PROCESS and found.result.nodes == 0


@pytest.mark.parametrize("algorithm", ["louvain", "leiden"])
def test_communities_in_the_server_match_the_in_process_partition(
    server: Neo4jStore, demo: Demo, algorithm: str
) -> None:
    here = gds.find_communities(server, algorithm=algorithm, in_process=True)
    there = gds.find_communities(server, algorithm=algorithm)
    assert here.where == gds.IN_PROCESS and there.where.startswith("in the Neo4j server (Graph Data Science 2.13.")
    assert nmi(here.result.membership, there.result.membership) >= 0.9
    assert nmi(demo.ring_of, there.result.membership) >= 0.9  # the rings themselves
    assert there.result.modularity == pytest.approx(here.result.modularity, abs=0.01)
    if algorithm == "leiden":  # the same objective: the resolution chosen from the same links
        assert there.result.resolution == here.result.resolution and there.result.resolution_rule is not None
    assert (there.result.nodes, there.result.edges, there.result.relationships) == (
        here.result.nodes,
        here.result.edges,
        here.result.relationships,
    )
    assert catalog(server) == []  # the projected graph is gone


@pytest.mark.parametrize(
    "scope",
    [
        Scope(types=("SUPPLIES", "SELLS", "DIRECTS"), weights={"SELLS": 3.0}),
        Scope(labels=("SalesChannel", "Company", "Person"), around=("SC-001-2",), hops=3, weighted=False),
        Scope(since=dt.datetime(2000, 1, 1), until=dt.datetime(2999, 1, 1)),
        Scope(until=dt.datetime(2000, 1, 1)),
    ],
    ids=["types-weights", "labels-around-unweighted", "window", "window-before-any-sighting"],
)
def test_the_server_projects_exactly_the_scope_the_in_process_path_reads(server: Neo4jStore, scope: Scope) -> None:
    here = gds.find_communities(server, scope, "leiden", in_process=True).projection
    there = gds.find_communities(server, scope, "leiden").projection
    assert (here.node_count > 0) == (scope.until != dt.datetime(2000, 1, 1))
    assert (there.keys, there.labels, there.names) == (here.keys, here.labels, here.names)
    assert np.array_equal(there.sources, here.sources) and np.array_equal(there.targets, here.targets)
    assert np.allclose(there.weights, here.weights) and there.relationships == here.relationships


def test_options_gds_cannot_honour_are_said(server: Neo4jStore) -> None:
    louvain = gds.find_communities(server, algorithm="louvain", seed=7, resolution=2.0)
    assert any("takes no seed: seed 7 not used" in note for note in louvain.notes)
    assert any("no resolution: 2 not used" in note for note in louvain.notes)
    leiden = gds.find_communities(server, algorithm="leiden", seed=7, resolution=4.0)
    assert not [note for note in leiden.notes if "seed" in note or "not used" in note]
    finer = len(set(leiden.result.membership.values()))
    assert finer > len(set(louvain.result.membership.values()))  # the resolution was honoured
    here = gds.find_communities(server, algorithm="leiden", seed=7, resolution=4.0, in_process=True)
    assert nmi(here.result.membership, leiden.result.membership) >= 0.9  # the same objective, other random paths


def test_the_projected_graph_is_dropped_when_the_algorithm_fails(
    server: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*_args: object) -> None:
        assert len(catalog(server)) == 1  # projected under its own name
        raise RuntimeError("the server went away")

    monkeypatch.setattr(gds, "_partition", fails)
    with pytest.raises(RuntimeError, match="went away"):
        gds.find_communities(server)
    assert catalog(server) == []


def test_a_run_in_the_server_writes_back_what_the_in_process_run_writes(
    server: Neo4jStore, workspace: Workspace
) -> None:
    there = gds.find_communities(server, algorithm="leiden")
    summary = summarise(server, there.projection, there.result, limit=None)
    assert summary["bridges"].astype(bool).any() and summary["key_members"].astype(bool).all()
    run_id = write_back(server, workspace, there.projection, there.result, summary)
    stored = {
        row["key"]: (row["community"], row["run"])
        for row in server.read("MATCH (n) RETURN n._kg_key AS key, n.community AS community, n.community_run AS run")
    }
    assert stored == {key: (community, run_id) for key, community in there.result.membership.items()}
    run = workspace.record("analysis_runs", run_id)
    assert run is not None and run["implementation"].startswith("gds.leiden (Neo4j Graph Data Science 2.13.")


def test_key_players_in_the_server_rank_as_in_process(server: Neo4jStore) -> None:
    here, here_method = gds.find_key_players(server, limit=20, in_process=True)
    there, there_method = gds.find_key_players(server, limit=20)
    assert there_method["where"].startswith("in the Neo4j server") and here_method["where"] == gds.IN_PROCESS
    assert len(set(here["key"][:10]) & set(there["key"][:10])) >= 8
    assert len(set(here["key"]) & set(there["key"])) >= 16
    assert there["communities"].sum() > 0  # bridges counted in the server
    assert catalog(server) == []


def test_a_path_found_in_the_server_is_the_one_the_store_finds(server: Neo4jStore, demo: Demo) -> None:
    keys = sorted(demo.ring_of)
    pairs = random.Random(3).sample([(a, b) for a in keys[:60] for b in keys[-60:]], 12)
    for start, end in pairs:
        for max_degree in (None, 12):
            mine = gds.paths_in_server(server, start, end, max_hops=6, max_degree=max_degree, limit=5)
            found = find_paths(server, start, end, max_hops=6, max_degree=max_degree, limit=5)
            assert [explain(server, path) for path in mine] == found.paths, (start, end, max_degree)
    assert any(len(mine) > 1 for mine in [gds.paths_in_server(server, a, b) for a, b in pairs])


def test_the_commands_say_where_they_ran(
    server: Neo4jStore, neo4j_settings: Settings, embedded_store: EmbeddedStore, cli: Callable[..., Ran]
) -> None:
    env = {
        "NEO4J_URI": neo4j_settings.neo4j_uri,
        "NEO4J_USERNAME": neo4j_settings.neo4j_username,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password,
    }
    there = cli(env, "graph", "communities", "--algorithm", "leiden", "--format", "json")
    assert there.returncode == 0 and "ran in the Neo4j server (Graph Data Science 2.13." in there.stderr
    here = cli(env, "graph", "communities", "--algorithm", "leiden", "--format", "json", "--in-process")
    assert here.returncode == 0 and "ran in this process" in here.stderr
    assert (
        nmi(
            {row["id"]: row["community"] for row in json.loads(here.stdout)},
            {row["id"]: row["community"] for row in json.loads(there.stdout)},
        )
        >= 0.9
    )
    players = cli(env, "graph", "keyplayers", "--limit", "5", "--format", "csv")
    assert players.returncode == 0 and "ran in the Neo4j server" in players.stderr
    load(embedded_store, generate(4, seed=1))
    embedded_store.close()
    embedded = cli({"GRAPH_DB": str(embedded_store.path)}, "graph", "communities", "--format", "json")
    assert embedded.returncode == 0 and "ran in this process" in embedded.stderr
