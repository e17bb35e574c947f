"""Walking the graph into NetworkX: neighbourhoods, a frontier's neighbours, subgraphs,
shortest paths and whole-graph exports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import compress
from typing import TYPE_CHECKING, Any

from graph.model import KEY, quote
from graph.progress import SILENT, Progress
from graph.records import GraphPath
from graph.store.engine import NodeNotFound
from graph.store.lookups import Lookups
from graph.store.path_search import MAX_PATH_HOPS, PathRequest, PathsFound, search_paths
from graph.store.statements import EDGE_ROWS, union_over_labels

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Traversal", "MAX_PATH_HOPS"]

_LIGHT = 200  # nodes with at most this many relationships are read together, not one by one
_CHUNK = 10_000  # keys per query when a path search reads a wide frontier
_FILTERED = 100  # keys from which a path search's last step filters their links in the query


class Traversal(Lookups):
    """Reads that return graphs (``networkx.MultiDiGraph``) or paths."""

    def neighbourhood(self, keys: Iterable[str], *, hops: int = 1, limit: int = 500) -> nx.MultiDiGraph:
        """The nodes within ``hops`` of the given keys, at most ``limit`` of them, and every
        relationship among them. ``graph.graph["truncated"]`` says whether the cap cut it.

        Neighbours are taken in key order, so the same store contents give the same view.
        """
        located = self.locate(keys)
        graph = _new_graph()
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
        rel = self._relationship_pattern(types)
        by_label = _by_label(located)
        sizes = self._sizes(by_label, rel)
        found: dict[str, tuple[list[dict[str, Any]], int]] = {key: ([], 0) for key in located}
        for label, keys in sorted(by_label.items()):
            light = sorted(k for k in keys if 0 < sizes.get(k, (0, 0))[0] <= _LIGHT)
            heavy = sorted(k for k in keys if sizes.get(k, (0, 0))[0] > _LIGHT)
            rows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
            if light:
                query = f"MATCH (a:{quote(label)})-{rel}-(b) WHERE a.{KEY} IN $keys {EDGE_ROWS}"
                for row in self.read(query + "ORDER BY node, other, type, rkey", {"keys": light}):
                    rows_of[row["node"]].append(row)
            for key in heavy:
                query = f"MATCH (a:{quote(label)} {{{KEY}: $key}})-{rel}-(b) {EDGE_ROWS}"
                rows_of[key] = self.read(
                    query + "ORDER BY other, type, rkey LIMIT $fetch", {"key": key, "fetch": fetch}
                )
            for key in keys:
                found[key] = (rows_of.get(key, [])[:fetch], sizes.get(key, (0, 0))[1])
        return found

    def _relationship_pattern(self, types: Iterable[str] | None) -> str:
        """``[r]``, or ``[r:A|B]`` for these types (whitelisted by the model)."""
        kinds = "|".join(quote(self.model.relationship(t).name) for t in sorted(set(types))) if types else ""
        return f"[r{':' + kinds if kinds else ''}]"

    def _sizes(self, by_label: Mapping[str, list[str]], rel: str) -> dict[str, tuple[int, int]]:
        """Relationships and distinct neighbours of each node (label -> keys)."""
        sizes: dict[str, tuple[int, int]] = {}
        for label, keys in sorted(by_label.items()):
            for chunk in _chunks(sorted(keys)):
                for row in self.read(
                    f"MATCH (a:{quote(label)})-{rel}-(b) WHERE a.{KEY} IN $keys "
                    f"RETURN a.{KEY} AS node, count(r) AS rels, count(DISTINCT b) AS others",
                    {"keys": chunk},
                ):
                    sizes[row["node"]] = (row["rels"], row["others"])
        return sizes

    def path_sizes(
        self, located: Mapping[str, list[str]], types: Iterable[str] | None = None
    ) -> dict[str, tuple[int, int]]:
        """For a path search: relationships and distinct neighbours of located nodes
        (key -> labels) over these types, the nodes without any left out."""
        return self._sizes(_by_label(located), self._relationship_pattern(types))

    def path_links(
        self,
        located: Mapping[str, list[str]],
        types: Iterable[str] | None = None,
        *,
        within: Collection[str] | None = None,
        limit: int | None = None,
    ) -> tuple[dict[str, list[Any]], bool]:
        """For a path search: the relationships of located nodes over these types (to
        nodes ``within`` only, when given), as columns ``node``, ``start`` (its start
        node), ``type``, ``rkey``, ``other`` and the other end's ``labels``; a few
        queries per label, no properties. Reads at most ``limit`` rows, and says
        whether it stopped there."""
        rel = self._relationship_pattern(types)
        toward = sorted(within) if within is not None else None
        wanted = set(toward or ())
        columns: dict[str, list[Any]] = defaultdict(list)
        read = 0
        for label, keys in sorted(_by_label(located).items()):
            for chunk in _chunks(sorted(keys)):
                if limit is not None and read >= limit:
                    return columns, True
                # a few keys' links are read whole and filtered here: sending a long list costs more
                filtered = toward is not None and len(chunk) >= _FILTERED
                params: dict[str, Any] = {"keys": chunk}
                if filtered:
                    params["within"] = toward
                if limit is not None:
                    params["limit"] = limit - read
                found = self.read_columns(
                    f"MATCH (a:{quote(label)})-{rel}-(b) WHERE a.{KEY} IN $keys"
                    + (f" AND b.{KEY} IN $within" if filtered else "")
                    + f" RETURN a.{KEY} AS node, startNode(r).{KEY} AS start, type(r) AS type, r.{KEY} AS rkey, "
                    f"b.{KEY} AS other, labels(b) AS labels" + (" LIMIT $limit" if limit is not None else ""),
                    params,
                )
                read += len(found.get("node", []))
                keep = None if filtered or toward is None else [other in wanted for other in found.get("other", [])]
                for name, values in found.items():
                    columns[name].extend(values if keep is None else compress(values, keep))
        return columns, limit is not None and read >= limit

    def subgraph(self, keys: Iterable[str]) -> nx.MultiDiGraph:
        """The nodes with these keys and every relationship among them."""
        located = self.locate(keys)
        graph = _new_graph()
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
        query = union_over_labels(labels, f"n.{KEY} IN $keys") + (
            f" RETURN n.{KEY} AS key, labels(n) AS labels, properties(n) AS props ORDER BY key"
        )
        rows = self.read(query, {"keys": sorted(located)})
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
                f"MATCH (a:{quote(label)})-[r]-(b) WHERE {condition} {EDGE_ROWS}"
                f"ORDER BY node, other, type, rkey" + (" LIMIT $fetch" if fetch else "")
            )
            params: dict[str, Any] = {"keys": sorted(keys)}
            if within is not None:
                params["within"] = sorted(within)
            if fetch:
                params["fetch"] = int(fetch)
            found = self.read(query, params)
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

    def search_paths(self, request: PathRequest, progress: Progress = SILENT) -> PathsFound:
        """The shortest paths of ``request``, searched in the store from both ends
        (:mod:`graph.store.path_search`): the one way the tool finds paths."""
        return search_paths(self, request, progress)

    def shortest_paths(self, start: str, end: str, *, max_hops: int = 6, limit: int = 10) -> list[GraphPath]:
        """All shortest paths (ignoring direction) between two keys, up to ``max_hops``,
        in a stable order; at most ``limit`` of them."""
        request = PathRequest(str(start), str(end), max_hops=int(max_hops), limit=int(limit))
        return list(self.search_paths(request).paths)

    def to_networkx(
        self, *, labels: Iterable[str] | None = None, types: Iterable[str] | None = None
    ) -> nx.MultiDiGraph:
        """The graph (or the part with these labels and relationship types) as a
        ``MultiDiGraph``: node ids are keys, with ``labels`` and ``properties`` attributes;
        edges carry ``type`` and ``properties``."""
        graph = _new_graph()
        wanted = self.labels_in_store() if labels is None else self._whitelisted(labels)
        if wanted:
            query = (
                "MATCH (n) " if labels is None else union_over_labels(wanted, "true")
            ) + f" RETURN n.{KEY} AS key, labels(n) AS labels, properties(n) AS props ORDER BY key"
            for row in self.read(query):
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
            for edge in self.read(query):
                self._add_edge(graph, edge)
        return graph


def _by_label(located: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Keys grouped by their first (sorted) label: each group is one indexed query."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, labels in located.items():
        by_label[labels[0]].append(key)
    return by_label


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for at in range(0, len(keys), _CHUNK):
        yield keys[at : at + _CHUNK]


def _new_graph() -> nx.MultiDiGraph:
    """An empty view. NetworkX is imported here, not with the module: a command that
    never draws a view starts a quarter of a second sooner."""
    import networkx

    return networkx.MultiDiGraph(truncated=False)
