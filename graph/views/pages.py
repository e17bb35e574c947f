"""The reads the app's pages need, so that no Cypher lives in ``ui/``: the latest
cases, the cases to filter by, and the data sources loaded (from the workspace)."""

from __future__ import annotations

import pandas as pd

from graph.model import KEY, quote
from graph.store import GraphStore
from graph.workspace import Workspace

__all__ = ["ADHOC_EXAMPLE", "CASE", "case_choices", "data_sources", "recent_cases"]

#: The label of enforcement cases, which the overview and the explorer's filter list.
CASE = "Case"
#: What the ad-hoc query box shows before the analyst types.
ADHOC_EXAMPLE = "MATCH (s:SalesChannel)-[:HOSTED_ON]->(m) RETURN m.name, count(s)"
SOURCE_COLUMNS = ["file", "loaded_at", "by", "rows", "loaded", "rejected", "problem"]


def recent_cases(store: GraphStore, *, limit: int = 15) -> pd.DataFrame:
    """The latest cases by opening date (undated ones last)."""
    columns = ["id", "name", "kind", "status", "opened", "closed"]
    if CASE not in store.labels_in_store():
        return pd.DataFrame(columns=columns)
    rows = store.read(
        f"MATCH (c:{quote(CASE)}) RETURN c.{KEY} AS id, {store.model.display_expression([CASE], 'c')} AS name, "
        "c.kind AS kind, c.status AS status, c.opened AS opened, c.closed AS closed "
        "ORDER BY c.opened IS NULL, c.opened DESC, id LIMIT $limit",
        {"limit": int(limit)},
    )
    return pd.DataFrame(rows, columns=columns)


def case_choices(store: GraphStore, *, limit: int = 2000) -> dict[str, str]:
    """Case key -> "name (key)", for a case filter."""
    if CASE not in store.labels_in_store():
        return {}
    rows = store.read(
        f"MATCH (c:{quote(CASE)}) RETURN c.{KEY} AS key, {store.model.display_expression([CASE], 'c')} AS name "
        "ORDER BY key LIMIT $limit",
        {"limit": int(limit)},
    )
    return {row["key"]: f"{row['name'] or row['key']} ({row['key']})" for row in rows}


def data_sources(workspace: Workspace, *, limit: int = 100) -> pd.DataFrame:
    """The files loaded, newest first: when, by whom, rows read, loaded and rejected."""
    rows = [
        {
            "file": run["name"],
            "loaded_at": run["at"],
            "by": run["by"],
            "rows": run["read"],
            "loaded": run["loaded"],
            "rejected": run["rejected"],
            "problem": run["problem"],
        }
        for run in workspace.records("ingest_runs", limit=limit)
    ]
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)
