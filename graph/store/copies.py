"""Exact copies of nodes and their relationships, for changes that must be undone
exactly (a merge of duplicates, undone by ``unmerge``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from graph.model import KEY, quote
from graph.store.traversal import Traversal

__all__ = ["ExactCopies"]


class ExactCopies(Traversal):
    """:meth:`snapshot`, :meth:`delete_nodes` and :meth:`restore`."""

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
            self._created = None  # the session's record of what it created no longer holds
            for label, label_keys in by_label.items():
                self._write(f"MATCH (n:{quote(label)}) WHERE n.{KEY} IN $keys DETACH DELETE n", {"keys": label_keys})
        return len(located)

    def restore(self, snapshot: Mapping[str, list[dict[str, Any]]]) -> None:
        """Create the nodes and relationships of a :meth:`snapshot` exactly as they were
        (the nodes must not exist; relationships to other nodes need those nodes)."""
        with self.writing():
            self._created = None  # nodes and relationships appear that the session's record lacks
            for node in snapshot["nodes"]:
                labels = ":".join(quote(label) for label in node["labels"])
                # KGLite: the id must be said in the CREATE, null when absent (else it reads a
                # number; a SET refuses to change it), and an absent name said as null (else it
                # reads 'Label_n'); both are no-ops on Neo4j.
                self._write(
                    f"CREATE (n:{labels} {{id: $id, name: null}}) SET n = $row",
                    {"id": node["properties"].get("id"), "row": node["properties"]},
                )
            for rel in snapshot["relationships"]:
                self._write(
                    f"MATCH (a:{quote(rel['start_label'])} {{{KEY}: $start}}) "
                    f"MATCH (b:{quote(rel['end_label'])} {{{KEY}: $end}}) "
                    f"CREATE (a)-[r:{quote(rel['type'])}]->(b) SET r = $props",
                    {"start": rel["start"], "end": rel["end"], "props": rel["properties"]},
                )
