"""Hidden links: entities that share an identifier although nothing joins them directly.

Two storefronts with one phone number are probably one operator. How much a shared
value says depends on how specific it is: a phone shared by two entities says more than
an address shared by forty (a registered-agent address), so each shared identifier
counts ``evidence x log(N / k) / log(N)``, where ``evidence`` is its label's flag in the
model, ``k`` entities share it and ``N`` have an identifier of that kind; a pair's score
adds up its shared identifiers. Identifiers shared by more than :data:`MAX_SHARING` entities are reported
as too common rather than paired.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations

import pandas as pd

from graph.analysis.projection import Projection
from graph.model import Model

__all__ = ["MAX_SHARING", "hidden_links"]

MAX_SHARING = 50
COLUMNS = ["a", "a_name", "b", "b_name", "score", "shared", "reasons"]


def hidden_links(projection: Projection, model: Model, *, limit: int = 100) -> tuple[pd.DataFrame, list[str]]:
    """Pairs of entities sharing identifiers with no direct link, best first, and the
    identifiers left out as too common."""
    identifier_labels = set(model.labels_with_role("identifier"))
    entity_labels = set(model.labels_with_role("entity")) | {
        label for labels in projection.labels for label in labels if label not in model.labels
    }
    kind = {
        i: next(label for label in labels if label in identifier_labels)
        for i, labels in enumerate(projection.labels)
        if identifier_labels & set(labels)
    }
    is_entity = [bool(entity_labels & set(labels)) and i not in kind for i, labels in enumerate(projection.labels)]
    sharing: dict[int, set[int]] = defaultdict(set)
    direct: set[tuple[int, int]] = set()
    for a, b in zip(projection.sources.tolist(), projection.targets.tolist(), strict=True):
        if a in kind and is_entity[b]:
            sharing[a].add(b)
        elif b in kind and is_entity[a]:
            sharing[b].add(a)
        elif is_entity[a] and is_entity[b]:
            direct.add((a, b))
    holders: dict[str, set[int]] = defaultdict(set)
    for identifier, entities in sharing.items():
        holders[kind[identifier]].update(entities)
    scores: dict[tuple[int, int], float] = defaultdict(float)
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    too_common = []
    for identifier in sorted(sharing, key=lambda i: projection.keys[i]):
        entities = sorted(sharing[identifier])
        k = len(entities)
        if k < 2:
            continue
        if k > MAX_SHARING:
            too_common.append(f"{projection.keys[identifier]} ({kind[identifier]}, {k} entities)")
            continue
        population = max(len(holders[kind[identifier]]), 2)
        specificity = math.log(population / k) / math.log(population) if population > k else 0.0
        weight = model.label(kind[identifier]).evidence * max(specificity, 0.05)
        for pair in combinations(entities, 2):
            if pair in direct:
                continue
            scores[pair] += weight
            shared[pair].append(
                f"{kind[identifier].lower()} {projection.names[identifier]!r} ({projection.keys[identifier]}, "
                f"shared by {k})"
            )
    ranked = sorted(scores, key=lambda p: (-scores[p], projection.keys[p[0]], projection.keys[p[1]]))[:limit]
    rows = [
        {
            "a": projection.keys[a],
            "a_name": projection.names[a],
            "b": projection.keys[b],
            "b_name": projection.names[b],
            "score": round(scores[(a, b)], 4),
            "shared": len(shared[(a, b)]),
            "reasons": "share " + "; ".join(shared[(a, b)]),
        }
        for a, b in ranked
    ]
    return pd.DataFrame(rows, columns=COLUMNS), too_common
