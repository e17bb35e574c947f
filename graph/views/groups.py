"""Groups in a view: many nodes drawn as one ("14 storefronts"), collapsed and expanded in
place, with their links to the rest of the view added up.

A group is made from the view (:func:`label_group`, :func:`community_groups`, offered by
:func:`label_choices`) and kept in the view's state; :func:`collapse` draws the collapsed
ones as single nodes on a copy of the view's graph. Example::

    group = label_group(view.graph, "MKT-001", "SalesChannel", model)  # "14 sales channels around …"
    shown = collapse(view.graph, [group], model)
    shown.graph.nodes[group.node]["properties"]["count"]  # 14
    shown.groups[group.node]  # the group a click on its node expands (replace(group, collapsed=False))
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.analysis.communities import COMMUNITY_PROPERTY, RUN_PROPERTY
from graph.model import KEY, Model, quote
from graph.store import GraphStore, NodeNotFound

__all__ = [
    "GROUP_PREFIX",
    "Collapsed",
    "Group",
    "collapse",
    "community_groups",
    "community_members",
    "label_choices",
    "label_group",
    "label_words",
    "saved_community",
]

#: Node keys of collapsed groups in a drawn view start with this (never a key in the graph).
GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class Group:
    """Nodes the investigator chose to see as one: ``kind`` says how they were chosen
    (``community``, ``label`` around a node), ``title`` is what the view shows."""

    id: str
    kind: str
    title: str
    members: tuple[str, ...]
    collapsed: bool = True

    @property
    def node(self) -> str:
        """The key of the group's node in a drawn view."""
        return GROUP_PREFIX + self.id


@dataclass(frozen=True)
class Collapsed:
    """A view with its collapsed groups drawn as single nodes. ``owner`` maps each hidden
    member to its group's node key; ``groups`` maps each group node key to its group."""

    graph: nx.MultiDiGraph
    owner: dict[str, str]
    groups: dict[str, Group]


def _owners(graph: nx.MultiDiGraph, groups: Iterable[Group]) -> tuple[dict[str, str], dict[str, Group]]:
    """Each node of the view to the first group listing it; only collapsed groups hide
    their members (a member of an expanded group stays drawn even if a later group lists it)."""
    claimed: set[str] = set()
    owner: dict[str, str] = {}
    drawn: dict[str, Group] = {}
    for group in groups:
        members = [key for key in group.members if key in graph and key not in claimed]
        claimed.update(members)
        if group.collapsed and members:
            owner.update(dict.fromkeys(members, group.node))
            drawn[group.node] = group
    return owner, drawn


def _name(graph: nx.MultiDiGraph, key: str, model: Model) -> str:
    data = graph.nodes[key]
    return model.display_name(data.get("labels") or [], data.get("properties") or {}, key)


def _group_node(graph: nx.MultiDiGraph, group: Group, members: list[str], model: Model) -> dict[str, Any]:
    """The data of a group's node: the members' most common label, the title as its name
    (under the label's display property too, so it is drawn by it), and who is inside."""
    counted = Counter(label for key in members for label in graph.nodes[key].get("labels") or ())
    labels = [min(counted, key=lambda label: (-counted[label], label))] if counted else []
    properties = {"name": group.title, model.display_property(labels): group.title, "count": len(members)}
    names = {key: _name(graph, key, model) for key in members}
    return {"labels": labels, "properties": properties, "group": True, "members": sorted(members), "names": names}


def collapse(graph: nx.MultiDiGraph, groups: Iterable[Group], model: Model) -> Collapsed:
    """A new graph where each collapsed group's members present in ``graph`` are one node
    (key ``group.node``), linked to each outside node by one edge per direction and type
    carrying the ``count`` of links it stands for; links inside a group are dropped and
    counted in its node's ``internal_links``. ``graph`` is left as it is. A node listed by
    several groups belongs to the first; groups with ``collapsed=False`` change nothing."""
    owner, drawn = _owners(graph, groups)
    shown = nx.MultiDiGraph(**graph.graph)
    members: dict[str, list[str]] = {node: [] for node in drawn}
    for key, data in graph.nodes(data=True):
        if key in owner:
            members[owner[key]].append(key)
        else:
            shown.add_node(key, **data)
    for node, group in drawn.items():
        shown.add_node(node, **_group_node(graph, group, members[node], model))
    internal: Counter[str] = Counter()
    added: Counter[tuple[str, str, str]] = Counter()
    for start, end, key, data in graph.edges(keys=True, data=True):
        a, b = owner.get(start, start), owner.get(end, end)
        if a == b and a in drawn:
            internal[a] += 1
        elif a == start and b == end:
            shown.add_edge(start, end, key=key, **data)
        else:
            added[(a, b, data.get("type", key))] += 1
    for (a, b, rel_type), count in sorted(added.items()):
        shown.add_edge(a, b, key=rel_type, type=rel_type, properties={"count": count}, count=count)
    for node in drawn:
        shown.nodes[node]["properties"]["internal_links"] = internal[node]
    return Collapsed(shown, owner, drawn)


def _stable_id(kind: str, *parts: str) -> str:
    """An id that depends only on what the group is (the same group, the same id, in any
    session), short and free of the data's characters."""
    digest = hashlib.sha256("\x1f".join((kind, *parts)).encode()).hexdigest()[:12]
    return f"{kind}-{digest}"


_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def _plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def label_words(label: str, count: int) -> str:
    """A label as words for ``count`` of them: ``SalesChannel`` -> ``sales channels``
    (``1 sales channel``), ``Person`` -> ``people``; acronyms keep their capitals."""
    words = [word if word.isupper() and len(word) > 1 else word.lower() for word in _WORDS.findall(label)] or [label]
    if count != 1:
        words[-1] = _plural(words[-1])
    return " ".join(words)


def _neighbours(graph: nx.MultiDiGraph, around: str) -> set[str]:
    """The drawn nodes linked to ``around`` either way, group nodes left out."""
    if around not in graph:
        raise ValueError(f"around: {around!r} is not in the view")
    return {key for key in nx.all_neighbors(graph, around) if key != around and not graph.nodes[key].get("group")}


def label_choices(graph: nx.MultiDiGraph, around: str) -> dict[str, int]:
    """The groups the "Group" menu offers around a node: each label held by at least two
    of its neighbours, with how many, most first."""
    counted = Counter(label for key in _neighbours(graph, around) for label in graph.nodes[key].get("labels") or ())
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return {label: count for label, count in ranked if count >= 2}


def label_group(graph: nx.MultiDiGraph, around: str, label: str, model: Model) -> Group:
    """All nodes of ``label`` linked to ``around`` in the view, as one group titled like
    "14 sales channels around Operation Tide" (a marketplace's storefronts:
    ``around=<marketplace>, label="SalesChannel"``)."""
    members = sorted(key for key in _neighbours(graph, around) if label in (graph.nodes[key].get("labels") or ()))
    if not members:
        raise ValueError(f"label: no {label} node is linked to {around!r} in the view")
    title = f"{len(members)} {label_words(label, len(members))} around {_name(graph, around, model)}"
    return Group(_stable_id("label", around, label, *members), "label", title, tuple(members))


def community_groups(membership: Mapping[str, int]) -> list[Group]:
    """One group per community of ``membership`` (node key -> community number), in
    number order, titled "Community 3 · 12 nodes"."""
    by_community: dict[int, list[str]] = {}
    for key, community in membership.items():
        by_community.setdefault(community, []).append(key)
    groups = []
    for community, keys in sorted(by_community.items()):
        members = tuple(sorted(keys))
        title = f"Community {community} · {len(members)} {label_words('Node', len(members))}"
        groups.append(Group(_stable_id("community", str(community), *members), "community", title, members))
    return groups


_SAVED_COMMUNITY = (
    f"MATCH (n) WHERE n.{quote(RUN_PROPERTY)} = $run AND n.{quote(COMMUNITY_PROPERTY)} = $community "
    f"RETURN n.{KEY} AS key"
)


def saved_community(store: GraphStore, key: str) -> Group | None:
    """The community the node ``key`` was given by the detection last saved to the graph
    with it (its ``community`` and ``community_run`` properties), as a group of the whole
    graph's members of that run; None when no saved run placed it."""
    node = store.subgraph([key]).nodes.get(key)
    if node is None:
        raise NodeNotFound(key)
    properties = node.get("properties") or {}
    community, run = properties.get(COMMUNITY_PROPERTY), properties.get(RUN_PROPERTY)
    if not isinstance(community, int) or run is None:
        return None
    return community_groups(dict.fromkeys(community_members(store, run, community), community))[0]


def community_members(store: GraphStore, run: str, community: int) -> list[str]:
    """The keys of the nodes a saved detection run (its id) placed in ``community``."""
    return [row["key"] for row in store.read(_SAVED_COMMUNITY, {"run": run, "community": int(community)})]
