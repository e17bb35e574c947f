"""The record of what was loaded: one ``IngestRun`` node per file and load, so the app's
overview (and any saved query) can say which data sources are in the graph and when
they arrived."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterable

from graph.records import NodeRecord
from graph.store import GraphStore
from ingest.loader import FileReport

__all__ = ["record_loads"]


def record_loads(store: GraphStore, reports: Iterable[FileReport], *, at: dt.datetime | None = None) -> int:
    """Write one ``IngestRun`` per report; returns how many were written."""
    at = (at or dt.datetime.now()).replace(microsecond=0)
    who = os.environ.get("KG_USER") or getpass.getuser()
    records = [
        NodeRecord(
            ("IngestRun",),
            f"LOAD-{at:%Y%m%dT%H%M%S}-{number:03d}",
            {
                "id": f"LOAD-{at:%Y%m%dT%H%M%S}-{number:03d}",
                "name": report.path.name,
                "path": str(report.path),
                "kind": str(report.kind),
                "read": report.read,
                "loaded": report.loaded,
                "rejected": report.rejected,
                "created": report.created,
                "updated": report.updated,
                "problem": report.problem or "",
                "at": at,
                "by": who,
            },
            source="ingest",
        )
        for number, report in enumerate(reports, start=1)
    ]
    result = store.upsert_nodes(records)
    return result.created + result.updated
