"""Saved queries: a form built from the query's typed parameters, the result as a table
(CSV download) and, when it returns graph elements, as a graph. Analysts can also type a
read-only query and save it to their library."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import streamlit as st

from graph.library import LibraryError, Parameter, SavedQuery, load_library, save_query
from graph.runner import QueryRun, run_adhoc, run_saved
from graph.store import GraphStore
from graph.views.pages import ADHOC_EXAMPLE
from graph.views.tables import cell_text
from ui.common import (
    briefing_panel,
    csv_download,
    entity_picker,
    md,
    report_errors,
    setup,
    show_network,
    show_table,
)

STATE = "query_run"


def _widget(parameter: Parameter, graph_store: GraphStore, prefix: str) -> Any:
    """The input for one parameter, chosen by its type; values go through the
    library's checks when the query runs."""
    key, label, default = f"{prefix}_{parameter.name}", parameter.name, parameter.default
    shown = f"{label} ({parameter.type}{' of ' + parameter.label if parameter.label else ''})"
    model = graph_store.model
    if parameter.type == "int":
        return st.number_input(
            shown, value=int(default) if default is not None else 0, step=1, key=key, help=parameter.help
        )
    if parameter.type == "float":
        return st.number_input(
            shown, value=float(default) if default is not None else 0.0, key=key, help=parameter.help
        )
    if parameter.type == "boolean":
        return st.checkbox(shown, value=bool(default), key=key, help=parameter.help)
    if parameter.type == "date":
        start = dt.date.fromisoformat(str(default)) if default else dt.date.today() - dt.timedelta(days=365)
        return st.date_input(shown, value=start, key=key, help=parameter.help)
    if parameter.type in ("label", "reltype"):
        options = sorted(model.labels if parameter.type == "label" else model.relationships)
        index = options.index(default) if default in options else 0
        return st.selectbox(shown, options, index=index, key=key, help=parameter.help)
    text = ", ".join(map(str, default)) if isinstance(default, list) else ("" if default is None else str(default))
    return st.text_input(shown, value=text, key=key, help=parameter.help)


def _show(run: QueryRun, graph_store: GraphStore) -> None:
    st.caption(md(f"{run.name}: {len(run.frame)} rows in {run.seconds:.2f} s"))
    for note in run.notes:
        st.warning(md(note))
    show_table(run.frame.map(cell_text), width="stretch")
    csv_download(run.frame, f"{run.name}.csv", "query_csv")
    if run.graph is not None and run.graph.number_of_nodes():
        st.subheader("As a graph")
        show_network(run.graph)
        briefing_panel(run.graph, key="query_briefing", title=run.name, tables={"Result": run.frame.map(cell_text)})


def _saved(graph_store: GraphStore, library: dict[str, SavedQuery]) -> None:
    names = sorted(library, key=lambda n: library[n].title.lower())
    name = st.selectbox("Query", names, format_func=lambda n: library[n].title, key="query_pick")
    query = library[name]
    st.caption(md(query.description) + (" · saved by an analyst" if not query.shipped else ""))
    _lookup(query)
    with st.form(f"query_form_{name}"):
        given = {p.name: _widget(p, graph_store, f"param_{name}") for p in query.params}
        run = st.form_submit_button("Run", type="primary")
    with st.expander("Cypher"):
        st.code(query.cypher, language="cypher")
    if run:
        values = {k: v for k, v in given.items() if not (isinstance(v, str) and not v.strip())}
        st.session_state[STATE] = report_errors(lambda: run_saved(graph_store, query, values))


def _lookup(query: SavedQuery) -> None:
    """For entity parameters: find the entity by name and put its id in the form."""
    entities = [p for p in query.params if p.type == "entity"]
    if not entities:
        return
    with st.expander("Look up an entity's id"):
        picked = entity_picker("Search", f"lookup_{query.name}")
        for parameter in entities:
            if st.button(
                f"Use for {parameter.name}", disabled=picked is None, key=f"use_{query.name}_{parameter.name}"
            ):
                st.session_state[f"param_{query.name}_{parameter.name}"] = picked


def _adhoc(graph_store: GraphStore) -> None:
    cypher = st.text_area(
        "Cypher (read-only)",
        height=150,
        key="adhoc_cypher",
        placeholder=ADHOC_EXAMPLE,
    )
    params_text = st.text_input("Parameters (JSON object)", value="{}", key="adhoc_params")
    if st.button("Run query", disabled=not cypher.strip()):
        st.session_state[STATE] = report_errors(lambda: run_adhoc(graph_store, cypher, _params(params_text)))
    with st.form("save_query"):
        st.markdown("**Save this query to the library**")
        name = st.text_input("Name (lower case, digits, _)", key="save_name")
        title = st.text_input("Title", key="save_title")
        description = st.text_input("Description", key="save_description")
        if st.form_submit_button("Save"):
            saved = report_errors(lambda: _save(name, cypher, title, description, params_text))
            if saved is not None:
                st.session_state["query_saved"] = saved.name
                st.rerun()
    if "query_saved" in st.session_state:
        st.success(md(f"Saved as {st.session_state.pop('query_saved')}: it is now in the list of saved queries."))


def _params(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise ValueError(f"parameters: not JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, dict):
        raise ValueError('parameters: expected a JSON object such as {"name": "value"}')
    return value


_TYPES = {bool: "boolean", int: "int", float: "float", list: "list"}


def _save(name: str, cypher: str, title: str, description: str, params_text: str) -> SavedQuery:
    """Save with each parameter typed from the example value given."""
    params = {
        key: {"type": _TYPES.get(type(value), "string"), "default": value}
        for key, value in _params(params_text).items()
    }
    return save_query(name.strip(), cypher, title=title, description=description, params=params)


def main() -> None:
    graph_store = setup("Saved queries")
    try:
        library = load_library()
    except LibraryError as error:
        st.error(md(error))
        return
    saved, adhoc = st.tabs(["Saved queries", "Ad-hoc query"])
    with saved:
        _saved(graph_store, library)
    with adhoc:
        _adhoc(graph_store)
    run = st.session_state.get(STATE)
    if run is not None:
        st.divider()
        _show(run, graph_store)


main()
