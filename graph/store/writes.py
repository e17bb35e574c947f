"""Writes: idempotent upserts of nodes and relationships with their provenance, and
derived values (a community, a score) set on many nodes."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from graph.attribution import utc_now
from graph.model import KEY, RESERVED, SEARCH, ModelError, check_identifier, quote
from graph.records import NodeRecord, RelationshipRecord, WriteResult
from graph.store.engine import NodeNotFound, QueryError
from graph.store.lookups import Lookups
from graph.store.statements import (
    COLUMN_ENDS,
    ENDS_BY_ID,
    ENDS_BY_KEY,
    NEW_NODE_FROM_MAP,
    NEW_NODES_FROM_COLUMNS,
    NEW_RELATIONSHIP,
    NEW_RELATIONSHIPS_FROM_COLUMNS,
    NODE_SET,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIP_SET,
    ROW_ENDS,
)
from graph.store.tables import NodeTable, RelationshipTable, TableResult
from graph.values import PropertyError, clean_properties, fold, fold_many

__all__ = ["Created", "PreparedRelationships", "Writes"]

_FILE_ROW = re.compile(r"^(.+:)\d+$")  # a source naming a row of a file: "people.csv:12"
_T = TypeVar("_T")


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Rows in batches of ``size`` that share one sighting window, passed as ``$first`` /
    ``$last`` rather than per row: temporal values in row maps cost Neo4j a
    quarter of its write speed."""
    windows: dict[tuple[dt.datetime, dt.datetime], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:  # the rows are the caller's own, built for this write
        windows[(row.pop("first"), row.pop("last"))].append(row)
    for (first, last), window in windows.items():
        for start in range(0, len(window), size):
            yield window[start : start + size], {"first": first, "last": last}


class PreparedRelationships(NamedTuple):
    """Relationship rows ready to write, grouped by (type, start label, end label) and
    identity; ``records`` by row number ``i``; ``result`` holds the rejections so far."""

    groups: dict[tuple[str, str, str], dict[tuple[str, str, str], dict[str, Any]]]
    records: dict[int, RelationshipRecord]
    result: WriteResult


class Created:
    """What one writing session has created: its nodes' keys with their labels, and
    digests of the relationships it created between them (the usual case of a first
    load, whose nodes no other writer knows yet).

    A node the session created is located here, not in the store: only the labels the
    store held when the session began are searched for the others (none on a first
    load). A relationship between two nodes the session created can only be one it
    wrote itself, so one it has not written yet is CREATEd: no MERGE reading through the
    ends' other relationships, and its ends found by the element ids their CREATE
    returned. A digest met twice by chance only means a MERGE."""

    def __init__(self) -> None:
        self.labels: dict[str, tuple[str, ...]] = {}
        self.ids: dict[str, str] = {}  # node key -> the element id of the node created
        self.relationships: set[int] = set()
        self.before: list[str] | None = None  # the store's labels, read at the first write

    def claim(self, rel_type: str, start: str, key: str, end: str) -> bool:
        """Whether this session may CREATE the relationship (between nodes it created, not
        written yet); if so it is taken as written from now on."""
        digest = hash((rel_type, start, key, end))
        if start in self.ids and end in self.ids and digest not in self.relationships:
            self.relationships.add(digest)
            return True
        return False

    def split(self, rel_type: str, rows: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The rows this session may CREATE (:meth:`claim`), with their ends' element ids
        as ``a`` and ``b`` and only what CREATE reads; and the others."""
        new, known = [], []
        ids = self.ids
        for row in rows:
            if self.claim(rel_type, row["src"], row["key"], row["dst"]):
                new.append(
                    {"a": ids[row["src"]], "b": ids[row["dst"]], "src": row["src"], "dst": row["dst"]}
                    | {"key": row["key"], "props": row["props"], "sources": row["sources"], "i": row["i"]}
                )
            else:
                known.append(row)
        return new, known


class Writes(Lookups):
    """Upserts (MERGE on the key, provenance widened) and derived node values."""

    #: What the current writing session created, on engines that keep it (see
    #: :class:`Created`); ``None`` outside a session: everything is MERGEd.
    _created: Created | None = None

    #: Told, once each upsert batch is durable, how many records it wrote: a load's
    #: record of how far it got when the load stops half way (a crash, a kill).
    write_observer: Callable[[int], None] | None = None

    #: Write transactions an engine may have in flight at once. The batches of one call
    #: never conflict (distinct keys; relationships whose ends are already committed), so
    #: on a server one executes and commits while this process packs the next.
    write_concurrency = 1

    def _batch_written(self, records: int) -> None:
        observer = self.write_observer
        if observer is not None:
            self.after_commit(partial(observer, records))

    def _batch_rows(self, rows: int) -> int:
        """Rows per batch of a table: at most :attr:`batch_size`, and few enough that each
        transaction in flight has one (a file of 6,000 rows is two of 3,000, not 5,000
        and 1,000)."""
        return max(1, min(self.batch_size, -(-rows // self.write_concurrency)))

    def _in_turn(self, batches: Sequence[tuple[int, Callable[[], _T]]]) -> list[_T]:
        """Run ``(records, write)`` batches, up to :attr:`write_concurrency` at once, and
        their results in order. Each batch that succeeded is told to the observer (from
        this thread), even when another failed; then the first error is raised."""
        if self.write_concurrency < 2 or len(batches) < 2:
            results = []
            for records, write in batches:
                results.append(write())
                self._batch_written(records)
            return results
        with ThreadPoolExecutor(self.write_concurrency, thread_name_prefix="store-write") as pool:
            futures = [pool.submit(write) for _, write in batches]
        errors = [future.exception() for future in futures]
        for (records, _), error in zip(batches, errors, strict=True):
            if error is None:
                self._batch_written(records)
        first = next((error for error in errors if error is not None), None)
        if first is not None:
            raise first
        return [future.result() for future in futures]

    def upsert_nodes(self, nodes: Iterable[NodeRecord], *, seen: dt.datetime | None = None) -> WriteResult:
        """Create or update nodes by key; idempotent, so safe to retry or re-load.

        Properties are merged (a ``None`` value removes one), ``first_seen`` keeps the
        earliest sighting, ``last_seen`` moves to the latest and ``sources`` gains new
        sources, one row per file (a file's newer row replaces its older one). Records
        of one key within the call are merged first.
        """
        default_seen = seen or utc_now()
        result = WriteResult()
        checked = []
        for record in nodes:
            try:
                labels = tuple(self.model.label(label).name for label in record.labels)
                if not labels:
                    raise ModelError("a node needs at least one label")
                checked.append((record, labels, self._node_row(record, labels, record.seen or default_seen)))
            except (ModelError, PropertyError) as error:
                result.rejected.append((record, str(error)))
        with self.writing():  # what the store holds is read where no other writer can change it
            # a key names one node: another label's record may not take it over (relationships
            # loaded later by that key would attach to the impostor)
            located = self._locate_for_write(row["key"] for _, _, row in checked)
            existing = frozenset(located)
            owners = {key: set(labels) for key, labels in located.items()}
            groups: dict[tuple[str, ...], dict[str, dict[str, Any]]] = defaultdict(dict)
            for record, labels, row in checked:
                owner = owners.setdefault(row["key"], set(labels))
                if labels[0] not in owner:
                    held = ":".join(sorted(owner))
                    reason = f"key {row['key'][:80]!r} is already a {held} node's; a {labels[0]} node may not take it"
                    result.rejected.append((record, reason))
                    continue
                _merge_row(groups[labels], row)
            batches = []
            for labels, rows in groups.items():
                self._ensure_key_constraint(labels[0])
                for batch, window in _batches(rows.values(), self.batch_size):
                    batches.append((len(batch), partial(self._upsert_node_batch, labels, batch, window, existing)))
            for (records, _), created in zip(batches, self._in_turn(batches), strict=True):
                result.created += created
                result.updated += records - created
        return result

    def _node_row(self, record: NodeRecord, labels: tuple[str, ...], seen: dt.datetime) -> dict[str, Any]:
        key = str(record.key)
        if not key:
            raise ModelError("a node needs a non-empty key")
        properties = _data_properties(record.properties)
        display = properties.get(self.model.display_property(labels))
        if display is not None:
            properties[SEARCH] = fold(display)
        return {
            "key": key,
            "props": properties,
            "search": fold(key),
            **row_sources(record.source),
            "first": seen,
            "last": seen,
        }

    def _upsert_node_batch(
        self,
        labels: tuple[str, ...],
        rows: Sequence[dict[str, Any]],
        window: Mapping[str, Any],
        existing: AbstractSet[str],
    ) -> int:
        """Write one batch of rows sharing a label set; return how many were created.
        Keys the store did not hold (``existing`` was read just before) are CREATEd, with
        no lookup per row and provenance set outright; the others are MERGEd."""
        new = [row for row in rows if row["key"] not in existing]
        known = [row for row in rows if row["key"] in existing]
        all_labels = ":".join(quote(label) for label in labels)
        created = 0
        if new:
            ours = self._created
            create = f"UNWIND $rows AS node CREATE (n:{all_labels}) {NEW_NODE_FROM_MAP}"
            if ours is not None:  # the ids the session's relationships will find them by
                create += f" RETURN collect(node.{KEY}) AS keys, collect(elementId(n)) AS ids"
            try:
                found, counters = self._write(create, {"rows": [_new_node(row) for row in new], **window})
                created = counters.get("nodes_created", 0)
                if ours is not None:
                    ours.labels.update((row["key"], labels) for row in new)
                    ours.ids.update(zip(found[0]["keys"], found[0]["ids"], strict=True))
            except QueryError:  # another writer created some of them since: all are merged
                known = list(rows)
        if known:
            extra = "".join(f" SET n:{quote(label)}" for label in labels[1:])
            merge = f"UNWIND $rows AS row MERGE (n:{quote(labels[0])} {{{KEY}: row.key}}){extra} {NODE_SET}"
            created += self._write(merge, {"rows": known, **window})[1].get("nodes_created", 0)
            if self._created is not None:  # a node the session created may have gained labels
                ours = self._created.labels
                ours.update((row["key"], tuple({*ours[row["key"]], *labels})) for row in known if row["key"] in ours)
        return created

    def _locate_for_write(self, keys: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`locate`, with the nodes the writing session created found in its own
        record (:class:`Created`) and the others only under the labels held before it."""
        created = self._created
        if created is None:
            return self.locate(keys)
        if created.before is None:
            created.before = self.labels_in_store()
        located, rest = {}, []
        for key in map(str, keys):
            labels = created.labels.get(key)
            if labels is None:
                rest.append(key)
            else:
                located[key] = sorted(labels)
        if rest and created.before:
            located.update(self.locate(rest, created.before))
        return located

    def upsert_relationships(
        self, relationships: Iterable[RelationshipRecord], *, seen: dt.datetime | None = None
    ) -> WriteResult:
        """Create or update relationships between existing nodes, by (start, type, key, end).

        A record whose endpoint does not exist, or whose type may not join its
        endpoints' labels, is returned in ``rejected`` with the reason.
        """
        return self.write_relationships(self.prepare_relationships(relationships, seen=seen))

    def prepare_relationships(
        self, relationships: Iterable[RelationshipRecord], *, seen: dt.datetime | None = None
    ) -> PreparedRelationships:
        """The Python half of :meth:`upsert_relationships` (checks, rows, grouping), which
        a loader may run while the store writes the previous ones
        (:attr:`~graph.store.engine.Engine.prepares_beside_writes`); it writes nothing."""
        default_seen = seen or utc_now()
        result = WriteResult()
        pending = []
        for record in relationships:
            try:
                self.model.relationship(record.type)
                row = self._relationship_row(record, record.seen or default_seen)
            except (ModelError, PropertyError) as error:
                result.rejected.append((record, str(error)))
                continue
            pending.append((record, row))
        unlabelled = {
            key
            for record, _ in pending
            for key, label in ((record.start, record.start_label), (record.end, record.end_label))
            if label is None
        }
        located = self._locate_for_write(unlabelled) if unlabelled else {}
        groups: dict[tuple[str, str, str], dict[tuple[str, str, str], dict[str, Any]]] = defaultdict(dict)
        records: dict[int, RelationshipRecord] = {}
        allowed: set[tuple[str, str, str]] = set()  # kinds the model was asked about (a chunk has a few)
        for record, row in pending:
            try:
                start_label = record.start_label or self._located_label(located, record.start)
                end_label = record.end_label or self._located_label(located, record.end)
                if (record.type, start_label, end_label) not in allowed:
                    self.model.label(start_label)
                    self.model.label(end_label)
                    self.model.check_endpoints(record.type, start_label, end_label)
                    allowed.add((record.type, start_label, end_label))
            except NodeNotFound as error:
                result.rejected.append((record, f"start or end node does not exist ({error})"))
                continue
            except ModelError as error:
                result.rejected.append((record, str(error)))
                continue
            group = groups[(record.type, start_label, end_label)]
            identity = (row["src"], row["key"], row["dst"])
            if identity not in group:
                row["i"] = len(records)
                records[row["i"]] = record
            _merge_row(group, row, identity)
        return PreparedRelationships(groups, records, result)

    def write_relationships(self, prepared: PreparedRelationships) -> WriteResult:
        """Write what :meth:`prepare_relationships` made; the result says what was done
        and rejected, then and now."""
        groups, records, result = prepared
        with self.writing():
            batches = [
                (len(batch), partial(self._upsert_relationship_batch, kind, batch, window))
                for kind, rows in groups.items()
                for batch, window in _batches(rows.values(), self.batch_size)
            ]
            for created, updated, missing in self._in_turn(batches):
                result.created += created
                result.updated += updated
                result.rejected.extend((records[i], "start or end node does not exist") for i in missing)
        return result

    def create_node_table(self, table: NodeTable) -> TableResult:
        """Create, from its columns, the rows of ``table`` whose key no node holds, as
        :meth:`_upsert_node_batch` creates them (:class:`~graph.store.tables.TableWrites`
        in Cypher); the others are the caller's to upsert. Property names go into the
        statement as checked, quoted identifiers: a file whose names are not identifiers
        goes by rows."""
        try:
            labels = tuple(self.model.label(label).name for label in table.labels)
            names = _checked_names(table.properties)
        except ModelError:
            return TableResult(np.zeros(len(table), bool))
        with self.writing():
            held = self._locate_for_write(table.keys.tolist())
            taken = np.fromiter((key not in held for key in table.keys), bool, len(table))
            rows = np.flatnonzero(taken)
            if not len(rows):
                return TableResult(taken)
            columns = {f"p{i}": _listed(values, rows) for i, (_, values) in enumerate(table.properties.values())}
            keys = table.keys[rows]
            display = table.properties.get(self.model.display_property(labels))
            shown = np.array(_listed(display[1], rows), dtype=object) if display is not None else keys
            columns |= {
                "keys": keys.tolist(),
                "search": fold_many(np.where(pd.notna(shown), shown, keys)).tolist(),
                "source": table.sources[rows].tolist(),
            }
            statement = NEW_NODES_FROM_COLUMNS.format(
                labels=":".join(quote(label) for label in labels), properties=_column_fields(names)
            )
            self._ensure_key_constraint(labels[0])
            seen = table.seen or utc_now()  # one instant: a new node's first and last sighting
            window = {"first": seen, "last": seen}
            size = self._batch_rows(len(rows))
            batches = [
                (len(part["keys"]), partial(self._create_node_columns, labels, statement, part, window))
                for part in _column_batches(columns, size)
            ]
            done = self._in_turn(batches)
        for batch, created in enumerate(done):
            if created is None:  # another writer created some of its keys: they are merged
                taken[rows[batch * size : (batch + 1) * size]] = False
        return TableResult(taken, created=sum(created or 0 for created in done))

    def _create_node_columns(
        self, labels: tuple[str, ...], statement: str, columns: dict[str, list[Any]], window: Mapping[str, Any]
    ) -> int | None:
        """One batch of new nodes from columns; how many were created (None when another
        writer took one of the keys first: the caller merges them)."""
        try:
            found, counters = self._write(statement, {**columns, **window})
        except QueryError:
            return None
        ours = self._created
        if ours is not None:
            ours.labels.update(dict.fromkeys(columns["keys"], labels))
            ours.ids.update(zip(columns["keys"], found[0]["ids"], strict=True))
        return counters.get("nodes_created", 0)

    def create_relationship_table(self, table: RelationshipTable) -> TableResult:
        """Create, from its columns, the rows of ``table`` that the writing session may
        CREATE (:class:`Created`: between nodes it created, not written yet), as
        :meth:`_upsert_relationship_batch` creates them; the others (and rows whose end
        another writer deleted meanwhile) are the caller's to upsert."""
        taken = np.zeros(len(table), bool)
        ours = self._created
        try:
            self.model.relationship(table.type)
            self.model.check_endpoints(table.type, table.start_label, table.end_label)
            names = _checked_names(table.properties)
        except ModelError:
            return TableResult(taken)
        if ours is None:
            return TableResult(taken)
        with self.writing():
            taken[:] = [
                ours.claim(table.type, start, "", end) for start, end in zip(table.starts, table.ends, strict=True)
            ]
            rows = np.flatnonzero(taken)
            if not len(rows):
                return TableResult(taken)
            columns = {f"p{i}": _listed(values, rows) for i, (_, values) in enumerate(table.properties.values())}
            columns |= {
                "a": [ours.ids[key] for key in table.starts[rows]],
                "b": [ours.ids[key] for key in table.ends[rows]],
                "src": table.starts[rows].tolist(),
                "dst": table.ends[rows].tolist(),
                "source": table.sources[rows].tolist(),
            }
            anchors = RELATIONSHIP_COLUMNS + ENDS_BY_ID.format(
                start=quote(table.start_label), end=quote(table.end_label), **COLUMN_ENDS
            )
            create = NEW_RELATIONSHIPS_FROM_COLUMNS.format(type=quote(table.type), properties=_column_fields(names))
            seen = table.seen or utc_now()
            window = {"first": seen, "last": seen, "key": KEY}
            size = self._batch_rows(len(rows))
            batches = [
                (len(part["a"]), partial(self._create_relationship_columns, anchors, create, part, window))
                for part in _column_batches(columns, size)
            ]
            done = self._in_turn(batches)
        for batch, missing in enumerate(done):
            taken[rows[batch * size : (batch + 1) * size][missing]] = False
        return TableResult(taken, created=int(taken.sum()))

    def _create_relationship_columns(
        self, anchors: str, create: str, columns: dict[str, list[Any]], window: Mapping[str, Any]
    ) -> list[int]:
        """One batch of new relationships from columns; the positions of rows lacking an
        end (rare: a node deleted by another writer since)."""
        found, _ = self._write(f"{anchors}{create}RETURN count(*) AS done", {**columns, **window})
        if found and found[0]["done"] == len(columns["a"]):
            return []
        ends = {name: columns[name] for name in ("a", "b", "src", "dst")}
        query = anchors.replace("MATCH", "OPTIONAL MATCH") + "WITH i, a, b WHERE a IS NULL OR b IS NULL"
        return [row["i"] for row in self.read(f"{query} RETURN i", {**ends, "key": KEY})]

    def _upsert_relationship_batch(
        self, kind: tuple[str, str, str], rows: Sequence[dict[str, Any]], window: Mapping[str, Any]
    ) -> tuple[int, int, list[int]]:
        """Write one batch of relationships of one (type, start label, end label): CREATE
        those the session may (:class:`Created`), MERGE the others; return how many were
        created and updated, and the ``i`` of rows lacking an endpoint."""
        rel_type, start_label, end_label = kind
        new, known = self._created.split(rel_type, rows) if self._created else ([], list(rows))
        create = "CREATE " + NEW_RELATIONSHIP.format(type=quote(rel_type))
        merge = f"MERGE (a)-[r:{quote(rel_type)} {{{KEY}: row.key}}]->(b) {RELATIONSHIP_SET}"
        done = created = 0
        missing = []
        for ends, write, part in ((ENDS_BY_ID, create, new), (ENDS_BY_KEY, merge, known)):
            if not part:
                continue
            anchors = "UNWIND $rows AS row " + ends.format(start=quote(start_label), end=quote(end_label), **ROW_ENDS)
            found, counters = self._write(
                f"{anchors}{write} RETURN count(*) AS done", {"rows": part, **window, "key": KEY}
            )
            written = found[0]["done"] if found else 0
            done += written
            created += counters.get("relationships_created", 0)
            if written < len(part):  # rare: find which rows lack an endpoint
                slim = [{key: row[key] for key in ("a", "b", "src", "dst", "i") if key in row} for row in part]
                query = anchors.replace("MATCH", "OPTIONAL MATCH") + "WITH row, a, b WHERE a IS NULL OR b IS NULL"
                missing += [row["i"] for row in self.read(f"{query} RETURN row.i AS i", {"rows": slim, "key": KEY})]
        return created, done - created, missing

    def _relationship_row(self, record: RelationshipRecord, seen: dt.datetime) -> dict[str, Any]:
        properties = _data_properties(record.properties)
        return {
            "src": str(record.start),
            "dst": str(record.end),
            "key": str(record.key or ""),
            "props": properties,
            **row_sources(record.source),
            "first": seen,
            "last": seen,
        }

    @staticmethod
    def _located_label(located: Mapping[str, list[str]], key: str) -> str:
        labels = located.get(str(key))
        if not labels:
            raise NodeNotFound(key)
        return labels[0]

    def set_node_values(
        self, name: str, values_by_label: Mapping[str, Mapping[str, Any]], *, alike: Mapping[str, Any] | None = None
    ) -> int:
        """Set one derived property (a community, a score) on many nodes, by label then
        key, and the ``alike`` properties (the same value on every one of them, e.g. the
        run that found it) in the same pass, without touching provenance: derived values
        are not sightings. Returns how many nodes were found and set."""
        names = [name, *(alike or {})]
        for each in names:
            check_identifier(each, "property")
            if each in RESERVED:
                raise ModelError(f"property {each!r} is reserved for the store")
        self._whitelisted(values_by_label)  # the model's labels and any the store holds
        with self.writing():
            return sum(
                self._set_label_values(label, name, values, alike or {})
                for label, values in sorted(values_by_label.items())
            )

    def _set_label_values(self, label: str, name: str, values: Mapping[str, Any], alike: Mapping[str, Any]) -> int:
        """:meth:`set_node_values` for the nodes of one label, by key, in MERGE-free
        batches; how many were found."""
        constants = {f"alike{i}": value for i, value in enumerate(alike.values())}
        sets = ", ".join(
            [f"n.{quote(name)} = row.value", *(f"n.{quote(e)} = ${p}" for e, p in zip(alike, constants, strict=True))]
        )
        query = f"UNWIND $rows AS row MATCH (n:{quote(label)} {{{KEY}: row.key}}) SET {sets} RETURN count(*) AS n"
        rows = [{"key": key, "value": value} for key, value in sorted(values.items())]
        done = 0
        for start in range(0, len(rows), self.batch_size):
            found, _ = self._write(query, {"rows": rows[start : start + self.batch_size], **constants})
            done += found[0]["n"] if found else 0
        return done


def _new_node(row: Mapping[str, Any]) -> dict[str, Any]:
    """All a new node holds but its sighting window, as one map (:data:`NEW_NODE_FROM_MAP`):
    its properties, key, search name (its own, else its key's) and sources."""
    search = row["props"].get(SEARCH)
    return row["props"] | {
        KEY: row["key"],
        SEARCH: row["search"] if search is None else search,
        "sources": row["sources"],
    }


def _checked_names(properties: Mapping[str, Any]) -> list[str]:
    """A table's property names, checked as :func:`_data_properties` checks a record's,
    and quoted for a statement (a :class:`ModelError` for one that is no identifier)."""
    _check_names(tuple(properties))
    return [quote(name) for name in properties]


def _column_fields(names: Sequence[str]) -> str:
    """``, `name`: $p0[i], ...``: row ``i``'s value of each property column."""
    return "".join(f", {name}: $p{position}[i]" for position, name in enumerate(names))


def _listed(values: Any, rows: np.ndarray) -> list[Any]:
    """A table column's values at ``rows`` as plain Python values, ``None`` where absent."""
    chosen = values[rows]
    if isinstance(chosen, np.ndarray):
        return chosen.tolist()
    return chosen.to_numpy(dtype=object, na_value=None).tolist()


def _column_batches(columns: dict[str, list[Any]], size: int) -> Iterator[dict[str, list[Any]]]:
    """The columns ``size`` rows at a time."""
    count = len(next(iter(columns.values())))
    for start in range(0, count, size):
        yield {name: values[start : start + size] for name, values in columns.items()}


def _data_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Checked data properties; the store's own (key, search, provenance) are refused."""
    _check_names(tuple(properties))
    return clean_properties(dict(properties))


@lru_cache(maxsize=1024)
def _check_names(names: tuple[str, ...]) -> None:
    """Refuse reserved or unusable property names (once per set of names: a file's rows
    share theirs)."""
    reserved = sorted(set(names) & RESERVED)
    if reserved:
        raise ModelError(f"properties {reserved} are reserved for the store")
    unnamed = [name for name in names if not name or "\x00" in name]
    if unnamed:  # Neo4j refuses such names, so the embedded store does too
        raise ModelError(f"property name {unnamed[0][:80]!r}: empty or with a NUL byte")


def row_sources(source: str | None) -> dict[str, list[str]]:
    """A row's ``sources`` and ``files``: the ``file:`` prefix of a source naming a row
    of a file (``people.csv:12``), whose other rows it replaces in a stored ``sources``."""
    if not source:
        return {"sources": [], "files": []}
    file_row = _FILE_ROW.match(source)
    return {"sources": [source], "files": [file_row.group(1)] if file_row else []}


def _merge_row(rows: dict[Any, dict[str, Any]], row: dict[str, Any], identity: Any = None) -> None:
    """Fold ``row`` into ``rows`` by identity (the node key by default): later
    properties win, sources add up, the sighting window widens."""
    identity = row["key"] if identity is None else identity
    known = rows.get(identity)
    if known is None:
        rows[identity] = row
        return
    known["props"].update(row["props"])
    files = tuple(row["files"])
    known["sources"] = [s for s in known["sources"] if not s.startswith(files)]
    known["sources"].extend(s for s in row["sources"] if s not in known["sources"])
    known["files"] = list(dict.fromkeys(known["files"] + row["files"]))
    known["first"] = min(known["first"], row["first"])
    known["last"] = max(known["last"], row["last"])
