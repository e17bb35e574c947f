"""The investigator's app: ``streamlit run app.py`` (or ``make run``).

Pages live in ``ui/pages``; what they share (the store, pickers, the network view and
briefing export) in ``ui/common.py``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).resolve().parent / "ui" / "pages"

st.set_page_config(page_title="IP-crime knowledge graph", layout="wide")
st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", default=True),
        st.Page(PAGES / "explore.py", title="Explore"),
        st.Page(PAGES / "pathfinder.py", title="Path finder"),
        st.Page(PAGES / "communities.py", title="Communities"),
        st.Page(PAGES / "timeline.py", title="Timeline"),
        st.Page(PAGES / "queries.py", title="Saved queries"),
        st.Page(PAGES / "screening.py", title="Batch screening"),
        st.Page(PAGES / "review.py", title="Review duplicates"),
    ]
).run()
