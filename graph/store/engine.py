"""The engine seam: the few primitives a store engine supplies, and nothing else.

Everything a store does is written once, above this seam, in portable Cypher
(:mod:`graph.store.statements`). An engine (:mod:`graph.store.neo4j_engine`,
:mod:`graph.store.embedded_engine`) says only how to run a trusted read, a write and an
analyst's read-only query, how to make a label's key unique, and how to clear itself.

:meth:`Engine.read` is the one public door for the tool's own, trusted statements
(projections, shell indicators, summaries, entity resolution, the app's pages): no
guard, because no user text reaches it; labels and types in it come from the model's
whitelist. Analysts' text goes through :meth:`graph.store.GraphStore.query` instead,
behind the read-only guard.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.model import KEY, SEARCH, Model, load_model

__all__ = ["Engine", "QueryError", "NodeNotFound", "INTERNAL_PROPERTIES", "UserQuery", "Answer", "RelationshipEnds"]

#: Properties the store keeps for itself and leaves out of what it hands back.
INTERNAL_PROPERTIES = frozenset({KEY, SEARCH})


class QueryError(RuntimeError):
    """A query the store could not run, explained without credentials or tracebacks."""


class NodeNotFound(KeyError):
    """No node has the given key."""

    def __str__(self) -> str:
        return f"no node with key {self.args[0]!r}"


@dataclass(frozen=True)
class UserQuery:
    """An analyst's query as the guard passed it, with its bounds. ``metadata`` (who
    runs which saved query) goes where the engine records queries."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    row_limit: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    """What an analyst's query gave: its columns and rows, whether ``row_limit`` cut
    rows, and notes the analyst must read (the engine's warnings, or where this
    engine's answer may differ from Neo4j's)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RelationshipEnds:
    """Every relationship of the graph: its type (a position in ``types``) and its ends'
    :attr:`Engine.node_number`, one array entry per relationship."""

    types: list[str]
    type: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def to_bytes(self) -> tuple[list[str], bytes, bytes, bytes]:
        return self.types, self.type.astype(np.int32).tobytes(), self.start.tobytes(), self.end.tobytes()

    @classmethod
    def from_bytes(cls, packed: tuple[list[str], bytes, bytes, bytes]) -> RelationshipEnds:
        types, kind, start, end = packed
        return cls(types, np.frombuffer(kind, np.int32), np.frombuffer(start, np.int64), np.frombuffer(end, np.int64))


class Engine(ABC):
    """The primitives; see the module docstring for which door serves whom."""

    #: Rows per write statement: big enough to amortise a round trip, small enough to
    #: keep a transaction's memory bounded.
    batch_size = 5000
    #: Whether :meth:`~graph.store.writes.Writes.prepare_relationships` may run in
    #: another thread while a writing session writes (its reads need no write lease).
    prepares_beside_writes = False
    #: Cypher of a node ``{node}`` as an integer that names it within one save of the graph
    #: (see :meth:`saved_as`): cheaper to read and match than its key; None where the engine
    #: has none that holds between reads.
    node_number: str | None = None

    def __init__(self, model: Model | None = None):
        self.model = model or load_model()

    @abstractmethod
    def read(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a trusted read of the tool's own, in read mode, and return its rows as
        plain Python values."""

    def read_columns(self, statement: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        """A trusted read returned column by column: the cheap shape for a million rows
        of a few scalars (projections); engines override it to skip per-row dicts."""
        columns: dict[str, list[Any]] = defaultdict(list)
        for row in self.read(statement, params):
            for name, value in row.items():
                columns[name].append(value)
        return dict(columns)

    @abstractmethod
    def _write(
        self, statement: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """Run a write statement; return its rows and counters (``nodes_created``...)."""

    @abstractmethod
    def _ensure_key_constraint(self, label: str) -> None:
        """Make the key of ``label`` unique (and indexed) before the first write to it."""

    @abstractmethod
    def _run_user_query(self, request: UserQuery) -> Answer:
        """Run an analyst's query read-only, once the engine's own plan of it passes
        :func:`graph.store.guard.check_plan`."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship."""

    def close(self) -> None:
        """Release connections, locks and files."""

    def check(self) -> None:
        """Fail now, with a :class:`QueryError` naming the problem, when the store cannot
        be reached (a server's address or credentials); a file store always can."""

    def open_for_reads(self) -> None:
        """Begin opening the graph for the next reads without waiting for it (at the end
        of a load, at the app's start); a server is open already."""

    def writes_ahead(self) -> AbstractContextManager[None]:
        """Within the block, the graph opens for its writing session beside what the block
        does first (a command's analysis, whose results it then writes); a server is
        open already."""
        return nullcontext()

    def saved_as(self) -> Hashable | None:
        """What tells saves of the graph apart: two reads between which it stays the same
        read the same save, so :attr:`node_number` means the same node in both (None: no
        such promise)."""
        return None

    def relationship_ends(self) -> RelationshipEnds | None:
        """Every relationship at once, as node numbers, where the engine has a bulk path
        faster than Cypher (None: read them by type); from the save :meth:`saved_as` names."""
        return None

    def writing(self) -> AbstractContextManager[Any]:
        """Hold write access across several calls (the embedded store's file lease)."""
        return nullcontext()

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once everything written so far is durable, so a record of a
        write never runs ahead of it: at once here, where each write commits its own
        transaction; the embedded store waits for its writing session to save."""
        action()

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

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
