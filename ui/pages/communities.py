"""Communities: run detection with the analyst's settings, read the rings' summaries,
draw one with its key players highlighted."""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from graph.analysis.communities import ALGORITHMS, DEFAULT_ALGORITHM
from graph.analysis.keyplayers import key_players
from graph.analysis.projection import Scope
from graph.progress import Progress
from graph.store import GraphStore
from ui.common import (
    briefing_panel,
    csv_download,
    long_work,
    md,
    report_errors,
    run_communities,
    say_if_cancelled,
    setup,
    show_network,
    show_table,
)

STATE = "communities"
DETECTION, PLAYERS = "communities_detection", "communities_players"  # their long work
DRAWN_AT_MOST = 500  # members drawn; larger rings show their best-connected members
HIGHLIGHTED = 5


def _settings(graph_store: GraphStore) -> None:
    model = graph_store.model
    one, two, three = st.columns(3)
    algorithm = one.selectbox(
        "Algorithm", ALGORITHMS, index=ALGORITHMS.index(DEFAULT_ALGORITHM), key="communities_algorithm"
    )
    resolution = two.number_input(
        "Resolution",
        0.05,
        100.0,
        None,
        step=0.1,
        key="communities_resolution",
        placeholder="chosen from the data",
        help="Higher: more, smaller rings. Empty: the scale of a node's neighbourhood, so rings stay rings "
        "however large the graph",
    )
    seed = three.number_input("Seed", 0, 2**31 - 1, 42, key="communities_seed", help="Same seed, same communities")
    labels = one.multiselect("Only these labels", sorted(model.labels), key="communities_labels")
    types = two.multiselect("Only these relationship types", sorted(model.relationships), key="communities_types")
    save = three.checkbox(
        "Save to the graph", key="communities_save", help="Write each node's community and record the run"
    )
    say_if_cancelled(DETECTION)
    if st.button("Run detection", type="primary"):
        scope = Scope(labels=tuple(labels) or None, types=tuple(types) or None)
        options = {"algorithm": algorithm, "resolution": resolution, "seed": int(seed)}
        with long_work(DETECTION, f"{algorithm} community detection") as progress:
            done = report_errors(lambda: run_communities(graph_store, progress, scope=scope, save=save, **options))
            if done:  # kept before the block ends: no Streamlit call may come between the save and this
                st.session_state[STATE] = done
                st.session_state["membership"] = done["result"].membership
                st.session_state["membership_run"] = uuid.uuid4().hex  # names this run in shared caches


def _players(graph_store: GraphStore, done: dict, members: list[int], progress: Progress) -> pd.DataFrame:
    players, _ = key_players(
        done["projection"].subset(members), graph_store.model, limit=len(members), progress=progress
    )
    return players


def _draw(graph_store: GraphStore, done: dict, community: int) -> None:
    projection, result = done["projection"], done["result"]
    members = [i for i, key in enumerate(projection.keys) if result.membership[key] == community]
    ranked = done.setdefault("players", {})  # per community, kept for this run's reruns
    if community not in ranked:
        if say_if_cancelled(PLAYERS) and not st.button(f"Rank the key players of community {community}"):
            return
        with long_work(PLAYERS, f"ranking the key players of community {community}") as progress:
            ranked[community] = _players(graph_store, done, members, progress)
    players = ranked[community]
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
            f"resolution {result.resolution:g}"
            + (" (chosen from the data)" if result.resolution_rule else "")
            + f", modularity {result.modularity:.3f}, {result.seconds:.2f} s"
            + (f" · saved as {done['run']}" if done["run"] else " · not saved")
            + "".join(f" · {note}" for note in done.get("notes", []))
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
