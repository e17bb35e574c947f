"""The record of what was loaded: one ingest run per file and load, kept in the
workspace (never in the graph), so the app's overview can say which data sources are in
the graph, when they arrived and who loaded them.

A load writes its record ``started`` before the file's first write and ``finished``
once the store holds all of it durably, so a load killed half way leaves a record of
the file it cut short, with how many of the file's records were committed (Neo4j
commits a file in several transactions; the embedded store saves a whole load at
once). Writes are idempotent: loading the file again completes it, and its records
cut short become ``interrupted``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from graph.attribution import current_user, utc_now
from graph.workspace import Workspace, new_id

if TYPE_CHECKING:
    from graph.store import GraphStore
    from ingest.loader import FileReport

__all__ = ["LoadJournal", "record_loads", "UNFINISHED"]

#: What the overview says of a load that has not finished.
UNFINISHED = "not finished: still loading, or stopped before the end; loading the file again completes it"


class LoadJournal:
    """The records of one load, written as it goes (see the module docstring)."""

    def __init__(self, workspace: Workspace, store: GraphStore):
        self.workspace = workspace
        self.store = store
        self.at = utc_now()
        self._ids: dict[int, str] = {}  # id(report) -> its record
        self._committed: Counter[str] = Counter()

    def started(self, report: FileReport) -> None:
        """Record the file before its first write, and count what each batch commits."""
        record = self._record_id(report)
        started = _row(report, record, self.at, "started", problem=UNFINISHED, loaded=0, committed=0)
        self.workspace.add("ingest_runs", [started])
        self.store.write_observer = partial(self._count, record)

    def _count(self, record: str, records: int) -> None:
        self._committed[record] += records
        self.workspace.update("ingest_runs", record, committed=self._committed[record])

    def finished(self, report: FileReport) -> None:
        """Record the file as done once its writes are durable."""
        self.store.write_observer = None
        self.store.after_commit(partial(self._finish, report, self._record_id(report)))

    def record_unwritten(self, reports: Iterable[FileReport]) -> None:
        """Record the files that never started writing (unreadable, no header)."""
        for report in reports:
            if id(report) not in self._ids:
                self._finish(report, self._record_id(report))

    def _finish(self, report: FileReport, record: str) -> None:
        done = _row(report, record, self.at, "finished", committed=self._committed[record])
        self.workspace.add("ingest_runs", [done])
        for earlier in self.workspace.records("ingest_runs", path=str(report.path), status="started"):
            if earlier["id"] != record:
                problem = f"stopped before the end ({earlier['committed']} records committed); {record} completed it"
                self.workspace.update("ingest_runs", earlier["id"], status="interrupted", problem=problem)

    def _record_id(self, report: FileReport) -> str:
        return self._ids.setdefault(id(report), new_id("LOAD", self.at) + f"-{len(self._ids) + 1:03d}")


def _row(report: FileReport, record: str, at: Any, status: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": record,
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
        "status": status,
        **fields,
    }


def record_loads(workspace: Workspace, reports: Iterable[FileReport]) -> int:
    """Record loads that are over (one finished ingest run per report); returns how
    many were recorded."""
    at = utc_now()
    rows = [
        _row(report, new_id("LOAD", at) + f"-{number:03d}", at, "finished", committed=report.created + report.updated)
        for number, report in enumerate(reports, start=1)
    ]
    return workspace.add("ingest_runs", rows)
