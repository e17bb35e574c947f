"""The period brushed on Explore's timeline belongs to the view, through Streamlit's
AppTest: a link carries it, a saved view keeps it, and clearing it is a step that Undo
takes back. (The brush itself, and Play, are in tests/ui/test_timeline_browser.py.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from graph.store.embedded_engine import EmbeddedStore
from graph.views.explore import build_view
from graph.views.pages import case_choices
from graph.views.saved import saved_views
from graph.views.state import ViewState
from graph.views.timeline import in_window
from graph.workspace import Workspace
from tests.ui.test_pages import PAGES, click, drawn_nodes, page, plain

PERIOD = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def _linked(database: Path) -> tuple[ViewState, set[str], set[str]]:
    """A case two hops out with the period, the nodes of its whole view and of the period."""
    with EmbeddedStore(database) as store:
        case = sorted(case_choices(store))[0]
        state = ViewState(centres=(case,), hops=2, period=PERIOD)
        whole = build_view(store, state.spec()).graph
        return state, set(whole), set(in_window(whole, store.model, *PERIOD))


def _opened(token: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / "explore.py"), default_timeout=120)
    app.query_params["view"] = token
    app.run()
    assert not app.exception, app.exception
    return app


def _shown(app: AppTest) -> set[str]:
    return {node["id"] for node in drawn_nodes(app) if not node["id"].startswith("more:")}


def _brushed(app: AppTest) -> list[str] | None:
    """The period the page hands its timeline frame."""
    [frame] = [e for e in app.get("bidi_component") if e.proto.component_name == "kg_timeline"]
    return json.loads(frame.proto.json)["window"]


def _link(app: AppTest) -> ViewState:
    """The view the address bar's link carries."""
    token = app.query_params["view"]
    return ViewState.from_token(token[0] if isinstance(token, list) else token)


def _now(app: AppTest) -> ViewState:
    return app.session_state["explore_history"].now


def test_a_link_with_a_period_reopens_the_view_cut_to_it_and_clearing_it_can_be_undone(demo_db: Path) -> None:
    state, whole, kept = _linked(demo_db)
    app = _opened(state.to_token())
    assert kept and kept < whole
    assert _shown(app) == kept and _brushed(app) == ["2022-01-01", "2022-12-31"]
    assert any("Showing 2022-01-01 – 2022-12-31" in plain(text.value) for text in app.markdown)
    click(app, "Clear the period")
    assert _shown(app) == whole and _brushed(app) is None and _now(app).period is None
    assert app.session_state["explore_history"].breadcrumb()[-1] == "Clear the period"
    assert _link(app).period is None  # the link follows
    click(app, "↶ Undo")
    assert _shown(app) == kept and _brushed(app) == ["2022-01-01", "2022-12-31"]
    assert _link(app).period == PERIOD
    click(app, "↷ Redo")
    assert _shown(app) == whole and _now(app).period is None


def test_a_saved_view_reopens_with_its_period(demo_db: Path, workspace: Workspace) -> None:
    state, _, kept = _linked(demo_db)
    app = _opened(state.to_token())
    app.text_input(key="explore_save_name").input("Tide in 2022")
    click(app, "Save this view")
    [saved] = saved_views(workspace)
    later = page("explore")
    later.selectbox(key="explore_saved_choice").set_value(saved["id"])
    click(later, "Open saved view")
    assert _now(later).period == PERIOD and _shown(later) == kept
    assert later.session_state["explore_history"].breadcrumb()[-1] == "Opened saved view Tide in 2022"


def test_showing_another_entity_starts_without_the_period(demo_db: Path) -> None:
    state, _, _ = _linked(demo_db)
    app = _opened(state.to_token())
    app.text_input(key="explore_search_text").input("operation").run()
    click(app, "Show")
    assert _now(app).period is None and _brushed(app) is None
