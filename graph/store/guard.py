"""Read-only checks on Cypher text typed by analysts, before it reaches a store.

The stores also refuse writes themselves (Neo4j's read access mode, KGLite's empty
write scope); this lexical check is the first line: it names the offending clause in
the analyst's terms, blocks reads that reach outside the graph (``LOAD CSV`` fetches
URLs and server files) and administration commands, and lists the ``$parameters`` a
query needs so a missing one is reported before anything runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QueryRefused", "Token", "tokens", "parameters", "check_read_only", "READ_PROCEDURES"]

#: Clauses and commands that write, administer or reach outside the graph.
FORBIDDEN = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "DROP",
        "FOREACH",
        "INSERT",
        "GRANT",
        "DENY",
        "REVOKE",
        "ALTER",
        "RENAME",
        "USE",
    }
)
#: Words forbidden only in front of these (``start`` is a fine variable name).
FORBIDDEN_BEFORE = {
    "LOAD": {"CSV"},
    "START": {"DATABASE"},
    "STOP": {"DATABASE"},
    "TERMINATE": {"TRANSACTION", "TRANSACTIONS"},
}
#: Procedures an ad-hoc query may call: schema introspection only.
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
#: SHOW commands that only describe the graph's own schema.
READ_SHOW = frozenset({"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS"})

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line_comment>//[^\n]*)
    | (?P<block_comment>/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
    | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
    | (?P<param>\$(?:[^\W]\w*|`(?:[^`]|``)*`))
    | (?P<word>[^\W\d]\w*)
    | (?P<number>\d[\w.]*)
    | (?P<symbol>.)
    """,
    re.VERBOSE | re.DOTALL | re.UNICODE,
)


class QueryRefused(ValueError):
    """A query that may not run read-only, with the reason in the analyst's terms."""


@dataclass(frozen=True)
class Token:
    kind: str  # word, quoted, param, string, number, symbol
    text: str
    position: int


def tokens(query: str) -> list[Token]:
    """Split Cypher into tokens, dropping whitespace and comments."""
    found = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "line_comment", "block_comment"):
            continue
        found.append(Token(kind, match.group(), match.start()))
    return found


def parameters(query: str) -> set[str]:
    """The names of the ``$parameters`` a query uses."""
    names = set()
    for token in tokens(query):
        if token.kind == "param":
            name = token.text[1:]
            names.add(name[1:-1].replace("``", "`") if name.startswith("`") else name)
    return names


def _is_keyword(toks: list[Token], i: int) -> bool:
    """A word is a clause keyword unless it is a property (``n.set``), a label or map key."""
    before = toks[i - 1].text if i > 0 else ""
    after = toks[i + 1].text if i + 1 < len(toks) else ""
    return before not in (".", ":") and after != ":"


def _procedure_name(toks: list[Token], start: int) -> str:
    parts = []
    i = start
    while i < len(toks) and toks[i].kind in ("word", "quoted"):
        parts.append(toks[i].text.strip("`"))
        if i + 1 < len(toks) and toks[i + 1].text == ".":
            i += 2
        else:
            break
    return ".".join(parts)


def check_read_only(query: str) -> None:
    """Raise :class:`QueryRefused` unless ``query`` only reads the graph."""
    toks = tokens(query)
    if not toks:
        raise QueryRefused("the query is empty")
    for i, token in enumerate(toks):
        if token.kind != "word" or not _is_keyword(toks, i):
            continue
        word = token.text.upper()
        following = toks[i + 1].text.upper() if i + 1 < len(toks) else ""
        if word in FORBIDDEN or following in FORBIDDEN_BEFORE.get(word, ()):
            what = f"{word} {following}" if word in FORBIDDEN_BEFORE else word
            raise QueryRefused(f"{what} is not allowed: queries here are read-only (at character {token.position})")
        if word == "SHOW":
            target = following
            if target in ("RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "ALL", "UNIQUE", "EXISTENCE"):
                target = toks[i + 2].text.upper() if i + 2 < len(toks) else ""
            if target not in READ_SHOW:
                raise QueryRefused(f"SHOW {target} is not allowed: only SHOW INDEXES and SHOW CONSTRAINTS")
        if word == "CALL":
            if following in ("{", "("):
                continue  # a subquery; its clauses are checked like the rest
            name = _procedure_name(toks, i + 1)
            if name not in READ_PROCEDURES:
                raise QueryRefused(
                    f"CALL {name} is not allowed: ad-hoc queries may call only {sorted(READ_PROCEDURES)}"
                )
