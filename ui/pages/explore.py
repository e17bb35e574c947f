"""Explore: search an entity, draw its neighbourhood, expand nodes, group them, read their
properties, provenance and notes, with a table of the view in step with the drawing.

The view is one value (:class:`graph.views.state.ViewState`) kept in a
:class:`~graph.views.state.History`: every control changes it through :func:`step`, so
each change can be undone, the breadcrumb lists them, a saved view stores it and the
address bar's ``?view=`` link carries it to another browser. The widgets show the
present step (they are set from it before they are drawn, so undo moves them too). The
period brushed on the timeline is part of the view too (:func:`_keep_period`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import replace

import networkx as nx
import pandas as pd
import streamlit as st

from graph.store import GraphStore
from graph.views.explore import Filters, View, build_view, view_membership, view_scores
from graph.views.groups import (
    Collapsed,
    Group,
    collapse,
    community_groups,
    label_choices,
    label_group,
    label_words,
)
from graph.views.listing import link_table, matching, node_table, only
from graph.views.pages import case_choices
from graph.views.saved import add_note, current_author, notes_for, save_view, saved_view, saved_views
from graph.views.state import History, ViewState, ViewStateError
from graph.views.tables import cell_text
from graph.views.text import visible
from graph.views.timeline import in_window
from graph.views.timeline_chart import TimelineShown, Window
from ui.common import (
    FRESH_FOR,
    NetworkEvents,
    Period,
    briefing_panel,
    entity_picker,
    md,
    name_of,
    report_errors,
    setup,
    show_network,
    show_table,
    show_timeline,
    store,
    version,
    workspace,
)
from ui.map_panel import show_map

HISTORY = "explore_history"
AUTHOR = "explore_author"
# The widgets that edit the view, by the ViewState part they show.
HOPS, PER_NODE, COLOUR, SIZED = "explore_hops", "explore_per_node", "explore_colour", "explore_sized"
LABELS, TYPES, WINDOW, SINCE, UNTIL, CASE = (
    "explore_labels",
    "explore_types",
    "explore_window",
    "explore_since",
    "explore_until",
    "explore_case",
)
TABLE_FILTER = "explore_table_filter"


def history() -> History:
    """This session's exploration; the first visit opens the view a link carries."""
    if HISTORY not in st.session_state:
        steps = History()
        token = st.query_params.get("view")
        if token:
            try:
                steps.push("Opened from a link", ViewState.from_token(token).checked(store().model))
            except ViewStateError as error:
                st.session_state["explore_link_error"] = str(error)
        st.session_state[HISTORY] = steps
    return st.session_state[HISTORY]


def step(what: str, state: ViewState, *, merge: bool = False) -> None:
    """Make ``state`` the view, as a step that can be undone."""
    history().push(what, state, merge=merge)


def _show_state(state: ViewState) -> None:
    """Set the widgets to the present step before they are drawn."""
    filters = state.filters
    today = dt.date.today()
    values = {
        HOPS: state.hops,
        PER_NODE: state.per_node,
        COLOUR: state.colour_by,
        SIZED: state.sized,
        LABELS: list(filters.labels or ()),
        TYPES: list(filters.types or ()),
        WINDOW: bool(filters.since or filters.until),
        CASE: filters.case,
        TABLE_FILTER: state.table_filter,
    }
    if filters.since or SINCE not in st.session_state:
        values[SINCE] = filters.since or today - dt.timedelta(days=365)
    if filters.until or UNTIL not in st.session_state:
        values[UNTIL] = filters.until or today
    for key, value in values.items():
        st.session_state[key] = value


def _from_widgets(describe: Callable[[dict], str]) -> Callable[[], None]:
    """A widget's on-change: the view as the widgets now say, as one step."""

    def changed() -> None:
        s = st.session_state
        state = history().now.change(
            hops=int(s[HOPS]),
            per_node=int(s[PER_NODE]),
            colour_by=s[COLOUR],
            sized=bool(s[SIZED]),
            table_filter=s[TABLE_FILTER],
            filters=_filters_of(s),
        )
        step(describe(s), state)

    return changed


@st.cache_data(show_spinner=False, max_entries=32, ttl=FRESH_FOR)
def _view(_store: GraphStore, spec: Hashable, data: tuple[str, int]) -> View:
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


def _history_bar() -> None:
    """Undo, redo and the breadcrumb of steps (a step clicked goes back to it)."""
    steps = history()
    left, right = st.columns(2)
    left.button("↶ Undo", disabled=not steps.can_undo, width="stretch", on_click=steps.undo, key="explore_undo")
    right.button("↷ Redo", disabled=not steps.can_redo, width="stretch", on_click=steps.redo, key="explore_redo")
    crumbs = steps.breadcrumb()[-8:]
    first = len(steps.breadcrumb()) - len(crumbs)
    st.caption("Steps: " + " › ".join(md(crumb) for crumb in crumbs))
    if len(crumbs) > 1:
        back = st.selectbox(
            "Back to step",
            range(first, first + len(crumbs) - 1),
            index=None,
            format_func=lambda i: visible(steps.steps[i][0]),
            key=f"explore_back_{steps.cursor}_{len(steps.steps)}",
            placeholder="an earlier step",
        )
        if back is not None:
            steps.go_to(back)
            st.rerun()


def _controls(graph_store: GraphStore) -> None:
    state = history().now
    picked = entity_picker("Search an entity", "explore_search")
    picked_name = picked or ""
    left, right = st.columns(2)
    left.button(
        "Show",
        disabled=picked is None,
        type="primary",
        width="stretch",
        on_click=step,
        args=(
            f"Show {picked_name}",
            state.change(
                centres=(picked_name,), expanded=(), groups=(), selection=(), positions=(), table_filter="", period=None
            ),
        ),
    )
    right.button(
        "Add",
        disabled=picked is None or picked in state.centres,
        width="stretch",
        help="Add to the view",
        on_click=step,
        args=(f"Add {picked_name}", state.change(centres=(*state.centres, picked_name))),
    )
    st.button(
        "Clear view",
        width="stretch",
        disabled=not state.centres,
        on_click=step,
        args=("Clear the view", ViewState()),
    )
    _history_bar()
    st.slider("Hops", 1, 3, key=HOPS, on_change=_from_widgets(lambda s: f"Hops: {s[HOPS]}"))
    st.number_input(
        "Neighbours shown per node",
        1,
        500,
        step=5,
        key=PER_NODE,
        on_change=_from_widgets(lambda s: f"Neighbours per node: {s[PER_NODE]}"),
    )
    st.radio(
        "Colour by",
        ["label", "community"],
        horizontal=True,
        key=COLOUR,
        on_change=_from_widgets(lambda s: f"Colour by {s[COLOUR]}"),
    )
    st.checkbox(
        "Size by key-player score",
        key=SIZED,
        on_change=_from_widgets(lambda s: "Sizes by score" if s[SIZED] else "Equal sizes"),
    )
    with st.expander("Filters"):
        model = graph_store.model
        filtered = _from_widgets(lambda s: "Filters: " + (", ".join(_filters_of(s).describe()) or "none"))
        st.multiselect("Labels", sorted(model.labels), key=LABELS, on_change=filtered)
        st.multiselect("Relationship types", sorted(model.relationships), key=TYPES, on_change=filtered)
        st.checkbox("Only what was seen in a time window", key=WINDOW, on_change=filtered)
        st.date_input("Seen since", key=SINCE, disabled=not st.session_state[WINDOW], on_change=filtered)
        st.date_input("Seen until", key=UNTIL, disabled=not st.session_state[WINDOW], on_change=filtered)
        cases = _case_options(graph_store, version())
        st.selectbox(
            "Case",
            [None, *sorted({*cases, *([state.filters.case] if state.filters.case else [])})],
            format_func=lambda k: "any" if k is None else visible(cases.get(k, k)),
            key=CASE,
            on_change=filtered,
        )
    _saved_views()


def _filters_of(s: dict) -> Filters:
    window = s[WINDOW]
    return Filters(
        labels=tuple(s[LABELS]) or None,
        types=tuple(s[TYPES]) or None,
        since=s[SINCE] if window else None,
        until=s[UNTIL] if window else None,
        case=s[CASE],
    )


def _saved_views() -> None:
    """Save the view with a name, a note and tags; reopen one; the link to this view."""
    state = history().now
    with st.expander("Saved views and link"):
        with st.form("explore_save", clear_on_submit=True, border=False):
            name = st.text_input("Name", key="explore_save_name")
            note = st.text_area("Note", key="explore_save_note", height=68)
            tags = st.text_input("Tags (comma-separated)", key="explore_save_tags")
            if st.form_submit_button("Save this view", disabled=not state.centres, width="stretch"):
                saved = report_errors(
                    lambda: save_view(
                        workspace(),
                        name=name,
                        note=note,
                        tags=[tag.strip() for tag in tags.split(",") if tag.strip()],
                        state=state.to_dict(),
                        by=_author(),
                    )
                )
                if saved:
                    st.success(md(f"Saved as {name.strip()}"))
        views = saved_views(workspace())
        if views:
            chosen = st.selectbox(
                "Saved views",
                [view["id"] for view in views],
                format_func=lambda i: next(
                    visible(f"{v['name']} · {', '.join(v.get('tags') or [])} · {v['by']}")
                    for v in views
                    if v["id"] == i
                ),
                key="explore_saved_choice",
            )
            record = next(view for view in views if view["id"] == chosen)
            if record.get("note"):
                st.caption(md(record["note"]))
            if st.button("Open saved view", width="stretch", key="explore_open_saved"):
                _open_saved(chosen)
        st.caption("The address bar links to this exact view; copy it to share the view.")
        if state.centres:
            st.code(f"{_base_url()}?view={state.to_token()}", language=None, wrap_lines=True)


def _open_saved(view_id: str) -> None:
    record = saved_view(workspace(), view_id)
    if record is None:
        st.error("That saved view no longer exists.")
        return
    opened = report_errors(lambda: ViewState.from_dict(record["state"]).checked(store().model))
    if opened is not None:
        step(f"Opened saved view {record['name']}", opened)
        st.rerun()


def _base_url() -> str:
    url = st.context.url or ""
    return url.split("?", 1)[0]


def _author() -> str:
    return (st.session_state.get(AUTHOR) or "").strip() or current_author()


def _drawn(
    graph_store: GraphStore, state: ViewState, window: Window | None
) -> tuple[View, Collapsed, nx.MultiDiGraph] | None:
    """The view read from the store, cut to the table's filter and to the timeline's
    period, with groups collapsed; and the view before the period (the timeline's)."""
    drawn = report_errors(lambda: _view(graph_store, state.spec(), version()))
    if drawn is None:
        return None
    keep = matching(drawn.graph, graph_store.model, state.table_filter) | set(state.centres)
    shown = only(drawn.graph, keep) if state.table_filter else drawn.graph
    timed = in_window(shown, graph_store.model, *window) if window else shown
    return replace(drawn, graph=timed), collapse(timed, state.groups, graph_store.model), shown


def _on_events(events: NetworkEvents, drawn: View, state: ViewState) -> None:
    """Turn what the investigator did in the drawing into steps."""
    groups = {group.node: group for group in state.groups}
    if events.expand:
        if events.expand in groups:
            _set_group(groups[events.expand], collapsed=False)
        else:
            _grow(drawn, events.expand, state)
    elif events.selection is not None and tuple(events.selection) != state.selection:
        chosen = tuple(events.selection)
        step(f"Select {_names(chosen)}", state.change(selection=chosen), merge=True)
        st.rerun()
    elif events.select and (events.select,) != state.selection:
        step(f"Select {events.select}", state.change(selection=(events.select,)), merge=True)
        st.rerun()
    elif events.moved:
        pinned = state.pinned() | events.moved
        step(
            "Moved nodes",
            state.change(positions=tuple((k, round(x, 1), round(y, 1)) for k, (x, y) in sorted(pinned.items()))),
            merge=True,
        )
        st.rerun()


def _period(window: Window | None) -> list[str]:
    return [f"what existed or happened {_days(window)}"] if window else []


def _days(window: Window) -> str:
    return f"{window[0].isoformat()} – {window[1].isoformat()}"


def _keep_period(window: Window | None, played: bool) -> None:
    """The timeline's period made the view's, as a step: a brush is one ("Period
    2023-01-01 – 2023-12-31"), and so is "Clear the period". Play makes one step of a
    run, not one per period it steps to: its first period is recorded as "Play ..." and
    each next one replaces it, so the step holds the period Play stopped or paused at;
    Undo goes back to the view before Play, Redo to that period. Play resumed after a
    pause, with nothing done between, goes on in the same step."""
    state = history().now
    if window is None:
        step("Clear the period", state.change(period=None))
    else:
        step(f"{'Play' if played else 'Period'} {_days(window)}", state.change(period=window), merge=played)


def _select(state: ViewState, chosen: tuple[str, ...]) -> None:
    step(f"Select {_names(chosen)}", state.change(selection=chosen), merge=True)


def _names(keys: tuple[str, ...]) -> str:
    return ", ".join(keys[:3]) + (f" +{len(keys) - 3}" if len(keys) > 3 else "") if keys else "nothing"


def _grow(drawn: View, node: str, state: ViewState) -> None:
    """Expand a node (its first neighbours), or show more of an expanded one."""
    expanded = dict(state.expanded)
    if node not in drawn.walked:
        expanded[node] = state.per_node
    elif drawn.more.get(node):
        expanded[node] = expanded.get(node, state.per_node) + state.per_node
    else:
        return
    step(f"Expand {node}", state.change(expanded=tuple(expanded.items()), selection=(node,)))
    st.rerun()


def _set_group(group: Group, *, collapsed: bool | None = None, remove: bool = False) -> None:
    state = history().now
    if remove:
        groups = tuple(g for g in state.groups if g.id != group.id)
        what = f"Ungroup {group.title}"
    else:
        groups = tuple(replace(g, collapsed=bool(collapsed)) if g.id == group.id else g for g in state.groups)
        what = f"{'Collapse' if collapsed else 'Expand'} {group.title}"
    step(what, state.change(groups=groups))
    st.rerun()


def _add_group(group: Group) -> None:
    state = history().now
    groups = tuple(g for g in state.groups if g.id != group.id) + (group,)
    step(f"Group {group.title}", state.change(groups=groups, selection=(group.node,)))
    st.rerun()


def _table(graph_store: GraphStore, drawn: View, state: ViewState) -> None:
    """The view's nodes and links as tables; ticking rows selects nodes, the filter
    narrows the drawing too."""
    model = graph_store.model
    st.text_input(
        "Filter the table and the view",
        key=TABLE_FILTER,
        placeholder="part of a name, key or label",
        on_change=_from_widgets(lambda s: f"Filter: {s[TABLE_FILTER]}" if s[TABLE_FILTER] else "No filter"),
    )
    nodes_tab, links_tab = st.tabs(["Nodes", "Links"])
    with nodes_tab:
        frame = node_table(drawn.graph, model, set(state.selection))
        key = f"explore_nodes_{abs(hash((state.selection, state.table_filter, len(frame))))}"
        st.data_editor(
            frame,
            key=key,
            hide_index=True,
            width="stretch",
            disabled=[column for column in frame.columns if column != "selected"],
            column_config={"selected": st.column_config.CheckboxColumn("✓", width="small")},
            on_change=_ticked,
            args=(key, list(frame["key"])),
        )
    with links_tab:
        show_table(link_table(drawn.graph, model, set(state.selection)), width="stretch")


def _ticked(key: str, keys: list[str]) -> None:
    """Rows ticked or unticked in the node table become the selection."""
    state = history().now
    chosen = list(state.selection)
    for row, change in st.session_state[key].get("edited_rows", {}).items():
        node = keys[int(row)]
        if change.get("selected") and node not in chosen:
            chosen.append(node)
        elif change.get("selected") is False and node in chosen:
            chosen.remove(node)
    step(f"Select {_names(tuple(chosen))}", state.change(selection=tuple(chosen)), merge=True)


def _node_panel(
    graph_store: GraphStore, drawn: View, collapsed: Collapsed, state: ViewState, notes: dict[str, list[dict]]
) -> None:
    """The selected node (or group): expand, centre, group, its properties, provenance and notes."""
    model = graph_store.model
    graph = collapsed.graph
    groups = {group.node: group for group in state.groups}
    nodes = sorted(graph.nodes, key=lambda k: (name_of(graph, model, k).lower(), k))
    if not nodes:
        return
    current = next((node for node in (*reversed(state.selection), *state.centres) if node in graph), None)
    selected = st.selectbox(
        "Selected node",
        nodes,
        index=nodes.index(current) if current else None,
        format_func=lambda k: f"{name_of(graph, model, k)} ({k})",
        key=f"explore_selected_{current}",
        placeholder="click a node or tick a row",
    )
    if selected != current and selected is not None:
        step(f"Select {selected}", state.change(selection=(selected,)), merge=True)
        st.rerun()
    if selected is None:
        return
    if selected in groups:
        _group_panel(graph, groups[selected])
        return
    hidden = drawn.more.get(selected, 0)
    if selected not in drawn.walked:
        expand = "Expand"
    else:
        expand = f"Show {min(hidden, state.per_node)} more" if hidden else "All neighbours shown"
    if st.button(
        expand, disabled=expand.startswith("All"), help="Add its neighbours (or double-click it)", width="stretch"
    ):
        _grow(drawn, selected, state)
    if st.button("Centre the view here", width="stretch"):
        step(f"Centre on {selected}", state.change(centres=(selected,), expanded=(), selection=(selected,)))
        st.rerun()
    _group_menu(drawn, selected, state)
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
    _notes(selected, notes.get(selected, []))
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


COMMUNITY = "its community"


def _group_menu(drawn: View, node: str, state: ViewState) -> None:
    """Group this node's neighbours of one label into one node ("14 sales channels"), or
    the node's community (from the last detection run, else Louvain on this view)."""
    model = store().model
    options = {**label_choices(drawn.graph, node), COMMUNITY: 0}
    label = st.selectbox(
        "Group",
        list(options),
        format_func=lambda name: name if name == COMMUNITY else f"its {options[name]} {label_words(name, 2)}",
        key=f"explore_group_label_{node}",
    )
    if not st.button("Group", width="stretch", key=f"explore_group_{node}"):
        return
    if label != COMMUNITY:
        _add_group(label_group(drawn.graph, node, label, model))
    membership, _ = view_membership(drawn.graph, st.session_state.get("membership"))
    group = next((g for g in community_groups(membership) if node in g.members), None)
    if group is None or len(group.members) < 2:
        st.info("This node is alone in its community in this view.")
        return
    _add_group(group)


def _group_panel(graph: nx.MultiDiGraph, group: Group) -> None:
    """A collapsed group: expand it in place or ungroup it; who is inside, by name."""
    data = graph.nodes[group.node]
    names = data.get("names") or {}
    st.caption(
        md(f"Group · {group.title} · {len(names)} in view · {data['properties'].get('internal_links', 0)} links inside")
    )
    left, right = st.columns(2)
    if left.button("Expand group", width="stretch", key="explore_expand_group"):
        _set_group(group, collapsed=False)
    if right.button("Ungroup", width="stretch", key="explore_ungroup"):
        _set_group(group, remove=True)
    show_table(
        pd.DataFrame([{"name": names[key], "key": key} for key in data.get("members") or []], columns=["name", "key"]),
        width="stretch",
    )


def _groups_bar(drawn: View, membership: dict[str, int] | None, state: ViewState) -> None:
    """The groups of the view: collapse or expand each; group the view by community."""
    with st.expander(f"Groups ({len(state.groups)})"):
        if st.button("Group by community", width="stretch", key="explore_group_communities"):
            known, _ = view_membership(drawn.graph, membership or st.session_state.get("membership"))
            made = tuple(g for g in community_groups(known) if len(g.members) > 1)
            step(f"Group {len(made)} communities", state.change(groups=made))
            st.rerun()
        for group in state.groups:
            left, right = st.columns([3, 1])
            left.caption(md(f"{group.title} ({'collapsed' if group.collapsed else 'expanded'})"))
            if right.button(
                "Expand" if group.collapsed else "Collapse", key=f"explore_toggle_{group.id}", width="stretch"
            ):
                _set_group(group, collapsed=not group.collapsed)


def _notes(node: str, notes: list[dict]) -> None:
    """The investigator's notes on a node (kept in the workspace, with author and time)."""
    st.markdown("**Notes**")
    for note in notes:
        st.caption(md(f"{note['by']} · {cell_text(note['at'])}"))
        st.text(visible(note["text"]))
    with st.form(f"explore_note_{node}", clear_on_submit=True, border=False):
        text = st.text_area("Add a note", key=f"explore_note_text_{node}", height=68)
        if st.form_submit_button("Add note", width="stretch") and report_errors(
            lambda: add_note(workspace(), node, text, _author())
        ):
            st.rerun()


def _provenance(fact: str, properties: dict) -> dict[str, str]:
    """Where a fact came from (file:row or case) and when it was seen."""
    return {
        "fact": fact,
        "sources": "; ".join(map(str, properties.get("sources") or [])),
        "first_seen": cell_text(properties.get("first_seen")),
        "last_seen": cell_text(properties.get("last_seen")),
    }


def _link(state: ViewState) -> None:
    """Keep the address bar's link on the present view."""
    if state.centres:
        st.query_params["view"] = state.to_token()
    elif "view" in st.query_params:
        del st.query_params["view"]


def main() -> None:
    graph_store = setup("Explore")
    state = history().now
    if error := st.session_state.pop("explore_link_error", None):
        st.error(md(f"The link's view could not be opened: {error}"))
    _show_state(state)
    with st.sidebar:  # the controls beside the page list, so the drawing gets the width
        _controls(graph_store)
        st.text_input("Your name (for notes and saved views)", key=AUTHOR, placeholder=current_author())
    canvas, panel = st.columns([3, 1.1])
    _link(state)
    if not state.centres:
        canvas.info(
            "Search an entity and press Show to draw its neighbourhood. In the view, click a node to "
            "read it in the side panel, double-click it to expand it, ctrl-click to select several."
        )
        return
    window = state.period
    period = Period("explore_period", window, _keep_period)
    made = _drawn(graph_store, state, window)
    if made is None:
        return
    drawn, collapsed, untimed = made
    graph = collapsed.graph
    key = (state.spec(), state.table_filter, state.groups, version(), state.colour_by, state.sized)
    membership, origin, sizes = _decorations(
        drawn,
        state.colour_by,
        state.sized,
        st.session_state.get("membership"),
        (key, window, st.session_state.get("membership_run")),
    )
    notes = notes_for(workspace(), graph.nodes)  # read once: the side panel and the briefing show them
    with canvas:
        words = [f"{drawn.graph.number_of_nodes()} nodes, {drawn.graph.number_of_edges()} links"]
        if drawn.truncated:
            words.append(f"cut at {state.spec().max_nodes} nodes")
        if origin:
            words.append(f"communities from {origin}")
        if state.table_filter:
            words.append(f"filtered to “{state.table_filter}”")
        words += state.filters.describe()
        st.caption(md(" · ".join(words)))
        period.bar()
        drawing = {
            "colour_by": state.colour_by,
            "membership": membership,
            "sizes": sizes,
            "more": {node: n for node, n in drawn.more.items() if node in graph},
            "highlight": set(state.centres),
            "positions": state.pinned(),
        }
        selected = tuple(dict.fromkeys(collapsed.owner.get(node, node) for node in state.selection))
        events = show_network(
            graph, **drawing, selected=selected, cache_key=(key, state.positions, window), key="explore_network"
        )
        _on_events(events, drawn, state)
        moments = show_timeline(
            untimed,
            colour_by=state.colour_by,
            membership=membership,
            selected=selected,
            window=window,
            cache_key=(key, st.session_state.get("membership_run")),
            key="explore_timeline",
        )
        period.follow(moments, state.selection, lambda chosen: _select(state, chosen))
        made_for = (key, window, st.session_state.get("membership_run"))
        show_map(graph, drawing, selected, lambda chosen: _select(state, chosen), cache_key=made_for, key="explore_map")
        _groups_bar(drawn, membership, state)
        _table(graph_store, drawn, state)
        briefing_panel(
            graph,
            key="explore_briefing",
            title="Network around " + ", ".join(name_of(drawn.graph, graph_store.model, k) for k in state.centres),
            scope=[
                f"{state.hops} hop(s) around {', '.join(state.centres)}",
                *state.filters.describe(),
                *_period(window),
            ],
            drawing=drawing,
            node_notes=notes,
            timeline=TimelineShown(untimed, window),
            with_map=True,
        )
    with panel:
        _node_panel(graph_store, drawn, collapsed, state, notes)


main()
