"""The store contract: every case runs on the embedded store and on a real Neo4j and
expects the same answer, written once."""

from __future__ import annotations

import datetime as dt
import threading

import networkx as nx
import pytest

from graph.model import ModelError
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore, NodeNotFound, QueryError
from graph.store.guard import QueryRefused

SEEN = dt.datetime(2026, 1, 5, 9, 30)
LATER = dt.datetime(2026, 3, 1, 12, 0)


def node(labels: str, key: str, **props: object) -> NodeRecord:
    return NodeRecord(tuple(labels.split(":")), key, {"id": key, **props}, source=f"test.csv:{key}")


def rel(rel_type: str, start: str, end: str, **props: object) -> RelationshipRecord:
    return RelationshipRecord(rel_type, start, end, props, source="test.csv")


def ring(store: GraphStore) -> None:
    """A small counterfeit ring: factory -> shell -> two storefronts, one shared account."""
    nodes = [
        node("Supplier", "SUP-1", name="Guangzhou Lucky Leather Factory", country="CN"),
        node("Company:ShellCompany", "SH-1", name="Crème Trading Limited", incorporated=dt.date(2023, 2, 1)),
        node("SalesChannel", "SC-1", name="Luxe-Bags-Outlet", kind="storefront", platform="Shopee"),
        node("SalesChannel", "SC-2", name="luxe bags official", kind="website"),
        node("PaymentAccount", "PA-1", name="PayPal ****4471", provider="PayPal"),
        node("Person", "P-1", name="Zhāng Wěi", aliases=["Wei Zhang", "W. Zhang"]),
        node("Case", "CASE-1", name="Operation Stitch", opened=dt.date(2025, 6, 30)),
        node("Brand", "BR-1", name="Maison Exemple"),
    ]
    rels = [
        rel("SUPPLIES", "SUP-1", "SH-1", since=dt.date(2023, 3, 1)),
        rel("SUPPLIES", "SH-1", "SC-1"),
        rel("SUPPLIES", "SH-1", "SC-2"),
        rel("PAID_VIA", "SC-1", "PA-1"),
        rel("PAID_VIA", "SC-2", "PA-1"),
        rel("DIRECTS", "P-1", "SH-1", role="nominee director"),
        rel("INVOLVES", "CASE-1", "SC-1", role="target"),
        rel("INVOLVES", "CASE-1", "P-1", role="suspect"),
    ]
    assert not store.upsert_nodes(nodes, seen=SEEN).rejected
    assert not store.upsert_relationships(rels, seen=SEEN).rejected


def test_counts_by_label_and_type(store: GraphStore) -> None:
    ring(store)
    counts = store.counts()
    assert counts.nodes == 8 and counts.relationships == 8
    assert counts.labels == {
        "Brand": 1,
        "Case": 1,
        "Company": 1,
        "PaymentAccount": 1,
        "Person": 1,
        "SalesChannel": 2,
        "ShellCompany": 1,
        "Supplier": 1,
    }
    assert counts.types == {"DIRECTS": 1, "INVOLVES": 2, "PAID_VIA": 2, "SUPPLIES": 3}


def test_empty_store_counts_nothing(store: GraphStore) -> None:
    counts = store.counts()
    assert (counts.nodes, counts.relationships, counts.labels, counts.types) == (0, 0, {}, {})
    assert store.query("MATCH (n) RETURN count(n) AS n").to_dict("records") == [{"n": 0}]


def test_properties_read_back_with_their_types(store: GraphStore) -> None:
    props = {
        "name": "深圳市龙华区皮具有限公司 — Ünïcode ✓",
        "count": 2**40,
        "ratio": 0.25,
        "active": False,
        "opened": dt.date(1999, 12, 31),
        "stamp": dt.datetime(2024, 2, 29, 23, 59, 58),
        "aliases": ["Lóng Huá", "龙华"],
        "sizes": [1, 2, 3],
        "empty": None,
    }
    store.upsert_nodes([NodeRecord(("Supplier",), "SUP-9", {"id": "SUP-9", **props})], seen=SEEN)
    row = store.query(
        "MATCH (s:Supplier {id: $id}) RETURN s.name AS name, s.count AS count, s.ratio AS ratio, "
        "s.active AS active, s.opened AS opened, s.stamp AS stamp, s.aliases AS aliases, s.sizes AS sizes, "
        "s.empty AS empty, s.first_seen AS first_seen",
        {"id": "SUP-9"},
    ).to_dict("records")[0]
    assert row == {**props, "first_seen": SEEN}
    assert type(row["count"]) is int and type(row["ratio"]) is float and type(row["active"]) is bool


def test_unstorable_values_are_refused_by_name(store: GraphStore) -> None:
    result = store.upsert_nodes(
        [
            NodeRecord(("Supplier",), "A", {"id": "A", "meta": {"nested": 1}}),
            NodeRecord(("Supplier",), "B", {"id": "B", "mixed": [1, "x"]}),
            NodeRecord(("Supplier",), "C", {"id": "C", "_kg_key": "x"}),
            NodeRecord(("Supplier",), "D", {"id": "D"}),
        ]
    )
    reasons = {record.key: reason for record, reason in result.rejected}
    assert set(reasons) == {"A", "B", "C"}
    assert "'meta'" in reasons["A"] and "'mixed'" in reasons["B"] and "reserved" in reasons["C"]
    assert store.counts().nodes == 1


def test_multi_labels(store: GraphStore) -> None:
    ring(store)
    rows = store.query("MATCH (c:Company:ShellCompany) RETURN c.id AS id, labels(c) AS labels").to_dict("records")
    assert [(r["id"], sorted(r["labels"])) for r in rows] == [("SH-1", ["Company", "ShellCompany"])]
    assert store.query("MATCH (c:ShellCompany) RETURN count(c) AS n").iloc[0]["n"] == 1


def test_unknown_labels_are_refused_until_declared(store: GraphStore) -> None:
    rejected = store.upsert_nodes([NodeRecord(("Crime",), "1", {"type": "Burglary"})]).rejected
    assert rejected and "unknown label 'Crime'" in rejected[0][1]
    store.model.declare_label("Crime", display="type")
    store.model.declare_relationship("OCCURRED_AT")
    store.model.declare_label("Location", display="address")
    store.upsert_nodes(
        [
            NodeRecord(("Crime",), "1", {"id": "abc123", "type": "Burglary", "title": "t"}),
            NodeRecord(("Crime",), "2", {"last_outcome": "Under investigation"}),
            NodeRecord(("Location",), "3", {"address": "1 Main St"}),
        ]
    )
    store.upsert_relationships([RelationshipRecord("OCCURRED_AT", "1", "3")])
    rows = store.query(
        "MATCH (c:Crime) RETURN c._kg_key AS key, c.id AS id, c.type AS type, c.title AS title ORDER BY key"
    ).to_dict("records")
    assert rows[0] == {"key": "1", "id": "abc123", "type": "Burglary", "title": "t"}
    assert rows[1]["key"] == "2" and rows[1]["id"] is None
    assert store.counts().types == {"OCCURRED_AT": 1}


def test_reupserting_is_idempotent(store: GraphStore) -> None:
    ring(store)
    before = store.counts()
    ring(store)
    assert store.counts() == before
    assert store.query("MATCH (s:Supplier) RETURN s.sources AS sources").iloc[0]["sources"] == ["test.csv:SUP-1"]


def test_provenance_keeps_first_seen_moves_last_seen_adds_sources(store: GraphStore) -> None:
    ring(store)
    result = store.upsert_nodes(
        [NodeRecord(("Supplier",), "SUP-1", {"city": "Guangzhou"}, source="registry.xlsx:7")], seen=LATER
    )
    assert (result.created, result.updated) == (0, 1)
    store.upsert_relationships([RelationshipRecord("SUPPLIES", "SUP-1", "SH-1", source="case:CASE-1")], seen=LATER)
    row = store.query(
        "MATCH (s:Supplier {id: 'SUP-1'})-[r:SUPPLIES]->() RETURN s.first_seen AS first, s.last_seen AS last, "
        "s.sources AS sources, s.name AS name, s.city AS city, r.first_seen AS rfirst, r.last_seen AS rlast, "
        "r.sources AS rsources, r.since AS since"
    ).to_dict("records")[0]
    assert row == {
        "first": SEEN,
        "last": LATER,
        "sources": ["test.csv:SUP-1", "registry.xlsx:7"],
        "name": "Guangzhou Lucky Leather Factory",
        "city": "Guangzhou",
        "rfirst": SEEN,
        "rlast": LATER,
        "rsources": ["test.csv", "case:CASE-1"],
        "since": dt.date(2023, 3, 1),
    }


def test_none_removes_a_property(store: GraphStore) -> None:
    ring(store)
    store.upsert_nodes([NodeRecord(("Supplier",), "SUP-1", {"country": None})])
    assert store.query("MATCH (s:Supplier) RETURN s.country AS c").iloc[0]["c"] is None


def test_relationships_to_missing_or_disallowed_endpoints_are_rejected(store: GraphStore) -> None:
    ring(store)
    result = store.upsert_relationships(
        [
            rel("SUPPLIES", "SUP-1", "NOPE"),
            rel("OWNS", "SC-1", "SUP-1"),
            rel("NOT_A_TYPE", "SUP-1", "SH-1"),
            RelationshipRecord("SUPPLIES", "SUP-1", "SC-1", start_label="Supplier", end_label="Supplier"),
        ]
    )
    assert result.created == 0
    reasons = sorted(reason for _, reason in result.rejected)
    assert len(reasons) == 4
    assert "start or end node does not exist (no node with key 'NOPE')" in reasons and any(
        "OWNS may not join SalesChannel to Supplier" in r for r in reasons
    )
    assert any("unknown relationship type 'NOT_A_TYPE'" in r for r in reasons)
    assert any("does not exist" in r for r in reasons)
    assert store.counts().relationships == 8


def test_a_node_deleted_by_another_writer_during_a_load_takes_no_relationship(store: GraphStore) -> None:
    """Neo4j finds the ends of a load's own new nodes by the ids their CREATE returned:
    a node gone since must be missed, as it would be by its key."""
    with store.writing():
        store.upsert_nodes([node("SalesChannel", "SC-1", name="shop"), node("Product", "PRD-1", name="bag")])
        store._write("MATCH (n:Product {_kg_key: 'PRD-1'}) DETACH DELETE n")  # another writer's
        store.upsert_nodes([node("Product", "PRD-2", name="belt")])
        result = store.upsert_relationships([rel("SELLS", "SC-1", "PRD-1"), rel("SELLS", "SC-1", "PRD-2")])
    assert result.created == 1
    assert [reason[:32] for _, reason in result.rejected] == ["start or end node does not exist"]
    sold = store.query("MATCH (:SalesChannel)-[:SELLS]->(p) RETURN p.id AS id")
    assert sold.to_dict("records") == [{"id": "PRD-2"}]


def test_parallel_relationships_are_told_apart_by_key(store: GraphStore) -> None:
    ring(store)
    store.model.declare_relationship("CALLED")
    rels = [RelationshipRecord("CALLED", "P-1", "SUP-1", {"at": f"09:0{i}"}, key=str(i)) for i in range(3)]
    store.upsert_relationships(rels)
    store.upsert_relationships(rels)
    assert store.counts().types["CALLED"] == 3


def test_search_ignores_case_and_accents_and_finds_parts(store: GraphStore) -> None:
    ring(store)
    assert list(store.search("creme")["key"]) == ["SH-1"]
    assert list(store.search("ZHANG WEI")["key"]) == ["P-1"]
    assert list(store.search("luxe")["key"]) == ["SC-1", "SC-2"]  # shorter names first
    exact = store.search("luxe bags official")
    assert list(exact["key"]) == ["SC-2"] and exact.iloc[0]["rank"] == 0
    assert list(store.search("bags", labels=["SalesChannel"])["key"]) == ["SC-1", "SC-2"]
    assert store.search("no such thing").empty
    assert list(store.search("Crème Trading")["name"]) == ["Crème Trading Limited"]


def test_neighbourhood_to_n_hops(store: GraphStore) -> None:
    ring(store)
    one = store.neighbourhood(["SC-1"], hops=1)
    assert sorted(one.nodes) == ["CASE-1", "PA-1", "SC-1", "SH-1"]
    assert one.nodes["SH-1"]["labels"] == ["Company", "ShellCompany"]
    assert one.nodes["SC-1"]["properties"]["name"] == "Luxe-Bags-Outlet"
    assert sorted((u, v, d["type"]) for u, v, d in one.edges(data=True)) == [
        ("CASE-1", "SC-1", "INVOLVES"),
        ("SC-1", "PA-1", "PAID_VIA"),
        ("SH-1", "SC-1", "SUPPLIES"),
    ]
    two = store.neighbourhood(["SC-1"], hops=2)
    assert sorted(two.nodes) == ["CASE-1", "P-1", "PA-1", "SC-1", "SC-2", "SH-1", "SUP-1"]
    assert two.number_of_edges() == 8  # every relationship among them, also SC-2's two
    assert two.graph["truncated"] is False


def test_neighbourhood_respects_the_node_cap(store: GraphStore) -> None:
    ring(store)
    capped = store.neighbourhood(["SH-1"], hops=2, limit=3)
    assert capped.number_of_nodes() == 3 and capped.graph["truncated"] is True
    assert sorted(capped.nodes) == ["P-1", "SC-1", "SH-1"]  # neighbours taken in key order


def test_shortest_paths(store: GraphStore) -> None:
    ring(store)
    paths = store.shortest_paths("SUP-1", "PA-1")
    assert [p.nodes for p in paths] == [("SUP-1", "SH-1", "SC-1", "PA-1"), ("SUP-1", "SH-1", "SC-2", "PA-1")]
    assert paths[0].types == ("SUPPLIES", "SUPPLIES", "PAID_VIA") and paths[0].forward == (True, True, True)
    back = store.shortest_paths("PA-1", "CASE-1")
    assert [(p.nodes, p.forward) for p in back] == [(("PA-1", "SC-1", "CASE-1"), (False, False))]
    assert store.shortest_paths("SUP-1", "PA-1", max_hops=2) == []
    assert store.shortest_paths("BR-1", "SUP-1") == []
    with pytest.raises(NodeNotFound):
        store.shortest_paths("SUP-1", "NOPE")


def test_export_to_networkx_keeps_labels_types_and_properties(store: GraphStore) -> None:
    ring(store)
    graph = store.to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 8
    assert graph.nodes["P-1"]["properties"]["aliases"] == ["Wei Zhang", "W. Zhang"]
    assert graph.nodes["P-1"]["properties"]["sources"] == ["test.csv:P-1"]
    assert "_kg_key" not in graph.nodes["P-1"]["properties"]
    edge = graph.get_edge_data("P-1", "SH-1")["DIRECTS"]
    assert edge["type"] == "DIRECTS" and edge["properties"]["role"] == "nominee director"
    part = store.to_networkx(labels=["SalesChannel", "PaymentAccount"], types=["PAID_VIA"])
    assert sorted(part.nodes) == ["PA-1", "SC-1", "SC-2"] and part.number_of_edges() == 2
    assert sorted(store.subgraph(["SH-1", "SC-1", "SUP-1"]).edges()) == [("SH-1", "SC-1"), ("SUP-1", "SH-1")]


def test_query_with_parameters_returns_a_dataframe(store: GraphStore) -> None:
    ring(store)
    frame = store.query(
        "MATCH (c:`Case`)-[i:INVOLVES]->(e) WHERE c.opened >= date($since) "
        "RETURN e.id AS id, i.role AS role ORDER BY id",
        {"since": "2025-01-01"},
    )
    assert list(frame.columns) == ["id", "role"]
    assert frame.to_dict("records") == [{"id": "P-1", "role": "suspect"}, {"id": "SC-1", "role": "target"}]


def test_query_returns_nodes_relationships_and_paths_alike(store: GraphStore) -> None:
    ring(store)
    row = store.query("MATCH p = (s:Supplier)-[r:SUPPLIES]->(c:ShellCompany) RETURN s, r, p").to_dict("records")[0]
    assert row["s"]["key"] == "SUP-1" and row["s"]["labels"] == ["Supplier"]
    assert row["s"]["properties"]["name"] == "Guangzhou Lucky Leather Factory"
    assert "title" not in row["s"]["properties"] and "type" not in row["s"]["properties"]
    assert (row["r"]["type"], row["r"]["start"], row["r"]["end"]) == ("SUPPLIES", "SUP-1", "SH-1")
    assert [n["key"] for n in row["p"]["nodes"]] == ["SUP-1", "SH-1"]
    assert [r["type"] for r in row["p"]["relationships"]] == ["SUPPLIES"]


def test_row_limit_says_when_it_cuts(store: GraphStore) -> None:
    ring(store)
    cut = store.query("MATCH (n) RETURN n.id AS id ORDER BY id", row_limit=3)
    assert list(cut["id"]) == ["BR-1", "CASE-1", "P-1"] and cut.attrs["truncated"] is True
    whole = store.query("MATCH (n) RETURN n.id AS id ORDER BY id", row_limit=8)
    assert len(whole) == 8 and whole.attrs["truncated"] is False


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Supplier {id: 'X'})",
        "MATCH (n) SET n.name = 'pwned'",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Supplier) REMOVE n.name",
        "MERGE (n:Supplier {id: 'X'})",
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "CALL dbms.security.createUser('x', 'y', false)",
        "CALL apoc.create.node(['X'], {})",
        "MATCH (n) RETURN n // harmless\n; CREATE (m:X)",
        "MATCH (n) CALL { WITH n SET n.x = 1 } RETURN count(*) AS c",
        "MATCH (n) /* comment */ FOREACH (x IN [1] | CREATE (:X))",
        "DROP CONSTRAINT foo",
        "USE system SHOW USERS",
    ],
)
def test_writes_are_refused_and_the_store_is_unchanged(store: GraphStore, query: str) -> None:
    ring(store)
    before = store.to_networkx()
    with pytest.raises(QueryRefused):
        store.query(query)
    after = store.to_networkx()
    assert nx.utils.graphs_equal(before, after)
    assert store.counts().nodes == 8


def test_missing_and_unused_parameters_are_named(store: GraphStore) -> None:
    with pytest.raises(QueryRefused, match=r"missing parameter \$name"):
        store.query("MATCH (n) WHERE n.name = $name RETURN n")
    with pytest.raises(QueryRefused, match=r"\$extra is not used"):
        store.query("RETURN 1 AS one", {"extra": 1})


def test_syntax_errors_are_reported(store: GraphStore) -> None:
    with pytest.raises(QueryError, match="(?i)syntax"):
        store.query("MATCH (n RETURN n")


def test_injection_through_parameters_stays_a_value(store: GraphStore) -> None:
    ring(store)
    hostile = "x'}) DETACH DELETE n //"
    frame = store.query("MATCH (n:Supplier) WHERE n.name = $name RETURN n.id AS id", {"name": hostile})
    assert frame.empty and store.counts().nodes == 8
    with pytest.raises(ModelError):
        store.search("x", labels=["Supplier`) DETACH DELETE n //"])


def test_concurrent_upserts_of_the_same_keys_make_no_duplicates(store: GraphStore) -> None:
    ring(store)
    nodes = [node("Person", f"NOMINEE-{i:03d}", name=f"Nominee {i}") for i in range(300)]
    rels = [rel("DIRECTS", f"NOMINEE-{i:03d}", "SH-1") for i in range(300)]
    errors: list[BaseException] = []

    def load() -> None:
        try:
            store.upsert_nodes(nodes)
            store.upsert_relationships(rels)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    counts = store.counts()
    assert counts.labels["Person"] == 301  # with the ring's P-1
    assert counts.types["DIRECTS"] == 301
    assert store.query("MATCH (p:Person) RETURN count(DISTINCT p._kg_key) AS n").iloc[0]["n"] == 301


def test_clear_empties_the_store(store: GraphStore) -> None:
    ring(store)
    store.clear()
    assert store.counts().nodes == 0
    ring(store)
    assert store.counts().nodes == 8


def test_expanding_a_hub_stops_at_the_cap_and_says_so(store: GraphStore) -> None:
    channels = [node("SalesChannel", f"SC-{i:04d}", name=f"shop {i}") for i in range(1200)]
    store.upsert_nodes([node("Marketplace", "MKT-1", name="Shopee"), *channels])
    store.upsert_relationships([rel("HOSTED_ON", c.key, "MKT-1") for c in channels])
    capped = store.neighbourhood(["MKT-1"], hops=1, limit=100)
    assert capped.number_of_nodes() == 100 and capped.graph["truncated"] is True
    assert sorted(capped.nodes)[:2] == ["MKT-1", "SC-0000"] and capped.number_of_edges() == 99
    whole = store.neighbourhood(["MKT-1"], hops=1, limit=5000)
    assert whole.number_of_nodes() == 1201 and whole.graph["truncated"] is False


def test_snapshot_delete_restore_is_exact(store: GraphStore) -> None:
    ring(store)
    before = store.to_networkx()
    before_raw = store.snapshot(["SH-1", "P-1"])
    snapshot = store.snapshot(["SH-1", "P-1"])
    assert {n["key"] for n in snapshot["nodes"]} == {"SH-1", "P-1"}
    assert len(snapshot["relationships"]) == 5  # 3 SUPPLIES of SH-1, DIRECTS, INVOLVES of P-1
    assert store.delete_nodes(["SH-1", "P-1"]) == 2
    assert store.counts().relationships == 3
    store.restore(snapshot)
    assert nx.utils.graphs_equal(before, store.to_networkx())
    assert store.snapshot(["SH-1", "P-1"]) == before_raw
    assert store.query("MATCH (p:Person {id: 'P-1'}) RETURN p.first_seen AS f").iloc[0]["f"] == SEEN


def test_a_node_without_an_id_property_is_restored_exactly(store: GraphStore) -> None:
    store.upsert_nodes([NodeRecord(("Company",), "CO-9", {"name": "Keyed only"}, source="scrape.csv:3")], seen=SEEN)
    snapshot = store.snapshot(["CO-9"])
    store.delete_nodes(["CO-9"])
    store.restore(snapshot)  # KGLite refused to set an absent id as null after the CREATE
    assert store.snapshot(["CO-9"]) == snapshot
    assert store.query("MATCH (c:Company) RETURN c.id AS id, c.name AS name").to_dict("records") == [
        {"id": None, "name": "Keyed only"}
    ]


def test_derived_values_land_on_the_nodes_by_key_and_make_none(store: GraphStore) -> None:
    ring(store)
    extra = [
        NodeRecord(("Brand",), "BR-2", {"id": "brand two", "name": "Other id"}, source="test.csv:9"),
        NodeRecord(("Brand",), "BR-3", {"name": "No id"}, source="test.csv:10"),
    ]
    assert not store.upsert_nodes(extra, seen=SEEN).rejected
    found = store.set_node_values(
        "community",
        {
            "SalesChannel": {"SC-1": 1, "SC-2": 2, "SC-404": 3},  # SC-404 is nowhere
            "Company": {"SH-1": 4},
            "Brand": {"BR-1": 5, "BR-2": 6, "BR-3": 7},
        },
        alike={"community_run": "RUN-1"},
    )
    assert found == 6
    rows = store.read(
        "MATCH (n) WHERE n.community IS NOT NULL RETURN n._kg_key AS key, n.community AS c, n.community_run AS run"
    )
    assert {row["key"]: (row["c"], row["run"]) for row in rows} == {
        "SC-1": (1, "RUN-1"),
        "SC-2": (2, "RUN-1"),
        "SH-1": (4, "RUN-1"),
        "BR-1": (5, "RUN-1"),
        "BR-2": (6, "RUN-1"),
        "BR-3": (7, "RUN-1"),
    }
    assert store.counts().nodes == 10  # nothing made for the key that is nowhere
    names = store.read("MATCH (n:SalesChannel {_kg_key: 'SC-1'}) RETURN n.name AS name, n.kind AS kind")
    assert names == [{"name": "Luxe-Bags-Outlet", "kind": "storefront"}]  # the rest untouched
