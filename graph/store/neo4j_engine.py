"""The store on a Neo4j server (Community, Docker ``neo4j:5``, Aura or a cluster)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import neo4j
from neo4j.exceptions import ClientError, ConfigurationError, CypherSyntaxError, Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Path, Relationship

from graph.model import KEY, SEARCH, Model, quote
from graph.store.engine import Answer, QueryError, UserQuery
from graph.store.factory import redact_uri
from graph.store.graph_store import GraphStore
from graph.store.guard import PlanStep, QueryRefused, check_plan
from graph.store.tables import TableWrites
from graph.store.writes import Created
from graph.values import to_python

__all__ = ["Neo4jStore"]

# The server's notifications reach the analyst as the answer's notes, not as log lines.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
# The driver's retry warnings go to the application's log handlers, if it has any, never
# straight to the terminal: a command answers with one line of its own.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
#: Seconds to connect and hand-shake: an unreachable or silent server is reported at
#: once, not after the driver's 30 s connect and 60 s acquisition defaults.
CONNECT_TIMEOUT = 5.0
#: The Bolt schemes (direct, routing, with TLS); the driver's HTTP API is a preview.
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class _Rows(list):  # type: ignore[type-arg]
    """A write's rows, shown by their count: the driver (6.4) formats every parameter
    for its debug log before it asks whether anything logs, which for a 5,000-row
    batch took the writing thread as long as packing it."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class Neo4jStore(GraphStore, TableWrites):
    """Writes in managed write transactions (retried on transient errors, hence the
    idempotent MERGEs; a retried CREATE batch is a whole new transaction, its first
    attempt rolled back), two at a time; reads in read access mode, so the server itself
    refuses writes. New nodes and relationships come from tables (Cypher over columns)."""

    prepares_beside_writes = True
    write_concurrency = 2

    def __init__(
        self,
        uri: str,
        username: str,
        password: str,
        database: str | None = None,
        *,
        model: Model | None = None,
    ):
        super().__init__(model)
        self.where = redact_uri(uri)
        if urlsplit(uri).scheme not in SCHEMES:
            raise ValueError(f"NEO4J_URI {self.where}: use one of {', '.join(f'{s}://' for s in SCHEMES)}")
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(username, password),
                notifications_min_severity="OFF",
                connection_timeout=CONNECT_TIMEOUT,
                connection_acquisition_timeout=CONNECT_TIMEOUT,
            )
        except (ConfigurationError, ValueError) as error:
            message = str(error).replace(uri, self.where)  # the driver quotes the URI, credentials and all
            raise ValueError(f"NEO4J_URI {self.where} cannot be used: {message}") from None
        self.database = database or None
        self._constrained: set[str] = set()
        self._sessions = 0  # writing sessions open (nested or in threads)
        self._sessions_lock = threading.Lock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A writing session: what it creates is remembered while it lasts (the outermost
        one), so relationships between nodes it created are CREATEd, not MERGEd."""
        with self._sessions_lock:
            if not self._sessions:
                self._created = Created()
            self._sessions += 1
        try:
            yield
        finally:
            with self._sessions_lock:
                self._sessions -= 1
                if not self._sessions:
                    self._created = None

    def close(self) -> None:
        self._driver.close()

    def check(self) -> None:
        try:
            with _translated_errors():
                self._driver.verify_connectivity()
        except QueryError as error:
            raise QueryError(f"{self.where}: {error}") from None

    def _session(self, mode: str, **config: Any) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=mode, **config)

    def read(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [to_python(record.data()) for record in tx.run(statement, dict(params or {}))]

        with _translated_errors(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def read_columns(self, statement: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        def work(tx: neo4j.ManagedTransaction) -> dict[str, list[Any]]:
            result = tx.run(statement, dict(params or {}))
            names = result.keys()
            columns: list[list[Any]] = [[] for _ in names]
            for record in result:  # streamed in fetch-size pages, never all records at once
                for column, value in zip(columns, record.values(), strict=True):
                    column.append(to_python(value))
            return dict(zip(names, columns, strict=True))

        with _translated_errors(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def _write(
        self, query: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        sent = {name: _Rows(value) if isinstance(value, list) else value for name, value in (params or {}).items()}

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[dict[str, Any]], dict[str, int]]:
            result = tx.run(query, sent)
            rows = [to_python(record.data()) for record in result]
            counters = result.consume().counters
            return rows, {
                "nodes_created": counters.nodes_created,
                "relationships_created": counters.relationships_created,
            }

        with _translated_errors(), self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(work)

    def _ensure_key_constraint(self, label: str) -> None:
        if label in self._constrained:
            return
        statements = (
            f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{quote(label)}) REQUIRE n.{KEY} IS UNIQUE",
            f"CREATE TEXT INDEX IF NOT EXISTS FOR (n:{quote(label)}) ON (n.{SEARCH})",
        )
        with _translated_errors(), self._session(neo4j.WRITE_ACCESS) as session:
            for statement in statements:
                try:
                    session.run(statement).consume()
                except ClientError as error:
                    # Another writer created the same rule between our check and ours.
                    if "AlreadyExists" not in (error.code or ""):
                        raise
        self._constrained.add(label)

    def _run_user_query(self, request: UserQuery) -> Answer:
        @neo4j.unit_of_work(timeout=request.timeout, metadata=dict(request.metadata))
        def work(tx: neo4j.ManagedTransaction) -> Answer:
            _check_explained(tx.run(f"EXPLAIN {request.text}", dict(request.params)).consume())
            result = tx.run(request.text, dict(request.params))
            answer = Answer(list(result.keys()), [])
            for record in result:
                if request.row_limit is not None and len(answer.rows) >= request.row_limit:
                    answer.truncated = True
                    break
                answer.rows.append({column: self._plain(record[column]) for column in answer.columns})
            answer.notes = _notes(result.consume())
            return answer

        # The server's warnings about an analyst's query (an unknown label, a cartesian
        # product) are the answer's notes; the tool's own statements keep them off.
        analyst = self._session(neo4j.READ_ACCESS, notifications_min_severity="WARNING")
        with _translated_errors(request.timeout), analyst as session:
            return session.execute_read(work)

    def _plain(self, value: Any) -> Any:
        """Nodes, relationships and paths as the dicts both stores hand back."""
        if isinstance(value, Node):
            labels = sorted(value.labels)
            return {
                "key": value.get(KEY),
                "labels": labels,
                "properties": self._visible_properties(labels, to_python(dict(value))),
            }
        if isinstance(value, Relationship):
            return {
                "type": value.type,
                "start": value.start_node.get(KEY) if value.start_node is not None else None,
                "end": value.end_node.get(KEY) if value.end_node is not None else None,
                "key": value.get(KEY) or "",
                "properties": self._visible_properties([value.type], to_python(dict(value))),
            }
        if isinstance(value, Path):
            return {
                "nodes": [self._plain(node) for node in value.nodes],
                "relationships": [self._plain(rel) for rel in value.relationships],
            }
        if isinstance(value, list):
            return [self._plain(item) for item in value]
        if isinstance(value, dict):
            return {key: self._plain(item) for key, item in value.items()}
        return to_python(value)

    def clear(self) -> None:
        if self._created is not None:  # a session's nodes may come back, with other relationships
            self._created = Created()
        with _translated_errors(), self._session(neo4j.WRITE_ACCESS) as session:
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _check_explained(summary: neo4j.ResultSummary) -> None:
    """Refuse what the server's own plan shows is more than a read of this graph."""
    if summary.query_type != "r":
        kind = {"rw": "reads and writes", "w": "writes", "s": "changes the schema or the server"}
        raise QueryRefused(
            f"the query {kind.get(summary.query_type or '', 'is not a plain read')}, and queries here are read-only"
        )
    check_plan(_plan_steps(summary.plan or {}), database=summary.database or "")


def _plan_steps(plan: Mapping[str, Any]) -> Iterator[PlanStep]:
    """Every operator of an ``EXPLAIN`` plan (``Operator@database``), depth first."""
    operator, _, database = str(plan.get("operatorType", "")).partition("@")
    yield PlanStep(operator, str(plan.get("args", {}).get("Details", "")), database)
    for child in plan.get("children", []):
        yield from _plan_steps(child)


def _notes(summary: neo4j.ResultSummary) -> list[str]:
    """The server's warnings and hints about the query, once each."""
    notes = []
    for status in summary.gql_status_objects:
        note = status.status_description.strip() if status.is_notification else ""
        if note and note not in notes:
            notes.append(note)
    return notes


@contextmanager
def _translated_errors(timeout: float | None = None) -> Iterator[None]:
    """Driver exceptions as :class:`QueryError` / :class:`QueryRefused` messages that
    name the problem and never the connection's credentials."""
    try:
        yield
    except ServiceUnavailable:
        raise QueryError("cannot reach the Neo4j server: is it running and is NEO4J_URI right?") from None
    except Neo4jError as error:
        code = error.code or ""
        message = error.message or str(error)
        if isinstance(error, CypherSyntaxError):
            raise QueryError(f"Cypher syntax error: {message}") from None
        if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
            raise QueryRefused(f"the query tries to write, and queries here are read-only ({message})") from None
        if "TransactionTimedOut" in code or "Terminated" in code:
            raise QueryError(f"the query ran longer than {timeout} s and was stopped") from None
        if "Security" in code:
            raise QueryError("Neo4j refused the credentials: check NEO4J_USERNAME and NEO4J_PASSWORD") from None
        raise QueryError(f"Neo4j error {code}: {message}") from None
