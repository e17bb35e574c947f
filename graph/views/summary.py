"""A view in words, for the first page of a briefing: who is in it, which cases, what
was seized and for how much, who holds it together and why, and its communities.

A reader who never opens the picture should still know what the view shows. Every
sentence is plain text built from the data (names from scraped storefronts included):
whoever shows it escapes it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graph.analysis.keyplayers import key_players
from graph.analysis.projection import Projection
from graph.model import Model
from graph.views.explore import view_membership
from graph.views.pages import CASE

__all__ = ["SEIZURE", "Section", "node_name", "summarise_view"]

#: The label of seizures, whose quantity and value the summary adds up.
SEIZURE = "Seizure"
NAMES_SHOWN = 3  # names listed per label or community before "and N more"
KEY_PLAYERS = 5
COMMUNITIES = 6


@dataclass(frozen=True)
class Section:
    """A heading and its sentences."""

    heading: str
    lines: list[str]


def node_name(graph: nx.MultiDiGraph, model: Model, key: str) -> str:
    """What a node of the view is called: its display name, else its key."""
    data = graph.nodes[key]
    return model.display_name(data.get("labels") or [], data.get("properties") or {}, key)


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def _some(names: list[str]) -> str:
    """A few names, and how many were left unsaid."""
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


def _with_label(graph: nx.MultiDiGraph, label: str) -> list[str]:
    return sorted(key for key, data in graph.nodes(data=True) if label in (data.get("labels") or []))


def _date(value: object) -> str:
    return value.isoformat()[:10] if isinstance(value, dt.date) else str(value)


def _who(graph: nx.MultiDiGraph, model: Model, period: tuple[dt.date, dt.date] | None) -> Section:
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, data in graph.nodes(data=True):
        by_label[(data.get("labels") or ["(no label)"])[0]].append(node_name(graph, model, key))
    counts = Counter({label: len(names) for label, names in by_label.items()})
    lines = [
        f"{_count(graph.number_of_nodes(), 'entity', 'entities')} joined by "
        f"{_count(graph.number_of_edges(), 'link', 'links')}"
        + (f" that existed or happened {_during(period)}." if period else ".")
    ]
    lines += [f"{label} ({count}): {_some(sorted(by_label[label]))}" for label, count in counts.most_common()]
    return Section("Who is in it", lines)


def _during(period: tuple[dt.date, dt.date]) -> str:
    """The period a view was cut to: its counts are of what existed or happened then."""
    return f"from {period[0].isoformat()} to {period[1].isoformat()}"


def _cases(graph: nx.MultiDiGraph, model: Model) -> Section | None:
    cases = _with_label(graph, CASE)
    if not cases:
        return None
    lines = []
    for key in sorted(cases, key=lambda k: (_date(graph.nodes[k]["properties"].get("opened") or ""), k)):
        properties = graph.nodes[key].get("properties") or {}
        facts = [str(properties["status"])] if properties.get("status") else []
        facts += [f"opened {_date(properties['opened'])}"] if properties.get("opened") else []
        lines.append(node_name(graph, model, key) + (f" ({', '.join(facts)})" if facts else ""))
    return Section(f"Cases ({len(cases)})", lines)


def _seizures(graph: nx.MultiDiGraph, model: Model) -> Section | None:
    seizures = _with_label(graph, SEIZURE)
    if not seizures:
        return None
    declared = model.labels[SEIZURE].properties if SEIZURE in model.labels else {}
    found = [graph.nodes[key].get("properties") or {} for key in seizures]
    said = [_count(len(seizures), "seizure", "seizures")]
    quantity = sum(p["quantity"] for p in found if "quantity" in declared and _number(p.get("quantity")))
    if quantity:
        said.append(f"{quantity:,.0f} items")
    values: Counter[str] = Counter()
    for properties in found if "value" in declared else []:
        if _number(properties.get("value")):
            values[str(properties.get("currency") or "")] += properties["value"]
    if any(values.values()):
        worth = (f"{total:,.0f} {currency}".rstrip() for currency, total in sorted(values.items()) if total)
        said.append("seized value " + ", ".join(worth))
    names = sorted(node_name(graph, model, key) for key in seizures)
    return Section("Seizures", [f"{', '.join(said)}: {_some(names)}"])


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _key_players(graph: nx.MultiDiGraph, model: Model, membership: Mapping[str, int]) -> Section | None:
    if graph.number_of_edges() == 0:
        return None
    projection = Projection.from_edges(
        [(u, v) for u, v in graph.edges() if u != v],
        nodes=graph.nodes,
        labels={key: tuple(data.get("labels") or ()) for key, data in graph.nodes(data=True)},
        names={key: node_name(graph, model, key) for key in graph.nodes},
    )
    frame, _ = key_players(projection, model, membership=membership, limit=KEY_PLAYERS)
    lines = [f"{row.name} ({', '.join(row.labels)}): {row.reasons}" for row in frame.itertuples()]
    return Section("Key players", lines) if lines else None


def _communities(graph: nx.MultiDiGraph, model: Model, membership: Mapping[str, int], source: str) -> Section | None:
    members: dict[int, list[str]] = defaultdict(list)
    for key, community in membership.items():
        members[community].append(key)
    if not members:
        return None
    largest = sorted(members, key=lambda c: (-len(members[c]), c))
    lines = [f"{_count(len(members), 'community', 'communities')}, from {source}."]
    for community in largest[:COMMUNITIES]:
        keys = sorted(members[community], key=lambda k: (-graph.degree(k), k))
        said = _count(len(keys), "member", "members")
        lines.append(f"Community {community}, {said}: {_some([node_name(graph, model, k) for k in keys])}")
    if len(largest) > COMMUNITIES:
        lines.append(f"and {len(largest) - COMMUNITIES} smaller ones")
    return Section("Communities", lines)


def summarise_view(
    graph: nx.MultiDiGraph,
    model: Model,
    *,
    membership: Mapping[str, int] | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> list[Section]:
    """The view in words; ``membership`` (the communities the view is coloured by) is
    used when given, else found as the explorer finds it; ``period``: the days (both
    included) the view was cut to, said with what it holds."""
    if graph.number_of_nodes() == 0:
        said = f"Nothing in the view existed or happened {_during(period)}." if period else "The view is empty."
        return [Section("Who is in it", [said])]
    groups, source = view_membership(graph, membership)
    sections = [
        _who(graph, model, period),
        _cases(graph, model),
        _seizures(graph, model),
        _key_players(graph, model, groups),
        _communities(graph, model, groups, source),
    ]
    return [section for section in sections if section is not None]
