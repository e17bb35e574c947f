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

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kglite

from graph.model import KEY, Model, quote
from graph.store.divergences import review
from graph.store.engine import Answer, QueryError, UserQuery
from graph.store.graph_store import GraphStore
from graph.store.guard import PlanStep, QueryRefused, check_plan
from graph.store.statements import NODE_SET

__all__ = ["EmbeddedStore", "StoreBusy"]

_log = logging.getLogger(__name__)

kglite.set_query_warning_policy("silent")  # its warnings reach the analyst as notes instead
_PLANNED = re.compile(r"^\s*(?:EXPLAIN|PROFILE)\b", re.IGNORECASE)  # KGLite takes one EXPLAIN per query
_SYNTHETIC = frozenset({"title", "type"})


class StoreBusy(QueryError):
    """Another process holds the graph file for writing longer than we would wait."""


class EmbeddedStore(GraphStore):
    """A graph in one KGLite file (``GRAPH_DB``, default ``data/graph.kgl``)."""

    def __init__(self, path: str | os.PathLike[str], *, model: Model | None = None, lock_timeout: float = 120.0):
        super().__init__(model)
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        self._writer: kglite.KnowledgeGraph | None = None
        self._depth = 0
        self._after_save: list[Callable[[], None]] = []
        self._snapshot: kglite.KnowledgeGraph | None = None
        self._snapshot_stamp: tuple[int, int] | None = None
        self._stored: dict[str, set[str]] | None = None  # stored title/type per label or type
        self._constrained: set[str] = set()

    # -- file handles -----------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[kglite.KnowledgeGraph]:
        """Hold the file's write lease; the outermost exit saves and releases it."""
        with self._lock:
            if self._depth == 0:
                self._writer = self._open_writer()
            self._depth += 1
            try:
                yield self._writer
            finally:
                self._depth -= 1
                if self._depth == 0:
                    writer, self._writer = self._writer, None
                    actions, self._after_save = self._after_save, []
                    self._stored = None
                    try:
                        writer.save()
                    finally:
                        writer.close()
                    for action in actions:
                        action()

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
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if self._snapshot is None or stamp != self._snapshot_stamp:
            self._snapshot = kglite.load(str(self.path)) if stamp else kglite.KnowledgeGraph()
            self._snapshot.read_only(True)
            self._snapshot_stamp = stamp
            self._stored = None
        return self._snapshot

    def close(self) -> None:
        with self._lock:
            self._snapshot = None
            self._snapshot_stamp = None

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
            return rows, dict(graph.last_mutation_stats or {})

    def _ensure_key_constraint(self, label: str) -> None:
        if label not in self._constrained:
            self._write(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{quote(label)}) REQUIRE n.{KEY} IS UNIQUE")
            self._constrained.add(label)

    def _upsert_node_batch(
        self, labels: tuple[str, ...], rows: Sequence[dict[str, Any]], window: Mapping[str, Any]
    ) -> int:
        """KGLite takes a node's ``id`` only at creation, so new and known keys go apart:
        new nodes are CREATEd with their id, known ones updated without it."""
        primary = quote(labels[0])
        existing = {
            row["key"]
            for row in self.read(
                f"UNWIND $keys AS k MATCH (n:{primary} {{{KEY}: k}}) RETURN k AS key",
                {"keys": [row["key"] for row in rows]},
            )
        }
        new, known = [], []
        for row in rows:
            props = dict(row["props"])
            identity = props.pop("id", None)
            (known if row["key"] in existing else new).append(dict(row, props=props, id=identity))
        if new:
            all_labels = ":".join(quote(label) for label in labels)
            self._write(  # name: null, or KGLite would read a missing name as 'Label_n'
                f"UNWIND $rows AS row CREATE (n:{all_labels} {{{KEY}: row.key, id: row.id, name: null}}) {NODE_SET}",
                {"rows": new, **window},
            )
        if known:
            extra = "".join(f" SET n:{quote(label)}" for label in labels[1:])
            self._write(
                f"UNWIND $rows AS row MATCH (n:{primary} {{{KEY}: row.key}}){extra} {NODE_SET}",
                {"rows": known, **window},
            )
        return len(new)

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
