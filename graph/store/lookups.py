"""Finding nodes: what the store holds (labels, types, counts), where keys are, and
entity search by name."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from graph.model import KEY, SEARCH, ModelError, quote
from graph.progress import SILENT, Progress
from graph.records import Counts
from graph.store.engine import Engine
from graph.store.statements import union_over_labels
from graph.values import fold

__all__ = ["Lookups"]


class Lookups(Engine):
    """Reads by key, label and name."""

    def labels_in_store(self) -> list[str]:
        """Labels to search under. KGLite lists each node's first label only, Neo4j every
        label ever used; both cover every node, which is all the union queries need."""
        return sorted(row["label"] for row in self.read("CALL db.labels() YIELD label RETURN label"))

    def types_in_store(self) -> list[str]:
        """Relationship types the store knows (Neo4j: every type ever used)."""
        rows = self.read("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS t")
        return sorted(row["t"] for row in rows)

    def learn_vocabulary(self) -> None:
        """Teach the model the labels and types the store holds that it lacks (written
        by an earlier load's declarations, or by other tools), so every command
        afterwards knows them."""
        self.model.learn(self.labels_in_store(), self.types_in_store())

    def _whitelisted(self, labels: Iterable[str]) -> list[str]:
        """User-given labels, each known to the model or present in the store."""
        known = set(self.model.labels) | set(self.labels_in_store())
        wanted = sorted(set(labels))
        for label in wanted:
            if label not in known:
                raise ModelError(f"unknown label {label!r}")
        return wanted

    def counts(self) -> Counts:
        """Nodes per label and relationships per type, from the store's statistics: one
        count per label and per type (Neo4j's count store, KGLite's type index), never a
        pass over every node, so it answers at once at a million entities."""
        labels = set(self.labels_in_store()) | set(self.model.labels)
        types = set(self.types_in_store()) | set(self.model.relationships)
        by_type = self._counted("MATCH ()-[r:{name}]->() RETURN count(r) AS c", types)
        return Counts(
            labels=self._counted("MATCH (n:{name}) RETURN count(n) AS c", labels),
            types=by_type,
            nodes=self.read("MATCH (n) RETURN count(n) AS c")[0]["c"],
            relationships=sum(by_type.values()),
        )

    def _counted(self, branch: str, names: Iterable[str]) -> dict[str, int]:
        """One count per label or type (``branch`` with its quoted ``{name}``); names with
        no members are left out. A bare count each: KGLite answers it from its type index
        but scans for a ``UNION ALL`` of counts or a count beside another column."""
        counted = {}
        for name in sorted(names):
            count = self.read(branch.format(name=quote(name)))[0]["c"]
            if count:
                counted[name] = count
        return counted

    def locate(self, keys: Iterable[str], labels: Iterable[str] | None = None) -> dict[str, list[str]]:
        """The labels of the nodes with these keys (sorted); unknown keys are left out.
        Searched under ``labels`` when given, else under every label the store holds."""
        keys = sorted({str(key) for key in keys})
        labels = self.labels_in_store() if labels is None else sorted(labels)
        if not keys or not labels:
            return {}
        query = union_over_labels(labels, f"n.{KEY} IN $keys") + f" RETURN n.{KEY} AS key, labels(n) AS labels"
        return {row["key"]: sorted(row["labels"]) for row in self.read(query, {"keys": keys})}

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20) -> pd.DataFrame:
        """Nodes whose display name (or key) contains ``text``, ignoring case and accents.

        Exact matches rank first, then prefixes, then shorter names.
        """
        needle = fold(text)
        columns = ["key", "labels", "name", "rank"]
        wanted = self._whitelisted(labels) if labels else self.labels_in_store()
        if not needle or not wanted:
            return pd.DataFrame(columns=columns)
        hits = self._search_keys(needle, wanted, int(limit))
        found = {row["key"]: row for row in self._node_properties(hit for hit, _ in hits)}
        rows = []
        for key, rank in hits:
            node_labels = sorted(found[key]["labels"])
            props = self._visible_properties(node_labels, found[key]["props"])
            name = self.model.display_name(node_labels, props, key)
            rows.append({"key": key, "labels": node_labels, "name": name, "rank": rank})
        return pd.DataFrame(rows, columns=columns)

    def prepare_search(self, progress: Progress = SILENT) -> None:
        """Bring the search index up to date after a load; a server's own indexes need
        nothing from us."""

    def _search_keys(self, needle: str, labels: list[str], limit: int) -> list[tuple[str, int]]:
        """Keys of nodes under ``labels`` whose folded name contains ``needle``, with their
        rank (0 exact, 1 prefix, 2 substring), best first; engines with a search index
        of their own override it."""
        query = (
            union_over_labels(labels, f"n.{SEARCH} CONTAINS $q")
            + f" WITH n, CASE WHEN n.{SEARCH} = $q THEN 0 WHEN n.{SEARCH} STARTS WITH $q THEN 1 ELSE 2 END AS rank"
            + f" RETURN n.{KEY} AS key, rank ORDER BY rank, size(n.{SEARCH}), key LIMIT $limit"
        )
        return [(row["key"], row["rank"]) for row in self.read(query, {"q": needle, "limit": limit})]

    def _node_properties(self, keys: Iterable[str]) -> list[dict]:
        """Key, labels and stored properties of the nodes with these keys."""
        keys = sorted(set(keys))
        labels = self.labels_in_store()
        if not keys or not labels:
            return []
        query = union_over_labels(labels, f"n.{KEY} IN $keys") + (
            f" RETURN n.{KEY} AS key, labels(n) AS labels, properties(n) AS props"
        )
        return self.read(query, {"keys": keys})
