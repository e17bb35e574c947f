"""The workspace: the tool's own records, kept apart from the investigator's graph.

The graph holds only what the user loaded, merged or wrote. What the tool does to it
lives here: each file loaded (``ingest_runs``: ``started`` before its first write,
``finished`` once all of it is in the graph), each analysis run written back
(``analysis_runs``, with its largest communities' summary, which the Overview shows),
each merge judgement with the exact copies ``unmerge`` restores (``judgements``), the
pairs entity resolution proposed (``proposals``) and the investigator's decision on each
(``pair_judgements``: accept, reject or unsure, kept by the pair's node keys so that a
fresh load of the same files meets them again), the
labels and relationship types loads declared (``vocabulary``), so that every later
command knows them, and the investigator's own notes: saved views (``saved_views``) and
notes on nodes (``node_notes``), never nodes in the graph.

One SQLite file, by default beside the embedded graph file (``data/graph.kgl`` ->
``data/graph.workspace.sqlite``) or ``data/workspace.sqlite`` for a Neo4j graph; the
environment variable ``KG_WORKSPACE`` names another (a path or ``sqlite:///path``).
SQLite in WAL mode lets several processes (the app, a load, a merge) use it at once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.model import KEY, Model, quote

if TYPE_CHECKING:
    from graph.store import GraphStore

__all__ = ["Workspace", "WorkspaceError", "workspace_path", "LEGACY_RECORD_LABELS", "new_id", "migrate_legacy_records"]

#: Labels under which earlier versions kept these records in the graph itself; only
#: :meth:`Workspace.migrate` reads them.
LEGACY_RECORD_LABELS = {"IngestRun": "ingest_runs", "AnalysisRun": "analysis_runs", "Judgement": "judgements"}

#: Each table's columns; ``*_at`` columns hold UTC datetimes, ``JSON`` ones structured values.
TABLES: dict[str, tuple[str, ...]] = {
    "ingest_runs": (
        "id", "name", "path", "kind", "read", "loaded", "rejected", "created", "updated", "problem", "at", "by",
        "status", "committed",
    ),
    "analysis_runs": (
        "id", "name", "kind", "algorithm", "implementation", "parameters", "seed", "resolution", "modularity",
        "communities", "nodes", "relationships", "seconds", "at", "by", "summary",
    ),
    "judgements": (
        "id", "name", "kind", "status", "by", "at", "why", "score", "survivor", "merged", "snapshot",
        "reverted_by", "reverted_at",
    ),
    "proposals": ("id", "label", "a", "b", "score", "reasons", "a_name", "b_name", "run", "at"),
    "pair_judgements": (
        "id", "label", "a", "b", "decision", "score", "reasons", "a_name", "b_name", "by", "at", "merge",
        "undone_at",
    ),
    "vocabulary": ("kind", "name", "spec"),
    "saved_views": ("id", "name", "note", "tags", "state", "by", "at"),
    "node_notes": ("id", "node", "text", "by", "at"),
}  # fmt: skip
JSON = frozenset({"why", "snapshot", "spec", "parameters", "tags", "state", "summary", "reasons"})
DATETIMES = frozenset({"at", "reverted_at", "undone_at"})
_PRIMARY = {"vocabulary": "PRIMARY KEY (kind, name)"}


class WorkspaceError(ValueError):
    """A workspace that cannot be used, naming the setting at fault."""


def workspace_path(setting: str) -> Path:
    """The SQLite file a ``KG_WORKSPACE`` value names (a path or ``sqlite:///path``)."""
    text = setting.strip()
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise WorkspaceError(
            f"KG_WORKSPACE: a {scheme}:// workspace is not supported; give a file path or sqlite:///path"
        )
    return Path(text)


def new_id(prefix: str, at: dt.datetime) -> str:
    """A record id that sorts by time and never collides (``LOAD-20260101T120000-1a2b3c``)."""
    return f"{prefix}-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _stored(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in JSON:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _loaded(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in JSON:
        return json.loads(value)
    if column in DATETIMES:
        return dt.datetime.fromisoformat(value)
    return value


def _add_missing_columns(connection: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> None:
    """Columns a later version added to a table an earlier one created (empty in its rows)."""
    present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    for column in columns:
        if column not in present:
            try:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            except sqlite3.OperationalError as error:  # another process added it just now
                if "duplicate column" not in str(error):
                    raise


class Workspace:
    """Records in one SQLite file; every call opens, commits and closes its connection."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._prepared = False  # tables made and brought up to date by this object

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._prepared = self._prepared and self.path.exists()  # a file deleted since is made again
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            # a commit survives the process being killed; only a power cut can lose the last ones
            connection.execute("PRAGMA synchronous=NORMAL")
            if not self._prepared:
                connection.execute("PRAGMA journal_mode=WAL")
                for table, columns in TABLES.items():
                    key = _PRIMARY.get(table, "PRIMARY KEY (id)")
                    connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)}, {key})")
                    _add_missing_columns(connection, table, columns)
                self._prepared = True
            with connection:  # one transaction: committed on success, rolled back on error
                yield connection
        finally:
            connection.close()

    def add(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert (or replace, by key) records; unknown fields are refused by name."""
        columns = TABLES[table]
        values = []
        for row in rows:
            unknown = sorted(set(row) - set(columns))
            if unknown:
                raise WorkspaceError(f"{table}: unknown fields {unknown}")
            values.append([_stored(column, row.get(column)) for column in columns])
        with self._connection() as connection:
            connection.executemany(
                f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                values,
            )
        return len(values)

    def update(self, table: str, key: str, **fields: Any) -> None:
        """Change some fields of one record."""
        unknown = sorted(set(fields) - set(TABLES[table]))
        if unknown:
            raise WorkspaceError(f"{table}: unknown fields {unknown}")
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with self._connection() as connection:
            connection.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?",
                [*(_stored(column, value) for column, value in fields.items()), key],
            )

    def delete(self, table: str, key: str) -> bool:
        """Remove one record by id; False when there was none."""
        if table not in TABLES:
            raise WorkspaceError(f"unknown table {table!r}")
        if not self.path.exists():
            return False
        with self._connection() as connection:
            return connection.execute(f"DELETE FROM {table} WHERE id = ?", [key]).rowcount > 0

    def delete_where(self, table: str, column: str, values: Iterable[Any]) -> int:
        """Remove, in one statement, the records whose ``column`` is one of ``values``;
        returns how many went."""
        if column not in TABLES.get(table, ()):
            raise WorkspaceError(f"{table}: unknown field {column!r}")
        values = list(values)
        if not values or not self.path.exists():
            return 0
        with self._connection() as connection:
            marks = ", ".join("?" * len(values))
            return connection.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", values).rowcount

    def records(
        self, table: str, *, limit: int | None = None, fields: Iterable[str] | None = None, **equal: Any
    ) -> list[dict[str, Any]]:
        """Records of a table, newest first (``at``), optionally where fields equal values;
        only ``fields`` of each when given (a long table read for a few of its fields)."""
        columns = TABLES[table]
        wanted = columns if fields is None else tuple(fields)
        unknown = sorted((set(equal) | set(wanted)) - set(columns))
        if unknown:
            raise WorkspaceError(f"{table}: unknown fields {unknown}")
        if not self.path.exists():  # reading never creates the file
            return []
        where = (" WHERE " + " AND ".join(f"{column} = ?" for column in equal)) if equal else ""
        order = " ORDER BY at DESC, id DESC" if "at" in columns else " ORDER BY kind, name"
        bounded = f" LIMIT {int(limit)}" if limit is not None else ""
        with self._connection() as connection:
            found = connection.execute(
                f"SELECT {', '.join(wanted)} FROM {table}{where}{order}{bounded}", list(equal.values())
            ).fetchall()
        return [{column: _loaded(column, value) for column, value in zip(wanted, row, strict=True)} for row in found]

    def record(self, table: str, key: str) -> dict[str, Any] | None:
        """One record by id, or None."""
        found = self.records(table, id=key)
        return found[0] if found else None

    # -- the vocabulary loads declared --------------------------------------------------

    def remember_vocabulary(self, model: Model) -> None:
        """Keep the labels and types a load declared, with their key, display, event dates,
        role in network analysis and how resolution compares their nodes."""
        rows = [
            {
                "kind": "label",
                "name": spec.name,
                "spec": {
                    "key": spec.key,
                    "display": spec.display,
                    "properties": spec.properties,
                    "events": spec.events,
                    "role": spec.role,
                    "evidence": spec.evidence,
                    "resolvable": (
                        {"name": spec.resolvable.name, "compare": dict(spec.resolvable.compare)}
                        if spec.resolvable
                        else None
                    ),
                },
            }
            for spec in model.labels.values()
            if spec.declared
        ]
        rows += [
            {"kind": "relationship", "name": spec.name, "spec": {}}
            for spec in model.relationships.values()
            if spec.declared
        ]
        self.add("vocabulary", rows)

    def teach(self, model: Model) -> None:
        """Declare in ``model`` what earlier loads declared."""
        for row in self.records("vocabulary"):
            if row["kind"] == "label":
                model.declare_label(row["name"], **row["spec"])
            else:
                model.declare_relationship(row["name"])


def migrate_legacy_records(store: GraphStore, workspace: Workspace) -> dict[str, int]:
    """Move the ``IngestRun``, ``AnalysisRun`` and ``Judgement`` nodes an earlier version
    wrote into the graph to the workspace, then delete them from the graph: afterwards
    the graph counts only the user's data. Safe to run twice. Returns how many of each
    label moved."""
    present = set(store.labels_in_store())
    moved = {}
    for label, table in LEGACY_RECORD_LABELS.items():
        if label not in present:
            continue
        rows = store.read(f"MATCH (n:{quote(label)}) RETURN n.{KEY} AS key, properties(n) AS props ORDER BY key")
        columns = TABLES[table]
        records = []
        for row in rows:
            record = {column: row["props"].get(column) for column in columns}
            record["id"] = record["id"] or row["key"]
            for column in JSON & set(columns):
                if isinstance(record[column], str):  # the graph kept JSON as text
                    record[column] = json.loads(record[column])
            records.append(record)
        workspace.add(table, records)
        store.delete_nodes(row["key"] for row in rows)
        moved[label] = len(records)
    return moved
