"""The store: one public class, its jobs in files of their own.

:class:`GraphStore` is what every caller holds (``from graph import open_store``). Its
methods are written once in portable Cypher above the engine seam
(:mod:`graph.store.engine`) and grouped by job: :mod:`~graph.store.lookups` (keys,
labels, counts, search), :mod:`~graph.store.traversal` (neighbourhoods, paths, NetworkX),
:mod:`~graph.store.copies` (exact copies for reversible merges),
:mod:`~graph.store.writes` (upserts) and :mod:`~graph.store.analyst` (analysts' read-only
Cypher). An engine subclass adds only the primitives.

Nodes are identified by their *key as loaded*, kept in the reserved property
:data:`graph.model.KEY`; keys are unique per label and, by convention, across the graph.
"""

from __future__ import annotations

from graph.store.analyst import AnalystQueries
from graph.store.copies import ExactCopies
from graph.store.writes import Writes

__all__ = ["GraphStore"]


class GraphStore(Writes, ExactCopies, AnalystQueries):
    """A property graph with upserts, read-only Cypher and the investigator's reads.

    Engines: :class:`graph.store.neo4j_engine.Neo4jStore` and
    :class:`graph.store.embedded_engine.EmbeddedStore`; get one with
    :func:`graph.store.open_store`.
    """
