"""The graph layer of the IP-crime knowledge graph.

The flat core holds what everything shares: :mod:`~graph.model` (labels and types, read
from ``model.yaml``), :mod:`~graph.records` (what stores take and give),
:mod:`~graph.values` and :mod:`~graph.scalars` (property values and typed text),
:mod:`~graph.attribution` (who and when), :mod:`~graph.workspace` (the tool's own
records, apart from the graph), :mod:`~graph.library` and :mod:`~graph.runner` (saved
queries). Each family has a room: :mod:`graph.store`, :mod:`graph.analysis`,
:mod:`graph.views`, :mod:`graph.cli`. ``docs/architecture.md`` draws the path of data.
"""

from graph.model import Model, ModelError, load_model
from graph.records import Counts, GraphPath, NodeRecord, RelationshipRecord, WriteResult
from graph.store import GraphStore, NodeNotFound, QueryError, Settings, open_store, open_workspace
from graph.workspace import Workspace

__all__ = [
    "Counts",
    "GraphPath",
    "GraphStore",
    "Model",
    "ModelError",
    "NodeNotFound",
    "NodeRecord",
    "QueryError",
    "RelationshipRecord",
    "Settings",
    "Workspace",
    "WriteResult",
    "load_model",
    "open_store",
    "open_workspace",
]
