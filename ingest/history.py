"""The record of what was loaded: one ingest run per file and load, kept in the
workspace (never in the graph), so the app's overview can say which data sources are in
the graph, when they arrived and who loaded them."""

from __future__ import annotations

from collections.abc import Iterable

from graph.attribution import current_user, utc_now
from graph.workspace import Workspace, new_id
from ingest.loader import FileReport

__all__ = ["record_loads"]


def record_loads(workspace: Workspace, reports: Iterable[FileReport]) -> int:
    """Record one ingest run per report; returns how many were recorded."""
    at = utc_now()
    return workspace.add(
        "ingest_runs",
        [
            {
                "id": new_id("LOAD", at) + f"-{number:03d}",
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
                "by": current_user(),
            }
            for number, report in enumerate(reports, start=1)
        ],
    )
