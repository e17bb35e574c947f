"""Read-only checks on Cypher text typed by analysts, before and as it reaches a store.

Two checks, because a lexical reading of Cypher always has another gap (a ``//``
comment that Neo4j ends at a carriage return hid a ``LOAD CSV`` from an earlier guard):

* :func:`check_read_only` reads the text: a first, fast refusal that names the
  offending clause in the analyst's terms, and lists the ``$parameters`` a query needs.
* :func:`check_plan` decides from the engine's own plan of the query (Neo4j's
  ``EXPLAIN``, KGLite's ``EXPLAIN``), which is what will run: no writes, no ``LOAD
  CSV`` (it fetches URLs and reads server files), no procedure outside an allow-list,
  no administration or other database. Each store calls it before running a query.

The stores also refuse writes themselves (Neo4j's read access mode, KGLite's empty
write scope).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "QueryRefused",
    "Token",
    "PlanStep",
    "tokens",
    "parameters",
    "check_read_only",
    "check_plan",
    "READ_PROCEDURES",
]

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
#: Plan operators that only describe the graph's own schema.
READ_SHOW_OPERATORS = frozenset({"ShowIndexes", "ShowConstraints"})
#: Plan operators (Neo4j's and KGLite's names) that write or reach outside the graph,
#: by the start of their name (``SetProperty``, ``DetachDelete``, ``LoadCSV``/``LoadCsv``)...
_WRITE_OPERATOR = re.compile(r"^(set|remove|create|merge|delete|detachdelete|terminate|load)", re.IGNORECASE)
#: ...and, lower-cased, the ones that commit on their own or administer the server.
FORBIDDEN_OPERATORS = frozenset(
    {"foreach", "transactionforeach", "transactionapply", "administrationcommand", "systemprocedurecall"}
)
_PROCEDURE = re.compile(r"^\s*([\w.`]+)\s*\(")

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line_comment>//[^\n\r\x0b\x0c\x85\u2028\u2029]*)  # ends wherever any engine ends a line
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
class PlanStep:
    """One operator of an engine's plan: its name and what it acts on."""

    operator: str
    detail: str = ""
    database: str = ""


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


def _is_keyword(toks: list[Token], i: int, names: set[str]) -> bool:
    """A word is a clause keyword unless it is a property (``n.set``), a label, a map
    key, or a name the query gives something (``AS set``, ``(create)``)."""
    before = toks[i - 1].text if i > 0 else ""
    after = toks[i + 1].text if i + 1 < len(toks) else ""
    return before not in (".", ":") and after != ":" and toks[i].text not in names


def _given_names(toks: list[Token]) -> set[str]:
    """Variables and aliases the query introduces: after ``AS``, ``(`` or ``[``."""
    names = set()
    for i, token in enumerate(toks[1:], start=1):
        before = toks[i - 1]
        if token.kind == "word" and (before.text in ("(", "[") or before.text.upper() == "AS"):
            names.add(token.text)
    return names


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


def _visible(query: str) -> str:
    """The text as a reader sees it: compatibility forms folded (fullwidth letters) and
    invisible format characters (zero-width spaces, bidi controls) removed, so a keyword
    cannot hide behind them."""
    folded = unicodedata.normalize("NFKC", query)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def check_read_only(query: str) -> None:
    """Raise :class:`QueryRefused` unless ``query`` only reads the graph, as far as its
    text shows (the engine's plan has the last word: :func:`check_plan`)."""
    toks = tokens(_visible(query))
    if not toks:
        raise QueryRefused("the query is empty")
    names = _given_names(toks)
    for i, token in enumerate(toks):
        if token.kind != "word" or not _is_keyword(toks, i, names):
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


def check_plan(steps: Iterable[PlanStep], *, database: str = "") -> None:
    """Raise :class:`QueryRefused` unless the engine's plan only reads this graph:
    no write or ``LOAD CSV`` operator, no procedure outside :data:`READ_PROCEDURES`,
    no administration, no SHOW beyond indexes and constraints, no other database."""
    for step in steps:
        operator = step.operator
        lowered = operator.lower()
        if step.database and database and step.database != database:
            raise QueryRefused(f"the query reaches database {step.database!r}: queries here read {database!r} only")
        if lowered in FORBIDDEN_OPERATORS or _WRITE_OPERATOR.match(operator):
            what = "LOAD CSV" if lowered.startswith("load") else operator
            raise QueryRefused(f"{what} is not allowed: queries here only read the graph (the engine plans {operator})")
        if lowered.startswith("show") and operator not in READ_SHOW_OPERATORS:
            raise QueryRefused(f"{operator} is not allowed: only SHOW INDEXES and SHOW CONSTRAINTS")
        if lowered == "procedurecall":
            match = _PROCEDURE.match(step.detail)
            name = match.group(1).replace("`", "") if match else step.detail
            if name not in READ_PROCEDURES:
                raise QueryRefused(
                    f"CALL {name} is not allowed: ad-hoc queries may call only {sorted(READ_PROCEDURES)}"
                )
