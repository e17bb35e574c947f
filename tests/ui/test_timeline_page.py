"""The Timeline page on the demo graph, through Streamlit's AppTest: a case or a
community of the last saved run, its timeline above its graph, and the graph cut to
the period brushed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from graph.model import load_model
from graph.store.embedded_engine import EmbeddedStore
from graph.views.explore import ViewSpec, build_view
from graph.views.timeline import in_window
from graph.workspace import Workspace
from tests.conftest import Ran
from tests.ui.test_pages import drawn_nodes, page, plain


def _frame(app: AppTest, name: str) -> dict:
    [frame] = [e for e in app.get("bidi_component") if e.proto.component_name == name]
    return json.loads(frame.proto.json)


def _case_view(database: Path, case: str):
    with EmbeddedStore(database) as store:
        return build_view(store, ViewSpec(centres=(case,), hops=2)).graph


def test_a_case_in_time_and_its_graph_cut_to_the_period(demo_db: Path) -> None:
    app = page("timeline")
    case = app.selectbox(key="timeline_case").value
    view = _case_view(demo_db, case)
    timeline = _frame(app, "kg_timeline")
    assert timeline["title"] == "timeline" and timeline["window"] is None
    assert f'"key": "{case}"' in timeline["html"]  # the case has its lane
    assert {node["id"] for node in drawn_nodes(app)} == set(view)
    period = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    app.session_state["timeline_period"] = (("case", case), period)  # as a brush leaves it
    app.run()
    assert not app.exception, app.exception
    kept = in_window(view, load_model(), *period)
    assert {node["id"] for node in drawn_nodes(app)} == set(kept) and len(kept) < len(view)
    assert _frame(app, "kg_timeline")["window"] == ["2022-01-01", "2022-12-31"]
    assert any("Showing 2022-01-01 – 2022-12-31" in plain(text.value) for text in app.markdown)
    assert [b for b in app.button if b.label == "Clear the period"]


def test_a_community_of_the_last_saved_run(demo_db: Path, workspace: Workspace, cli: Callable[..., Ran]) -> None:
    app = page("timeline")
    app.radio(key="timeline_kind").set_value("A community of the last saved run").run()
    assert any("No community run" in info.value for info in app.info)
    env = {"GRAPH_DB": str(demo_db), "KG_WORKSPACE": str(workspace.path), "NEO4J_URI": ""}
    assert cli(env, "graph", "communities", "--algorithm", "leiden", "--seed", "7").returncode == 0
    app = page("timeline")
    app.radio(key="timeline_kind").set_value("A community of the last saved run").run()
    assert not app.exception, app.exception
    [run] = workspace.records("analysis_runs")
    community = app.selectbox(key="timeline_community").value
    with EmbeddedStore(demo_db) as store:
        members = {
            row["key"]
            for row in store.read(
                "MATCH (n) WHERE n.community_run = $run AND n.community = $c RETURN n.id AS key",
                {"run": run["id"], "c": community},
            )
        }
    assert {node["id"] for node in drawn_nodes(app)} == members
    assert '"lanes": [{' in _frame(app, "kg_timeline")["html"]
