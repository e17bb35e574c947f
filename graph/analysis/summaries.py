"""Community summaries for briefings: what each ring is made of and what it has cost.

One row per community: its size and label mix, the cases and seizures among its
members, the total seized value, its key members (most connected entities inside it)
and its bridges (the communities it has links to, with how many).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pandas as pd

from graph.analysis.communities import CommunityResult
from graph.analysis.projection import Projection
from graph.model import KEY
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


def summarise(
    store: GraphStore, projection: Projection, result: CommunityResult, *, limit: int | None = 50
) -> pd.DataFrame:
    """Summaries of the ``limit`` largest communities (all with ``None``), largest first."""
    membership = [result.membership[key] for key in projection.keys]
    hidden = set(store.model.labels_with_role("hub", "identifier"))
    degree = projection.degree()
    inside: Counter[int] = Counter()
    bridges: dict[int, Counter[int]] = defaultdict(Counter)
    for a, b in zip(projection.sources.tolist(), projection.targets.tolist(), strict=True):
        ca, cb = membership[a], membership[b]
        if ca == cb:
            inside[a] += 1
            inside[b] += 1
        else:
            bridges[ca][cb] += 1
            bridges[cb][ca] += 1
    members: dict[int, list[int]] = defaultdict(list)
    for node, community in enumerate(membership):
        members[community].append(node)
    values = _seizure_values(store)
    rows = []
    for community in sorted(members)[: limit if limit is not None else None]:
        nodes = members[community]
        labels = Counter(label for node in nodes for label in projection.labels[node][:1])
        cases = [node for node in nodes if "Case" in projection.labels[node]]
        seizures = [node for node in nodes if "Seizure" in projection.labels[node]]
        candidates = [node for node in nodes if not hidden & set(projection.labels[node])]
        key = sorted(candidates, key=lambda node: (-inside[node], -degree[node], projection.keys[node]))[:KEY_MEMBERS]
        rows.append(
            {
                "community": community,
                "size": len(nodes),
                "labels": ", ".join(f"{count} {label}" for label, count in labels.most_common()),
                "cases": len(cases),
                "case_names": "; ".join(projection.names[node] for node in cases),
                "seizures": len(seizures),
                "seized_value": round(sum(values.get(projection.keys[node], 0.0) for node in seizures), 2),
                "key_members": "; ".join(f"{projection.names[node]} ({projection.keys[node]})" for node in key),
                "bridges": "; ".join(
                    f"{other} ({links} link{'s' if links > 1 else ''})"
                    for other, links in sorted(bridges[community].items(), key=lambda item: (-item[1], item[0]))[
                        :BRIDGES
                    ]
                ),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
