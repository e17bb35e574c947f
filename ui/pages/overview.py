"""Overview: what is in the graph, its largest rings, where the data came from and the
latest cases.

A first visit computes nothing on the whole graph: the rings are those of the last saved
community run, kept with its summary in the workspace; without one, a button finds and
saves them, with a progress bar and a Cancel button."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.analysis.summaries import COLUMNS
from graph.records import Counts
from graph.store import GraphStore
from graph.store.factory import Settings
from graph.views.pages import CASE, data_sources, recent_cases
from ui.common import (
    FRESH_FOR,
    long_work,
    md,
    report_errors,
    run_communities,
    say_if_cancelled,
    setup,
    show_table,
    version,
    workspace,
)

WORK = "overview_communities"


@st.cache_data(show_spinner=False, max_entries=4, ttl=FRESH_FOR)
def _counts(_store: GraphStore, data: tuple[str, int]) -> Counts:
    return _store.counts()


def _last_run() -> dict[str, Any] | None:
    """The last community run saved to the graph, from the workspace (no graph read)."""
    runs = workspace().records("analysis_runs", kind="communities", limit=1)
    return runs[0] if runs else None


def _loaded_since(run: dict[str, Any]) -> bool:
    """Whether a file was loaded after the run (its communities leave that data out)."""
    loads = workspace().records("ingest_runs", limit=1)
    return bool(loads) and loads[0]["at"] > run["at"]


def _show_run(run: dict[str, Any]) -> None:
    st.caption(
        md(
            f"{run['algorithm']} ({run['implementation']}, seed {run['seed']}, resolution {run['resolution']}) "
            f"over {run['nodes']:,} nodes: {run['communities']:,} communities, modularity {run['modularity']:.3f}; "
            f"saved {run['at']:%Y-%m-%d %H:%M} UTC by {run['by']} as {run['id']}"
        )
        + " · tune and draw them on the Communities page"
    )
    kept = pd.DataFrame(run["summary"])  # the workspace keeps each row's fields by name, not in order
    show_table(kept[[column for column in COLUMNS if column in kept]], width="stretch")


def _offer_run(graph_store: GraphStore, run: dict[str, Any] | None) -> None:
    """Say why no rings are shown and offer to find them; a finished run is then shown."""
    offer = st.empty()
    with offer.container():
        if run is None:
            st.caption("No community run is saved yet.")
        elif run["summary"]:
            st.caption("Files were loaded after this run: its communities leave their data out.")
        else:
            st.caption(md(f"The last saved run, {run['id']}, kept no summary of its communities."))
        clicked = st.button(
            "Find and save communities",
            help="Community detection on the whole graph with the default settings; saves each node's "
            "community and the run, so this page shows them at once next time",
        )
    if clicked:
        with long_work(WORK, "finding communities") as progress:
            done = report_errors(lambda: run_communities(graph_store, progress, save=True))
        if done:
            offer.empty()


def _largest_communities(graph_store: GraphStore, counts: Counts) -> None:
    st.subheader("Largest communities")
    if counts.nodes == 0:
        st.info("The graph is empty: load data with `python -m ingest` (see the README).")
        return
    say_if_cancelled(WORK)
    run = _last_run()
    if run is None or not run["summary"] or _loaded_since(run):
        _offer_run(graph_store, run)
        run = _last_run()
    if run is not None and run["summary"]:
        _show_run(run)


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
        show_table(
            pd.DataFrame(list(counts.labels.items()), columns=["label", "nodes"]),
            column_config={"nodes": st.column_config.NumberColumn(format="localized")},
        )
    with right:
        st.subheader("Relationships by type")
        show_table(
            pd.DataFrame(list(counts.types.items()), columns=["type", "relationships"]),
            column_config={"relationships": st.column_config.NumberColumn(format="localized")},
        )

    _largest_communities(graph_store, counts)

    st.subheader("Data sources loaded")
    loads = data_sources(workspace())
    if loads.empty:
        st.caption("No load is recorded (data loaded with `python -m ingest` records each file here).")
    else:
        show_table(loads, width="stretch")

    # last: the one part that reads the graph, which a large file's reader may still be opening
    st.subheader("Recent cases")
    with st.spinner("Reading the latest cases (the first read of a large graph waits for it to open)"):
        cases = recent_cases(graph_store)
    if cases.empty:
        st.caption("No cases loaded.")
    else:  # a statement, not a bare conditional expression: Streamlit's magic would print its value
        show_table(cases, width="stretch")


main()
