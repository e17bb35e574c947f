"""Shell-company indicators: a score per company with the reasons behind it.

The patterns investigators look for, each worth part of the score:

* a **mass-registration address**: the company shares its registered address with
  other companies (the more, the stronger);
* a **nominee director**: one of its directors directs many companies;
* **recent incorporation**: incorporated shortly before it started trading, or within
  the last two years;
* a **pass-through**: it only moves goods from suppliers to storefronts, with no
  shipments, staff or accounts of its own.

All reads are portable Cypher over whitelisted labels and types.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from graph.model import KEY, quote
from graph.store import GraphStore

__all__ = ["COMPANY_LABELS", "shell_scores"]

COMPANY_LABELS = ("Company", "ShellCompany")
CROWDED_ADDRESS = 3  # companies at one address before it counts
BUSY_DIRECTOR = 3  # companies directed by one person before it counts
RECENT = dt.timedelta(days=730)
WEIGHTS = {"address": 0.3, "director": 0.3, "recent": 0.15, "pass_through": 0.25}
COLUMNS = ["key", "name", "labels", "score", "reasons"]
PASS_THROUGH_TYPES = {"SUPPLIES", "REGISTERED_AT", "DIRECTS", "OWNS", "INVOLVES"}


def _companies(store: GraphStore) -> dict[str, dict]:
    present = [label for label in COMPANY_LABELS if label in store.labels_in_store()]
    companies: dict[str, dict] = {}
    for label in present:
        for row in store.read(
            f"MATCH (c:{quote(label)}) RETURN c.{KEY} AS key, {store.model.display_expression([label], 'c')} AS name, "
            f"labels(c) AS labels, c.incorporated AS incorporated ORDER BY key"
        ):
            companies.setdefault(row["key"], row)
    return companies


def _grouped(store: GraphStore, query: str) -> dict[str, tuple[str, list[str]]]:
    """``holder -> (name, [company keys])`` from a query returning holder, name, company."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for row in store.read(query):
        groups.setdefault(row["holder"], (row["name"], []))[1].append(row["company"])
    return groups


def shell_scores(store: GraphStore, *, as_of: dt.date | None = None, limit: int = 100) -> pd.DataFrame:
    """Companies with at least one indicator, highest score first."""
    companies = _companies(store)
    if not companies:
        return pd.DataFrame(columns=COLUMNS)
    types = set(store.types_in_store())
    scores: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = defaultdict(list)
    shared = (  # (type, query, threshold, weight, reason): companies crowding around one holder
        (
            "REGISTERED_AT",
            f"MATCH (c)-[:REGISTERED_AT]->(a:Address) RETURN a.{KEY} AS holder, "
            f"{store.model.display_expression(['Address'], 'a')} AS name, c.{KEY} AS company ORDER BY holder, company",
            CROWDED_ADDRESS,
            WEIGHTS["address"],
            "registered at {name!r} ({holder}) with {others} other companies",
        ),
        (
            "DIRECTS",
            f"MATCH (p:Person)-[:DIRECTS]->(c) RETURN p.{KEY} AS holder, "
            f"{store.model.display_expression(['Person'], 'p')} AS name, c.{KEY} AS company ORDER BY holder, company",
            BUSY_DIRECTOR,
            WEIGHTS["director"],
            "director {name!r} ({holder}) directs {count} companies",
        ),
    )
    for rel_type, query, threshold, weight, reason in shared:
        if rel_type not in types:
            continue
        for holder, (name, members) in _grouped(store, query).items():
            members = [m for m in dict.fromkeys(members) if m in companies]
            if len(members) < threshold:
                continue
            for member in members:
                scores[member] += weight * min(1.0, len(members) / 10 + 0.5)
                reasons[member].append(
                    reason.format(name=name, holder=holder, count=len(members), others=len(members) - 1)
                )
    today = as_of or dt.date.today()
    started: dict[str, dt.date] = {}
    if "SUPPLIES" in types:
        for row in store.read(
            f"MATCH (c)-[r:SUPPLIES]->() WHERE r.since IS NOT NULL RETURN c.{KEY} AS key, min(r.since) AS since"
        ):
            started[row["key"]] = row["since"]
    for key, company in companies.items():
        incorporated = company.get("incorporated")
        if not isinstance(incorporated, dt.date):
            continue
        incorporated = incorporated.date() if isinstance(incorporated, dt.datetime) else incorporated
        first_trade = started.get(key)
        if isinstance(first_trade, dt.datetime):
            first_trade = first_trade.date()
        if first_trade and dt.timedelta(0) <= first_trade - incorporated <= dt.timedelta(days=180):
            scores[key] += WEIGHTS["recent"]
            reasons[key].append(f"incorporated {incorporated}, trading by {first_trade}")
        elif dt.timedelta(0) <= today - incorporated <= RECENT:
            scores[key] += WEIGHTS["recent"]
            reasons[key].append(f"incorporated recently ({incorporated})")
    if "SUPPLIES" in types:
        flows = store.read(
            "MATCH (:Supplier)-[:SUPPLIES]->(c)-[:SUPPLIES]->(:SalesChannel) WITH DISTINCT c "
            f"MATCH (c)-[r]-() RETURN c.{KEY} AS key, collect(DISTINCT type(r)) AS types ORDER BY key"
        )
        for row in flows:
            if row["key"] in companies and set(row["types"]) <= PASS_THROUGH_TYPES:
                scores[row["key"]] += WEIGHTS["pass_through"]
                reasons[row["key"]].append("only passes goods from suppliers to storefronts")
    ranked = sorted(scores, key=lambda k: (-scores[k], k))[:limit]
    return pd.DataFrame(
        [
            {
                "key": key,
                "name": companies[key]["name"],
                "labels": sorted(companies[key]["labels"]),
                "score": round(min(1.0, scores[key]), 3),
                "reasons": "; ".join(reasons[key]),
            }
            for key in ranked
        ],
        columns=COLUMNS,
    )
