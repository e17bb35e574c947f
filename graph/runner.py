"""Running saved and ad-hoc queries: checked, read-only, bounded, audited.

Every run, saved or typed, goes through :func:`run_saved` or :func:`run_adhoc`: the
parameters are converted from their declared types (a bad one is named), entity ids are
checked to exist, the query runs read-only with a timeout and a row cap that say when
they cut, and one line is appended to the audit log (``KG_AUDIT_LOG``,
``data/audit.jsonl`` by default): who, when, which query (its name, or ``ad-hoc``), the
Cypher text as run and its parameters, duration, row count and any error or refusal.
``python -m graph cypher`` writes the same line through :func:`audited_query`.
On Neo4j the same facts travel as transaction metadata, so they reach the server's query
log.

The text and parameters are kept whole: an audit that omits what was looked up cannot
answer who searched for whom. They are the analyst's own values; the one secret the tool
holds, the Neo4j password, is masked (``***``) should it appear in them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from graph.attribution import current_user, utc_now
from graph.library import LibraryError, SavedQuery
from graph.store import GraphStore, Settings
from graph.values import to_json_value

__all__ = [
    "QueryRun",
    "audit_log_path",
    "audited_query",
    "run_adhoc",
    "run_saved",
    "DEFAULT_ROW_LIMIT",
    "DEFAULT_TIMEOUT",
]

DEFAULT_ROW_LIMIT = 5000
DEFAULT_TIMEOUT = 60.0
#: The integers both stores hold (signed 64-bit).
INT_RANGE = (-(2**63), 2**63 - 1)


@dataclass
class QueryRun:
    """A query's result: the table, the graph elements it returned, and what was cut."""

    frame: pd.DataFrame
    graph: nx.MultiDiGraph | None
    truncated: bool
    seconds: float
    name: str
    notes: list[str] = field(default_factory=list)


def audit_log_path() -> Path:
    return Path(os.environ.get("KG_AUDIT_LOG") or "data/audit.jsonl")


def _audit(entry: dict[str, Any]) -> None:
    path = audit_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = Settings.from_env().mask(json.dumps(to_json_value(entry), ensure_ascii=False, sort_keys=True)) + "\n"
    with open(path, "a", encoding="utf-8") as handle:  # append-only: one write per run
        handle.write(line)


def _storable(value: Any) -> bool:
    """Whether every integer in ``value`` (in lists and maps too) fits in 64 bits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return INT_RANGE[0] <= value <= INT_RANGE[1]
    if isinstance(value, (list, tuple)):
        return all(_storable(item) for item in value)
    if isinstance(value, dict):
        return all(_storable(item) for item in value.values())
    return True


def _graph_keys(value: Any, keys: set[str]) -> None:
    """Collect node keys from the node, relationship and path dicts a result holds."""
    if isinstance(value, dict):
        if "labels" in value and "key" in value and value["key"] is not None:
            keys.add(str(value["key"]))
        elif "type" in value and "start" in value and "end" in value:
            keys.update(str(k) for k in (value["start"], value["end"]) if k is not None)
        for item in value.get("nodes", []) if "relationships" in value else ():
            _graph_keys(item, keys)
    elif isinstance(value, list):
        for item in value:
            _graph_keys(item, keys)


def audited_query(
    store: GraphStore,
    name: str,
    cypher: str,
    params: dict[str, Any],
    *,
    timeout: float | None,
    row_limit: int | None,
) -> pd.DataFrame:
    """Run an analyst's query (:meth:`GraphStore.query`) and append its audit line,
    refused and failed runs included. An integer parameter neither store can hold is
    named before anything runs."""
    for parameter, value in params.items():
        if not _storable(value):
            raise LibraryError(f"parameter {parameter!r}: {str(value)[:60]} holds an integer beyond 64 bits")
    digest = hashlib.sha256(cypher.encode("utf-8")).hexdigest()[:16]
    metadata = {"app": "ipcrime-graph", "query": name, "query_hash": digest, "user": current_user()}
    started = time.perf_counter()
    error = None
    frame = pd.DataFrame()
    try:
        frame = store.query(cypher, params, timeout=timeout, row_limit=row_limit, metadata=metadata)
    except Exception as failure:
        error = str(failure)
        raise
    finally:
        seconds = time.perf_counter() - started
        _audit(
            {
                "at": utc_now(),
                "user": metadata["user"],
                "query": name,
                "query_hash": digest,
                "cypher": cypher,
                "params": params,
                "seconds": round(seconds, 4),
                "rows": len(frame),
                "truncated": bool(frame.attrs.get("truncated")),
                "error": error,
            }
        )
    frame.attrs["seconds"] = seconds
    return frame


def _run(
    store: GraphStore,
    name: str,
    cypher: str,
    params: dict[str, Any],
    *,
    timeout: float | None,
    row_limit: int | None,
) -> QueryRun:
    frame = audited_query(store, name, cypher, params, timeout=timeout, row_limit=row_limit)
    keys: set[str] = set()
    for column in frame.columns:
        for value in frame[column]:
            _graph_keys(value, keys)
    truncated = bool(frame.attrs.get("truncated"))
    notes = [f"only the first {row_limit} rows are shown (row cap)"] if truncated else []
    notes += frame.attrs.get("notes", [])
    return QueryRun(
        frame=frame,
        graph=store.subgraph(sorted(keys)) if keys else None,
        truncated=truncated,
        seconds=frame.attrs["seconds"],
        name=name,
        notes=notes,
    )


def run_saved(
    store: GraphStore,
    query: SavedQuery,
    given: dict[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    row_limit: int | None = DEFAULT_ROW_LIMIT,
) -> QueryRun:
    """Run a library query with the given parameters (strings or native values)."""
    cypher, params, entities = query.bind(dict(given or {}), store.model)
    located = store.locate([value for value, _ in entities.values()]) if entities else {}
    for parameter, (value, label) in entities.items():
        if value not in located:
            raise LibraryError(f"parameter {parameter!r}: no entity has id {value!r}")
        if label and label not in located[value]:
            raise LibraryError(f"parameter {parameter!r}: {value!r} is a {located[value][0]}, not a {label}")
    return _run(store, query.name, cypher, params, timeout=timeout, row_limit=row_limit)


def run_adhoc(
    store: GraphStore,
    cypher: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    row_limit: int | None = DEFAULT_ROW_LIMIT,
) -> QueryRun:
    """Run a query an analyst typed, through the same checks, bounds and audit."""
    return _run(store, "ad-hoc", cypher, dict(params or {}), timeout=timeout, row_limit=row_limit)
