"""Timeline: a case (two hops out, as Explore draws it) or a community of the last saved
detection run, read in time. The timeline's brush filters the drawn view to what existed
or happened in the period; a lane clicked selects in the drawing, and a node clicked
there lights its lanes."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx
import streamlit as st

from graph.store import GraphStore
from graph.views.explore import ViewSpec, build_view
from graph.views.groups import community_members
from graph.views.pages import case_choices
from graph.views.timeline import in_window
from graph.views.timeline_chart import TimelineShown
from ui.common import (
    FRESH_FOR,
    Period,
    briefing_panel,
    md,
    report_errors,
    setup,
    show_network,
    show_timeline,
    version,
    workspace,
)

CASE, COMMUNITY = "A case", "A community of the last saved run"
SELECTED = "timeline_selected"
HOPS = 2
DRAWN_AT_MOST = 500  # members of a community drawn (the Communities page draws as many)


@st.cache_data(show_spinner=False, max_entries=64, ttl=FRESH_FOR)
def _cases(_store: GraphStore, data: tuple[str, int]) -> dict[str, str]:
    return case_choices(_store)


@st.cache_data(show_spinner=False, max_entries=16, ttl=FRESH_FOR)
def _case_view(_store: GraphStore, case: str, data: tuple[str, int]) -> nx.MultiDiGraph:
    return build_view(_store, ViewSpec(centres=(case,), hops=HOPS)).graph


@st.cache_data(show_spinner=False, max_entries=16, ttl=FRESH_FOR)
def _community_view(_store: GraphStore, run: str, community: int, data: tuple[str, int]) -> nx.MultiDiGraph:
    return _store.subgraph(community_members(_store, run, community)[:DRAWN_AT_MOST])


def _last_run() -> dict[str, Any] | None:
    runs = workspace().records("analysis_runs", kind="communities", limit=1)
    return runs[0] if runs else None


def _chosen(graph_store: GraphStore) -> tuple[Hashable, str, nx.MultiDiGraph] | None:
    """The view asked for: what names it (for the period kept), its title, its graph."""
    kind = st.radio("Read in time", [CASE, COMMUNITY], horizontal=True, key="timeline_kind")
    if kind == CASE:
        cases = _cases(graph_store, version())
        if not cases:
            st.info("The graph holds no case.")
            return None
        case = st.selectbox("Case", sorted(cases, key=cases.get), format_func=cases.get, key="timeline_case")
        graph = report_errors(lambda: _case_view(graph_store, case, version()))
        return None if graph is None else (("case", case), f"Case {cases[case]}", graph)
    run = _last_run()
    if run is None or not run["summary"]:
        st.info("No community run with its summary is saved: find and save communities on the Overview page.")
        return None
    rows = {int(row["community"]): row for row in run["summary"]}
    community = st.selectbox(
        "Community",
        list(rows),
        format_func=lambda c: f"{c} · {rows[c]['size']} members · {rows[c].get('key_members', '')}",
        key="timeline_community",
    )
    graph = report_errors(lambda: _community_view(graph_store, run["id"], community, version()))
    title = f"Community {community} of {run['id']}"
    return None if graph is None else (("community", run["id"], community), title, graph)


def main() -> None:
    graph_store = setup("Timeline")
    chosen = _chosen(graph_store)
    if chosen is None:
        return
    scope, title, untimed = chosen
    period = Period.in_session("timeline_period", scope)
    window = period.window
    graph = in_window(untimed, graph_store.model, *window) if window else untimed
    selected = tuple(node for node in st.session_state.get(SELECTED, ()) if node in untimed)
    st.caption(md(f"{graph.number_of_nodes()} of {untimed.number_of_nodes()} nodes, {graph.number_of_edges()} links"))
    period.bar()

    def select(chosen: tuple[str, ...]) -> None:
        st.session_state[SELECTED] = chosen

    moments = show_timeline(untimed, selected=selected, window=window, cache_key=(scope, version()), key="timeline")
    period.follow(moments, selected, select)
    events = show_network(
        graph, selected=selected, height=560, cache_key=(scope, window, version()), key="timeline_network"
    )
    if events.selection is not None and events.selection != selected:
        select(events.selection)
        st.rerun()
    briefing_panel(
        graph,
        key="timeline_briefing",
        title=title,
        scope=[title] + ([f"what existed or happened {window[0]} – {window[1]}"] if window else []),
        timeline=TimelineShown(untimed, window),
    )


main()
