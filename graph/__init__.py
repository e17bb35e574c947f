"""The graph layer: the data model, the two stores behind one interface, and the CLI."""

from graph.config import Settings, open_store
from graph.model import Model, ModelError, load_model
from graph.records import Counts, NodeRecord, Path, RelationshipRecord, WriteResult
from graph.store import GraphStore, NodeNotFound, QueryError

__all__ = [
    "Counts",
    "GraphStore",
    "Model",
    "ModelError",
    "NodeNotFound",
    "NodeRecord",
    "Path",
    "QueryError",
    "RelationshipRecord",
    "Settings",
    "WriteResult",
    "load_model",
    "open_store",
]
