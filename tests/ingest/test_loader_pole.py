"""The POLE crime-investigation graph (../shared/datasets/pole, neo4j-admin CSV) loads
through ``python -m ingest`` with exact counts and its properties intact, on both
stores; a second load changes nothing (the loads are recorded in the workspace, not as
nodes)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from graph.store import GraphStore, Settings
from graph.store.embedded_engine import EmbeddedStore
from graph.store.neo4j_engine import Neo4jStore
from graph.workspace import Workspace
from tests.conftest import SHARED_DATASETS, Ran

POLE = SHARED_DATASETS / "pole"
pytestmark = pytest.mark.skipif(not POLE.is_dir(), reason=f"the POLE dataset is not at {POLE} (a user's own clone)")


def test_pole_loads_exactly_and_reloads_without_change_on_both_stores(
    embedded_store: EmbeddedStore,
    neo4j_store: Neo4jStore,
    neo4j_settings: Settings,
    workspace: Workspace,
    cli: Callable[..., Ran],
) -> None:
    environments = {
        "embedded": {"GRAPH_DB": str(embedded_store.path), "KG_WORKSPACE": str(workspace.path)},
        "neo4j": {
            "NEO4J_URI": neo4j_settings.neo4j_uri,
            "NEO4J_USERNAME": neo4j_settings.neo4j_username,
            "NEO4J_PASSWORD": neo4j_settings.neo4j_password,
            "NEO4J_DATABASE": neo4j_settings.neo4j_database,
            "KG_WORKSPACE": str(workspace.path),
        },
    }
    for name, store in (("embedded", embedded_store), ("neo4j", neo4j_store)):
        env = environments[name]
        first = cli(env, "ingest", str(POLE))
        assert first.returncode == 0 and set(re.findall(r"(\d+) rejected", first.stdout)) == {"0"}, first
        counts = store.counts()
        assert (counts.nodes, counts.relationships) == (61_521, 105_840), name
        assert counts.labels["Crime"] == 28_762 and counts.types["FAMILY_REL"] == 155
        again = cli(env, "ingest", str(POLE))
        assert again.returncode == 0 and set(re.findall(r"(\d+) created", again.stdout)) == {"0"}, again
        assert store.counts() == counts, name
        _properties_read_back(store)
    loads = workspace.records("ingest_runs")
    files = len(list(POLE.glob("*.csv")))
    assert len(loads) == 2 * 2 * files and sum(run["read"] for run in loads) == 4 * (61_521 + 105_840)


def _properties_read_back(store: GraphStore) -> None:
    crime = store.query(
        "MATCH (c:Crime {_kg_key: '1325'})-[:OCCURRED_AT]->(l:Location) "
        "RETURN c.id AS id, c.type AS type, c.date AS date, c.last_outcome AS outcome, c.note AS note, "
        "l.latitude AS lat, l.longitude AS lon, l.postcode AS postcode"
    ).to_dict("records")
    assert crime == [
        {
            "id": "10305fdb9613b698a9fe8a26468564ebe15ba01eb870994739180ffc51440c31",
            "type": "Public order",
            "date": "24/08/2017",
            "outcome": "Investigation complete; no suspect identified",
            "note": None,
            "lat": 53.583357,
            "lon": -2.444814,
            "postcode": "BL1 3AJ",
        }
    ]
    family = store.query(
        "MATCH (a:Person {_kg_key: '0'})-[r:FAMILY_REL]->(b:Person) RETURN b.name AS name, r.rel_type AS kind"
    ).to_dict("records")
    assert family == [{"name": "Benjamin", "kind": "SIBLING"}]
    person = store.query(
        "MATCH (p:Person {nhs_no: '117-66-8129'}) RETURN p.name AS name, p.surname AS surname, p.age AS age, "
        "p.id AS id, p.sources AS sources, p.first_seen <= p.last_seen AS ordered"
    ).to_dict("records")[0]
    assert person == {
        "name": "Todd",
        "surname": "Hamilton",
        "age": None,
        "id": None,
        "sources": ["crime-investigation.nodes.Person.csv:2"],
        "ordered": True,
    }
    evidence = store.query("MATCH (o:Object {_kg_key: '61506'}) RETURN o.description AS d").iloc[0]["d"]
    assert evidence == "43 Cannabis Plants, 3kg Prepared Cannabis"  # a quoted field with a comma
    assert isinstance(store.query("MATCH (c:Crime) RETURN max(c.first_seen) AS t").iloc[0]["t"], dt.datetime)
