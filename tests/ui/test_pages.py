"""Each page of the app on the demo graph, through Streamlit's AppTest: what an
investigator types and clicks, and what the page then shows."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from graph.analysis.projection import Projection, Scope, project
from graph.analysis.summaries import COLUMNS
from graph.records import NodeRecord, RelationshipRecord
from graph.store.embedded_engine import EmbeddedStore
from graph.workspace import Workspace
from ingest.history import record_loads
from ingest.loader import load_paths
from tests.conftest import SHARED_DATASETS, Ran
from tests.ui.conftest import EVIL_NAMES, ROOT, fill_demo

PAGES = ROOT / "ui" / "pages"
_NODES = re.compile(r"nodes = new vis\.DataSet\((\[.*?\])\);", re.S)


def plain(markdown: str) -> str:
    """Escaped Markdown as the reader sees it."""
    return re.sub(r"\\(.)", r"\1", markdown)


def page(name: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120).run()
    assert not app.exception, app.exception
    return app


def click(app: AppTest, label: str) -> AppTest:
    [button] = [b for b in app.button if b.label == label]
    button.click().run()
    assert not app.exception, app.exception
    return app


def drawn_nodes(app: AppTest, index: int = 0) -> list[dict]:
    """The nodes of a drawn network view (the page the sandboxed frame is given)."""
    return json.loads(_NODES.search(view_page(app, index)).group(1))


def view_page(app: AppTest, index: int = 0) -> str:
    [frame] = [e for e in app.get("bidi_component") if e.proto.component_name == "kg_network"][index : index + 1]
    return json.loads(frame.proto.json)["html"]


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    """The page's table that has ``column``."""
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


def test_overview_counts_communities_cases_and_sources(demo_db: Path) -> None:
    app = click(page("overview"), "Find and save communities")
    counts = EmbeddedStore(demo_db).counts()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Nodes"] == f"{counts.nodes:,}" and metrics["Cases"] == f"{counts.labels['Case']:,}"
    tables = [frame.value for frame in app.dataframe]
    communities = next(t for t in tables if "key_members" in t.columns)
    assert 4 <= len(communities) <= 10 and communities["size"].is_monotonic_decreasing
    cases = next(t for t in tables if "opened" in t.columns)
    assert set(cases["id"]) == set(EmbeddedStore(demo_db).query("MATCH (c:`Case`) RETURN c.id AS id")["id"])
    sources = next(t for t in tables if "loaded_at" in t.columns)
    assert {"nodes.Case.csv", "relationships.INVOLVES.csv"} <= set(sources["file"])
    assert (sources["rejected"] == 0).all()


@pytest.fixture
def projected(monkeypatch: pytest.MonkeyPatch) -> list[Scope]:
    """The scopes the app projects from here on (community detection starts there)."""
    import graph.analysis.gds

    scopes: list[Scope] = []

    def projecting(store: EmbeddedStore, scope: Scope, **options: object) -> Projection:
        scopes.append(scope)
        return project(store, scope, **options)

    monkeypatch.setattr(graph.analysis.gds, "project", projecting)  # the app's dispatch projects here
    return scopes


def test_overview_first_visit_computes_nothing_and_offers_a_run(
    demo_db: Path, workspace: Workspace, projected: list[Scope]
) -> None:
    app = page("overview")
    assert projected == [] and not workspace.records("analysis_runs")
    assert not any("key_members" in frame.value.columns for frame in app.dataframe)
    assert any("No community run is saved yet" in c.value for c in app.caption)
    shown = table_with(click(app, "Find and save communities"), "key_members")  # now it runs, and is saved
    [run] = workspace.records("analysis_runs")
    assert projected == [Scope()] and shown.to_dict("records") == run["summary"] and len(shown) >= 4
    saved = EmbeddedStore(demo_db).query(
        "MATCH (n) WHERE n.community_run = $run RETURN count(n) AS n", {"run": run["id"]}
    )
    assert saved["n"][0] == run["nodes"]
    again = page("overview")  # the next visit shows it at once
    assert projected == [Scope()] and table_with(again, "key_members").equals(shown)
    assert not [b for b in again.button if b.label == "Find and save communities"]


def test_overview_shows_the_last_saved_run_without_computing(
    demo_db: Path, workspace: Workspace, cli: Callable[..., Ran], projected: list[Scope], tmp_path: Path
) -> None:
    env = {"GRAPH_DB": str(demo_db), "KG_WORKSPACE": str(workspace.path), "NEO4J_URI": ""}
    assert cli(env, "graph", "communities", "--algorithm", "leiden", "--seed", "7").returncode == 0
    projected.clear()  # the command's own projection: the app's dispatch is the same
    app = page("overview")
    [run] = workspace.records("analysis_runs")
    shown = table_with(app, "key_members")
    assert projected == [] and shown.to_dict("records") == run["summary"]
    assert list(shown.columns) == COLUMNS and shown["size"].is_monotonic_decreasing and 4 <= len(shown) <= 10
    assert any(run["id"] in plain(c.value) and "leiden" in c.value for c in app.caption)
    assert not [b for b in app.button if b.label == "Find and save communities"]
    workspace.update("analysis_runs", run["id"], at=run["at"] - dt.timedelta(minutes=1))  # records keep seconds
    late = tmp_path / "nodes.Person.csv"  # a file loaded after the run: the run leaves it out, and says so
    late.write_text(":ID,name,:LABEL\nPER-LATE,Late Comer,Person\n", encoding="utf-8")
    assert cli(env, "ingest", str(late)).returncode == 0
    again = page("overview")
    assert any("Files were loaded after this run" in c.value for c in again.caption)
    assert [b for b in again.button if b.label == "Find and save communities"] and projected == []
    assert table_with(again, "key_members").equals(shown)


def test_explore_search_with_typo_show_and_expand(demo_db: Path) -> None:
    app = page("explore")
    app.text_input(key="explore_search_text").input("operaton tyde").run()  # typos
    assert app.selectbox(key="explore_search_match").value.startswith("CASE-")
    click(app, "Show")
    case = app.session_state["explore_history"].now.centres[0]
    store = EmbeddedStore(demo_db)
    _, neighbours = store.neighbours(case)
    assert len(drawn_nodes(app)) == neighbours + 1
    # select a neighbour in the side panel and expand it: the view grows and keeps its state
    panel = next(s for s in app.selectbox if s.label == "Selected node")
    storefront = next(node["id"] for node in drawn_nodes(app) if node["id"].startswith("SC-"))
    panel.set_value(storefront).run()
    click(app, "Expand")
    grown = {node["id"] for node in drawn_nodes(app)}
    assert len(grown) > neighbours + 1 and storefront in grown
    assert app.session_state["explore_history"].now.expanded == ((storefront, 25),)
    app.run()  # a rerun (any widget) keeps the view
    assert {node["id"] for node in drawn_nodes(app)} == grown


def test_explore_link_reopens_the_view_and_a_bad_link_says_why(demo_db: Path) -> None:
    app = page("explore")
    app.text_input(key="explore_search_text").input("operation").run()
    click(app, "Show")
    app.slider(key="explore_hops").set_value(2).run()
    token = app.query_params["view"][0] if isinstance(app.query_params["view"], list) else app.query_params["view"]
    shown = {node["id"] for node in drawn_nodes(app)}
    reopened = AppTest.from_file(str(PAGES / "explore.py"), default_timeout=120)
    reopened.query_params["view"] = token
    reopened.run()
    assert not reopened.exception and {node["id"] for node in drawn_nodes(reopened)} == shown
    assert reopened.slider(key="explore_hops").value == 2  # the controls show the view reopened
    broken = AppTest.from_file(str(PAGES / "explore.py"), default_timeout=120)
    broken.query_params["view"] = token[:-12] + "AAAAAAAAAAAA"
    broken.run()
    assert not broken.exception and "could not be opened" in plain(broken.error[0].value)


def test_explore_hub_shows_first_n_and_more_node(demo_db: Path) -> None:
    app = page("explore")
    app.text_input(key="explore_search_text").input("MKT-00").run()
    app.number_input(key="explore_per_node").set_value(2).run()
    click(app, "Show")
    nodes = drawn_nodes(app)
    _, total = EmbeddedStore(demo_db).neighbours("MKT-00")
    assert total > 4
    more = [node for node in nodes if node["id"] == "more:MKT-00"]
    assert more and more[0]["label"] == f"+ {total - 2} more"
    assert len(nodes) == 1 + 2 + 1
    click(app, "Show 2 more")
    assert len([n for n in drawn_nodes(app) if not n["id"].startswith("more:")]) == 1 + 4


def test_explore_filters_colours_and_legend(demo_db: Path) -> None:
    app = page("explore")
    app.text_input(key="explore_search_text").input("operation").run()
    click(app, "Show")
    app.multiselect(key="explore_labels").set_value(["Person"]).run()
    centre = app.session_state["explore_history"].now.centres[0]
    nodes = drawn_nodes(app)
    assert {n["id"] for n in nodes} - {centre} and all(n["id"] == centre or n["id"].startswith("PER-") for n in nodes)
    app.radio(key="explore_colour").set_value("community").run()
    assert any("communities from Louvain on this view" in c.value for c in app.caption)
    assert "Communities:" in app.get("html")[0].proto.body


def test_names_from_scraped_data_stay_text(demo_db: Path) -> None:
    app = page("explore")
    app.text_input(key="explore_search_text").input("MKT-00").run()
    click(app, "Show")
    shown = {node["id"]: (node["label"], node["title"]) for node in drawn_nodes(app)}
    for i, name in enumerate(EVIL_NAMES):  # drawn on the canvas as text (cut short), whole in the tooltip
        label, title = shown[f"EVIL-{i}"]
        assert name.startswith(label.removesuffix("…")) and f"name: {name}" in title
    inner = view_page(app)
    assert "<img src=x" not in inner and "<script>alert(2)" not in inner  # JSON-escaped inside the view
    panel = next(s for s in app.selectbox if s.label == "Selected node")
    panel.set_value("EVIL-2").run()
    properties = table_with(app, "property")
    assert EVIL_NAMES[2] in set(properties["value"])
    assert all("![t](" not in c.value for c in [*app.caption, *app.markdown])  # Markdown escaped


def test_path_finder_draws_and_explains_chains(demo_db: Path) -> None:
    app = page("pathfinder")
    app.text_input(key="path_from_text").input("CASE-000").run()
    app.text_input(key="path_to_text").input("PER-000-O").run()
    app.checkbox(key="path_avoid").uncheck().run()
    click(app, "Find paths")
    table = app.dataframe[0].value
    assert len(table) >= 1 and table["chain"].str.contains("CASE-000").all()
    assert {n["id"] for n in drawn_nodes(app)} >= {"CASE-000", "PER-000-O"}
    app.checkbox(key="path_avoid").check().run()
    app.number_input(key="path_degree").set_value(2).run()
    click(app, "Find paths")
    assert any("without crossing a hub" in w.value for w in app.warning) or len(app.dataframe[0].value) >= 1


def test_path_finder_goes_through_or_around_a_group(demo_db: Path) -> None:
    app = page("pathfinder")
    app.text_input(key="path_from_text").input("SC-000-0").run()
    app.text_input(key="path_to_text").input("SC-001-0").run()
    app.checkbox(key="path_avoid").uncheck().run()
    offered = list(app.selectbox(key="path_group").options)
    app.selectbox(key="path_group").select_index(offered.index("8 products around luxe-sneakers-outlet-0000")).run()
    around = EmbeddedStore(demo_db).neighbourhood(["SC-000-0"])
    products = {key for key, data in around.nodes(data=True) if "Product" in data["labels"]}
    app.radio(key="path_group_how").set_value("Go through").run()
    through = click(app, "Find paths").dataframe[0].value
    assert len(through) >= 1 and all(products & set(nodes) for nodes in through["nodes"])
    app.radio(key="path_group_how").set_value("Go around").run()
    around_them = click(app, "Find paths").dataframe[0].value
    assert len(around_them) >= 1 and not any(products & set(nodes) for nodes in around_them["nodes"])


def test_path_finder_goes_around_the_community_of_this_sessions_run(demo_db: Path) -> None:
    app = page("pathfinder")
    app.text_input(key="path_from_text").input("SC-000-0").run()
    app.text_input(key="path_to_text").input("SC-001-0").run()
    app.checkbox(key="path_avoid").uncheck().run()
    direct = click(app, "Find paths").dataframe[0].value
    ring = {key for nodes in direct["nodes"] for key in nodes[:-1]}  # the start and every way it took
    app.session_state["membership"] = {**dict.fromkeys(ring, 3), "SC-001-0": 4}  # as the Communities page leaves it
    offered = list(app.run().selectbox(key="path_group").options)
    assert {f"Community 3 · {len(ring)} nodes", "Community 4 · 1 node"} <= set(offered)
    app.selectbox(key="path_group").select_index(offered.index(f"Community 3 · {len(ring)} nodes")).run()
    app.radio(key="path_group_how").set_value("Go around").run()
    detours = click(app, "Find paths").dataframe[0].value
    assert len(detours) >= 1 and not any((ring - {"SC-000-0"}) & set(nodes) for nodes in detours["nodes"])


def test_communities_run_table_and_draw(demo_db: Path, workspace: Workspace) -> None:
    app = page("communities")
    app.checkbox(key="communities_save").check().run()
    click(app, "Run detection")
    summary = app.dataframe[0].value
    assert len(summary) >= 4 and summary["size"].sum() > 100
    assert any("saved as" in c.value for c in app.caption)
    store = EmbeddedStore(demo_db)
    [run] = workspace.records("analysis_runs")
    assert run["summary"] == summary.head(10).to_dict("records")  # what the Overview will show
    assert not {"AnalysisRun", "IngestRun"} & set(store.labels_in_store())  # the tool's records stay out
    drawn = {n["id"] for n in drawn_nodes(app)}
    biggest = set(store.query("MATCH (n) WHERE n.community = 0 RETURN n._kg_key AS key")["key"])
    assert drawn == biggest
    thick = [n["id"] for n in drawn_nodes(app) if n.get("borderWidth") == 4]
    assert len(thick) == 5


def test_saved_query_form_runs_and_shows_graph(demo_db: Path) -> None:
    app = page("queries")
    app.selectbox(key="query_pick").set_value("entity_neighbourhood").run()
    app.text_input(key="param_entity_neighbourhood_entity").input("CASE-001")
    [submit] = [b for b in app.button if b.label == "Run"]
    submit.click().run()
    assert not app.exception and not app.error
    result = app.dataframe[0].value
    assert len(result) > 4 and "CASE-001" not in set(result["id"])
    assert len(drawn_nodes(app)) == len(set(result["id"]))


def test_saved_query_bad_parameter_is_named(demo_db: Path) -> None:
    app = page("queries")
    app.selectbox(key="query_pick").set_value("entity_neighbourhood").run()
    app.text_input(key="param_entity_neighbourhood_entity").input("NO-SUCH-ID")
    [b for b in app.button if b.label == "Run"][0].click().run()
    assert "entity" in app.error[0].value and "NO-SUCH-ID" in plain(app.error[0].value)


@pytest.mark.parametrize("cypher", ["MATCH (n) DETACH DELETE n", "CREATE (:Person {name: 'x'})"])
def test_adhoc_writes_are_refused(demo_db: Path, cypher: str) -> None:
    before = EmbeddedStore(demo_db).counts()
    app = page("queries")
    app.text_area(key="adhoc_cypher").input(cypher).run()
    click(app, "Run query")
    assert app.error and "read-only" in plain(app.error[0].value).lower()
    assert EmbeddedStore(demo_db).counts() == before


def test_adhoc_query_shows_where_the_embedded_store_may_differ(demo_db: Path) -> None:
    app = page("queries")
    app.text_area(key="adhoc_cypher").input("MATCH (c:`Case`) RETURN c.id AS id LIMIT 1").run()
    click(app, "Run query")
    assert any("`.id` of a node without an `id` property" in plain(w.value) for w in app.warning), app.warning


def test_adhoc_query_runs_and_saves_to_the_library(demo_db: Path, tmp_path: Path) -> None:
    app = page("queries")
    cypher = "MATCH (c:`Case`) WHERE c.status = $status RETURN c._kg_key AS id ORDER BY id"
    app.text_area(key="adhoc_cypher").input(cypher).run()
    app.text_input(key="adhoc_params").input('{"status": "open"}').run()
    click(app, "Run query")
    assert not app.error and len(app.dataframe[0].value) >= 1
    app.text_input(key="save_name").input("open_cases")
    app.text_input(key="save_title").input("Open cases")
    [b for b in app.button if b.label == "Save"][0].click().run()
    assert not app.error, app.error
    assert (tmp_path / "queries" / "open_cases.cypher").exists()
    assert "Open cases" in app.selectbox(key="query_pick").options


def test_pages_on_neo4j(
    neo4j_store, neo4j_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workspace: Workspace
) -> None:
    """The same pages on a real Neo4j server."""
    fill_demo(neo4j_store, workspace, tmp_path / "csv")
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_settings.neo4j_username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database or "")
    monkeypatch.setenv("KG_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    overview = page("overview")
    assert {m.label: m.value for m in overview.metric}["Nodes"] == f"{neo4j_store.counts().nodes:,}"
    assert any("loaded_at" in frame.value.columns and len(frame.value) > 10 for frame in overview.dataframe)
    explore = page("explore")
    explore.text_input(key="explore_search_text").input("operaton tyde").run()
    click(explore, "Show")
    case = explore.session_state["explore_history"].now.centres[0]
    assert len(drawn_nodes(explore)) == neo4j_store.neighbours(case)[1] + 1
    queries = page("queries")
    queries.selectbox(key="query_pick").set_value("entity_neighbourhood").run()
    queries.text_input(key="param_entity_neighbourhood_entity").input("CASE-001")
    [b for b in queries.button if b.label == "Run"][0].click().run()
    assert not queries.error and len(drawn_nodes(queries)) > 4
    communities = click(page("communities"), "Run detection")  # in the server: it has Graph Data Science
    assert any("(Neo4j Graph Data Science 2.13." in plain(caption.value) for caption in communities.caption)


def test_unreachable_store_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "do-not-show-me")
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=60).run()
    assert not app.exception
    [error] = app.error
    assert "cannot reach the Neo4j server" in plain(error.value) and "do-not-show-me" not in plain(error.value)


POLE = SHARED_DATASETS / "pole"
#: People, their contacts and where they live: a quarter of POLE (no crimes), so the
#: test loads in seconds.
POLE_PEOPLE_AND_PLACES = [
    f"crime-investigation.{kind}.csv"
    for kind in (
        "nodes.Person", "nodes.Location", "nodes.Area", "nodes.Phone", "nodes.Email",
        "relationships.CURRENT_ADDRESS", "relationships.LOCATION_IN_AREA", "relationships.HAS_PHONE",
        "relationships.HAS_EMAIL", "relationships.KNOWS", "relationships.FAMILY_REL",
    )
]  # fmt: skip


@pytest.mark.skipif(not POLE.is_dir(), reason=f"the POLE dataset is not at {POLE} (a user's own clone)")
def test_a_graph_loaded_with_other_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workspace: Workspace
) -> None:
    """The POLE crime graph's people and places (labels the model does not declare):
    named, searchable, drawn and grouped like the demo."""
    store = EmbeddedStore(tmp_path / "pole.kgl")
    record_loads(workspace, load_paths(store, [POLE / name for name in POLE_PEOPLE_AND_PLACES]))
    store.close()
    monkeypatch.setenv("GRAPH_DB", str(tmp_path / "pole.kgl"))
    monkeypatch.setenv("NEO4J_URI", "")
    overview = page("overview")
    assert {m.label: m.value for m in overview.metric}["Nodes"].replace(",", "").isdigit()
    explore = page("explore")
    explore.text_input(key="explore_search_text").input("Roberts Avenue").run()
    assert explore.selectbox(key="explore_search_match").options[0].startswith("42 Roberts Avenue (")
    click(explore, "Show")
    explore.slider(key="explore_hops").set_value(2).run()
    labels = {node["label"] for node in drawn_nodes(explore)}
    assert "42 Roberts Avenue" in labels and len(labels) > 3
    communities = page("communities")
    click(communities, "Run detection")
    assert len(communities.dataframe[0].value) > 10


def test_entity_parameter_is_looked_up_by_name(demo_db: Path) -> None:
    app = page("queries")
    app.selectbox(key="query_pick").set_value("entity_neighbourhood").run()
    app.text_input(key="lookup_entity_neighbourhood_text").input("operaton tyde").run()
    picked = app.selectbox(key="lookup_entity_neighbourhood_match").value
    click(app, "Use for entity")
    assert app.text_input(key="param_entity_neighbourhood_entity").value == picked
    [b for b in app.button if b.label == "Run"][0].click().run()
    assert (
        not app.error
        and len(app.dataframe[0].value) == EmbeddedStore(demo_db).neighbourhood([picked], hops=2).number_of_nodes() - 1
    )


def test_direction_controls_in_names_are_shown_not_obeyed(demo_db: Path) -> None:
    spoof = "shop \u202eexe.txt"  # displays as "shop txt.exe"
    with EmbeddedStore(demo_db) as store:
        store.upsert_nodes(
            [NodeRecord(("SalesChannel",), "RLO-1", {"name": spoof, "url\u2066": spoof}, source="scrape")]
        )
        store.upsert_relationships([RelationshipRecord("HOSTED_ON", "RLO-1", "MKT-00", source="scrape\u202e")])
    app = page("explore")
    app.text_input(key="explore_search_text").input("RLO-1").run()
    click(app, "Show")
    shown = "shop [U+202E]exe.txt"
    assert f"{shown} (RLO-1)" in next(s for s in app.selectbox if s.label == "Selected node").options
    assert any(shown in option for option in next(s for s in app.selectbox if s.label == "Match").options)
    properties, provenance = table_with(app, "property"), table_with(app, "fact")
    assert dict(zip(properties["property"], properties["value"], strict=True)) == {"name": shown, "url[U+2066]": shown}
    assert "scrape[U+202E]" in set(provenance["sources"])
    assert shown in {node["label"] for node in drawn_nodes(app)}
    texts = [*(e.value for e in [*app.caption, *app.markdown]), view_page(app), *map(str, app.dataframe)]
    assert not any("\u202e" in text or "\u2066" in text for text in texts)
