"""Path finder: how two entities are connected, drawn and told as chains, optionally
walking around hubs (a marketplace everyone sells on links everything)."""

from __future__ import annotations

import streamlit as st

from graph.analysis.paths import ExplainedPath, find_paths, paths_table
from graph.analysis.projection import Projection, project
from graph.store import GraphStore
from ui.common import (
    FRESH_FOR,
    briefing_panel,
    csv_download,
    entity_picker,
    md,
    report_errors,
    setup,
    show_network,
    show_table,
    version,
)

STATE = "paths"


@st.cache_resource(show_spinner="Reading the graph…", max_entries=2, ttl=FRESH_FOR)
def _projection(_store: GraphStore, data: tuple[str, int]) -> Projection:
    return project(_store)


def _find(graph_store: GraphStore, start: str, end: str, hops: int, max_degree: int | None, limit: int) -> list:
    projection = _projection(graph_store, version()) if max_degree else None
    return find_paths(graph_store, start, end, max_hops=hops, max_degree=max_degree, limit=limit, projection=projection)


def main() -> None:
    graph_store = setup("Path finder")
    left, right = st.columns(2)
    with left:
        start = entity_picker("From", "path_from")
    with right:
        end = entity_picker("To", "path_to")
    one, two, three = st.columns(3)
    hops = one.slider("At most this many links", 1, 10, 6, key="path_hops")
    avoid = two.checkbox("Avoid hubs", value=True, key="path_avoid", help="Do not walk through very connected nodes")
    max_degree = two.number_input("Hub: more neighbours than", 2, 100_000, 50, key="path_degree", disabled=not avoid)
    limit = three.number_input("Paths shown", 1, 100, 10, key="path_limit")
    if st.button("Find paths", type="primary", disabled=not (start and end)):
        found = report_errors(
            lambda: _find(graph_store, start, end, hops, int(max_degree) if avoid else None, int(limit))
        )
        st.session_state[STATE] = {"start": start, "end": end, "paths": found or [], "avoid": avoid, "hops": hops}
    result = st.session_state.get(STATE)
    if not result:
        return
    paths: list[ExplainedPath] = result["paths"]
    if not paths:
        st.warning(
            md(f"No path of at most {result['hops']} links joins {result['start']} and {result['end']}")
            + (" without crossing a hub: try a higher hub threshold." if result["avoid"] else ".")
        )
        return
    table = paths_table(paths)
    st.subheader(f"{len(paths)} shortest path(s), {len(paths[0].steps)} link(s) each")
    show_table(table, width="stretch")
    csv_download(table, "paths.csv", "path_csv")
    keys = {key for path in paths for key in path.nodes}
    graph = graph_store.subgraph(keys)
    on_path = {(a, b) for path in paths for a, b in zip(path.nodes, path.nodes[1:], strict=False)}
    graph.remove_edges_from(
        [(u, v, k) for u, v, k in graph.edges(keys=True) if (u, v) not in on_path and (v, u) not in on_path]
    )
    drawing = {"highlight": {result["start"], result["end"]}}
    show_network(graph, **drawing)
    briefing_panel(
        graph,
        key="path_briefing",
        title=f"How {result['start']} connects to {result['end']}",
        tables={"Paths": table},
        scope=[f"shortest paths of at most {result['hops']} links" + (", around hubs" if result["avoid"] else "")],
        drawing=drawing,
    )


main()
