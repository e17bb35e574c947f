"""Community summaries for briefings: what each ring is made of and what it has cost.

One row per community: its size and label mix, the cases and seizures among its
members, the total seized value, its key members (most connected entities inside it)
and its bridges (the communities it has links to, with how many).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from graph.analysis.communities import CommunityResult
from graph.analysis.projection import Projection
from graph.model import KEY
from graph.progress import SILENT, Progress
from graph.store import GraphStore

__all__ = ["summarise"]

COLUMNS = [
    "community",
    "size",
    "labels",
    "cases",
    "case_names",
    "seizures",
    "seized_value",
    "key_members",
    "bridges",
]
KEY_MEMBERS = 3
BRIDGES = 5


def _seizure_values(store: GraphStore) -> dict[str, float]:
    if "Seizure" not in store.labels_in_store():
        return {}
    rows = store.read(f"MATCH (z:Seizure) RETURN z.{KEY} AS key, z.value AS value")
    return {row["key"]: float(row["value"]) for row in rows if isinstance(row["value"], (int, float))}


def _grouped(by: np.ndarray, order: np.ndarray, numbers: np.ndarray) -> dict[int, list[int]]:
    """``order`` (indices sorted by ``by``, stably) cut into one list per number."""
    sorted_by = by[order]
    starts = np.searchsorted(sorted_by, numbers, side="left").tolist()
    ends = np.searchsorted(sorted_by, numbers, side="right").tolist()
    listed = order.tolist()
    return {number: listed[a:b] for number, a, b in zip(numbers.tolist(), starts, ends, strict=True)}


def _bridges(membership: np.ndarray, projection: Projection, numbers: np.ndarray) -> dict[int, list[tuple[int, int]]]:
    """Community -> the :data:`BRIDGES` communities it has most links to, with how many."""
    ends = membership[projection.sources], membership[projection.targets]
    across = ends[0] != ends[1]
    start = np.concatenate([ends[0][across], ends[1][across]])
    end = np.concatenate([ends[1][across], ends[0][across]])
    width = int(membership.max(initial=0)) + 1
    pairs, links = np.unique(start * width + end, return_counts=True)
    start, end = pairs // width, pairs % width
    order = np.lexsort((end, -links, start))
    return {
        number: [(end[i], links[i]) for i in rows[:BRIDGES]] for number, rows in _grouped(start, order, numbers).items()
    }


def summarise(
    store: GraphStore,
    projection: Projection,
    result: CommunityResult,
    *,
    limit: int | None = 50,
    progress: Progress = SILENT,
) -> pd.DataFrame:
    """Summaries of the ``limit`` largest communities (all with ``None``), largest first.
    Tallies run over the arrays; only the rows' words are built one community at a time."""
    n = projection.node_count
    membership = np.fromiter((result.membership[key] for key in projection.keys), np.int64, n)
    numbers = np.unique(membership)[:limit]
    progress.report(f"summarising {len(numbers):,} communities")
    hidden = set(store.model.labels_with_role("hub", "identifier"))
    kinds = {
        labels: (bool(hidden & set(labels)), "Case" in labels, "Seizure" in labels) for labels in set(projection.labels)
    }
    hides, is_case, is_seizure = (
        np.fromiter((kinds[labels][i] for labels in projection.labels), bool, n) for i in range(3)
    )
    degree = projection.degree()
    same = membership[projection.sources] == membership[projection.targets]
    inside = np.bincount(projection.sources[same], minlength=n) + np.bincount(projection.targets[same], minlength=n)
    members = _grouped(membership, np.argsort(membership, kind="stable"), numbers)
    candidates = np.flatnonzero(~hides)
    ranked = candidates[np.lexsort((candidates, -degree[candidates], -inside[candidates], membership[candidates]))]
    key_members = _grouped(membership[ranked], np.arange(len(ranked)), numbers)
    bridges = _bridges(membership, projection, numbers) if n else {}
    values = _seizure_values(store)
    keys, names, labels = projection.keys, projection.names, projection.labels
    rows = []
    for done, number in enumerate(numbers.tolist()):
        if done and done % 5000 == 0:
            progress.report("summarising communities", done, len(numbers))
        nodes = members[number]
        mix = Counter(labels[node][0] for node in nodes if labels[node])
        cases = [node for node in nodes if is_case[node]]
        seizures = [node for node in nodes if is_seizure[node]]
        key = [int(ranked[i]) for i in key_members[number][:KEY_MEMBERS]]
        rows.append(
            {
                "community": number,
                "size": len(nodes),
                "labels": ", ".join(f"{count} {label}" for label, count in mix.most_common()),
                "cases": len(cases),
                "case_names": "; ".join(names[node] for node in cases),
                "seizures": len(seizures),
                "seized_value": round(sum(values.get(keys[node], 0.0) for node in seizures), 2),
                "key_members": "; ".join(f"{names[node]} ({keys[node]})" for node in key),
                "bridges": "; ".join(
                    f"{other} ({links} link{'s' if links > 1 else ''})" for other, links in bridges.get(number, [])
                ),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
