"""The store interface, and the portable Cypher both stores share.

Every operation here is written once, in the Cypher subset that Neo4j 5 and KGLite
both run with the same meaning (``../shared/research/embedded-engines.md``): labelled,
indexed anchors, explicit ``ORDER BY`` with full tie-breaks, no ``type``/``title``
properties of our own. A store subclass supplies only how to execute a statement, how
to create its key constraint and how to clear itself.

Nodes are identified by their *key as loaded*, kept in the reserved property
:data:`graph.model.KEY`; keys are unique per label and, by convention, across the graph.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import networkx as nx
import pandas as pd

from graph.guard import QueryRefused, check_read_only, parameters
from graph.model import KEY, RESERVED, SEARCH, Model, ModelError, check_identifier, load_model, quote
from graph.records import Counts, NodeRecord, Path, RelationshipRecord, WriteResult
from graph.values import PropertyError, clean_properties, fold

__all__ = ["GraphStore", "QueryError", "NodeNotFound", "INTERNAL_PROPERTIES"]

#: Properties the store keeps for itself and leaves out of what it hands back.
INTERNAL_PROPERTIES = frozenset({KEY, SEARCH})
MAX_PATH_HOPS = 15
# The columns of a relationship read from node ``a`` over ``r`` to ``b`` (see _add_edge).
_EDGE_ROWS = (
    f"RETURN a.{KEY} AS node, startNode(r).{KEY} AS start, type(r) AS type, r.{KEY} AS rkey, "
    f"properties(r) AS rprops, b.{KEY} AS other, labels(b) AS labels, properties(b) AS props "
)
_LIGHT = 200  # nodes with at most this many relationships are read together, not one by one

_PROVENANCE_SET = """
    {v}.first_seen = CASE WHEN {v}.first_seen IS NULL OR $first < {v}.first_seen
                          THEN $first ELSE {v}.first_seen END,
    {v}.last_seen = CASE WHEN {v}.last_seen IS NULL OR $last > {v}.last_seen
                         THEN $last ELSE {v}.last_seen END,
    {v}.sources = coalesce({v}.sources, []) + [s IN row.sources WHERE NOT s IN coalesce({v}.sources, [])]"""
NODE_SET = (
    "SET n += row.props, n."
    + SEARCH
    + " = coalesce(row.props."
    + SEARCH
    + ", n."
    + SEARCH
    + ", row.search),"
    + _PROVENANCE_SET.format(v="n")
)
RELATIONSHIP_SET = "SET r += row.props," + _PROVENANCE_SET.format(v="r")


class QueryError(RuntimeError):
    """A query the store could not run, explained without credentials or tracebacks."""


class NodeNotFound(KeyError):
    """No node has the given key."""

    def __str__(self) -> str:
        return f"no node with key {self.args[0]!r}"


def utc_now() -> dt.datetime:
    """Now, as the naive UTC local datetime both stores compare the same way."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Rows in batches of ``size`` that share one sighting window, passed as ``$first`` /
    ``$last`` rather than per row: temporal values in row maps cost Neo4j a
    quarter of its write speed."""
    windows: dict[tuple[dt.datetime, dt.datetime], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        row = dict(row)
        windows[(row.pop("first"), row.pop("last"))].append(row)
    for (first, last), window in windows.items():
        for start in range(0, len(window), size):
            yield window[start : start + size], {"first": first, "last": last}


def _union_over_labels(labels: Iterable[str], where: str) -> str:
    """``CALL { MATCH (n:A) WHERE ... RETURN n UNION ... }``: indexed per label on Neo4j,
    where a label-less ``MATCH (n)`` would scan every node."""
    branches = [f"MATCH (n:{quote(label)}) WHERE {where} RETURN n" for label in sorted(labels)]
    return "CALL { " + " UNION ".join(branches) + " }"


class GraphStore(ABC):
    """A property graph with upserts, read-only Cypher and the investigator's reads.

    Subclasses: :class:`graph.neo4j_store.Neo4jStore` and
    :class:`graph.embedded_store.EmbeddedStore`; get one with :func:`graph.open_store`.
    """

    #: Rows per write statement: big enough to amortise a round trip, small enough to
    #: keep a transaction's memory bounded.
    batch_size = 5000

    def __init__(self, model: Model | None = None):
        self.model = model or load_model()

    # -- what each store implements -------------------------------------------------

    @abstractmethod
    def _read(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a trusted read of our own and return its rows as plain Python values."""

    def _read_columns(self, query: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        """A trusted read returned column by column: the cheap shape for a million rows
        of a few scalars (projections); stores override it to skip per-row dicts."""
        rows = self._read(query, params)
        columns: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            for name, value in row.items():
                columns[name].append(value)
        return dict(columns)

    @abstractmethod
    def _write(
        self, query: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """Run a write statement; return its rows and counters (``nodes_created``...)."""

    @abstractmethod
    def _ensure_key_constraint(self, label: str) -> None:
        """Make the key of ``label`` unique (and indexed) before the first write to it."""

    @abstractmethod
    def _run_user_query(
        self,
        query: str,
        params: Mapping[str, Any],
        timeout: float | None,
        row_limit: int | None,
        metadata: Mapping[str, Any] | None = None,
    ) -> tuple[list[str], list[dict[str, Any]], bool]:
        """Run an analyst's query read-only: columns, rows, and whether rows were cut.
        ``metadata`` (who runs which query) goes where the store records queries."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship."""

    def close(self) -> None:
        """Release connections, locks and files."""

    def check(self) -> None:
        """Fail now, with a :class:`QueryError` naming the problem, when the store cannot
        be reached (a server's address or credentials); a file store always can."""

    def writing(self) -> AbstractContextManager[Any]:
        """Hold write access across several calls (the embedded store's file lease)."""
        return nullcontext()

    def _visible_properties(
        self, labels: Sequence[str], properties: Mapping[str, Any] | None, *, keep_internal: bool = False
    ) -> dict[str, Any]:
        """A node's or relationship's own properties, without the store's internals
        (unless ``keep_internal``, for exact copies)."""
        return {
            name: value
            for name, value in (properties or {}).items()
            if value is not None and (keep_internal or name not in INTERNAL_PROPERTIES)
        }

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writes ---------------------------------------------------------------------

    def upsert_nodes(self, nodes: Iterable[NodeRecord], *, seen: dt.datetime | None = None) -> WriteResult:
        """Create or update nodes by key; idempotent, so safe to retry or re-load.

        Properties are merged (a ``None`` value removes one), ``first_seen`` keeps the
        earliest sighting, ``last_seen`` moves to the latest and ``sources`` gains new
        sources. Records of one key within the call are merged first.
        """
        default_seen = seen or utc_now()
        result = WriteResult()
        groups: dict[tuple[str, ...], dict[str, dict[str, Any]]] = defaultdict(dict)
        for record in nodes:
            try:
                labels = tuple(self.model.label(label).name for label in record.labels)
                if not labels:
                    raise ModelError("a node needs at least one label")
                row = self._node_row(record, labels, record.seen or default_seen)
            except (ModelError, PropertyError) as error:
                result.rejected.append((record, str(error)))
                continue
            _merge_row(groups[labels], row)
        with self.writing():
            for labels, rows in groups.items():
                self._ensure_key_constraint(labels[0])
                for batch, window in _batches(rows.values(), self.batch_size):
                    created = self._upsert_node_batch(labels, batch, window)
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
            "sources": [record.source] if record.source else [],
            "first": seen,
            "last": seen,
        }

    def _upsert_node_batch(
        self, labels: tuple[str, ...], rows: Sequence[dict[str, Any]], window: Mapping[str, Any]
    ) -> int:
        """MERGE one batch of rows sharing a label set; return how many were created."""
        extra = "".join(f" SET n:{quote(label)}" for label in labels[1:])
        query = f"UNWIND $rows AS row MERGE (n:{quote(labels[0])} {{{KEY}: row.key}}){extra} {NODE_SET}"
        _, counters = self._write(query, {"rows": list(rows), **window})
        return counters.get("nodes_created", 0)

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
                anchors = (
                    f"UNWIND $rows AS row OPTIONAL MATCH (a:{quote(start_label)} {{{KEY}: row.src}}) "
                    f"OPTIONAL MATCH (b:{quote(end_label)} {{{KEY}: row.dst}}) "
                )
                write = (
                    anchors.replace("OPTIONAL MATCH", "MATCH")
                    + f"MERGE (a)-[r:{quote(rel_type)} {{{KEY}: row.key}}]->(b) {RELATIONSHIP_SET} "
                    + "RETURN count(*) AS done"
                )
                missing = anchors + "WITH row, a, b WHERE a IS NULL OR b IS NULL RETURN row.i AS i"
                for batch, window in _batches(rows.values(), self.batch_size):
                    found, counters = self._write(write, {"rows": batch, **window})
                    done = found[0]["done"] if found else 0
                    created = counters.get("relationships_created", 0)
                    result.created += created
                    result.updated += done - created
                    if done < len(batch):  # rare: find which rows lack an endpoint
                        slim = [{"src": row["src"], "dst": row["dst"], "i": row["i"]} for row in batch]
                        for row in self._read(missing, {"rows": slim}):
                            result.rejected.append((records[row["i"]], "start or end node does not exist"))
        return result

    def _relationship_row(self, record: RelationshipRecord, seen: dt.datetime) -> dict[str, Any]:
        properties = _data_properties(record.properties)
        return {
            "src": str(record.start),
            "dst": str(record.end),
            "key": str(record.key or ""),
            "props": properties,
            "sources": [record.source] if record.source else [],
            "first": seen,
            "last": seen,
        }

    @staticmethod
    def _located_label(located: Mapping[str, list[str]], key: str) -> str:
        labels = located.get(str(key))
        if not labels:
            raise NodeNotFound(key)
        return labels[0]

    # -- reads ------------------------------------------------------------------------

    def labels_in_store(self) -> list[str]:
        """Labels to search under. KGLite lists each node's first label only, Neo4j every
        label ever used; both cover every node, which is all the union queries need."""
        return sorted(row["label"] for row in self._read("CALL db.labels() YIELD label RETURN label"))

    def _whitelisted(self, labels: Iterable[str]) -> list[str]:
        """User-given labels, each known to the model or present in the store."""
        known = set(self.model.labels) | set(self.labels_in_store())
        wanted = sorted(set(labels))
        for label in wanted:
            if label not in known:
                raise ModelError(f"unknown label {label!r}")
        return wanted

    def counts(self) -> Counts:
        """Nodes per label and relationships per type."""
        labels = self._read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS c ORDER BY label")
        types = self._read("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c ORDER BY t")
        return Counts(
            labels={row["label"]: row["c"] for row in labels},
            types={row["t"]: row["c"] for row in types},
            nodes=self._read("MATCH (n) RETURN count(n) AS c")[0]["c"],
            relationships=sum(row["c"] for row in types),
        )

    def locate(self, keys: Iterable[str]) -> dict[str, list[str]]:
        """The labels of the nodes with these keys (sorted); unknown keys are left out."""
        keys = sorted({str(key) for key in keys})
        labels = self.labels_in_store()
        if not keys or not labels:
            return {}
        query = _union_over_labels(labels, f"n.{KEY} IN $keys") + f" RETURN n.{KEY} AS key, labels(n) AS labels"
        return {row["key"]: sorted(row["labels"]) for row in self._read(query, {"keys": keys})}

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        row_limit: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Run read-only Cypher with parameters and return the rows as a DataFrame.

        Writes, ``LOAD CSV``, administration and unknown procedures are refused before
        the store sees the query (:class:`graph.guard.QueryRefused`); so are missing and
        unused parameters. ``df.attrs["truncated"]`` says whether ``row_limit`` cut rows.
        Nodes, relationships and paths come back as dicts with their key, labels or type,
        and properties.
        """
        params = dict(params or {})
        check_read_only(cypher)
        needed = parameters(cypher)
        missing = sorted(needed - set(params))
        if missing:
            raise QueryRefused(f"missing parameter ${missing[0]}: pass it with --param {missing[0]}=VALUE")
        unused = sorted(set(params) - needed)
        if unused:
            raise QueryRefused(f"parameter ${unused[0]} is not used by the query")
        columns, rows, truncated = self._run_user_query(cypher, params, timeout, row_limit, metadata)
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        frame.attrs["truncated"] = truncated
        return frame

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20) -> pd.DataFrame:
        """Nodes whose display name (or key) contains ``text``, ignoring case and accents.

        Exact matches rank first, then prefixes, then shorter names.
        """
        needle = fold(text)
        columns = ["key", "labels", "name", "rank"]
        wanted = self._whitelisted(labels) if labels else self.labels_in_store()
        if not needle or not wanted:
            return pd.DataFrame(columns=columns)
        query = (
            _union_over_labels(wanted, f"n.{SEARCH} CONTAINS $q")
            + f" WITH n, CASE WHEN n.{SEARCH} = $q THEN 0 WHEN n.{SEARCH} STARTS WITH $q THEN 1 ELSE 2 END AS rank"
            + f" RETURN n.{KEY} AS key, labels(n) AS labels, properties(n) AS props, rank"
            + f" ORDER BY rank, size(n.{SEARCH}), key LIMIT $limit"
        )
        rows = []
        for row in self._read(query, {"q": needle, "limit": int(limit)}):
            node_labels = sorted(row["labels"])
            props = self._visible_properties(node_labels, row["props"])
            name = self.model.display_name(node_labels, props, row["key"])
            rows.append({"key": row["key"], "labels": node_labels, "name": name, "rank": row["rank"]})
        return pd.DataFrame(rows, columns=columns)

    def neighbourhood(self, keys: Iterable[str], *, hops: int = 1, limit: int = 500) -> nx.MultiDiGraph:
        """The nodes within ``hops`` of the given keys, at most ``limit`` of them, and every
        relationship among them. ``graph.graph["truncated"]`` says whether the cap cut it.

        Neighbours are taken in key order, so the same store contents give the same view.
        """
        located = self.locate(keys)
        graph = nx.MultiDiGraph(truncated=False)
        self._add_nodes(graph, located)
        frontier = dict(located)
        for _ in range(max(0, int(hops))):
            if not frontier:
                break
            new: dict[str, list[str]] = {}
            edges, cut = self._edges_of(frontier, fetch=max(limit * 5, 1000))
            if cut:
                graph.graph["truncated"] = True
            for edge in edges:
                other = edge["other"]
                if other not in graph and other not in new:
                    if graph.number_of_nodes() >= limit:
                        graph.graph["truncated"] = True
                        continue
                    new[other] = sorted(edge["labels"])
                    graph.add_node(
                        other, labels=new[other], properties=self._visible_properties(new[other], edge["props"])
                    )
                self._add_edge(graph, edge)
            frontier = new
        kept = set(graph.nodes)
        for edge in self._edges_of(frontier, within=kept)[0]:
            self._add_edge(graph, edge)
        return graph

    def neighbours(
        self, key: str, *, types: Iterable[str] | None = None, fetch: int = 5000
    ) -> tuple[list[dict[str, Any]], int]:
        """The relationships of one node (of these types), at most ``fetch`` of them in
        neighbour-key order, and how many distinct neighbours it has in all."""
        located = self.locate([key])
        if str(key) not in located:
            raise NodeNotFound(key)
        return self.neighbours_of(located, types=types, fetch=fetch)[str(key)]

    def neighbours_of(
        self, located: Mapping[str, list[str]], *, types: Iterable[str] | None = None, fetch: int = 5000
    ) -> dict[str, tuple[list[dict[str, Any]], int]]:
        """:meth:`neighbours` for many located nodes (key -> labels) at once: the
        explorer walks a whole frontier in a few queries, while a hub's rows are read
        on their own, at most ``fetch``, and the rest only counted."""
        kinds = "|".join(quote(self.model.relationship(t).name) for t in sorted(set(types))) if types else ""
        rel = f"[r{':' + kinds if kinds else ''}]"
        by_label: dict[str, list[str]] = defaultdict(list)
        for key, labels in located.items():
            by_label[labels[0]].append(key)
        sizes: dict[str, tuple[int, int]] = {}
        for label, keys in sorted(by_label.items()):
            for row in self._read(
                f"MATCH (a:{quote(label)})-{rel}-(b) WHERE a.{KEY} IN $keys "
                f"RETURN a.{KEY} AS node, count(r) AS rels, count(DISTINCT b) AS others",
                {"keys": sorted(keys)},
            ):
                sizes[row["node"]] = (row["rels"], row["others"])
        found: dict[str, tuple[list[dict[str, Any]], int]] = {key: ([], 0) for key in located}
        for label, keys in sorted(by_label.items()):
            light = sorted(k for k in keys if 0 < sizes.get(k, (0, 0))[0] <= _LIGHT)
            heavy = sorted(k for k in keys if sizes.get(k, (0, 0))[0] > _LIGHT)
            rows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
            if light:
                query = f"MATCH (a:{quote(label)})-{rel}-(b) WHERE a.{KEY} IN $keys {_EDGE_ROWS}"
                for row in self._read(query + "ORDER BY node, other, type, rkey", {"keys": light}):
                    rows_of[row["node"]].append(row)
            for key in heavy:
                query = f"MATCH (a:{quote(label)} {{{KEY}: $key}})-{rel}-(b) {_EDGE_ROWS}"
                rows_of[key] = self._read(
                    query + "ORDER BY other, type, rkey LIMIT $fetch", {"key": key, "fetch": fetch}
                )
            for key in keys:
                found[key] = (rows_of.get(key, [])[:fetch], sizes.get(key, (0, 0))[1])
        return found

    def subgraph(self, keys: Iterable[str]) -> nx.MultiDiGraph:
        """The nodes with these keys and every relationship among them."""
        located = self.locate(keys)
        graph = nx.MultiDiGraph(truncated=False)
        self._add_nodes(graph, located)
        for edge in self._edges_of(located, within=set(located))[0]:
            self._add_edge(graph, edge)
        return graph

    def _add_nodes(self, graph: nx.MultiDiGraph, located: Mapping[str, list[str]]) -> None:
        for row in self._node_rows(located):
            graph.add_node(
                row["key"], labels=row["labels"], properties=self._visible_properties(row["labels"], row["props"])
            )

    def _node_rows(self, located: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        """Key, sorted labels and raw properties of located nodes, in key order."""
        if not located:
            return []
        labels = {label for node_labels in located.values() for label in node_labels}
        query = _union_over_labels(labels, f"n.{KEY} IN $keys") + (
            f" RETURN n.{KEY} AS key, labels(n) AS labels, properties(n) AS props ORDER BY key"
        )
        rows = self._read(query, {"keys": sorted(located)})
        return [dict(row, labels=sorted(row["labels"])) for row in rows]

    def _edges_of(
        self, nodes: Mapping[str, list[str]], *, within: set[str] | None = None, fetch: int | None = None
    ) -> tuple[list[dict[str, Any]], bool]:
        """Relationships touching ``nodes`` (optionally only to nodes ``within``), in key
        order, and whether ``fetch`` cut any label's share of them."""
        by_label: dict[str, list[str]] = defaultdict(list)
        for key, labels in nodes.items():
            by_label[labels[0]].append(key)
        edges: list[dict[str, Any]] = []
        cut = False
        for label, keys in sorted(by_label.items()):
            condition = f"a.{KEY} IN $keys" + (f" AND b.{KEY} IN $within" if within is not None else "")
            query = (
                f"MATCH (a:{quote(label)})-[r]-(b) WHERE {condition} {_EDGE_ROWS}"
                f"ORDER BY node, other, type, rkey" + (" LIMIT $fetch" if fetch else "")
            )
            params: dict[str, Any] = {"keys": sorted(keys)}
            if within is not None:
                params["within"] = sorted(within)
            if fetch:
                params["fetch"] = int(fetch)
            found = self._read(query, params)
            cut = cut or (fetch is not None and len(found) >= fetch)
            edges.extend(found)
        return edges, cut

    def _add_edge(self, graph: nx.MultiDiGraph, edge: Mapping[str, Any]) -> None:
        start = edge["start"]
        end = edge["other"] if start == edge["node"] else edge["node"]
        if start not in graph or end not in graph:
            return
        rkey = edge["rkey"] or ""
        graph.add_edge(
            start,
            end,
            key=f"{edge['type']}/{rkey}" if rkey else edge["type"],
            type=edge["type"],
            properties=self._visible_properties([edge["type"]], edge["rprops"]),
        )

    # -- exact copies, for reversible changes -------------------------------------------

    def snapshot(self, keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Everything about these nodes, exactly: labels, every property (the store's
        own included) and every relationship touching them, so :meth:`restore` can put
        them back after :meth:`delete_nodes`."""
        located = self.locate(keys)
        nodes = [
            {
                "key": row["key"],
                "labels": row["labels"],
                "properties": self._visible_properties(row["labels"], row["props"], keep_internal=True),
            }
            for row in self._node_rows(located)
        ]
        relationships = {}
        for edge in self._edges_of(located)[0]:
            start = edge["start"]
            end = edge["other"] if start == edge["node"] else edge["node"]
            ends = {edge["node"]: located[edge["node"]], edge["other"]: sorted(edge["labels"])}
            identity = (start, edge["type"], end, edge["rkey"] or "")
            relationships[identity] = {
                "type": edge["type"],
                "start": start,
                "end": end,
                "start_label": ends[start][0],
                "end_label": ends[end][0],
                "properties": self._visible_properties([edge["type"]], edge["rprops"], keep_internal=True),
            }
        return {"nodes": nodes, "relationships": [relationships[k] for k in sorted(relationships)]}

    def delete_nodes(self, keys: Iterable[str]) -> int:
        """Delete these nodes and their relationships; returns how many nodes went."""
        located = self.locate(keys)
        by_label: dict[str, list[str]] = defaultdict(list)
        for key, labels in located.items():
            by_label[labels[0]].append(key)
        with self.writing():
            for label, label_keys in by_label.items():
                self._write(f"MATCH (n:{quote(label)}) WHERE n.{KEY} IN $keys DETACH DELETE n", {"keys": label_keys})
        return len(located)

    def restore(self, snapshot: Mapping[str, list[dict[str, Any]]]) -> None:
        """Create the nodes and relationships of a :meth:`snapshot` exactly as they were
        (the nodes must not exist; relationships to other nodes need those nodes)."""
        with self.writing():
            for node in snapshot["nodes"]:
                labels = ":".join(quote(label) for label in node["labels"])
                row = {"id": None, **node["properties"]}  # KGLite: an absent id must be said
                self._write(f"CREATE (n:{labels}) SET n = $row", {"row": row})
            for rel in snapshot["relationships"]:
                self._write(
                    f"MATCH (a:{quote(rel['start_label'])} {{{KEY}: $start}}) "
                    f"MATCH (b:{quote(rel['end_label'])} {{{KEY}: $end}}) "
                    f"CREATE (a)-[r:{quote(rel['type'])}]->(b) SET r = $props",
                    {"start": rel["start"], "end": rel["end"], "props": rel["properties"]},
                )

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

    def shortest_paths(self, start: str, end: str, *, max_hops: int = 6, limit: int = 10) -> list[Path]:
        """All shortest paths (ignoring direction) between two keys, up to ``max_hops``,
        in a stable order; at most ``limit`` of them."""
        hops = int(max_hops)
        if not 1 <= hops <= MAX_PATH_HOPS:
            raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}, got {max_hops}")
        located = self.locate([start, end])
        for key in (start, end):
            if str(key) not in located:
                raise NodeNotFound(key)
        if str(start) == str(end):
            return [Path(nodes=(str(start),), types=(), forward=())]
        query = (
            f"MATCH (a:{quote(located[str(start)][0])} {{{KEY}: $start}}), "
            f"(b:{quote(located[str(end)][0])} {{{KEY}: $end}}) WITH a, b "
            f"MATCH p = allShortestPaths((a)-[*..{hops}]-(b)) "
            f"RETURN [n IN nodes(p) | n.{KEY}] AS nodes, [r IN relationships(p) | type(r)] AS types, "
            f"[r IN relationships(p) | startNode(r).{KEY}] AS starts, [r IN relationships(p) | r.{KEY}] AS rkeys "
            f"LIMIT 10000"
        )
        paths = {
            Path(
                nodes=tuple(row["nodes"]),
                types=tuple(row["types"]),
                forward=tuple(s == n for s, n in zip(row["starts"], row["nodes"], strict=False)),
                keys=tuple(k or "" for k in row["rkeys"]),
            )
            for row in self._read(query, {"start": str(start), "end": str(end)})
        }
        return sorted(paths, key=lambda p: (p.nodes, p.types, p.forward, p.keys))[: int(limit)]

    def to_networkx(
        self, *, labels: Iterable[str] | None = None, types: Iterable[str] | None = None
    ) -> nx.MultiDiGraph:
        """The graph (or the part with these labels and relationship types) as a
        ``MultiDiGraph``: node ids are keys, with ``labels`` and ``properties`` attributes;
        edges carry ``type`` and ``properties``."""
        graph = nx.MultiDiGraph(truncated=False)
        wanted = self.labels_in_store() if labels is None else self._whitelisted(labels)
        if wanted:
            query = (
                "MATCH (n) " if labels is None else _union_over_labels(wanted, "true")
            ) + f" RETURN n.{KEY} AS key, labels(n) AS labels, properties(n) AS props ORDER BY key"
            for row in self._read(query):
                node_labels = sorted(row["labels"])
                graph.add_node(
                    row["key"], labels=node_labels, properties=self._visible_properties(node_labels, row["props"])
                )
        if types is None:
            patterns = ["MATCH (a)-[r]->(b)"]
        else:
            patterns = [f"MATCH (a)-[r:{quote(self.model.relationship(t).name)}]->(b)" for t in sorted(set(types))]
        for pattern in patterns:
            query = (
                f"{pattern} RETURN a.{KEY} AS start, b.{KEY} AS other, a.{KEY} AS node, type(r) AS type, "
                f"r.{KEY} AS rkey, properties(r) AS rprops ORDER BY start, type, other, rkey"
            )
            for edge in self._read(query):
                self._add_edge(graph, edge)
        return graph


def _data_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Checked data properties; the store's own (key, search, provenance) are refused."""
    reserved = sorted(set(properties) & RESERVED)
    if reserved:
        raise ModelError(f"properties {reserved} are reserved for the store")
    return clean_properties(dict(properties))


def _merge_row(rows: dict[Any, dict[str, Any]], row: dict[str, Any], identity: Any = None) -> None:
    """Fold ``row`` into ``rows`` by identity (the node key by default): later
    properties win, sources add up, the sighting window widens."""
    identity = row["key"] if identity is None else identity
    known = rows.get(identity)
    if known is None:
        rows[identity] = row
        return
    known["props"].update(row["props"])
    known["sources"].extend(s for s in row["sources"] if s not in known["sources"])
    known["first"] = min(known["first"], row["first"])
    known["last"] = max(known["last"], row["last"])
