"""The portable Cypher both engines run with the same meaning.

Written in the subset that Neo4j 5 and KGLite agree on
(``../shared/research/embedded-engines.md``): labelled, indexed anchors, explicit
``ORDER BY`` with full tie-breaks, no ``type``/``title`` properties of our own. Labels and
types reach these strings only through :func:`graph.model.quote` (the model's whitelist).
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import KEY, SEARCH, quote

__all__ = [
    "COLUMN_ENDS",
    "EDGE_ROWS",
    "ENDS_BY_ID",
    "ENDS_BY_KEY",
    "NEW_NODE_FROM_MAP",
    "NEW_NODE_SET",
    "NEW_NODES_FROM_COLUMNS",
    "NEW_RELATIONSHIP",
    "NEW_RELATIONSHIPS_FROM_COLUMNS",
    "NODE_SET",
    "RELATIONSHIP_COLUMNS",
    "RELATIONSHIP_SET",
    "ROW_ENDS",
    "union_over_labels",
]

#: The columns of a relationship read from node ``a`` over ``r`` to ``b``: the shape
#: :meth:`graph.store.traversal.Traversal._add_edge` takes.
EDGE_ROWS = (
    f"RETURN a.{KEY} AS node, startNode(r).{KEY} AS start, type(r) AS type, r.{KEY} AS rkey, "
    f"properties(r) AS rprops, b.{KEY} AS other, labels(b) AS labels, properties(b) AS props "
)

_PROVENANCE_SET = """
    {v}.first_seen = CASE WHEN {v}.first_seen IS NULL OR $first < {v}.first_seen
                          THEN $first ELSE {v}.first_seen END,
    {v}.last_seen = CASE WHEN {v}.last_seen IS NULL OR $last > {v}.last_seen
                         THEN $last ELSE {v}.last_seen END,
    {v}.sources = [s IN coalesce({v}.sources, []) WHERE s IN row.sources OR NONE(f IN row.files WHERE s STARTS WITH f)]
                  + [s IN row.sources WHERE NOT s IN coalesce({v}.sources, [])]"""
#: Upserted node ``n`` from ``row``: properties merged, search name kept, provenance widened.
#: ``sources`` keeps one row per file (``row.files``: the ``file:`` of each new source that
#: names a row), so re-loading a file whose rows moved leaves it as long as it was.
NODE_SET = f"SET n += row.props, n.{SEARCH} = coalesce(row.props.{SEARCH}, n.{SEARCH}, row.search)," + (
    _PROVENANCE_SET.format(v="n")
)
_NEW_PROVENANCE_SET = "{v}.first_seen = $first, {v}.last_seen = $last, {v}.sources = row.sources"
#: A node ``n`` just created from ``row``: what :data:`NODE_SET` gives a new node, without
#: reading what it does not have.
NEW_NODE_SET = f"SET n += row.props, n.{SEARCH} = coalesce(row.props.{SEARCH}, row.search), " + (
    _NEW_PROVENANCE_SET.format(v="n")
)
#: A node ``n`` created from ``node``, the map of all it holds but its sighting window:
#: Neo4j plans one SET of a whole map without buffering the batch, where a map added to
#: the node a CREATE just made is buffered twice (Eager).
NEW_NODE_FROM_MAP = "SET n = node, n.first_seen = $first, n.last_seen = $last"
#: Upserted relationship ``r`` from ``row``.
RELATIONSHIP_SET = "SET r += row.props," + _PROVENANCE_SET.format(v="r")
#: A relationship created from ``row``: what :data:`RELATIONSHIP_SET` gives a new one, its
#: provenance in the pattern (Neo4j then plans one buffering step fewer than for a SET).
NEW_RELATIONSHIP = (
    f"(a)-[r:{{type}} {{{{{KEY}: row.key, first_seen: $first, last_seen: $last, sources: row.sources}}}}]->(b) "
    "SET r += row.props"
)
#: The two ends of a relationship row by key under their labels (``{start}``, ``{end}``).
ENDS_BY_KEY = f"MATCH (a:{{start}} {{{{{KEY}: row.src}}}}) MATCH (b:{{end}} {{{{{KEY}: row.dst}}}}) "
#: The same ends found by the element ids the writing session's CREATE returned
#: (``row.a``, ``row.b``): a record read instead of a locking seek in the key's unique
#: index, which is most of the server's reading when a load joins its own new nodes. The
#: label and key (``$key``: as a property named by a parameter, or Neo4j would seek the
#: key's index instead) are checked again, so a node deleted since (its id reused) is not
#: taken. The ids and keys are read from a row map (:data:`ROW_ENDS`) or from columns
#: (:data:`COLUMN_ENDS`).
ENDS_BY_ID = (
    "MATCH (a:{start}) WHERE elementId(a) = {a} AND a[$key] = {src} "
    "MATCH (b:{end}) WHERE elementId(b) = {b} AND b[$key] = {dst} "
)
ROW_ENDS = {"a": "row.a", "b": "row.b", "src": "row.src", "dst": "row.dst"}
COLUMN_ENDS = {"a": "$a[i]", "b": "$b[i]", "src": "$src[i]", "dst": "$dst[i]"}

#: New nodes of one label set (``{labels}``) from columns: ``$keys``, ``$search``,
#: ``$source`` and one list per property (``{properties}``: ``, `name`: $p0[i]``...): what
#: :data:`NEW_NODE_FROM_MAP` gives them, where a list per column is far less for the
#: driver to pack and the server to unpack than a map per row (a null leaves the property
#: out, as an absent key does). Their element ids come back in the order of the rows.
NEW_NODES_FROM_COLUMNS = (
    "UNWIND range(0, size($keys) - 1) AS i "
    f"CREATE (n:{{labels}} {{{{{KEY}: $keys[i], {SEARCH}: $search[i], sources: [$source[i]], "
    "first_seen: $first, last_seen: $last{properties}}}) "
    "WITH i, n ORDER BY i RETURN collect(elementId(n)) AS ids"
)
#: The rows of relationship columns (``$a``, ``$b``, ``$src``, ``$dst``: ends by element
#: id and key, read by :data:`ENDS_BY_ID` with :data:`COLUMN_ENDS`), then what
#: :data:`NEW_RELATIONSHIP` gives a first relationship between them (``{type}``;
#: ``{properties}`` as for nodes).
RELATIONSHIP_COLUMNS = "UNWIND range(0, size($a) - 1) AS i "
NEW_RELATIONSHIPS_FROM_COLUMNS = (
    f"CREATE (a)-[r:{{type}} {{{{{KEY}: '', first_seen: $first, last_seen: $last, sources: [$source[i]]"
    "{properties}}}]->(b) "
)


def union_over_labels(labels: Iterable[str], where: str) -> str:
    """``CALL { MATCH (n:A) WHERE ... RETURN n UNION ... }``: indexed per label on Neo4j,
    where a label-less ``MATCH (n)`` would scan every node."""
    branches = [f"MATCH (n:{quote(label)}) WHERE {where} RETURN n" for label in sorted(labels)]
    return "CALL { " + " UNION ".join(branches) + " }"
