"""Batch screening: a list of names and identifiers (uploaded or pasted CSV) against the
graph; the hits with their scores, reasons and cases, and a CSV of them to hand on."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from graph.store import GraphStore
from ingest.mapping import check_region
from ingest.screen import COLUMNS, DEFAULT_THRESHOLD, entity_labels, hits_frame, problems, read_list, screen
from ui.common import csv_download, long_work, md, report_errors, say_if_cancelled, setup, show_table

RESULT = "screening_result"
EXAMPLE = "company,phone,email,url,country\nEvergreen Trading 0000 Co. Ltd,,,,HK\n,+86 134 0009 1911,,,\n"


def _list_text() -> tuple[bytes, str] | None:
    """The list as bytes and the name its messages give it: the upload, else the pasted text."""
    upload = st.file_uploader("A CSV list with a header row", type=["csv", "txt"], key="screen_upload")
    pasted = st.text_area("…or paste it here", key="screen_paste", height=160, placeholder=EXAMPLE)
    if upload is not None:
        return upload.getvalue(), upload.name
    if pasted.strip():
        return pasted.encode("utf-8"), "pasted list"
    return None


def _screened(graph_store: GraphStore, data: bytes, source: str, options: dict) -> tuple[pd.DataFrame, list[str]]:
    """The hits of the list (read as the command line reads a file), and its warnings."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(data)
        rows, notes = read_list(path, source)
    region = check_region(options["region"], "phone region") if options["region"].strip() else None
    notes += problems(rows, region, source=source)
    with long_work("screening", f"screening {len(rows):,} rows") as progress:
        hits = screen(
            graph_store,
            rows,
            threshold=options["threshold"],
            labels=options["labels"] or None,
            region=region,
            progress=progress,
        )
    return hits_frame(hits), notes


graph_store = setup("Batch screening")
st.caption(
    md(
        f"Columns read (header, any case): {', '.join(COLUMNS)}. Names are compared in any script, "
        "legal forms aside; phones, e-mails, domains and IBANs must be the same once cleaned; "
        "seller_id is a node's id. Each hit says why it matched and the cases within two links of it."
    )
)
given = _list_text()
left, middle, right = st.columns(3)
threshold = left.slider("Lowest score", 0.5, 1.0, DEFAULT_THRESHOLD, 0.05, key="screen_threshold")
labels = middle.multiselect(
    "Names compared among", entity_labels(graph_store), key="screen_labels", help="empty: every resolvable entity"
)
region = right.text_input(
    "Phone region", key="screen_region", max_chars=2, help="ISO 3166 code (such as US) of phones written without +"
)
say_if_cancelled("screening")
if st.button("Screen", type="primary", disabled=given is None, key="screen_run") and given is not None:
    options = {"threshold": threshold, "labels": labels, "region": region}
    st.session_state[RESULT] = report_errors(lambda: _screened(graph_store, *given, options))
result = st.session_state.get(RESULT)
if result:
    frame, notes = result
    for note in notes:
        st.warning(md(note))
    st.caption(md(f"{len(frame):,} hits for {frame['row'].nunique():,} rows of the list"))
    show_table(frame, width="stretch", column_config={"score": st.column_config.NumberColumn(format="%.2f")})
    csv_download(frame, "screening-hits.csv", "screen_csv")
