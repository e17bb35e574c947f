"""Path finder: how two entities are connected, drawn and told as chains, optionally
walking around hubs (a marketplace everyone sells on links everything), and through or
around a group (the storefronts of one end's marketplace, one end's community)."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from graph.analysis.paths import ExplainedPath, FoundPaths, find_paths, paths_table
from graph.store import GraphStore
from graph.views.groups import Group, community_groups, label_choices, label_group, saved_community
from graph.views.text import visible
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
GROUP_NEIGHBOURS = 5000  # neighbours of an end read to offer its label groups
HOW = {"Ignore": None, "Go through": "via", "Go around": "avoid"}


@st.cache_resource(show_spinner="Reading the neighbours…", max_entries=8, ttl=FRESH_FOR)
def _neighbourhood(_store: GraphStore, key: str, data: tuple[str, int]) -> nx.MultiDiGraph:
    return _store.neighbourhood([key], hops=1, limit=GROUP_NEIGHBOURS)


def _community(graph_store: GraphStore, key: str) -> Group | None:
    """``key``'s community in the run the Communities page made this session, else in
    the last run saved to the graph."""
    membership = st.session_state.get("membership") or {}
    if key in membership:
        return community_groups({k: c for k, c in membership.items() if c == membership[key]})[0]
    return saved_community(graph_store, key)


def _groups(graph_store: GraphStore, ends: list[str]) -> dict[str, Group]:
    """The groups offered around the two ends, by id: each label at least two of an
    end's neighbours hold, and each end's community."""
    groups: list[Group | None] = []
    for key in ends:
        graph = _neighbourhood(graph_store, key, version())
        groups += [label_group(graph, key, label, graph_store.model) for label in label_choices(graph, key)]
    groups += [_community(graph_store, key) for key in ends]
    return {group.id: group for group in groups if group is not None}


def _group_controls(graph_store: GraphStore, start: str | None, end: str | None) -> tuple[Group | None, str | None]:
    """The group picked and how to treat it: ``via``, ``avoid`` or None (ignore)."""
    groups = report_errors(lambda: _groups(graph_store, [key for key in (start, end) if key])) or {}
    left, right = st.columns([2, 1])
    if not groups:
        left.caption("Groups: pick the two ends to see the groups around them.")
        return None, None
    picked = left.selectbox("Group", list(groups), format_func=lambda gid: visible(groups[gid].title), key="path_group")
    how = right.radio("The paths…", list(HOW), horizontal=True, key="path_group_how")
    return groups.get(picked), HOW[how]


def _find(
    graph_store: GraphStore, start: str, end: str, hops: int, max_degree: int | None, limit: int, group: dict
) -> FoundPaths:
    with st.spinner("Searching paths from both ends…"):
        return find_paths(graph_store, start, end, max_hops=hops, max_degree=max_degree, limit=limit, **group)


def _scope(result: dict) -> str:
    """How the paths were searched, in words, for the empty result and the briefing."""
    words = f"shortest paths of at most {result['hops']} links" + (", around hubs" if result["avoid"] else "")
    if result["group"]:
        words += (" through " if result["how"] == "via" else " around ") + result["group"]
    return words


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
    group, how = _group_controls(graph_store, start, end)
    chosen = {how: group.members} if group and how else {}
    if st.button("Find paths", type="primary", disabled=not (start and end)):
        found = report_errors(
            lambda: _find(graph_store, start, end, hops, int(max_degree) if avoid else None, int(limit), chosen)
        )
        st.session_state[STATE] = {
            "start": start, "end": end, "paths": found.paths if found else [], "avoid": avoid, "hops": hops,
            "group": group.title if chosen else None, "how": how, "hubs": found.hubs if found else (),
        }  # fmt: skip
    result = st.session_state.get(STATE)
    if not result:
        return
    paths: list[ExplainedPath] = result["paths"]
    if result.get("hubs"):
        named = ", ".join(f"{key} ({neighbours:,})" for key, neighbours in result["hubs"][:10])
        st.caption(md(f"Not walked through, as hubs: {named}" + (" and more." if len(result["hubs"]) > 10 else ".")))
    if not paths:
        st.warning(
            md(f"No path joins {result['start']} and {result['end']}: {_scope(result)}.")
            + (" Try a higher hub threshold." if result["avoid"] else "")
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
        scope=[_scope(result)],
        drawing=drawing,
    )


main()
