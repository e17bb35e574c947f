"""Communities: run detection with the analyst's settings, read the rings' summaries,
draw one with its key players highlighted."""

from __future__ import annotations

import uuid

import streamlit as st

from graph.analysis.communities import ALGORITHMS, detect, write_back
from graph.analysis.keyplayers import key_players
from graph.analysis.projection import Scope, project
from graph.analysis.summaries import summarise
from graph.store import GraphStore
from ui.common import (
    briefing_panel,
    changed,
    csv_download,
    md,
    report_errors,
    setup,
    show_network,
    show_table,
    workspace,
)

STATE = "communities"
DRAWN_AT_MOST = 500  # members drawn; larger rings show their best-connected members
HIGHLIGHTED = 5


def _run(graph_store: GraphStore, scope: Scope, algorithm: str, resolution: float, seed: int, save: bool) -> dict:
    projection = project(graph_store, scope)
    result = detect(projection, algorithm, seed=seed, resolution=resolution)
    run_id = write_back(graph_store, workspace(), projection, result) if save else None
    if save:
        changed()
    return {
        "projection": projection,
        "result": result,
        "summary": summarise(graph_store, projection, result, limit=None),
        "run": run_id,
    }


def _settings(graph_store: GraphStore) -> None:
    model = graph_store.model
    one, two, three = st.columns(3)
    algorithm = one.selectbox("Algorithm", ALGORITHMS, key="communities_algorithm")
    resolution = two.number_input(
        "Resolution", 0.05, 10.0, 1.0, step=0.1, key="communities_resolution", help="Higher: more, smaller rings"
    )
    seed = three.number_input("Seed", 0, 2**31 - 1, 42, key="communities_seed", help="Same seed, same communities")
    labels = one.multiselect("Only these labels", sorted(model.labels), key="communities_labels")
    types = two.multiselect("Only these relationship types", sorted(model.relationships), key="communities_types")
    save = three.checkbox(
        "Save to the graph", key="communities_save", help="Write each node's community and record the run"
    )
    if st.button("Run detection", type="primary"):
        scope = Scope(labels=tuple(labels) or None, types=tuple(types) or None)
        with st.spinner("Detecting communities…"):
            done = report_errors(lambda: _run(graph_store, scope, algorithm, float(resolution), int(seed), save))
        if done:
            st.session_state[STATE] = done
            st.session_state["membership"] = done["result"].membership
            st.session_state["membership_run"] = uuid.uuid4().hex  # names this run in shared caches


def _draw(graph_store: GraphStore, done: dict, community: int) -> None:
    projection, result = done["projection"], done["result"]
    members = [i for i, key in enumerate(projection.keys) if result.membership[key] == community]
    ring = projection.subset(members)
    players, _ = key_players(ring, graph_store.model, limit=len(members))
    shown = set(players["key"].head(DRAWN_AT_MOST)) | {
        projection.keys[i] for i in members[: max(0, DRAWN_AT_MOST - len(players))]
    }
    graph = graph_store.subgraph(shown)
    top = set(players["key"].head(HIGHLIGHTED))
    st.caption(
        md(f"{len(members)} members" + (f", {len(shown)} drawn" if len(shown) < len(members) else ""))
        + " · thick border: the top key players"
    )
    drawing = {"sizes": dict(zip(players["key"], players["score"], strict=True)), "highlight": top}
    show_network(graph, **drawing)
    show_table(players.head(15), width="stretch")
    briefing_panel(
        graph,
        key="communities_briefing",
        title=f"Community {community}",
        tables={"Key players": players.head(15)},
        scope=[f"{result.algorithm}, seed {result.seed}, resolution {result.resolution}"],
        drawing=drawing,
    )


def main() -> None:
    graph_store = setup("Communities")
    _settings(graph_store)
    done = st.session_state.get(STATE)
    if not done:
        st.info("Choose the settings and run detection.")
        return
    result, summary = done["result"], done["summary"]
    st.caption(
        md(
            f"{result.algorithm} ({result.implementation}): {len(summary)} communities over {result.nodes} nodes, "
            f"modularity {result.modularity:.3f}, {result.seconds:.2f} s"
            + (f" · saved as {done['run']}" if done["run"] else " · not saved")
        )
    )
    show_table(summary, width="stretch")
    csv_download(summary, "communities.csv", "communities_csv")
    community = st.selectbox(
        "Draw community",
        list(summary["community"]),
        format_func=lambda c: f"{c} · {summary.loc[summary['community'] == c, 'size'].iloc[0]} members",
        key="communities_pick",
    )
    if community is not None:
        _draw(graph_store, done, int(community))


main()
