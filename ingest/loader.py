"""Load neo4j-admin import CSV files or folders into a store, losing nothing.

Every row is either loaded or rejected with its file, row, column and reason; for each
file ``read == loaded + rejected``. Node files load before relationship files, so a
folder loads in the right order whatever its file names. Labels and relationship types
the files bring are declared in the store's model (they are the dataset's vocabulary).
"""

from __future__ import annotations

import csv
import errno
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from graph.model import DISPLAY_CANDIDATES, ModelError, check_identifier
from graph.records import NodeRecord, RelationshipRecord
from graph.store import GraphStore
from graph.views.tables import neutralize_formula
from ingest.admin_csv import FileKind, HeaderError, ParsedRow, RowError, parse_row, read_rows
from ingest.mapping import MappingError, TableMapping, apply_mapping, check_data_name, load_mapping, table_rows
from ingest.normalize import CleaningError
from ingest.textfile import BadRow, NotText

if TYPE_CHECKING:
    from ingest.history import LoadJournal

__all__ = ["FileReport", "Reject", "load_mapped", "load_paths", "write_rejects"]


@dataclass(frozen=True)
class Reject:
    """A row that was not loaded, and why."""

    file: str
    row: int
    reason: str
    data: str = ""


@dataclass
class FileReport:
    """What loading one file did. ``read == loaded + rejected`` always holds."""

    path: Path
    kind: str = ""
    read: int = 0
    created: int = 0
    updated: int = 0
    rejects: list[Reject] = field(default_factory=list)
    problem: str | None = None  # a whole-file problem with no rows to reject (unreadable, no header)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def loaded(self) -> int:
        return self.read - self.rejected

    def reject(self, row: int, reason: str, fields: list[str] | None = None) -> None:
        data = ",".join(fields or [])
        self.rejects.append(Reject(str(self.path), row, reason, data[:2000]))

    def summary(self) -> str:
        if self.problem:
            return f"{self.path}: not loaded: {self.problem}"
        what = {FileKind.RELATIONSHIPS: "relationships", FileKind.NODES: "nodes"}.get(
            self.kind, "nodes and relationships"
        )
        return (
            f"{self.path}: {self.read} rows read, {self.loaded} loaded ({what}: {self.created} created, "
            f"{self.updated} updated), {self.rejected} rejected"
        )


def _files(paths: Iterable[Path]) -> list[tuple[Path, str | None]]:
    """The files to load, each with the reason it cannot be read (a symbolic link loop
    in a folder is said, not skipped)."""
    found: list[tuple[Path, str | None]] = []
    for path in paths:
        if path.is_dir():
            found.extend((p, _unreadable(p)) for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv")
        else:
            found.append((path, None))
    return [(path, problem) for path, problem in found if problem != ""]


def _unreadable(path: Path) -> str | None:
    """Why a folder entry named ``*.csv`` cannot be loaded; "" for a folder, left out."""
    try:
        path.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: Python 3.11's symbolic link loop
        loop = isinstance(error, RuntimeError) or getattr(error, "errno", None) == errno.ELOOP
        return "a symbolic link loop: skipped" if loop else f"cannot read the file: {error}"
    return "" if path.is_dir() else None


def _display(properties: Iterable[str]) -> str:
    names = list(properties)
    for candidate in DISPLAY_CANDIDATES:
        if candidate in names:
            return candidate
    return names[0] if names and _plain(names[0]) else "name"


def _plain(name: str) -> bool:
    try:
        check_identifier(name)
    except ModelError:
        return False
    return True


def load_paths(
    store: GraphStore, paths: Iterable[str | Path], *, strict: bool = False, journal: LoadJournal | None = None
) -> list[FileReport]:
    """Load files and folders; under ``strict`` a file with any bad row loads nothing.

    Node files are written before relationship files; each file is written in a thread
    of its own while the next is parsed. ``journal`` records each file as it goes."""
    reports = []
    opened = []
    for path, problem in _files(Path(p) for p in paths):
        report = FileReport(path, problem=problem)
        reports.append(report)
        if problem:
            continue
        try:
            columns, report.kind, rows = read_rows(path)
        except HeaderError as error:
            for number, fields in error.rows:
                report.read += 1
                report.reject(number, f"header: {error}", fields if isinstance(fields, list) else None)
            if not report.read:
                report.problem = f"header: {error}"
            continue
        except NotText as error:
            report.problem = str(error)
            continue
        except OSError as error:
            report.problem = f"cannot read the file: {error.strerror or error}"
            continue
        opened.append((report, columns, rows))
    key_labels: dict[str, str] = {}
    with _Writer(store, journal) as writer:
        for report, columns, rows in opened:
            if report.kind == FileKind.NODES:
                good = _parsed(report, columns, rows)
                writer.submit(report, _load_nodes, store, report, columns, good, strict, key_labels)
        for report, columns, rows in opened:
            if report.kind == FileKind.RELATIONSHIPS:
                good = _parsed(report, columns, rows)
                writer.submit(report, _load_relationships, store, report, good, strict, key_labels)
    if journal is not None:
        journal.record_unwritten(reports)
    return reports


def _parsed(report: FileReport, columns: list, rows: Iterable) -> list[tuple[ParsedRow, list[str]]]:
    """The rows that parse; the others are rejected with their reason."""
    good = []
    for number, fields in rows:
        report.read += 1
        if isinstance(fields, BadRow):
            report.reject(number, str(fields))
            continue
        try:
            good.append((parse_row(columns, number, fields), fields))
        except RowError as error:
            report.reject(number, str(error), fields)
    return good


class _Writer:
    """Runs write jobs, in order, in one thread that holds the store's write access,
    so parsing the next file overlaps with the store's own work (network or engine
    time, during which Python's lock is free). The first error is raised on exit."""

    def __init__(self, store: GraphStore, journal: LoadJournal | None):
        self._store = store
        self._journal = journal
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)

    def _run(self) -> None:
        try:
            with self._store.writing():
                for job in iter(self._jobs.get, None):
                    if self._error is None:
                        try:
                            job()
                        except BaseException as error:  # kept for the caller, which re-raises it
                            self._error = error
        except BaseException as error:
            self._error = self._error or error
            for _ in iter(self._jobs.get, None):
                pass

    def submit(self, report: FileReport, job: Callable[..., None], *args: object) -> None:
        """Queue one file's job; if the store fails on it, the file's report says so and
        the next file is written."""
        self._jobs.put(partial(_file_job, report, partial(job, *args), self._journal))

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._jobs.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def _file_job(report: FileReport, job: Callable[[], None], journal: LoadJournal | None) -> None:
    """Run one file's writes; a failure the store meets on hostile data ends that file,
    not the run (every other file is still loaded, summarised and recorded)."""
    if journal is not None:
        journal.started(report)
    try:
        job()
    except Exception as error:  # any store or driver error: the report names it
        _store_failed(report, error)
    if journal is not None:
        journal.finished(report)


def _store_failed(report: FileReport, error: Exception) -> None:
    """Mark a file the store failed on: nothing of it counts as loaded."""
    report.problem = f"the store failed on this file ({type(error).__name__}: {str(error)[:300]})"
    report.read = report.created = report.updated = 0
    report.rejects.clear()


def _strict_stop(report: FileReport, good: list[tuple[int, list[str]]], strict: bool) -> bool:
    """Under ``strict``, a file with bad rows rejects its good rows too, and loads nothing."""
    if not (strict and report.rejects):
        return False
    reason = f"not loaded: the file has {report.rejected} bad row(s) and --strict loads none of it"
    for number, fields in good:
        report.reject(number, reason, fields)
    return True


def _load_nodes(store, report: FileReport, columns, good, strict: bool, key_labels: dict[str, str]) -> None:
    properties = [c.name for c in columns if c.role in ("property", "id") and c.name]
    records: dict[str, NodeRecord] = {}
    rows_of: dict[str, list[tuple[ParsedRow, list[str]]]] = {}
    kept = []
    for row, fields in good:
        if not row.labels:
            report.reject(row.number, "column ':LABEL': the node has no label", fields)
            continue
        earlier = records.get(row.key)
        if earlier is not None:
            if earlier.labels != row.labels or earlier.properties != row.properties:
                report.reject(row.number, f"id {row.key!r} appears earlier in the file with other values", fields)
            else:
                rows_of[row.key].append((row, fields))
            continue
        try:
            for label in row.labels:
                store.model.declare_label(check_data_name(label, "label"), display=_display(properties))
        except ModelError as error:
            report.reject(row.number, f"column ':LABEL': {error}", fields)
            continue
        records[row.key] = NodeRecord(row.labels, row.key, row.properties, source=f"{report.path.name}:{row.number}")
        rows_of[row.key] = [(row, fields)]
        kept.append((row, fields))
    if _strict_stop(report, [(row.number, fields) for row, fields in kept], strict):
        return
    result = store.upsert_nodes(records.values())
    report.created, report.updated = result.created, result.updated
    for record, reason in result.rejected:
        for row, fields in rows_of[record.key]:
            report.reject(row.number, reason, fields)
    rejected = {record.key for record, _ in result.rejected}
    key_labels.update((key, record.labels[0]) for key, record in records.items() if key not in rejected)


def _load_relationships(store, report: FileReport, good, strict: bool, key_labels: dict[str, str]) -> None:
    occurrences: Counter[tuple[str, str, str]] = Counter()
    records = []
    rows_of: dict[int, tuple[ParsedRow, list[str]]] = {}
    for row, fields in good:
        try:
            store.model.declare_relationship(check_data_name(row.type, "relationship type"))
        except ModelError as error:
            report.reject(row.number, f"column ':TYPE': {error}", fields)
            continue
        # neo4j-admin makes one relationship per row: number parallel ones so re-loads match them
        occurrences[(row.start, row.type, row.end)] += 1
        nth = occurrences[(row.start, row.type, row.end)]
        record = RelationshipRecord(
            row.type,
            row.start,
            row.end,
            row.properties,
            key="" if nth == 1 else str(nth),
            start_label=key_labels.get(row.start),
            end_label=key_labels.get(row.end),
            source=f"{report.path.name}:{row.number}",
        )
        rows_of[id(record)] = (row, fields)
        records.append(record)
    if strict:
        located = store.locate({k for r in records for k in (r.start, r.end) if k not in key_labels})
        missing = {id(r) for r in records if not all(k in key_labels or k in located for k in (r.start, r.end))}
        for record_id in missing:
            row, fields = rows_of[record_id]
            report.reject(row.number, "start or end node does not exist", fields)
        remaining = [rows_of[id(r)] for r in records if id(r) not in missing]
        if _strict_stop(report, [(row.number, fields) for row, fields in remaining], strict):
            return
    result = store.upsert_relationships(records)
    report.created, report.updated = result.created, result.updated
    for record, reason in result.rejected:
        row, fields = rows_of[id(record)]
        report.reject(row.number, reason, fields)


def write_rejects(reports: Iterable[FileReport], path: Path) -> int:
    """Write every rejected row with its reason to a CSV file; returns how many."""
    rejects = [reject for report in reports for reject in report.rejects]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "reason", "data"])
        for reject in rejects:
            writer.writerow([neutralize_formula(str(v)) for v in (reject.file, reject.row, reject.reason, reject.data)])
    return len(rejects)


def load_mapped(
    store: GraphStore,
    mapping_path: str | Path,
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    journal: LoadJournal | None = None,
) -> list[FileReport]:
    """Load CSV, Excel or JSON Lines tables through a declarative mapping (see
    :mod:`ingest.mapping`); a row that fails any of its nodes or links is rejected."""
    mapping = load_mapping(mapping_path, store.model)
    reports = []
    with store.writing():
        for path, problem in _files(Path(p) for p in paths):
            report = FileReport(path, kind="mapped", problem=problem)
            reports.append(report)
            if not problem:
                _file_job(report, partial(_load_mapped_file, store, mapping, report, strict), journal)
    if journal is not None:
        journal.record_unwritten(reports)
    return reports


def _load_mapped_file(store: GraphStore, mapping: TableMapping, report: FileReport, strict: bool) -> None:
    fields_of: dict[int, list[str]] = {}  # good rows, by number
    row_of: dict[int, int] = {}  # record id -> row number
    nodes, relationships = [], []
    try:
        for number, row in table_rows(report.path, mapping):
            report.read += 1
            if isinstance(row, BadRow):
                report.reject(number, str(row))
                continue
            fields = ["" if v is None else str(v) for v in row.values()]
            try:
                row_nodes, row_relationships = apply_mapping(mapping, row, f"{report.path.name}:{number}")
            except CleaningError as error:
                report.reject(number, str(error), fields)
                continue
            if not row_nodes:
                report.reject(number, "the row makes no node: the columns of every key are empty", fields)
                continue
            fields_of[number] = fields
            for record in (*row_nodes, *row_relationships):
                row_of[id(record)] = number
            nodes.extend(row_nodes)
            relationships.extend(row_relationships)
    except (MappingError, NotText, OSError) as error:
        report.problem = str(error)
        report.read = 0
        report.rejects.clear()
        return
    if _strict_stop(report, list(fields_of.items()), strict):
        return
    failed: dict[int, str] = {}
    for result in (store.upsert_nodes(nodes), store.upsert_relationships(relationships)):
        report.created += result.created
        report.updated += result.updated
        for record, reason in result.rejected:
            failed.setdefault(row_of[id(record)], reason)
    for number, reason in sorted(failed.items()):
        report.reject(number, reason, fields_of[number])
