"""Load neo4j-admin import CSV files or folders into a store, losing nothing.

Every row is either loaded or rejected with its file, row, column and reason; for each
file ``read == loaded + rejected``. Node files load before relationship files, so a
folder loads in the right order whatever its file names. Labels and relationship types
the files bring are declared in the store's model (they are the dataset's vocabulary).
"""

from __future__ import annotations

import csv
import errno
import gc
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from graph.model import DISPLAY_CANDIDATES, ModelError, check_identifier
from graph.progress import SILENT, Cancelled, Progress
from graph.records import NodeRecord, RelationshipRecord, WriteResult
from graph.store import GraphStore
from graph.views.tables import neutralize_formula
from ingest.admin_csv import Column, FileKind, HeaderError, ParsedRow, RowError, parse_row, read_rows
from ingest.columns import column_chunks, takes_columns
from ingest.mapping import MappingError, TableMapping, apply_mapping, check_data_name, load_mapping, table_rows
from ingest.normalize import CleaningError
from ingest.textfile import BadRow, NotText

if TYPE_CHECKING:
    from ingest.history import LoadJournal

__all__ = ["CHUNK_ROWS", "FileReport", "LoadCancelled", "Reject", "load_mapped", "load_paths", "write_rejects"]

#: Rows of a file parsed and written at a time: what a load holds, whatever the file's size.
CHUNK_ROWS = 20_000
_SAMPLE = 2**16  # bytes read to estimate a file's rows
_MAPPED_REPORT_EVERY = 10_000  # rows of a mapped table between two progress reports


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
    started: bool = False  # its first write began
    finished: bool = False  # all of it was handed to the store
    written: int = 0  # rows whose writes the store has done
    stopped: bool = False  # the user stopped the load before the file was whole

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
            return f"{self.path}: {'' if self.stopped else 'not loaded: '}{self.problem}"
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
    store: GraphStore,
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    journal: LoadJournal | None = None,
    progress: Progress = SILENT,
) -> list[FileReport]:
    """Load files and folders; under ``strict`` a file with any bad row loads nothing.

    Node files are written before relationship files. Each file is streamed in chunks of
    :data:`CHUNK_ROWS` rows, parsed while the previous chunk is written, so memory
    stays bounded whatever the files' size. ``journal`` records each file as it goes;
    ``progress`` hears which file and how many of its rows are done, and a cancel stops
    the load between chunks: :class:`LoadCancelled` then carries the reports, each
    saying what of its file is in the graph."""
    reports, opened = _opened(paths)
    key_labels: dict[str, str] = {}
    with _accounted(reports, journal), _long_lived(), _Writer(store, journal) as writer:
        for kind in (FileKind.NODES, FileKind.RELATIONSHIPS):
            writer.call(_nothing)  # the nodes are in (their labels known) before relationships are read
            for report, columns, rows in opened:
                if report.kind == kind:
                    _stream(writer, _FileLoad(store, report, columns, key_labels), rows, strict, progress)
    return reports


@contextmanager
def _accounted(reports: list[FileReport], journal: LoadJournal | None) -> Iterator[None]:
    """The end of a load: a cancel becomes :class:`LoadCancelled`, each report saying what
    of its file is in the graph; either way the journal records the files that never
    started writing."""
    try:
        yield
    except Cancelled as stop:
        _say_what_holds(reports)
        if journal is not None:
            journal.record_unwritten(reports)
        raise LoadCancelled(str(stop), reports) from None
    if journal is not None:
        journal.record_unwritten(reports)


@contextmanager
def _long_lived() -> Iterator[None]:
    """What a load keeps from file to file (keys met, their labels, relationships seen:
    millions of objects at a million nodes) is set aside after each file from Python's
    cycle collector, which would walk all of it again at each full collection (a
    quarter of a load's time at 100,000 nodes); the load's end gives it back."""
    try:
        yield
    finally:
        gc.unfreeze()


class LoadCancelled(Cancelled):
    """A load the user stopped; ``reports`` say, file by file, what is in the graph."""

    def __init__(self, message: str, reports: list[FileReport]):
        super().__init__(message)
        self.reports = reports


def _opened(paths: Iterable[str | Path]) -> tuple[list[FileReport], list[tuple[FileReport, list, Iterator]]]:
    """A report for every file, and the files whose header could be read, each with its
    columns and its remaining rows (read lazily)."""
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
    return reports, opened


def _expected_rows(path: Path) -> int | None:
    """About how many rows a file holds, from its size and its first lines (cheap: a
    progress bar's total, never a count that matters)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(_SAMPLE)
    except OSError:
        return None
    lines = head.count(b"\n")
    if len(head) < _SAMPLE:
        return max(lines - 1, 0) + (not head.endswith(b"\n"))
    return max(round(size * lines / len(head)) - 1, 1) if lines else None


def _stream(writer: _Writer, load: _FileLoad, rows: Iterator, strict: bool, progress: Progress) -> None:
    """Parse one file chunk by chunk and hand each chunk to the writer. Under ``strict``
    the file is first read through without writing, and written only if no row is bad."""
    report = load.report
    what = f"loading {report.path.name}"
    expected = _expected_rows(report.path)
    progress.report(what, 0, expected)
    counted = True
    if strict:  # checked where the store can be read, once the node files before it are in
        writer.call(partial(_check, load, rows, progress, expected))
        load.pairs.clear()  # the write pass numbers parallel relationships afresh
        load.repeats.clear()
        rows = read_rows(report.path)[2]
        counted = False
        if report.rejects:
            _reject_all(report, load.columns, rows)
            return
    writer.start(report)
    submitted = 0
    by_columns = not strict and takes_columns(load)  # the rows a column at a time, into tables
    chunks = (
        column_chunks(load, rows, CHUNK_ROWS) if by_columns else _chunks(report, load.columns, rows, counted=counted)
    )
    for chunk in chunks:
        submitted += len(chunk)
        done = report.read if counted else submitted
        progress.report(what, done, max(expected or 0, done))
        writer.submit(report, chunk.write if by_columns else load.job(chunk), len(chunk))
    writer.finish(report)
    done = report.read if counted else submitted
    progress.report(what, done, done)  # the file's line ends at 100%
    gc.collect()
    gc.freeze()  # see _long_lived


def _check(load: _FileLoad, rows: Iterator, progress: Progress, expected: int | None) -> None:
    """Read a whole file and reject the rows that could not be written, writing nothing."""
    report = load.report
    for chunk in _chunks(report, load.columns, rows, counted=True):
        load.check(chunk)
        progress.report(f"checking {report.path.name}", report.read, max(expected or 0, report.read))


def _chunks(
    report: FileReport, columns: list[Column], rows: Iterator, *, counted: bool
) -> Iterator[list[tuple[ParsedRow, list[str]]]]:
    """The rows that parse, :data:`CHUNK_ROWS` at a time; when ``counted`` each row is
    counted as read and the others are rejected with their reason."""
    chunk: list[tuple[ParsedRow, list[str]]] = []
    for number, fields in rows:
        if counted:
            report.read += 1
        if isinstance(fields, BadRow):
            if counted:
                report.reject(number, str(fields))
            continue
        try:
            chunk.append((parse_row(columns, number, fields), fields))
        except RowError as error:
            if counted:
                report.reject(number, str(error), fields)
            continue
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reject_all(report: FileReport, columns: list[Column], rows: Iterator) -> None:
    """Under ``strict``, a file with bad rows rejects its good rows too, and loads nothing."""
    bad = {reject.row for reject in report.rejects}
    good = ((row.number, fields) for chunk in _chunks(report, columns, rows, counted=False) for row, fields in chunk)
    _strict_stop(report, [(number, fields) for number, fields in good if number not in bad], True)


def _say_what_holds(reports: list[FileReport]) -> None:
    """After a cancel, each report says what of its file is in the graph."""
    for report in reports:
        if report.problem or report.finished:
            continue
        if report.started:
            report.problem = (
                f"stopped by the user: {report.written:,} of its rows are in the graph, the rest are not; "
                "loading the file again completes it"
            )
        else:
            report.problem = "stopped by the user before this file: none of it is in the graph"
            report.read = report.created = report.updated = 0
            report.rejects.clear()
        report.stopped = True


class _Writer:
    """Runs write jobs, in order, in one thread that holds the store's write access,
    so parsing the next chunk overlaps with the store's own work (network or engine
    time, during which Python's lock is free). At most two chunks wait, so memory
    stays bounded; a cancel stops the parsing, and the chunks already handed over are
    written, so a report can say exactly what is in the graph. The first error is
    raised on exit."""

    def __init__(self, store: GraphStore, journal: LoadJournal | None):
        self._store = store
        self._journal = journal
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)

    def _run(self) -> None:
        ended = False  # the end of the jobs was taken from the queue
        try:
            with self._store.writing():
                for job in iter(self._jobs.get, None):
                    try:
                        if self._error is None:
                            job()
                    except BaseException as error:  # kept for the caller, which re-raises it
                        self._error = error
                    finally:
                        self._jobs.task_done()
                ended = True
        except BaseException as error:
            self._error = self._error or error
        if not ended:
            for _ in iter(self._jobs.get, None):
                self._jobs.task_done()
        self._jobs.task_done()

    def start(self, report: FileReport) -> None:
        """Record the file before its first write."""
        self._jobs.put(partial(self._started, report))

    def _started(self, report: FileReport) -> None:
        report.started = True
        if self._journal is not None:
            self._journal.started(report)

    def submit(self, report: FileReport, job: Callable[[], None], rows: int) -> None:
        """Queue one chunk of a file; if the store fails on it, the file's report says
        so, its later chunks are skipped, and the next file is written."""
        self._jobs.put(partial(self._chunk, report, job, rows))

    def _chunk(self, report: FileReport, job: Callable[[], None], rows: int) -> None:
        if report.problem:
            return
        try:
            job()
        except Exception as error:  # any store or driver error: the report names it
            _store_failed(report, error)
            return
        report.written += rows

    def finish(self, report: FileReport) -> None:
        """Record the file as done once its writes are durable."""
        self._jobs.put(partial(self._finished, report))

    def _finished(self, report: FileReport) -> None:
        report.finished = True
        if self._journal is not None:
            self._journal.finished(report)

    def call(self, job: Callable[[], None]) -> None:
        """Run ``job`` in the writing thread, which holds the store, and wait for it."""
        self._jobs.put(job)
        self._jobs.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._jobs.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def _nothing() -> None:
    """A job that only waits its turn: the writer has done every job before it."""


def _raise(error: Exception) -> None:
    raise error


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


def _strict_stop(report: FileReport, good: list[tuple[int, list[str]]], strict: bool) -> bool:
    """Under ``strict``, a table with bad rows rejects its good rows too, and loads nothing."""
    if not (strict and report.rejects):
        return False
    reason = f"not loaded: the file has {report.rejected} bad row(s) and --strict loads none of it"
    for number, fields in good:
        report.reject(number, reason, fields)
    return True


def _store_failed(report: FileReport, error: Exception) -> None:
    """Mark a file the store failed on: nothing of it counts as loaded."""
    report.problem = f"the store failed on this file ({type(error).__name__}: {str(error)[:300]})"
    report.read = report.created = report.updated = 0
    report.rejects.clear()


class _FileLoad:
    """One neo4j-admin file's rows turned into records and written, chunk by chunk; what
    must be known across chunks (keys seen, parallel relationships) is kept compact."""

    def __init__(self, store: GraphStore, report: FileReport, columns: list[Column], key_labels: dict[str, str]):
        self.store = store
        self.report = report
        self.columns = columns
        self.key_labels = key_labels
        self.properties = [c.name for c in columns if c.role in ("property", "id") and c.name]
        self.name = report.path.name
        self.names: dict[str, str | None] = {}  # label or type -> why it is refused, None if fine
        self.seen: dict[str, int] = {}  # node key -> a digest of its labels and properties
        self.pairs: set[int] = set()  # digests of (start, type, end) met so far
        self.repeats: Counter[tuple[str, str, str]] = Counter()

    def check(self, chunk: list[tuple[ParsedRow, list[str]]]) -> None:
        """Reject the rows of ``chunk`` that could not be written, writing nothing."""
        if self.report.kind == FileKind.NODES:
            self._nodes(chunk)
            return
        records, rows_of = self._relationships(chunk)
        keys = {k for r in records for k in (r.start, r.end) if k not in self.key_labels}
        located = self.store.locate(keys) if keys else {}
        for record in records:
            if not all(k in self.key_labels or k in located for k in (record.start, record.end)):
                row, fields = rows_of[id(record)]
                self.report.reject(row.number, "start or end node does not exist", fields)

    def write(self, chunk: list[tuple[ParsedRow, list[str]]]) -> None:
        """Write ``chunk``; rows the store refuses are rejected with its reason."""
        if self.report.kind == FileKind.NODES:
            self._write_nodes(*self._nodes(chunk))
        else:
            records, rows_of = self._relationships(chunk)
            self._relationships_written(self.store.upsert_relationships(records), rows_of)

    def job(self, chunk: list[tuple[ParsedRow, list[str]]]) -> Callable[[], None]:
        """The writer's job for ``chunk``. On a store that allows it, a relationship
        chunk is made ready here, in the parsing thread, so the writer only waits on the
        store (the Python work of one chunk overlaps the store's of the one before)."""
        if self.report.kind == FileKind.NODES or not self.store.prepares_beside_writes:
            return partial(self.write, chunk)
        try:
            records, rows_of = self._relationships(chunk)
            prepared = self.store.prepare_relationships(records)
        except Exception as error:  # the writer reports it as the store's failure on this file
            return partial(_raise, error)
        return lambda: self._relationships_written(self.store.write_relationships(prepared), rows_of)

    def _name_problem(self, name: str, what: str, declare: Callable[[str], object]) -> str | None:
        if name not in self.names:
            try:
                declare(check_data_name(name, what))
                self.names[name] = None
            except ModelError as error:
                self.names[name] = str(error)
        return self.names[name]

    def _nodes(self, chunk: list[tuple[ParsedRow, list[str]]]) -> tuple[dict[str, NodeRecord], dict[str, list]]:
        report, model = self.report, self.store.model
        declare = partial(model.declare_label, display=_display(self.properties))
        records: dict[str, NodeRecord] = {}
        rows_of: dict[str, list[tuple[ParsedRow, list[str]]]] = {}
        for row, fields in chunk:
            if not row.labels:
                report.reject(row.number, "column ':LABEL': the node has no label", fields)
                continue
            digest = hash((row.labels, tuple(_hashable(row.properties.get(name)) for name in self.properties)))
            earlier = self.seen.setdefault(row.key, digest)
            if earlier != digest:
                report.reject(row.number, f"id {row.key!r} appears earlier in the file with other values", fields)
                continue
            if row.key in records:
                rows_of[row.key].append((row, fields))
                continue
            problem = next((p for label in row.labels if (p := self._name_problem(label, "label", declare))), None)
            if problem:
                del self.seen[row.key]
                report.reject(row.number, f"column ':LABEL': {problem}", fields)
                continue
            source = f"{self.name}:{row.number}"
            records[row.key] = NodeRecord(row.labels, row.key, row.properties, source=source)
            rows_of[row.key] = [(row, fields)]
        return records, rows_of

    def _write_nodes(self, records: dict[str, NodeRecord], rows_of: dict[str, list]) -> None:
        result = self.store.upsert_nodes(records.values())
        self._count(result)
        for record, reason in result.rejected:
            for row, fields in rows_of.pop(record.key):
                self.report.reject(row.number, reason, fields)
            del records[record.key]
        self.key_labels.update((key, record.labels[0]) for key, record in records.items())

    def _relationships(self, chunk: list[tuple[ParsedRow, list[str]]]) -> tuple[list[RelationshipRecord], dict]:
        report = self.report
        records = []
        rows_of: dict[int, tuple[ParsedRow, list[str]]] = {}
        for row, fields in chunk:
            problem = self._name_problem(row.type, "relationship type", self.store.model.declare_relationship)
            if problem:
                report.reject(row.number, f"column ':TYPE': {problem}", fields)
                continue
            record = RelationshipRecord(
                row.type,
                row.start,
                row.end,
                row.properties,
                key=self._parallel_key(row.start, row.type, row.end),
                start_label=self.key_labels.get(row.start),
                end_label=self.key_labels.get(row.end),
                source=f"{self.name}:{row.number}",
            )
            rows_of[id(record)] = (row, fields)
            records.append(record)
        return records, rows_of

    def _parallel_key(self, start: str, rel_type: str, end: str) -> str:
        """neo4j-admin makes one relationship per row: parallel ones are numbered so that
        re-loads match them. Only a digest of each first occurrence is kept (a file's
        pairs would not fit in memory otherwise); a digest met again is counted exactly."""
        identity = (start, rel_type, end)
        digest = hash(identity)
        if digest not in self.pairs:
            self.pairs.add(digest)
            return ""
        self.repeats[identity] += 1
        return str(self.repeats[identity] + 1)

    def _relationships_written(self, result: WriteResult, rows_of: dict) -> None:
        self._count(result)
        for record, reason in result.rejected:
            row, fields = rows_of[id(record)]
            self.report.reject(row.number, reason, fields)

    def _count(self, result: WriteResult) -> None:
        self.report.created += result.created
        self.report.updated += result.updated


def _hashable(value: object) -> object:
    """A value as a digest takes it (a list column's value as a tuple)."""
    return tuple(value) if isinstance(value, list) else value


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
    progress: Progress = SILENT,
    phone_region: str | None = None,
) -> list[FileReport]:
    """Load CSV, Excel or JSON Lines tables through a declarative mapping (see
    :mod:`ingest.mapping`); a row that fails any of its nodes or links is rejected.
    ``phone_region`` reads phones without ``+`` where the mapping's defaults name no region.

    A table is read whole, then written: ``progress`` hears the rows read and the
    write, and a cancel stops the load while a table is read, before any of it is
    written (:class:`LoadCancelled` carries the reports)."""
    mapping = load_mapping(mapping_path, store.model, phone_region=phone_region)
    reports = [FileReport(path, kind="mapped", problem=problem) for path, problem in _files(Path(p) for p in paths)]
    with _accounted(reports, journal), store.writing():
        for report in reports:
            if not report.problem:
                table = _read_mapped_file(mapping, report, strict, progress)
                if table is not None:
                    progress.report(f"writing {report.path.name}")
                    _file_job(report, partial(_write_mapped_table, store, report, table), journal)
                report.finished = True
    return reports


@dataclass
class _MappedTable:
    """A mapped table's good rows as records, and the row each came from."""

    fields_of: dict[int, list[str]]  # good rows, by number
    row_of: dict[int, int]  # record id -> row number
    nodes: list[NodeRecord]
    relationships: list[RelationshipRecord]


def _read_mapped_file(
    mapping: TableMapping, report: FileReport, strict: bool, progress: Progress
) -> _MappedTable | None:
    """The table's records, its bad rows rejected on ``report``; None when nothing is to be written."""
    table = _MappedTable({}, {}, [], [])
    what = f"reading {report.path.name}"
    progress.report(what, 0)
    try:
        for number, row in table_rows(report.path, mapping):
            report.read += 1
            if report.read % _MAPPED_REPORT_EVERY == 0:
                progress.report(what, report.read)
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
            table.fields_of[number] = fields
            for record in (*row_nodes, *row_relationships):
                table.row_of[id(record)] = number
            table.nodes.extend(row_nodes)
            table.relationships.extend(row_relationships)
    except (MappingError, NotText, OSError) as error:
        report.problem = str(error)
        report.read = 0
        report.rejects.clear()
        return None
    progress.report(what, report.read, report.read)
    return None if _strict_stop(report, list(table.fields_of.items()), strict) else table


def _write_mapped_table(store: GraphStore, report: FileReport, table: _MappedTable) -> None:
    report.started = True
    failed: dict[int, str] = {}
    for result in (store.upsert_nodes(table.nodes), store.upsert_relationships(table.relationships)):
        report.created += result.created
        report.updated += result.updated
        for record, reason in result.rejected:
            failed.setdefault(table.row_of[id(record)], reason)
    for number, reason in sorted(failed.items()):
        report.reject(number, reason, table.fields_of[number])
