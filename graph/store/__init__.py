"""The store: where the graph lives, behind one class whatever the engine.

- :mod:`~graph.store.engine`: the seam, the few primitives an engine supplies, and
  :meth:`~graph.store.engine.Engine.read`, the door for the tool's own trusted reads;
- :mod:`~graph.store.statements`: the portable Cypher both engines run alike;
- :mod:`~graph.store.graph_store`: :class:`GraphStore`, one public class whose jobs sit in
  :mod:`~graph.store.lookups`, :mod:`~graph.store.traversal` (into NetworkX),
  :mod:`~graph.store.copies` (exact copies for reversible merges),
  :mod:`~graph.store.writes` and :mod:`~graph.store.analyst` (analysts' Cypher);
- :mod:`~graph.store.guard`: the read-only check on analysts' text;
- :mod:`~graph.store.neo4j_engine` and :mod:`~graph.store.embedded_engine`: the engines; the
  embedded one keeps a large file open in :mod:`~graph.store.reader` (a process of its own)
  and its counts in :mod:`~graph.store.kept_counts`;
- :mod:`~graph.store.factory`: which store and workspace the environment names.
"""

from graph.store.engine import NodeNotFound, QueryError
from graph.store.factory import Settings, open_store, open_workspace
from graph.store.graph_store import GraphStore
from graph.store.guard import QueryRefused

__all__ = ["GraphStore", "NodeNotFound", "QueryError", "QueryRefused", "Settings", "open_store", "open_workspace"]
