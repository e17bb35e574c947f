"""The investigator's app (``streamlit run app.py``): for now the store overview and
entity search; the visual explorer, path finder and briefings come with their issue."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.config import Settings, open_store
from graph.store import GraphStore


@st.cache_resource
def store() -> GraphStore:
    return open_store(Settings.from_env())


def main() -> None:
    st.set_page_config(page_title="IP-crime knowledge graph", layout="wide")
    st.title("IP-crime knowledge graph")
    settings = Settings.from_env()
    st.caption(settings.describe())
    graph = store()
    counts = graph.counts()
    left, right = st.columns(2)
    left.metric("Nodes", counts.nodes)
    right.metric("Relationships", counts.relationships)
    left.dataframe(pd.DataFrame(list(counts.labels.items()), columns=["label", "nodes"]), hide_index=True)
    right.dataframe(pd.DataFrame(list(counts.types.items()), columns=["type", "relationships"]), hide_index=True)
    text = st.text_input("Search an entity by name")
    if text:
        found = graph.search(text)
        st.dataframe(found, hide_index=True)
        if not found.empty:
            key = st.selectbox("Entity", found["key"])
            neighbours = graph.neighbourhood([key], hops=1, limit=200)
            st.dataframe(
                pd.DataFrame([{"from": u, "type": d["type"], "to": v} for u, v, d in neighbours.edges(data=True)]),
                hide_index=True,
            )


main()
