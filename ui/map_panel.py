"""The map of the drawn view, under it in Explore: where its nodes are, its shipments'
routes and its seizures by country (:mod:`graph.views.map`), selecting with the graph.

The map runs in the same sandboxed frame as the graph (:data:`ui.common._FRAME_JS`): a
click on its marks posts the selection, which becomes the view's selection (so the
graph, the table and the side panel show it), and the view's selection is shown on the
map without drawing it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import networkx as nx
import streamlit as st

from graph.views.geo import prepare
from graph.views.map import map_html
from ui.common import _FRAME_JS, store

__all__ = ["MAP_HEIGHT", "show_map"]

MAP_HEIGHT = 560
_map_frame = st.components.v2.component("kg_map", js=_FRAME_JS)
# The first Explore page of the process reads the gazetteer behind the investigator's search.
threading.Thread(target=prepare, name="gazetteer", daemon=True).start()


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_map(_graph: nx.MultiDiGraph, _options: dict, key: Hashable) -> str:
    return map_html(_graph, store().model, **_options)


def show_map(
    graph: nx.MultiDiGraph,
    drawing: Mapping[str, Any],
    selected: tuple[str, ...],
    select: Callable[[tuple[str, ...]], None],
    *,
    cache_key: Hashable,
    key: str = "map",
    height: int = MAP_HEIGHT,
) -> None:
    """The map of ``graph`` coloured as ``drawing`` colours the graph, ``selected`` shown;
    a selection made on it is handed to ``select`` and the page drawn again. The page is
    made once per ``cache_key`` (standing for the graph and its colours)."""
    options = {
        "colour_by": drawing.get("colour_by", "label"),
        "membership": drawing.get("membership"),
        "height": f"{height - 70}px",
        "report_clicks": True,
    }
    page = _cached_map(graph, options, (cache_key, height))
    result = _map_frame(
        data={"html": page, "height": height, "title": "map", "selected": [n for n in selected if n in graph]},
        key=key,
        height=height + 10,
        on_selection_change=lambda: None,
    )
    chosen = getattr(result, "selection", None)
    if isinstance(chosen, list) and tuple(chosen) != tuple(selected):
        select(tuple(node for node in chosen if node in graph))
        st.rerun()
