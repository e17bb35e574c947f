"""Where the embedded engine (KGLite) would answer an analyst's Cypher differently from
Neo4j, found in the text before it runs: rewritten to Neo4j's meaning where that is
exact, otherwise named in a note the analyst sees beside the answer.

The divergences are the ones measured on the openCypher TCK
(``../shared/research/embedded-divergences.md``); ``tests/graph/store/test_parity.py``
runs a scenario for each on both stores, so an upgrade of KGLite that changes one is
noticed. Missing ``name``/``title`` are fixed where nodes are written (an explicit
null), and a node always has a label, so neither needs a note here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.store.guard import Token, tokens

__all__ = ["Reviewed", "review"]

_HOPS = re.compile(r"\*\s*(?P<low>\d+)?\s*(?P<range>\.\.)?\s*(?P<high>\d+)?")
#: Properties KGLite answers for every node or relationship, stored or not.
_SYNTHESISED = {
    "id": "`.id` of a node without an `id` property reads the embedded store's internal number; Neo4j gives null",
    "type": "`.type` of a node or relationship without a `type` property reads its label or type; Neo4j gives null",
    "title": "`.title` of a node without a `title` property reads its `name`; Neo4j gives null",
}
_WHOLE_MAP = (
    "`keys()`, `properties()` and `{.*}` of a node list `id` even where the node has none (and `title` where it"
    " has a `name`); Neo4j lists only the stored properties"
)
_DIVISION = (
    "a float division by zero gives null on the embedded store, and comparisons with NaN give null;"
    " Neo4j gives Infinity or NaN (an integer division by zero is an error on both)"
)
_DURATION = (
    "durations differ on the embedded store: `duration.between` counts days only, `inMonths`/`inDays` can be"
    " one off across time zones, and a duration times or divided by a number is null; Neo4j gives"
    " years, months and days (e.g. P30Y8M13D) and scaled durations"
)
_TRUNCATE = (
    "`time.truncate`/`datetime.truncate` of a zoned value drops its offset on the embedded store; Neo4j keeps it"
)
_TEMPORAL_NAMESPACES = {"time", "datetime", "localtime"}
_EXPLAIN = "EXPLAIN on the embedded store returns the plan as rows; Neo4j returns no rows (the plan is in its summary)"


@dataclass
class Reviewed:
    """The query to run on the embedded store, and what the analyst must be told."""

    text: str
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def review(query: str, relationship_count: int) -> Reviewed:
    """Rewrite unbounded variable-length patterns to Neo4j's meaning, note the rest.

    KGLite stops ``-[*]->`` at 10 hops; Neo4j walks until it runs out of relationships
    (a path never repeats one), so an upper bound of the store's relationship count is
    exactly Neo4j's answer."""
    toks = tokens(query)
    reviewed = Reviewed(query)
    scaled = any(token.kind == "symbol" and token.text in "*/" for token in toks)
    for i, token in enumerate(toks):
        before = toks[i - 1].text if i > 0 else ""
        after = toks[i + 1].text if i + 1 < len(toks) else ""
        word = token.text.lower() if token.kind == "word" else ""
        if i == 0 and word == "explain":
            reviewed.note(_EXPLAIN)
        elif before == "." and word in _SYNTHESISED and after != "(":
            reviewed.note(_SYNTHESISED[word])
        elif word in ("keys", "properties") and after == "(" and before != ".":
            reviewed.note(_WHOLE_MAP)
        elif token.text == "{" and after == "." and i + 2 < len(toks) and toks[i + 2].text == "*":
            reviewed.note(_WHOLE_MAP)
        elif token.kind == "symbol" and token.text == "/":
            reviewed.note(_DIVISION)
        elif word == "duration" and before not in (".", ":") and (after == "." or scaled):
            reviewed.note(_DURATION)  # duration.between/inDays..., or a duration times a number
        elif word == "truncate" and before == "." and i > 1 and toks[i - 2].text.lower() in _TEMPORAL_NAMESPACES:
            reviewed.note(_TRUNCATE)
    reviewed.text = _bounded_hops(query, toks, max(relationship_count, 1))
    return reviewed


def _bounded_hops(query: str, toks: list[Token], bound: int) -> str:
    """``-[:T*]->`` and ``-[:T*2..]->`` with ``bound`` as their upper limit."""
    edits: list[tuple[int, int, str]] = []
    brackets: list[bool] = []  # for each open '[': is it a relationship pattern?
    for i, token in enumerate(toks):
        if token.text == "[":
            brackets.append(i > 0 and toks[i - 1].text == "-")
        elif token.text == "]" and brackets:
            brackets.pop()
        elif token.text == "*" and brackets and brackets[-1]:
            hops = _HOPS.match(query, token.position)
            if hops and not hops["high"] and (hops["range"] or not hops["low"]):
                edits.append((hops.start(), hops.end(), f"*{hops['low'] or 1}..{bound}"))
    for start, end, text in reversed(edits):
        query = query[:start] + text + query[end:]
    return query
