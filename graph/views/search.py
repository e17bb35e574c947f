"""Finding an entity the way investigators type: part of a name, any case or accents,
and with typos ("Operaton Tyde" finds "Operation Tide").

Substring matches come from the store's search (indexed); when they are too few, words
of the query pull candidates by their first and last three letters and rapidfuzz ranks
them, so a typo anywhere but both ends of every word still finds the entity without
reading every name in the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from rapidfuzz import fuzz

from graph.store import GraphStore
from graph.values import fold

__all__ = ["find_entities"]

CANDIDATES = 200  # per probe
MIN_SCORE = 70.0


def _words(text: str) -> str:
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


def _probes(needle: str) -> list[str]:
    words = [word for word in needle.split() if len(word) >= 4]
    return sorted({part for word in words for part in (word[:3], word[-3:])})


def _name(store: GraphStore, key: str, labels: list[str]) -> str:
    return store.model.display_name(labels, store.subgraph([key]).nodes[key]["properties"], key)


def find_entities(
    store: GraphStore, text: str, *, labels: Iterable[str] | None = None, limit: int = 20
) -> pd.DataFrame:
    """Matches ranked: the entity whose id is ``text``, then names exact, prefix,
    substring, then fuzzy; ``score`` is 100 for id and substring matches and
    rapidfuzz's weighted ratio for the others."""
    columns = ["key", "labels", "name", "score"]
    needle = _words(text)
    if not needle:
        return pd.DataFrame(columns=columns)
    labels = list(labels) if labels else None
    rows = [
        {"key": key, "labels": found, "name": _name(store, key, found), "score": 100.0}
        for key, found in store.locate([text.strip()]).items()
    ]
    exact = store.search(text, labels=labels, limit=limit)
    rows += [
        {"key": r.key, "labels": r.labels, "name": r.name, "score": 100.0}
        for r in exact.itertuples()
        if r.key not in {row["key"] for row in rows}
    ][: limit - len(rows)]
    if len(rows) < limit:
        found = {row["key"] for row in rows}
        fuzzy: dict[str, dict] = {}
        for probe in _probes(needle):
            for r in store.search(probe, labels=labels, limit=CANDIDATES).itertuples():
                if r.key in found or r.key in fuzzy:
                    continue
                score = max(fuzz.WRatio(needle, _words(str(r.name))), fuzz.WRatio(needle, _words(str(r.key))))
                if score >= MIN_SCORE:
                    fuzzy[r.key] = {"key": r.key, "labels": r.labels, "name": r.name, "score": round(score, 1)}
        rows += sorted(fuzzy.values(), key=lambda row: (-row["score"], row["key"]))[: limit - len(rows)]
    return pd.DataFrame(rows, columns=columns)
