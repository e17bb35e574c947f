"""The events of a view in date order: what happened when, and who said so.

The model names the event dates of each label and relationship type (``events`` in
``graph/model.yaml``: a ``point``, or the ``start`` or ``end`` of a span). This reads
them off a view's nodes and relationships, one row per event, with the provenance
``sources`` of the node or relationship holding the date: which file and row said it.

Undated nodes (a label without event dates, or none of them set) are never dropped:
they come last, one row each with an empty date and the role ``undated``. A CSV or JSON
file handed on is then the whole view, where a note on standard error would stay in
the terminal; a spreadsheet sorting by date keeps them at the bottom; and the rows
before them are exactly the events in order.

    timeline_events(store, "CASE-001", hops=2)   # the view Explore draws around CASE-001
    view_events(view.graph, store.model)         # a view already built (the app's View.graph)
    in_window(view.graph, store.model, dt.date(2023, 1, 1), dt.date(2023, 12, 31))

:func:`in_window` reduces a view to a period, the rule of the timeline's brush: a node or
relationship with event dates stays when a span of it overlaps the period (a start with
no end is still open; an end with no start existed before) or one of its point events
falls inside it. Undated nodes stay while they touch, through kept relationships, a
kept node (they are attributes of what existed: the phone of a shell that existed), so
those joined to nothing dated that existed go. Undated relationships stay between kept
nodes; a relationship never outlives its ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from graph.model import Model
from graph.scalars import parse
from graph.store import GraphStore
from graph.views.explore import ViewSpec, build_view

__all__ = ["COLUMNS", "UNDATED", "Dated", "dated", "in_window", "relationship_key", "timeline_events", "view_events"]

#: One row per event: when, on what (a node's key and labels, or a relationship's
#: ``start -[TYPE]-> end`` and type), its display name, the date property and its role
#: (point, start, end), and the sources that said it.
COLUMNS = ["date", "key", "label", "name", "event", "role", "sources"]
#: The role of an undated node's row.
UNDATED = "undated"
#: On one day a span's start comes before a point, and a point before a span's end.
_ROLE_ORDER = {"start": 0, "point": 1, "end": 2}


def _when(value: Any) -> dt.date | None:
    """A stored date or datetime (or its text, from an untyped column, read as a load
    reads a date or datetime cell); else None."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for kind in ("date", "datetime"):
            try:
                return parse(kind, value)
            except ValueError:
                continue
    return None


def _sort_key(when: dt.date) -> dt.datetime:
    """Dates and datetimes, naive or zoned, on one line (a zoned time read in UTC)."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
    return dt.datetime.combine(when, dt.time.min)


def _sources(properties: Mapping[str, Any]) -> str:
    sources = properties.get("sources") or []
    return "; ".join(str(source) for source in ([sources] if isinstance(sources, str) else sources))


def relationship_key(start: str, rel_type: str, end: str) -> str:
    """How a relationship is named in a view's events: ``start -[TYPE]-> end``."""
    return f"{start} -[{rel_type}]-> {end}"


def _row(*cells: Any) -> dict[str, Any]:
    return dict(zip(COLUMNS, cells, strict=True))


def _events(
    properties: Mapping[str, Any], events: Mapping[str, str], key: str, label: str, name: str
) -> list[dict[str, Any]]:
    """The rows of one node's or relationship's event dates that are set."""
    return [
        _row(when, key, label, name, prop, role, _sources(properties))
        for prop, role in events.items()
        if (when := _when(properties.get(prop))) is not None
    ]


def view_events(graph: nx.MultiDiGraph, model: Model) -> pd.DataFrame:
    """The events of a view (nodes with ``labels`` and ``properties``, edges with ``type``
    and ``properties``, as :func:`graph.views.explore.build_view` makes them) in date
    order, then its undated nodes. ``frame.attrs["undated"]`` counts those."""
    names = {
        key: model.display_name(data.get("labels") or [], data.get("properties") or {}, key)
        for key, data in graph.nodes(data=True)
    }
    dated, undated = [], []
    for key, data in graph.nodes(data=True):
        labels = data.get("labels") or []
        properties = data.get("properties") or {}
        rows = _events(properties, model.label_events(labels), key, ":".join(labels), names[key])
        dated += rows
        if not rows:
            undated.append(_row(None, key, ":".join(labels), names[key], "", UNDATED, _sources(properties)))
    for start, end, data in graph.edges(data=True):
        rel_type = data["type"]
        dated += _events(
            data.get("properties") or {},
            model.type_events(rel_type),
            relationship_key(start, rel_type, end),
            rel_type,
            f"{names[start]} → {names[end]}",
        )
    dated.sort(key=lambda row: (_sort_key(row["date"]), _ROLE_ORDER[row["role"]], row["key"], row["event"]))
    undated.sort(key=lambda row: row["key"])
    frame = pd.DataFrame(dated + undated, columns=COLUMNS)
    frame.attrs["undated"] = len(undated)
    return frame


def timeline_events(store: GraphStore, center: str, hops: int = 1) -> pd.DataFrame:
    """The events of the view Explore draws around ``center`` (``hops`` out, each node's
    first neighbours: :class:`~graph.views.explore.ViewSpec`'s defaults), as
    :func:`view_events`; ``frame.attrs`` also holds ``nodes`` (the view's count),
    ``truncated`` (the node cap cut the view) and ``more`` (neighbours not shown).
    An unknown ``center`` raises :class:`~graph.store.NodeNotFound`."""
    view = build_view(store, ViewSpec(centres=(center,), hops=hops))
    frame = view_events(view.graph, store.model)
    frame.attrs.update(nodes=view.graph.number_of_nodes(), truncated=view.truncated, more=sum(view.more.values()))
    return frame


@dataclass(frozen=True)
class Dated:
    """When one node or relationship existed (its span: either end may be open) and what
    happened to it (its points), on one naive UTC time line."""

    start: dt.datetime | None
    end: dt.datetime | None
    points: tuple[dt.datetime, ...]

    def during(self, first: dt.datetime, last: dt.datetime) -> bool:
        """Whether it existed or happened between ``first`` and ``last`` (both included)."""
        spans = (self.start, self.end) != (None, None)
        overlaps = spans and (self.start is None or self.start <= last) and (self.end is None or self.end >= first)
        return overlaps or any(first <= point <= last for point in self.points)


def dated(events: pd.DataFrame) -> dict[str, Dated]:
    """The dates of each dated key of :func:`view_events`' rows (its undated rows left out)."""
    found: dict[str, tuple[list, list, list]] = {}
    for key, role, when in zip(events["key"], events["role"], events["date"], strict=True):
        if role != UNDATED:
            found.setdefault(key, ([], [], []))[("start", "end", "point").index(role)].append(_sort_key(when))
    return {
        key: Dated(min(starts, default=None), max(ends, default=None), tuple(points))
        for key, (starts, ends, points) in found.items()
    }


def in_window(
    graph: nx.MultiDiGraph, model: Model, start: dt.date, end: dt.date, events: pd.DataFrame | None = None
) -> nx.MultiDiGraph:
    """The part of a view that existed or happened from ``start`` to ``end`` (whole days,
    both included), by the rule of this module's docstring. ``events``: the view's
    :func:`view_events`, when the caller has them already."""
    when = dated(view_events(graph, model) if events is None else events)
    first, last = _sort_key(start), _sort_key(end) + dt.timedelta(days=1, microseconds=-1)
    links = [
        (u, v, k, data)
        for u, v, k, data in graph.edges(keys=True, data=True)
        if (span := when.get(relationship_key(u, data["type"], v))) is None or span.during(first, last)
    ]
    touching: dict[str, list[str]] = {}
    for u, v, _, _ in links:
        touching.setdefault(u, []).append(v)
        touching.setdefault(v, []).append(u)
    kept = {node for node in graph if node in when and when[node].during(first, last)}
    reached, frontier = set(kept), list(kept)
    while frontier:
        for other in touching.get(frontier.pop(), ()):
            if other not in reached and other not in when:
                reached.add(other)
                frontier.append(other)
    window = nx.MultiDiGraph(**graph.graph)
    window.add_nodes_from((node, data) for node, data in graph.nodes(data=True) if node in reached)
    window.add_edges_from((u, v, k, data) for u, v, k, data in links if u in reached and v in reached)
    return window
