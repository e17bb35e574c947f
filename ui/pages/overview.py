"""Overview: what is in the graph, its largest rings, the latest cases and where the
data came from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.communities import detect
from graph.config import Settings
from graph.model import quote
from graph.projection import project
from graph.records import Counts
from graph.store import GraphStore
from graph.summaries import summarise
from ui.common import FRESH_FOR, md, setup, version

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


def _latest(graph_store: GraphStore, label: str, query: str) -> pd.DataFrame:
    if label not in graph_store.labels_in_store():
        return pd.DataFrame()
    return graph_store.query(query.format(label=quote(label)))


def main() -> None:
    graph_store = setup("Overview")
    counts = _counts(graph_store, version())
    st.caption(md(Settings.from_env().describe()))
    one, two, three = st.columns(3)
    one.metric("Nodes", f"{counts.nodes:,}")
    two.metric("Relationships", f"{counts.relationships:,}")
    three.metric("Cases", f"{counts.labels.get('Case', 0):,}")
    left, right = st.columns(2)
    left.subheader("Nodes by label")
    left.dataframe(pd.DataFrame(list(counts.labels.items()), columns=["label", "nodes"]), hide_index=True)
    right.subheader("Relationships by type")
    right.dataframe(pd.DataFrame(list(counts.types.items()), columns=["type", "relationships"]), hide_index=True)

    st.subheader("Largest communities")
    key = (counts.nodes, counts.relationships)
    summary, how = _largest_communities(graph_store, version(), key)
    if summary.empty:
        st.info("The graph is empty: load data with `python -m ingest` (see the README).")
    else:
        st.caption(md(how) + " · tune and draw them on the Communities page")
        st.dataframe(summary, hide_index=True, width="stretch")

    st.subheader("Recent cases")
    cases = _latest(
        graph_store,
        "Case",
        "MATCH (c:{label}) RETURN c._kg_key AS id, c.name AS name, c.kind AS kind, c.status AS status, "
        "c.opened AS opened, c.closed AS closed ORDER BY c.opened IS NULL, c.opened DESC, id LIMIT 15",
    )
    st.dataframe(cases, hide_index=True, width="stretch") if not cases.empty else st.caption("No cases loaded.")

    st.subheader("Data sources loaded")
    loads = _latest(
        graph_store,
        "IngestRun",
        "MATCH (r:{label}) RETURN r.name AS file, r.at AS loaded_at, r.by AS by, r.read AS rows, "
        "r.loaded AS loaded, r.rejected AS rejected, r.problem AS problem ORDER BY r.at DESC, file LIMIT 100",
    )
    if loads.empty:
        st.caption("No load is recorded (data loaded with `python -m ingest` records each file here).")
    else:
        st.dataframe(loads, hide_index=True, width="stretch")


main()
