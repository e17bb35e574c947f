"""Where the graph and the workspace live, from the environment or a git-ignored
``.env`` file.

``NEO4J_URI`` set and non-empty: a Neo4j server (``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
optional ``NEO4J_DATABASE``). Otherwise the embedded file at ``GRAPH_DB``
(default ``data/graph.kgl``). ``KG_WORKSPACE``: the tool's own records
(:mod:`graph.workspace`), beside the graph file by default. Variables already in the
environment win over ``.env``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from dotenv import dotenv_values

from graph.model import Model
from graph.store.graph_store import GraphStore
from graph.workspace import Workspace, workspace_path

__all__ = ["Settings", "open_store", "open_workspace", "redact_uri"]

DEFAULT_GRAPH_DB = "data/graph.kgl"
#: The workspace of a Neo4j graph, unless ``KG_WORKSPACE`` says otherwise.
DEFAULT_SERVER_WORKSPACE = "data/workspace.sqlite"
#: What stands for a password wherever a message would have shown it.
MASK = "***"


def redact_uri(uri: str) -> str:
    """``uri`` without its ``user:password@`` part, safe to show anywhere."""
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


@dataclass(frozen=True)
class Settings:
    """The connection settings; the password never appears in ``repr`` or messages."""

    neo4j_uri: str = ""
    neo4j_username: str = "neo4j"
    neo4j_password: str = field(default="", repr=False)
    neo4j_database: str = ""
    graph_db: Path = Path(DEFAULT_GRAPH_DB)
    workspace: str = ""  # KG_WORKSPACE; empty: the default beside the graph

    def __post_init__(self) -> None:
        """Credentials written inside ``NEO4J_URI`` (``neo4j://user:password@host``) are
        used as the username and password and taken out of the URI: the driver refuses
        them there, and its messages would print them."""
        parts = urlsplit(self.neo4j_uri)
        if "@" not in parts.netloc:
            return
        if parts.username:
            object.__setattr__(self, "neo4j_username", unquote(parts.username))
        if parts.password:
            object.__setattr__(self, "neo4j_password", unquote(parts.password))
        object.__setattr__(self, "neo4j_uri", redact_uri(self.neo4j_uri))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | Path = ".env") -> Settings:
        values: dict[str, str] = {}
        if Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        return cls(
            neo4j_uri=values.get("NEO4J_URI", "").strip(),
            neo4j_username=values.get("NEO4J_USERNAME", "neo4j"),
            neo4j_password=values.get("NEO4J_PASSWORD", ""),
            neo4j_database=values.get("NEO4J_DATABASE", ""),
            graph_db=Path(values.get("GRAPH_DB") or DEFAULT_GRAPH_DB),
            workspace=values.get("KG_WORKSPACE", "").strip(),
        )

    @property
    def uses_neo4j(self) -> bool:
        return bool(self.neo4j_uri)

    @property
    def workspace_path(self) -> Path:
        """The workspace file: ``KG_WORKSPACE``, else beside the embedded graph file."""
        if self.workspace:
            return workspace_path(self.workspace)
        if self.uses_neo4j:
            return Path(DEFAULT_SERVER_WORKSPACE)
        return self.graph_db.with_name(self.graph_db.stem + ".workspace.sqlite")

    def describe(self) -> str:
        """Where the graph is, safe to print (no credentials, even inside the URI)."""
        if not self.uses_neo4j:
            return f"embedded graph {self.graph_db}"
        database = f" database {self.neo4j_database}" if self.neo4j_database else ""
        return f"Neo4j {self.neo4j_uri}{database}"

    def mask(self, text: str) -> str:
        """``text`` with the password, if it is in there as typed or as JSON escapes it,
        replaced by ``***``."""
        password = self.neo4j_password
        for form in (password, json.dumps(password, ensure_ascii=False)[1:-1]) if password else ():
            text = text.replace(form, MASK)
        return text


def open_workspace(settings: Settings | None = None) -> Workspace:
    """The configured workspace (see :mod:`graph.workspace`)."""
    return Workspace((settings or Settings.from_env()).workspace_path)


def open_store(settings: Settings | None = None, *, model: Model | None = None, reader: bool = False) -> GraphStore:
    """The configured store: Neo4j when ``NEO4J_URI`` is set, else the embedded file
    (read through a reader process that keeps it open between commands if ``reader``:
    :mod:`graph.store.reader`).

    It is checked (a server's address and credentials), and its model knows every
    label and type an earlier load declared (kept in the workspace, with their display
    property) or that the graph holds: any command can name them."""
    settings = settings or Settings.from_env()
    store = _engine(settings, model, reader)
    try:
        store.check()  # a server that cannot be reached fails here, at once, not after retries
        open_workspace(settings).teach(store.model)
        store.learn_vocabulary()
    except BaseException:
        store.close()
        raise
    return store


def _engine(settings: Settings, model: Model | None, reader: bool) -> GraphStore:
    if settings.uses_neo4j:
        from graph.store.neo4j_engine import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_username,
            settings.neo4j_password,
            settings.neo4j_database or None,
            model=model,
        )
    from graph.store.embedded_engine import EmbeddedStore

    return EmbeddedStore(settings.graph_db, model=model, reader=reader)
