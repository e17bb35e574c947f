"""Overview: what is in the graph, its largest rings, the latest cases and where the
data came from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.analysis.communities import detect
from graph.analysis.projection import project
from graph.analysis.summaries import summarise
from graph.records import Counts
from graph.store import GraphStore
from graph.store.factory import Settings
from graph.views.pages import CASE, data_sources, recent_cases
from ui.common import FRESH_FOR, md, setup, show_table, version, workspace

LARGEST = 10


@st.cache_data(show_spinner="Finding communities…", max_entries=4, ttl=FRESH_FOR)
def _largest_communities(_store: GraphStore, data: tuple[str, int], counts: tuple) -> tuple[pd.DataFrame, str]:
    projection = project(_store)
    if projection.node_count == 0:
        return pd.DataFrame(), ""
    result = detect(projection)
    how = (
        f"{result.algorithm} ({result.implementation}, seed {result.seed}) over {result.nodes} nodes: "
        f"{len(set(result.membership.values()))} communities, modularity {result.modularity:.3f}"
    )
    return summarise(_store, projection, result, limit=LARGEST), how


@st.cache_data(show_spinner=False, max_entries=4, ttl=FRESH_FOR)
def _counts(_store: GraphStore, data: tuple[str, int]) -> Counts:
    return _store.counts()


def main() -> None:
    graph_store = setup("Overview")
    counts = _counts(graph_store, version())
    st.caption(md(Settings.from_env().describe()))
    one, two, three = st.columns(3)
    one.metric("Nodes", f"{counts.nodes:,}")
    two.metric("Relationships", f"{counts.relationships:,}")
    three.metric("Cases", f"{counts.labels.get(CASE, 0):,}")
    left, right = st.columns(2)
    with left:
        st.subheader("Nodes by label")
        show_table(pd.DataFrame(list(counts.labels.items()), columns=["label", "nodes"]))
    with right:
        st.subheader("Relationships by type")
        show_table(pd.DataFrame(list(counts.types.items()), columns=["type", "relationships"]))

    st.subheader("Largest communities")
    key = (counts.nodes, counts.relationships)
    summary, how = _largest_communities(graph_store, version(), key)
    if summary.empty:
        st.info("The graph is empty: load data with `python -m ingest` (see the README).")
    else:
        st.caption(md(how) + " · tune and draw them on the Communities page")
        show_table(summary, width="stretch")

    st.subheader("Recent cases")
    cases = recent_cases(graph_store)
    if cases.empty:
        st.caption("No cases loaded.")
    else:  # a statement, not a bare conditional expression: Streamlit's magic would print its value
        show_table(cases, width="stretch")

    st.subheader("Data sources loaded")
    loads = data_sources(workspace())
    if loads.empty:
        st.caption("No load is recorded (data loaded with `python -m ingest` records each file here).")
    else:
        show_table(loads, width="stretch")


main()
