"""New nodes and relationships as whole columns, for an engine that can create them so.

Row by row, a load spends most of its time in Python building records (~95 µs a row at
the million-node demo). An engine with a bulk loader (KGLite's ``add_nodes`` /
``add_relationships``) implements :class:`TableWrites`; a loader hands it the rows it has
checked a column at a time, the engine creates those it can create as the row path would
(new keys, plain values) and says which; the caller upserts the others as records.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

__all__ = ["NodeTable", "RelationshipTable", "TableResult", "TableWrites"]


@dataclass(frozen=True)
class NodeTable:
    """New nodes of one label set: ``keys`` and ``sources`` one per row, ``properties``
    a column per property (``None`` / ``NA`` where a row has none), each of one kind
    (``string``, ``int``, ``float``, ``boolean``, ``date``: the types of
    :mod:`graph.scalars`)."""

    labels: tuple[str, ...]
    keys: np.ndarray
    sources: np.ndarray
    properties: dict[str, tuple[str, object]]
    seen: dt.datetime | None = None

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class RelationshipTable:
    """New relationships of one type between nodes of two labels, with no parallel key;
    columns as in :class:`NodeTable`."""

    type: str
    start_label: str
    end_label: str
    starts: np.ndarray
    ends: np.ndarray
    sources: np.ndarray
    properties: dict[str, tuple[str, object]]
    seen: dt.datetime | None = None

    def __len__(self) -> int:
        return len(self.starts)


@dataclass
class TableResult:
    """Which rows of a table the engine wrote (``taken``), and how many it created and
    updated among them."""

    taken: np.ndarray
    created: int = 0
    updated: int = 0


class TableWrites(ABC):
    """An engine that creates new nodes and relationships from tables, with the content
    its upserts would give them."""

    #: Whether the engine takes node tables only from files whose ``id:ID`` column (no ID
    #: space) is the key and that have a ``name`` column (KGLite's bulk loader).
    node_tables_need_id_and_name = False

    @abstractmethod
    def create_node_table(self, table: NodeTable) -> TableResult:
        """Create the rows whose key no node holds; the others are the caller's to upsert."""

    @abstractmethod
    def create_relationship_table(self, table: RelationshipTable) -> TableResult:
        """Create the rows between nodes this writing session created; the others are
        the caller's to upsert."""
