"""Explore: search an entity, draw its neighbourhood, expand nodes, read their
properties and provenance. The view (centres, expansions, selection) lives in
``st.session_state["explore"]`` so it survives every rerun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

import pandas as pd
import streamlit as st

from graph.store import GraphStore
from graph.views.explore import Filters, View, ViewSpec, build_view, view_membership, view_scores
from graph.views.pages import case_choices
from graph.views.tables import cell_text
from graph.views.text import visible
from ui.common import (
    FRESH_FOR,
    briefing_panel,
    entity_picker,
    md,
    name_of,
    report_errors,
    setup,
    show_network,
    show_table,
    store,
    version,
)

STATE = "explore"


def state() -> dict:
    """The view being explored: centres, expanded nodes (key -> neighbours shown), selection."""
    return st.session_state.setdefault(STATE, {"centres": [], "expanded": {}, "selected": None})


@st.cache_data(show_spinner=False, max_entries=32, ttl=FRESH_FOR)
def _view(_store: GraphStore, spec: ViewSpec, data: tuple[str, int]) -> View:
    return build_view(_store, spec)


@st.cache_data(show_spinner=False, max_entries=64, ttl=FRESH_FOR)
def _case_options(_store: GraphStore, data: tuple[str, int]) -> dict[str, str]:
    return case_choices(_store)


@st.cache_data(show_spinner=False, max_entries=32)
def _decorations(
    _drawn: View, colour_by: str, sized: bool, _known: dict[str, int] | None, key: Hashable
) -> tuple[dict[str, int] | None, str, dict[str, float] | None]:
    """Communities (when colouring by them) and key-player scores (for sizes) of a view."""
    membership, origin = view_membership(_drawn.graph, _known) if colour_by == "community" else (None, "")
    sizes = view_scores(_drawn.graph, store().model) if sized else None
    return membership, origin, sizes


def _controls(graph_store: GraphStore) -> tuple[ViewSpec | None, str, bool]:
    view = state()
    picked = entity_picker("Search an entity", "explore_search")
    left, right = st.columns(2)
    if left.button("Show", disabled=picked is None, type="primary", width="stretch"):
        view.update(centres=[picked], expanded={}, selected=picked)
    if right.button("Add", disabled=picked is None, width="stretch", help="Add to the view") and (
        picked not in view["centres"]
    ):
        view["centres"].append(picked)
        view["selected"] = picked
    if st.button("Clear view", width="stretch", disabled=not view["centres"]):
        view.update(centres=[], expanded={}, selected=None)
    hops = st.slider("Hops", 1, 3, 1, key="explore_hops")
    per_node = st.number_input("Neighbours shown per node", 1, 500, 25, step=5, key="explore_per_node")
    colour_by = st.radio("Colour by", ["label", "community"], horizontal=True, key="explore_colour")
    sized = st.checkbox("Size by key-player score", value=True, key="explore_sized")
    with st.expander("Filters"):
        model = graph_store.model
        labels = st.multiselect("Labels", sorted(model.labels), key="explore_labels")
        types = st.multiselect("Relationship types", sorted(model.relationships), key="explore_types")
        window = st.checkbox("Only what was seen in a time window", key="explore_window")
        today = dt.date.today()
        since = st.date_input("Seen since", today - dt.timedelta(days=365), key="explore_since", disabled=not window)
        until = st.date_input("Seen until", today, key="explore_until", disabled=not window)
        cases = _case_options(graph_store, version())
        case = st.selectbox(
            "Case", [None, *cases], format_func=lambda k: "any" if k is None else visible(cases[k]), key="explore_case"
        )
    if not view["centres"]:
        return None, colour_by, sized
    spec = ViewSpec(
        centres=tuple(view["centres"]),
        hops=hops,
        per_node=int(per_node),
        expanded=tuple(view["expanded"].items()),
        filters=Filters(
            labels=tuple(labels) or None,
            types=tuple(types) or None,
            since=since if window else None,
            until=until if window else None,
            case=case,
        ),
    )
    return spec, colour_by, sized


def _selection_key() -> str:
    """The side panel's node chooser; it starts afresh when the centres change."""
    return f"explore_selected_{'-'.join(state()['centres'])}"


def _grow(drawn: View, node: str, per_node: int) -> None:
    """Expand a node (its first ``per_node`` neighbours), or show ``per_node`` more of
    an expanded one, and redraw."""
    view = state()
    if node not in drawn.walked:
        view["expanded"][node] = per_node
    elif drawn.more.get(node):
        view["expanded"][node] = view["expanded"].get(node, per_node) + per_node
    else:
        return
    view["selected"] = node
    st.rerun()


def _node_panel(graph_store: GraphStore, drawn: View, per_node: int) -> None:
    """The selected node: buttons to expand or re-centre, its properties, provenance and links."""
    view = state()
    model = graph_store.model
    graph = drawn.graph
    nodes = sorted(graph.nodes, key=lambda k: (name_of(graph, model, k).lower(), k))
    if view["selected"] not in graph:
        view["selected"] = view["centres"][0] if view["centres"] and view["centres"][0] in graph else None
    selected = st.selectbox(
        "Selected node",
        nodes,
        index=nodes.index(view["selected"]) if view["selected"] in nodes else 0,
        format_func=lambda k: f"{name_of(graph, model, k)} ({k})",
        key=_selection_key(),
    )
    view["selected"] = selected
    hidden = drawn.more.get(selected, 0)
    if selected not in drawn.walked:
        expand = "Expand"
    else:
        expand = f"Show {min(hidden, per_node)} more" if hidden else "All neighbours shown"
    if st.button(
        expand, disabled=expand.startswith("All"), help="Add its neighbours (or double-click it)", width="stretch"
    ):
        _grow(drawn, selected, per_node)
    if st.button("Centre the view here", width="stretch"):
        view.update(centres=[selected], expanded={}, selected=selected)
        st.rerun()
    data = graph.nodes[selected]
    properties = data.get("properties") or {}
    st.caption(
        md(f"{', '.join(data.get('labels') or [])} · {graph.degree(selected)} links in view")
        + (f" · {hidden} more not shown" if hidden else "")
    )
    provenance = ("sources", "first_seen", "last_seen")
    show_table(
        pd.DataFrame(
            [{"property": k, "value": cell_text(v)} for k, v in sorted(properties.items()) if k not in provenance],
            columns=["property", "value"],
        ),
        width="stretch",
    )
    st.markdown("**Provenance**")
    links = sorted(
        list(graph.out_edges(selected, data=True)) + list(graph.in_edges(selected, data=True)),
        key=lambda e: (e[2]["type"], e[0], e[1]),
    )
    rows = [_provenance("this node", properties)] + [
        _provenance(
            f"{'→' if u == selected else '←'} {d['type']} {name_of(graph, model, v if u == selected else u)}",
            d.get("properties") or {},
        )
        for u, v, d in links
    ]
    show_table(pd.DataFrame(rows, columns=["fact", "sources", "first_seen", "last_seen"]))


def _provenance(fact: str, properties: dict) -> dict[str, str]:
    """Where a fact came from (file:row or case) and when it was seen."""
    return {
        "fact": fact,
        "sources": "; ".join(map(str, properties.get("sources") or [])),
        "first_seen": cell_text(properties.get("first_seen")),
        "last_seen": cell_text(properties.get("last_seen")),
    }


def main() -> None:
    graph_store = setup("Explore")
    controls, canvas, panel = st.columns([1.1, 3, 1.5])
    with controls:
        spec, colour_by, sized = _controls(graph_store)
    if spec is None:
        canvas.info(
            "Search an entity and press Show to draw its neighbourhood. In the view, click a node to "
            "read it in the side panel, double-click it to expand it."
        )
        return
    drawn = report_errors(lambda: _view(graph_store, spec, version()))
    if drawn is None:
        return
    graph = drawn.graph
    key = (spec, version(), colour_by, sized, st.session_state.get("membership_run"))
    membership, origin, sizes = _decorations(drawn, colour_by, sized, st.session_state.get("membership"), key)
    with canvas:
        words = [f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links"]
        if drawn.truncated:
            words.append(f"cut at {spec.max_nodes} nodes")
        if origin:
            words.append(f"communities from {origin}")
        words += spec.filters.describe()
        st.caption(md(" · ".join(words)))
        drawing = {
            "colour_by": colour_by,
            "membership": membership,
            "sizes": sizes,
            "more": drawn.more,
            "highlight": set(spec.centres),
        }
        clicked, double_clicked = show_network(graph, **drawing, cache_key=key, key="explore_network")
        if double_clicked:
            _grow(drawn, double_clicked, spec.per_node)
        if clicked:
            state()["selected"] = clicked
            st.session_state[_selection_key()] = clicked
        briefing_panel(
            graph,
            key="explore_briefing",
            title="Network around " + ", ".join(name_of(graph, graph_store.model, k) for k in spec.centres),
            scope=[f"{spec.hops} hop(s) around {', '.join(spec.centres)}", *spec.filters.describe()],
            drawing=drawing,
        )
    with panel:
        _node_panel(graph_store, drawn, spec.per_node)


main()
