"""What the stores take in and hand back: node and relationship records, write results,
paths and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["NodeRecord", "RelationshipRecord", "WriteResult", "GraphPath", "Counts"]


@dataclass(frozen=True)
class NodeRecord:
    """One node to upsert. ``labels[0]`` is the primary label it is merged on."""

    labels: tuple[str, ...]
    key: str
    properties: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # "file.csv:12", "case:C-1"...
    seen: datetime | None = None  # when the fact was observed; the load time by default


@dataclass(frozen=True)
class RelationshipRecord:
    """One relationship to upsert between two node keys.

    ``key`` tells apart parallel relationships of one type between the same nodes;
    endpoint labels may be left out, the store then looks them up.
    """

    type: str
    start: str
    end: str
    properties: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    start_label: str | None = None
    end_label: str | None = None
    source: str | None = None
    seen: datetime | None = None


@dataclass
class WriteResult:
    """What an upsert did. ``rejected`` pairs each refused record with its reason."""

    created: int = 0
    updated: int = 0
    rejected: list[tuple[Any, str]] = field(default_factory=list)

    def add(self, other: WriteResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.rejected.extend(other.rejected)


@dataclass(frozen=True)
class GraphPath:
    """A path between two nodes: node keys in order and the relationships between them.

    ``forward[i]`` says whether relationship ``i`` points from ``nodes[i]`` to
    ``nodes[i + 1]``.
    """

    nodes: tuple[str, ...]
    types: tuple[str, ...]
    forward: tuple[bool, ...]
    keys: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.types)


@dataclass(frozen=True)
class Counts:
    """Nodes per label and relationships per type, with the store's own totals
    (labels overlap on multi-label nodes, so their sum is not the node count)."""

    labels: dict[str, int]
    types: dict[str, int]
    nodes: int
    relationships: int
