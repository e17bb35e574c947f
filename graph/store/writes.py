"""Writes: idempotent upserts of nodes and relationships with their provenance, and
derived values (a community, a score) set on many nodes."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache, partial
from typing import Any

from graph.attribution import utc_now
from graph.model import KEY, RESERVED, SEARCH, ModelError, check_identifier, quote
from graph.records import NodeRecord, RelationshipRecord, WriteResult
from graph.store.engine import NodeNotFound, QueryError
from graph.store.lookups import Lookups
from graph.store.statements import NEW_NODE_SET, NODE_SET, RELATIONSHIP_SET
from graph.values import PropertyError, clean_properties, fold

__all__ = ["Writes"]

_FILE_ROW = re.compile(r"^(.+:)\d+$")  # a source naming a row of a file: "people.csv:12"


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


class Writes(Lookups):
    """Upserts (MERGE on the key, provenance widened) and derived node values."""

    #: Told, once each upsert batch is durable, how many records it wrote: a load's
    #: record of how far it got when the load stops half way (a crash, a kill).
    write_observer: Callable[[int], None] | None = None

    def _batch_written(self, records: int) -> None:
        observer = self.write_observer
        if observer is not None:
            self.after_commit(partial(observer, records))

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
            located = self.locate(row["key"] for _, _, row in checked)
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
            for labels, rows in groups.items():
                self._ensure_key_constraint(labels[0])
                for batch, window in _batches(rows.values(), self.batch_size):
                    created = self._upsert_node_batch(labels, batch, window, existing)
                    self._batch_written(len(batch))
                    result.created += created
                    result.updated += len(batch) - created
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
            **_sources(record.source),
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
            try:
                create = f"UNWIND $rows AS row CREATE (n:{all_labels} {{{KEY}: row.key}}) {NEW_NODE_SET}"
                created = self._write(create, {"rows": new, **window})[1].get("nodes_created", 0)
            except QueryError:  # another writer created some of them since: all are merged
                known = list(rows)
        if known:
            extra = "".join(f" SET n:{quote(label)}" for label in labels[1:])
            merge = f"UNWIND $rows AS row MERGE (n:{quote(labels[0])} {{{KEY}: row.key}}){extra} {NODE_SET}"
            created += self._write(merge, {"rows": known, **window})[1].get("nodes_created", 0)
        return created

    def upsert_relationships(
        self, relationships: Iterable[RelationshipRecord], *, seen: dt.datetime | None = None
    ) -> WriteResult:
        """Create or update relationships between existing nodes, by (start, type, key, end).

        A record whose endpoint does not exist, or whose type may not join its
        endpoints' labels, is returned in ``rejected`` with the reason.
        """
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
        located = self.locate(unlabelled) if unlabelled else {}
        groups: dict[tuple[str, str, str], dict[tuple[str, str, str], dict[str, Any]]] = defaultdict(dict)
        records: dict[int, RelationshipRecord] = {}
        for record, row in pending:
            try:
                start_label = record.start_label or self._located_label(located, record.start)
                end_label = record.end_label or self._located_label(located, record.end)
                self.model.label(start_label)
                self.model.label(end_label)
                self.model.check_endpoints(record.type, start_label, end_label)
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
        with self.writing():
            for (rel_type, start_label, end_label), rows in groups.items():
                for batch, window in _batches(rows.values(), self.batch_size):
                    created, updated, missing = self._upsert_relationship_batch(
                        (rel_type, start_label, end_label), batch, window
                    )
                    self._batch_written(len(batch))
                    result.created += created
                    result.updated += updated
                    result.rejected.extend((records[i], "start or end node does not exist") for i in missing)
        return result

    def _upsert_relationship_batch(
        self, kind: tuple[str, str, str], rows: Sequence[dict[str, Any]], window: Mapping[str, Any]
    ) -> tuple[int, int, list[int]]:
        """MERGE one batch of relationships of one (type, start label, end label); return
        how many were created and updated, and the ``i`` of rows lacking an endpoint."""
        rel_type, start_label, end_label = kind
        anchors = (
            f"UNWIND $rows AS row OPTIONAL MATCH (a:{quote(start_label)} {{{KEY}: row.src}}) "
            f"OPTIONAL MATCH (b:{quote(end_label)} {{{KEY}: row.dst}}) "
        )
        write = (
            anchors.replace("OPTIONAL MATCH", "MATCH")
            + f"MERGE (a)-[r:{quote(rel_type)} {{{KEY}: row.key}}]->(b) {RELATIONSHIP_SET} "
            + "RETURN count(*) AS done"
        )
        found, counters = self._write(write, {"rows": list(rows), **window})
        done = found[0]["done"] if found else 0
        created = counters.get("relationships_created", 0)
        missing = []
        if done < len(rows):  # rare: find which rows lack an endpoint
            slim = [{"src": row["src"], "dst": row["dst"], "i": row["i"]} for row in rows]
            query = anchors + "WITH row, a, b WHERE a IS NULL OR b IS NULL RETURN row.i AS i"
            missing = [row["i"] for row in self.read(query, {"rows": slim})]
        return created, done - created, missing

    def _relationship_row(self, record: RelationshipRecord, seen: dt.datetime) -> dict[str, Any]:
        properties = _data_properties(record.properties)
        return {
            "src": str(record.start),
            "dst": str(record.end),
            "key": str(record.key or ""),
            "props": properties,
            **_sources(record.source),
            "first": seen,
            "last": seen,
        }

    @staticmethod
    def _located_label(located: Mapping[str, list[str]], key: str) -> str:
        labels = located.get(str(key))
        if not labels:
            raise NodeNotFound(key)
        return labels[0]

    def set_node_values(self, name: str, values_by_label: Mapping[str, Mapping[str, Any]]) -> int:
        """Set one derived property (a community, a score) on many nodes, by label then
        key, without touching provenance: derived values are not sightings. Returns how
        many nodes were found and set."""
        check_identifier(name, "property")
        if name in RESERVED:
            raise ModelError(f"property {name!r} is reserved for the store")
        done = 0
        self._whitelisted(values_by_label)  # the model's labels and any the store holds
        with self.writing():
            for label, values in sorted(values_by_label.items()):
                query = (
                    f"UNWIND $rows AS row MATCH (n:{quote(label)} {{{KEY}: row.key}}) "
                    f"SET n.{quote(name)} = row.value RETURN count(*) AS done"
                )
                rows = [{"key": key, "value": value} for key, value in sorted(values.items())]
                for start in range(0, len(rows), self.batch_size):
                    found, _ = self._write(query, {"rows": rows[start : start + self.batch_size]})
                    done += found[0]["done"] if found else 0
        return done


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


def _sources(source: str | None) -> dict[str, list[str]]:
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
