"""The default store: one KGLite file, no server.

KGLite lets one process write a file at a time (a lease); any number read snapshots.
So this store takes the lease only while it writes (:meth:`EmbeddedStore.writing`),
publishes a checkpoint when it lets go, and reads from a snapshot that it reloads
when the file changes. The writer keeps no write-ahead log: a writing session lands
whole at its checkpoint or, if the process dies first, not at all (and KGLite's log
cannot hold two nodes of one label without an ``id``, which imported data has).

What a crash leaves (``tests/graph/store/test_embedded_engine.py``): the lease is a lock
the system drops when its holder dies, kill -9 included, so the next writer takes it at
once; a checkpoint is a copy written, synced and renamed over the file, so readers and
a killed writer see the last whole checkpoint, never part of one. A second writer
waits up to ``lock_timeout`` for the first, then is told which process holds the file.

KGLite's traps are handled here, not in callers: a node's ``id`` is its identity
(given at creation, never SET), ``title`` and ``type`` are synthesised when a node has
none (left out of what we hand back), ``Case`` is a keyword (every label is quoted).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import kglite
import numpy as np
import pandas as pd

from graph.attribution import utc_now
from graph.model import KEY, SEARCH, Model, ModelError, quote
from graph.progress import SILENT, Progress
from graph.records import Counts, NodeRecord, WriteResult
from graph.store.aside import close_aside, open_aside, wait_for_close
from graph.store.divergences import review
from graph.store.engine import Answer, QueryError, RelationshipEnds, UserQuery
from graph.store.graph_store import GraphStore
from graph.store.guard import PlanStep, QueryRefused, check_plan
from graph.store.kept_counts import KeptCounts
from graph.store.reader import (
    RemoteGraph,
    file_stamp,
    load_snapshot,
    relationship_ends,
    serving_reader,
    start_reader,
)
from graph.store.reader import enabled as reader_enabled
from graph.store.search_index import IndexBuilder, SearchIndex, signature_of
from graph.store.statements import NEW_NODE_SET, NODE_SET
from graph.store.tables import NodeTable, RelationshipTable, TableResult, TableWrites
from graph.store.writes import row_sources
from graph.values import fold_many

__all__ = ["EmbeddedStore", "StoreBusy"]

_log = logging.getLogger(__name__)

kglite.set_query_warning_policy("silent")  # its warnings reach the analyst as notes instead
# Which parts of a save a *mapped* load could read in place: this store loads onto the
# heap, so the list (a screenful after a write of text values) says nothing to our users.
warnings.filterwarnings("ignore", category=kglite.MappedFallbackWarning)
_PLANNED = re.compile(r"^\s*(?:EXPLAIN|PROFILE)\b", re.IGNORECASE)  # KGLite takes one EXPLAIN per query
_SYNTHETIC = frozenset({"title", "type"})
#: A file this large (bytes) is read through a reader process, when the store may use one:
#: KGLite opens 30 MB in about a second.
READER_FROM = 32 * 2**20


class StoreBusy(QueryError):
    """Another process holds the graph file for writing longer than we would wait."""


class EmbeddedStore(GraphStore, TableWrites):
    """A graph in one KGLite file (``GRAPH_DB``, default ``data/graph.kgl``)."""

    #: No transaction to bound here: bigger batches spare KGLite's per-call work.
    batch_size = 20_000
    node_tables_need_id_and_name = True
    #: KGLite's element id is the node's index in the loaded save.
    node_number = "toInteger(elementId({node}))"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        model: Model | None = None,
        lock_timeout: float = 120.0,
        reader: bool = False,
    ):
        """``reader``: read a large file through the reader process that keeps it open
        between commands, loads and the app (:mod:`graph.store.reader`), rather than
        through a copy of this process's own."""
        super().__init__(model)
        self.path = Path(path)
        self.reader = reader
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        self._writer: kglite.KnowledgeGraph | None = None
        self._ahead: Future[kglite.KnowledgeGraph] | None = None  # see writes_ahead
        self._depth = 0
        self._after_save: list[Callable[[], None]] = []
        self._snapshot: kglite.KnowledgeGraph | None = None
        self._snapshot_stamp: tuple[int, int] | None = None
        self._stored: dict[str, set[str]] | None = None  # stored title/type per label or type
        self._constrained: set[str] = set()
        self._names = SearchIndex(self.path.with_name(self.path.name + ".search"))
        self._kept_counts = KeptCounts(self.path.with_name(self.path.name + ".counts"))
        #: Per label, the keys of nodes this writing session created with their key as their
        #: KGLite identity (the nodes KGLite's bulk loader finds by key); forgotten when the
        #: session ends or nodes are deleted.
        self._keyed: defaultdict[str, set[str]] = defaultdict(set)
        #: What a writing session that began on an empty graph has created (see :class:`_Fresh`).
        self._fresh: _Fresh | None = None

    # -- file handles -----------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[kglite.KnowledgeGraph]:
        """Hold the file's write lease; the outermost exit saves and releases it."""
        with self._lock:
            if self._depth == 0:
                ahead, self._ahead = self._ahead, None
                self._writer = ahead.result() if ahead is not None else self._open_writer()
                empty = self._writer.graph_info()["node_count"] == 0
                self._fresh = _Fresh(self._names.builder()) if empty else None
            self._depth += 1
            try:
                yield self._writer
            finally:
                self._depth -= 1
                if self._depth == 0:
                    names = self._fresh_names(self._writer)  # counted on the writer
                    writer, self._writer = self._writer, None
                    actions, self._after_save = self._after_save, []
                    self._stored = None
                    self._keyed.clear()
                    try:
                        writer.save()
                    except BaseException:
                        if names is not None:
                            names[0].discard()
                        raise
                    finally:
                        self._let_go(writer)
                    for action in actions:
                        action()
                    if names is not None:
                        self._publish_names(*names)

    @contextmanager
    def writes_ahead(self) -> Iterator[None]:
        """The file opened for the next writing session beside what the block does first
        (a command's analysis, whose results it then writes). The write lease is held
        from the start; a writer the block did not use is let go at its end."""
        with self._lock:
            if self._writer is None and self._ahead is None:
                self._ahead = open_aside(self._open_writer)
        try:
            yield
        finally:
            self._discard_ahead()

    def _discard_ahead(self) -> None:
        """Let go of a writer opened ahead for a session that never came: nothing to save."""
        with self._lock:
            ahead, self._ahead = self._ahead, None
        if ahead is not None:
            with contextlib.suppress(Exception):  # it could not open: nothing is held
                self._let_go(ahead.result())

    def _let_go(self, writer: kglite.KnowledgeGraph) -> None:
        """Close a saved writer: a large one aside (:mod:`graph.store.aside`)."""
        stamp = file_stamp(self.path)
        if stamp is not None and stamp[1] >= READER_FROM:
            close_aside(self.path, writer)
        else:
            writer.close()

    def _untrack(self) -> None:
        """Nodes went that the session's record holds: it no longer says what the graph holds."""
        if self._fresh is not None:
            self._fresh.names_stale()
            self._fresh = None

    def _fresh_names(self, writer: kglite.KnowledgeGraph) -> tuple[IndexBuilder, Counts] | None:
        """At the end of a session that began on an empty graph and created every node it
        holds: the search index of their names, built as they came, and the counts it
        matches (read from the writer, and kept for the save: no one opens the file to
        count it again)."""
        fresh, self._fresh = self._fresh, None
        if fresh is None or fresh.names is None:
            return None
        if writer.graph_info()["node_count"] != len(fresh.keys):  # nodes another way made
            fresh.names_stale()
            return None
        return fresh.names, super().counts()

    def _publish_names(self, names: IndexBuilder, counts: Counts) -> None:
        try:
            names.finish(signature_of(counts.labels))
        finally:
            names.discard()
        stamp = file_stamp(self.path)
        if stamp is not None:
            self._kept_counts.keep(stamp, counts)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Writes land in the file only when the writing session saves it: run
        ``action`` then (at once outside a session, whose writes are saved)."""
        with self._lock:
            if self._writer is None:
                action()
            else:
                self._after_save.append(action)

    def _open_writer(self) -> kglite.KnowledgeGraph:
        """Take the write lease, waiting up to ``lock_timeout`` for another writer (said
        once, so a waiting command does not look hung)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        wait_for_close(self.path)
        deadline = time.monotonic() + self.lock_timeout
        waited = False
        while True:
            try:
                return kglite.open(str(self.path), durable="off")
            except kglite.WriterLeaseHeldError as error:
                holder = error.holder or {}
                who = f"another process (pid {holder.get('pid', '?')}, since {holder.get('since', '?')})"
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"{self.path} is being written by {who} and stayed busy for {self.lock_timeout:g} s; "
                        "try again when it has finished"
                    ) from None
                if not waited:
                    _log.warning("%s is being written by %s: waiting up to %g s", self.path, who, self.lock_timeout)
                    waited = True
                time.sleep(0.1)

    def _graph(self) -> kglite.KnowledgeGraph:
        """The writer while we hold it, else a read-only snapshot of the file's last save."""
        if self._writer is not None:
            return self._writer
        stamp = file_stamp(self.path)
        if self._snapshot is None or stamp != self._snapshot_stamp:
            self._snapshot = self._open_snapshot(stamp)
            self._snapshot_stamp = stamp
            self._stored = None
        return self._snapshot

    def _open_snapshot(self, stamp: tuple[int, int] | None) -> Any:
        """The file's last save: a large file through the reader process that keeps it
        open between commands (started if need be), if this store may use one; else
        loaded here (:mod:`graph.store.reader`)."""
        local = partial(load_snapshot, self.path, stamp)
        if not self._through_reader(stamp):
            return local()
        address = serving_reader(self.path)
        return RemoteGraph(address, local) if address else local()

    def open_for_reads(self) -> None:
        """Start the reader of a large file (:func:`graph.store.reader.start_reader`), if
        this store reads through one, so the next command finds the file open."""
        if self._through_reader(file_stamp(self.path)):
            start_reader(self.path)

    def _through_reader(self, stamp: tuple[int, int] | None) -> bool:
        return bool(self.reader and stamp and stamp[1] >= READER_FROM and reader_enabled())

    def saved_as(self) -> tuple[int, int] | None:
        """The file's stamp: reads (here or through the reader) come from its last save,
        reloaded when the stamp changes. None while this store writes: its writer changes
        between reads."""
        with self._lock:
            return None if self._writer is not None else file_stamp(self.path)

    def relationship_ends(self) -> RelationshipEnds | None:
        """KGLite's export of every relationship (:func:`graph.store.reader.relationship_ends`),
        here or in the reader. None while this store writes, or from a reader of an earlier
        version that does not serve it."""
        with self._lock, _translated_errors():
            if self._writer is not None:
                return None
            graph = self._graph()
            if not isinstance(graph, RemoteGraph):
                return relationship_ends(graph)
            try:
                return graph.relationship_ends()
            except QueryError:
                return None

    def close(self) -> None:
        with self._lock:
            self._snapshot = None
            self._snapshot_stamp = None
        self._discard_ahead()

    # -- primitives -------------------------------------------------------------------

    def read(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock, _translated_errors():
            return self._graph().cypher(statement, params=dict(params or {}), hide_structural_keys=True).to_list()

    def read_columns(self, statement: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        with self._lock, _translated_errors():
            view = self._graph().cypher(statement, params=dict(params or {}), hide_structural_keys=True)
            return {name: list(view.column(name)) for name in view.columns}

    def _write(
        self, query: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        with self.writing() as graph, _translated_errors():
            rows = graph.cypher(query, params=dict(params or {}), hide_structural_keys=True).to_list()
            counters = dict(graph.last_mutation_stats or {})
            if counters.get("nodes_deleted"):
                self._untrack()
            return rows, counters

    def _set_label_values(self, label: str, name: str, values: Mapping[str, Any], alike: Mapping[str, Any]) -> int:
        """KGLite's bulk loader updates nodes by identity: where every node of ``label``
        has its key for its identity (as imported data has), the values go in as one
        table (a million in seconds, where Cypher's SETs take three times as long). A
        key no node of that type holds now makes a node instead: those are removed
        again and their values left to Cypher, which finds them or not."""
        frame = pd.DataFrame({"id": list(values), name: list(values.values())}) if values else None
        if frame is None or not self._keyed_by_key(label):
            return super()._set_label_values(label, name, values, alike)
        for other, value in alike.items():
            frame[other] = value
        with self.writing() as graph, _translated_errors():
            try:
                report = graph.add_nodes(frame, label, "id", conflict_handling="update")
            except kglite.ArgumentError:  # values it cannot take: nothing was written
                return super()._set_label_values(label, name, values, alike)
        if not report["nodes_created"]:
            return report["nodes_updated"]
        made = f"MATCH (n:{quote(label)}) WHERE n.{KEY} IS NULL"
        strays, _ = self._write(f"{made} RETURN n.id AS key")
        self._write(f"{made} DETACH DELETE n")
        missed = {row["key"]: values[row["key"]] for row in strays}
        return report["nodes_updated"] + super()._set_label_values(label, name, missed, alike)

    def _keyed_by_key(self, label: str) -> bool:
        """Whether every node of ``label`` has its key for its KGLite identity."""
        odd, _ = self._write(
            f"MATCH (n:{quote(label)}) WHERE NOT coalesce(n.id = n.{KEY}, false) RETURN count(*) AS odd"
        )
        return odd[0]["odd"] == 0

    def _ensure_key_constraint(self, label: str) -> None:
        if label not in self._constrained:
            self._write(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{quote(label)}) REQUIRE n.{KEY} IS UNIQUE")
            self._constrained.add(label)

    def _upsert_node_batch(
        self,
        labels: tuple[str, ...],
        rows: Sequence[dict[str, Any]],
        window: Mapping[str, Any],
        existing: AbstractSet[str],
    ) -> int:
        """KGLite takes a node's ``id`` only at creation, so new and known keys go apart:
        new nodes are CREATEd with their id, known ones updated without it; most new
        ones through KGLite's bulk loader, at several times Cypher's speed."""
        primary = quote(labels[0])
        new, known = [], []
        for row in rows:
            props = dict(row["props"])
            identity = props.pop("id", None)
            (known if row["key"] in existing else new).append(dict(row, props=props, id=identity))
        self._keyed[labels[0]].update(row["key"] for row in new if row["id"] == row["key"])
        if self._fresh is not None:
            self._fresh.add(labels, [(row["key"], row["props"].get(SEARCH, row["search"])) for row in new])
            if known:  # a name may change: the index is read from the graph after all
                self._fresh.names_stale()
        bulk = [row for row in new if _bulk_ready(row)]
        if bulk and self._bulk_create(labels, bulk, window):
            new = [row for row in new if not _bulk_ready(row)]
        if new:
            all_labels = ":".join(quote(label) for label in labels)
            create = f"UNWIND $rows AS row CREATE (n:{all_labels} {{{KEY}: row.key, id: row.id, name: null}}) "
            # name: null, or KGLite would read a missing name as 'Label_n'
            self._write(create + NEW_NODE_SET, {"rows": new, **window})
        if known:
            extra = "".join(f" SET n:{quote(label)}" for label in labels[1:])
            self._write(
                f"UNWIND $rows AS row MATCH (n:{primary} {{{KEY}: row.key}}){extra} {NODE_SET}",
                {"rows": known, **window},
            )
        return len(rows) - len(known)

    def _bulk_create(self, labels: tuple[str, ...], rows: Sequence[dict[str, Any]], window: Mapping[str, Any]) -> bool:
        """Create new nodes with KGLite's bulk loader; False when it cannot take them
        (values Cypher must write, a label whose nodes it keys otherwise)."""
        search = [row["props"].get(SEARCH, row["search"]) for row in rows]
        keys = [row["key"] for row in rows]
        table = _table(rows, window, {"id": keys, KEY: keys, SEARCH: search})
        if table is None:
            return False
        frame, types = table
        with self.writing() as graph, _translated_errors():
            try:
                graph.add_nodes(frame, labels[0], "id", "name", labels=list(labels[1:]), column_types=types)
            except kglite.ArgumentError:  # nothing was written
                return False
        return True

    def _upsert_relationship_batch(
        self, kind: tuple[str, str, str], rows: Sequence[dict[str, Any]], window: Mapping[str, Any]
    ) -> tuple[int, int, list[int]]:
        """Relationships between nodes this writing session created, whose KGLite
        identity is their key, go in through KGLite's bulk loader (ten times Cypher's
        speed: no per-row MATCH); the others, and any batch the loader cannot take as a
        table, are MERGEd in Cypher."""
        rel_type, start_label, end_label = kind
        if self._fresh is not None:
            self._fresh.relationships_begin()
        starts, ends, parallel = self._keyed[start_label], self._keyed[end_label], self._keyed[_PARALLEL]
        bulk, rest = [], []
        for row in rows:
            pair = f"{rel_type}\x00{row['src']}\x00{row['dst']}"
            if row["key"]:  # a parallel one: KGLite's loader would merge it with its twin
                parallel.add(pair)
            new = not row["key"] and row["src"] in starts and row["dst"] in ends and pair not in parallel
            (bulk if new else rest).append(row)
        base = {_SRC: [row["src"] for row in bulk], _DST: [row["dst"] for row in bulk], KEY: [""] * len(bulk)}
        table = _table(bulk, window, base) if bulk else None
        if table is None:
            return super()._upsert_relationship_batch(kind, rows, window)
        frame, types = table
        with self.writing() as graph, _translated_errors():
            report = graph.add_relationships(
                frame, rel_type, start_label, _SRC, end_label, _DST, column_types=types, **_KEEP_STORED
            )
        if report.get("stubs_vivified"):
            raise QueryError(f"KGLite's loader made {report['stubs_vivified']} stand-in nodes for {rel_type}")
        if report["connections_updated"]:
            super()._upsert_relationship_batch(kind, bulk, window)  # see _KEEP_STORED
        created, updated, missing = super()._upsert_relationship_batch(kind, rest, window) if rest else (0, 0, [])
        return created + report["connections_created"], updated + report["connections_updated"], missing

    def create_node_table(self, table: NodeTable) -> TableResult:
        """Create with KGLite's bulk loader the rows :meth:`_upsert_node_batch` would give
        it: new keys, whose ``id`` is their key and that have a name and no value Cypher
        must write."""
        taken = np.zeros(len(table), bool)
        with self.writing() as graph:
            for label in table.labels:
                self.model.label(label)
            properties = dict(table.properties)
            identity, name = properties.pop("id", None), properties.get("name")
            if identity is None or name is None:
                return TableResult(taken)
            taken = (_values(identity) == table.keys) & pd.notna(_values(name)) & ~self._held(table.keys)
            for synthetic in _SYNTHETIC & properties.keys():
                taken &= pd.isna(_values(properties[synthetic]))
            rows = np.flatnonzero(taken)
            keys = table.keys[rows]
            display = properties.get(self.model.display_property(table.labels))
            shown = _values(display)[rows] if display is not None else np.full(len(rows), None)
            search = fold_many(np.where(pd.notna(shown), shown, keys))
            columns = {"id": keys, KEY: keys, SEARCH: search, "sources": table.sources[rows]}
            frame = _frame(_window(table.seen), columns, _chosen(properties, rows)) if len(rows) else None
            if frame is None:
                return TableResult(np.zeros(len(table), bool))
            self._ensure_key_constraint(table.labels[0])
            try:
                labels = list(table.labels[1:])
                graph.add_nodes(frame[0], table.labels[0], "id", "name", labels=labels, column_types=frame[1])
            except kglite.ArgumentError:  # nothing was written
                return TableResult(np.zeros(len(table), bool))
            self._keyed[table.labels[0]].update(keys)
            if self._fresh is not None:
                self._fresh.add(table.labels, zip(keys, search, strict=True))
            self._batch_written(len(rows))
            self.after_commit(self._names_changed)
        return TableResult(taken, created=len(rows))

    def _held(self, keys: np.ndarray) -> np.ndarray:
        """Which keys a node holds: from this session's own keys while every node of the
        graph is one of them (a lookup per key would cost a million-row load seconds)."""
        created = self._fresh.keys if self._fresh is not None else None
        if created is None or self._writing_graph().graph_info()["node_count"] != len(created):
            created = set(self.locate(keys.tolist()))
        if created.isdisjoint(keys):  # a first load: none
            return np.zeros(len(keys), bool)
        return np.fromiter((key in created for key in keys), bool, len(keys))

    def _writing_graph(self) -> kglite.KnowledgeGraph:
        if self._writer is None:
            raise RuntimeError("a table is written inside writing()")
        return self._writer

    def create_relationship_table(self, table: RelationshipTable) -> TableResult:
        """Create with KGLite's bulk loader the rows :meth:`_upsert_relationship_batch`
        would give it: between nodes this session created by key, not parallel to one
        written with a key."""
        taken = np.zeros(len(table), bool)
        with self.writing() as graph:
            try:
                self.model.check_endpoints(table.type, table.start_label, table.end_label)
            except ModelError:  # the upsert says why
                return TableResult(taken)
            if self._fresh is not None:
                self._fresh.relationships_begin()
            taken = self._between_keyed(table)
            rows = np.flatnonzero(taken)
            columns = {
                _SRC: table.starts[rows],
                _DST: table.ends[rows],
                KEY: np.full(len(rows), "", dtype=object),
                "sources": table.sources[rows],
            }
            frame = _frame(_window(table.seen), columns, _chosen(table.properties, rows)) if len(rows) else None
            if frame is None:
                return TableResult(np.zeros(len(table), bool))
            with _translated_errors():
                report = graph.add_relationships(
                    frame[0],
                    table.type,
                    table.start_label,
                    _SRC,
                    table.end_label,
                    _DST,
                    column_types=frame[1],
                    **_KEEP_STORED,
                )
            if report.get("stubs_vivified"):
                raise QueryError(f"KGLite's loader made {report['stubs_vivified']} stand-in nodes for {table.type}")
            if report["connections_updated"]:
                kind = (table.type, table.start_label, table.end_label)
                super()._upsert_relationship_batch(kind, _table_rows(table, rows), _window(table.seen))
            self._batch_written(len(rows))
        return TableResult(taken, report["connections_created"], report["connections_updated"])

    def _between_keyed(self, table: RelationshipTable) -> np.ndarray:
        """Which rows join nodes this session created by key, and are not parallel to one
        written with a key (the usual table: all of them, found by two set operations)."""
        starts, ends = self._keyed[table.start_label], self._keyed[table.end_label]
        parallel = self._keyed[_PARALLEL]
        if not parallel and starts.issuperset(table.starts) and ends.issuperset(table.ends):
            return np.ones(len(table), bool)
        return np.fromiter(
            (
                src in starts and dst in ends and not (parallel and f"{table.type}\x00{src}\x00{dst}" in parallel)
                for src, dst in zip(table.starts, table.ends, strict=True)
            ),
            bool,
            len(table),
        )

    def _run_user_query(self, request: UserQuery) -> Answer:
        """Checked against KGLite's own plan, rewritten or noted where KGLite would
        answer differently from Neo4j (:mod:`graph.store.divergences`)."""
        params = dict(request.params)
        with self._lock, _translated_errors(request.timeout):
            graph = self._graph()
            plan = graph.cypher(f"EXPLAIN {_PLANNED.sub('', request.text)}", params=params).to_list()
            check_plan(PlanStep(*str(step["operation"]).partition(" ")[::2]) for step in plan)
            reviewed = review(request.text, graph.graph_info()["edge_count"])
            view = graph.cypher(
                reviewed.text,
                params=params,
                timeout_ms=int(request.timeout * 1000) if request.timeout else None,
                row_limit=request.row_limit + 1 if request.row_limit is not None else None,
                write_scope=[],
                hide_structural_keys=True,
            )
            columns = list(view.columns)
            rows = view.to_list()
            notes = reviewed.notes + [warning for warning in view.warnings if warning not in reviewed.notes]
        limit = request.row_limit
        truncated = limit is not None and len(rows) > limit
        rows = rows[:limit] if limit is not None else rows
        index = _node_keys(rows)
        plain = [{column: self._plain(row.get(column), index) for column in columns} for row in rows]
        return Answer(columns, plain, truncated, notes)

    def clear(self) -> None:
        with self.writing() as graph:
            graph.cypher("MATCH (n) DETACH DELETE n")
            self._constrained.clear()
            self._keyed.clear()
            self._untrack()
            self.after_commit(self._names_changed)

    def counts(self) -> Counts:
        """The counts kept for the file's last save when there are some (the file is not
        even opened: :mod:`graph.store.kept_counts`), else counted and kept."""
        with self._lock:
            if self._writer is not None:
                return super().counts()
            stamp = file_stamp(self.path)
            counts = self._kept_counts.get(stamp)
            if counts is None:
                counts = super().counts()
                if stamp is not None and stamp == self._snapshot_stamp:  # counted on that save
                    self._kept_counts.keep(stamp, counts)
            return counts

    def learn_vocabulary(self) -> None:
        """From the counts, which are kept: a command learns the file's labels and types
        without opening it."""
        counts = self.counts()
        self.model.learn(sorted(counts.labels), sorted(counts.types))

    # -- search -----------------------------------------------------------------------

    def upsert_nodes(self, nodes: Iterable[NodeRecord], *, seen: dt.datetime | None = None) -> WriteResult:
        with self.writing():
            result = super().upsert_nodes(nodes, seen=seen)
            self.after_commit(self._names_changed)
        return result

    def _names_changed(self) -> None:
        """Names may have changed: the search index is rebuilt before its next use."""
        self._names.path.unlink(missing_ok=True)

    def prepare_search(self, progress: Progress = SILENT) -> None:
        """Rebuild the search index if it does not match the graph (after a load, so the
        first search does not wait for it)."""
        counts = self.counts()
        signature = signature_of(counts.labels)
        if self._names.signature() == signature:
            return
        entries = self._name_entries(self.labels_in_store())
        self._names.rebuild(entries, signature, total=counts.nodes, progress=progress)

    def _name_entries(self, labels: Sequence[str]) -> Iterator[tuple[str, list[str], str]]:
        """Every node once (under the first label KGLite lists it by) with its labels and
        folded name, a label's columns at a time."""
        for label in labels:
            columns = self.read_columns(
                f"MATCH (n:{quote(label)}) RETURN n.{KEY} AS key, labels(n) AS labels, n.{SEARCH} AS search"
            )
            yield from zip(columns["key"], columns["labels"], columns["search"], strict=True)

    def _search_keys(self, needle: str, labels: list[str], limit: int) -> list[tuple[str, int]]:
        self.prepare_search()
        return self._names.find(needle, labels=labels, limit=limit)

    def delete_nodes(self, keys: Iterable[str]) -> int:
        self._keyed.clear()  # the bulk loader must not look for a deleted node
        self.after_commit(self._names_changed)
        return super().delete_nodes(keys)

    # -- KGLite's synthesised properties ----------------------------------------------

    def _stored_synthetic(self, labels: Sequence[str] | None) -> set[str]:
        """Which of ``title``/``type`` some of these labels (or types) really store;
        ``None`` asks about any label, for a bare property map."""
        if self._stored is None:
            schema = self._graph().schema()
            self._stored = {
                name: set(spec.get("properties", {})) & _SYNTHETIC
                for section in ("node_types", "connection_types")
                for name, spec in schema.get(section, {}).items()
            }
        owners = self._stored.values() if labels is None else (self._stored.get(label, set()) for label in labels)
        return set().union(*owners)

    def _visible_properties(
        self, labels: Sequence[str] | None, properties: Mapping[str, Any] | None, *, keep_internal: bool = False
    ) -> dict[str, Any]:
        cleaned = super()._visible_properties(labels or [], properties, keep_internal=keep_internal)
        if _SYNTHETIC & cleaned.keys():
            for name in _SYNTHETIC - self._stored_synthetic(labels):
                cleaned.pop(name, None)
        return cleaned

    def _plain(self, value: Any, node_keys: Mapping[Any, Any]) -> Any:
        """KGLite's node/relationship/path dicts in the shape both stores hand back."""
        if isinstance(value, dict):
            if set(value) == {"id", "labels", "properties"}:
                labels = sorted(value["labels"])
                return {
                    "key": value["properties"].get(KEY),
                    "labels": labels,
                    "properties": self._visible_properties(labels, value["properties"]),
                }
            if set(value) == {"id", "start", "end", "type", "properties"}:
                return {
                    "type": value["type"],
                    "start": node_keys.get(value["start"]),
                    "end": node_keys.get(value["end"]),
                    "key": value["properties"].get(KEY) or "",
                    "properties": self._visible_properties([value["type"]], value["properties"]),
                }
            if KEY in value:  # properties(n) or n {.*}: as stored, like Neo4j's
                return self._visible_properties(None, value, keep_internal=True)
            return {key: self._plain(item, node_keys) for key, item in value.items()}
        if isinstance(value, list):
            return [self._plain(item, node_keys) for item in value]
        return value


class _Fresh:
    """A writing session that began on an empty graph: the keys of the nodes it created
    (whether a key is held, without a lookup per key), and the search index of their
    names, built as they come instead of read back from a million nodes at the end
    (dropped when a name may change)."""

    def __init__(self, names: IndexBuilder):
        self.keys: set[str] = set()
        self.names: IndexBuilder | None = names

    def add(self, labels: Sequence[str], nodes: Iterable[tuple[str, str]]) -> None:
        """New nodes of ``labels``: ``(key, folded name)``."""
        nodes = list(nodes)
        self.keys.update(key for key, _ in nodes)
        if self.names is not None and self.names.building:  # a node after relationships: read back
            self.names_stale()
        if self.names is not None:
            self.names.add((key, labels, search) for key, search in nodes)

    def relationships_begin(self) -> None:
        """A load writes its nodes first: once relationships come, the names are all in,
        and their trigram index is built beside the relationships' writes."""
        if self.names is not None:
            self.names.build_in_background()

    def names_stale(self) -> None:
        if self.names is not None:
            self.names.discard()
            self.names = None


#: On a pair it holds already (one an earlier file of the same load brought), KGLite's
#: loader would replace the stored ``sources`` with the new row's. It is told to keep what
#: is stored, and the batch is then merged again in Cypher, which adds the row's source and
#: values as Neo4j does (the relationships it created come out unchanged).
_KEEP_STORED = {"on_invalid": "error", "conflict_handling": "preserve"}
_PARALLEL = "\x00parallel"  # the relationships with a key (parallel ones), by type, start and end
_SRC, _DST = "_kg_src", "_kg_dst"  # a relationship table's endpoint columns
#: The pandas types KGLite's loader reads exactly as Cypher would store the value.
_PANDAS_DTYPE_OF = {str: object, bool: "boolean", int: "Int64", float: "Float64", dt.date: object}


def _bulk_ready(row: Mapping[str, Any]) -> bool:
    """A new node KGLite's bulk loader creates as Cypher would: its id is its key, and it
    has a name (without one, KGLite would read its id as its name)."""
    return row["id"] == row["key"] and row["props"].get("name") is not None


def _table(
    rows: Sequence[dict[str, Any]], window: Mapping[str, Any], columns: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """New nodes or relationships (upsert rows) as a table for KGLite's loader, or
    ``None`` when a property's values are not all of one type (see :func:`_frame`)."""
    properties = {}
    for name in {name for row in rows for name in row["props"]} - {SEARCH}:  # search is set
        values = [row["props"].get(name) for row in rows]
        kinds = {type(value) for value in values if value is not None}
        if len(kinds) > 1:
            return None
        if kinds:  # else a property no new row has: nothing to remove
            properties[name] = (next(iter(kinds)), values)
    sources = [row["sources"] for row in rows]
    if all(len(found) == 1 for found in sources):
        sources = np.array([found[0] for found in sources], dtype=object)
    return _frame(window, {**columns, "sources": sources}, properties)


def _frame(
    window: Mapping[str, Any], columns: dict[str, Any], properties: Mapping[str, tuple[type, Any]]
) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """A table for KGLite's loader: ``columns`` (with ``sources``: lists, or one source
    per row as text) plus provenance and ``properties`` (name -> Python type and values),
    with the column types that keep each value as Cypher would; ``None`` when a type is
    not plain (times, lists), which Cypher then writes."""
    count = len(columns["sources"])
    first, last = window["first"], window["last"]
    if first.tzinfo or last.tzinfo or first.microsecond or last.microsecond:  # as Cypher keeps them
        return None
    types = {"first_seen": "timestamp", "last_seen": "timestamp"}
    if isinstance(columns["sources"], np.ndarray):
        types["sources"] = "list"  # a list of one, read from text: no Python list per row
    columns = {
        **columns,
        # one Python datetime repeated: KGLite reads it to the same Timestamp as text or
        # datetime64, at a third of their cost (which was a fifth of a load's time)
        "first_seen": np.full(count, first, dtype=object),
        "last_seen": np.full(count, last, dtype=object),
    }
    for name, (kind, values) in properties.items():
        if name in columns or name in _SYNTHETIC or kind not in _PANDAS_DTYPE_OF:
            return None
        columns[name] = pd.array(values, dtype=_PANDAS_DTYPE_OF[kind])
        if kind is dt.date:
            types[name] = "datetime"  # date only
    return pd.DataFrame({name: _as_given(values) for name, values in columns.items()}), types


def _as_given(values: Any) -> Any:
    """Text as the Python objects it is: pandas would copy it into Arrow, which KGLite
    reads no faster (a twentieth of a load's time at the 1M demo)."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return pd.Series(values, dtype=object, copy=False)
    return values


#: A table's kinds of values (:mod:`graph.scalars`) as the Python types of upsert rows.
_KINDS = {"string": str, "int": int, "float": float, "boolean": bool, "date": dt.date}


def _values(column: tuple[str, Any]) -> np.ndarray:
    """A table column's values as an array (``None`` or ``NA`` where absent)."""
    return np.asarray(column[1], dtype=object)


def _chosen(properties: Mapping[str, tuple[str, Any]], rows: np.ndarray) -> dict[str, tuple[type, Any]]:
    """The properties of the chosen rows, leaving out those none of them has (as upsert
    rows leave them out)."""
    chosen = {}
    for name, (kind, values) in properties.items():
        picked = values.take(rows)  # an array or a pandas extension array
        if not pd.isna(picked).all():
            chosen[name] = (_KINDS.get(kind), picked)
    return chosen


def _window(seen: dt.datetime | None) -> dict[str, dt.datetime]:
    """The sighting window of rows written together (now, by default)."""
    seen = seen or utc_now()
    return {"first": seen, "last": seen}


def _node_keys(value: Any, found: dict[Any, Any] | None = None) -> dict[Any, Any]:
    """Map KGLite's internal node numbers to keys, from every node in a result."""
    found = {} if found is None else found
    if isinstance(value, dict):
        if set(value) == {"id", "labels", "properties"}:
            found[value["id"]] = value["properties"].get(KEY)
        else:
            for item in value.values():
                _node_keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _node_keys(item, found)
    return found


@contextmanager
def _translated_errors(timeout: float | None = None) -> Iterator[None]:
    """KGLite exceptions as :class:`QueryError` / :class:`QueryRefused` messages."""
    try:
        yield
    except (kglite.ReadOnlyError, kglite.CypherExecutionError) as error:
        message = str(error)
        if isinstance(error, kglite.ReadOnlyError) or "write scope" in message:
            raise QueryRefused("the query tries to write, and queries here are read-only") from None
        raise QueryError(message) from None
    except kglite.CypherSyntaxError as error:
        raise QueryError(f"Cypher syntax error: {error}") from None
    except kglite.CypherTimeoutError:
        raise QueryError(f"the query ran longer than {timeout} s and was stopped") from None
    except kglite.KgError as error:
        raise QueryError(str(error)) from None


def _table_rows(table: RelationshipTable, rows: np.ndarray) -> list[dict[str, Any]]:
    """Some rows of a relationship table as the rows the Cypher upsert takes."""
    values = {name: column[rows].tolist() for name, (_, column) in table.properties.items()}
    return [
        {
            "i": i,
            "src": str(table.starts[row]),
            "dst": str(table.ends[row]),
            "key": "",
            "props": {
                name: column[i] for name, column in values.items() if column[i] is not None and column[i] is not pd.NA
            },
            **row_sources(str(table.sources[row])),
        }
        for i, row in enumerate(rows.tolist())
    ]
